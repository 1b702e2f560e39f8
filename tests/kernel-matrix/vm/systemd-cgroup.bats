#!/usr/bin/env bats
# The systemd cgroup driver (--systemd-cgroup) against a real systemd as PID 1
# (tests/kernel-matrix/vm/run.sh --guest systemd): the transient scope, its properties as
# `systemctl show` reports them, and the cgroup files, after create, update and delete.
# VM_CGROUP=v1|hybrid|v2 is how the guest was booted.
load ../../integration/helpers
TOP=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)

setup() {
    [ -d /run/systemd/system ] || skip "systemd is not PID 1 here"
    if [ -z "${VM_CGROUP:-}" ]; then
        if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then VM_CGROUP=v2; else VM_CGROUP=v1; fi
    fi
    setup_bundle
    SD="$RUNLXC --systemd-cgroup"
}
teardown() { teardown_bundle; }

sd() { (cd "$B" && exec $SD --root "$ROOT" "$@"); }
show() { systemctl show -p "$2" --value "$1"; }
# the cgroup of PID in the hierarchy holding CONTROLLER ("" for the v2 one), absolute
cgdir() {
    local pid=$1 ctrl=$2
    if [ "$VM_CGROUP" = v2 ] || [ -z "$ctrl" ]; then
        echo "/sys/fs/cgroup$([ "$VM_CGROUP" = hybrid ] && echo /unified)$(sed -n 's/^0:://p' "/proc/$pid/cgroup")"
    else
        local path
        path=$(awk -F: -v c="$ctrl" '{n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3}' "/proc/$pid/cgroup")
        echo "/sys/fs/cgroup/${ctrl#name=}$path"
    fi
}
# the file a resource lives in on this layout: cgfile PID v1-controller v1-file v2-file
cgfile() { if [ "$VM_CGROUP" = v2 ]; then echo "$(cgdir "$1" "")/$4"; else echo "$(cgdir "$1" "$2")/$3"; fi; }
unit_gone() { [ -z "$(systemctl list-units --all --no-legend --plain "$1")" ]; }
# create_in_slice SLICE: a sleeping container in scope rlxtest-$ID.scope of SLICE; sets pid, unit
create_in_slice() {
    cfg --arg p "$1:rlxtest:$ID" '.linux.cgroupsPath = $p'
    args sleep 1000
    sd create "$ID"
    pid=$(state_field "$ID" pid)
    unit=rlxtest-$ID.scope
}

@test "systemd is PID 1 and runlxc features lists the systemd driver" {
    [ "$(cat /proc/1/comm)" = systemd ]
    run "$RUNLXC" features
    [ "$status" -eq 0 ]
    echo "$output" | jq -e '.linux.cgroup.systemd == true'
}

@test "D-Bus library: sd-bus by default, libdbus-1 (CentOS 7's systemd 219 has no public sd-bus) with RUNLXC_DBUS=libdbus" {
    args sleep 1000
    local unit=runlxc-$ID.scope row lib used unused
    for row in sd-bus:libsystemd.so.0:libdbus-1.so.3 libdbus:libdbus-1.so.3:libsystemd.so.0; do
        IFS=: read -r lib used unused <<< "$row"
        # the dynamic linker names every library dlopen loads (runlxc links neither; Debian's
        # libdbus-1 needs libsystemd, which is then loaded as its dependency, not by dlopen)
        RUNLXC_DBUS=$lib LD_DEBUG=files sd create "$ID" >/dev/null 2>"$T/ld"
        grep -q "file=$used .*dynamically loaded by" "$T/ld"
        [ -z "$(grep "file=$unused .*dynamically loaded by" "$T/ld")" ]
        [ "$(show "$unit" ActiveState)" = active ]
        [ "$(show "$unit" Delegate)" = yes ]
        RUNLXC_DBUS=$lib sd update --pids-limit 77 "$ID"
        [ "$(show "$unit" TasksMax)" = 77 ]
        RUNLXC_DBUS=$lib sd delete -f "$ID"
        unit_gone "$unit"
    done
    run env RUNLXC_DBUS=neither $SD --root "$ROOT" create --bundle "$B" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"RUNLXC_DBUS: 'neither' is neither sd-bus nor libdbus"* ]]
    assert_no_leftovers "$ID"
}

@test "default path: init in system.slice/runlxc-ID.scope, an active delegated scope; delete stops it" {
    args sleep 1000
    sd create "$ID"
    pid=$(state_field "$ID" pid)
    unit=runlxc-$ID.scope
    [ "$(show "$unit" ActiveState)" = active ]
    [ "$(show "$unit" Delegate)" = yes ]
    [ "$(show "$unit" Slice)" = system.slice ]
    [ "$(show "$unit" ControlGroup)" = "/system.slice/$unit" ]
    # every hierarchy: init is in the scope's cgroup, systemd's own (name=systemd on v1) included
    while IFS=: read -r _ ctrl path; do
        [ "$path" = "/system.slice/$unit" ] || { echo "pid $pid is in $ctrl:$path"; false; }
    done < "/proc/$pid/cgroup"
    grep -qx "$pid" "$(cgdir "$pid" "$( [ "$VM_CGROUP" = v2 ] || echo name=systemd)")/cgroup.procs"
    sd start "$ID"
    # an exec'd process joins the scope too (its host pid, seen from outside)
    sd exec -d --pid-file "$T/exec.pid" "$ID" sleep 1000
    grep -q ":/system.slice/$unit\$" "/proc/$(cat "$T/exec.pid")/cgroup"
    sd kill "$ID" KILL
    for _ in $(seq 100); do [ "$(state_field "$ID" status)" = stopped ] && break; sleep 0.05; done
    sd delete "$ID"
    unit_gone "$unit"
    [ -z "$(find /sys/fs/cgroup -maxdepth 4 -name "$unit")" ]
    assert_no_leftovers "$ID"
}

@test "resources: unit properties and cgroup files after create, update, and systemd re-applying its own" {
    args sleep 1000
    cfg '.linux.resources.memory.limit = 67108864 | .linux.resources.pids.limit = 50
         | .linux.resources.cpu.quota = 50000 | .linux.resources.cpu.period = 100000
         | .linux.resources.cpu.shares = 512'
    sd create "$ID"
    pid=$(state_field "$ID" pid)
    unit=runlxc-$ID.scope
    if [ "$VM_CGROUP" = v2 ]; then
        [ "$(show "$unit" MemoryMax)" = 67108864 ]
        [ "$(show "$unit" CPUWeight)" = 20 ]    # runc's shares -> weight: 1 + (512-2)*9999/262142
    else
        [ "$(show "$unit" MemoryLimit)" = 67108864 ]
        [ "$(show "$unit" CPUShares)" = 512 ]
    fi
    [ "$(show "$unit" TasksMax)" = 50 ]
    [ "$(show "$unit" CPUQuotaPerSecUSec)" = 500ms ]
    [ "$(show "$unit" CPUQuotaPeriodUSec)" = 100ms ]
    check_files() { # memory pids quota
        [ "$(cat "$(cgfile "$pid" memory memory.limit_in_bytes memory.max)")" = "$1" ]
        [ "$(cat "$(cgfile "$pid" pids pids.max pids.max)")" = "$2" ]
        if [ "$VM_CGROUP" = v2 ]; then
            [ "$(cat "$(cgfile "$pid" cpu - cpu.max)")" = "$3 100000" ]
        else
            [ "$(cat "$(cgfile "$pid" cpu cpu.cfs_quota_us -)")" = "$3" ]
            [ "$(cat "$(cgfile "$pid" cpu cpu.shares -)")" = 512 ]
        fi
    }
    check_files 67108864 50 50000
    sd update --memory 128M --pids-limit 80 --cpu-quota 25000 "$ID"
    if [ "$VM_CGROUP" = v2 ]; then [ "$(show "$unit" MemoryMax)" = 134217728 ]; else [ "$(show "$unit" MemoryLimit)" = 134217728 ]; fi
    [ "$(show "$unit" TasksMax)" = 80 ]
    [ "$(show "$unit" CPUQuotaPerSecUSec)" = 250ms ]
    check_files 134217728 80 25000
    # systemd writes every file from its unit again when a property changes: what update
    # told it must be what the files keep
    systemctl set-property --runtime "$unit" CPUAccounting=yes
    check_files 134217728 80 25000
    sd delete --force "$ID"
    unit_gone "$unit"
    assert_no_leftovers "$ID"
}

@test "devices: the container's device rules are the cgroupfs driver's, also after systemd re-applies its own" {
    args sleep 1000
    cfg '.root.readonly = false | .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
         | .process.capabilities.permitted += ["CAP_MKNOD"]'
    rl create "$ID-fs"                 # cgroupfs driver, same bundle
    sd create "$ID"
    unit=runlxc-$ID.scope
    [ "$(show "$unit" DevicePolicy)" = strict ]
    show "$unit" DeviceAllow | grep -q '/dev/char/1:3 rwm'
    if [ "$VM_CGROUP" != v2 ]; then
        fs=$(sort "$(cgdir "$(state_field "$ID-fs" pid)" devices)/devices.list")
        [ "$(sort "$(cgdir "$(state_field "$ID" pid)" devices)/devices.list")" = "$fs" ]
        echo "$fs" | grep -qx 'c 1:3 rwm'
        ! echo "$fs" | grep -q '^a '
    fi
    sd start "$ID"
    blocked() {
        # /dev/kmsg (c 1:11) exists on every kernel and is not among runc's default devices;
        # writing it needs no capability, so only the device cgroup can refuse it
        run sd exec "$ID" sh -c 'rm -f /tmp/kmsg; mknod /tmp/kmsg c 1 11 && echo runlxc-devices-test > /tmp/kmsg'
        [ "$status" -ne 0 ]
        echo "$output" | grep -qi "not permitted"
        run sd exec "$ID" sh -c 'head -c1 /dev/zero | wc -c'
        [ "$output" = 1 ]
    }
    blocked
    systemctl set-property --runtime "$unit" CPUAccounting=yes
    if [ "$VM_CGROUP" != v2 ]; then
        [ "$(sort "$(cgdir "$(state_field "$ID" pid)" devices)/devices.list")" = "$fs" ]
    fi
    blocked
    # update sets the unit's properties (systemd writes its cgroup view again) and the files:
    # the device rules stay as they were, the container gains no access
    sd update --memory 64M --pids-limit 50 "$ID"
    if [ "$VM_CGROUP" != v2 ]; then
        [ "$(sort "$(cgdir "$(state_field "$ID" pid)" devices)/devices.list")" = "$fs" ]
    fi
    blocked
    rl delete --force "$ID-fs"
    sd delete --force "$ID"
    unit_gone "$unit"
}

@test "a nested slice a-b.slice: the scope lands in /a.slice/a-b.slice" {
    create_in_slice a-b.slice
    [ "$(show "$unit" Slice)" = a-b.slice ]
    [ "$(show "$unit" ActiveState)" = active ]
    [ "$(show a-b.slice ActiveState)" = active ]
    grep -qx "0::/a.slice/a-b.slice/$unit\|[0-9]*:name=systemd:/a.slice/a-b.slice/$unit" "/proc/$pid/cgroup"
    sd delete --force "$ID"
    unit_gone "$unit"
    [ -z "$(find /sys/fs/cgroup -name "$unit")" ]
}

@test "the root slice -.slice: the scope is right below the root" {
    create_in_slice -.slice
    [ "$(show "$unit" Slice)" = -.slice ]
    [ "$(show "$unit" ControlGroup)" = "/$unit" ]
    grep -q ":/$unit\$" "/proc/$pid/cgroup"
    sd delete --force "$ID"
    unit_gone "$unit"
}

@test "an empty slice field is system.slice; pause/resume freeze the scope's cgroup" {
    cfg --arg p ":rlxtest:$ID" '.linux.cgroupsPath = $p'
    args sleep 1000
    sd create "$ID"
    sd start "$ID"
    pid=$(state_field "$ID" pid)
    [ "$(show "rlxtest-$ID.scope" Slice)" = system.slice ]
    sd pause "$ID"
    [ "$(state_field "$ID" status)" = paused ]
    if [ "$VM_CGROUP" = v2 ]; then
        [ "$(cat "$(cgdir "$pid" "")/cgroup.freeze")" = 1 ]
    else
        [ "$(cat "$(cgdir "$pid" freezer)/freezer.state")" = FROZEN ]
        [ "$(cgdir "$pid" freezer)" = "/sys/fs/cgroup/freezer/system.slice/rlxtest-$ID.scope" ]
    fi
    sd resume "$ID"
    [ "$(state_field "$ID" status)" = running ]
    sd delete --force "$ID"
    unit_gone "rlxtest-$ID.scope"
}

@test "run: the payload's status, and no unit left" {
    args sh -c 'exit 7'
    run sd run "$ID"
    [ "$status" -eq 7 ]
    unit_gone "runlxc-$ID.scope"
    assert_no_leftovers "$ID"
}

@test "delete --force of a container whose state.json is gone still stops its unit" {
    args sleep 1000
    sd create "$ID"
    [ "$(show "runlxc-$ID.scope" ActiveState)" = active ]
    rm "$ROOT/$ID/state.json"
    sd delete --force "$ID"
    unit_gone "runlxc-$ID.scope"
    assert_no_leftovers "$ID"
}

@test "create killed at any point: delete --force leaves no unit, cgroup or process" {
    args sleep 1000
    # the delays spread the kill over create's run under TCG (about a second); whatever point
    # each one hits, nothing may remain
    for d in 0.02 0.1 0.2 0.3 0.5 0.8 1.2 2; do
        (cd "$B" && exec $SD --root "$ROOT" create "$ID") >/dev/null 2>&1 &
        local cpid=$!
        sleep "$d"
        kill -9 "$cpid" 2>/dev/null || true
        wait "$cpid" 2>/dev/null || true
        sd delete --force "$ID"
        unit_gone "runlxc-$ID.scope" || { echo "killed after ${d}s: unit left"; systemctl status "runlxc-$ID.scope"; false; }
        assert_no_leftovers "$ID" || { echo "killed after ${d}s"; false; }
    done
}

@test "org.systemd.property.* annotations: unit properties as runc sets them, after runlxc's own; bad ones refused, nothing left" {
    args sleep 1000
    # runc's docs/systemd-properties.md example, a Sec name runc turns into USec, and an
    # override of a property runlxc sets itself (TasksAccounting=yes)
    cfg '.annotations = {"org.systemd.property.TimeoutStopUSec": "uint64 123456789",
        "org.systemd.property.CollectMode": "'"'"'inactive-or-failed'"'"'",
        "org.systemd.property.RuntimeMaxSec": "3600", "org.systemd.property.TasksAccounting": "false"}'
    sd create "$ID"
    unit=runlxc-$ID.scope
    [ "$(show "$unit" TimeoutStopUSec)" = "2min 3.456789s" ]
    [ "$(show "$unit" CollectMode)" = inactive-or-failed ]
    [ "$(show "$unit" RuntimeMaxUSec)" = 1h ]
    [ "$(show "$unit" TasksAccounting)" = no ]
    sd delete --force "$ID"
    unit_gone "$unit"
    # refused before anything is made, in runc's words; then a value of the wrong type for
    # systemd (int32 for a uint64 property), refused by systemd itself once init exists
    for a in '{"org.systemd.property.Foo1": "1"}' '{"org.systemd.property.TimeoutStopSec": "'"'"'x'"'"'"}' \
             '{"org.systemd.property.CollectMode": "'"'"'open"}' '{"org.systemd.property.TimeoutStopUSec": "123"}'; do
        cfg --argjson a "$a" '.annotations = $a'
        run sd create "$ID"
        echo "$a: $output"
        [ "$status" -ne 0 ]
        case $a in
        *Foo1*) echo "$output" | grep -q 'annotation org.systemd.property.Foo1 name incorrect: contains non-alphabetic character' ;;
        *TimeoutStopSec*) echo "$output" | grep -q "value parse error: not a number" ;;
        *open*) echo "$output" | grep -q "value parse error: unterminated string" ;;
        *) echo "$output" | grep -q "start unit $unit in system.slice: .*(with these properties from org.systemd.property.\* annotations: TimeoutStopUSec)" ;;
        esac
        unit_gone "$unit"
        assert_no_leftovers "$ID"
    done
}

@test "bad paths under --systemd-cgroup: runc's errors, nothing left" {
    for p in "/cgroupfs/$ID" "a:b" "a--b.slice:x:$ID" "-a.slice:x:$ID" "a/b.slice:x:$ID" "system.slice:x:$ID.slice"; do
        cfg --arg p "$p" '.linux.cgroupsPath = $p'
        run sd create "$ID"
        echo "$p: $output"
        [ "$status" -ne 0 ]
        case $p in
        /*|a:b) echo "$output" | grep -q 'expected cgroupsPath to be of format "slice:prefix:name"' ;;
        *.slice) echo "$output" | grep -q 'slice as the container' ;;
        *) echo "$output" | grep -q 'invalid slice name' ;;
        esac
        [ ! -e "$ROOT/$ID" ]
    done
    [ -z "$(systemctl list-units --all --no-legend --plain "*$ID*")" ]
}
