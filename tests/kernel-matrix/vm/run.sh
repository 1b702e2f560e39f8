#!/bin/bash
# The real-kernel VM lane of the kernel matrix: boots a Debian kernel under QEMU (TCG: nested
# KVM does not work on the CI machines) with an initramfs that holds the installed runlxc,
# its libraries, bash + bats + jq and the tests; the guest mounts cgroups as v1 only or v2
# only, runs real containers with the real runlxc, prints TAP on the serial console and powers
# off. This script parses the TAP and prints one row:
#   ROW kernel=<guest uname -r> cgroup=<v1|v2> personality=native passed=N failed=M
# and exits non-zero if a test failed or the VM did not finish.
#
#   tests/kernel-matrix/vm/run.sh [--cgroup v1|v2] [--kernel VMLINUZ] [--name NAME]
#                                 [--timeout SECONDS] [--installed] [--verbose]
#     --cgroup    v2 (default): cgroup2 at /sys/fs/cgroup, booted with cgroup_no_v1=all;
#                 v1: one cgroup v1 hierarchy per controller (cpu,cpuacct and net_cls,net_prio
#                 co-mounted as systemd does, plus name=systemd), no cgroup2 anywhere
#     --kernel    any bzImage/vmlinuz (default: fetch-kernel.sh, bookworm's 6.1 cloud kernel);
#                 modules are taken from ../lib/modules/<release> beside it when present
#     --name      names the work/log directory (default <kernel file>-<cgroup>)
#     --installed take runlxc from the host's /usr/local instead of `make install
#                 DESTDIR=...` of this tree (the host's /usr/local is never written)
#     --verbose   stream the whole serial console (default: only the TAP lines)
#     --guest-script FILE  (debugging) run FILE with bash in the guest instead of the tests
#     --guest     busybox (default): busybox PID 1 (guest-init.sh) mounting the cgroups itself;
#                 systemd: Debian bookworm booted with systemd as PID 1 (scripts/mkrootfs.sh
#                 vm-systemd), which mounts the cgroups (--cgroup v1|hybrid|v2 picks
#                 systemd.unified_cgroup_hierarchy=...), and runs guest-systemd.sh as a
#                 service: systemd-cgroup.bats, and lifecycle.bats through --systemd-cgroup
#   VM_TESTS=quick|full (default full): quick runs only guest-tests.bats
#   VM_RICH=1|0 (default: with the full tests, when mkrootfs.sh can make them): attach the systemd
#             and sysvinit rootfs of scripts/mkrootfs.sh as a read-only ext4 disk (vda) and
#             run tests/integration/rich.bats on it in the guest
#   VM_WORK=/var/tmp/runlxc-vm: work directory (initramfs, console log, TAP) per name
#   with --guest systemd: VM_ROOTFS_PROFILE (mkrootfs.sh profile, default vm-systemd),
#             VM_EXTRA_DIR (copied to /opt/runlxc/extra for a guest script), VM_MEMORY (MiB)
#   VM_ROW_LABEL: words added to the ROW line (suite=judges)
#   VM_MODULES: the kernel's modules the guest loads (busybox guest: "overlay veth fuse"; systemd
#             guest: none unless named), VM_APPEND: words added to the kernel command line (systemd guest)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
cgroup=v2 kernel="" name="" timeout=${VM_TIMEOUT:-1200} installed=0 verbose=0 guest_script= guest=busybox
while [ $# -gt 0 ]; do
    case $1 in
    --cgroup) cgroup=${2:?}; shift 2 ;;
    --kernel) kernel=${2:?}; shift 2 ;;
    --name) name=${2:?}; shift 2 ;;
    --timeout) timeout=${2:?}; shift 2 ;;
    --installed) installed=1; shift ;;
    --verbose) verbose=1; shift ;;
    --guest-script) guest_script=${2:?}; shift 2 ;;
    --guest) guest=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
case $guest in busybox|systemd) ;; *) echo "run.sh: --guest must be busybox or systemd" >&2; exit 2 ;; esac
case $cgroup/$guest in v1/*|v2/*|hybrid/systemd) ;; *) echo "run.sh: --cgroup must be v1 or v2 (or hybrid with --guest systemd)" >&2; exit 2 ;; esac
die() { echo "run.sh: $*" >&2; exit 1; }
for t in qemu-system-x86_64 cpio gzip xz bash bats jq ldd; do
    command -v $t >/dev/null || die "$t is missing (scripts/install-deps.sh)"
done

if [ -z "$kernel" ]; then
    kernel=$("$here/fetch-kernel.sh") || die "no kernel (fetch-kernel.sh failed)"
fi
[ -f "$kernel" ] || die "no kernel image at $kernel"
kernel=$(cd "$(dirname "$kernel")" && pwd)/$(basename "$kernel")
release=$(basename "$kernel"); release=${release#vmlinuz-}
moddir=$(dirname "$kernel")/../lib/modules/$release
name=${name:-$release-$cgroup$([ "$guest" = systemd ] && echo -systemd)}
work=${VM_WORK:-/var/tmp/runlxc-vm}/$name
rm -rf "$work"
mkdir -p "$work"
R=$work/root
mkdir -p "$R"
log() { echo "run.sh: $*" >&2; }

# runlxc as `make install DESTDIR=` puts it, at the tree's configured prefix (runlxc-init's
# path is compiled in), or the host's /usr/local with --installed
if [ "$installed" = 1 ]; then
    stage=/ prefix=/usr/local
else
    stage=$work/stage
    [ -f "$top/Makefile" ] || die "$top is not configured: ./autogen.sh && ./configure --prefix=/usr/local && make -j1 (or use --installed)"
    prefix=$(sed -n 's/^prefix = //p' "$top/Makefile")
    log "make install DESTDIR=$stage"
    make -s -C "$top" -j1 install DESTDIR="$stage" >"$work/make-install.log" 2>&1 ||
        die "make install failed, see $work/make-install.log"
fi
runlxc_files="$prefix/bin/runlxc $prefix/libexec/runlxc/runlxc-init"

# apply_skips FILE TAGS OUT: tests/integration/FILE with the tests skip.list names for any of
# TAGS turned into `skip "vm: REASON"`, written to OUT; $work/skips-applied lists them
apply_skips() {
    local f=$1 tags=$2
    awk -F' [|] ' -v file="$f" -v tags="$tags" -v out="$work/skips-applied" '
        FNR == NR {
            if ($0 ~ /^#/ || NF != 4 || $1 != file)
                next
            n = split($2, want, ",")
            for (i = 1; i <= n; i++)
                if (("," tags ",") ~ ("," want[i] ","))
                    reason[$3] = $4
            next
        }
        { print }
        /^@test "/ {
            name = $0; sub(/^@test "/, "", name); sub(/" *\{ *$/, "", name)
            if (name in reason) {
                r = reason[name]; gsub(/"/, "\\\"", r)
                print "    skip \"vm: " r "\""
                print file " | " name >> out
                used[name] = 1
            }
        }
        END { for (n in reason) if (!(n in used)) print "run.sh: skip.list: no test \"" n "\" in " file > "/dev/stderr" }
    ' "$here/skip.list" "$top/tests/integration/$f" > "$3"
}

# stage_modules NAME...: the kernel's modules NAME (and what they depend on) into the guest's
# /usr/lib/modules (a real directory in both guests' roots), uncompressed for insmod, listed in
# dependency order in /etc/modules.load (from each module's .modinfo "depends=", no depmod
# needed); the guest insmods that list
stage_modules() {
    mkdir -p "$R/etc"
    : > "$R/etc/modules.load"
    [ -d "$moddir" ] || return 0
    local -A seen=()
    local m
    modfile() { find "$moddir/kernel" -name "$1.ko" -o -name "$1.ko.xz" -o -name "$1.ko.zst" -o -name "$1.ko.gz" | head -1; }
    addmod() {
        local m=${1//-/_} f alt dep out
        [ -n "${seen[$m]:-}" ] && return 0
        seen[$m]=1
        f=$(modfile "$m"); [ -n "$f" ] || { alt=${1//_/-}; f=$(modfile "$alt"); }
        [ -n "$f" ] || return 0                   # built in (or absent): nothing to load
        out=$R/usr/lib/modules/$(basename "${f%%.ko*}").ko
        mkdir -p "$(dirname "$out")"
        case $f in
        *.xz) xz -dc "$f" > "$out" ;;
        *.zst) zstd -qdc "$f" > "$out" ;;
        *.gz) gzip -dc "$f" > "$out" ;;
        *) cp "$f" "$out" ;;
        esac
        for dep in $(tr '\0' '\n' < "$out" | sed -n 's/^depends=//p' | tr ',' ' '); do
            addmod "$dep"
        done
        echo "/usr/lib/modules/$(basename "$out")" >> "$R/etc/modules.load"
    }
    for m in "$@"; do addmod "$m"; done
}

: > "$work/skips-applied"
if [ "$guest" = systemd ]; then
    . "$here/systemd-guest.sh"
else
# ---- the guest's files ------------------------------------------------------------------------
mkdir -p "$R"/{bin,sbin,etc,proc,sys,dev,run,tmp,var/tmp,usr/bin,usr/sbin,usr/lib,usr/lib64,newroot,root}
chmod 1777 "$R/tmp" "$R/var/tmp"
ln -s usr/lib "$R/lib"
ln -s usr/lib64 "$R/lib64"

# copy FILE [FILE...] to the same path in the guest, with every library ldd names
add() {
    local f l
    for f in "$@"; do
        [ -e "$f" ] || die "missing $f"
        mkdir -p "$R$(dirname "$f")"
        cp -L "$f" "$R$f"
        for l in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
            [ -e "$R$l" ] || { mkdir -p "$R$(dirname "$l")"; cp -L "$l" "$R$l"; }
        done
    done
}

bb=/bin/busybox
file -L "$bb" 2>/dev/null | grep -q "statically linked" || [ "$(ldd "$bb" 2>&1 | grep -c 'not a dynamic')" = 1 ] ||
    die "$bb is not busybox-static"
cp "$bb" "$R/bin/busybox"
for a in $("$bb" --list); do
    [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"
done
ln -sf ../../bin/busybox "$R/usr/bin/env"

# bash, bats, jq (the test driver), iproute2's ip (ip netns) and strace (tests of what a command opens)
add /usr/bin/bash /usr/bin/ip /usr/bin/strace
# lxcfs (with the library it dlopens) and procps' free for lxcfs.bats, and the personality
# harness: lxcfs.bats runs with open_tree hidden (profile no-open-tree), through the relay
add /usr/bin/lxcfs /usr/bin/free /usr/bin/ldd "$(dpkg -L lxcfs | grep '/liblxcfs\.so$' | head -1)"
personality=${PERSONALITY_BIN:-$top/tests/kernel-matrix/personality}
[ -x "$personality" ] || die "$personality is not built (make build-tests)"
mkdir -p "$R/opt/runlxc/tests/kernel-matrix"
add "$personality"
cp "$personality" "$R/opt/runlxc/tests/kernel-matrix/personality"
ln -sf ../usr/bin/bash "$R/bin/bash"
# jq 1.6 needs 0.75 s to start under TCG (it compiles its builtins every time), gojq 0.07 s;
# the tests call jq several times each, so the guest's jq is gojq (same language) when the host
# has it. VM_JQ=jq keeps jq 1.6.
if [ "${VM_JQ:-gojq}" = gojq ] && command -v gojq >/dev/null; then
    add "$(command -v gojq)"
    ln -sf gojq "$R/usr/bin/jq"
else
    add /usr/bin/jq
fi
mkdir -p "$R/usr/lib/bats-core" "$R/usr/libexec/bats-core"
cp -a /usr/lib/bats-core/. "$R/usr/lib/bats-core/"
cp -a /usr/libexec/bats-core/. "$R/usr/libexec/bats-core/"
cp -a /usr/bin/bats "$R/usr/bin/bats"

# runlxc, as installed
for f in $runlxc_files; do
    [ -x "$stage$f" ] || die "$stage$f is missing"
    mkdir -p "$R$(dirname "$f")"
    cp "$stage$f" "$R$f"
    for l in $(ldd "$stage$f" 2>/dev/null | grep -o '/[^ ]*'); do
        [ -e "$R$l" ] || { mkdir -p "$R$(dirname "$l")"; cp -L "$l" "$R$l"; }
    done
done
# the guest's tests call /usr/local/bin/runlxc (or runlxc on PATH)
if [ "$prefix" != /usr/local ]; then
    mkdir -p "$R/usr/local/bin"
    ln -sf "$prefix/bin/runlxc" "$R/usr/local/bin/runlxc"
fi
# runlxc dlopens liblxc (compat/liblxc_load.c), so ldd does not name it: copy it and its libraries
lxclib=$(ldconfig -p | awk '/liblxc\.so\.1 .*x86-64/ {print $NF; exit}')
[ -n "$lxclib" ] || die "liblxc.so.1 not found by ldconfig"
add "$(readlink -f "$lxclib")"
mkdir -p "$R$(dirname "$lxclib")"
[ -e "$R$lxclib" ] || ln -s "$(readlink -f "$lxclib")" "$R$lxclib"
# what liblxc needs at run time: its rootfs mount point and its directories
mkdir -p "$R/usr/lib/x86_64-linux-gnu/lxc/rootfs" "$R/var/lib/lxc" "$R/var/log/lxc" "$R/etc/lxc"

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$R/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' > "$R/etc/group"
echo runlxc-vm > "$R/etc/hostname"
printf '127.0.0.1 localhost runlxc-vm\n' > "$R/etc/hosts"

# the tests: the project's bats suites, the VM's own, mkbundle and a prebuilt busybox rootfs
T=$R/opt/runlxc
mkdir -p "$T/scripts" "$T/tests/integration" "$T/tests/kernel-matrix/vm"
cp "$top/scripts/mkbundle.sh" "$T/scripts/"
cp "$top/tests/integration/helpers.bash" "$T/tests/integration/"
mkdir -p "$T/tests/helpers"
cp "$top/tests/helpers/nnp-probe" "$T/tests/helpers/" || die "tests/helpers/nnp-probe is not built (make build-tests)"
# the project's suites, with the tests skip.list names for this run's tags turned into skips;
# tags: the cgroup mode, and v1-nomemcg for v1 on a kernel whose config (beside the image)
# says it has no cgroup v1 memory controller
tags=$cgroup
kconfig=$(dirname "$kernel")/config-$release
[ "$cgroup" = v1 ] && [ -f "$kconfig" ] && grep -q '^# CONFIG_MEMCG_V1 is not set' "$kconfig" && tags="$tags,v1-nomemcg"
for f in lifecycle.bats exec.bats config.bats lxcfs.bats rich.bats; do
    apply_skips "$f" "$tags" "$T/tests/integration/$f"
done
cp "$here/guest-tests.bats" "$here/guest-init.sh" "$T/tests/kernel-matrix/vm/"
cp "$here/../selftest.bats" "$T/tests/kernel-matrix/"
ROOTFS_ONLY=1 "$top/scripts/mkbundle.sh" "$R/var/tmp/runlxc-test-rootfs" >/dev/null || die "mkbundle failed"
cp "$here/guest-init.sh" "$R/sbin/guest-init"
[ -n "$guest_script" ] && cp "$guest_script" "$T/guest-script.sh"
chmod 755 "$R/sbin/guest-init"

# the rich-container rootfs (bookworm systemd and sysvinit, 290 MB) would not fit the
# initramfs in the guest's memory: a read-only ext4 disk instead (ext4 is built in; virtio
# modules below), made by mke2fs -d without mounting anything, cached beside the rootfs
rich_img=
if [ "${VM_RICH:-}" = 1 ] || { [ "${VM_RICH:-}" != 0 ] && [ -z "$guest_script" ] && [ "${VM_TESTS:-full}" = full ]; }; then
    if sd=$("$top/scripts/mkrootfs.sh" systemd 2>"$work/mkrootfs.log") &&
       sv=$("$top/scripts/mkrootfs.sh" sysvinit 2>>"$work/mkrootfs.log"); then
        rich_img=$(dirname "$sd")/vm-rich-$(basename "$sd")-$(basename "$sv").ext4
        if [ ! -f "$rich_img" ]; then
            stage=$work/rich-stage
            mkdir -p "$stage/systemd" "$stage/sysvinit"
            mount --bind "$sd" "$stage/systemd" && mount --bind "$sv" "$stage/sysvinit" &&
                mke2fs -q -t ext4 -L rich -d "$stage" "$rich_img.tmp" \
                    "$(( $(du -sm "$sd" "$sv" | awk '{s += $1} END {print s}') * 13 / 10 + 64 ))M" &&
                mv "$rich_img.tmp" "$rich_img"
            umount "$stage/systemd" "$stage/sysvinit" 2>/dev/null
            [ -f "$rich_img" ] || { log "could not make the rich disk; rich.bats not run"; rich_img=; }
        fi
    else
        log "no rich-container rootfs ($(tail -1 "$work/mkrootfs.log")); rich.bats not run"
    fi
fi

# kernel modules runlxc may need (overlay for `check`, veth, fuse)
stage_modules ${VM_MODULES:-overlay veth fuse} ${rich_img:+virtio_pci virtio_blk}

# stage 1: the root of an initramfs cannot be pivot_root'ed (liblxc does that for every
# container), so copy everything into a tmpfs and switch_root into it
cat > "$R/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox mount -t tmpfs -o mode=755 tmpfs /newroot
cd /
for d in bin sbin etc usr lib lib64 opt root var run tmp dev proc sys; do
    /bin/busybox cp -a "$d" /newroot/
done
exec /bin/busybox switch_root /newroot /sbin/guest-init
EOF
chmod 755 "$R/init"
mknod -m 600 "$R/dev/console" c 5 1 2>/dev/null || true

log "initramfs ($(du -sh "$R" | cut -f1) unpacked); skip.list tags: $tags"
(cd "$R" && find . -mindepth 1 | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz" || die "cpio failed"
append="console=ttyS0 panic=-1 quiet loglevel=3 runlxc.cgroup=$cgroup runlxc.tests=${VM_TESTS:-full}"
[ "$cgroup" = v2 ] && append="$append cgroup_no_v1=all"
memory=1024
fi

# ---- boot ---------------------------------------------------------------------------------------
console=$work/console.log
log "booting $release ($cgroup) under TCG, timeout ${timeout}s; console: $console"
start=$(date +%s)
# timeout runs in a process group of its own: stop it (and qemu) if this script is stopped
trap '[ -s "$work/qemu.pid" ] && kill "$(cat "$work/qemu.pid")" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
(
    timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg -m $memory -smp 1 -nographic -no-reboot \
        -kernel "$kernel" -initrd "$work/initrd.gz" -append "$append" \
        ${rich_img:+-drive "file=$rich_img,if=virtio,format=raw,readonly=on"} </dev/null 2>&1 &
    echo $! > "$work/qemu.pid"
    wait $!
    echo "run.sh: qemu exited with status $?"
    rm -f "$work/qemu.pid"
) | sed -u 's/\r$//; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1b[A-Za-z]//g' | tee "$console" | if [ "$verbose" = 1 ]; then cat; else grep -E --line-buffered '^(not )?ok |^# suite|RUNLXC-VM'; fi &
wait $!   # (in the background: a trapped signal interrupts wait, not a foreground pipeline)
secs=$(( $(date +%s) - start ))

# ---- results ------------------------------------------------------------------------------------
sed -n '/RUNLXC-VM BEGIN/,/^RUNLXC-VM END/p' "$console" | grep -E '^(not )?ok |^[0-9]+\.\.[0-9]+$' > "$work/results.tap"
skipped=$(grep -cE '^ok .* # [Ss][Kk][Ii][Pp]' "$work/results.tap")
passed=$(( $(grep -cE '^ok ' "$work/results.tap") - skipped ))
failed=$(grep -cE '^not ok ' "$work/results.tap")
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$work/results.tap" | awk '{s += $1} END {print s + 0}')
guest_kernel=$(sed -n 's/.*RUNLXC-VM BEGIN kernel=\([^ ]*\).*/\1/p' "$console" | head -1)
finished=0
grep -q '^RUNLXC-VM END' "$console" && finished=1
if [ "$finished" = 0 ]; then
    log "the VM did not finish (timeout, panic or hang) after ${secs}s; see $console"
    failed=$((failed + 1))
elif [ "$planned" -eq 0 ] && [ -z "$guest_script" ]; then
    log "the guest reported no TAP plan (bats did not run?); see $console"
    failed=$((failed + 1))
elif [ "$((passed + failed + skipped))" -lt "$planned" ]; then
    log "only $((passed + failed + skipped)) of $planned planned tests reported; see $console"
    failed=$((planned - passed - skipped))
fi
log "wall time ${secs}s; $skipped skipped (skip.list)"
boot=$(sed -n 's/.*RUNLXC-VM BEGIN.* uptime=\([0-9]*\).*/\1/p' "$console" | head -1)
[ -n "$boot" ] && log "guest reached its first test ${boot}s after the kernel started"
echo "ROW kernel=${guest_kernel:-$release} cgroup=$cgroup personality=native$([ "$guest" = systemd ] && echo " init=systemd driver=systemd")${VM_ROW_LABEL:+ $VM_ROW_LABEL} passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
