#!/bin/bash
# The tests of run.sh --guest systemd, run by systemd (runlxc-vm-tests.service) in a guest
# where systemd is PID 1 and mounted the cgroups: TAP on the serial console, then power off.
export PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin
mode=$(sed -n 's/.*runlxc\.cgroup=\([^ ]*\).*/\1/p' /proc/cmdline)
tests=$(sed -n 's/.*runlxc\.tests=\([^ ]*\).*/\1/p' /proc/cmdline)
export VM_CGROUP=$mode RUNLXC=/usr/local/bin/runlxc
# The v1 row (CentOS 7's layout) talks to systemd through libdbus-1, as runlxc must where
# systemd (219) has no public sd-bus; the v2 and hybrid rows through sd-bus.
[ "$mode" = v1 ] && export RUNLXC_DBUS=libdbus
echo "RUNLXC-VM BEGIN kernel=$(uname -r) cgroup=$mode tests=$tests uptime=$(cut -d. -f1 /proc/uptime)"
echo "# D-Bus library: ${RUNLXC_DBUS:-sd-bus}"
echo "# $(systemctl --version | head -1); state $(systemctl is-system-running)"
echo "# cgroup mounts: $(awk '$3 ~ /^cgroup/ {printf "%s(%s) ", $2, $3 == "cgroup2" ? "cgroup2" : $4}' /proc/mounts)"
echo "# this service: $(grep -m1 . /proc/self/cgroup)"
systemctl --failed --no-legend | sed 's/^/# failed unit: /'
while read -r m; do
    [ -n "$m" ] && { insmod "$m" 2>/dev/null || echo "# insmod $m failed"; }
done < /etc/modules.load
cd /opt/runlxc || exit 1
if [ -f guest-script.sh ]; then
    bash -x guest-script.sh 2>&1
else
    echo "# suite systemd-cgroup"
    bats --tap tests/kernel-matrix/vm/systemd-cgroup.bats 2>&1
    if [ "$tests" != quick ]; then
        # lifecycle.bats with every container under the driver: runlxc always gets
        # --systemd-cgroup, and the bundles' cgroupsPath is left empty (the default
        # system.slice:runlxc:<id>) since helpers.bash writes none
        printf '#!/bin/sh\nexec /usr/local/bin/runlxc --systemd-cgroup "$@"\n' > /usr/local/bin/runlxc-systemd
        chmod 755 /usr/local/bin/runlxc-systemd
        echo "# suite integration/lifecycle (--systemd-cgroup)"
        RUNLXC=/usr/local/bin/runlxc-systemd bats --tap tests/integration/lifecycle.bats 2>&1
    fi
fi
echo "RUNLXC-VM END uptime_end=$(cut -d. -f1 /proc/uptime)"
sync
systemctl poweroff --force --force
