#!/bin/bash
# The engine judges of ../shared/judges (containerd driven by ctr, podman) and the Docker judge
# (tests/engines/docker-judge.sh, native.cgroupdriver=systemd) against runlxc
# through the systemd cgroup driver, in the 6.1 VM booted with systemd as PID 1
# (tests/kernel-matrix/vm/run.sh --guest systemd, root from `scripts/mkrootfs.sh vm-judges`):
# containerd's shim with SystemdCgroup (ctr --runc-systemd-cgroup, cgroupsPath
# system.slice:judge:<id>) and podman with cgroup_manager = "systemd". One ROW per cgroup mode.
# Under TCG a row takes about 6 minutes: CI runs the v1 row (the kernel matrix's 6.1:v1:judges,
# CentOS 7's layout); the v2 row is run here.
#   scripts/vm-judges-systemd.sh [--installed] [--kernel VMLINUZ] [v2] [v1] [hybrid]   (default: v2 v1)
#   (--installed and --kernel as for tests/kernel-matrix/vm/run.sh; the kernel matrix's
#   KERNEL:CGROUP:judges rows call it so)
#   VM_MEMORY (MiB, default 4096), VM_TIMEOUT (s, default 3600), JUDGES_DIR, VM_MODULES (default
#   "bridge veth": Docker's default network), VM_APPEND (kernel command line words, default
#   "apparmor=0": the CentOS 7 hosts this row stands for have no AppArmor, and the guest has no
#   apparmor_parser, without which dockerd refuses every container on a kernel with AppArmor on)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
run_args=()
while [ $# -gt 0 ]; do
    case $1 in
    --installed) run_args+=(--installed); shift ;;
    --kernel) run_args+=(--kernel "${2:?}"); shift 2 ;;
    *) break ;;
    esac
done
judges=${JUDGES_DIR:-$top/../shared/judges}
[ -x "$judges/containerd.sh" ] || { echo "vm-judges-systemd.sh: no judges at $judges (JUDGES_DIR)" >&2; exit 2; }
extra=$(mktemp -d /tmp/runlxc-vm-judges.XXXXXX)
trap 'rm -rf "$extra"' EXIT
cp -r "$judges" "$extra/judges"
cp "$top/tests/engines/docker-judge.sh" "$extra/"
"$judges/mkimage.sh" "$extra/image.tar" >/dev/null
rc=0
for cg in ${*:-v2 v1}; do
    VM_APPEND=${VM_APPEND-apparmor=0} VM_MODULES=${VM_MODULES:-bridge veth} VM_ROOTFS_PROFILE=vm-judges VM_EXTRA_DIR=$extra VM_MEMORY=${VM_MEMORY:-4096} VM_TIMEOUT=${VM_TIMEOUT:-3600} \
        VM_ROW_LABEL=suite=judges "$top/tests/kernel-matrix/vm/run.sh" "${run_args[@]}" --guest systemd --cgroup "$cg" --name "judges-$cg" \
        --guest-script "$top/tests/kernel-matrix/vm/guest-judges.sh" || rc=1
done
exit $rc
