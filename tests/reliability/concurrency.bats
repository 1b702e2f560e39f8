#!/usr/bin/env bats
# Issue 15, section 2: concurrent commands on one container get runc's answers and never leave
# a state.json that does not parse (locking: docs/design-notes.md, note 19).
load ../integration/helpers

setup() { setup_bundle; args sleep 1000; }
teardown() { teardown_bundle; }

# Started in the background: parses state.json over and over until $T/stop exists; a read
# that sees a half-written file leaves $T/torn.
watch_state_json() {
    (
        while [ ! -e "$T/stop" ]; do
            if [ -e "$ROOT/$1/state.json" ]; then
                s=$(cat "$ROOT/$1/state.json" 2>/dev/null) || continue
                [ -z "$s" ] || jq -e .id <<< "$s" >/dev/null 2>&1 || [ ! -e "$ROOT/$1/state.json" ] || echo "$s" >> "$T/torn"
            fi
        done
    ) &
    WATCHER=$!
}
stop_watch() { touch "$T/stop"; wait "$WATCHER"; [ ! -e "$T/torn" ] || { cat "$T/torn"; false; }; }

@test "two deletes of a stopped container: one succeeds, the other finds it gone (runc's answer)" {
    for i in 1 2 3 4 5; do
        rl create "$ID-$i" >/dev/null
        rl kill "$ID-$i" KILL
        for _ in $(seq 50); do [ "$(state_field "$ID-$i" status)" = stopped ] && break; sleep 0.1; done
        "$RUNLXC" --root "$ROOT" delete "$ID-$i" 2>"$T/e1" & p1=$!
        "$RUNLXC" --root "$ROOT" delete "$ID-$i" 2>"$T/e2" & p2=$!
        r1=0; r2=0; wait $p1 || r1=$?; wait $p2 || r2=$?
        echo "round $i: $r1 $r2 $(cat "$T/e1" "$T/e2")"
        [ $((r1 + r2)) -eq 1 ]
        grep -q "does not exist" "$T/e1" "$T/e2"
        assert_no_leftovers "$ID-$i"
    done
}

@test "two delete --force of a running container both succeed and leave nothing" {
    for i in 1 2 3 4 5; do
        rl create "$ID-$i" >/dev/null
        rl start "$ID-$i"
        "$RUNLXC" --root "$ROOT" delete --force "$ID-$i" & p1=$!
        "$RUNLXC" --root "$ROOT" delete --force "$ID-$i" & p2=$!
        wait $p1
        wait $p2
        assert_no_leftovers "$ID-$i"
    done
}

@test "start racing kill: a true state after both, never a torn state.json" {
    for i in 1 2 3 4 5 6 7 8; do
        rl create "$ID-$i" >/dev/null
        watch_state_json "$ID-$i"
        "$RUNLXC" --root "$ROOT" start "$ID-$i" 2>"$T/e1" & p1=$!
        [ $((i % 2)) -eq 0 ] && sleep 0.0$i
        "$RUNLXC" --root "$ROOT" kill "$ID-$i" KILL 2>"$T/e2" & p2=$!
        r1=0; r2=0; wait $p1 || r1=$?; wait $p2 || r2=$?
        echo "round $i: start $r1 kill $r2 $(cat "$T/e1" "$T/e2")"
        # runc's answers: start fails only because the container stopped (or was never
        # waiting), kill only because it is no longer running
        [ "$r1" -eq 0 ] || grep -qE "stopped|not waiting" "$T/e1"
        [ "$r2" -eq 0 ] || grep -q "not running" "$T/e2"
        for _ in $(seq 50); do [ "$(state_field "$ID-$i" status)" = stopped ] && break; sleep 0.1; done
        [ "$(state_field "$ID-$i" status)" = stopped ]
        stop_watch
        rm -f "$T/stop"
        rl delete "$ID-$i"
        assert_no_leftovers "$ID-$i"
    done
}

@test "exec racing delete --force: exec ends with an answer, nothing is left" {
    for i in 1 2 3 4 5 6; do
        rl create "$ID-$i" >/dev/null
        rl start "$ID-$i"
        timeout 30 "$RUNLXC" --root "$ROOT" exec "$ID-$i" sleep 1000 >/dev/null 2>"$T/e1" & p1=$!
        sleep 0.0$((i * 2))
        "$RUNLXC" --root "$ROOT" delete --force "$ID-$i"
        r1=0; wait $p1 || r1=$?
        echo "round $i: exec $r1 $(cat "$T/e1")"
        # killed with the container (137), or refused/failed as runc does (1); never a hang (124)
        [ "$r1" -eq 137 ] || [ "$r1" -eq 1 ] || [ "$r1" -eq 255 ]
        assert_no_leftovers "$ID-$i"
    done
}

@test "create racing delete --force of the same id: delete waits for create, nothing half-made" {
    for i in 1 2 3 4 5 6; do
        "$RUNLXC" --root "$ROOT" create --bundle "$B" "$ID-$i" >/dev/null 2>&1 & p1=$!
        sleep 0.00$i
        "$RUNLXC" --root "$ROOT" delete --force "$ID-$i"
        r1=0; wait $p1 || r1=$?
        # either delete came first (create then made a whole container) or it removed all
        if [ -d "$ROOT/$ID-$i" ]; then
            [ "$(state_field "$ID-$i" status)" = created ]
            rl delete --force "$ID-$i"
        fi
        assert_no_leftovers "$ID-$i"
    done
}

@test "pause, resume and update against each other: state.json always parses, state stays true" {
    rl create "$ID" >/dev/null
    rl start "$ID"
    watch_state_json "$ID"
    for i in $(seq 10); do
        "$RUNLXC" --root "$ROOT" pause "$ID" 2>/dev/null & p1=$!
        "$RUNLXC" --root "$ROOT" update --memory $((64 + i))M "$ID" & p2=$!
        "$RUNLXC" --root "$ROOT" resume "$ID" 2>/dev/null & p3=$!
        wait $p1 || true; wait $p2; wait $p3 || true
        rl resume "$ID" 2>/dev/null || true
        [ "$(state_field "$ID" status)" = running ]
    done
    stop_watch
    rl delete --force "$ID"
    assert_no_leftovers "$ID"
}
