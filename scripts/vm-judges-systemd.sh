#!/bin/bash
# The engine judges of ../shared/judges (containerd driven by ctr, podman) against runlxc
# through the systemd cgroup driver, in the 6.1 VM booted with systemd as PID 1
# (tests/kernel-matrix/vm/run.sh --guest systemd, root from `scripts/mkrootfs.sh vm-judges`):
# containerd's shim with SystemdCgroup (ctr --runc-systemd-cgroup, cgroupsPath
# system.slice:judge:<id>) and podman with cgroup_manager = "systemd". One ROW per cgroup mode.
# Not in CI: under TCG each row takes minutes (docs/reliability.md has the figures), so CI's
# systemd rows run the runtime suites through the driver and this runs the engines.
#   scripts/vm-judges-systemd.sh [v2] [v1] [hybrid]     (default: v2 v1)
#   VM_MEMORY (MiB, default 4096), VM_TIMEOUT (s, default 3600), JUDGES_DIR
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
judges=${JUDGES_DIR:-$top/../shared/judges}
[ -x "$judges/containerd.sh" ] || { echo "vm-judges-systemd.sh: no judges at $judges (JUDGES_DIR)" >&2; exit 2; }
extra=$(mktemp -d /tmp/runlxc-vm-judges.XXXXXX)
trap 'rm -rf "$extra"' EXIT
cp -r "$judges" "$extra/judges"
"$judges/mkimage.sh" "$extra/image.tar" >/dev/null
rc=0
for cg in ${*:-v2 v1}; do
    VM_ROOTFS_PROFILE=vm-judges VM_EXTRA_DIR=$extra VM_MEMORY=${VM_MEMORY:-4096} VM_TIMEOUT=${VM_TIMEOUT:-3600} \
        "$top/tests/kernel-matrix/vm/run.sh" --guest systemd --cgroup "$cg" --name "judges-$cg" \
        --guest-script "$top/tests/kernel-matrix/vm/guest-judges.sh" || rc=1
done
exit $rc
