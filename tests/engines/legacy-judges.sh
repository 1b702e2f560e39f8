#!/bin/bash
# The engine judges (../shared/judges) with every runtime call under a legacy kernel
# personality: what containerd, podman and Docker see on a RHEL 6 or RHEL 7 host running runlxc.
#
#   tests/engines/legacy-judges.sh [--profiles "rhel6 rhel7"] [--judges "containerd podman docker"] [RUNTIME]
#
# RUNTIME defaults to the installed runlxc; the harness is tests/kernel-matrix/personality (or
# $PERSONALITY_BIN, built by `make build-tests`). The engines run unconfined: only the runtime's
# kernel surface is emulated (tests/kernel-matrix/personality.c). The judges are copied and
# adapted to the storage such a host has, since neither kernel has overlayfs that engines use:
#   podman:     the vfs storage driver instead of overlay;
#   containerd: the native snapshotter (CONTAINERD_SNAPSHOTTER for every ctr call, and the
#               overlayfs snapshotter plugin disabled, so anything still asking for it fails);
#   docker:     tests/engines/docker-judge.sh --storage-driver vfs (RHEL 7's overlay is a
#               technology preview), runlxc only (runc, its reference, runs in the other suites).
# cgroup2 is hidden from the judges (JUDGE_HIDE_UNIFIED=1): these hosts have cgroup v1 only.
# Output: TAP lines named PROFILE/JUDGE/SCENARIO, a "# PROFILE/JUDGE: N passed, N failed"
# comment per run, and a last line "N passed, N failed[, N skipped]".
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
profiles="rhel6 rhel7"
judges="containerd podman docker"
while [ $# -gt 0 ]; do
    case $1 in
    --profiles) profiles=$2; shift 2 ;;
    --judges) judges=$2; shift 2 ;;
    -*) echo "legacy-judges.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
runtime=$(command -v "${1:-runlxc}") || { echo "legacy-judges.sh: runtime ${1:-runlxc} not found" >&2; exit 2; }
personality=${PERSONALITY_BIN:-$top/tests/kernel-matrix/personality}
src=${JUDGES_DIR:-$top/../shared/judges}
[ -x "$personality" ] || { echo "legacy-judges.sh: $personality not built (make build-tests)" >&2; exit 2; }
[ -x "$src/all.sh" ] || { echo "legacy-judges.sh: judges not found at $src" >&2; exit 2; }

work=$(mktemp -d /tmp/runlxc-legacy-judges.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -p "$src"/*.sh "$work/"

# adapt FILE FIXED-STRING SED-EXPRESSION: the string must be in the copy and the expression must
# change it, so a judge that changes under us stops this script instead of testing the wrong storage
adapt() {
    local f=$work/$1 s=$2 e=$3
    grep -qF -- "$s" "$f" || { echo "legacy-judges.sh: '$s' not found in $1; the judge changed, adapt this script" >&2; exit 2; }
    cp "$f" "$f.orig"
    sed -i -e "$e" "$f"
    ! cmp -s "$f" "$f.orig" || { echo "legacy-judges.sh: '$e' changed nothing in $1" >&2; exit 2; }
    rm -f "$f.orig"
}
adapt podman.sh 'driver = "overlay"' 's/^driver = "overlay"$/driver = "vfs"/'
adapt podman.sh '--storage-driver overlay' 's/--storage-driver overlay/--storage-driver vfs/'
adapt podman.sh '"$WRAP overlay cgroupfs"' 's/"$WRAP overlay cgroupfs"/"$WRAP vfs cgroupfs"/'
adapt containerd.sh 'disabled_plugins = ["io.containerd.grpc.v1.cri"]' \
    's/^disabled_plugins = \["io.containerd.grpc.v1.cri"\]$/disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.overlayfs"]/'
# every ctr call (ctr_ and the ones under script(1)) takes its snapshotter from the environment
adapt containerd.sh 'judge_init containerd' 's/^judge_init containerd$/judge_init containerd; export CONTAINERD_SNAPSHOTTER=native/'

# engine_blocked PROFILE JUDGE: prints why the engine's own process cannot run on that kernel,
# found by running it under the personality. Both engines make themselves the child subreaper
# of the containers they start and exit when PR_SET_CHILD_SUBREAPER (Linux 3.4) is missing:
# containerd-shim-runc-v2 in shim.Run ("io.containerd.runc.v2: invalid argument"), conmon
# before it calls the runtime ("Failed to set as subreaper", to syslog). Where that holds,
# running the judge with an unconfined engine would test a host that cannot exist, and
# runlxc's answer for such kernels (a minimal parent keeps init, design note 8) hides init's
# exit from an engine that expects to reap it, so every scenario would hang to its timeout.
engine_blocked() {
    local p=$1 j=$2 d=$work/probe-$1-$2 out ref why
    mkdir -p "$d/sock"
    case $j in
    docker)
        # dockerd hands containers to the same shim as containerd; and it refuses kernels
        # before 3.10 itself (daemon_unix.go checkKernel), which no personality can show: the
        # personality keeps this machine's uname, so that check is named, not run
        why=$(engine_blocked "$p" containerd)
        case $p in rhel6|centos6) why="dockerd 20.10 refuses to start on Linux 2.6.32 (\"Your Linux kernel version 2.6.32 is not supported for running docker. Please upgrade your kernel to 3.10.0 or newer.\"); ${why:-its shim would start}" ;; esac
        echo "$why" ;;
    containerd)
        # no action and no socket: a shim past the subreaper call fails on its socket instead
        ref=$(cd "$d" && timeout 10 containerd-shim-runc-v2 -namespace probe -id probe -address "$d/none" 2>&1 < /dev/null)
        out=$(cd "$d" && timeout 10 "$personality" "$p" -- containerd-shim-runc-v2 -namespace probe -id probe -address "$d/none" 2>&1 < /dev/null)
        if [ "$out" != "$ref" ] && [ "$out" = "io.containerd.runc.v2: invalid argument" ]; then
            echo "containerd-shim-runc-v2 exits at start-up without PR_SET_CHILD_SUBREAPER (Linux 3.4, not in RHEL 6): containerd cannot run any container on this kernel, whatever the runtime"
        fi ;;
    podman)
        # conmon calls the runtime (here a script leaving a mark) only after the subreaper call
        printf '#!/bin/sh\n: > "%s/called"\nexit 1\n' "$d" > "$d/rt"
        chmod 755 "$d/rt"
        local c
        for c in modern "$p"; do
            rm -f "$d/called"
            timeout 10 "$personality" "$c" -- conmon --cid probe --cuuid probe --runtime "$d/rt" --bundle "$d" \
                --log-path "$d/log" --exit-dir "$d" --container-pidfile "$d/pid" --socket-dir-path "$d/sock" \
                --sync < /dev/null > /dev/null 2>&1
            # unconfined, conmon must reach the runtime, or this probe proves nothing
            [ "$c" != modern ] || [ -e "$d/called" ] || { echo "PROBE-BROKEN"; return; }
        done
        if [ ! -e "$d/called" ]; then
            echo "conmon exits before calling the runtime without PR_SET_CHILD_SUBREAPER (Linux 3.4, not in RHEL 6): podman cannot run any container on this kernel, whatever the runtime"
        fi ;;
    esac
}

pass=0 fail=0 skip=0
for p in $profiles; do
    mkdir -p "$work/$p"
    # named runlxc: podman passes --log-format=json only to runtimes it knows by name
    printf '#!/bin/sh\nexec %s %s -- %s "$@"\n' "$personality" "$p" "$runtime" > "$work/$p/runlxc"
    chmod 755 "$work/$p/runlxc"
    for j in $judges; do
        echo "=== $p/$j"
        why=$(engine_blocked "$p" "$j")
        if [ "$why" = PROBE-BROKEN ]; then
            echo "not ok $p/$j/engine-probe: conmon did not call the runtime even unconfined; fix engine_blocked"
            fail=$((fail + 1))
            continue
        elif [ -n "$why" ]; then
            echo "ok $p/$j # SKIP $why"
            skip=$((skip + 1))
            continue
        fi
        t0=$(date +%s)
        if [ "$j" = docker ]; then
            # runc, the reference, passes every scenario in the engines and cgroup-v1 suites;
            # here only runlxc runs, under the personality, on the storage such a host has
            JUDGE_HIDE_UNIFIED=1 JUDGES_DIR=$src PERSONALITY_BIN=$personality "$here/docker-judge.sh" --runtimes runlxc --personality "$p" \
                --storage-driver vfs "$runtime" > "$work/out" 2>&1
        else
            JUDGE_HIDE_UNIFIED=1 "$work/$j.sh" "$work/$p/runlxc" > "$work/out" 2>&1
        fi
        rc=$?
        total=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$work/out" | tail -1)
        sed -E -e "s#^(ok|not ok) #\\1 $p/$j/#" -e '/^[0-9]+ passed, [0-9]+ failed/d' "$work/out"
        if [ -z "$total" ]; then
            echo "not ok $p/$j/judge: exited $rc without a summary line"
            fail=$((fail + 1))
            continue
        fi
        echo "# $p/$j: $total ($(( $(date +%s) - t0 ))s)"
        read -r np _ nf _ ns _ <<< "$total"
        pass=$((pass + np)); fail=$((fail + nf)); skip=$((skip + ${ns:-0}))
    done
done
if [ "$skip" -gt 0 ]; then
    echo "$pass passed, $fail failed, $skip skipped"
else
    echo "$pass passed, $fail failed"
fi
[ "$fail" = 0 ]
