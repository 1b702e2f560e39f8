#!/usr/bin/env bats
# runlxc exec: namespaces, cgroup, process flags, tty, detach, exit codes, and the
# CVE-2024-21626 class (no runtime fd or host directory reaches the new process).
load helpers

setup() {
    setup_bundle
    args sleep 1000
}
teardown() { teardown_bundle; }

@test "exec: runs in the container's namespaces and cgroup, exit status passes through" {
    rl run -d "$ID"
    local pid; pid=$(state_field "$ID" pid)
    run rl exec "$ID" sh -c 'echo "$(hostname) $(readlink /proc/self/ns/pid) $(readlink /proc/self/ns/mnt) $(readlink /proc/self/ns/net)"; exit 5'
    [ "$status" -eq 5 ]
    [ "$output" = "runlxc $(readlink /proc/$pid/ns/pid) $(readlink /proc/$pid/ns/mnt) $(readlink /proc/$pid/ns/net)" ]
    run rl exec "$ID" sh -c 'cat /proc/self/cgroup | grep :memory:'
    [ "$output" = "$(grep :memory: /proc/$pid/cgroup)" ]
}

@test "exec: a process killed by a signal gives 128+signal; stdin passes through" {
    rl run -d "$ID"
    run rl exec "$ID" sh -c 'kill -9 $$'
    [ "$status" -eq 137 ]
    run bash -c "echo piped | $RUNLXC --root $ROOT exec $ID sh -c 'read l; echo got:\$l'"
    [ "$output" = got:piped ]
}

@test "exec: --env --cwd --user --additional-gids --cap --no-new-privs" {
    # Without ambient capabilities a non-root process can keep none: ask for none.
    feature "ambient capabilities" || cfg 'del(.process.capabilities)'
    nnp_probe
    rl run -d "$ID"
    run rl exec --env FOO=bar --env PATH=/bin --cwd /tmp --user 1000:1001 --additional-gids 7 "$ID" \
        sh -c 'echo "$FOO|$(pwd)|$(id -u):$(id -g)|$(id -G)|$PATH"'
    [ "$output" = "bar|/tmp|1000:1001|1001 7|/bin" ]
    if ! feature no_new_privs; then
        run rl exec --no-new-privs "$ID" true
        [ "$status" -eq 255 ]
        [[ "$output" == *"process.noNewPrivileges: this kernel has no no_new_privs"* ]]
        return 0
    fi
    run rl exec --cap CAP_SYS_ADMIN --no-new-privs "$ID" sh -c 'grep -E "^CapBnd" /proc/self/status | tr -s "\t" " "; /nnp'
    [ $(( 0x$(echo "${lines[0]}" | cut -d' ' -f2) & (1 << 21) )) -ne 0 ]
    [ "${lines[1]}" = "NoNewPrivs: 1" ]
}

@test "exec: inherits the container's capabilities, rlimits, no_new_privs and seccomp profile" {
    require_feature no_new_privs
    require_feature "seccomp filters"
    cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 333, "hard": 444}] | .process.noNewPrivileges = true
         | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
    nnp_probe
    rl run -d "$ID"
    run rl exec "$ID" sh -c 'ulimit -n; grep -E "^CapEff:" /proc/self/status | tr -s "\t" " "; /nnp; grep -E "^Seccomp:" /proc/self/status | tr -s "\t" " "; mkdir /tmp/d 2>&1'
    [ "${lines[0]}" = 333 ]
    [ "${lines[1]}" = "CapEff: 00000000a0000420" ] || [ "${lines[1]}" = "CapEff: 0000000020000420" ]
    [ "${lines[2]}" = "NoNewPrivs: 1" ]
    [ "${lines[3]}" = "Seccomp: 2" ]
    [[ "${lines[4]}" == *"Permission denied"* ]]
}

@test "exec --process process.json, --detach --pid-file" {
    rl run -d "$ID"
    cat > "$T/process.json" <<'JSON'
{"args": ["sh", "-c", "echo from-process-json $A; sleep 100"], "env": ["A=1", "PATH=/bin"], "cwd": "/", "user": {"uid": 0, "gid": 0}}
JSON
    mkdir -p "$T/out"
    rl exec --process "$T/process.json" --detach --pid-file "$T/epid" "$ID" > "$T/out/log"
    local epid; epid=$(cat "$T/epid")
    for i in $(seq 100); do grep -q from-process-json "$T/out/log" && break; sleep 0.02; done
    [ "$(cat "$T/out/log")" = "from-process-json 1" ]
    kill -0 "$epid"
    rl ps --format json "$ID" | jq -e --argjson p "$epid" 'index($p) != null'
}

@test "exec --tty with --console-socket hands over a pty in the container" {
    rl run -d "$ID"
    python3 "$TOP/tests/integration/console-recv.py" "$T/c.sock" "$T/c.out" &
    local rpid=$!
    for i in $(seq 50); do [ -S "$T/c.sock" ] && break; sleep 0.02; done
    rl exec --tty --detach --console-socket "$T/c.sock" "$ID" sh -c 'tty; sleep 0.3'
    wait $rpid
    grep -q "^name=/dev/pts/" "$T/c.out"
    grep -q "^/dev/pts/[0-9]" "$T/c.out"
}

@test "exec --tty in the foreground relays the pty" {
    rl run -d "$ID"
    run rl exec --tty "$ID" sh -c 'tty; exit 6'
    [ "$status" -eq 6 ]
    [[ "$output" == *"/dev/pts/"* ]]
}

@test "exec: stopped container, paused container, unknown container, missing command: errors (255)" {
    args true
    rl run --keep "$ID"
    run rl exec "$ID" true
    [ "$status" -eq 255 ]
    [[ "$output" == *"cannot exec in a stopped container"* ]]
    rl delete "$ID"
    args sleep 1000
    rl run -d "$ID"
    rl pause "$ID"
    run rl exec "$ID" true
    [ "$status" -eq 255 ]
    [[ "$output" == *"paused"* ]]
    rl resume "$ID"
    run rl exec "$ID" /no/such/cmd
    [ "$status" -eq 255 ]
    [[ "$output" == *'exec: "/no/such/cmd"'* ]]
    run rl exec nosuch true
    [ "$status" -eq 255 ]
    [[ "$output" == *"does not exist"* ]]
    run rl exec --process "$T/nonexistent.json" "$ID"
    [ "$status" -eq 255 ]
    [[ "$output" == *"nonexistent.json"* ]]
}

@test "exec --ignore-paused enters a paused container" {
    rl run -d "$ID"
    rl pause "$ID"
    # (not under `run`: the process is frozen until resume and holds its stdout; on kernels
    # without setns the exec agent is kept out of the freezer and goes the same way)
    rl exec --ignore-paused --detach --pid-file "$T/epid" "$ID" true
    [ -s "$T/epid" ]
    rl resume "$ID"
}

@test "exec: no runtime fd and no host directory reach the process (CVE-2024-21626 class)" {
    rl run -d "$ID"
    # only stdio (and ls's own directory fd) are open in the new process
    run bash -c "exec 7</etc; exec 8</etc/hostname; $RUNLXC --root $ROOT exec $ID sh -c 'ls /proc/self/fd | sort -n | tr \"\n\" \" \"'"
    [ "$output" = "0 1 2 3 " ]
    # a leaked host directory fd cannot become the working directory
    for fd in 3 4 5 6 7 8 9 10; do
        run bash -c "exec 7</; $RUNLXC --root $ROOT exec --cwd /proc/self/fd/$fd $ID sh -c 'ls /etc/hostname; cat /etc/os-release 2>/dev/null | head -1; pwd'"
        [[ "$output" != *"PRETTY_NAME"* ]]
        [[ "$output" != *"Debian"* ]]
    done
    # the runtime binary is not reachable: /proc/1/exe is the payload (CAP_SYS_PTRACE: without
    # ambient capabilities, a root payload's exec raises its capabilities and makes it undumpable)
    run rl exec --cap CAP_SYS_PTRACE "$ID" readlink /proc/1/exe
    [ "$output" = /bin/busybox ]
}

@test "update: runc flags and --resources JSON change the running container's cgroups" {
    rl run -d "$ID"
    local pid; pid=$(state_field "$ID" pid)
    local mem; mem=$(grep ':memory:' /proc/$pid/cgroup | cut -d: -f3)
    local pids; pids=$(grep ':pids:' /proc/$pid/cgroup | cut -d: -f3)
    rl update --memory 128m --pids-limit 50 "$ID"
    [ "$(cat /sys/fs/cgroup/memory$mem/memory.limit_in_bytes)" = 134217728 ]
    [ "$(cat /sys/fs/cgroup/pids$pids/pids.max)" = 50 ]
    # pids.limit 0 leaves the limit as it is and -1 lifts it, as runc 1.1 (resources-zero.bats)
    echo '{"memory": {"limit": 67108864}, "pids": {"limit": 0}}' > "$T/res.json"
    rl update --resources "$T/res.json" --memory 1g "$ID"   # flags are ignored with --resources
    [ "$(cat /sys/fs/cgroup/memory$mem/memory.limit_in_bytes)" = 67108864 ]
    [ "$(cat /sys/fs/cgroup/pids$pids/pids.max)" = 50 ]
    echo '{"pids": {"limit": -1}}' | rl update -r - "$ID"
    [ "$(cat /sys/fs/cgroup/pids$pids/pids.max)" = max ]
    echo '{"cpu": {"shares": 256}}' | rl update -r - "$ID"
    local cpu; cpu=$(grep ':cpu:' /proc/$pid/cgroup | cut -d: -f3)
    [ "$(cat /sys/fs/cgroup/cpu$cpu/cpu.shares)" = 256 ]
}

@test "update: invalid JSON, unknown resource, bad values, stopped container: errors, nothing changed" {
    rl run -d "$ID"
    local pid; pid=$(state_field "$ID" pid)
    local mem; mem=$(grep ':memory:' /proc/$pid/cgroup | cut -d: -f3)
    local before; before=$(cat /sys/fs/cgroup/memory$mem/memory.limit_in_bytes)
    run bash -c "echo '{\"memory\": {' | $RUNLXC --root $ROOT update -r - $ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"not a JSON object"* ]]
    run bash -c "echo '{\"memory\": {\"limit\": 1000000}, \"bogus\": {}}' | $RUNLXC --root $ROOT update -r - $ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"unknown resource 'bogus'"* ]]
    run rl update --memory lots "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"--memory 'lots' is not a size"* ]]
    run rl update --l3-cache-schema x "$ID"
    [ "$status" -eq 1 ]
    [ "$(cat /sys/fs/cgroup/memory$mem/memory.limit_in_bytes)" = "$before" ]
    rl kill "$ID" KILL
    for i in $(seq 100); do [ "$(state_field "$ID" status)" = stopped ] && break; sleep 0.02; done
    run rl update --memory 64m "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"not running"* ]]
}

@test "events --stats: one JSON line with cpu, memory, pids, blkio from the container's cgroups" {
    cfg '.linux.resources.pids = {"limit": 77}'
    rl run -d "$ID"
    run rl events --stats "$ID"
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 1 ]
    echo "$output" | jq -e --arg id "$ID" '.type == "stats" and .id == $id and .data.cpu.usage.total_usage > 0
        and .data.memory.usage.usage > 0 and .data.pids.current >= 1 and .data.pids.limit == 77 and (.data.blkio | has("ioServiceBytesRecursive"))'
}

@test "events: periodic stats, an oom event when the kernel kills for memory, ends with the container" {
    cfg '.linux.resources.memory = {"limit": 33554432}'
    args sh -c 'sleep 0.5; head -c 200m /dev/zero | sort > /dev/null; sleep 1.5'
    rl run -d "$ID"
    run timeout 20 "$RUNLXC" --root "$ROOT" events --interval 200ms "$ID"
    [ "$status" -eq 0 ]
    echo "$output" | grep -q '"type":"stats"'
    echo "$output" | grep -q "\"type\":\"oom\",\"id\":\"$ID\""
    run rl events --interval 1x "$ID"
    [ "$status" -eq 1 ]
}
