#!/usr/bin/env bats
# Rich containers (design note 20): systemd and sysvinit booted as PID 1 from bookworm root
# filesystems that scripts/mkrootfs.sh builds with mmdebstrap (cached per machine). The bundle
# is what an engine gives by default (docker's capability set), and nothing rich: runlxc adds
# what an init needs (container=, tmpfs /run /run/lock /tmp, cgroup namespace, writable
# name=systemd / cgroup2 tracking hierarchies).
load helpers

# docker's and podman's default capabilities (runc's `spec` keeps only three, with which
# systemd cannot start journald: status 218/CAPABILITIES).
ENGINE_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'

# RICH_ROOTFS_DIR: a directory with systemd/ and sysvinit/ (the VM lane's disk) instead of
# scripts/mkrootfs.sh; RICH_WAIT_SCALE multiplies the waits (the VM lane runs under TCG).
W=${RICH_WAIT_SCALE:-1}

rich_bundle() { # profile: systemd | sysvinit
    local lower
    if [ -n "${RICH_ROOTFS_DIR:-}" ]; then
        lower=$RICH_ROOTFS_DIR/$1
    else
        command -v mmdebstrap >/dev/null || skip "mmdebstrap is not installed (scripts/install-deps.sh)"
        lower=$("$TOP/scripts/mkrootfs.sh" "$1") || { echo "mkrootfs.sh $1 failed"; return 1; }
    fi
    T=$(mktemp -d /tmp/runlxc-rich.XXXXXX)
    ROOT=$T/state
    B=$T/bundle
    mkdir -p "$B/rootfs" "$T/upper" "$T/work"
    # The cache stays pristine: each test boots on its own overlay.
    mount -t overlay overlay -o "lowerdir=$lower,upperdir=$T/upper,workdir=$T/work" "$B/rootfs"
    (cd "$B" && "$RUNLXC" spec)
    cfg --argjson caps "$ENGINE_CAPS" '.process.args = ["/sbin/init"] | .process.terminal = false
        | .root.readonly = false | .process.noNewPrivileges = false
        | .process.capabilities.bounding = $caps | .process.capabilities.effective = $caps
        | .process.capabilities.permitted = $caps'
    ID=rich$$-$BATS_TEST_NUMBER
}

teardown() {
    if [ -n "${ROOT:-}" ] && [ -d "$ROOT" ]; then
        for d in "$ROOT"/*; do
            [ -d "$d" ] && "$RUNLXC" --root "$ROOT" delete --force "$(basename "$d")" >/dev/null 2>&1
        done
    fi
    # (busybox's mountpoint, in the VM lane, does not see an overlay: just try)
    [ -z "${B:-}" ] || umount "$B/rootfs" 2>/dev/null || umount -l "$B/rootfs" 2>/dev/null || true
    [ -z "${T:-}" ] || rm -rf "$T"
}

# Waits until systemd has finished booting and prints its verdict (running, degraded, ...).
system_state() {
    local s i
    for i in $(seq $((60 * W))); do
        s=$(rl exec "$ID" systemctl is-system-running 2>/dev/null) || true
        case "$s" in running | degraded | maintenance | stopping) break ;; esac
        sleep 0.5
    done
    echo "$s"
}

wait_stopped() {
    local i
    for i in $(seq $((120 * W))); do
        [ "$(rl state "$ID" | jq -r .status)" = stopped ] && return 0
        sleep 0.25
    done
    rl state "$ID"
    return 1
}

# Nothing named after the container anywhere in any hierarchy (systemd made init.scope,
# system.slice, ... below the container's cgroup: those must go with it).
assert_no_cgroups_below() {
    local left
    left=$(find /sys/fs/cgroup -type d -path "*/$ID*" 2>/dev/null | head -5)
    [ -z "$left" ] || { echo "cgroups left: $left"; return 1; }
}

@test "rich systemd: boots to running with the engine's default bundle; init gets container=, tmpfs, its own cgroups" {
    rich_bundle systemd
    rl run -d "$ID" >/dev/null
    run system_state
    echo "state: $output"
    rl exec "$ID" systemctl --failed --no-legend
    [ "$output" = running ]
    rl exec "$ID" sh -c 'tr "\0" "\n" < /proc/1/environ' | grep -qx container=lxc
    run rl exec "$ID" cat /proc/self/mountinfo
    for d in /run /run/lock /tmp; do grep -qE "^[0-9]+ [0-9]+ [0-9:]+ / $d .* - tmpfs " <<< "$output"; done
    # cgroup namespace: systemd sees itself at the root of its hierarchies
    run rl exec "$ID" cat /proc/1/cgroup
    grep -qE '^0::/init.scope$' <<< "$output" || grep -qE ':name=systemd:/init.scope$' <<< "$output"
    # tracking hierarchies writable, controller hierarchies not (the engine's limits stay)
    run rl exec "$ID" cat /proc/self/mountinfo
    # (field 5 is the mount point, 6 the mount's options; the superblock's come after " - ")
    if grep -q ' /sys/fs/cgroup/systemd ' <<< "$output"; then
        [ "$(awk '$5 == "/sys/fs/cgroup/systemd" {o = $6} END {print substr(o, 1, 3)}' <<< "$output")" = "rw," ]
        [ "$(awk '$5 == "/sys/fs/cgroup/memory" {o = $6} END {print substr(o, 1, 3)}' <<< "$output")" = "ro," ]
    else   # cgroup v2: the whole tree is the init's (systemd made init.scope in it)
        [ "$(awk '$5 == "/sys/fs/cgroup" && / - cgroup2 / {o = $6} END {print substr(o, 1, 3)}' <<< "$output")" = "rw," ]
        rl exec "$ID" test -d /sys/fs/cgroup/init.scope
    fi
    run rl exec "$ID" touch /sys/fs/cgroup/memory/x
    [ "$status" -ne 0 ]
}

@test "rich systemd: exec runs systemctl stop/start/status of a service; journald has its messages" {
    rich_bundle systemd
    rl run -d "$ID" >/dev/null
    [ "$(system_state)" = running ]
    rl exec "$ID" systemctl is-active runlxc-hello.service
    rl exec "$ID" systemctl stop runlxc-hello.service
    run rl exec "$ID" systemctl is-active runlxc-hello.service
    [ "$output" = inactive ]
    run rl exec "$ID" pgrep -x sleep
    [ "$status" -ne 0 ]
    rl exec "$ID" systemctl start runlxc-hello.service
    run rl exec "$ID" systemctl status runlxc-hello.service
    [ "$status" -eq 0 ]
    [[ "$output" == *"active (running)"* ]]
    run rl exec "$ID" journalctl -u runlxc-hello.service --no-pager -o cat
    echo "$output"
    [ "$(grep -c '^runlxc-hello started$' <<< "$output")" -eq 2 ]
}

@test "rich systemd: 'kill ID' sends SIGRTMIN+3 (the stop signal) and the container halts cleanly, nothing left" {
    rich_bundle systemd
    rl run -d "$ID" >/dev/null
    [ "$(system_state)" = running ]
    [ "$(jq .stop_signal "$ROOT/$ID/state.json")" -eq "$(( $(kill -l RTMIN) + 3 ))" ]
    rl kill "$ID"
    wait_stopped
    rl delete "$ID"
    assert_no_leftovers "$ID"
    assert_no_cgroups_below
}

@test "rich systemd: foreground run stopped by 'kill ID RTMIN+3' exits 0; delete --force of a booted one leaves nothing" {
    rich_bundle systemd
    (
        for i in $(seq $((60 * W))); do
            [ "$(rl exec "$ID" systemctl is-system-running 2>/dev/null)" = running ] && break
            sleep 0.5
        done
        rl kill "$ID" RTMIN+3
    ) &
    run rl run "$ID"
    wait
    [ "$status" -eq 0 ]
    assert_no_leftovers "$ID"
    assert_no_cgroups_below

    rl run -d "$ID" >/dev/null
    [ "$(system_state)" = running ]
    rl delete --force "$ID"
    assert_no_leftovers "$ID"
    assert_no_cgroups_below
}

@test "rich sysvinit: boots runlevel 2 with its init scripts; 'kill ID' (SIGPWR) halts it, run exits 0, nothing left" {
    rich_bundle sysvinit
    # halt(8) ends a container's init through reboot(2), which needs CAP_SYS_BOOT (as in LXC).
    cfg '.process.capabilities.bounding += ["CAP_SYS_BOOT"] | .process.capabilities.effective += ["CAP_SYS_BOOT"]
         | .process.capabilities.permitted += ["CAP_SYS_BOOT"]'
    (
        for i in $(seq $((60 * W))); do
            rl exec "$ID" /etc/init.d/runlxc-hello status >/dev/null 2>&1 && break
            sleep 0.5
        done
        rl exec "$ID" sh -c 'runlevel; pgrep -x cron; cat /var/log/runlxc-hello.log' > "$T/booted" 2>&1
        [ "$(jq .stop_signal "$ROOT/$ID/state.json")" -eq "$(kill -l PWR)" ] || echo "stop_signal wrong" >> "$T/booted"
        rl kill "$ID"
    ) &
    run rl run "$ID"
    wait
    cat "$T/booted"
    [ "$status" -eq 0 ]
    grep -q '^N 2$' "$T/booted"
    grep -q '^runlxc-hello started$' "$T/booted"
    if grep -q 'stop_signal wrong' "$T/booted"; then false; fi
    # runlevel 0 ran the init scripts' stop actions before the halt
    grep -q '^runlxc-hello stopped$' "$B/rootfs/var/log/runlxc-hello.log"
    assert_no_leftovers "$ID"
    assert_no_cgroups_below
}

@test "rich sysvinit: org.runlxc.ttys gives /dev/tty1..N to inittab's gettys; runlxc console attaches and resizes; delete leaves no holder or pty" {
    rich_bundle sysvinit
    cfg '.annotations["org.runlxc.ttys"] = "2"'
    # a CentOS 6 style inittab: gettys on the first ttys (mkrootfs.sh's image has none)
    printf '1:2345:respawn:/sbin/getty --noclear 38400 tty1\n2:2345:respawn:/sbin/getty 38400 tty2\n' \
        >> "$B/rootfs/etc/inittab"
    rl run -d "$ID" < /dev/null
    local on=""
    for i in $(seq $((60 * W))); do
        on=$(rl exec "$ID" sh -c 'for p in $(pgrep -x getty); do readlink /proc/$p/fd/0; done | sort' 2>/dev/null) || true
        [ "$(echo $on)" = "/dev/tty1 /dev/tty2" ] && break
        sleep 0.5
    done
    echo "gettys on: $on"
    [ "$(echo $on)" = "/dev/tty1 /dev/tty2" ]
    # a getty that cannot open its tty respawns with a new pid: these stay
    local pids=$(rl exec "$ID" pgrep -x getty | sort)
    # what the tty writes reaches the console (getty's prompt after a newline) ...
    run sh -c "(printf '\n'; sleep 1) | '$RUNLXC' --root '$ROOT' console --tty 2 '$ID'"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"login:"* ]]
    # ... and what the console writes reaches the tty: getty hands the name to login
    run sh -c "(printf 'root\n'; sleep 2) | '$RUNLXC' --root '$ROOT' console -t 1 '$ID'"
    echo "$output"
    [[ "$output" == *"Password:"* ]]
    [ "$(rl exec "$ID" pgrep -x getty | sort)" != "$pids" ]   # tty1's getty became login
    rl exec "$ID" pgrep -x login
    # from a terminal, the console gives the tty the terminal's size, and again at each resize
    # (the terminal is a pty of python3's; the VM lane's guest has no python3)
    if command -v python3 > /dev/null; then
        run python3 "$TOP/tests/integration/console-resize.py" "$RUNLXC" "$ROOT" "$ID" 2
        echo "$output"
        [[ "$output" == *"size 31 101 -> 31 101"* ]]
        [[ "$output" == *"size 47 133 -> 47 133"* ]]
        [[ "$output" == *"console exit 0"* ]]
    else
        echo "no python3: the console's resize is not checked here"
    fi
    # one console per tty, as lxc-console; a tty the container lacks is named
    # (probe only once the first console holds tty2's master: a probe that wins the race would
    # make the first one the busy one)
    sleep 8 | "$RUNLXC" --root "$ROOT" console -t 2 "$ID" > /dev/null 2> "$T/first-console" &
    local first=$!
    for i in $(seq 50); do
        ls -l /proc/$first/fd 2>/dev/null | grep -q ptmx && break
        sleep 0.2
    done
    ls -l /proc/$first/fd | grep -q ptmx || { cat "$T/first-console"; false; }
    run rl console -t 2 "$ID" < /dev/null
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" == *"tty2 is busy: another console is attached to it"* ]]
    wait
    run rl console -t 3 "$ID" < /dev/null
    [ "$status" -ne 0 ]
    [[ "$output" == *"tty3: the container has 2 ttys (/dev/tty1..2)"* ]]
    # the masters live in a holder outside the container; delete ends it and with it the ptys
    local holder=$(jq .tty_holder_pid "$ROOT/$ID/state.json")
    local ptys=$(rl exec "$ID" sh -c 'for t in /dev/tty1 /dev/tty2; do echo $(( 0x$(stat -c %T $t) )); done')
    echo "holder $holder, ptys $ptys"
    [ "$holder" -gt 0 ]
    grep -q "$ID" /proc/$holder/cmdline
    for n in $ptys; do [ -e /dev/pts/$n ]; done
    rl delete --force "$ID"
    assert_no_leftovers "$ID"
    if grep -q "$ID" /proc/$holder/cmdline 2>/dev/null; then echo "tty holder $holder left"; false; fi
    for n in $ptys; do [ ! -e /dev/pts/$n ] || { echo "pty $n left"; false; }; done
    assert_no_cgroups_below
}

@test "ttys: a bad org.runlxc.ttys is refused with nothing left; console names a container without ttys" {
    setup_bundle
    args sleep 100
    for v in 64 -1 two; do
        cfg --arg v "$v" '.annotations["org.runlxc.ttys"] = $v'
        run rl create "$ID"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"annotations.org.runlxc.ttys: '$v' must be a number of ttys from 0 to 63"* ]]
        assert_no_leftovers "$ID"
    done
    cfg 'del(.annotations["org.runlxc.ttys"])'
    rl run -d "$ID" < /dev/null
    run rl console "$ID" < /dev/null
    [ "$status" -ne 0 ]
    [[ "$output" == *"container '$ID' has no ttys (annotation org.runlxc.ttys)"* ]]
    rl delete --force "$ID"
    run rl console "$ID" < /dev/null
    [ "$status" -ne 0 ]
    assert_no_leftovers "$ID"
    teardown_bundle
}

@test "ttys: a console stays attached to a tty nothing inside has open (no getty, or after its last opener closed it), as lxc-console" {
    setup_bundle
    args sleep 100
    cfg '.annotations["org.runlxc.ttys"] = "1"'
    rl run -d "$ID" < /dev/null
    # a process inside opens, writes and closes tty1 before any console: as a getty that ended
    rl exec "$ID" sh -c 'echo written-before > /dev/tty1'
    # stdin ends after 4 s, which detaches the console with status 0
    sleep 4 | "$RUNLXC" --root "$ROOT" console "$ID" > "$T/console.out" 2>&1 &
    local con=$! rc=0
    # attached: the holder's SCM_RIGHTS has given it tty1's master
    for i in $(seq 200); do
        ls -l "/proc/$con/fd" 2>/dev/null | grep -q ptmx && break
        sleep 0.02
    done
    ls -l "/proc/$con/fd" | grep -q ptmx
    # it stays attached although no process inside has /dev/tty1 open
    sleep 0.5
    kill -0 "$con"
    # and after another opener came and went, as a logout before init respawns the getty
    rl exec "$ID" sh -c 'echo written-later > /dev/tty1'
    sleep 0.5
    kill -0 "$con"
    wait "$con" || rc=$?
    cat "$T/console.out"
    [ "$rc" -eq 0 ]
    grep -q written-before "$T/console.out"
    grep -q written-later "$T/console.out"
    rl delete --force "$ID"
    assert_no_leftovers "$ID"
    teardown_bundle
}

@test "rich: the annotation decides over detection; bad annotations are refused with nothing left" {
    setup_bundle
    # rich=true on a plain shell: it gets the init's environment and mounts
    cfg '.annotations["org.runlxc.rich"] = "true"'
    args sh -c 'echo "$container"; grep -cE " /(run|run/lock|tmp) .* - tmpfs " /proc/self/mountinfo'
    run rl run "$ID"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = lxc ]
    [ "${lines[1]}" = 3 ]
    # an engine's own /run tmpfs (containerd's default spec has one) does not hide /run/lock
    cfg '.mounts += [{"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]}]'
    run rl run "$ID"
    [ "$status" -eq 0 ]
    [ "${lines[1]}" = 3 ]
    # rich=false on /sbin/init (busybox's init): not rich
    ln -sf /bin/busybox "$B/rootfs/sbin/init"
    cfg '.annotations["org.runlxc.rich"] = "false" | .process.args = ["/sbin/init"]'
    rl create "$ID"
    if jq -e .stop_signal "$ROOT/$ID/state.json" >/dev/null; then false; fi
    rl delete --force "$ID"
    # detection: /sbin/init as args[0] without the annotation
    cfg 'del(.annotations["org.runlxc.rich"]) | .process.args = ["/sbin/init"]'
    rl create "$ID"
    [ "$(jq .stop_signal "$ROOT/$ID/state.json")" -eq "$(kill -l PWR)" ]   # busybox init: not systemd
    rl delete --force "$ID"
    cfg '.annotations["org.runlxc.rich"] = "yes"'
    run rl create "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *'annotations.org.runlxc.rich'*'must be "true" or "false"'* ]]
    assert_no_leftovers "$ID"
    cfg '.annotations["org.runlxc.rich"] = "true" | .annotations["org.runlxc.stop-signal"] = "SIGNOPE"'
    run rl create "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"annotations.org.runlxc.stop-signal: unknown signal 'SIGNOPE'"* ]]
    assert_no_leftovers "$ID"
    teardown_bundle
}

@test "kill without a signal sends SIGTERM to a container that is not rich, as runc" {
    setup_bundle
    args sh -c 'trap "echo got-term > /tmp/t; exit 7" TERM; while :; do sleep 0.1; done'
    cfg '.root.readonly = false'
    rl create "$ID"
    rl start "$ID"
    sleep 0.5
    if jq -e .stop_signal "$ROOT/$ID/state.json" >/dev/null; then false; fi
    rl kill "$ID"
    for i in $(seq 40); do [ "$(rl state "$ID" | jq -r .status)" = stopped ] && break; sleep 0.25; done
    [ "$(cat "$B/rootfs/tmp/t")" = got-term ]
    rl delete "$ID"
    teardown_bundle
}
