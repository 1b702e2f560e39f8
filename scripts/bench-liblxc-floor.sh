#!/bin/bash
# Run-to-exit CPU of /bin/true for crun, runlxc and liblxc alone ("floor": scripts/liblxc-floor,
# liblxc's start() in one process with the LXC configuration runlxc builds for the same bundle,
# without runlxc's monitor fork, runlxc-init or OCI state; "floor-oci" is liblxc-floor --oci:
# the same with what runlxc-init does for the bundle (devices, masked and read-only paths,
# capabilities, rlimits, no_new_privs) given to liblxc as LXC keys, so that liblxc alone runs
# the whole bundle, as lxc-execute does with LXC's own keys), interleaved with the order rotated
# every iteration. CPU is user+sys of each command and of every process it reaped (the harness
# is their subreaper too), as ../shared/bench/timeit.c counts it. Prints medians and the ratio
# to the first runtime; "floor" is about the least any runtime that builds containers with
# liblxc's start() can cost on this host (it includes liblxc's teardown, which runlxc skips).
# "lxc" is LXC's own lxc-execute with ../shared/bench/lxc.sh's configuration for the same rootfs
# (the issue's other run-to-exit target), skipped when lxc-execute or that script is missing.
#   scripts/bench-liblxc-floor.sh [RUNS]     (default 50; RUNTIMES="crun runlxc floor floor-oci lxc", runc too)
#   FLOOR=path/to/liblxc-floor               (default: the build tree's scripts/liblxc-floor)
#   LXC_SH=path/to/lxc.sh                    (default: ../shared/bench/lxc.sh beside the checkout)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/bench-common.sh"
runs=${1:-50}
bench_runtimes ${RUNTIMES:-crun runlxc floor floor-oci lxc}
bench_true_work floor
[ -x "$floor" ] || { echo "bench-liblxc-floor: $floor not built (make build-tests)" >&2; exit 1; }
if [[ " ${rts[*]} " == *" lxc "* && -z $lxc_conf ]]; then
    echo "bench-liblxc-floor: lxc-execute or ../shared/bench/lxc.sh (LXC_SH) not found, lxc skipped" >&2
    for i in "${!rts[@]}"; do [ "${rts[$i]}" != lxc ] || unset 'rts[i]'; done
    rts=("${rts[@]}")
fi
cmds=()
for rt in "${rts[@]}"; do cmds+=("$rt" "$(bench_true_command "$rt")"); done
python3 - "$top/scripts" "$runs" "${cmds[@]}" <<'PY'
import os, statistics, subprocess, sys
sys.path.insert(0, sys.argv[1])
from benchlib import become_subreaper, cpu_ms, reap, rounds
runs, rts, lines = int(sys.argv[2]), sys.argv[3::2], dict(zip(sys.argv[3::2], sys.argv[4::2]))
become_subreaper()
def command(rt, cid):
    return lines[rt].replace("@", cid).split()
res = {rt: [] for rt in rts}
for counted, order, it in rounds(rts, runs, 3):
    for rt in order:
        c0 = cpu_ms()
        subprocess.run(command(rt, f"flr{os.getpid()}-{it}"), check=True, stdout=subprocess.DEVNULL)
        reap()
        if counted:
            res[rt].append(cpu_ms() - c0)
name = lambda rt: os.path.basename(rt)
base = statistics.median(res[rts[0]])
print(f"run-to-exit CPU of /bin/true (user+sys, ms), {runs} runs; ratio of medians to {name(rts[0])}")
print(f"{'runtime':10} {'min':>7} {'median':>7} {'ratio':>6}")
for rt in rts:
    m = statistics.median(res[rt])
    print(f"{name(rt):10} {min(res[rt]):7.2f} {m:7.2f} {m / base:6.2f}")
PY
