#!/usr/bin/env bats
# lxcfs views with the real lxcfs from Debian and real cgroup limits: memory, CPUs, uptime,
# opt-in rules, and re-binding after lxcfs restarts (remount and watch).
load helpers
# The lxcfs daemon is the host's (RUNLXC_HOST: the runtime outside any kernel-matrix
# personality, whose private mount namespace would keep the FUSE mount to itself).

setup_file() {
    if ! feature "setns: mnt"; then
        export LXCFS_UNAVAILABLE="lxcfs itself needs setns(2)"
        return 0
    fi
    export LXFS=$BATS_FILE_TMPDIR/lxcfs
    export LXROOT=$BATS_FILE_TMPDIR/state
    "${RUNLXC_HOST:-$RUNLXC}" --root "$LXROOT" --lxcfs-mountpoint "$LXFS" lxcfs start
}

teardown_file() {
    [ -n "${LXROOT:-}" ] || return 0   # skipped
    if [ -f "$LXROOT/lxcfs.log.pid" ]; then kill "$(cat "$LXROOT/lxcfs.log.pid")" 2>/dev/null || true; fi
    sleep 0.2
    umount -l "$LXFS" 2>/dev/null || true
}

setup() {
    [ -z "${LXCFS_UNAVAILABLE:-}" ] || skip "$LXCFS_UNAVAILABLE"
    setup_bundle
    HOST_BINARIES=/usr/bin/free ROOTFS_ONLY=1 "$TOP/scripts/mkbundle.sh" "$B" > /dev/null
    cfg '.annotations = {"org.runlxc.lxcfs": "true"} | .linux.resources.memory = {"limit": 268435456}'
}
teardown() {
    [ -f "$T/watch.pid" ] && kill "$(cat "$T/watch.pid")" 2>/dev/null
    teardown_bundle
}

lx() { rl --lxcfs-mountpoint "$LXFS" "$@"; }

restart_lxcfs() {
    kill -9 "$(cat "$LXROOT/lxcfs.log.pid")"
    for i in $(seq 50); do kill -0 "$(cat "$LXROOT/lxcfs.log.pid")" 2>/dev/null || break; sleep 0.02; done
}

@test "lxcfs: a 256 MiB container sees MemTotal 262144 kB and free agrees" {
    args sh -c 'grep MemTotal /proc/meminfo; /usr/bin/free -m | awk "/^Mem:/ {print \$2}"'
    run lx run "$ID"
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "MemTotal:"*" 262144 kB" ]]
    [ "${lines[1]}" = 256 ]
}

@test "lxcfs: a cpuset of one CPU shows one processor; uptime starts near 0" {
    cfg '.linux.resources.cpu = {"cpus": "0"}'
    args sh -c 'grep -c ^processor /proc/cpuinfo; cut -d. -f1 /proc/uptime; cat /sys/devices/system/cpu/online'
    run lx run "$ID"
    [ "${lines[0]}" = 1 ]
    [ "${lines[1]}" -lt 5 ]
    [ "${lines[2]}" = 0 ]
}

@test "lxcfs: without the opt-in the host's files are seen; annotation false beats --lxcfs" {
    cfg 'del(.annotations)'
    args sh -c 'grep MemTotal /proc/meminfo'
    run lx run "$ID"
    [ "$output" = "$(grep MemTotal /proc/meminfo)" ]
    cfg '.annotations = {"org.runlxc.lxcfs": "false"}'
    run lx --lxcfs run "$ID"
    [ "$output" = "$(grep MemTotal /proc/meminfo)" ]
    cfg 'del(.annotations)'
    run lx --lxcfs run "$ID"
    [[ "$output" == *" 262144 kB" ]]
    echo "lxcfs = true" > "$T/runlxc.conf"
    echo "lxcfs_mountpoint = $LXFS" >> "$T/runlxc.conf"
    run env RUNLXC_CONFIG="$T/runlxc.conf" bash -c "cd $B && $RUNLXC --root $ROOT run $ID"
    [[ "$output" == *" 262144 kB" ]]
}

@test "lxcfs: asked for but not running is a clear error that leaves nothing" {
    run rl --lxcfs-mountpoint "$T/no-lxcfs-here" create --bundle "$B" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"none is mounted at $T/no-lxcfs-here"*"runlxc lxcfs start"* ]]
    assert_no_leftovers "$ID"
}

@test "lxcfs: after a restart views answer ENOTCONN until remount re-binds them" {
    require_feature "open_tree/move_mount"
    args sleep 1000
    lx run -d "$ID"
    run lx exec "$ID" grep MemTotal /proc/meminfo
    [[ "$output" == *" 262144 kB" ]]
    restart_lxcfs
    run lx exec "$ID" cat /proc/meminfo
    [[ "$output" == *"Transport endpoint is not connected"* ]]
    "${RUNLXC_HOST:-$RUNLXC}" --root "$LXROOT" --lxcfs-mountpoint "$LXFS" lxcfs start
    run lx exec "$ID" cat /proc/meminfo
    [[ "$output" == *"Transport endpoint is not connected"* ]]
    lx lxcfs remount "$ID"
    run lx exec "$ID" sh -c 'grep MemTotal /proc/meminfo; /usr/bin/free -m | awk "/^Mem:/ {print \$2}"'
    [[ "${lines[0]}" == *" 262144 kB" ]]
    [ "${lines[1]}" = 256 ]
}

@test "lxcfs watch: re-binds running containers by itself when lxcfs comes back" {
    require_feature "open_tree/move_mount"
    args sleep 1000
    lx run -d "$ID"
    # fd 3 is bats' own: a background process must not hold it
    (cd "$B" && exec "$RUNLXC" --root "$ROOT" --lxcfs-mountpoint "$LXFS" lxcfs watch --interval 0.1) > "$T/watch.log" 2>&1 3>&- &
    local wpid=$!
    echo "$wpid" > "$T/watch.pid"
    sleep 0.3
    restart_lxcfs
    "${RUNLXC_HOST:-$RUNLXC}" --root "$LXROOT" --lxcfs-mountpoint "$LXFS" lxcfs start
    for i in $(seq 100); do grep -q "remounted lxcfs views in $ID" "$T/watch.log" && break; sleep 0.05; done
    kill $wpid
    cat "$T/watch.log"
    run lx exec "$ID" grep MemTotal /proc/meminfo
    [[ "$output" == *" 262144 kB" ]]
}

@test "lxcfs remount: containers without lxcfs or unknown ids are errors" {
    cfg 'del(.annotations)'
    args sleep 1000
    lx run -d "$ID"
    run lx lxcfs remount "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"does not use lxcfs"* ]]
    run lx lxcfs remount nosuch
    [ "$status" -eq 1 ]
    run lx lxcfs bogus
    [ "$status" -eq 1 ]
}
