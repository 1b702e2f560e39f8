#!/usr/bin/env bats
# Issue 15, section 1: the host side failing under create. Each gives a clear error and leaves
# nothing (assert_no_leftovers: state dir, cgroups in every hierarchy, processes).
load ../integration/helpers

setup() { setup_bundle; args sleep 1000; }
teardown() {
    umount "$T/small" 2>/dev/null || true
    if [ -n "${LXFS:-}" ]; then
        "$RUNLXC" --root "$ROOT" --lxcfs-mountpoint "$LXFS" lxcfs stop >/dev/null 2>&1 || true
        umount -l "$LXFS" 2>/dev/null || true
    fi
    teardown_bundle
}

# The runlxc-init path compiled into runlxc (RUNLXC_INIT_PATH).
init_path() { strings -a "$(command -v "$RUNLXC")" | grep -m1 '^/.*/runlxc-init$'; }

# create with file $1 bound over file $2 in a private mount namespace: sets status, stderr in
# $T/err; a container created anyway is deleted.
create_with_bound() {
    status=0
    # not `run`: a container that gets created anyway keeps create's stdout open
    unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1" "$2" &&
        exec "$3" --root "$4" create --bundle "$5" "$6"' sh "$1" "$2" "$RUNLXC" "$ROOT" "$B" "$ID" \
        >/dev/null 2>"$T/err" || status=$?
    echo "$1: $status $(cat "$T/err")"
    [ "$status" -ne 0 ] || "$RUNLXC" --root "$ROOT" delete --force "$ID"
}

@test "--root on a tiny tmpfs that fills up at every step of create" {
    mkdir -p "$T/small"
    mount -t tmpfs -o size=64k,nr_inodes=64 runlxc-rel-small "$T/small"
    # tmpfs counts whole pages: leave 0 to 8 pages free, so that create runs out of space at
    # its first mkdir, its config copy, its state.json, its cgroups record, or not at all.
    for free in 0 1 2 3 4 5 6 8; do
        rm -f "$T/small/fill"
        dd if=/dev/zero of="$T/small/fill" bs=4k count=$((16 - free)) 2>/dev/null || true
        # not `run`: a created container keeps create's stdout open until it is deleted
        status=0
        "$RUNLXC" --root "$T/small/state" create --bundle "$B" "$ID-$free" >/dev/null 2>"$T/err" || status=$?
        if [ "$status" -eq 0 ]; then
            echo "free $free pages: created"
            "$RUNLXC" --root "$T/small/state" delete --force "$ID-$free"
        else
            echo "free $free pages: $(cat "$T/err")"
            [ "$status" -eq 1 ] && grep -q "No space left on device" "$T/err"
        fi
        ROOT=$T/small/state assert_no_leftovers "$ID-$free"
    done
}

@test "--root out of inodes" {
    mkdir -p "$T/small"
    mount -t tmpfs -o size=1m,nr_inodes=4 runlxc-rel-small "$T/small"
    mkdir "$T/small/state"
    run "$RUNLXC" --root "$T/small/state" create --bundle "$B" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"No space left on device"* ]]
    ROOT=$T/small/state assert_no_leftovers "$ID"
}

@test "a read-only --root" {
    mkdir -p "$T/small"
    mount -t tmpfs -o size=1m runlxc-rel-small "$T/small"
    mkdir "$T/small/state"
    mount -o remount,ro "$T/small"
    run "$RUNLXC" --root "$T/small/state" create --bundle "$B" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"Read-only file system"* ]]
    ROOT=$T/small/state assert_no_leftovers "$ID"
    # a --root below a read-only mount that does not exist yet
    run "$RUNLXC" --root "$T/small/new/state" create --bundle "$B" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"Read-only file system"* ]]
}

@test "runlxc-init missing" {
    local init; init=$(init_path)
    [ -n "$init" ]
    # in a private mount namespace, an empty directory over the one that holds it
    run unshare -m sh -c 'mount --make-rprivate / && mount -t tmpfs none "$(dirname "$1")" &&
        exec "$2" --root "$3" create --bundle "$4" "$5"' sh "$init" "$RUNLXC" "$ROOT" "$B" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"runlxc-init $init"*"No such file or directory"* ]]
    assert_no_leftovers "$ID"
}

@test "runlxc-init not executable, or empty" {
    local init; init=$(init_path)
    cp "$init" "$T/init-copy"
    chmod 644 "$T/init-copy"
    : > "$T/init-empty"; chmod 755 "$T/init-empty"
    for f in "$T/init-copy" "$T/init-empty"; do
        create_with_bound "$f" "$init"
        [ "$status" -eq 1 ]
        grep -q "runlxc-init $init: not an executable program" "$T/err"
        assert_no_leftovers "$ID"
    done
}

@test "the bundle deleted between create and start: start says so and nothing is left" {
    rl create "$ID"
    mv "$B" "$T/moved"
    run "$RUNLXC" --root "$ROOT" start "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"disappeared"* ]]
    run "$RUNLXC" --root "$ROOT" delete --force "$ID"
    [ "$status" -eq 0 ]
    B=$T/moved
    assert_no_leftovers "$ID"
}

# The liblxc runlxc loads (LIBLXC_SONAME, as the dynamic linker resolves it), followed to the file.
liblxc_file() { readlink -f "$(ldconfig -p | awk '$1 == "liblxc.so.1" {print $NF; exit}')"; }

# create with file $1 in the place of liblxc; stderr in $T/err.
create_with_liblxc() {
    local lib; lib=$(liblxc_file)
    [ -f "$lib" ]
    create_with_bound "$1" "$lib"
}

@test "liblxc missing or not a library at run time: create names it, nothing is left; other commands go on" {
    # a container made before, which state, kill and delete must still serve without liblxc
    rl create "${ID}-before"
    : > "$T/empty.so"
    create_with_liblxc "$T/empty.so"
    [ "$status" -eq 1 ]
    grep -q "load liblxc: /.*/liblxc.so.1: file too short" "$T/err"
    assert_no_leftovers "$ID"
    run unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1" "$2" &&
        "$3" --root "$4" state "$5" && "$3" --root "$4" delete --force "$5"' \
        sh "$T/empty.so" "$(liblxc_file)" "$RUNLXC" "$ROOT" "${ID}-before"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(jq -r .status <<< "$output")" = created ]
    assert_no_leftovers "${ID}-before"
}

@test "liblxc of the wrong version or kind at run time: create names it and the reason, nothing is left" {
    command -v cc >/dev/null || skip "no C compiler"
    # A library with liblxc's name and functions that says it is 0.9 (older than any runlxc
    # has a key dialect for), and one that says 5.0.0 but lacks lxc_container_new.
    printf '%s\n' 'const char *lxc_get_version(void) { return "0.9.0"; }' \
        'void *lxc_container_new(const char *n, const char *p) { (void)n; (void)p; return 0; }' \
        'int lxc_container_put(void *c) { (void)c; return 0; }' > "$T/old.c"
    printf '%s\n' 'const char *lxc_get_version(void) { return "5.0.0"; }' \
        'int lxc_container_put(void *c) { (void)c; return 0; }' > "$T/partial.c"
    cc -shared -fPIC -o "$T/old.so" "$T/old.c"
    cc -shared -fPIC -o "$T/partial.so" "$T/partial.c"

    create_with_liblxc "$T/old.so"
    [ "$status" -eq 1 ]
    grep -q "load liblxc (/.*/liblxc.so.1): version '0.9.0': runlxc needs liblxc 1.0 or later" "$T/err"
    assert_no_leftovers "$ID"

    create_with_liblxc "$T/partial.so"
    [ "$status" -eq 1 ]
    grep -q "lxc_container_new.*missing" "$T/err"
    assert_no_leftovers "$ID"
}

# killat, as the kill-point suite finds or builds it.
killat_bin() {
    local k
    for k in "${BUILD:-$TOP}/tests/reliability/killat" "$TOP/tests/reliability/killat"; do
        [ -x "$k" ] && echo "$k" && return 0
    done
    cc -O2 -o "$T/killat" "$TOP/tests/reliability/killat.c" && echo "$T/killat"
}

@test "lxcfs killed at points of create: a clear error, or a container whose views come back with remount; nothing is left" {
    feature "setns: mnt" || skip "lxcfs itself needs setns(2)"
    local killat n total status pid points
    killat=$(killat_bin)
    LXFS=$T/lxcfs
    HOST_BINARIES=/usr/bin/free ROOTFS_ONLY=1 "$TOP/scripts/mkbundle.sh" "$B" >/dev/null
    cfg '.annotations = {"org.runlxc.lxcfs": "true"} | .linux.resources.memory = {"limit": 268435456}'
    lx() { "$RUNLXC" --root "$ROOT" --lxcfs-mountpoint "$LXFS" "$@"; }
    lx lxcfs start >/dev/null
    KILLAT_COUNT=$T/count "$killat" 0 "$RUNLXC" --root "$ROOT" --lxcfs-mountpoint "$LXFS" create --bundle "$B" "$ID" >/dev/null 2>&1
    lx delete --force "$ID"
    total=$(awk '{print $2}' "$T/count")
    [ "$total" -gt 20 ]
    # lxcfs dies at the entry of create's Nth system call: 12 points over the whole command
    points=$(seq 1 $(( (total + 11) / 12 )) "$total")
    for n in $points; do
        pid=$(cat "$ROOT/lxcfs.log.pid")
        kill -0 "$pid"
        status=0
        # not `run`: a created container keeps create's stdout open until it is deleted
        KILLAT_VICTIM=$pid "$killat" "$n" "$RUNLXC" --root "$ROOT" --lxcfs-mountpoint "$LXFS" \
            create --bundle "$B" "$ID" >/dev/null 2>"$T/err" || status=$?
        echo "lxcfs killed at $n of $total: $status $(cat "$T/err")"
        for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
        if kill -0 "$pid" 2>/dev/null; then false; fi
        # the FUSE connection ends when the last holder of /dev/fuse is gone
        for i in $(seq 100); do timeout 2 cat "$LXFS/proc/uptime" >/dev/null 2>&1 || break; sleep 0.05; done
        lx lxcfs start >/dev/null
        if [ "$status" -eq 0 ]; then
            [ "$(lx state "$ID" | jq -r .status)" = created ]
            lx lxcfs remount "$ID"
            lx start "$ID"
            run lx exec "$ID" grep MemTotal /proc/meminfo
            echo "after remount: $output"
            [[ "$output" == *" 262144 kB" ]]
        else
            [ "$status" -eq 1 ]
            grep -Eq "lxcfs (at $LXFS is dead|was asked for .* but none is mounted at $LXFS|at $LXFS died during create)" "$T/err"
        fi
        lx delete --force "$ID"
        assert_no_leftovers "$ID"
        if grep -q " $B/rootfs" /proc/self/mountinfo; then false; fi
    done
}
