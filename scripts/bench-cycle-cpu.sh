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
. "$top/scripts/bench-common.sh"
bench_runtimes ${RUNTIMES:-crun runc runlxc}
work=$(mktemp -d /tmp/runlxc-bench-cycle.XXXXXX)
trap 'rm -rf "$work"' EXIT
bench_bundle "$work/b" sleep 100000
python3 - "$top/scripts" "$work" "$runs" "${rts[@]}" <<'PY'
import os, statistics, subprocess, sys
sys.path.insert(0, sys.argv[1])
from benchlib import become_subreaper, cpu_ms, reap, rounds
work, runs, rts = sys.argv[2], int(sys.argv[3]), sys.argv[4:]
become_subreaper()
def cycle(rt, cid):
    root = ["--root", f"{work}/root-{os.path.basename(rt)}"]
    out = {}
    for phase, args in (("create", ["create", "--bundle", f"{work}/b", cid]), ("start", ["start", cid]),
                        ("delete", ["delete", "-f", cid])):
        c0 = cpu_ms()
        subprocess.run([rt] + root + args, check=True, stdout=subprocess.DEVNULL)
        if phase == "delete":
            reap()  # the container's init (and any monitor) end here; their CPU counts
        out[phase] = cpu_ms() - c0
    out["total"] = sum(out.values())
    return out
res = {rt: [] for rt in rts}
for counted, order, it in rounds(rts, runs, 2):
    for rt in order:
        r = cycle(rt, f"cyc{os.getpid()}-{it}")
        if counted:
            res[rt].append(r)
base = rts[0]
print(f"create+start+delete CPU (user+sys, ms), median of {runs}; ratio to {os.path.basename(base)}")
print(f"{'runtime':10} {'create':>8} {'start':>8} {'delete':>8} {'total':>8} {'ratio':>6}")
bt = statistics.median(x["total"] for x in res[base])
for rt in rts:
    m = {k: statistics.median(x[k] for x in res[rt]) for k in ("create", "start", "delete", "total")}
    print(f"{os.path.basename(rt):10} {m['create']:8.2f} {m['start']:8.2f} {m['delete']:8.2f} {m['total']:8.2f} {m['total'] / bt:6.2f}")
PY
