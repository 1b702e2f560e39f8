#!/bin/sh
# PID 1 of the VM lane's guest (busybox sh), after the initramfs's /init switch_root'ed into a
# tmpfs. Mounts the API filesystems, mounts cgroups as the kernel command line asks
# (runlxc.cgroup=v1: cgroup v1 only; v2: cgroup2 only), loads the modules run.sh packed, runs
# the tests with the real runlxc, prints TAP between the RUNLXC-VM BEGIN/END markers on the
# serial console and powers off. run.sh parses the markers.
export PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin
export HOME=/root TERM=dumb LANG=C
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
# as systemd does: liblxc reads AppArmor's features there (without them it refuses to start
# containers on a kernel with AppArmor enabled)
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
mount -t devtmpfs -o mode=755 devtmpfs /dev 2>/dev/null || {
    mount -t tmpfs -o mode=755 tmpfs /dev
    mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/zero c 1 5; mknod -m 666 /dev/full c 1 7
    mknod -m 666 /dev/random c 1 8; mknod -m 666 /dev/urandom c 1 9; mknod -m 666 /dev/tty c 5 0
    mknod -m 600 /dev/console c 5 1; mknod -m 666 /dev/ptmx c 5 2
}
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t mqueue mqueue /dev/mqueue 2>/dev/null
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin; ln -sf /proc/self/fd/1 /dev/stdout; ln -sf /proc/self/fd/2 /dev/stderr
mount -t tmpfs -o mode=755 tmpfs /run
ln -sfn /run /var/run
hostname runlxc-vm
ip link set lo up 2>/dev/null

mode="" tests=full
for w in $(cat /proc/cmdline); do
    case $w in
    runlxc.cgroup=*) mode=${w#*=} ;;
    runlxc.tests=*) tests=${w#*=} ;;
    esac
done

while read -r m; do
    [ -n "$m" ] && { insmod "$m" 2>/dev/null || echo "# insmod $m failed"; }
done < /etc/modules.load

cg=/sys/fs/cgroup
driver_cg=""
case $mode in
v1)
    # As a systemd host with cgroup v1 (RHEL 7, Ubuntu 18.04) has it: one hierarchy per
    # controller, cpu+cpuacct and net_cls+net_prio co-mounted with symlinks, name=systemd.
    mount -t tmpfs -o mode=755 cgroup $cg
    ctrls=$(awk '!/^#/ && $4 == 1 {printf "%s ", $1}' /proc/cgroups)
    has() { case " $ctrls " in *" $1 "*) return 0 ;; esac; return 1; }
    missing=""
    for c in $ctrls; do
        g=$c
        case $c in
        cpu|cpuacct) has cpu && has cpuacct && g=cpu,cpuacct ;;
        net_cls|net_prio) has net_cls && has net_prio && g=net_cls,net_prio ;;
        esac
        [ -d "$cg/$g" ] || {
            mkdir "$cg/$g"
            mount -t cgroup -o "$g" cgroup "$cg/$g" 2>/dev/null ||
                { echo "# cgroup v1: this kernel cannot mount the $g controller"; rmdir "$cg/$g"
                  missing="$missing $g"; continue; }
        }
        [ "$g" != "$c" ] && ln -s "$g" "$cg/$c"
    done
    mkdir $cg/systemd
    mount -t cgroup -o none,name=systemd cgroup $cg/systemd
    mkdir -p $cg/systemd/init.scope $cg/systemd/system.slice/runlxc-tests.service
    echo 1 > $cg/systemd/init.scope/cgroup.procs
    driver_cg=$cg/systemd/system.slice/runlxc-tests.service
    # controllers the kernel has but cannot mount as v1 (Debian's 6.12 is built without
    # CONFIG_MEMCG_V1 and CONFIG_CPUSETS_V1): the tests expect runlxc to refuse their limits
    export VM_V1_MISSING=${missing# }
    ;;
v2)
    # As systemd does on a unified host: every controller enabled down to the services,
    # PID 1 in /init.scope, the test driver in a service cgroup.
    mount -t cgroup2 -o nsdelegate cgroup2 $cg
    mkdir -p $cg/init.scope
    echo 1 > $cg/init.scope/cgroup.procs
    for c in $(cat $cg/cgroup.controllers); do echo "+$c" > $cg/cgroup.subtree_control; done
    mkdir -p $cg/system.slice/runlxc-tests.service
    for c in $(cat $cg/system.slice/cgroup.controllers); do echo "+$c" > $cg/system.slice/cgroup.subtree_control; done
    driver_cg=$cg/system.slice/runlxc-tests.service
    ;;
esac
export VM_CGROUP=$mode

run_tests() {
    cd /opt/runlxc || return 1
    [ -f guest-script.sh ] && { bash -x guest-script.sh; return; }
    echo "# suite guest-tests"
    bats --tap tests/kernel-matrix/vm/guest-tests.bats
    [ "$tests" = quick ] && return
    for f in lifecycle exec config; do
        echo "# suite integration/$f"
        bats --tap "tests/integration/$f.bats"
    done
    # lxcfs with open_tree hidden (as before Linux 5.2): remount goes through the relay; the
    # daemon and `watch` run unconfined, as on a host
    echo "# suite integration/lxcfs (personality no-open-tree)"
    bats --tap --filter "no-open-tree" tests/kernel-matrix/selftest.bats
    printf '#!/bin/sh\nexec /opt/runlxc/tests/kernel-matrix/personality no-open-tree -- /usr/local/bin/runlxc "$@"\n' \
        > /usr/local/bin/runlxc-no-open-tree
    chmod 755 /usr/local/bin/runlxc-no-open-tree
    RUNLXC=/usr/local/bin/runlxc-no-open-tree RUNLXC_HOST=/usr/local/bin/runlxc PERSONALITY=no-open-tree \
        bats --tap tests/integration/lxcfs.bats
    # rich containers from the read-only disk run.sh attaches (vda: systemd/, sysvinit/)
    if [ -b /dev/vda ] && mkdir -p /rich && mount -t ext4 -o ro,noload /dev/vda /rich; then
        echo "# suite integration/rich"
        RICH_ROOTFS_DIR=/rich RICH_WAIT_SCALE=6 bats --tap tests/integration/rich.bats
    fi
}

echo "RUNLXC-VM BEGIN kernel=$(uname -r) cgroup=$mode tests=$tests"
echo "# modules loaded: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
echo "# cgroup mounts: $(awk '$3 ~ /^cgroup/ {printf "%s(%s) ", $2, $3 == "cgroup2" ? "cgroup2" : $4}' /proc/mounts)"
start=$(cut -d. -f1 /proc/uptime)
# The tests run in the background so that this shell, as PID 1, reaps every orphan (container
# inits reparented to PID 1) while it waits, as a host's init would.
( [ -n "$driver_cg" ] && echo 0 > "$driver_cg/cgroup.procs"; run_tests ) 2>&1 &
wait $!
echo "RUNLXC-VM END uptime_start=$start uptime_end=$(cut -d. -f1 /proc/uptime)"
sync
poweroff -f
