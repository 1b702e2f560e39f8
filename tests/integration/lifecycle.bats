#!/usr/bin/env bats
# The runc lifecycle through the real binary: create, start, state, kill, delete, run.
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "run: exit status of the payload is passed through" {
    args sh -c 'exit 3'
    run rl run "$ID"
    [ "$status" -eq 3 ]
    assert_no_leftovers "$ID"
}

@test "run: a payload killed by a signal exits 128+signal" {
    # Without a pid namespace the payload is not a namespace init and can die by its own signal.
    cfg 'del(.linux.namespaces[] | select(.type == "pid"))'
    args sh -c 'kill -9 $$'
    refused_below_liblxc 3.0
    run rl run "$ID"
    [ "$status" -eq 137 ]
    assert_no_leftovers "$ID"
}

@test "run: a payload killed by SIGKILL from outside exits 137" {
    args sh -c 'echo ready; sleep 1000'
    (cd "$B" && exec "$RUNLXC" --root "$ROOT" run "$ID") > "$T/out" 2>&1 &
    local pid=$!
    for i in $(seq 100); do grep -q ready "$T/out" 2>/dev/null && break; sleep 0.05; done
    rl kill "$ID" KILL
    wait $pid || st=$?
    [ "${st:-0}" -eq 137 ]
}

@test "run: a payload killed by SIGHUP exits 129 and is not restarted" {
    cfg 'del(.linux.namespaces[] | select(.type == "pid"))'
    args sh -c 'echo started; kill -HUP $$'
    refused_below_liblxc 3.0
    run rl run "$ID"
    [ "$status" -eq 129 ]
    [ "$(echo "$output" | grep -c started)" -eq 1 ]
}

@test "run: payload is PID 1 with the spec hostname, stdout and stderr pass through" {
    args sh -c 'echo "pid=$$ host=$(hostname)"; echo to-stderr >&2'
    run --separate-stderr rl run "$ID"
    [ "$status" -eq 0 ]
    [ "$output" = "pid=1 host=runlxc" ]
    [ "$stderr" = "to-stderr" ]
}

@test "run: stdin passes through" {
    args sh -c 'read line; echo "got:$line"'
    run bash -c "cd $B && echo hello | $RUNLXC --root $ROOT run $ID"
    [ "$status" -eq 0 ]
    [ "$output" = "got:hello" ]
}

@test "run: forwards signals to the container and exits with its status" {
    args sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.05; done'
    (cd "$B" && exec "$RUNLXC" --root "$ROOT" run "$ID") > "$T/out" 2>&1 &
    local pid=$!
    for i in $(seq 100); do grep -q ready "$T/out" 2>/dev/null && break; sleep 0.05; done
    kill -TERM $pid
    wait $pid || st=$?
    [ "${st:-0}" -eq 7 ]
    grep -q got-term "$T/out"
}

@test "run -d: detached container keeps running, --keep keeps a stopped one" {
    args sleep 100
    rl run -d "$ID"
    [ "$(state_field "$ID" status)" = running ]
    rl delete --force "$ID"
    args true
    rl run --keep "$ID"
    [ "$(state_field "$ID" status)" = stopped ]
    rl delete "$ID"
    assert_no_leftovers "$ID"
}

@test "create/start: two phases through the exec fifo, pid file is init's host pid" {
    args sh -c 'echo started > /dev/shm/x; sleep 100'
    rl create --bundle "$B" --pid-file "$T/pid" "$ID"
    [ "$(state_field "$ID" status)" = created ]
    local pid; pid=$(cat "$T/pid")
    [ "$(state_field "$ID" pid)" = "$pid" ]
    [ -e "$ROOT/$ID/exec.fifo" ]
    # not started: the payload has not run
    if grep -q sleep "/proc/$pid/cmdline"; then false; fi
    rl start "$ID"
    [ "$(state_field "$ID" status)" = running ]
    [ ! -e "$ROOT/$ID/exec.fifo" ]
    for i in $(seq 50); do grep -q sleep "/proc/$pid/cmdline" && break; sleep 0.02; done
    [ "$(tr '\0' ' ' < /proc/$pid/cmdline)" = "sleep 100 " ]
    run rl start "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"already running"* ]]
}

@test "create: no runlxc or liblxc monitor stays resident; init is reparented to the subreaper" {
    args sleep 100
    rl create --bundle "$B" --pid-file "$T/pid" "$ID"
    local pid; pid=$(cat "$T/pid")
    local ppid; ppid=$(awk '{print $4}' "/proc/$pid/stat")
    if feature PR_SET_CHILD_SUBREAPER; then
        # Outside a subreaper, init's parent is the host's init.
        [ "$(tr '\0' ' ' < /proc/$ppid/cmdline | grep -c 'runlxc\|lxc monitor')" -eq 0 ]
    else
        # No subreapers on this kernel: init's parent is the minimal one, nothing of liblxc.
        [ "$(cat /proc/$ppid/comm)" = runlxc-reaper ]
        grep -q '^VmRSS:[[:space:]]*[0-9]\{1,4\} kB' /proc/$ppid/status   # static and small
    fi
    if pgrep -f "lxc monitor.*$ID"; then false; fi
    rl start "$ID"
    if pgrep -f "lxc monitor.*$ID"; then false; fi
    if ! feature PR_SET_CHILD_SUBREAPER; then
        rl kill "$ID" KILL
        for _ in $(seq 100); do [ -e /proc/$ppid ] || break; sleep 0.05; done
        [ ! -e /proc/$ppid ]
        [ "$(rl state "$ID" | jq -r '.status, .exitStatus' | tr '\n' ' ')" = "stopped 137 " ]
    fi
}

@test "create: liblxc's monitor cgroups are gone when create returns; the cgroups record is written once" {
    feature PR_SET_CHILD_SUBREAPER || skip "no subreapers: the monitor stays as init's minimal parent"
    liblxc_at_least 5.0 || skip "liblxc $(runtime_liblxc) makes no monitor cgroup (5.0 does)"
    command -v strace >/dev/null || skip "strace is not installed"
    args sleep 100
    # Without -f: the container stays, and strace would wait for it.
    strace -o "$T/trace" -e trace=rename "$RUNLXC" --root "$ROOT" create --bundle "$B" "$ID"
    [ "$(grep -c "\"$ROOT/$ID/cgroups\")" "$T/trace")" -eq 1 ]
    local mon; mon=$(awk '$1 == "monitor" {print $2}' "$ROOT/$ID/cgroups")
    [ -n "$mon" ]
    local d; for d in $mon; do [ ! -e "$d" ]; done
    jq -e '(.monitor_cgroup_paths // []) | length == 0' "$ROOT/$ID/state.json"
    jq -e '.cgroup_paths | length > 0' "$ROOT/$ID/state.json"
    rl delete --force "$ID"
    assert_no_leftovers "$ID"
}

@test "create: the same id under two --root dirs runs twice (the monitor cgroup is per root)" {
    args sleep 100
    cfg --arg p "/$ID-a" '.linux.cgroupsPath = $p'
    rl create --bundle "$B" "$ID"
    cfg --arg p "/$ID-b" '.linux.cgroupsPath = $p'
    # Without subreapers the monitor cgroup lives as long as the container (design note 8).
    # (not `run`: the created init would hold its output pipe open)
    local rc=0
    (cd "$B" && exec "$RUNLXC" --root "$T/root2" create "$ID") > "$T/out" 2>&1 || rc=$?
    "$RUNLXC" --root "$T/root2" delete --force "$ID" || true
    [ "$rc" -eq 0 ] || { cat "$T/out"; false; }
    rl delete --force "$ID"
    [ -z "$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$ID-*")" ]
}

@test "create: an empty monitor cgroup left by a container killed without delete does not block its id" {
    liblxc_at_least 5.0 || skip "liblxc $(runtime_liblxc) makes no monitor cgroup (5.0 does)"
    args sleep 100
    rl create --bundle "$B" "$ID"
    local mon d; mon=$(awk '$1 == "monitor" {print $2}' "$ROOT/$ID/cgroups")
    [ -n "$mon" ]
    rl delete --force "$ID"
    # What a create killed half-way, or an engine that lost the container, leaves behind.
    for d in $mon; do mkdir -p "$d"; done
    local rc=0
    rl create --bundle "$B" "$ID" > "$T/out" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || { for d in $mon; do rmdir "$d"; done; cat "$T/out"; false; }
    rl delete --force "$ID"
    for d in $mon; do [ ! -e "$d" ]; done
    assert_no_leftovers "$ID"
}

@test "create under a subreaper: the subreaper reaps the payload with its exact status" {
    require_feature PR_SET_CHILD_SUBREAPER
    args sh -c 'exit 42'
    cat > "$T/reaper.py" <<PY
import ctypes, os, sys, subprocess
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
subprocess.check_call(["$RUNLXC", "--root", "$ROOT", "create", "--bundle", "$B", "--pid-file", "$T/pid", "$ID"])
pid = int(open("$T/pid").read())
subprocess.check_call(["$RUNLXC", "--root", "$ROOT", "start", "$ID"])
while True:
    p, st = os.waitpid(-1, 0)
    if p == pid:
        print(os.waitstatus_to_exitcode(st)); break
PY
    run python3 "$T/reaper.py"
    [ "$status" -eq 0 ]
    [ "$output" = "42" ]
}

@test "state: OCI fields, stopped container has pid 0" {
    cfg '.annotations = {"org.example.k": "v"}'
    args sh -c 'exit 0'
    rl create --bundle "$B" "$ID"
    run rl state "$ID"
    [ "$status" -eq 0 ]
    echo "$output" | jq -e --arg id "$ID" --arg b "$B" \
        '.id == $id and .bundle == $b and .status == "created" and .pid > 0 and .ociVersion and .created and .annotations["org.example.k"] == "v"'
    rl start "$ID"
    for i in $(seq 100); do [ "$(state_field "$ID" status)" = stopped ] && break; sleep 0.02; done
    [ "$(state_field "$ID" status)" = stopped ]
    [ "$(state_field "$ID" pid)" = 0 ]
}

@test "kill: signal names and numbers; a stopped container is an error; --all reaches every process" {
    args sh -c 'trap "exit 0" USR1; sleep 1000 & wait'
    rl run -d "$ID"
    rl kill "$ID" SIGUSR1
    for i in $(seq 100); do [ "$(state_field "$ID" status)" = stopped ] && break; sleep 0.02; done
    [ "$(state_field "$ID" status)" = stopped ]
    run rl kill "$ID" 9
    [ "$status" -eq 1 ]
    [[ "$output" == *"not running"* ]]
    rl delete "$ID"
    args sh -c 'sleep 1000 & sleep 1000 & wait'
    rl run -d "$ID"
    rl kill --all "$ID" KILL
    for i in $(seq 100); do [ "$(state_field "$ID" status)" = stopped ] && break; sleep 0.02; done
    [ "$(state_field "$ID" status)" = stopped ]
    run rl kill "$ID" NOSUCHSIG
    [ "$status" -eq 1 ]
    [[ "$output" == *"unknown signal"* ]]
}

@test "delete: refuses a running container, --force kills it, missing container" {
    args sleep 100
    rl run -d "$ID"
    run rl delete "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"not stopped: running"* ]]
    rl delete --force "$ID"
    assert_no_leftovers "$ID"
    run rl delete "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"does not exist"* ]]
    rl delete --force "$ID"
}

@test "delete: a created container is killed and removed" {
    args sleep 100
    rl create --bundle "$B" --pid-file "$T/pid" "$ID"
    local pid; pid=$(cat "$T/pid")
    rl delete "$ID"
    sleep 0.1
    ! kill -0 "$pid" 2>/dev/null || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ]
    assert_no_leftovers "$ID"
}

@test "only create/run, check, features and --version load liblxc (design note 11)" {
    args sleep 100
    # The loader's log goes to files: the container's init inherits stderr.
    loads() {
        rm -f "$T"/ld.*
        LD_DEBUG=files LD_DEBUG_OUTPUT="$T/ld" "$@" >/dev/null 2>&1
        cat "$T"/ld.* | grep -c "file=liblxc" || true
    }
    [ "$(loads "$RUNLXC" --root "$ROOT" create --bundle "$B" "$ID")" -gt 0 ]
    [ "$(loads "$RUNLXC" --root "$ROOT" start "$ID")" -eq 0 ]
    [ "$(loads "$RUNLXC" --root "$ROOT" state "$ID")" -eq 0 ]
    [ "$(loads "$RUNLXC" --root "$ROOT" exec "$ID" true)" -eq 0 ]
    [ "$(loads "$RUNLXC" --root "$ROOT" kill "$ID" KILL)" -eq 0 ]
    [ "$(loads "$RUNLXC" --root "$ROOT" delete --force "$ID")" -eq 0 ]
    [ "$(loads "$RUNLXC" --version)" -gt 0 ]
    "$RUNLXC" --version | grep -q "^liblxc: [0-9]"
    assert_no_leftovers "$ID"
}

@test "list: table, json and quiet" {
    args sleep 100
    rl run -d "$ID"
    run rl list
    [[ "${lines[0]}" == ID*PID*STATUS*BUNDLE*CREATED*OWNER ]]
    [[ "$output" == *"$ID"*running* ]]
    rl list --format json | jq -e --arg id "$ID" '.[0].id == $id and .[0].status == "running"'
    [ "$(rl list -q)" = "$ID" ]
}

@test "pause/resume freeze and thaw the container; ps lists its pids" {
    args sh -c 'sleep 1000'
    rl run -d "$ID"
    local pid; pid=$(state_field "$ID" pid)
    rl ps --format json "$ID" | jq -e --argjson p "$pid" 'index($p) != null'
    rl pause "$ID"
    [ "$(state_field "$ID" status)" = paused ]
    grep -q FROZEN "$(grep -l . /sys/fs/cgroup/freezer/$ID/freezer.state)"
    run rl pause "$ID"
    [ "$status" -eq 1 ]
    rl resume "$ID"
    [ "$(state_field "$ID" status)" = running ]
    run rl resume "$ID"
    [ "$status" -eq 1 ]
}

@test "spec: writes a config.json runlxc runs as is, refuses to overwrite" {
    rm "$B/config.json"
    rl spec --bundle "$B"
    jq -e '.process.args == ["sh"] and .root.path == "rootfs"' "$B/config.json"
    run rl spec --bundle "$B"
    [ "$status" -eq 1 ]
    [[ "$output" == *exists* ]]
    cfg '.process.terminal = false'   # as runc's default, it wants a terminal
    run bash -c "cd $B && echo 'echo ran-default-spec' | $RUNLXC --root $ROOT run $ID"
    [ "$status" -eq 0 ]
    [ "$output" = ran-default-spec ]
}

@test "features: truthful JSON for this host" {
    run rl features
    [ "$status" -eq 0 ]
    echo "$output" | jq -e '.ociVersionMin and (.linux.namespaces | index("pid")) and (.linux.capabilities | index("CAP_SYS_ADMIN")) and (.hooks | length == 6)'
    echo "$output" | jq -e ".linux.cgroup.v1 == $( [ -d /sys/fs/cgroup/memory ] && echo true || echo false)"
    echo "$output" | jq -e '(.linux.seccomp.actions | index("SCMP_ACT_ERRNO")) and (.linux.seccomp.archs | index("SCMP_ARCH_X86_64"))'
    # only what this kernel can do (under a personality: what the old kernel could)
    local f
    f=$(rl check --format json)
    echo "$output" | jq -e --argjson c "$f" '.linux.seccomp.enabled == $c.features["seccomp filters"]
        and ((.linux.namespaces | index("user")) != null) == $c.features["user namespaces"]
        and ((.linux.namespaces | index("cgroup")) != null) == $c.features["cgroup namespaces"]
        and (.linux.namespaces | index("pid"))'
}

@test "--version, --log json records the error message, unknown command" {
    run rl --version
    [[ "${lines[0]}" == "runlxc version "* ]]
    run "$RUNLXC" --root "$ROOT" --log "$T/log.json" --log-format json start nosuch
    [ "$status" -eq 1 ]
    tail -1 "$T/log.json" | jq -e '.level == "error" and (.msg | contains("does not exist")) and .time'
    # runc's answers: an unknown command exits 3 "No help topic", none prints the help (exit 0);
    # shown beside runc where it is installed (the VM guests carry none)
    if command -v runc >/dev/null; then
        run runc frobnicate
        [ "$status" -eq 3 ]
        [[ "$output" == *"No help topic for 'frobnicate'"* ]]
        run --separate-stderr runc
        [ "$status" -eq 0 ]
        [ -n "$output" ]
    fi
    run rl frobnicate
    [ "$status" -eq 3 ]
    [[ "$output" == *"No help topic for 'frobnicate'"* ]]
    run --separate-stderr "$RUNLXC"
    [ "$status" -eq 0 ]
    [[ "$output" == *create* ]]
    # as runc: the cgroup driver matters to create and run only (systemd-driver.bats)
    run "$RUNLXC" --systemd-cgroup --root "$ROOT" list
    [ "$status" -eq 0 ]
}

@test "check: reports what the kernel offers, found by trying (a seccomp profile hides setns and memfd_create)" {
    require_feature "seccomp filters"   # the old kernel is emulated by a seccomp profile
    run rl check --format json
    [ "$status" -eq 0 ]
    local outer=$output
    echo "$outer" | jq -e '.cgroup != "none"'
    if [ -z "${PERSONALITY:-}" ]; then   # this modern host, unfiltered
        echo "$outer" | jq -e '.features["setns: mnt"] == true and .features["memfd_create"] == true'
        rl check | grep -q "^setns: net *yes"
    fi
    # The same binary inside a container whose profile answers ENOSYS, as an old kernel would.
    rm -rf "$B/rootfs/lib" "$B/rootfs/lib64"
    ln -s usr/lib "$B/rootfs/lib"; ln -s usr/lib64 "$B/rootfs/lib64"
    cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["setns", "memfd_create"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
    runtime_inside
    args "$RT_INSIDE" check --format json
    run rl run "$ID"
    echo "$output"
    echo "$output" | jq -e --argjson o "$outer" '.features["setns: mnt"] == false and .features["setns: net"] == false and .features["memfd_create"] == false and .features["execveat"] == $o.features["execveat"]'
}

@test "a kernel without no_new_privs or seccomp filters: create refuses those fields with a clear error" {
    require_feature "seccomp filters"   # the emulation is a seccomp profile
    # The inner runlxc runs under a profile where prctl answers EINVAL as 3.4 kernels do.
    mkdir -p "$T/inner"
    cp -a "$B/rootfs" "$T/inner/rootfs"
    cp "$B/config.json" "$T/inner/config.json"
    rm -rf "$B/rootfs/lib" "$B/rootfs/lib64"
    ln -s usr/lib "$B/rootfs/lib"; ln -s usr/lib64 "$B/rootfs/lib64"
    cfg --arg t "$T/inner" '.mounts += [{"destination": "/inner", "type": "bind", "source": $t, "options": ["rbind"]}]
         | .root.readonly = false
         | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
             {"names": ["prctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22, "args": [{"index": 0, "value": 22, "op": "SCMP_CMP_EQ"}]},
             {"names": ["prctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22, "args": [{"index": 0, "value": 39, "op": "SCMP_CMP_EQ"}]}]}'
    runtime_inside
    args sh -c '"$1" --root /tmp/st create --bundle /inner c1; echo "rc=$?"
                sed -i "s/\"noNewPrivileges\": true/\"noNewPrivileges\": false/" /inner/config.json
                sed -i "s/\"linux\": {/\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\"},/" /inner/config.json
                "$1" --root /tmp/st create --bundle /inner c1; echo "rc=$?"; ls /tmp/st 2>/dev/null | wc -l' sh "$RT_INSIDE"
    run rl run "$ID"
    echo "$output"
    [[ "${lines[0]}" == *"process.noNewPrivileges: this kernel has no no_new_privs"* ]]
    [ "${lines[1]}" = rc=1 ]
    [[ "${lines[2]}" == *"linux.seccomp: this kernel has no seccomp filters"* ]]
    [ "${lines[3]}" = rc=1 ]
    [ "${lines[4]}" = 0 ]
}

@test "what this kernel lacks is refused with an error naming the field, and nothing is left behind" {
    local checked=0 base
    base=$(cat "$B/config.json")
    refused() { # jq-filter message
        echo "$base" | jq "$1" > "$B/config.json"
        run rl create --bundle "$B" "$ID"
        echo "$output"
        [ "$status" -eq 1 ]
        [[ "$output" == *"$2"* ]]
        assert_no_leftovers "$ID"
        checked=$((checked + 1))
    }
    if ! feature "user namespaces"; then
        refused '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
                 | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]' \
                "linux.namespaces: this kernel does not allow user namespaces"
    fi
    if ! feature "cgroup namespaces"; then
        refused '.linux.namespaces += [{"type": "cgroup"}]' "linux.namespaces: this kernel has no cgroup namespaces"
    fi
    if ! feature no_new_privs; then
        refused '.process.noNewPrivileges = true' "process.noNewPrivileges: this kernel has no no_new_privs"
    fi
    if ! feature "seccomp filters"; then
        refused '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW"}' "linux.seccomp: this kernel has no seccomp filters"
    fi
    if ! feature "ambient capabilities"; then
        refused '.process.capabilities.permitted = ["CAP_KILL"]' "process.capabilities.permitted: must equal bounding"
        refused '.process.capabilities.ambient = ["CAP_KILL"]' "process.capabilities.ambient: this kernel has no ambient"
    fi
    [ "$checked" -gt 0 ] || skip "this kernel has every feature these checks need"
}

@test "liblxc's lock directory for a --root goes with its last container, also after a failed create" {
    args sleep 100
    local base lockdir=
    rl create "$ID"
    for base in /run/lxc/lock /run/lock/lxc; do
        [ -d "$base/${ROOT#/}" ] && lockdir=$base/${ROOT#/}
    done
    [ -n "$lockdir" ]
    rl create "${ID}b"
    rl delete -f "$ID"
    [ -d "$lockdir" ]
    rl delete -f "${ID}b"
    [ ! -e "$lockdir" ]
    # a create that fails after liblxc ran (a createRuntime hook that fails)
    cfg '.hooks = {"createRuntime": [{"path": "/bin/false"}]}'
    run rl create "$ID"
    [ "$status" -ne 0 ]
    [ ! -e "$lockdir" ]
    assert_no_leftovers "$ID"
}
