#!/usr/bin/env bats
# runc 1.1's zero values in linux.resources, field by field, beside runc on the same bundle:
# every field unset, 0, -1 and a normal value, at create and by update (-r FILE and flags).
# Docker writes blockIO.weight 0 into every config.json and its update passes 0 for every
# field the user did not name; runc reads such a zero as "leave the cgroup file as it is".
# Each case compares the exit status (success or failure) and every cgroup file below.
load helpers

RUNC=${RUNC:-/usr/sbin/runc}

setup() {
    command -v "$RUNC" >/dev/null || skip "runc is not installed"
    [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ] || skip "no cgroup v1 memory hierarchy (the table reads v1 files)"
    setup_bundle
    RS=$T/runc-state
    args sleep 1000
    cp "$B/config.json" "$T/base.json"
}

teardown() {
    local rt
    for rt in runc runlxc; do runtime "$rt" delete -f "z-$rt-$$" >/dev/null 2>&1 || true; done
    teardown_bundle
}

runtime() { # runc|runlxc ARGS...: the runtime, each with its own state root, never holding bats' fds
    local rt=$1; shift
    if [ "$rt" = runc ]; then (exec 3>&-; cd "$B" && exec "$RUNC" --root "$RS" "$@")
    else (exec 3>&-; cd "$B" && exec "$RUNLXC" --root "$ROOT" "$@"); fi
}

# The files the table reads, where this host has them: "controller/file".
FILES="memory/memory.limit_in_bytes memory/memory.soft_limit_in_bytes memory/memory.memsw.limit_in_bytes
  cpu/cpu.shares cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpu/cpu.rt_runtime_us cpu/cpu.rt_period_us
  pids/pids.max blkio/blkio.weight blkio/blkio.bfq.weight net_cls/net_cls.classid"

# Every file's value for cgroup path $1, one "file=value" line each.
snapshot() {
    local f
    for f in $FILES; do
        [ -f "/sys/fs/cgroup/$f" ] || [ -f "/sys/fs/cgroup/${f%%/*}/$1/${f#*/}" ] || continue
        echo "$f=$(cat "/sys/fs/cgroup/${f%%/*}/$1/${f#*/}" 2>/dev/null | tr '\n' ' ')"
    done
}

# create with linux.resources = $2 under runtime $1: "exit=0|fail" and the snapshot.
create_with() {
    local rt=$1 res=$2; local cg=/rlxzero-$rt-$$
    jq --argjson r "$res" --arg p "$cg" '.linux.resources = $r | .linux.cgroupsPath = $p' "$T/base.json" > "$B/config.json"
    if runtime "$rt" create "z-$rt-$$" </dev/null >"$T/$rt.out" 2>&1; then
        echo exit=0
        snapshot "$cg"
    else
        echo exit=fail
    fi
    runtime "$rt" delete -f "z-$rt-$$" >/dev/null 2>&1 || true
}

# The resources objects for field path $1 (a jq path) at value $2 ("unset" leaves it out).
resources_for() {
    local path=$1 v=$2
    [ "$v" = unset ] && { echo '{}'; return; }
    jq -cn --argjson v "$v" "{} | $path = \$v"
}

# OP (create_with or update_with) under runc and runlxc for every "PATH NORMAL" line of $2 at
# the values "$3 ... NORMAL"; prints the differing cases and, last, the number of cases.
compare_fields() {
    local op=$1 fields=$2 path normal v n=0; shift 2
    while read -r path normal; do
        for v in "$@" "$normal"; do
            local res ours theirs
            res=$(resources_for "$path" "$v")
            theirs=$($op runc "$res")
            ours=$($op runlxc "$res")
            n=$((n + 1))
            [ "$ours" = "$theirs" ] ||
                echo "$path=$v: runc [$(echo $theirs)] runlxc [$(echo $ours)] ($(tail -1 "$T/runlxc.out"))"
        done
    done <<< "$fields"
    echo "$n cases"
}

# The fields of the table with a normal value each.
FIELDS=".memory.limit 268435456
.memory.reservation 134217728
.memory.kernel 67108864
.cpu.shares 512
.cpu.quota 50000
.cpu.period 50000
.cpu.realtimeRuntime 1000
.cpu.realtimePeriod 500000
.pids.limit 100
.blockIO.weight 500
.blockIO.leafWeight 500
.network.classID 1048577"

@test "create: every linux.resources field unset, 0, -1 and normal gives runc's cgroup files (v1)" {
    run compare_fields create_with "$FIELDS" unset 0 -1
    echo "$output"
    [ "$output" = "48 cases" ]
}

@test "create: Docker's zero resources (memory, cpu, blockIO.weight, pids all 0) start as with runc" {
    local res='{"memory":{"limit":0,"reservation":0,"swap":0,"kernel":0},"cpu":{"shares":0,"quota":0,"period":0,"realtimeRuntime":0,"realtimePeriod":0,"cpus":"","mems":""},"blockIO":{"weight":0},"pids":{"limit":0}}'
    local theirs ours
    theirs=$(create_with runc "$res")
    ours=$(create_with runlxc "$res")
    echo "runc: $theirs"; echo "runlxc: $ours"; cat "$T/runlxc.out"
    [ "$ours" = "$theirs" ]
    [[ "$ours" == exit=0* ]]
}

# A running container of each runtime with limits set, to update field by field.
start_limited() {
    local rt=$1; local cg=/rlxzero-$rt-$$
    jq --arg p "$cg" '.linux.cgroupsPath = $p | .linux.resources = {"memory":{"limit":268435456,"reservation":134217728},
        "cpu":{"shares":512,"quota":50000,"period":100000},"pids":{"limit":100}}' \
        "$T/base.json" > "$B/config.json"
    runtime "$rt" create "z-$rt-$$" </dev/null >"$T/$rt.out" 2>&1 && runtime "$rt" start "z-$rt-$$" >>"$T/$rt.out" 2>&1 ||
        { echo "$rt: $(cat "$T/$rt.out")"; return 1; }
}

# update runtime $1 with JSON $2 (on stdin) or flags ${@:3}: "exit=0|fail" and the snapshot.
update_with() {
    local rt=$1 res=$2; shift 2
    if if [ -n "$res" ]; then echo "$res" | runtime "$rt" update -r - "z-$rt-$$"; else runtime "$rt" update "$@" "z-$rt-$$"; fi \
        >"$T/$rt.out" 2>&1; then echo exit=0; else echo exit=fail; fi
    snapshot "/rlxzero-$rt-$$"
}

@test "update -r: every field runc's update takes, at 0, -1 and normal, gives runc's cgroup files (v1)" {
    start_limited runc; start_limited runlxc
    # runc's update takes memory, cpu, blockIO.weight and pids (update.go)
    run compare_fields update_with "$(grep -v '^.network' <<< "$FIELDS")
.memory.swap 536870912" 0 -1
    echo "$output"
    [ "$output" = "36 cases" ]
}

@test "update: Docker's full resources object with zeros changes nothing, as with runc; flags at 0 too" {
    start_limited runc; start_limited runlxc
    local docker='{"memory":{"limit":0,"reservation":0,"kernel":0},"cpu":{"shares":0,"quota":0,"period":0,"cpus":"","mems":""},"blockIO":{"weight":0},"pids":{"limit":0}}'
    local before theirs ours
    before=$(snapshot "/rlxzero-runlxc-$$")
    theirs=$(update_with runc "$docker"); ours=$(update_with runlxc "$docker")
    echo "runc: $theirs"; echo "runlxc: $ours"; cat "$T/runlxc.out"
    [ "$ours" = "$theirs" ]
    [ "$ours" = "$(printf 'exit=0\n%s' "$before")" ]
    theirs=$(update_with runc "" --memory 0 --cpu-quota 0 --cpu-share 0 --cpu-period 0 --pids-limit 0 --blkio-weight 0 --memory-reservation 0)
    ours=$(update_with runlxc "" --memory 0 --cpu-quota 0 --cpu-share 0 --cpu-period 0 --pids-limit 0 --blkio-weight 0 --memory-reservation 0)
    echo "runc: $theirs"; echo "runlxc: $ours"; cat "$T/runlxc.out"
    [ "$ours" = "$theirs" ]
    [ "$ours" = "$(printf 'exit=0\n%s' "$before")" ]
}

@test "update --memory -1 after a memory and swap limit: both become unlimited, as runc orders the writes" {
    [ -f /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] || skip "this kernel has no swap accounting (memsw)"
    start_limited runc; start_limited runlxc
    local rt theirs ours
    for rt in runc runlxc; do update_with "$rt" "" --memory 64m --memory-swap 128m >/dev/null; done
    theirs=$(update_with runc "" --memory -1); ours=$(update_with runlxc "" --memory -1)
    echo "runc: $theirs"; echo "runlxc: $ours"; cat "$T/runlxc.out"
    [ "$ours" = "$theirs" ]
    grep -q 'memory.memsw.limit_in_bytes=9223372036854771712' <<< "$ours"
}

# memory.kernelTCP is a limit of TCP socket buffers that the spec keeps (it deprecates only
# memory.kernel). runc 1.1 ignores both with a warning; crun writes kernelTCP on v1 where the
# kernel has the file, and runlxc does as crun (a zero stays runc's "leave as is").
@test "memory.kernelTCP: written to memory.kmem.tcp.limit_in_bytes as crun writes it, at create and update" {
    [ -f /sys/fs/cgroup/memory/memory.kmem.tcp.limit_in_bytes ] || skip "this kernel has no v1 kmem.tcp files"
    command -v crun >/dev/null || skip "crun is not installed"
    local v theirs ours file=memory.kmem.tcp.limit_in_bytes
    for v in 33554432 -1; do
        jq --argjson v "$v" --arg p "/rlxktcp-crun-$$" '.linux.cgroupsPath = $p | .linux.resources = {"memory": {"kernelTCP": $v}}' \
            "$T/base.json" > "$B/config.json"
        # crun refuses a hybrid host: it runs where the cgroup2 mount is hidden
        theirs=$(unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; cd "$1" && crun --root "$2" create "$3" </dev/null >/dev/null &&
            cat "/sys/fs/cgroup/memory/rlxktcp-crun-$4/$5"; crun --root "$2" delete -f "$3"' sh "$B" "$T/crun" "k$$" "$$" "$file")
        jq --arg p "/rlxktcp-runlxc-$$" '.linux.cgroupsPath = $p' "$B/config.json" > "$B/c.json" && mv "$B/c.json" "$B/config.json"
        runtime runlxc create "z-runlxc-$$" </dev/null
        ours=$(cat "/sys/fs/cgroup/memory/rlxktcp-runlxc-$$/$file")
        echo "kernelTCP $v: crun $theirs runlxc $ours"
        [ -n "$ours" ]
        [ "$ours" = "$theirs" ]
        runtime runlxc delete -f "z-runlxc-$$"
    done
    [ "$ours" = 9223372036854771712 ]   # -1: unlimited
    runtime runc create "z-runc-$$" </dev/null >"$T/runc.out" 2>&1
    grep -q "Kernel memory settings are ignored" "$T/runc.out"
    runtime runc delete -f "z-runc-$$"
    # 0 is runc's "leave as is" for every memory field (crun writes a limit of 0 bytes)
    jq '.linux.resources.memory.kernelTCP = 0' "$B/config.json" > "$B/c.json" && mv "$B/c.json" "$B/config.json"
    runtime runlxc create "z-runlxc-$$" </dev/null
    [ "$(cat "/sys/fs/cgroup/memory/rlxktcp-runlxc-$$/$file")" = 9223372036854771712 ]
    # update: runc's flag and -r take it too; a zero leaves it as it is
    runtime runlxc update --kernel-memory-tcp 64M "z-runlxc-$$"
    [ "$(cat "/sys/fs/cgroup/memory/rlxktcp-runlxc-$$/$file")" = 67108864 ]
    echo '{"memory": {"kernelTCP": 0}}' | runtime runlxc update -r - "z-runlxc-$$"
    [ "$(cat "/sys/fs/cgroup/memory/rlxktcp-runlxc-$$/$file")" = 67108864 ]
}
