#!/usr/bin/env bats
# runc's CVE classes as regression tests (issue 15, part 6): each case is the attack, run by
# the real binary on a real container, and a check that it reached nothing. Where runc's
# answer is the contract (mounts inside /proc), runc runs the same bundle beside runlxc.
# CVE-2024-21626 on exec is in exec.bats; the exec agent's non-dumpability in agent.bats.
load helpers

setup() {
    setup_bundle
    cfg '.root.readonly = false'
}
teardown() {
    local d
    for d in "$T"/runc/*/; do
        [ -d "$d" ] && runc --root "$T/runc" delete --force "$(basename "$d")" >/dev/null 2>&1
    done
    teardown_bundle
}

runtime_files() { # the host's runtime binaries, hashed
    local bin init
    bin=$(command -v "$RUNLXC_BIN")
    init=$(dirname "$(dirname "$bin")")/libexec/runlxc/runlxc-init
    sha256sum "$bin" "$init"
}

@test "CVE-2019-5736: a process in the container cannot write the runtime through /proc/PID/exe" {
    RUNLXC_BIN=${RUNLXC_HOST:-$RUNLXC}
    [ -x "$(command -v "$RUNLXC_BIN")" ] || RUNLXC_BIN=runlxc
    local before
    before=$(runtime_files)
    # A startContainer hook runs in the container as the runtime's child: it keeps an fd on the
    # runtime's executable, and a background copy of it tries to write through that fd once
    # the runtime has exec'd the payload (the file is then no longer busy).
    cat > "$B/rootfs/hook.sh" <<'EOF'
#!/bin/sh
readlink /proc/$PPID/exe > /hook.out
(
    exec 3< /proc/$PPID/exe || exit 0
    for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        sleep 0.1
        if (printf 'hacked' 1<> /proc/self/fd/3) 2>/dev/null; then echo WROTE >> /hook.out; exit 0; fi
    done
    echo refused >> /hook.out
) &
EOF
    chmod +x "$B/rootfs/hook.sh"
    cfg '.hooks.startContainer = [{"path": "/hook.sh"}]'
    args sh -c 'sleep 3; cat /hook.out'
    run rl run "$ID"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "/memfd:runlxc-init"* || "${lines[0]}" == *"(deleted)"* ]] || ! feature memfd_create
    [[ "$output" != *WROTE* ]]
    [ "$(runtime_files)" = "$before" ]
    # an exec'd process sees no runtime process at all: its parent is outside the container
    args sleep 100
    rl run -d "$ID-2"
    run rl exec "$ID-2" sh -c 'grep ^PPid /proc/self/status'
    [ "$output" = "PPid:	0" ]
}

@test "CVE-2024-21626: process.cwd through a leaked fd never lands on the host" {
    for fd in 3 4 5 6 7 8 9; do
        cfg --arg c "/proc/self/fd/$fd" '.process.cwd = $c'
        args sh -c 'pwd; ls /etc/os-release 2>/dev/null; cat /etc/hostname'
        run bash -c "exec 7</; cd '$B' && exec '$RUNLXC' --root '$ROOT' run '$ID-$fd'"
        echo "fd $fd: $output"
        # refused, or inside the container: never the host's root
        [[ "$output" != *"/etc/os-release"* ]]
        [[ "$output" != *"$(hostname)"* ]] || [ "$(hostname)" = runlxc ]
        "$RUNLXC" --root "$ROOT" delete --force "$ID-$fd" >/dev/null 2>&1 || true
    done
}

@test "CVE-2021-30465: a mount destination swapped for a symlink during create stays in the rootfs" {
    mkdir -p "$T/host-target" "$B/rootfs/mnt"
    touch "$T/host-target/marker"
    cfg '.mounts += [{"destination": "/mnt/vol", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]}]'
    args sh -c 'echo inside > /mnt/vol/written'
    # the attacker swaps /mnt/vol between a directory and a link to the host's directory
    (
        set +e
        while [ ! -e "$T/stop" ]; do
            rm -rf "$B/rootfs/mnt/vol.new"; mkdir "$B/rootfs/mnt/vol.new"; mv -T "$B/rootfs/mnt/vol.new" "$B/rootfs/mnt/vol" 2>/dev/null
            ln -sfn "$T/host-target" "$B/rootfs/mnt/vol.lnk"; mv -T "$B/rootfs/mnt/vol.lnk" "$B/rootfs/mnt/vol" 2>/dev/null
        done
    ) 3>&- &
    local swapper=$! i
    for i in $(seq 20); do
        rl run "$ID-$i" >/dev/null 2>&1 || true
        rl delete --force "$ID-$i" >/dev/null 2>&1 || true
    done
    touch "$T/stop"
    wait $swapper || true
    # the host directory was never mounted over or written
    if grep -q " $T/host-target " /proc/self/mountinfo; then false; fi
    [ "$(ls "$T/host-target")" = marker ]
}

@test "CVE-2019-16884, CVE-2019-19921: nothing is mounted inside /proc but lxcfs's files, as runc refuses" {
    local dst
    for dst in /proc/sys /proc/self/attr /proc/self/oom_score_adj /proc/sys/kernel/core_pattern /proc/foo; do
        cfg 'del(.mounts[] | select(.destination | startswith("/proc/")))'
        cfg --arg d "$dst" '.mounts += [{"destination": $d, "type": "bind", "source": "/etc/hostname", "options": ["bind"]}]'
        run rl run "$ID"
        echo "$dst: $output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"\"$dst\" cannot be mounted because it is inside /proc"* ]]
        assert_no_leftovers "$ID"
        run runc --root "$T/runc" run --bundle "$B" "$ID-runc"
        [ "$status" -ne 0 ]
        [[ "$output" == *"cannot be mounted because it is inside /proc"* ]]
    done
    # /proc itself takes only proc; lxcfs's files are allowed, as in runc
    cfg 'del(.mounts[] | select(.destination | startswith("/proc/")))'
    cfg '.mounts += [{"destination": "/proc/meminfo", "type": "bind", "source": "/etc/hostname", "options": ["bind"]}]'
    args cat /proc/meminfo
    run rl run "$ID"
    [ "$status" -eq 0 ]
    [ "$output" = "$(cat /etc/hostname)" ]
}

@test "CVE-2022-29162: no inheritable capabilities unless the config lists them (init and exec)" {
    args sleep 100
    rl run -d "$ID"
    run rl exec "$ID" grep CapInh /proc/1/status /proc/self/status
    [[ "${lines[0]}" == *"CapInh:	0000000000000000" ]]
    [[ "${lines[1]}" == *"CapInh:	0000000000000000" ]]
}

# Runs `RUNTIME... exec $ID /bin/true` under strace, which stops the exec's init at the
# payload's execve (made to fail): its capabilities are already the payload's, so only its
# dumpability stands between it and the container's root. Sets STOPPED to its pid in the
# container, SPID to strace's pid.
exec_stopped_before_payload() {
    local log=$T/strace-${1##*/}.log pid i
    strace -f -qq -o "$log" -P /bin/true -e trace=execve -e inject=execve:error=EPERM:signal=STOP:when=1 \
        "$@" exec "$ID" /bin/true </dev/null >/dev/null 2>&1 3>&- &
    SPID=$!
    for i in $(seq 300); do grep -q "stopped by SIGSTOP" "$log" 2>/dev/null && break; sleep 0.1; done
    pid=$(awk '/stopped by SIGSTOP/ {print $1; exit}' "$log")
    [ -n "$pid" ] || { cat "$log"; return 1; }
    tr '\0' ' ' < "/proc/$pid/cmdline"; echo
    grep -E '^(CapEff|Uid)' "/proc/$pid/status"
    STOPPED=$(awk '/^NSpid/ {print $NF}' "/proc/$pid/status")
}

@test "CVE-2016-9962: the exec's init cannot be read by the container's root before the payload runs, as runc's" {
    command -v strace >/dev/null || skip "strace is not installed"
    args sleep 100
    local rt probe='readlink /proc/1/fd/0; ls -l /proc/$0/fd/0; cat /proc/$0/environ >/dev/null'
    for rt in runlxc runc; do
        if [ $rt = runlxc ]; then set -- "$RUNLXC" --root "$ROOT"; else set -- runc --root "$T/runc"; fi
        (cd "$B" && "$@" run -d "$ID" </dev/null >/dev/null 2>&1)
        exec_stopped_before_payload "$@"
        run "$@" exec "$ID" sh -c "$probe" "$STOPPED"
        kill -KILL "$SPID"
        wait "$SPID" || true
        echo "$rt: $output"
        # the payload (PID 1) is readable, so the probe could read the stopped init if it were
        [ "${lines[0]}" = /dev/null ]
        [[ "$output" == *"/proc/$STOPPED/fd/0"*"Permission denied"* ]]
        [[ "$output" == *"/proc/$STOPPED/environ"*"Permission denied"* ]]
        "$@" delete --force "$ID"
    done
}

@test "CVE-2025-31133: a rootfs whose /dev/null is a symlink cannot turn a masked path into its target" {
    # no /dev tmpfs: the rootfs's own /dev is used, and its null is a link to a proc file
    cfg '.mounts |= map(select(.destination | startswith("/dev") | not))'
    rm -f "$B/rootfs/dev/null"
    mkdir -p "$B/rootfs/dev"
    ln -s /proc/sys/kernel/core_pattern "$B/rootfs/dev/null"
    args sh -c 'grep -c core_pattern /proc/self/mountinfo'
    run rl run "$ID"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" == *"linux.maskedPaths: /dev/null in the container is not the null device (a symlink)"* ]]
    assert_no_leftovers "$ID"
}

# liblxc's child fchmods its stdio to 0700 unless they are the device the container's
# /dev/null is (fix_stdio_permissions). Stdio here is a private node of the null device (a
# regression changes its mode, never the host's /dev/null) and a file of the caller's.
stdio_modes_kept() { # ID: runs the bundle with that stdio; both modes must stay as they were
    mknod -m 666 "$T/null" c 1 3
    : > "$T/out"; chmod 640 "$T/out"
    rl run "$1" < "$T/null" > "$T/out" 2>&1 || true
    cat "$T/out"
    [ "$(stat -c %a "$T/null")" = 666 ]
    [ "$(stat -c %a "$T/out")" = 640 ]
}

@test "CVE-2025-31133 class: an image's /dev/null symlink does not get liblxc to chmod the caller's stdio" {
    cfg '.mounts |= map(select(.destination | startswith("/dev") | not))'
    rm -f "$B/rootfs/dev/null"
    mkdir -p "$B/rootfs/dev"
    ln -s /proc/sys/kernel/core_pattern "$B/rootfs/dev/null"
    args true
    stdio_modes_kept "$ID"
    assert_no_leftovers "$ID"
}

@test "a rootfs with its own /dev: the caller's stdio files keep their modes, and the payload still writes to them" {
    cfg '.mounts |= map(select(.destination | startswith("/dev") | not))'
    mkdir -p "$B/rootfs/dev"
    rm -f "$B/rootfs/dev/null"
    mknod -m 666 "$B/rootfs/dev/null" c 1 3
    args sh -c 'echo from-the-payload; read x || echo stdin-ended'
    stdio_modes_kept "$ID"
    grep -q '^from-the-payload$' "$T/out"
    grep -q '^stdin-ended$' "$T/out"
    assert_no_leftovers "$ID"
}

@test "CVE-2025-52565: a rootfs whose /dev/console is a symlink gets no mount at its target" {
    cfg '.mounts |= map(select(.destination != "/dev"))'
    mkdir -p "$B/rootfs/dev"
    ln -sfn /proc/sys/kernel/core_pattern "$B/rootfs/dev/console"
    cfg '.process.terminal = true'
    args sh -c 'grep -c core_pattern /proc/self/mountinfo; tty'
    run run_with_console "$ID" "$T/console.out"
    echo "$output"
    grep -q '/dev/pts/' "$T/console.out"
    [ "$(head -1 "$T/console.out" | tr -d '\r')" = 0 ] || grep -q '^0' "$T/console.out"
    [ "$(cat /proc/sys/kernel/core_pattern)" = "$(cat /proc/sys/kernel/core_pattern)" ]
}

@test "CVE-2025-52881: the runtime's own writes to /proc cannot be redirected by a mount" {
    # a mount that would take the oom_score_adj write is refused before anything runs
    cfg '.process.oomScoreAdj = 100'
    cfg '.mounts += [{"destination": "/proc/self/oom_score_adj", "type": "bind", "source": "/etc/hostname", "options": ["bind"]}]'
    run rl run "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"cannot be mounted because it is inside /proc"* ]]
    # without it the write lands in procfs
    cfg 'del(.mounts[] | select(.destination == "/proc/self/oom_score_adj"))'
    args cat /proc/self/oom_score_adj
    run rl run "$ID"
    [ "$status" -eq 0 ]
    [ "$output" = 100 ]
}

@test "hostile configs: 10,000 levels deep, 100 MB, 10,000 mounts: a clear error or a run, memory bounded" {
    python3 - "$B/config.json" "$T" <<'EOF'
import json, sys
base = json.load(open(sys.argv[1]))
base["process"]["args"] = ["true"]
s = json.dumps(base)
open(sys.argv[2] + "/deep.json", "w").write(s[:-1] + ', "deep": ' + "[" * 10000 + "]" * 10000 + "}")
big = json.loads(s); big["annotations"] = {"big": "x" * (100 << 20)}
json.dump(big, open(sys.argv[2] + "/big.json", "w"))
many = json.loads(s)
many["mounts"] += [{"destination": "/m/%d" % i, "type": "tmpfs", "source": "tmpfs", "options": ["size=4k"]} for i in range(10000)]
json.dump(many, open(sys.argv[2] + "/many.json", "w"))
EOF
    cp "$T/deep.json" "$B/config.json"
    run rl run "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"config.json: syntax error at line 1, column "*"nesting too deep"* ]]
    assert_no_leftovers "$ID"
    local kb
    for f in big many; do
        cp "$T/$f.json" "$B/config.json"
        run /usr/bin/time -f "maxrss %M" bash -c "cd '$B' && '$RUNLXC' --root '$ROOT' run '$ID-$f'"
        echo "$f: $output"
        [ "$status" -eq 0 ]
        kb=$(sed -n 's/^maxrss //p' <<< "$output")
        [ "$kb" -lt 1048576 ]    # under 1 GiB for a 100 MB config
        rl delete --force "$ID-$f" >/dev/null 2>&1 || true
        assert_no_leftovers "$ID-$f"
    done
}
