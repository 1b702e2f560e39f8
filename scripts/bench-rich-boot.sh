#!/bin/bash
# Boot and stop times of the bookworm systemd container (scripts/mkrootfs.sh systemd) under
# runlxc, crun and LXC (lxc-start of the same rootfs), in one run, each on its own overlay of
# the same lower directory.
#   boot: from `RUNTIME start` (lxc-start -d) to `systemctl is-system-running` = running,
#         polled from the host through nsenter into the container's mount namespace (the same
#         probe for every runtime);
#   stop: from the stop signal (SIGRTMIN+3; lxc-stop for LXC) to the container being gone.
#
#   scripts/bench-rich-boot.sh [ROUNDS]      (default 5) -> a TSV on stdout and ratios
#
# The bundle is what an engine gives a systemd container (podman --systemd=always): tmpfs
# /run, /run/lock and /tmp, container=, a cgroup namespace, docker's capabilities. crun and
# runc do nothing for an init by themselves; runlxc adds the same (design note 20). runc is
# left out: on this hybrid host its cgroup v1 manager cannot make the name=systemd subtree
# writable for systemd. Not a test: no thresholds.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/bench-common.sh"
rounds=${1:-5}
lower=$("$top/scripts/mkrootfs.sh" systemd)
work=$(mktemp -d /tmp/runlxc-bench-rich.XXXXXX)
cleanup() {
    set +e
    for r in runlxc crun; do "$r" --root "$work/state-$r" delete --force rb >/dev/null 2>&1; done
    lxc-stop -P "$work/lxc" -n rb -k >/dev/null 2>&1
    for m in "$work"/*/rootfs "$work"/lxc/rb/rootfs; do mountpoint -q "$m" && umount "$m"; done
    rm -rf "$work"
}
trap cleanup EXIT

overlay() { # dir: a fresh overlay of the systemd rootfs at dir/rootfs
    local d=$1
    mountpoint -q "$d/rootfs" && umount "$d/rootfs"
    rm -rf "$d/upper" "$d/wk"
    mkdir -p "$d/rootfs" "$d/upper" "$d/wk"
    mount -t overlay overlay -o "lowerdir=$lower,upperdir=$d/upper,workdir=$d/wk" "$d/rootfs"
}

caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'
mkdir -p "$work/bundle"
runlxc spec --bundle "$work/bundle"
jq --argjson caps "$caps" '.process.args = ["/sbin/init"] | .process.terminal = false | .root.readonly = false
    | .process.noNewPrivileges = false | .process.env += ["container=lxc"]
    | .process.capabilities.bounding = $caps | .process.capabilities.effective = $caps | .process.capabilities.permitted = $caps
    | .linux.namespaces += [{"type": "cgroup"}]
    | .mounts = [{"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=755"]},
                 {"destination": "/run/lock", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "noexec"]},
                 {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777"]}] + .mounts
    | (.mounts[] | select(.type == "cgroup") | .options) |= map(select(. != "ro"))' \
    "$work/bundle/config.json" > "$work/config.json"

mkdir -p "$work/lxc/rb"
cat > "$work/lxc/rb/config" <<EOF
lxc.include = /usr/share/lxc/config/common.conf
lxc.rootfs.path = dir:$work/lxc/rb/rootfs
lxc.uts.name = rb
lxc.net.0.type = empty
lxc.apparmor.profile = unconfined
lxc.mount.auto = proc:mixed sys:ro cgroup:mixed
lxc.init.cmd = /sbin/init
EOF

now() { date +%s.%N; }
running() { # pid: systemd in that container has finished booting
    [ "$(nsenter -t "$1" -m -- systemctl is-system-running 2>/dev/null)" = running ]
}
wait_running() { local i; for i in $(seq 600); do running "$1" && return 0; sleep 0.02; done; return 1; }

one_round() { # runtime -> "boot stop"
    local r=$1 t0 t1 t2 pid i
    if [ "$r" = lxc ]; then
        overlay "$work/lxc/rb"
        t0=$(now)
        lxc-start -P "$work/lxc" -n rb -d
        pid=$(lxc-info -P "$work/lxc" -n rb -p -H)
        wait_running "$pid"
        t1=$(now)
        lxc-stop -P "$work/lxc" -n rb -t 30
        t2=$(now)
    else
        mkdir -p "$work/$r"
        overlay "$work/$r"
        cp "$work/config.json" "$work/$r/config.json"
        "$r" --root "$work/state-$r" create --bundle "$work/$r" rb
        pid=$("$r" --root "$work/state-$r" state rb | jq .pid)
        t0=$(now)
        "$r" --root "$work/state-$r" start rb
        wait_running "$pid"
        t1=$(now)
        "$r" --root "$work/state-$r" kill rb RTMIN+3
        # gone: exited, a zombie included (who reaps it is the engine's shim in real use, here
        # the host's init, which may reap late; LXC's monitor reaps its own at once)
        for i in $(seq 1500); do
            case $(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) in '' | Z | X) break ;; esac
            sleep 0.02
        done
        t2=$(now)
        "$r" --root "$work/state-$r" delete --force rb
    fi
    echo "$(echo "$t1 - $t0" | bc) $(echo "$t2 - $t1" | bc)"
}

bench_runtimes runlxc crun
runtimes=()
for r in "${rts[@]}"; do runtimes+=("$(basename "$r")"); done
command -v lxc-start >/dev/null && runtimes+=(lxc)
printf 'runtime\tround\tboot_s\tstop_s\n'
for i in $(seq "$rounds"); do
    for r in "${runtimes[@]}"; do
        read -r b s < <(one_round "$r")
        printf '%s\t%s\t%s\t%s\n' "$r" "$i" "$b" "$s" | tee -a "$work/all.tsv"
    done
done
echo "# medians (s), and runlxc's ratio to each"
for r in "${runtimes[@]}"; do
    mb=$(awk -v r="$r" '$1 == r {print $3}' "$work/all.tsv" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    ms=$(awk -v r="$r" '$1 == r {print $4}' "$work/all.tsv" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "$r boot=$mb stop=$ms" | tee -a "$work/med"
done
rb=$(awk '$1 == "runlxc" {sub("boot=", "", $2); print $2}' "$work/med")
for r in "${runtimes[@]}"; do
    [ "$r" = runlxc ] && continue
    ob=$(awk -v r="$r" '$1 == r {sub("boot=", "", $2); print $2}' "$work/med")
    echo "# boot runlxc/$r = $(echo "scale=2; $rb / $ob" | bc)"
done
