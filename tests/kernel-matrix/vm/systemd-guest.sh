# Sourced by run.sh for --guest systemd: builds $work/initrd.gz from two concatenated cpio
# archives (the kernel unpacks each in turn): the bookworm systemd root from
# `scripts/mkrootfs.sh vm-systemd`, cached per rootfs build, and this run's files (runlxc,
# the tests, the tests' service, the stage-1 /init). Sets $append and $memory.
# Uses run.sh's variables: here top work R stage prefix runlxc_files cgroup log die stage_modules.

# VM_ROOTFS_PROFILE=vm-judges (scripts/vm-judges-systemd.sh) adds the engines
rootfs_profile=${VM_ROOTFS_PROFILE:-vm-systemd}
rootfs=$("$top/scripts/mkrootfs.sh" "$rootfs_profile") || die "scripts/mkrootfs.sh $rootfs_profile failed"
base=${VM_WORK:-/var/tmp/runlxc-vm}/rootfs-$(basename "$rootfs").cpio.gz
if [ ! -s "$base" ]; then
    # Not needed to run containers under TCG and a third of the tree: perl (debconf's), ICU's
    # data (libxml2's, for runlxc-unpack only), charset converters, apt's lists and caches.
    log "packing $rootfs into $base"
    (cd "$rootfs" && find . -mindepth 1 \
        \( -path ./usr/share/perl -o -path ./usr/lib/x86_64-linux-gnu/perl -o -path ./usr/lib/x86_64-linux-gnu/perl-base \
           -o -path ./usr/lib/x86_64-linux-gnu/gconv -o -path ./var/cache/apt -o -path ./var/lib/apt/lists \
           -o -name 'libicudata.so*' \) -prune -o -print |
        cpio -o -H newc --quiet | gzip -1) > "$base.tmp" && mv "$base.tmp" "$base" || die "cpio of $rootfs failed"
fi

# this run's files: no top-level directory the root has as a symlink (bin, lib, sbin)
# liblxc's rootfs mount point (liblxc-common's, not in the root)
mkdir -p "$R/etc/systemd/system/multi-user.target.wants" "$R/opt/runlxc/scripts" "$R/usr/lib/x86_64-linux-gnu/lxc/rootfs" \
    "$R/opt/runlxc/tests/integration" "$R/opt/runlxc/tests/kernel-matrix/vm" "$R/var/tmp" "$R/newroot"
# modules only where a guest script asks (the judges row: Docker's bridge); the other rows
# keep the kernel as booted
stage_modules ${VM_MODULES:-}
for f in $runlxc_files; do
    [ -x "$stage$f" ] || die "$stage$f is missing"
    mkdir -p "$R$(dirname "$f")"
    cp "$stage$f" "$R$f"
done
if [ "$prefix" != /usr/local ]; then
    mkdir -p "$R/usr/local/bin"
    ln -sf "$prefix/bin/runlxc" "$R/usr/local/bin/runlxc"
fi
# every library runlxc links must come from the Debian root (mkrootfs's list): say which not
for l in $(ldd "$stage$prefix/bin/runlxc" | awk '/=>/ {print $1}') liblxc.so.1 libsystemd.so.0; do
    [ -e "$rootfs/usr/lib/x86_64-linux-gnu/$l" ] || [ -e "$rootfs/lib/x86_64-linux-gnu/$l" ] ||
        die "$l (linked by runlxc) is not in the vm-systemd root: add its package to scripts/mkrootfs.sh"
done
T=$R/opt/runlxc
cp "$top/scripts/mkbundle.sh" "$T/scripts/"
cp "$top/tests/integration/helpers.bash" "$T/tests/integration/"
apply_skips lifecycle.bats "$cgroup,systemd" "$T/tests/integration/lifecycle.bats"
cp "$here/systemd-cgroup.bats" "$here/guest-systemd.sh" "$T/tests/kernel-matrix/vm/"
chmod 755 "$T/tests/kernel-matrix/vm/guest-systemd.sh"
ROOTFS_ONLY=1 "$top/scripts/mkbundle.sh" "$R/var/tmp/runlxc-test-rootfs" >/dev/null || die "mkbundle failed"
[ -n "$guest_script" ] && cp "$guest_script" "$T/guest-script.sh"
# VM_EXTRA_DIR: more files for a guest script, at /opt/runlxc/extra
[ -n "${VM_EXTRA_DIR:-}" ] && { cp -a "$VM_EXTRA_DIR" "$T/extra" || die "cannot copy $VM_EXTRA_DIR"; }
cat > "$R/etc/systemd/system/runlxc-vm-tests.service" <<'EOF'
[Unit]
Description=runlxc VM tests
After=basic.target systemd-udev-settle.service systemd-udev-trigger.service
[Service]
Type=oneshot
ExecStart=/opt/runlxc/tests/kernel-matrix/vm/guest-systemd.sh
StandardOutput=file:/dev/ttyS0
StandardError=inherit
EOF
ln -s ../runlxc-vm-tests.service "$R/etc/systemd/system/multi-user.target.wants/runlxc-vm-tests.service"

# stage 1: liblxc pivot_roots into every container, which fails under an initramfs root
# (rootfs), so everything is copied into a tmpfs and systemd started there
cat > "$R/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox mount -t tmpfs -o mode=755 tmpfs /newroot
for d in /*; do
    case $d in /newroot|/init|/proc|/sys|/dev) ;; *) /bin/busybox cp -a "$d" /newroot/ ;; esac
done
/bin/busybox mkdir -p /newroot/proc /newroot/sys /newroot/dev
exec /bin/busybox switch_root /newroot /lib/systemd/systemd
EOF
chmod 755 "$R/init"
mkdir -p "$R/dev" && { mknod -m 600 "$R/dev/console" c 5 1 2>/dev/null || true; }

log "initramfs: $(du -sh "$base" | cut -f1) root ($(basename "$rootfs")) + $(du -sh "$R" | cut -f1) of this run"
{ cat "$base"; (cd "$R" && find . -mindepth 1 | cpio -o -H newc --quiet | gzip -1); } > "$work/initrd.gz" ||
    die "cpio failed"
append="console=ttyS0 panic=-1 quiet loglevel=3 systemd.show_status=0 rd.udev.log_level=3 runlxc.cgroup=$cgroup runlxc.tests=${VM_TESTS:-full}"
case $cgroup in
v1) append="$append systemd.unified_cgroup_hierarchy=0 systemd.legacy_systemd_cgroup_controller=1" ;;
hybrid) append="$append systemd.unified_cgroup_hierarchy=0 systemd.legacy_systemd_cgroup_controller=0" ;;
v2) append="$append systemd.unified_cgroup_hierarchy=1" ;;
esac
append="$append ${VM_APPEND:-}"
# the root lives twice in memory while /init copies it
memory=${VM_MEMORY:-2048}
