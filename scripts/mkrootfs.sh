#!/bin/bash
# Builds a Debian bookworm root filesystem with mmdebstrap, offline from the host's Debian
# package registry, and prints its path. The result is cached in $RUNLXC_ROOTFS_CACHE
# (default /var/cache/runlxc-rootfs) under the profile's name and a hash of the profile's build
# function and of the files it writes, so a machine builds each profile once and a change to a
# profile rebuilds that profile only.
#
#   scripts/mkrootfs.sh systemd    bookworm booting systemd: systemd-sysv, dbus, cron and a
#                                  service of the tests' own (runlxc-hello.service)
#   scripts/mkrootfs.sh sysvinit   bookworm booting sysvinit-core (the CentOS 6 style): cron,
#                                  an init script of the tests' own (/etc/init.d/runlxc-hello),
#                                  and /etc/inittab set up as LXC's templates set it up
#   scripts/mkrootfs.sh vm-systemd bookworm for tests/kernel-matrix/vm's systemd rows (booted as the
#                                  VM's own root, not as a container): systemd-sysv, dbus, udev,
#                                  the libraries runlxc links, bats, gojq, busybox-static
#   scripts/mkrootfs.sh vm-judges  vm-systemd plus containerd, podman, conmon, runc and docker.io, for
#                                  scripts/vm-judges-systemd.sh
#
# Build time and size are printed on stderr when a profile is built (not when cached).
set -euo pipefail

profile=${1:?usage: mkrootfs.sh systemd|sysvinit}
cache=${RUNLXC_ROOTFS_CACHE:-/var/cache/runlxc-rootfs}

# Docs, man pages and translations are not needed to boot and make the trees ~40% smaller.
common_opts=(
    --variant=minbase --mode=root --format=directory
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*'
)

hello_unit='[Unit]
Description=runlxc test service
[Service]
ExecStart=/bin/sh -c "echo runlxc-hello started; exec sleep infinity"
[Install]
WantedBy=multi-user.target'

hello_initscript='#!/bin/sh
### BEGIN INIT INFO
# Provides:          runlxc-hello
# Required-Start:    $local_fs
# Required-Stop:     $local_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: runlxc test service
### END INIT INFO
pidfile=/run/runlxc-hello.pid
case "$1" in
start) start-stop-daemon --start --background --make-pidfile --pidfile $pidfile --exec /bin/sleep -- infinity
       echo "runlxc-hello started" >> /var/log/runlxc-hello.log ;;
stop)  start-stop-daemon --stop --pidfile $pidfile --remove-pidfile --retry 5
       echo "runlxc-hello stopped" >> /var/log/runlxc-hello.log ;;
status) start-stop-daemon --status --pidfile $pidfile ;;
esac'

build_systemd() {
    mmdebstrap "${common_opts[@]}" --include=systemd-sysv,dbus,cron,procps \
        --customize-hook="printf '%s\n' '$hello_unit' > \"\$1/etc/systemd/system/runlxc-hello.service\"" \
        --customize-hook='chroot "$1" systemctl enable runlxc-hello.service' \
        --customize-hook='echo runlxc-systemd > "$1/etc/hostname"' \
        bookworm "$1" "deb http://deb.debian.org/debian bookworm main"
}

build_sysvinit() {
    # LXC's templates make the power-fail action a halt (SIGPWR is lxc-stop's signal for
    # sysvinit) and drop the gettys on ttys a container does not have.
    mmdebstrap "${common_opts[@]}" --include=sysvinit-core,cron,procps \
        --customize-hook="printf '%s\n' '$hello_initscript' > \"\$1/etc/init.d/runlxc-hello\"; chmod 755 \"\$1/etc/init.d/runlxc-hello\"" \
        --customize-hook='chroot "$1" update-rc.d runlxc-hello defaults' \
        --customize-hook='sed -i -e "s|^pf::.*|pf::powerwait:/sbin/shutdown -t1 -a -h now|" -e "/^[1-6]:[0-9]*:respawn:\/sbin\/getty/s/^/#/" "$1/etc/inittab"' \
        --customize-hook='echo runlxc-sysvinit > "$1/etc/hostname"' \
        bookworm "$1" "deb http://deb.debian.org/debian bookworm main"
}

build_vm_systemd() {
    # udev makes /dev/char/M:N and /dev/block/M:N, which systemd's DeviceAllow= resolves on
    # cgroup v1; iproute2 for `ip netns`; no getty on the serial console (the tests own it).
    mmdebstrap "${common_opts[@]}" \
        --include=systemd-sysv,dbus,udev,procps,iproute2,kmod,busybox-static,bash,bats,gojq,liblxc1,libjson-c5,libarchive13,libcap2,libseccomp2,libsystemd0,libselinux1,libapparmor1${vm_extra_packages:-} \
        --customize-hook='chroot "$1" systemctl mask serial-getty@ttyS0.service getty@tty1.service systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer${vm_extra_masked:-}' \
        --customize-hook='ln -sf /usr/bin/gojq "$1/usr/local/bin/jq"; echo runlxc-vm > "$1/etc/hostname"' \
        bookworm "$1" "deb http://deb.debian.org/debian bookworm main"
}

build_vm_judges() {
    # vm-systemd with the engines of ../shared/judges (scripts/vm-judges-systemd.sh); their
    # services stay off: the judges start private instances.
    # docker.io's dockerd would start at boot (and fail without the iptables modules): masked.
    vm_extra_packages=,containerd,podman,conmon,runc,docker.io,wget vm_extra_masked=" docker.service docker.socket" \
        build_vm_systemd "$1"
}

case "$profile" in
systemd | sysvinit | vm-systemd | vm-judges) ;;
*) echo "mkrootfs.sh: unknown profile '$profile' (systemd, sysvinit, vm-systemd, vm-judges)" >&2; exit 2 ;;
esac
build_fn=build_${profile//-/_}
profile_hash=$({ declare -f "$build_fn"; [ "$build_fn" != build_vm_judges ] || declare -f build_vm_systemd; printf '%s' "${common_opts[*]}$hello_unit$hello_initscript"; } |
    sha256sum | cut -c1-12)
out="$cache/$profile-$profile_hash"
if [ ! -d "$out" ]; then
    command -v mmdebstrap >/dev/null || { echo "mkrootfs.sh: mmdebstrap is missing (scripts/install-deps.sh)" >&2; exit 2; }
    mkdir -p "$cache"
    rm -rf "$out.tmp"
    t0=$(date +%s)
    "$build_fn" "$out.tmp" > "$cache/$profile.log" 2>&1 || {
        echo "mkrootfs.sh: mmdebstrap failed for '$profile'; see $cache/$profile.log" >&2
        tail -20 "$cache/$profile.log" >&2
        rm -rf "$out.tmp"
        exit 1
    }
    # Older builds of this profile are superseded by this one.
    rm -rf "$cache/$profile"-*[!p]
    mv "$out.tmp" "$out"
    echo "mkrootfs.sh: built $profile in $(( $(date +%s) - t0 )) s, $(du -sm "$out" | cut -f1) MB" >&2
fi
echo "$out"
