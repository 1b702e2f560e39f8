#!/usr/bin/env bats
# The fork-in-namespace exec agent (DESIGN.md decision 4), forced by running runlxc under the
# centos6 personality (no setns(2)): the same exec behaviour, only callers outside the
# container can command it, and a payload that waits for all its children does not hang.
load ../integration/helpers

setup() {
    setup_bundle
    PERSONALITY_BIN=${PERSONALITY_BIN:-$TOP/tests/kernel-matrix/personality}
    printf '#!/bin/sh\nexec %s centos6 -- %s "$@"\n' "$PERSONALITY_BIN" "$(command -v "${RUNLXC_REAL:-runlxc}")" > "$T/runlxc-centos6"
    chmod +x "$T/runlxc-centos6"
    RUNLXC=$T/runlxc-centos6
    (cd "$B" && rm config.json && "$RUNLXC" spec)   # what this kernel can run
    cfg '.process.terminal = false'
    args sleep 1000
}
teardown() { teardown_bundle; }

@test "agent: exec goes through the agent where setns is missing; status, env, cwd, user, stdin" {
    cfg 'del(.process.capabilities)'   # no ambient capabilities there: a non-root user keeps none
    rl run -d "$ID"
    [ -S "$ROOT/$ID/agent.sock" ]
    [ "$(stat -c %a "$ROOT/$ID/agent.sock")" = 600 ]
    run rl exec --env FOO=bar --cwd /tmp --user 1000:1001 "$ID" sh -c 'echo "$FOO|$(pwd)|$(id -u):$(id -g)"; exit 3'
    [ "$status" -eq 3 ]
    [ "$output" = "bar|/tmp|1000:1001" ]
    run bash -c "echo piped | $RUNLXC --root $ROOT exec $ID sh -c 'read l; echo got:\$l'"
    [ "$output" = got:piped ]
    # the agent itself: a child of PID 1, not dumpable, no capability dropped yet
    run rl exec "$ID" sh -c 'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = runlxc-agent ] &&
                                 grep -E "^(PPid|CapEff)" $p/status | tr -s "\t" " " | tr "\n" " "; done'
    echo "$output"
    [[ "$output" =~ PPid:\ 1\ CapEff:\ ([0-9a-f]+) ]]
    [ $(( 0x${BASH_REMATCH[1]} & (1 << 21) )) -ne 0 ]   # CAP_SYS_ADMIN: the payload's limits are not yet applied
}

@test "agent: signals reach the exec'd process; a signal death gives 128+n; --detach --pid-file is its host pid" {
    rl run -d "$ID"
    "$RUNLXC" --root "$ROOT" exec "$ID" sleep 500 3>&- &
    local runner=$!
    local p=
    for _ in $(seq 100); do p=$(pgrep -f '^sleep 500$' || true); [ -n "$p" ] && break; sleep 0.05; done
    [ -n "$p" ]
    kill -TERM "$runner"
    local st=0
    wait "$runner" || st=$?
    [ "$st" -eq 143 ]
    rl exec --detach --pid-file "$T/epid" "$ID" sleep 501
    [ "$(tr '\0' ' ' < /proc/$(cat "$T/epid")/cmdline)" = "sleep 501 " ]
}

@test "agent: exec --tty with --console-socket hands over a pty from the container" {
    rl run -d "$ID"
    python3 "$TOP/tests/integration/console-recv.py" "$T/console.sock" "$T/console.out" 3>&- &
    local recv=$!
    for _ in $(seq 100); do [ -S "$T/console.sock" ] && break; sleep 0.02; done
    rl exec --tty --detach --console-socket "$T/console.sock" "$ID" sh -c 'tty; sleep 1'
    wait "$recv"
    grep -q '/dev/pts/' "$T/console.out"
}

@test "agent: nothing inside the container, even root with every capability, can make it run a command" {
    # The worst case: the state dir (and so the agent's socket) is visible inside.
    mkdir -p "$ROOT"
    chmod 711 "$ROOT"
    rm -rf "$B/rootfs/lib" "$B/rootfs/lib64"
    ln -s usr/lib "$B/rootfs/lib"; ln -s usr/lib64 "$B/rootfs/lib64"
    cp "$TOP/tests/kernel-matrix/agent-client.py" "$B/rootfs/client.py"
    local all='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_KILL","CAP_SETUID","CAP_SETGID","CAP_SYS_ADMIN","CAP_SYS_PTRACE","CAP_NET_ADMIN","CAP_MKNOD","CAP_SYS_CHROOT"]'
    cfg --arg r "$ROOT" --argjson all "$all" '.mounts += [{"destination": "/usr", "type": "bind", "source": "/usr", "options": ["rbind", "ro"]},
                                       {"destination": "/state", "type": "bind", "source": $r, "options": ["rbind"]}]
         | .root.readonly = false
         | .process.capabilities = {"bounding": $all, "effective": $all, "permitted": $all}'
    args sh -c 'sleep 2; python3 /client.py /state/'"$ID"'/agent.sock /bin/touch /pwned-from-inside; sleep 1000'
    rl run -d "$ID"
    # From the host the same request works: the refusal below is the peer check, not the protocol.
    run python3 "$TOP/tests/kernel-matrix/agent-client.py" "$ROOT/$ID/agent.sock" /bin/touch /from-the-host
    echo "$output"
    [ "${lines[0]}" = READY ]
    [ "${lines[1]}" = "EXIT 0" ]
    [ -e "$B/rootfs/from-the-host" ]
    # Inside: refused, and nothing ran.
    local log=$ROOT/../inside.log
    run rl exec "$ID" sh -c 'sleep 3; python3 /client.py /state/'"$ID"'/agent.sock /bin/touch /pwned-by-exec 2>&1'
    echo "$output"
    [[ "$output" == *"ERROR runlxc-agent: refused: the caller is inside the container"* ]]
    [ ! -e "$B/rootfs/pwned-by-exec" ]
    [ ! -e "$B/rootfs/pwned-from-inside" ]
}

@test "agent: a payload that waits for all its children does not hang because of the agent" {
    args sh -c 'sleep 1 & wait; echo waited'
    run timeout 30 "$RUNLXC" --root "$ROOT" run --bundle "$B" "$ID"
    [ "$status" -eq 0 ]
    [ "$output" = waited ]
    # the agent dies with the container
    if pgrep -x runlxc-agent >/dev/null; then echo "agent left: $(pgrep -a -x runlxc-agent)"; false; fi
}

@test "agent: a container without its own pid namespace keeps the agent, which delete removes" {
    cfg '.linux.namespaces |= map(select(.type != "pid"))'
    refused_below_liblxc 3.0
    rl run -d "$ID"
    run rl exec "$ID" sh -c 'echo ok'
    [ "$output" = ok ]
    local cg; cg=$(grep ':pids:' /proc/$(state_field "$ID" pid)/cgroup | cut -d: -f3)
    [ "$(wc -l < /sys/fs/cgroup/pids$cg/cgroup.procs)" -eq 2 ]   # payload + agent
    rl delete --force "$ID"
    assert_no_leftovers "$ID"
}

@test "no memfd_create: runlxc-init runs from a read-only detached bind of the installed file" {
    rl create --bundle "$B" --pid-file "$T/pid" "$ID"
    local pid; pid=$(cat "$T/pid")
    # init is still runlxc-init (waiting for start): its executable sits on a read-only mount,
    # so reopening /proc/PID/exe for writing could never reach the host's binary.
    python3 -c 'import os, sys; st = os.statvfs("/proc/%s/exe" % sys.argv[1]); sys.exit(0 if st.f_flag & os.ST_RDONLY else 1)' "$pid"
    run python3 -c 'import sys; open("/proc/%s/exe" % sys.argv[1], "r+b")' "$pid"
    [ "$status" -ne 0 ]
    [[ "$output" == *"Read-only file system"* ]] || [[ "$output" == *"Text file busy"* ]]
    # and no mount is left behind on the host
    if grep -q runlxc-init /proc/self/mountinfo; then false; fi
}

@test "agent: a paused container: exec needs --ignore-paused, then starts frozen and runs on resume; ps, kill, delete --force" {
    cfg '.root.readonly = false'   # the mark below goes to the rootfs
    rl run -d "$ID"
    rl pause "$ID"
    run rl exec "$ID" true
    [ "$status" -eq 255 ]   # runc: a failed exec exits 255
    [[ "$output" == *"cannot exec in a paused container"*"--ignore-paused"* ]]
    # the process is started but frozen with the container until resume (runc's behaviour)
    "$RUNLXC" --root "$ROOT" exec --ignore-paused "$ID" sh -c 'echo ran > /tmp/mark; exit 7' 3>&- &
    local runner=$!
    sleep 1
    [ ! -e "$B/rootfs/tmp/mark" ]
    kill -0 "$runner"
    rl resume "$ID"
    local st=0
    wait "$runner" || st=$?
    [ "$st" -eq 7 ]
    [ "$(cat "$B/rootfs/tmp/mark")" = ran ]
    # detached into a paused container: the process is in the container's frozen cgroups
    rl pause "$ID"
    rl exec --ignore-paused --detach --pid-file "$T/epid" "$ID" sleep 301
    local epid init
    epid=$(cat "$T/epid")
    init=$(rl state "$ID" | jq -r .pid)
    [ "$(grep :freezer: /proc/$epid/cgroup)" = "$(grep :freezer: /proc/$init/cgroup)" ]
    [ "$(rl state "$ID" | jq -r .status)" = paused ]
    run rl ps --format json "$ID"
    [ "$status" -eq 0 ]
    jq -e --argjson e "$epid" --argjson i "$init" 'index($e) != null and index($i) != null' <<< "$output"
    rl kill "$ID" KILL
    for _ in $(seq 100); do [ "$(rl state "$ID" | jq -r .status)" = stopped ] && break; sleep 0.05; done
    [ "$(rl state "$ID" | jq -r .status)" = stopped ]
    if kill -0 "$epid" 2>/dev/null; then false; fi
    rl delete "$ID"
    assert_no_leftovers "$ID"
    # delete --force of a paused container with a frozen exec'd process leaves nothing
    rl run -d "$ID"
    rl pause "$ID"
    rl exec --ignore-paused --detach --pid-file "$T/epid" "$ID" sleep 302
    rl delete --force "$ID"
    if kill -0 "$(cat "$T/epid")" 2>/dev/null; then false; fi
    assert_no_leftovers "$ID"
}
