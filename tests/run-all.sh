#!/bin/bash
# Runs every test suite (unit TAP programs, bats integration suites) and prints one closing
# line "N passed, N failed" summed over all of them. Exit status is non-zero if anything failed.
#   tests/run-all.sh [BUILDDIR]        BUILDDIR holds tests/unit/*_test (default: the source tree)
#   SUITES="unit integration image-unpack engines"  selects suites; TESTS_FILTER=regex filters bats tests
#   engines: ../shared/judges/all.sh drives the installed runlxc through containerd and podman
#            (skipped when the judges are not beside the checkout), and tests/engines/rich-engines.sh:
#            systemd booted by podman --systemd=always and by ctr run with org.runlxc.rich, and
#            tests/engines/docker-judge.sh: a private dockerd, every scenario with runlxc and runc
#   fuzz: scripts/fuzz.sh: every libFuzzer harness of tests/fuzz for FUZZ_SECONDS (60) each
#   kernel-matrix: tests/kernel-matrix/matrix.sh: the runtime suites under each kernel
#            personality, and the VM rows in MATRIX_VMS (default "6.1:v2 6.1:v1 6.1:v2:systemd
#            6.1:v1:systemd", the last two with systemd as PID 1 and --systemd-cgroup; "" for none)
#   legacy-engines: tests/engines/legacy-judges.sh: the engine judges with every runtime call
#            under the rhel6 and rhel7 personalities, native snapshotter and vfs storage (Docker too)
#   reliability: tests/reliability/*.bats, then tests/reliability/killpoints.sh (runlxc killed
#            at every 5th system call of each command) and parallel-load.sh (8 streams, 80
#            containers); scripts/kill-points.sh and scripts/parallel-load.sh are the long runs
#   legacy-liblxc: tests/legacy-liblxc.sh: the integration suites again with each liblxc named
#            in RUNLXC_LEGACY_LIBLXC (1.0.11, 2.0.x built outside the repository; one skip without)
#   cgroup-v1: on a hybrid host, the runtime suites and the engine judges again in a private
#            mount namespace without the cgroup2 mount: what a cgroup v1-only host looks like
#            (the Docker judge included)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top}" && pwd)
suites=${SUITES:-unit integration reliability image-unpack fuzz engines legacy-engines cgroup-v1 legacy-liblxc kernel-matrix}
out=$(mktemp -d /tmp/runlxc-tests.XXXXXX)
trap 'rm -rf "$out"' EXIT
pass=0 fail=0 skip=0

count() { # count TAP lines of file $1
    local p f s
    p=$(grep -cE '^ok ' "$1")
    s=$(grep -cE '^ok .*# [Ss][Kk][Ii][Pp]' "$1")
    f=$(grep -cE '^not ok ' "$1")
    pass=$((pass + p - s)); skip=$((skip + s)); fail=$((fail + f))
}

run_tap() { # name, command...
    local name=$1; shift
    echo "=== $name"
    "$@" 2>&1 | tee "$out/$name.tap"
    local rc=${PIPESTATUS[0]}
    count "$out/$name.tap"
    if [ "$rc" -ne 0 ] && ! grep -qE '^not ok ' "$out/$name.tap"; then
        echo "not ok $name exited $rc without reporting a failure"
        fail=$((fail + 1))
    fi
}

for s in $suites; do
    case $s in
    engines)
        judges=${JUDGES_DIR:-$top/../shared/judges}
        if [ -x "$judges/all.sh" ]; then
            run_tap engines "$judges/all.sh" "${RUNLXC:-$(command -v runlxc)}"
            JUDGES_DIR=$judges run_tap engines-rich "$top/tests/engines/rich-engines.sh" "${RUNLXC:-$(command -v runlxc)}"
            JUDGES_DIR=$judges run_tap engines-docker "$top/tests/engines/docker-judge.sh" "${RUNLXC:-$(command -v runlxc)}"
        else
            echo "# engines: $judges/all.sh not found, skipped"
        fi ;;
    legacy-engines)
        judges=${JUDGES_DIR:-$top/../shared/judges}
        if [ -x "$judges/all.sh" ]; then
            JUDGES_DIR=$judges PERSONALITY_BIN="$build/tests/kernel-matrix/personality" \
                run_tap legacy-engines "$top/tests/engines/legacy-judges.sh" "${RUNLXC:-$(command -v runlxc)}"
        else
            echo "# legacy-engines: $judges/all.sh not found, skipped"
        fi ;;
    legacy-liblxc)
        run_tap legacy-liblxc "$top/tests/legacy-liblxc.sh" ;;
    cgroup-v1)
        if ! grep -q ' /sys/fs/cgroup/unified cgroup2 ' /proc/mounts; then
            echo "# cgroup-v1: this host is not hybrid, skipped"
            continue
        fi
        files=()
        for f in lifecycle config exec lxcfs rich; do files+=("$top/tests/integration/$f.bats"); done
        run_tap cgroup-v1-integration unshare -m bash -c \
            'mount --make-rprivate / && umount /sys/fs/cgroup/unified && exec bats --tap "$@"' bats "${files[@]}"
        judges=${JUDGES_DIR:-$top/../shared/judges}
        if [ -x "$judges/all.sh" ]; then
            JUDGE_HIDE_UNIFIED=1 run_tap cgroup-v1-engines "$judges/all.sh" "${RUNLXC:-$(command -v runlxc)}"
            JUDGE_HIDE_UNIFIED=1 JUDGES_DIR=$judges run_tap cgroup-v1-docker "$top/tests/engines/docker-judge.sh" "${RUNLXC:-$(command -v runlxc)}"
        fi ;;
    kernel-matrix)
        vm_args=(--vm "${MATRIX_VMS-6.1:v2 6.1:v1 6.1:v2:systemd 6.1:v1:systemd 6.1:v1:judges}")
        [ -n "${MATRIX_VMS-6.1:v2 6.1:v1 6.1:v2:systemd 6.1:v1:systemd 6.1:v1:judges}" ] || vm_args=(--no-vm)
        PERSONALITY_BIN="$build/tests/kernel-matrix/personality" \
            run_tap kernel-matrix "$top/tests/kernel-matrix/matrix.sh" "${vm_args[@]}" ;;
    fuzz)
        # each libFuzzer harness for FUZZ_SECONDS (60) from its committed corpus
        run_tap fuzz "$top/scripts/fuzz.sh" --seconds "${FUZZ_SECONDS:-60}" ;;
    reliability)
        for f in "$top"/tests/reliability/*.bats; do
            [ -e "$f" ] || continue
            args=(--tap)
            [ -n "${TESTS_FILTER:-}" ] && args+=(--filter "$TESTS_FILTER")
            run_tap "reliability-$(basename "$f" .bats)" bats "${args[@]}" "$f"
        done
        RUNLXC=${RUNLXC:-$(command -v runlxc)} BUILD=$build run_tap reliability-killpoints "$top/tests/reliability/killpoints.sh"
        RUNLXC=${RUNLXC:-$(command -v runlxc)} run_tap reliability-parallel "$top/tests/reliability/parallel-load.sh" ;;
    unit)
        run_tap unit-include-graph python3 "$top/tests/unit/include-graph.py" "$top"
        for t in "$build"/tests/unit/*_test "$build"/image-unpack/tests/*_test "$build"/convert/tests/*_test; do
            [ -x "$t" ] && run_tap "unit-$(basename "$t")" "$t"
        done ;;
    *)
        for f in "$top"/tests/"$s"/*.bats; do
            [ -e "$f" ] || continue
            args=(--tap)
            [ -n "${TESTS_FILTER:-}" ] && args+=(--filter "$TESTS_FILTER")
            run_tap "$s-$(basename "$f" .bats)" bats "${args[@]}" "$f"
        done ;;
    esac
done

if [ "$skip" -gt 0 ]; then
    echo "$pass passed, $fail failed, $skip skipped"
else
    echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
