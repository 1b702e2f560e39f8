#!/bin/bash
# The kernel matrix: the runtime's integration suites under each kernel personality on this
# host, and under real kernels booted with qemu (vm/run.sh). One row per (kernel, cgroup mode,
# personality) with pass/fail counts; the TAP of every run goes to stdout before the rows.
#
#   tests/kernel-matrix/matrix.sh [--profiles "centos6 rhel6 rhel7 linux-4.4 modern"]
#                                 [--suites "lifecycle exec config bad-input lxcfs"]
#                                 [--vm "6.1:v2 6.1:v1 6.12:v2 6.12:v1 6.1:v2:systemd"] [--kernel PATH ...] [--no-vm]
#   (a VM is KERNEL:CGROUP, KERNEL:CGROUP:systemd, booting systemd as PID 1 to test the systemd
#   cgroup driver, or KERNEL:CGROUP:judges, the engine judges through that driver)
#
# Exit status: non-zero if any row has a failure. Needs the installed runlxc (or $RUNLXC_REAL)
# and the harness built by `make build-tests` (tests/kernel-matrix/personality).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
profiles="centos6 rhel6 rhel7 linux-4.4 modern"
suites="lifecycle exec config bad-input lxcfs"
vms="6.1:v2 6.1:v1 6.12:v2 6.12:v1"
kernels=()
while [ $# -gt 0 ]; do
    case $1 in
    --profiles) profiles=$2; shift 2 ;;
    --suites) suites=$2; shift 2 ;;
    --vm) vms=$2; shift 2 ;;
    --no-vm) vms=""; shift ;;
    --kernel) kernels+=("$2"); shift 2 ;;
    *) echo "matrix.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
personality=${PERSONALITY_BIN:-$top/tests/kernel-matrix/personality}
runtime=$(command -v "${RUNLXC_REAL:-runlxc}") || { echo "matrix.sh: runlxc is not installed" >&2; exit 2; }
[ -x "$personality" ] || { echo "matrix.sh: $personality not built (make build-tests)" >&2; exit 2; }
work=$(mktemp -d /tmp/runlxc-matrix.XXXXXX)
trap 'rm -rf "$work"' EXIT
rows=()
bad=0

tally() { # row-label tapfile
    local p s f
    p=$(grep -cE '^ok ' "$2"); s=$(grep -cE '^ok .*# [Ss][Kk][Ii][Pp]' "$2"); f=$(grep -cE '^not ok ' "$2")
    rows+=("ROW $1 passed=$((p - s)) failed=$f skipped=$s")
    [ "$f" -eq 0 ] || bad=1
}

host_cgroup() { # what a profile's mount namespace shows
    if [ "$1" != modern ] || ! grep -q ' /sys/fs/cgroup/unified cgroup2 ' /proc/mounts; then
        grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts && echo v2 || echo v1
    else
        echo hybrid
    fi
}

for p in $profiles; do
    wrapper=$work/runlxc-$p
    printf '#!/bin/sh\nexec %s %s -- %s "$@"\n' "$personality" "$p" "$runtime" > "$wrapper"
    chmod +x "$wrapper"
    files=()
    for s in $suites; do files+=("$top/tests/integration/$s.bats"); done
    echo "=== personality $p"
    {
        PERSONALITY_BIN=$personality RUNLXC_REAL=$runtime bats --tap --filter "profile $p" "$here/selftest.bats"
        [ "$p" = centos6 ] && PERSONALITY_BIN=$personality RUNLXC_REAL=$runtime bats --tap "$here/agent.bats"
        RUNLXC=$wrapper RUNLXC_HOST=$runtime PERSONALITY=$p ROOTFS_CACHE=${ROOTFS_CACHE:-/var/tmp/runlxc-test-rootfs} bats --tap "${files[@]}"
    } 2>&1 | tee "$work/$p.tap"
    tally "kernel=$(uname -r) cgroup=$(host_cgroup "$p") personality=$p" "$work/$p.tap"
done

vm_run() { # args for vm/run.sh (or, first, a script that runs it: vm-judges-systemd.sh)
    local out=$work/vm.$RANDOM cmd=("$here/vm/run.sh")
    [ "${1:-}" = --judges ] && { cmd=("$top/scripts/vm-judges-systemd.sh"); shift; }
    echo "=== vm $*"
    "${cmd[@]}" "$@" 2>&1 | tee "$out"
    local row; row=$(grep '^ROW ' "$out" | tail -1)
    if [ -z "$row" ]; then
        rows+=("ROW vm $* passed=0 failed=1 (no result)"); bad=1
    else
        rows+=("$row"); grep -q ' failed=0' <<< "$row" || bad=1
    fi
}
if [ -x "$here/vm/run.sh" ]; then
    for v in $vms; do
        # KERNEL:CGROUP[:GUEST]; GUEST systemd boots systemd as PID 1 (run.sh --guest systemd)
        IFS=: read -r kv cg guest <<< "$v"
        kpath=$("$here/vm/fetch-kernel.sh" "$kv" 2>/dev/null | tail -1)
        if [ -z "$kpath" ] || [ ! -e "$kpath" ]; then
            rows+=("ROW vm kernel=$kv cgroup=$cg personality=native passed=0 failed=1 (kernel not available)"); bad=1
            continue
        fi
        if [ "$guest" = judges ]; then
            # the engine judges through the systemd driver (scripts/vm-judges-systemd.sh)
            if [ -x "${JUDGES_DIR:-$top/../shared/judges}/containerd.sh" ]; then
                vm_run --judges --installed --kernel "$kpath" "$cg"
            else
                echo "# vm $v: no engine judges beside the checkout, skipped"
            fi
        else
            vm_run --cgroup "$cg" --kernel "$kpath" --name "$kv-$cg${guest:+-$guest}" --installed ${guest:+--guest "$guest"}
        fi
    done
    for k in "${kernels[@]}"; do
        vm_run --cgroup v2 --kernel "$k" --installed
        vm_run --cgroup v1 --kernel "$k" --installed
    done
fi

echo "=== kernel matrix"
printf '%s\n' "${rows[@]}"
exit $bad
