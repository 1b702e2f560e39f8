#!/bin/bash
# `list` with N running containers, runlxc and crun interleaved (issue 15, part 3's goal: list at
# or below crun's time at every N). Both run in a private mount namespace without the cgroup2
# mount, which crun needs on this hybrid host.
#   scripts/bench-list.sh [N] [RUNS]      (default 500 containers of each, 20 runs)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-500} runs=${2:-20}
if [ -z "${BENCH_LIST_INNER:-}" ]; then
    BENCH_LIST_INNER=1 exec unshare -m --propagation private "$0" "$n" "$runs"
fi
umount /sys/fs/cgroup/unified 2>/dev/null || true
work=$(mktemp -d /tmp/runlxc-bench-list.XXXXXX)
ROOTFS_ONLY=1 "$top/scripts/mkbundle.sh" "$work/b" >/dev/null
(cd "$work/b" && runc spec && jq '.process.terminal = false | .process.args = ["sleep", "100000"] |
    .linux.resources = {}' config.json > c && mv c config.json)
cleanup() {
    for i in $(seq 1 "$n"); do
        runlxc --root "$work/runlxc" delete -f "r$i" 2>/dev/null || true
        crun --root "$work/crun" delete -f "c$i" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
for i in $(seq 1 "$n"); do
    runlxc --root "$work/runlxc" run -d -b "$work/b" "r$i" </dev/null >/dev/null
    crun --root "$work/crun" run -d -b "$work/b" "c$i" </dev/null >/dev/null
done
python3 - "$work" "$runs" <<'PY'
import statistics, subprocess, sys, time
work, runs = sys.argv[1], int(sys.argv[2])
res = {"runlxc": [], "crun": []}
for it in range(runs + 1):                       # the first round warms up
    for rt in (["runlxc", "crun"] if it % 2 else ["crun", "runlxc"]):
        t = time.perf_counter()
        subprocess.run([rt, "--root", f"{work}/{rt}", "list"], stdout=subprocess.DEVNULL, check=True)
        if it:
            res[rt].append((time.perf_counter() - t) * 1000)
for rt, v in res.items():
    print(f"{rt:7} list, {len(v)} runs: median {statistics.median(v):.2f} ms, min {min(v):.2f}")
print(f"runlxc / crun: {statistics.median(res['runlxc']) / statistics.median(res['crun']):.2f}")
PY
