#!/usr/bin/env bats
# --systemd-cgroup where it cannot work, and the cgroupsPath rules that hold with or without
# systemd. The driver itself runs against a real systemd in the VM lane
# (tests/kernel-matrix/vm/run.sh --guest systemd, systemd-cgroup.bats).
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

sd() { (cd "$B" && exec "$RUNLXC" --systemd-cgroup --root "$ROOT" "$@"); }

nothing_left() {
    [ ! -e "$ROOT/$ID" ] || { echo "state dir left"; return 1; }
    assert_no_leftovers "$ID"
    [ -z "$(find /sys/fs/cgroup -maxdepth 4 -name "*$ID*")" ]
}

@test "--systemd-cgroup without a running systemd: a clear error, non-zero exit, nothing left" {
    [ ! -d /run/systemd/system ] || skip "systemd runs this host (the VM lane tests the driver)"
    args sleep 100
    for cmd in create run; do
        run sd $cmd "$ID"
        echo "$output"
        [ "$status" -eq 1 ]
        echo "$output" | grep -q -- '--systemd-cgroup: systemd is not running on this host'
        nothing_left
    done
    # runc: "systemd not running on this host, cannot use systemd cgroups manager"
}

@test "--systemd-cgroup: org.systemd.property.* annotations are checked first, as runc 1.1.5 does (side by side)" {
    [ ! -d /run/systemd/system ] || skip "systemd runs this host (the VM lane tests the driver)"
    args sleep 100
    # runc checks them before the cgroupsPath and before asking for systemd: a bad annotation
    # is the error even here, with a bad path too
    cfg '.linux.cgroupsPath = "/not/slice:prefix:name"'
    for a in '{"org.systemd.property.Fo": "1"}' '{"org.systemd.property.Foo1": "1"}' \
             '{"org.systemd.property.TimeoutStopSec": "'"'"'x'"'"'"}' '{"org.systemd.property.Foo": "uint64"}'; do
        cfg --argjson a "$a" '.annotations = $a'
        run runc --systemd-cgroup --root "$T/runc" create --bundle "$B" "$ID-runc"
        local theirs=$output
        run sd create "$ID"
        echo "$a: runc: $theirs; runlxc: $output"
        [ "$status" -eq 1 ]
        # the same sentence up to the reason runc gives (godbus's parser words its own)
        local want
        want=$(sed -n 's/.*failed: \(annotation [^ ]* \(name incorrect\|value parse error\)\).*/\1/p' <<< "$theirs")
        [ -n "$want" ]
        [[ "$output" == "runlxc: $want"* ]]
        case $a in
        *Fo\"*|*Foo1*|*Sec*) [ "${output#runlxc: }" = "$(sed 's/.*failed: //; s/"$//' <<< "$theirs")" ] ;;
        esac
        nothing_left
    done
}

@test "--systemd-cgroup where /run/systemd/system exists but no systemd answers on the bus" {
    [ ! -d /run/systemd/system ] || skip "systemd runs this host"
    args sleep 100
    # a private mount namespace with a /run/systemd/system of its own: sd_booted() says yes,
    # and neither /run/systemd/private nor a system bus answers
    run unshare -m sh -c 'mount -t tmpfs tmpfs /run/systemd 2>/dev/null || { mkdir -p /run/systemd && mount -t tmpfs tmpfs /run/systemd; }
        mkdir /run/systemd/system && mount -t tmpfs tmpfs /run/dbus 2>/dev/null
        cd "$1" && exec "$2" --systemd-cgroup --root "$3" create "$4"' sh "$B" "$RUNLXC" "$ROOT" "$ID"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -q -- '--systemd-cgroup: cannot connect to systemd over D-Bus\|--systemd-cgroup: systemd does not answer'
    nothing_left
}

@test "--systemd-cgroup with a cgroupfs path or a bad slice: runc's errors, in runc's order (side by side)" {
    command -v runc >/dev/null || skip "runc is not installed"
    # runc checks the path's form first, then asks for systemd, then checks the slice's name:
    # without systemd a bad slice name is "systemd not running", as from runc
    [ ! -d /run/systemd/system ] || skip "systemd runs this host (the VM lane tests the slice names)"
    for p in "/cgroupfs/$ID" "only:two" "a--b.slice:x:$ID" "x.slice/y.slice:x:$ID" "nosuffix:x:$ID"; do
        cfg --arg p "$p" '.linux.cgroupsPath = $p'
        run sd create "$ID"
        echo "$p: $output"
        [ "$status" -eq 1 ]
        rc=$( (cd "$B" && runc --root "$T/runc" --systemd-cgroup create "$ID") 2>&1) && false
        runc --root "$T/runc" delete -f "$ID" >/dev/null 2>&1 || true
        echo "runc: $rc"
        case $p in
        /*|only:two)
            echo "$output" | grep -q 'linux.cgroupsPath: expected cgroupsPath to be of format "slice:prefix:name" for systemd cgroups'
            echo "$rc" | grep -q 'expected cgroupsPath to be of format' ;;
        *)
            echo "$output" | grep -q -- '--systemd-cgroup: systemd is not running on this host'
            echo "$rc" | grep -q 'systemd not running on this host' ;;
        esac
        nothing_left
    done
}

@test "slice:prefix:name without --systemd-cgroup is a cgroupfs path named so, as runc takes it" {
    cfg --arg p "system.slice:rlxtest:$ID" '.linux.cgroupsPath = $p'
    args sleep 100
    rl create "$ID"
    pid=$(state_field "$ID" pid)
    grep -q ":/.*system.slice:rlxtest:$ID\$" "/proc/$pid/cgroup"
    rl delete --force "$ID"
    nothing_left
    # runc (cgroupfs driver) takes it the same way: a cgroup named so, below runc's own
    if command -v runc >/dev/null; then
        (cd "$B" && runc --root "$T/runc" create "$ID")
        pid=$(runc --root "$T/runc" state "$ID" | jq .pid)
        grep -q ":/.*system.slice:rlxtest:$ID\$" "/proc/$pid/cgroup"
        runc --root "$T/runc" delete -f "$ID"
    fi
}

@test "features: the systemd driver is listed when systemd runs this host" {
    run "$RUNLXC" features
    [ "$status" -eq 0 ]
    if [ -d /run/systemd/system ]; then want=true; else want=false; fi
    echo "$output" | jq -e ".linux.cgroup.systemd == $want"
}
