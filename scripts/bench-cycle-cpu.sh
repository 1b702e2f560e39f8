#!/bin/bash
# CPU time of create+start+delete -f (a sleep container) for runlxc beside crun and runc on
# the same bundle, interleaved with the order rotated every iteration. The shared lifecycle
# benchmark times that cycle by wall clock only; this counts user+sys of the three CLIs and of
# every process they leave behind (container init, monitors), which the harness reaps as
# their subreaper. Prints per-phase and total medians and the ratio to crun (the first runtime).
#   scripts/bench-cycle-cpu.sh [RUNS]        (default 30; RUNTIMES="crun runc runlxc")
# On a hybrid host it runs in a private mount namespace with /sys/fs/cgroup/unified unmounted,
# as ../shared/bench/lifecycle.sh does: crun refuses hybrid mode.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-30}
if [ -z "${RLX_CYCLE_NS:-}" ] && [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] &&
   [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = tmpfs ]; then
    RLX_CYCLE_NS=1 exec unshare --mount --propagation private -- "$BASH" "$0" "$@"
fi
[ -z "${RLX_CYCLE_NS:-}" ] || umount /sys/fs/cgroup/unified
rts=()
for r in ${RUNTIMES:-crun runc runlxc}; do
    p=$(command -v "$r" || true)
    [ -n "$p" ] && rts+=("$p") || echo "bench-cycle-cpu: $r not found, skipped" >&2
done
work=$(mktemp -d /tmp/runlxc-bench-cycle.XXXXXX)
trap 'rm -rf "$work"' EXIT
ROOTFS_ONLY=1 "$top/scripts/mkbundle.sh" "$work/b" >/dev/null
runlxc spec --bundle "$work/b"
jq '.process.args = ["sleep", "100000"] | .process.terminal = false' "$work/b/config.json" > "$work/c"
mv "$work/c" "$work/b/config.json"
python3 - "$work" "$runs" "${rts[@]}" <<'PY'
import ctypes, os, resource, statistics, subprocess, sys
work, runs, rts = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * 1000
def reap():
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
def cycle(rt, cid):
    root = ["--root", f"{work}/root-{os.path.basename(rt)}"]
    out = {}
    for phase, args in (("create", ["create", "--bundle", f"{work}/b", cid]), ("start", ["start", cid]),
                        ("delete", ["delete", "-f", cid])):
        c0 = cpu()
        subprocess.run([rt] + root + args, check=True, stdout=subprocess.DEVNULL)
        if phase == "delete":
            reap()  # the container's init (and any monitor) end here; their CPU counts
        out[phase] = cpu() - c0
    out["total"] = sum(out.values())
    return out
res = {rt: [] for rt in rts}
for it in range(runs + 2):
    order = rts[it % len(rts):] + rts[:it % len(rts)]
    for rt in order:
        r = cycle(rt, f"cyc{os.getpid()}-{it}")
        if it >= 2:  # two warm-up rounds
            res[rt].append(r)
base = rts[0]
print(f"create+start+delete CPU (user+sys, ms), median of {runs}; ratio to {os.path.basename(base)}")
print(f"{'runtime':10} {'create':>8} {'start':>8} {'delete':>8} {'total':>8} {'ratio':>6}")
bt = statistics.median(x["total"] for x in res[base])
for rt in rts:
    m = {k: statistics.median(x[k] for x in res[rt]) for k in ("create", "start", "delete", "total")}
    print(f"{os.path.basename(rt):10} {m['create']:8.2f} {m['start']:8.2f} {m['delete']:8.2f} {m['total']:8.2f} {m['total'] / bt:6.2f}")
PY
