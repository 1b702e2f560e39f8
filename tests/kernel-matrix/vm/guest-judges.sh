# Guest script of scripts/vm-judges-systemd.sh (run by guest-systemd.sh in the systemd VM):
# the containerd and podman judges of ../shared/judges (copied to /opt/runlxc/extra/judges),
# and the Docker judge (tests/engines/docker-judge.sh), through the systemd cgroup driver, as a kubelet node (containerd's SystemdCgroup = true,
# which ctr asks for with --runc-systemd-cgroup) and podman with cgroup_manager = "systemd"
# run them. The judges are the shared ones, changed here only where they name the driver.
set -u
J=/opt/runlxc/extra/judges
IMG=/opt/runlxc/extra/image.tar
RT=/usr/local/bin/runlxc
# the packages' own engine services: the judges start private instances
systemctl stop containerd.service podman.socket podman.service 2>/dev/null

# The guest's root is a tmpfs without the overlay module: containerd's native snapshotter
# (ctr reads CONTAINERD_SNAPSHOTTER) and podman's vfs driver instead of overlay.
export CONTAINERD_SNAPSHOTTER=native
sed -i -e 's|driver = "overlay"|driver = "vfs"|' -e 's|--storage-driver overlay|--storage-driver vfs|' \
    -e 's|"$WRAP overlay cgroupfs"|"$WRAP vfs systemd"|' "$J/podman.sh"
# containerd: every `ctr run` through the driver, in system.slice/judge-<id>.scope
sed -i 's|^ctr_() { timeout|ctr_() { [ "$1" = run ] \&\& { shift; set -- run --runc-systemd-cgroup --cgroup "system.slice:judge:$id" "$@"; }; timeout|' "$J/containerd.sh"
# and the tty scenario's `ctr run -t` under script(1)
sed -i 's|run -t --rm ${RUNFLAGS\[\*\]}|run -t --rm --runc-systemd-cgroup --cgroup system.slice:judge:$id ${RUNFLAGS[*]}|' "$J/containerd.sh"
# podman: the systemd manager, and a cgroup parent that is a slice (judgepodman<pid>.slice)
sed -i -e 's|^CGP=judge-podman-\$\$ |CGP=judgepodman$$.slice |' -e 's|--cgroup-manager cgroupfs|--cgroup-manager systemd|' \
    -e 's|cgroup_manager = "cgroupfs"|cgroup_manager = "systemd"|' -e 's|--cgroup-parent "/\$CGP"|--cgroup-parent "$CGP"|' "$J/podman.sh"
for p in 'set -- run --runc-systemd-cgroup' 'run -t --rm --runc-systemd-cgroup'; do
    grep -q -- "$p" "$J/containerd.sh" || echo "not ok judges/patch: containerd.sh has no $p"
done
for p in 'CGP=judgepodman' 'cgroup-manager systemd' 'cgroup_manager = "systemd"' 'storage-driver vfs' '"$WRAP vfs systemd"'; do
    grep -q -- "$p" "$J/podman.sh" || echo "not ok judges/patch: podman.sh has no $p"
done

for judge in containerd podman; do
    echo "# judge $judge (systemd cgroup driver), $(date +%T)"
    JUDGE_IMAGE=$IMG RUNTIME_TRACE=/tmp/trace-$judge bash "$J/$judge.sh" "$RT" 2>&1 | sed -E "s/^(not )?ok /&$judge\//"
    # the engine asked for the driver: every create in the judge's runtime trace (one line a
    # call, "... -- ARGV") carries --systemd-cgroup
    creates=$(grep -cE -- '-- .* create ' "/tmp/trace-$judge")
    driven=$(grep -E -- '-- .* create ' "/tmp/trace-$judge" | grep -c -- ' --systemd-cgroup ')
    if [ "$creates" -gt 0 ] && [ "$creates" = "$driven" ]; then
        echo "ok judges/driver-$judge: all $creates creates with --systemd-cgroup"
    else
        echo "not ok judges/driver-$judge: $driven of $creates creates with --systemd-cgroup"
        grep -E -- '-- .* create ' "/tmp/trace-$judge" | grep -v -- ' --systemd-cgroup ' | head -3 | sed 's/^/# without: /'
    fi
done
# Docker (native.cgroupdriver=systemd, containers in judgedocker<pid>.slice): runlxc only, vfs
# (no overlay module), no iptables modules in this guest (docker-proxy carries published ports)
echo "# judge docker (systemd cgroup driver), $(date +%T)"
JUDGE_IMAGE=$IMG JUDGES_DIR=$J DOCKERD_OPTS=--iptables=false bash /opt/runlxc/extra/docker-judge.sh \
    --runtimes runlxc --storage-driver vfs --cgroup-driver systemd "$RT" 2>&1 | sed -E "s/^(not )?ok /&docker\//"
echo "# judges done, $(date +%T)"
# the containers' scopes left behind (the judges look at cgroupfs paths only); the slices are
# the engines' and systemd's, as with runc
left=$(systemctl list-units --all --no-legend --plain 'judge-*.scope' 'libpod-*.scope' 'docker-*.scope' 2>/dev/null | awk '{print $1}')
if [ -z "$left" ]; then echo "ok judges/no-units-left"; else echo "not ok judges/no-units-left: $left"; fi
cg=$(find /sys/fs/cgroup -type d \( -name 'judge-*.scope' -o -name 'libpod-*.scope' -o -name 'docker-*.scope' \) 2>/dev/null)
if [ -z "$cg" ]; then echo "ok judges/no-cgroups-left"; else echo "not ok judges/no-cgroups-left: $cg"; fi
