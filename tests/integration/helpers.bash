# Shared setup for integration tests: real containers from a busybox-static bundle, run by the
# installed runlxc (or $RUNLXC). Every container a test makes is deleted in teardown, and
# every test can check that nothing was left behind.
bats_require_minimum_version 1.5.0
RUNLXC=${RUNLXC:-runlxc}
TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
ROOTFS_CACHE=${ROOTFS_CACHE:-/var/tmp/runlxc-test-rootfs}

setup_bundle() {
    if [ ! -x "$ROOTFS_CACHE/rootfs/bin/busybox" ]; then
        ROOTFS_ONLY=1 "$TOP/scripts/mkbundle.sh" "$ROOTFS_CACHE" >/dev/null
    fi
    T=$(mktemp -d /tmp/runlxc-test.XXXXXX)
    ROOT=$T/state
    B=$T/bundle
    mkdir -p "$B"
    cp -a "$ROOTFS_CACHE/rootfs" "$B/rootfs"
    RUNLXC="$RUNLXC" "$TOP/scripts/mkbundle.sh" "$B" true >/dev/null
    ID=t$$-$BATS_TEST_NUMBER
}

teardown_bundle() {
    if [ -d "$ROOT" ]; then
        for d in "$ROOT"/*; do
            [ -d "$d" ] && "$RUNLXC" --root "$ROOT" delete --force "$(basename "$d")" >/dev/null 2>&1
        done
    fi
    rm -rf "$T"
}

# runc semantics: the bundle defaults to the current directory.
rl() { (cd "$B" && exec "$RUNLXC" --root "$ROOT" "$@"); }

# config edits: cfg [jq options...] 'JQ FILTER' (the filter comes last)
cfg() {
    local filter=${*: -1}
    set -- "${@:1:$(($# - 1))}"
    jq "$@" "$filter" "$B/config.json" > "$B/config.json.new" && mv "$B/config.json.new" "$B/config.json"
}
args() { # set process.args
    local a='[]' x
    for x in "$@"; do a=$(jq -c --arg x "$x" '. + [$x]' <<< "$a"); done
    cfg --argjson a "$a" '.process.args = $a'
}

# Nothing of container $1 may remain: state dir, cgroups, processes.
assert_no_leftovers() {
    local id=$1
    [ ! -e "$ROOT/$id" ] || { echo "state dir $ROOT/$id left behind"; return 1; }
    local left
    # runlxc.monitor/<id>-<hash of --root> too
    # runlxc-<id>.scope: the systemd driver's default unit (--systemd-cgroup)
    left=$(find /sys/fs/cgroup -maxdepth 4 -type d \( -name "$id" -o -name "$id-????????" -o -name "runlxc-$id.scope" \) \
        2>/dev/null || true)
    [ -z "$left" ] || { echo "cgroups left behind: $left"; return 1; }
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
        left=$(systemctl list-units --all --no-legend --plain "runlxc-$id.scope" 2>/dev/null || true)
        [ -z "$left" ] || { echo "systemd unit left behind: $left"; return 1; }
    fi
    left=$(grep -l -- "$id" /proc/[0-9]*/cmdline 2>/dev/null | grep -v "/proc/$$/" || true)
    for f in $left; do
        local p=${f#/proc/}; p=${p%/cmdline}
        [ "$p" = "$BASHPID" ] && continue
        tr '\0' ' ' < "$f" 2>/dev/null | grep -q -- "runlxc\|lxc" &&
            { echo "process $p left behind: $(tr '\0' ' ' < "$f")"; return 1; }
    done
    return 0
}

# What the runtime under test finds on this kernel (it may run under a kernel-matrix
# personality): feature "PR_SET_CHILD_SUBREAPER" succeeds when `runlxc check` says yes.
runtime_check() { [ -n "${RUNLXC_FEATURES:-}" ] || RUNLXC_FEATURES=$("$RUNLXC" check --format json); }
feature() {
    runtime_check
    jq -e --arg f "$1" '.features[$f] == true' <<< "$RUNLXC_FEATURES" >/dev/null
}
require_feature() { feature "$1" || skip "this kernel has no $1"; }
# The liblxc the runtime under test loads ("1.0.11"; RUNLXC_LEGACY_LIBLXC runs put an old one
# first on LD_LIBRARY_PATH), and whether it is at least version $1.
runtime_liblxc() {
    [ -n "${RUNLXC_LIBLXC_VERSION:-}" ] ||
        RUNLXC_LIBLXC_VERSION=$("$RUNLXC" --version | awk '$1 == "liblxc:" {print $2}')
    echo "$RUNLXC_LIBLXC_VERSION"
}
liblxc_at_least() { [ "$(printf '%s\n%s\n' "$1" "$(runtime_liblxc)" | sort -V | head -1)" = "$1" ]; }
# A spec that a liblxc older than $1 cannot run, refused by name (README, "Legacy liblxc"):
# on such a liblxc, asserts that `run` fails naming version $1 and leaves nothing, then skips
# the rest of the test. Does nothing on a newer liblxc.
refused_below_liblxc() {
    liblxc_at_least "$1" && return 0
    run rl run "$ID"
    [ "$status" -ne 0 ] || { echo "liblxc $(runtime_liblxc) ran a spec that needs $1: $output"; return 1; }
    [[ "$output" == *"liblxc $1 or later"* ]] || { echo "refusal does not name liblxc $1: $output"; return 1; }
    assert_no_leftovers "$ID"
    skip "liblxc $(runtime_liblxc) refuses this spec: it needs liblxc $1 (README, Legacy liblxc)"
}
# A capability set as /proc/PID/status shows it ("Cap...: HEX" lines of $output), masked to
# the capabilities the runtime's kernel has: under a personality the host's newer ones stay
# (the filter cannot remove them), on a real old kernel they do not exist.
cap_line() {
    runtime_check
    local last hex
    last=$(jq .cap_last_cap <<< "$RUNLXC_FEATURES")
    hex=$(grep "^$1:" <<< "$output" | awk '{print $2}')
    printf '%s: %016x\n' "$1" $(( 0x$hex & ((1 << (last + 1)) - 1) ))
}

# The runtime under test, run inside a container: /usr read-only (its libraries) and the
# prefix it was installed under (its runlxc-init) bound at the same paths; RT_INSIDE is the
# binary's path there. Not /usr/local/bin/runlxc by name: a tree configured with another
# prefix (the VM lane's) has it elsewhere. Under a personality $RUNLXC is the matrix's
# wrapper: the binary it wraps is RUNLXC_HOST.
runtime_inside() {
    RT_INSIDE=$(readlink -f "$(command -v "${RUNLXC_HOST:-$RUNLXC}")")
    local prefix; prefix=$(dirname "$(dirname "$RT_INSIDE")")
    cfg '.mounts += [{"destination": "/usr", "type": "bind", "source": "/usr", "options": ["rbind", "ro"]}]'
    case $prefix/ in
    /usr/*) ;;
    *) cfg --arg p "$prefix" '.mounts += [{"destination": $p, "type": "bind", "source": $p, "options": ["rbind", "ro"]}]' ;;
    esac
}

# /nnp in the bundle's rootfs: prints "NoNewPrivs: N" from prctl(PR_GET_NO_NEW_PRIVS), which
# kernels before 4.10 answer though their /proc/PID/status has no such line.
nnp_probe() {
    local p=${NNP_PROBE:-$TOP/tests/helpers/nnp-probe}
    [ -x "$p" ] || { echo "$p is not built (make build-tests)"; return 1; }
    cp "$p" "$B/rootfs/nnp"
}

state_field() { rl state "$1" | jq -r ".$2"; }

# run_with_console ID OUT [create flags...]: create ID with --console-socket (runc's protocol,
# received by console-recv.py, which writes the pty's name and output to OUT), start it and
# wait until the payload closed its terminal.
run_with_console() {
    local id=$1 out=$2 sock=$T/console-$1.sock rpid
    shift 2
    python3 "$TOP/tests/integration/console-recv.py" "$sock" "$out" &
    rpid=$!
    for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.02; done
    rl create "$@" --console-socket "$sock" "$id"
    rl start "$id"
    wait $rpid
    cat "$out"
}
