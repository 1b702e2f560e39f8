#!/bin/bash
# CI kill-point suite (TAP): for each of create start run exec kill delete update, runlxc is
# killed with SIGKILL at every STRIDE-th system call from a random OFFSET (printed, so a failure
# is replayed with KP_OFFSET=...), plus the first and the last 5 calls, and the container must
# be cleanly deletable afterwards (tests/reliability/killpoints-lib.sh says what is checked).
# A stride, not a random sample: consecutive kill points mostly hit the same state on disk (a
# write and its rename are neighbours), so evenly spaced points cover every phase of a command
# at a fifth of the cost; the offset changes with each run so that over runs every point is hit.
# scripts/kill-points.sh runs every point.
#   RUNLXC=/path/to/runlxc KILLAT=/path/to/killat tests/reliability/killpoints.sh
#   KP_STRIDE (default 5), KP_OFFSET (default random in [0, stride)), KP_COMMANDS
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
RUNLXC=${RUNLXC:-$(command -v runlxc)}
. "$TOP/tests/reliability/killpoints-lib.sh"
stride=${KP_STRIDE:-5}
offset=${KP_OFFSET:-$((RANDOM % stride))}
commands=${KP_COMMANDS:-create start run exec kill delete update}
if [ -z "${KILLAT:-}" ]; then
    for k in "${BUILD:-$TOP}/tests/reliability/killat" "$TOP/tests/reliability/killat"; do
        [ -x "$k" ] && KILLAT=$k && break
    done
fi
if [ -z "${KILLAT:-}" ]; then
    KILLAT=$(mktemp /tmp/killat.XXXXXX)
    cc -O2 -o "$KILLAT" "$TOP/tests/reliability/killat.c" || { echo "not ok 1 cannot build killat"; exit 1; }
fi
set -- $commands
echo "1..$#"
echo "# stride $stride, offset $offset (replay: KP_STRIDE=$stride KP_OFFSET=$offset)"
kp_setup || { echo "not ok 1 setup: bystander container did not start"; kp_teardown; exit 1; }
i=0
for cmd in $commands; do
    i=$((i + 1))
    total=$(kp_count "$cmd")
    if [ "$total" -le 0 ]; then
        echo "not ok $i $cmd: could not count its system calls"
        continue
    fi
    points=$( { seq 1 1; seq $((offset + 1)) "$stride" "$total"; seq $((total > 5 ? total - 4 : 1)) "$total"; } | sort -nu)
    fails=""
    for n in $points; do
        r=$(kp_point "$cmd" "$n")
        [ -n "$r" ] && fails+="$r"$'\n'
    done
    np=$(wc -w <<< "$points")
    if [ -z "$fails" ]; then
        echo "ok $i $cmd: killed at $np of its $total system calls, nothing left"
    else
        echo "not ok $i $cmd: killed at $np of its $total system calls"
        sed 's/^/# /' <<< "${fails%$'\n'}"
    fi
done
kp_teardown
