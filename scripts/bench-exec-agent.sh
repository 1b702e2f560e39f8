#!/bin/bash
# Exec latency through the fork-in-namespace agent (kernels without setns, forced here with
# the centos6 personality) beside the setns path (this kernel as it is), on the same bundle,
# interleaved. Prints medians of wall time and of CPU time (user+sys of runlxc exec and its
# children) per `runlxc exec ID true`, and the ratio agent/setns.
#   scripts/bench-exec-agent.sh [RUNS]      (default 40)
# Needs the installed runlxc and tests/kernel-matrix/personality (make build-tests).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-40}
runlxc=$(command -v runlxc)
personality=$top/tests/kernel-matrix/personality
work=$(mktemp -d /tmp/runlxc-bench-agent.XXXXXX)
trap '"$runlxc" --root "$work/st" delete -f setns >/dev/null 2>&1; "$personality" centos6 -- "$runlxc" --root "$work/st" delete -f agent >/dev/null 2>&1; rm -rf "$work"' EXIT
ROOTFS_ONLY=1 "$top/scripts/mkbundle.sh" "$work/b" >/dev/null
"$personality" centos6 -- "$runlxc" spec --bundle "$work/b"        # runs on either path
jq '.process.args = ["sleep", "100000"] | .process.terminal = false' "$work/b/config.json" > "$work/c" && mv "$work/c" "$work/b/config.json"
"$runlxc" --root "$work/st" run -d --bundle "$work/b" setns
"$personality" centos6 -- "$runlxc" --root "$work/st" run -d --bundle "$work/b" agent
[ -S "$work/st/agent/agent.sock" ] && [ ! -e "$work/st/setns/agent.sock" ]
one() { # label command...: appends "wall_ms cpu_ms" to $work/$label
    local label=$1; shift
    python3 - "$@" >> "$work/$label" <<'PY'
import os, sys, time, resource
t = time.monotonic(); r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
os.waitpid(pid, 0)
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %.3f" % ((time.monotonic() - t) * 1000, (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1000))
PY
}
for _ in $(seq "$runs"); do
    one setns "$runlxc" --root "$work/st" exec setns true
    one agent "$personality" centos6 -- "$runlxc" --root "$work/st" exec agent true
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for k in 1 2; do
    s=$(cut -d' ' -f$k "$work/setns" | median); a=$(cut -d' ' -f$k "$work/agent" | median)
    printf '%s per exec: setns %.2f ms, agent %.2f ms, agent/setns %.2fx\n' "$([ $k = 1 ] && echo wall || echo cpu)" "$s" "$a" \
        "$(echo "$a / $s" | bc -l)"
done
echo "(CPU of the agent path counts runlxc exec only: the agent's fork happens inside the container)"
