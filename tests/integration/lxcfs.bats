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
    "${RUNLXC_HOST:-$RUNLXC}" --root "$LXROOT" --lxcfs-mountpoint "$LXFS" lxcfs stop || true
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

# The relay entry of this file's lxcfs on the host (remounts without open_tree go through it).
relay_entry() { echo "/run/runlxc-lxcfs/$(sed 's|^/||; s|/|_|g' <<< "$LXFS")"; }

restart_lxcfs() {
    kill -9 "$(cat "$LXROOT/lxcfs.log.pid")"
    for i in $(seq 50); do kill -0 "$(cat "$LXROOT/lxcfs.log.pid")" 2>/dev/null || break; sleep 0.02; done
    # the FUSE connection ends when the last holder of /dev/fuse is gone (lxcfs's own helper
    # children may outlive it a moment on a slow machine): wait for the dead mount
    for i in $(seq 100); do timeout 2 cat "$LXFS/proc/uptime" >/dev/null 2>&1 || break; sleep 0.05; done
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
    args sleep 1000
    lx run -d "$ID"
    # fd 3 is bats' own: a background process must not hold it. The watcher, like the lxcfs
    # daemon, lives in the host's mount namespace: a personality's private namespace, made
    # before the restart, would keep the dead mount (this host's / is not shared). Containers
    # created under a personality without open_tree still go through their relay.
    (cd "$B" && exec "${RUNLXC_HOST:-$RUNLXC}" --root "$ROOT" --lxcfs-mountpoint "$LXFS" lxcfs watch --interval 0.1) > "$T/watch.log" 2>&1 3>&- &
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
    # created without open_tree, the container was re-bound through its relay
    if ! feature "open_tree/move_mount"; then
        run lx exec "$ID" grep -c " /dev/.lxcfs " /proc/self/mountinfo
        [ "$output" = 1 ]
    fi
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

@test "lxcfs remount: containers created before and after a restart both see fresh views; --all re-binds both" {
    cfg '.linux.resources.cpu = {"cpus": "0"}'
    args sleep 1000
    lx run -d "$ID"
    restart_lxcfs
    "${RUNLXC_HOST:-$RUNLXC}" --root "$LXROOT" --lxcfs-mountpoint "$LXFS" lxcfs start
    lx run -d "$ID-after"
    run lx exec "$ID-after" grep MemTotal /proc/meminfo
    [[ "$output" == *" 262144 kB" ]]
    run lx exec "$ID" cat /proc/meminfo
    [[ "$output" == *"Transport endpoint is not connected"* ]]
    run lx lxcfs remount --all
    [ "$status" -eq 0 ]
    [[ "$output" == *"remounted lxcfs views in $ID"$'\n'* || "$output" == *"remounted lxcfs views in $ID" ]]
    [[ "$output" == *"remounted lxcfs views in $ID-after"* ]]
    for c in "$ID" "$ID-after"; do
        run lx exec "$c" sh -c 'grep MemTotal /proc/meminfo; grep -c ^processor /proc/cpuinfo; cut -d. -f1 /proc/uptime'
        [[ "${lines[0]}" == *" 262144 kB" ]]
        [ "${lines[1]}" = 1 ]
        [ "${lines[2]}" -le "$(cut -d. -f1 /proc/uptime)" ]
    done
    lx delete --force "$ID-after"
    assert_no_leftovers "$ID-after"
}

@test "lxcfs relay: without open_tree a container gets a receive-only copy; delete leaves only the host's relay" {
    feature "open_tree/move_mount" && skip "this kernel has open_tree: remount needs no relay"
    cfg '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
    args sleep 1000
    local before
    before=$(grep -c ' /run/runlxc-lxcfs' /proc/self/mountinfo)
    lx run -d "$ID"
    # the relay in the container is a slave (of the host's, or of a slave of it: a personality's
    # namespace sits between them): it receives and never sends
    local group
    group=$(awk '$5 == "/run/runlxc-lxcfs" {for (i = 7; $i != "-"; i++) if ($i ~ /^shared:/) print substr($i, 8)}' /proc/self/mountinfo)
    [ -n "$group" ]
    run lx exec "$ID" sh -c 'grep " /dev/.lxcfs " /proc/self/mountinfo'
    [[ "$output" == *" master:"* ]]
    [[ "$output" != *" shared:$group "* ]]
    # lxcfs's views are in it, read-only
    run lx exec "$ID" ls "/dev/.lxcfs/$(basename "$(relay_entry)")"
    [[ "$output" == *proc* ]]
    run lx exec "$ID" touch /dev/.lxcfs/written-by-container
    [ "$status" -ne 0 ]
    [ ! -e /run/runlxc-lxcfs/written-by-container ]
    lx exec "$ID" mount -t tmpfs none /dev/.lxcfs
    [ "$(grep -c ' /run/runlxc-lxcfs' /proc/self/mountinfo)" = "$before" ]
    lx delete --force "$ID"
    assert_no_leftovers "$ID"
    [ "$(grep -c ' /run/runlxc-lxcfs' /proc/self/mountinfo)" = "$before" ]
}

@test "lxcfs stop: stops the lxcfs runlxc started and drops its relay entry; start brings both back" {
    local host=${RUNLXC_HOST:-$RUNLXC}
    "$host" --root "$LXROOT" --lxcfs-mountpoint "$LXFS" lxcfs stop
    run "$host" --root "$LXROOT" --lxcfs-mountpoint "$LXFS" lxcfs status
    [ "$status" -eq 1 ]
    if grep -q " $(relay_entry) " /proc/self/mountinfo; then false; fi
    run "$host" --root "$LXROOT" --lxcfs-mountpoint "$LXFS" lxcfs stop
    [ "$status" -eq 1 ]
    [[ "$output" == *"no lxcfs started by runlxc"* ]]
    "$host" --root "$LXROOT" --lxcfs-mountpoint "$LXFS" lxcfs start
    grep -q " $(relay_entry) .* - fuse.lxcfs " /proc/self/mountinfo
    args sh -c 'grep MemTotal /proc/meminfo'
    run lx run "$ID"
    [[ "$output" == *" 262144 kB" ]]
}
