#!/usr/bin/env bats
# cgroup behaviour checked against runc 1.1.5 on the same bundle: placement (nested paths,
# frozen cgroups), delete, update and the resources that need a particular controller.
load helpers

RUNC=${RUNC:-/usr/sbin/runc}

setup() {
    setup_bundle
    RS=$T/runc-state
    CGDIRS=()   # cgroup dirs a test made or expects runc to leave, removed (deepest first) in teardown
}

teardown() {
    if [ -d "$RS" ]; then
        for d in "$RS"/*; do
            [ -d "$d" ] && "$RUNC" --root "$RS" delete -f "$(basename "$d")" >/dev/null 2>&1
        done
    fi
    local d
    for d in "${CGDIRS[@]}"; do
        [ -f "$d/freezer.state" ] && echo THAWED > "$d/freezer.state" 2>/dev/null
        [ -f "$d/cgroup.procs" ] && xargs -r kill -9 < "$d/cgroup.procs" 2>/dev/null
    done
    for d in "${CGDIRS[@]}"; do
        for i in $(seq 50); do rmdir "$d" 2>/dev/null || [ ! -d "$d" ] && break; sleep 0.1; done
    done
    teardown_bundle
}

# runc on the same bundle; never holds bats' fds (a detached init would keep them open).
rc() { (exec 3>&-; cd "$B" && exec "$RUNC" --root "$RS" "$@"); }
# Every hierarchy's directory for cgroup path $1 (relative to the hierarchy roots).
cg_dirs() { local m; for m in $(awk '$3 ~ /^cgroup2?$/ {print $2}' /proc/self/mounts); do echo "$m$1"; done; }
need_v1() { [ -d "/sys/fs/cgroup/$1" ] && grep -q " /sys/fs/cgroup/$1 cgroup " /proc/self/mounts || skip "no cgroup v1 $1 hierarchy"; }
# Schedules the parents of nested path $1 for removal in teardown (deepest first).
forget_parents() {
    local p=$1 d
    while p=${p%/*}; [ -n "$p" ]; do
        for d in $(cg_dirs "$p"); do CGDIRS+=("$d"); done
    done
}

@test "cgroupsPath: a nested path below cpuset parents with empty cpus/mems works (v1), delete leaves the parents as runc does" {
    need_v1 cpuset
    local top=/rlx-nest-$ID
    forget_parents "$top/cgrouptest/x"
    # Parents made by someone else, with the empty cpuset.cpus/mems a new v1 cpuset gets.
    mkdir -p "/sys/fs/cgroup/cpuset$top/cgrouptest"
    [ -z "$(cat /sys/fs/cgroup/cpuset$top/cgrouptest/cpuset.cpus)" ]
    args sleep 100

    cfg --arg p "$top/cgrouptest/runc" '.linux.cgroupsPath = $p'
    rc run -d r1 </dev/null >/dev/null 2>&1
    rc delete -f r1
    local runc_left; runc_left=$(cd /sys/fs/cgroup && find . -path "*$top*" -type d | sed 's|/runc$|/LEAF|' | sort)

    cfg --arg p "$top/cgrouptest/container" '.linux.cgroupsPath = $p'
    rl run -d "$ID"
    local pid; pid=$(state_field "$ID" pid)
    grep -q ":cpuset:$top/cgrouptest/container\$" /proc/$pid/cgroup
    [ "$(cat /sys/fs/cgroup/cpuset$top/cgrouptest/container/cpuset.cpus)" = "$(cat /sys/fs/cgroup/cpuset/cpuset.cpus)" ]
    rl delete "$ID" || rl delete --force "$ID"
    local ours; ours=$(cd /sys/fs/cgroup && find . -path "*$top*" -type d | sed 's|/container$|/LEAF|' | sort)
    echo "runc left: $runc_left"; echo "runlxc left: $ours"
    # runc removes the leaf only: the intermediate dirs stay, in every hierarchy.
    [ "$ours" = "$runc_left" ]
    ! grep -q LEAF <<< "$ours"
    assert_no_leftovers "$ID"
}

@test "create: an existing frozen cgroup is refused as runc refuses it, and left as it was" {
    need_v1 freezer
    local p=/rlx-frz-$ID d
    for d in $(cg_dirs "$p"); do CGDIRS+=("$d"); done
    mkdir "/sys/fs/cgroup/freezer$p"
    echo FROZEN > "/sys/fs/cgroup/freezer$p/freezer.state"
    cfg --arg p "$p" '.linux.cgroupsPath = $p'
    args true

    run rc create r1 </dev/null
    echo "runc: $status $output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"container's cgroup unexpectedly frozen"* ]]

    run --separate-stderr rl create "$ID"
    echo "runlxc: $status $stderr"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"container's cgroup unexpectedly frozen"* ]]
    [ ! -e "$ROOT/$ID" ]
    [ "$(cat /sys/fs/cgroup/freezer$p/freezer.state)" = FROZEN ]
}

# The payload makes sub-cgroup foo in every v1 hierarchy of its own cgroups and moves a
# process there, so that no container cgroup lists it any more; delete --force must kill it
# and remove everything.
subcgroups_then_delete() {
    local rt=$1 id=$2 s
    $rt exec "$id" sh -c 'sleep 1000 </dev/null >/dev/null 2>&1 & p=$!
        for s in /sys/fs/cgroup/*/; do
            [ -f $s/tasks ] || continue
            mkdir $s/foo || exit 1
            if [ -f $s/cpuset.cpus ]; then
                cat $s/cpuset.cpus > $s/foo/cpuset.cpus && cat $s/cpuset.mems > $s/foo/cpuset.mems || exit 1
            fi
            echo $p > $s/foo/cgroup.procs || exit 1
        done' </dev/null
    for s in memory freezer pids; do
        [ -d "/sys/fs/cgroup/$s/rlx-sub-$id/foo" ] || { echo "$s/foo was not made"; return 1; }
    done
    $rt delete --force "$id"
    local left; left=$(find /sys/fs/cgroup -path "*rlx-sub-$id*" -type d)
    [ -z "$left" ] || { echo "$rt left: $left"; return 1; }
}

@test "delete --force: sub-cgroups the payload made in each v1 hierarchy are removed with their processes, as runc does" {
    need_v1 memory; need_v1 freezer; need_v1 pids
    # Without a pid namespace the sub-cgroup's process outlives init: only the cgroups find it.
    cfg '.linux.namespaces += [{"type": "cgroup"}] | del(.linux.namespaces[] | select(.type == "pid"))
         | .mounts |= map(if .type == "cgroup" then .options -= ["ro"] else . end)'
    args sleep 1000

    local p d
    for p in /rlx-sub-r1 "/rlx-sub-$ID"; do
        for d in $(cg_dirs "$p/foo") $(cg_dirs "$p"); do CGDIRS+=("$d"); done
    done
    cfg '.linux.cgroupsPath = "/rlx-sub-r1"'
    rc run -d r1 </dev/null >/dev/null 2>&1
    subcgroups_then_delete rc r1

    cfg --arg p "/rlx-sub-$ID" '.linux.cgroupsPath = $p'
    rl run -d "$ID"
    subcgroups_then_delete rl "$ID"
    assert_no_leftovers "$ID"
    ! grep -l "sleep.1000" /proc/[0-9]*/cmdline 2>/dev/null | xargs -r grep -l "rlx-sub" 2>/dev/null
}
