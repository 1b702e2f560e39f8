#!/bin/bash
# Rich containers through real engines (design note 20), with the bookworm systemd rootfs of
# scripts/mkrootfs.sh imported as an image:
#   podman: `podman run --systemd=always` boots to "running", `podman stop` stops it (podman
#           sends the image's STOPSIGNAL, SIGRTMIN+3), nothing is left;
#   ctr:    `ctr run --runc-binary runlxc --annotation org.runlxc.rich=true` boots it, and
#           `ctr task kill -s SIGRTMIN+3` stops it with exit status 0.
#
#   tests/engines/rich-engines.sh [RUNTIME]        (default: the installed runlxc)
#
# Uses ../shared/judges/lib.sh (private mount namespace, tracing wrapper, TAP counters).
# Output: TAP lines and a last line "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
src=${JUDGES_DIR:-$top/../shared/judges}
[ -f "$src/lib.sh" ] || { echo "rich-engines.sh: judges not found at $src" >&2; exit 2; }
. "$src/lib.sh"
judge_enter_mountns "$@"
RUNTIME=$(command -v "${1:-runlxc}") || { echo "rich-engines.sh: runtime ${1:-runlxc} not found" >&2; exit 2; }
rootfs=$("$top/scripts/mkrootfs.sh" systemd) || exit 2

judge_init rich-engines
judge_make_wrapper "$RUNTIME"
CTD_PID=
NS=rich-$$
SOCK=$JT/containerd.sock
IMG=localhost/rich/systemd:latest

PODMAN=(podman --root "$JT/proot" --runroot "$JT/prunroot" --tmpdir "$JT/ptmp" --cgroup-manager cgroupfs
    --events-backend file --storage-driver overlay --runtime "$WRAP")
pm() { timeout -k 5 120 "${PODMAN[@]}" "$@"; }
ctr_() { timeout -k 5 60 ctr --address "$SOCK" --namespace "$NS" "$@"; }

cleanup() {
    set +e
    pm rm -a -f -t 0 >/dev/null 2>&1
    pm rmi -a -f >/dev/null 2>&1
    if [ -n "$CTD_PID" ]; then
        ctr_ task kill -s SIGKILL rs >/dev/null 2>&1
        sleep 0.5
        ctr_ task delete -f rs >/dev/null 2>&1
        ctr_ container delete rs >/dev/null 2>&1
        kill "$CTD_PID" 2>/dev/null
        wait "$CTD_PID" 2>/dev/null
    fi
    judge_umount_under "$JT"
    judge_rmdir_cgroups "$NS" 2>/dev/null
    rm -rf "$JT"
}
trap cleanup EXIT

# ran_to STATE CMD...: polls `systemctl is-system-running` through CMD until it says STATE
ran_to() {
    local want=$1 s i
    shift
    for i in $(seq 90); do
        s=$("$@" systemctl is-system-running 2>/dev/null | tr -d '\r')
        case "$s" in "$want" | degraded | maintenance) break ;; esac
        sleep 0.5
    done
    echo "$s"
}

# No container process, state dir or cgroup of the runtime's left for this id.
no_leftovers() { # runtime-root id
    [ ! -e "$1/$2" ] || { echo "state dir $1/$2"; return 1; }
    local left
    left=$(find /sys/fs/cgroup -type d -name "*$2*" 2>/dev/null | head -3)
    [ -z "$left" ] || { echo "cgroups: $left"; return 1; }
}

# ---- the image: the rootfs with CMD /sbin/init and STOPSIGNAL SIGRTMIN+3
mkdir -p "$JT/ptmp"
export TMPDIR=$JT/ptmp
# As the podman judge: podman 4.3 asks for rlimits of 1048576, which no runtime can raise
# where the caller lacks CAP_SYS_RESOURCE; ask for what this process has.
hn=$(ulimit -Hn); hu=$(ulimit -Hu)
[ "$hn" = unlimited ] || [ "$hn" -gt 1048576 ] && hn=1048576
[ "$hu" = unlimited ] || [ "$hu" -gt 32768 ] && hu=32768
printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n[engine]\nevents_logger = "file"\nevents_logfile_path = "%s/events.log"\nruntime_supports_json = ["runlxc"]\n' \
    "$hn" "$hn" "$hu" "$hu" "$JT" > "$JT/containers.conf"
export CONTAINERS_CONF=$JT/containers.conf
if ! tar -C "$rootfs" -c . | pm import --change 'CMD ["/sbin/init"]' --change 'STOPSIGNAL SIGRTMIN+3' - "$IMG" >/dev/null 2>"$JT/import.err"; then
    judge_notok podman/import "$(cat "$JT/import.err")"
    judge_finish
    exit 1
fi

# ---- podman run --systemd=always
name=rich-podman-$$
t0=$(date +%s.%N)
if ! out=$(pm run -d --systemd=always --pull never --network none --name "$name" "$IMG" 2>&1); then
    judge_notok podman/systemd-boots "run: $out"
else
    s=$(ran_to running pm exec "$name")
    t1=$(date +%s.%N)
    if [ "$s" = running ]; then
        judge_ok podman/systemd-boots
        echo "# podman: start to running $(echo "$t1 - $t0" | bc) s"
    else
        judge_notok podman/systemd-boots "is-system-running: $s; failed: $(pm exec "$name" systemctl --failed --no-legend 2>&1)"
    fi
    cid=$(pm inspect --format '{{.Id}}' "$name")
    t0=$(date +%s.%N)
    pm stop -t 30 "$name" >/dev/null 2>&1
    t1=$(date +%s.%N)
    st=$(pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$name" 2>&1)
    # podman stop escalates to SIGKILL (exit 137) when the stop signal did not stop it in time
    judge_check podman/systemd-stops "exited 0" "$st" "podman stop -> status"
    echo "# podman: stop $(echo "$t1 - $t0" | bc) s"
    pm rm "$name" >/dev/null 2>&1
    left=$(no_leftovers "$JT/prunroot/runc" "$cid" 2>&1) && judge_ok podman/no-leftovers ||
        judge_notok podman/no-leftovers "$left"
fi

# ---- containerd: ctr run with the annotation
pm save --format oci-archive -o "$JT/rich.tar" "$IMG" >/dev/null 2>&1
cat > "$JT/config.toml" <<EOF
version = 2
root = "$JT/croot"
state = "$JT/cstate"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
EOF
mkdir -p /run/containerd && mount -t tmpfs -o mode=711 rich-run-containerd /run/containerd
containerd --config "$JT/config.toml" >"$JT/containerd.log" 2>&1 </dev/null &
CTD_PID=$!
for i in $(seq 100); do [ -S "$SOCK" ] && ctr_ version >/dev/null 2>&1 && break; sleep 0.1; done
if ! ctr_ images import --all-platforms "$JT/rich.tar" >"$JT/cimport.log" 2>&1; then
    judge_notok containerd/import "$(tail -3 "$JT/cimport.log")"
else
    ref=$(ctr_ images ls -q | head -1)
    RROOT=$JT/rroot
    t0=$(date +%s.%N)
    # foreground: ctr run exits with the task's exit status (ctr 1.6 has no task wait)
    ctr_ run --runc-binary "$WRAP" --runc-root "$RROOT" --cgroup "/$NS/rs" \
        --annotation org.runlxc.rich=true "$ref" rs </dev/null >"$JT/ctr-run.out" 2>&1 &
    ctr_run=$!
    s=$(ran_to running ctr_ task exec --exec-id probe$RANDOM rs)
    t1=$(date +%s.%N)
    if [ "$s" = running ]; then
        judge_ok containerd/systemd-boots
        echo "# containerd: start to running $(echo "$t1 - $t0" | bc) s"
    else
        judge_notok containerd/systemd-boots "is-system-running: $s; ctr run: $(tail -2 "$JT/ctr-run.out")"
    fi
    t0=$(date +%s.%N)
    ctr_ task kill -s SIGRTMIN+3 rs
    wait "$ctr_run"
    code=$?
    t1=$(date +%s.%N)
    echo "# containerd: stop $(echo "$t1 - $t0" | bc) s"
    # systemd exits on its own after the halt target: exit status 0 as the shim sees it
    judge_check containerd/systemd-stops 0 "$code" "exit status"
    ctr_ task delete rs >/dev/null 2>&1
    ctr_ container delete rs >/dev/null 2>&1
    left=$(no_leftovers "$RROOT/$NS" rs 2>&1) && judge_ok containerd/no-leftovers ||
        judge_notok containerd/no-leftovers "$left"
fi
judge_finish
[ "$JUDGE_FAIL" -eq 0 ]
