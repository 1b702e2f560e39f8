#!/bin/bash
# Parallel load (issue 15, section 2), TAP. STREAMS streams share CONTAINERS containers; each
# container goes through create, state, start, state, exec, ps, pause, state, resume, state,
# kill, state (until stopped), delete, state (gone), while readers run `list --format json`
# and `events --stats ID` on whatever exists the whole time. Counted:
#   failures     a command that should have succeeded did not (readers: a crash, or exit 0
#                with output that is not JSON; a container deleted under a reader may fail it)
#   wrong states `state` said something other than what the stream had just made true
#   leftovers    state dirs, cgroup dirs or processes of the run after the last delete
#   RUNTIME=/path/to/runlxc|crun|runc (default runlxc on PATH), STREAMS (8), CONTAINERS (80 in
#   CI; scripts/parallel-load.sh runs 400), PL_EVENTS=0 for a runtime without `events` (crun).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
RUNTIME=${RUNTIME:-${RUNLXC:-$(command -v runlxc)}}
STREAMS=${STREAMS:-8}
CONTAINERS=${CONTAINERS:-80}
PL_EVENTS=${PL_EVENTS:-1}
T=$(mktemp -d /tmp/runlxc-pl.XXXXXX)
ROOT=$T/state
MARK=$(( 700000 + RANDOM ))
PREFIX=pl$$x
trap 'rm -rf "$T"' EXIT
echo "1..3"
echo "# $RUNTIME: $STREAMS streams, $CONTAINERS containers, readers: list$([ "$PL_EVENTS" = 1 ] && echo " and events --stats")"

ROOTFS_ONLY=1 "$TOP/scripts/mkbundle.sh" "$T/b" >/dev/null
RUNLXC=${RUNLXC_FOR_SPEC:-$(command -v runlxc || echo "$RUNTIME")} "$TOP/scripts/mkbundle.sh" "$T/b" sleep "$MARK" >/dev/null ||
    { echo "not ok 1 bundle"; exit 1; }
rt() { timeout 60 "$RUNTIME" --root "$ROOT" "$@"; }

fail() { echo "$*" >> "$T/failures"; }
wrong() { echo "$*" >> "$T/wrong"; }
expect_state() { # ID STATUS
    local s
    s=$(rt state "$1" 2>&1 | jq -r .status 2>/dev/null)
    [ "$s" = "$2" ] || wrong "$1: state '$s', expected $2"
}

stream() { # N
    local s=$1 i id n
    for ((i = s; i < CONTAINERS; i += STREAMS)); do
        id=$PREFIX-$i
        rt create --bundle "$T/b" "$id" >/dev/null 2>"$T/err.$s" || { fail "$id create: $(cat "$T/err.$s")"; continue; }
        expect_state "$id" created
        rt start "$id" 2>"$T/err.$s" || fail "$id start: $(cat "$T/err.$s")"
        expect_state "$id" running
        rt exec "$id" true 2>"$T/err.$s" || fail "$id exec: $(cat "$T/err.$s")"
        n=$(rt ps --format json "$id" 2>"$T/err.$s" | jq length 2>/dev/null)
        [ "${n:-0}" -ge 1 ] || fail "$id ps: '$n' $(cat "$T/err.$s")"
        rt pause "$id" 2>"$T/err.$s" || fail "$id pause: $(cat "$T/err.$s")"
        expect_state "$id" paused
        rt resume "$id" 2>"$T/err.$s" || fail "$id resume: $(cat "$T/err.$s")"
        expect_state "$id" running
        rt kill "$id" KILL 2>"$T/err.$s" || fail "$id kill: $(cat "$T/err.$s")"
        for _ in $(seq 100); do
            [ "$(rt state "$id" 2>/dev/null | jq -r .status)" = stopped ] && break
            sleep 0.05
        done
        expect_state "$id" stopped
        rt delete "$id" 2>"$T/err.$s" || fail "$id delete: $(cat "$T/err.$s")"
        rt state "$id" >/dev/null 2>&1 && wrong "$id: state succeeds after delete"
    done
}

reader() { # list|events
    local out rc id
    while [ ! -e "$T/done" ]; do
        # stdout only: runc warns on stderr about containers deleted while it lists
        out=$(rt list --format json 2>"$T/list.err"); rc=$?
        if [ "$rc" -ne 0 ] || ! jq . <<< "$out" >/dev/null 2>&1; then
            fail "list ($rc): $out $(cat "$T/list.err")"
        elif [ "$1" = events ]; then
            for id in $(jq -r '.[]?.id' <<< "$out" | shuf -n 3); do
                out=$(rt events --stats "$id" 2>/dev/null); rc=$?
                [ "$rc" -ge 128 ] && fail "events --stats $id crashed ($rc)"
                [ "$rc" -eq 0 ] && ! jq -e . <<< "$out" >/dev/null 2>&1 && fail "events --stats $id: not JSON: $out"
            done
        fi
        echo x >> "$T/reads"
    done
}

start=$(date +%s.%N)
reader list & r1=$!
r2=
[ "$PL_EVENTS" = 1 ] && { reader events & r2=$!; }
pids=()
for ((s = 0; s < STREAMS; s++)); do stream "$s" & pids+=($!); done
wait "${pids[@]}"
touch "$T/done"
wait $r1 $r2
secs=$(echo "$(date +%s.%N) - $start" | bc)

left=$(
    ls "$ROOT" 2>/dev/null | sed 's/^/state dir /'
    find /sys/fs/cgroup -maxdepth 4 -type d -name "$PREFIX-*" 2>/dev/null | sed 's/^/cgroup /'
    # a pattern that is not the mark itself, so that grep does not find its own command line
    grep -lzxE -e "${MARK:0:1}[${MARK:1:1}]${MARK:2}" /proc/[0-9]*/cmdline 2>/dev/null | sed 's/^/process /'
)
nf=$(cat "$T/failures" 2>/dev/null | wc -l); nw=$(cat "$T/wrong" 2>/dev/null | wc -l)
nl=$(grep -c . <<< "$left"); nr=$(cat "$T/reads" 2>/dev/null | wc -l)
echo "# $CONTAINERS containers in ${secs%.*} s, $nr reader rounds: $nf failures, $nw wrong states, $nl leftovers"
if [ "$nf" -eq 0 ]; then echo "ok 1 no failures"; else echo "not ok 1 $nf failures"; head -20 "$T/failures" | sed 's/^/# /'; fi
if [ "$nw" -eq 0 ]; then echo "ok 2 no wrong states"; else echo "not ok 2 $nw wrong states"; head -20 "$T/wrong" | sed 's/^/# /'; fi
if [ "$nl" -eq 0 ]; then echo "ok 3 nothing left"; else echo "not ok 3 $nl leftovers"; head -20 <<< "$left" | sed 's/^/# /'; fi
# leave the host as it was, whatever the runtime left
for d in "$ROOT"/*; do [ -d "$d" ] && rt delete --force "$(basename "$d")" >/dev/null 2>&1; done
find /sys/fs/cgroup -maxdepth 4 -depth -type d -name "$PREFIX-*" -exec rmdir {} + 2>/dev/null
[ "$nf" -eq 0 ] && [ "$nw" -eq 0 ] && [ "$nl" -eq 0 ]
