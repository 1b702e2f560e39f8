#!/usr/bin/env bats
# An LXC container imaged by `runlxc convert --image`, run by real engines with runlxc as
# their runtime (issue 13):
#   oci:DIR:TAG      -> skopeo copy into a private containers-storage -> podman run
#   docker-archive:  -> ctr image import into a private containerd   -> ctr run
# The container is a busybox rootfs with an LXC config of its own in a private lxcpath. Every
# engine runs in its own mount namespace with its own state under $T; teardown kills what is
# left of it and removes $T and its cgroups.
load helpers

setup() {
    liblxc_at_least 2.1 || skip "the test's LXC config is in the 2.1+ dialect; runlxc loads liblxc $(runtime_liblxc)"
    if [ ! -x "$ROOTFS_CACHE/rootfs/bin/busybox" ]; then
        ROOTFS_ONLY=1 "$TOP/scripts/mkbundle.sh" "$ROOTFS_CACHE" >/dev/null
    fi
    T=$(mktemp -d /tmp/runlxc-convimg.XXXXXX)
    CGP=runlxc-convimg-$$-$BATS_TEST_NUMBER
    RT=$(command -v "$RUNLXC")
}

teardown() {
    [ -n "${T:-}" ] || return 0
    local p f
    # engine daemons, shims, conmon and podman helpers started for this test mention $T
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = $$ ] && continue
        tr '\0' ' ' < "$p/cmdline" 2>/dev/null | grep -qF "$T/" && kill -KILL "${p#/proc/}" 2>/dev/null
    done
    # container processes: whatever is left in the test's cgroups
    for f in /sys/fs/cgroup/*/"$CGP"/*/cgroup.procs /sys/fs/cgroup/"$CGP"/*/cgroup.procs \
        /sys/fs/cgroup/*/"$CGP"/cgroup.procs /sys/fs/cgroup/"$CGP"/cgroup.procs; do
        [ -f "$f" ] && xargs -r kill -KILL < "$f" 2>/dev/null
    done
    sleep 0.2
    for f in /sys/fs/cgroup/*/"$CGP" /sys/fs/cgroup/"$CGP"; do
        [ -d "$f" ] && find "$f" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
    rm -rf "$T"
}

# write_image DEST: an LXC container on the busybox rootfs, imaged by runlxc convert
write_image() {
    mkdir -p "$T/lxc/conv"
    printf 'lxc.uts.name = conv\nlxc.rootfs.path = %s\nlxc.net.0.type = empty\nlxc.init.cmd = /bin/sh\nlxc.environment = FROM=lxc\n' \
        "$ROOTFS_CACHE/rootfs" > "$T/lxc/conv/config"
    "$RUNLXC" convert --lxcpath "$T/lxc" --image "$1" conv
}

# podman_runs OCI_LAYOUT TAG CMD...: copies the image into a private vfs store with skopeo
# and runs CMD in it with podman --runtime runlxc; prints the container's output.
podman_runs() {
    local layout=$1 tag=$2 hn hu
    shift 2
    hn=$(ulimit -Hn); hu=$(ulimit -Hu)
    [ "$hn" = unlimited ] || [ "$hn" -gt 1048576 ] && hn=1048576
    [ "$hu" = unlimited ] || [ "$hu" -gt 32768 ] && hu=32768
    mkdir -p "$T/tmp" "$T/vartmp"
    # podman asks for rlimits its own process can have: no CAP_SYS_RESOURCE in some sandboxes
    cat > "$T/containers.conf" <<EOF
[containers]
netns = "none"
log_driver = "k8s-file"
default_ulimits = ["nofile=$hn:$hn", "nproc=$hu:$hu"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$T/events.log"
tmp_dir = "$T/tmp"
static_dir = "$T/storage/libpod"
volume_path = "$T/volumes"
lock_type = "file"
num_locks = 64
runtime_supports_json = ["crun", "runc", "runlxc"]
[network]
network_config_dir = "$T/net"
EOF
    echo 'unqualified-search-registries = []' > "$T/registries.conf"
    CONTAINERS_CONF=$T/containers.conf CONTAINERS_REGISTRIES_CONF=$T/registries.conf TMPDIR=$T/vartmp \
        unshare --mount --propagation private -- bash -c '
        set -e
        T=$1 RT=$2 CGP=$3 layout=$4 tag=$5; shift 5
        skopeo copy -q "oci:$layout:$tag" "containers-storage:[vfs@$T/storage+$T/runroot]localhost/conv:latest" >&2
        pm() { timeout -k 5 120 podman --root "$T/storage" --runroot "$T/runroot" --tmpdir "$T/tmp" \
            --storage-driver vfs --cgroup-manager cgroupfs --events-backend file \
            --network-config-dir "$T/net" --runtime "$RT" "$@"; }
        rc=0
        pm run --rm --pull never --network none --cgroup-parent "/$CGP" localhost/conv:latest "$@" || rc=$?
        pm rmi -a -f >/dev/null 2>&1 || true
        exit $rc' bash "$T" "$RT" "$CGP" "$layout" "$tag" "$@"
}

# ctr_runs ARCHIVE IMAGE CMD...: imports the docker-archive into a private containerd
# (own config, root, state, socket, ctr namespace; shim sockets on a private tmpfs) and runs
# CMD with --runc-binary runlxc; prints the container's output.
ctr_runs() {
    local archive=$1 image=$2
    shift 2
    mkdir -p "$T/ctd" "$T/rroot"
    cat > "$T/ctd/config.toml" <<EOF
version = 2
root = "$T/ctd/root"
state = "$T/ctd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$T/ctd/sock"
[ttrpc]
  address = "$T/ctd/sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$T/ctd/opt"
EOF
    unshare --mount --propagation private -- bash -c '
        T=$1 RT=$2 CGP=$3 archive=$4 image=$5; shift 5
        mkdir -p /run/containerd && mount -t tmpfs -o mode=711 convimg-run-containerd /run/containerd || exit 90
        containerd --config "$T/ctd/config.toml" > "$T/ctd/log" 2>&1 < /dev/null &
        pid=$!
        c() { timeout -k 5 120 ctr --address "$T/ctd/sock" --namespace "$CGP" "$@"; }
        for i in $(seq 100); do c version >/dev/null 2>&1 && break; sleep 0.1; done
        rc=0
        c image import "$archive" >&2 || rc=91
        [ $rc = 0 ] && { c run --rm --runc-binary "$RT" --runc-root "$T/rroot" "$image" convimg "$@" || rc=$?; }
        c image rm "$image" >/dev/null 2>&1
        kill -TERM $pid; wait $pid
        exit $rc' bash "$T" "$RT" "$CGP" "$archive" "$image" "$@"
}

@test "convert-image: oci layout -> skopeo copy -> podman --runtime runlxc run" {
    command -v podman >/dev/null && command -v skopeo >/dev/null || skip "podman or skopeo not installed"
    run write_image "oci:$T/layout:v1"
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    run podman_runs "$T/layout" v1 sh -c 'echo hello from $(cat /etc/hostname >/dev/null; echo conv) $FROM; ls -l /bin/busybox'
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"hello from conv lxc"* ]]
    [[ "$output" == *"/bin/busybox"* ]]
}

@test "convert-image: docker-archive -> ctr image import -> ctr run --runc-binary runlxc" {
    command -v containerd >/dev/null && command -v ctr >/dev/null || skip "containerd not installed"
    run write_image "docker-archive:$T/img.tar:localhost/conv:v1"
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    run ctr_runs "$T/img.tar" localhost/conv:v1 sh -c 'echo hello from conv $FROM; id -u'
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"hello from conv lxc"* ]]
}

@test "convert-image: the busybox image reads back with runlxc-unpack and runs under runlxc run" {
    local unpack
    unpack=$(dirname "$RT")/runlxc-unpack
    [ -x "$unpack" ] || skip "runlxc-unpack not installed beside $RT"
    run write_image "oci:$T/layout"
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    "$unpack" "oci:$T/layout" "$T/bundle"
    diff <(cd "$ROOTFS_CACHE/rootfs" && find . -mindepth 1 -printf '%p %y %m %U %G %l\n' | LC_ALL=C sort) \
        <(cd "$T/bundle/rootfs" && find . -mindepth 1 -printf '%p %y %m %U %G %l\n' | LC_ALL=C sort)
    run "$RT" --root "$T/state" run --bundle "$T/bundle" convimg-$$
    echo "$output"
    [ "$status" -eq 0 ]
}
