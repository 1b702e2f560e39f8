#!/bin/bash
# Where run-to-exit CPU goes, by process: runs `run` of /bin/true RUNS times for each runtime
# under `perf sched record` and sums each task's run time by command name, per run. A process
# keeps its parent's name until it execs or renames itself, so liblxc's container child counts
# under its monitor's name until it execs init (runlxc-init's name is the number of the fd it
# is exec'd from). Kernel threads, the harness's shell, idle and every process that was already
# running before the runs (the machine's daemons, by pid) are left out. perf's tracing
# makes every figure larger than the untraced one: compare rows within one run only.
#   scripts/bench-process-split.sh [RUNS]   (default 50; RUNTIMES="runlxc floor-oci lxc", crun too)
#   FLOOR, LXC_SH as for scripts/bench-liblxc-floor.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/bench-common.sh"
runs=${1:-50}
command -v perf >/dev/null || { echo "bench-process-split: perf not found (Debian linux-perf)" >&2; exit 1; }
bench_true_work split
for rt in ${RUNTIMES:-runlxc floor-oci lxc}; do
    case $rt in
    floor | floor-oci) [ -x "$floor" ] || { echo "$rt: $floor not built (make build-tests), skipped" >&2; continue; } ;;
    lxc) [ -n "$lxc_conf" ] || { echo "lxc: lxc-execute or ../shared/bench/lxc.sh (LXC_SH) missing, skipped" >&2; continue; } ;;
    *) command -v "$rt" >/dev/null || { echo "$rt: not found, skipped" >&2; continue; } ;;
    esac
    cmd=$(bench_true_command "$rt")
    for i in 1 2 3; do ${cmd//@/w$i-$rt} >/dev/null; done
    before=$(ps -e -o pid= | tr -d ' ' | tr '\n' '/')
    perf sched record -q -o "$work/$rt.data" -- bash -c "for i in \$(seq $runs); do ${cmd//@/s\$i-$rt} >/dev/null; done" >/dev/null 2>&1
    echo "== $rt (ms of CPU per run, $runs runs)"
    perf sched timehist -i "$work/$rt.data" 2>/dev/null | awk -v n="$runs" -v before="/$before" '
        NR > 3 {
            c = $3; id = c; sub(/\[[0-9\/]+\]$/, "", c)
            sub(/\]$/, "", id); sub(/.*[\[\/]/, "", id)
            if (c ~ /^(<idle>|:-1|bash|seq|perf|kthreadd|kworker|ksoftirqd|rcu_|migration)/ || index(before, "/" id "/")) next
            if (c ~ /^[0-9]+$/) c = "runlxc-init (fd " c ")"
            t[c] += $6; total += $6 }
        END { for (c in t) if (t[c] / n >= 0.01) printf "%9.2f  %s\n", t[c] / n, c; printf "%9.2f  total\n", total / n }' | sort -nr
done
