#!/usr/bin/env bats
# The VM lane's own tests: real containers through the real runlxc on a kernel booted with
# cgroup v1 only or cgroup v2 only (tests/kernel-matrix/vm/run.sh), checked against what the
# kernel itself reports (/proc/<pid>/cgroup and the cgroup files), not against runlxc's state.
# VM_CGROUP=v1|v2 is the layout the guest mounted; outside the VM it is derived from the
# mounts (a hybrid host counts as v1: runlxc uses the v1 controllers there).
load ../../integration/helpers
TOP=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)

setup() {
    if [ -z "${VM_CGROUP:-}" ]; then
        if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then VM_CGROUP=v2; else VM_CGROUP=v1; fi
    fi
    setup_bundle
}
teardown() { teardown_bundle; }

# cgfile PID CONTROLLER FILE: the absolute path of FILE in PID's cgroup of CONTROLLER
cgfile() {
    local pid=$1 ctrl=$2 file=$3 path
    if [ "$VM_CGROUP" = v2 ]; then
        path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
        echo "/sys/fs/cgroup$path/$file"
    else
        path=$(awk -F: -v c="$ctrl" '{n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3}' "/proc/$pid/cgroup")
        [ -n "$path" ] || { echo "no $ctrl hierarchy for pid $pid" >&2; return 1; }
        echo "/sys/fs/cgroup/$ctrl$path/$file"
    fi
}
# every cgroup directory of PID (all hierarchies) whose path names the container
container_cgroups() {
    local pid=$1 id=$2
    if [ "$VM_CGROUP" = v2 ]; then
        sed -n 's/^0:://p' "/proc/$pid/cgroup" | grep -- "$id" | sed 's|^|/sys/fs/cgroup|'
    else
        awk -F: '$2 != "" {split($2, a, ","); c = a[1]; sub(/^name=/, "", c); print "/sys/fs/cgroup/" c $3}' "/proc/$pid/cgroup" | grep -- "$id"
    fi
}
wait_status() { # id status
    for i in $(seq 200); do [ "$(state_field "$1" status)" = "$2" ] && return 0; sleep 0.05; done
    echo "$1 is $(state_field "$1" status), not $2"; return 1
}
# The memory controller: always there on v2; on v1 unless the kernel cannot mount it as v1
# (guest-init.sh lists those in VM_V1_MISSING: Debian's 6.12 has no CONFIG_MEMCG_V1).
have_memcg() {
    [ "$VM_CGROUP" = v2 ] && return 0
    case " ${VM_V1_MISSING:-} " in *" memory "*) return 1 ;; esac
    return 0
}
# Without a memory controller runlxc must refuse a memory limit, not run unlimited.
refuses_memory_limit() { # command...
    run "$@"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"memory cgroup controller is not available"* ]]
}
no_cgroups_named() {
    local left
    left=$(find /sys/fs/cgroup -type d -name "*$1*" 2>/dev/null)
    [ -z "$left" ] || { echo "cgroups left behind: $left"; return 1; }
}

@test "vm: the guest has the cgroup layout it was booted for" {
    if [ "$VM_CGROUP" = v2 ]; then
        [ "$(grep -c ' cgroup ' /proc/mounts)" -eq 0 ]
        grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts
        [ "$(cat /proc/self/cgroup | wc -l)" -eq 1 ]
    else
        ! grep -q ' cgroup2 ' /proc/mounts
        grep -q ' /sys/fs/cgroup/freezer cgroup ' /proc/mounts
        grep -q ' /sys/fs/cgroup/pids cgroup ' /proc/mounts
        if have_memcg; then
            grep -q ' /sys/fs/cgroup/memory cgroup ' /proc/mounts
        else
            [ ! -e /sys/fs/cgroup/memory ]
        fi
        # co-mounted as systemd does, and a named hierarchy without controllers
        grep -q ' /sys/fs/cgroup/cpu,cpuacct cgroup .*cpu,cpuacct' /proc/mounts
        grep -q ' /sys/fs/cgroup/systemd cgroup .*name=systemd' /proc/mounts
    fi
}

@test "check --format json reports the cgroup layout" {
    run rl check --format json
    [ "$status" -eq 0 ]
    echo "$output" | jq -e --arg m "$VM_CGROUP" '.cgroup == $m'
    rl features | jq -e --argjson v1 "$([ "$VM_CGROUP" = v1 ] && echo true || echo false)" \
        '.linux.cgroup.v1 == $v1 and .linux.cgroup.v2 == ($v1 | not)'
}

@test "run: exit status 0, 3 and 128+signal pass through exactly; nothing is left" {
    args true
    run rl run "$ID"
    [ "$status" -eq 0 ]
    assert_no_leftovers "$ID"
    args sh -c 'exit 3'
    run rl run "$ID-b"
    [ "$status" -eq 3 ]
    assert_no_leftovers "$ID-b"
    # without a pid namespace the payload is not a namespace init and dies by its own signal
    cfg 'del(.linux.namespaces[] | select(.type == "pid"))'
    args sh -c 'kill -9 $$'
    run rl run "$ID-c"
    [ "$status" -eq 137 ]
    args sh -c 'kill -TERM $$'
    run rl run "$ID-d"
    [ "$status" -eq 143 ]
    assert_no_leftovers "$ID-c"
    assert_no_leftovers "$ID-d"
    no_cgroups_named "$ID"
}

@test "run: stdout, stderr and stdin pass through; the spec hostname is set" {
    cfg '.hostname = "vmbox"'
    args sh -c 'read l; echo "out:$l:$(hostname)"; echo err:$$ >&2'
    run --separate-stderr bash -c "cd $B && echo piped | $RUNLXC --root $ROOT run $ID"
    [ "$status" -eq 0 ]
    [ "$output" = "out:piped:vmbox" ]
    [ "$stderr" = "err:1" ]
    [ "$(hostname)" = runlxc-vm ]
}

@test "create/start/state/kill/delete: the container's cgroups exist while it runs and are gone after delete" {
    args sleep 1000
    rl create --bundle "$B" --pid-file "$T/pid" "$ID"
    [ "$(state_field "$ID" status)" = created ]
    local pid; pid=$(cat "$T/pid")
    [ "$(state_field "$ID" pid)" = "$pid" ]
    local cgs; cgs=$(container_cgroups "$pid" "$ID")
    echo "container cgroups: $cgs"
    [ -n "$cgs" ]
    for d in $cgs; do [ -d "$d" ]; grep -qx "$pid" "$d/cgroup.procs"; done
    rl start "$ID"
    [ "$(state_field "$ID" status)" = running ]
    rl kill "$ID" KILL
    wait_status "$ID" stopped
    [ "$(state_field "$ID" pid)" = 0 ]
    rl delete "$ID"
    for d in $cgs; do [ ! -e "$d" ] || { echo "left: $d"; false; }; done
    assert_no_leftovers "$ID"
    no_cgroups_named "$ID"
    run rl state "$ID"
    [ "$status" -eq 1 ]
}

@test "delete --force of a running container leaves no state dir, cgroup or process" {
    args sh -c 'sleep 1000 & sleep 1000'
    rl run -d "$ID"
    local pid; pid=$(state_field "$ID" pid)
    local cgs; cgs=$(container_cgroups "$pid" "$ID")
    [ -n "$cgs" ]
    rl delete --force "$ID"
    for d in $cgs; do [ ! -e "$d" ] || { echo "left: $d"; false; }; done
    assert_no_leftovers "$ID"
    no_cgroups_named "$ID"
}

@test "resources: memory, pids and cpu quota land in the cgroup files; the pids limit is enforced" {
    cfg '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 6}
         | .linux.resources.cpu = {"quota": 50000, "period": 100000}'
    args sh -c 'sleep 1000'
    if ! have_memcg; then
        refuses_memory_limit rl run -d "$ID"
        assert_no_leftovers "$ID"
        cfg 'del(.linux.resources.memory)'
    fi
    rl run -d "$ID"
    local pid; pid=$(state_field "$ID" pid)
    if [ "$VM_CGROUP" = v2 ]; then
        [ "$(cat "$(cgfile "$pid" memory memory.max)")" = 67108864 ]
        [ "$(cat "$(cgfile "$pid" pids pids.max)")" = 6 ]
        [ "$(cat "$(cgfile "$pid" cpu cpu.max)")" = "50000 100000" ]
    else
        if have_memcg; then
            [ "$(cat "$(cgfile "$pid" memory memory.limit_in_bytes)")" = 67108864 ]
        fi
        [ "$(cat "$(cgfile "$pid" pids pids.max)")" = 6 ]
        [ "$(cat "$(cgfile "$pid" cpu cpu.cfs_quota_us)")" = 50000 ]
        [ "$(cat "$(cgfile "$pid" cpu cpu.cfs_period_us)")" = 100000 ]
    fi
    # init + the exec'd sh + 4 sleeps reach the limit of 6: the other forks fail, and the
    # kernel counts them in pids.events (Linux 4.8+; older kernels only refuse the fork)
    # (busybox sh gives up at the first fork that fails)
    run rl exec "$ID" sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 100 >/dev/null 2>&1 & done'
    echo "$output"
    [[ "$output" == *"can't fork"* ]]
    local events; events=$(cgfile "$pid" pids pids.events)
    if [ -e "$events" ]; then grep -E '^max [1-9]' "$events"; fi
    [ "$(wc -l < "$(cgfile "$pid" pids cgroup.procs)")" -le 6 ]
}

@test "update --memory and --pids-limit change the running container's cgroup files" {
    args sleep 1000
    rl run -d "$ID"
    local pid; pid=$(state_field "$ID" pid)
    if ! have_memcg; then
        refuses_memory_limit rl update --memory 96m --pids-limit 50 "$ID"
        [ "$(cat "$(cgfile "$pid" pids pids.max)")" = max ]   # nothing changed
        rl update --pids-limit 50 "$ID"
        [ "$(cat "$(cgfile "$pid" pids pids.max)")" = 50 ]
        return 0
    fi
    rl update --memory 96m --pids-limit 50 "$ID"
    local memfile=memory.max
    [ "$VM_CGROUP" = v1 ] && memfile=memory.limit_in_bytes
    [ "$(cat "$(cgfile "$pid" memory $memfile)")" = 100663296 ]
    [ "$(cat "$(cgfile "$pid" pids pids.max)")" = 50 ]
    # pids.limit 0 leaves the limit as it is and -1 lifts it, as runc 1.1
    echo '{"memory": {"limit": 67108864}, "pids": {"limit": 0}}' | rl update -r - "$ID"
    [ "$(cat "$(cgfile "$pid" memory $memfile)")" = 67108864 ]
    [ "$(cat "$(cgfile "$pid" pids pids.max)")" = 50 ]
    echo '{"pids": {"limit": -1}}' | rl update -r - "$ID"
    [ "$(cat "$(cgfile "$pid" pids pids.max)")" = max ]
}

# The device cgroup (v1 devices.list, v2 liblxc's eBPF program) starts from "deny all" as
# runc's does, with or without linux.resources.devices, and a node in linux.devices is made
# but not allowed; update leaves the rules alone. /dev/kmsg (c 1:11) is no default device and
# writing it needs no capability, so only the device cgroup can refuse the write.
@test "devices: a listed node is made but denied, with and without rules, also after update" {
    local rules
    cfg '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 438}]'
    cp "$B/config.json" "$T/base.json"
    for rules in '[{"allow": false, "access": "rwm"}]' null; do
        jq --argjson r "$rules" '.linux.resources.devices = $r | if $r == null then del(.linux.resources.devices) else . end' \
            "$T/base.json" > "$B/config.json"
        args sleep 1000
        rl run -d "$ID"
        run rl exec "$ID" sh -c 'stat -c "%t:%T" /dev/kmsg; head -c1 /dev/zero | wc -c; echo runlxc-devices-test > /dev/kmsg'
        echo "rules $rules: $output"
        [ "$status" -ne 0 ]
        [ "${lines[0]}" = 1:b ]
        [ "${lines[1]}" = 1 ]
        [[ "$output" == *"can't create /dev/kmsg: Operation not permitted"* ]]
        rl update --pids-limit 50 "$ID"
        run rl exec "$ID" sh -c 'echo runlxc-devices-test > /dev/kmsg'
        [ "$status" -ne 0 ]
        [[ "$output" == *"Operation not permitted"* ]]
        rl delete --force "$ID"
    done
}

@test "the memory limit is enforced: a process over it is killed by the kernel" {
    cfg '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
    # busybox sort holds its whole input (one 100 MB line) in memory
    args sh -c 'head -c 100m /dev/zero | sort > /dev/null; echo "sort=$?"'
    if ! have_memcg; then
        refuses_memory_limit rl run "$ID"
        assert_no_leftovers "$ID"
        return 0
    fi
    # (bounded: a limit written to the wrong file, e.g. memory.high, throttles sort for ever
    # instead of killing it; bats 1.8's BATS_TEST_TIMEOUT loses the test's TAP line)
    run timeout 300 bash -c "cd $B && exec $RUNLXC --root $ROOT run $ID"
    echo "status=$status output=$output"
    [ "$status" -eq 0 ]
    [ "${lines[-1]}" = sort=137 ]
}

@test "exec: exit status, environment and the container's cgroup" {
    args sleep 1000
    rl run -d "$ID"
    local pid; pid=$(state_field "$ID" pid)
    run rl exec --env FOO=bar "$ID" sh -c 'echo "$FOO $(hostname)"; exit 5'
    [ "$status" -eq 5 ]
    [ "$output" = "bar runlxc" ]
    run rl exec "$ID" sh -c 'kill -9 $$'
    [ "$status" -eq 137 ]
    # the exec'd process is in the same cgroup as init, in every hierarchy
    rl exec -d --pid-file "$T/epid" "$ID" sleep 100
    local epid; epid=$(cat "$T/epid")
    [ "$(grep -v ':name=systemd:' /proc/$epid/cgroup | sort)" = "$(grep -v ':name=systemd:' /proc/$pid/cgroup | sort)" ]
}

@test "pause/resume freeze and thaw through the cgroup freezer; ps lists the pids" {
    args sh -c 'sleep 1000 & sleep 1000'
    rl run -d "$ID"
    local pid; pid=$(state_field "$ID" pid)
    run rl ps --format json "$ID"
    echo "$output"
    echo "$output" | jq -e --argjson p "$pid" 'index($p) != null and length == 2'
    rl pause "$ID"
    [ "$(state_field "$ID" status)" = paused ]
    if [ "$VM_CGROUP" = v2 ]; then
        [ "$(cat "$(cgfile "$pid" - cgroup.freeze)")" = 1 ]
        grep -qx 'frozen 1' "$(cgfile "$pid" - cgroup.events)"
    else
        [ "$(cat "$(cgfile "$pid" freezer freezer.state)")" = FROZEN ]
    fi
    run rl pause "$ID"
    [ "$status" -eq 1 ]
    rl resume "$ID"
    [ "$(state_field "$ID" status)" = running ]
    if [ "$VM_CGROUP" = v2 ]; then
        grep -qx 'frozen 0' "$(cgfile "$pid" - cgroup.events)"
    else
        [ "$(cat "$(cgfile "$pid" freezer freezer.state)")" = THAWED ]
    fi
    # a paused container can be deleted with --force, leaving nothing
    rl pause "$ID"
    rl delete --force "$ID"
    assert_no_leftovers "$ID"
    no_cgroups_named "$ID"
}

@test "events --stats: one JSON line with cpu, memory and pids from the cgroup files" {
    cfg '.linux.resources.pids = {"limit": 77}'
    have_memcg && cfg '.linux.resources.memory = {"limit": 67108864}'
    args sleep 1000
    rl run -d "$ID"
    run rl events --stats "$ID"
    [ "$status" -eq 0 ]
    echo "$output"
    [ "${#lines[@]}" -eq 1 ]
    echo "$output" | jq -e --arg id "$ID" '.type == "stats" and .id == $id and .data.cpu.usage.total_usage > 0
        and .data.pids.current >= 1 and .data.pids.limit == 77'
    if have_memcg; then
        echo "$output" | jq -e '.data.memory.usage.usage > 0 and .data.memory.usage.limit == 67108864'
    fi
}
