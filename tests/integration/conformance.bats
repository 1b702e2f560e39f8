#!/usr/bin/env bats
# runc's behaviour where runlxc differed (issue 12): each test names the runc rule it holds
# runlxc to, and runs runc on the same bundle where runc's answer shows what is expected.
load helpers

setup() { setup_bundle; }
teardown() {
    if [ -n "${RUNC_ROOT:-}" ]; then
        for d in "$RUNC_ROOT"/*; do [ -d "$d" ] && runc --root "$RUNC_ROOT" delete -f "$(basename "$d")" >/dev/null 2>&1; done
    fi
    teardown_bundle
}

have_runc() { command -v runc >/dev/null || skip "runc is not installed"; RUNC_ROOT=$T/runc-state; }
status_of() { "$@" state "$ID" 2>/dev/null | jq -r .status; }

# Created with stdio on pipes from a non-tty parent, started, and signalled as soon as
# `state` says running: the payload's trap must run and the container stop (issue 12.5).
signal_reaches_payload() {
    local rt=("$@") sig
    for sig in TERM USR2 USR1 HUP; do
        rm -f "$B/rootfs/got-$sig"
        args sh -c "trap 'touch /got-$sig; exit 0' $sig; sleep 30 & wait \$!"
        (cd "$B" && exec "${rt[@]}" create "$ID") < <(sleep 40) > "$T/create.out" 2>&1
        (cd "$B" && exec "${rt[@]}" start "$ID")
        until [ "$(status_of "${rt[@]}")" = running ]; do :; done
        "${rt[@]}" kill "$ID" "$sig"
        # The trap ends the container at once; a signal that was lost leaves it sleeping.
        for _ in $(seq 100); do [ "$(status_of "${rt[@]}")" = stopped ] && break; sleep 0.1; done
        [ -e "$B/rootfs/got-$sig" ] || { echo "${rt[0]}: SIG$sig never reached the payload's trap"; return 1; }
        "${rt[@]}" delete -f "$ID"
    done
}

@test "kill: a signal sent as soon as state says running reaches the payload's trap (TERM USR2 USR1 HUP)" {
    cfg '.root.readonly = false'
    signal_reaches_payload "$RUNLXC" --root "$ROOT"
}

# runc's start reads exec.fifo to EOF, which comes when init execs the payload: until then
# init is the pid namespace's init without handlers and the kernel drops the signal. A
# startContainer hook (run by init between the fifo and the exec) holds that window open.
@test "start: returns once the payload runs, so a signal after start is not lost (runc and runlxc)" {
    cfg '.root.readonly = false | .hooks.startContainer = [{"path": "/bin/sleep", "args": ["sleep", "0.5"]}]'
    signal_reaches_payload "$RUNLXC" --root "$ROOT"
    have_runc
    signal_reaches_payload runc --root "$RUNC_ROOT"
}
