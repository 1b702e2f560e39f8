#!/usr/bin/env bats
# runc's behaviour where runlxc differed (issue 12): each test names the runc rule it holds
# runlxc to, and runs runc on the same bundle where runc's answer shows what is expected.
load helpers

setup() { setup_bundle; }
teardown() {
    if [ -n "${RUNC_ROOT:-}" ]; then
        for d in "$RUNC_ROOT"/*; do [ -d "$d" ] && runc --root "$RUNC_ROOT" delete -f "$(basename "$d")" >/dev/null 2>&1; done
    fi
    teardown_bundle
}

have_runc() { command -v runc >/dev/null || skip "runc is not installed"; RUNC_ROOT=$T/runc-state; }
# What a busybox payload and runc's own init (after it loads a no_new_privs filter: the
# exec.fifo, its fd walk, Go's runtime) call: deny-by-default profiles below allow this.
SECCOMP_ALLOW='["execve","exit_group","exit","brk","arch_prctl","set_tid_address","set_robust_list","rseq",
        "prlimit64","mmap","munmap","mprotect","getuid","geteuid","getgid","getegid","getpid","getppid",
        "write","writev","read","rt_sigaction","rt_sigprocmask","rt_sigreturn","ioctl","fstat","newfstatat",
        "readlink","getrandom","uname","fcntl","close","openat","open","futex","statfs","fstatfs","nanosleep","sched_yield","sigaltstack","gettid","tgkill","clone","wait4","epoll_pwait","epoll_ctl","mincore","madvise","setgroups","setresuid","setresgid","capget","capset","prctl","getdents64","lseek","pread64","sysinfo"]'
# seccomp user notification (Linux 5.0): the action is available to seccomp(2).
rlx_kernel_has_notify() { runtime_check; jq -e '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")' <<< "$("$RUNLXC" features)" >/dev/null; }
status_of() { "$@" state "$ID" 2>/dev/null | jq -r .status; }

# Created with stdio on pipes from a non-tty parent, started, and signalled as soon as
# `state` says running: the payload's trap must run and the container stop (issue 12.5).
signal_reaches_payload() {
    local rt=("$@") sig
    for sig in TERM USR2 USR1 HUP; do
        rm -f "$B/rootfs/got-$sig"
        args sh -c "trap 'touch /got-$sig; exit 0' $sig; sleep 30 & wait \$!"
        (cd "$B" && exec "${rt[@]}" create "$ID") < <(sleep 40) > "$T/create.out" 2>&1
        (cd "$B" && exec "${rt[@]}" start "$ID")
        until [ "$(status_of "${rt[@]}")" = running ]; do :; done
        "${rt[@]}" kill "$ID" "$sig"
        # The trap ends the container at once; a signal that was lost leaves it sleeping.
        for _ in $(seq 100); do [ "$(status_of "${rt[@]}")" = stopped ] && break; sleep 0.1; done
        [ -e "$B/rootfs/got-$sig" ] || { echo "${rt[0]}: SIG$sig never reached the payload's trap"; return 1; }
        "${rt[@]}" delete -f "$ID"
    done
}

@test "kill: a signal sent as soon as state says running reaches the payload's trap (TERM USR2 USR1 HUP)" {
    cfg '.root.readonly = false'
    signal_reaches_payload "$RUNLXC" --root "$ROOT"
}

# runc's start reads exec.fifo to EOF, which comes when init execs the payload: until then
# init is the pid namespace's init without handlers and the kernel drops the signal. A
# startContainer hook (run by init between the fifo and the exec) holds that window open.
@test "start: returns once the payload runs, so a signal after start is not lost (runc and runlxc)" {
    cfg '.root.readonly = false | .hooks.startContainer = [{"path": "/bin/sleep", "args": ["sleep", "0.5"]}]'
    signal_reaches_payload "$RUNLXC" --root "$ROOT"
    have_runc
    signal_reaches_payload runc --root "$RUNC_ROOT"
}

# runc lists containers in name order with the state directory owner's user name; the
# table's columns are laid out by Go's tabwriter (issue 12.9).
@test "list: name order, OWNER filled and columns laid out as runc's (side by side)" {
    have_runc
    local rt id
    for id in "$ID-b" "$ID-c" "$ID-a"; do
        rl create "$id" </dev/null >/dev/null 2>&1
        (cd "$B" && runc --root "$RUNC_ROOT" create "$id") </dev/null >/dev/null 2>&1
    done
    # Same ids, bundles and owners: the tables differ only in PID and CREATED, so blank those.
    blank() { awk 'NR == 1 {print; next} {$2 = "-"; $5 = "-"; print}'; }
    run rl list
    [ "$status" -eq 0 ]
    local mine=$output
    [ "$(echo "$mine" | awk 'NR > 1 {print $1}' | tr '\n' ' ')" = "$ID-a $ID-b $ID-c " ]
    [ "$(echo "$mine" | awk 'NR > 1 {print $6}' | sort -u)" = "root" ]
    run runc --root "$RUNC_ROOT" list
    [ "$(blank <<< "$mine")" = "$(blank <<< "$output")" ]
    # Header and row alignment too: each column starts where runc's does.
    [ "$(head -1 <<< "$mine")" = "$(head -1 <<< "$output")" ]
    run rl list --format json
    [ "$(jq -r '[.[].id] | join(" ")' <<< "$output")" = "$ID-a $ID-b $ID-c" ]
    [ "$(jq -r '[.[].owner] | unique | join(" ")' <<< "$output")" = "root" ]
    run rl list -q
    [ "$output" = "$(printf '%s\n' "$ID-a" "$ID-b" "$ID-c")" ]
}

@test "kill: signal 0 checks liveness (running 0, stopped 1) as runc; kill --all of a stopped container succeeds" {
    have_runc
    args sleep 30
    local rt
    for rt in "$RUNLXC --root $ROOT" "runc --root $RUNC_ROOT"; do
        (cd "$B" && exec $rt create "$ID") </dev/null >/dev/null 2>&1
        run $rt kill "$ID" 0
        [ "$status" -eq 0 ] || { echo "$rt kill ID 0 (created): $output"; return 1; }
        $rt start "$ID"
        run $rt kill "$ID" 0
        [ "$status" -eq 0 ]
        $rt kill "$ID" KILL
        for _ in $(seq 50); do [ "$($rt state "$ID" | jq -r .status)" = stopped ] && break; sleep 0.1; done
        run $rt kill "$ID" 0
        [ "$status" -eq 1 ] || { echo "$rt kill ID 0 (stopped) gave $status"; return 1; }
        run $rt kill --all "$ID" KILL
        [ "$status" -eq 0 ] || { echo "$rt kill --all (stopped): $output"; return 1; }
        $rt delete "$ID"
    done
}

# Scripts make bundles with `spec` and pass --console-socket: runc's default has a terminal
# (issue 12.1). Compared key by key with runc's, less the runtime's own name.
@test "spec: writes runc's default (terminal true, same mounts, namespaces, masks), and --rootless as runc" {
    have_runc
    local flag norm='del(.hostname, .ociVersion)'
    mkdir -p "$T/a" "$T/b"
    for flag in "" --rootless; do
        rm -f "$T/a/config.json" "$T/b/config.json"
        "$RUNLXC" spec $flag --bundle "$T/a"
        runc spec $flag --bundle "$T/b"
        if ! feature "ambient capabilities" || ! feature no_new_privs; then
            norm="$norm | del(.process.capabilities.ambient, .process.noNewPrivileges)"   # this kernel lacks them
        fi
        diff <(jq -S "$norm" "$T/b/config.json") <(jq -S "$norm" "$T/a/config.json")
    done
    jq -e '.process.terminal == true' "$T/a/config.json"
}

@test "spec: the default bundle runs with --console-socket and the payload sees a terminal" {
    rm "$B/config.json"
    "$RUNLXC" spec --bundle "$B"
    args sh -c 'tty; sleep 0.3'
    run_with_console "$ID" "$T/console.out"
    grep -q "^/dev/pts/[0-9]" "$T/console.out"
}

# runc's hooks.bats: a failing hook is named "error running KIND hook #N:"; creation hooks
# fail create, a startContainer hook stops the container before the payload (OCI: generate an
# error, stop the container). poststart only warns: the OCI spec says the lifecycle continues
# (runc 1.1.5 fails the run there instead).
@test "hooks: a failing hook is reported as \"error running KIND hook #1:\" and the payload does not run" {
    args /bin/echo "Hello World"
    local hook
    for hook in prestart createRuntime createContainer startContainer; do
        cfg --arg h "$hook" '.hooks = {($h): [{"path": "/bin/true"}, {"path": "/bin/false"}]}'
        run rl run "$ID-$hook"
        echo "$hook: $status: $output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"error running $hook hook #1:"* ]]
        [[ "$output" != *"Hello World"* ]]
        rl delete -f "$ID-$hook" 2>/dev/null || true
        assert_no_leftovers "$ID-$hook"
    done
    cfg '.hooks = {"createRuntime": [{"path": "/bin/true"}, {"path": "/bin/false"}]}'
    run rl create "$ID" </dev/null
    [ "$status" -ne 0 ]
    [[ "$output" == *"error running createRuntime hook #1:"* ]]
    assert_no_leftovers "$ID"
}

@test "hooks: each kind gets the state runc gives it on stdin (status creating for creation hooks)" {
    have_runc
    local rt kind hooks='{}'
    for kind in prestart createRuntime createContainer poststop; do
        hooks=$(jq -c --arg k "$kind" --arg f "$T/KIND-$kind" \
            '.[$k] = [{"path": "/bin/sh", "args": ["sh", "-c", ("cat > " + $f + ".$RT")], "env": ["RT=RUNTIME"]}]' <<< "$hooks")
    done
    args true
    for rt in runlxc runc; do
        cfg --argjson h "$(sed "s/RUNTIME/$rt/g" <<< "$hooks")" '.hooks = $h'
        if [ $rt = runlxc ]; then rl run "$ID" >/dev/null; rl delete "$ID" 2>/dev/null || true
        else (cd "$B" && runc --root "$RUNC_ROOT" run "$ID") >/dev/null; runc --root "$RUNC_ROOT" delete "$ID" 2>/dev/null || true; fi
    done
    for kind in prestart createRuntime createContainer poststop; do
        local q='{status, id, bundle, pid_set: (.pid > 0)}'
        echo "$kind: $(jq -c "$q" "$T/KIND-$kind.runlxc") vs runc $(jq -c "$q" "$T/KIND-$kind.runc")"
        [ "$(jq -c "$q" "$T/KIND-$kind.runlxc")" = "$(jq -c "$q" "$T/KIND-$kind.runc")" ]
    done
    [ "$(jq -r .status "$T/KIND-createRuntime.runlxc")" = creating ]
}

# runc applies the cgroups before it runs prestart and createRuntime: a hook that finds the
# container's cgroup through /proc/<state.pid>/cgroup (nvidia's hook writes its device rules
# there) finds linux.cgroupsPath. On liblxc before 2.1, where runlxc places the cgroups itself,
# init was still in liblxc's /lxc/<id> at hook time.
@test "hooks: prestart and createRuntime find state.pid in linux.cgroupsPath, as under runc" {
    have_runc
    local rt kind
    [ -d /sys/fs/cgroup/memory ] || skip "no cgroup v1 memory hierarchy"
    cat > "$T/cg-hook" <<EOS
#!/bin/sh
pid=\$(sed 's/.*"pid":\([0-9]*\).*/\\1/')
grep -E '^[0-9]+:memory:' /proc/\$pid/cgroup | cut -d: -f3 > "$T/cg-\$1"
EOS
    chmod +x "$T/cg-hook"
    args true
    for rt in runlxc runc; do
        cfg --arg h "$T/cg-hook" --arg p "/rlx-hookcg-$ID-$rt" '.linux.cgroupsPath = $p
            | .hooks = {"prestart": [{"path": $h, "args": ["cg-hook", "prestart-\($p | split("-") | last)"]}],
                        "createRuntime": [{"path": $h, "args": ["cg-hook", "createRuntime-\($p | split("-") | last)"]}]}'
        if [ $rt = runlxc ]; then rl run "$ID" >/dev/null
        else (cd "$B" && runc --root "$RUNC_ROOT" run "$ID") >/dev/null; fi
        for kind in prestart createRuntime; do
            echo "$rt $kind: $(cat "$T/cg-$kind-$rt")"
            [ "$(cat "$T/cg-$kind-$rt")" = "/rlx-hookcg-$ID-$rt" ]
        done
    done
    assert_no_leftovers "$ID"
    [ ! -d "/sys/fs/cgroup/memory/rlx-hookcg-$ID-runlxc" ]
}

# runc runs prestart and createRuntime hooks in the runtime's namespaces and createContainer
# hooks in the container's mount namespace, all after the mounts and before pivot_root, with
# the rootfs mounted at root.path there: a hook that bind-mounts onto root.path/... (entering
# the mount namespace by state.pid, as nvidia's and many CNI-adjacent hooks do, or directly
# from createContainer, whose cwd is the rootfs) changes the container's root and never the
# host's (issue 28.4).
@test "hooks: a creation hook's bind mount onto root.path lands in the container, not on the host (runc and runlxc)" {
    have_runc
    local kind rt out
    for kind in prestart createRuntime createContainer; do
        mkdir -p "$T/src-$kind" "$B/rootfs/mnt-$kind"
        echo "marker-$kind" > "$T/src-$kind/marker"
    done
    # The host pid from the state on stdin; nsenter into its mount namespace for the hooks that
    # run in the runtime's, a plain mount for createContainer (already in the container's).
    cat > "$T/enter-hook" <<EOS
#!/bin/sh
pid=\$(sed 's/.*"pid":\([0-9]*\).*/\\1/')
exec nsenter --mount --target "\$pid" mount --bind "$T/src-\$1" "$B/rootfs/mnt-\$1"
EOS
    # runc runs createContainer hooks from the rootfs (its hooks.bats mounts onto ./lib/...).
    cat > "$T/plain-hook" <<EOS
#!/bin/sh
exec mount --bind "$T/src-\$1" "./mnt-\$1"
EOS
    chmod +x "$T/enter-hook" "$T/plain-hook"
    cfg --arg e "$T/enter-hook" --arg p "$T/plain-hook" '.hooks = {
        "prestart": [{"path": $e, "args": ["enter-hook", "prestart"], "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]}],
        "createRuntime": [{"path": $e, "args": ["enter-hook", "createRuntime"], "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]}],
        "createContainer": [{"path": $p, "args": ["plain-hook", "createContainer"], "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]}]}'
    args sh -c 'cat /mnt-prestart/marker /mnt-createRuntime/marker /mnt-createContainer/marker'
    for rt in "runc --root $RUNC_ROOT" "$RUNLXC --root $ROOT"; do
        run bash -c "cd $B && $rt run $ID"
        echo "$rt: $status $output"
        [ "$status" -eq 0 ]
        [ "$(echo $output)" = "marker-prestart marker-createRuntime marker-createContainer" ]
        # Nothing was mounted in the host's mount namespace.
        ! grep -q " $B/rootfs/mnt-" /proc/self/mountinfo
        $rt delete -f "$ID" 2>/dev/null || true
    done
}

# OCI: a namespace type not listed is the runtime's own (issue 12.4). The container's
# /proc/self/ns link must equal the runtime's for each type left out, under runc too.
@test "namespaces: types not listed (pid, network, ipc, uts with an empty hostname) are the runtime's own" {
    have_runc
    local t link rt
    for t in pid network ipc uts; do
        link=$t; [ $t = network ] && link=net
        cfg --arg t "$t" 'del(.linux.namespaces[] | select(.type == $t)) | .hostname = ""'
        args readlink /proc/self/ns/$link
        if [ $t = pid ] && ! liblxc_at_least 3.0; then
            # README, Legacy liblxc: refused by name, nothing left.
            run bash -c "cd $B && $RUNLXC --root $ROOT run $ID-$t"
            [ "$status" -ne 0 ] && [[ "$output" == *"liblxc 3.0 or later"* ]]
            assert_no_leftovers "$ID-$t"
            cfg --arg t "$t" '.linux.namespaces += [{"type": $t}]'
            continue
        fi
        for rt in "$RUNLXC --root $ROOT" "runc --root $RUNC_ROOT"; do
            run bash -c "cd $B && $rt run $ID-$t"
            echo "$rt without $t: $status $output; host $(readlink /proc/self/ns/$link)"
            [ "$status" -eq 0 ]
            [ "$output" = "$(readlink /proc/self/ns/$link)" ]
        done
        cfg --arg t "$t" '.linux.namespaces += [{"type": $t}]'
    done
}

@test "namespaces: a uts namespace joined by path gets the spec's hostname, as runc sets it" {
    have_runc
    unshare --uts sleep 100 &
    local holder=$! rt
    for _ in $(seq 50); do [ "$(readlink /proc/$holder/ns/uts)" != "$(readlink /proc/self/ns/uts)" ] && break; sleep 0.05; done
    cfg --arg p "/proc/$holder/ns/uts" '.linux.namespaces |= map(if .type == "uts" then .path = $p else . end)'
    args sh -c 'hostname; readlink /proc/self/ns/uts'
    for rt in "$RUNLXC --root $ROOT" "runc --root $RUNC_ROOT"; do
        cfg --arg h "name-${rt%% *}" '.hostname = $h'
        run bash -c "cd $B && $rt run $ID"
        echo "$rt: $status $output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "name-${rt%% *}" ]
        [ "${lines[1]}" = "$(readlink /proc/$holder/ns/uts)" ]
        [ "$(nsenter -t $holder -u hostname)" = "name-${rt%% *}" ]
    done
    kill $holder
    [ "$(hostname)" != "name-runlxc" ]
}

@test "namespaces: no mount namespace, or one joined by path, is refused before liblxc runs and leaves nothing" {
    cfg 'del(.linux.namespaces[] | select(.type == "mount"))'
    run rl run "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"linux.namespaces: a new mount namespace is required"* ]]
    assert_no_leftovers "$ID"
    cfg '.linux.namespaces += [{"type": "mount", "path": "/proc/self/ns/mnt"}]'
    run rl run "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"joining a mount namespace by path (/proc/self/ns/mnt) is not possible"* ]]
    assert_no_leftovers "$ID"
}

@test "namespaces: a hostname without a uts namespace is refused as runc refuses it" {
    have_runc
    cfg 'del(.linux.namespaces[] | select(.type == "uts")) | .hostname = "x"'
    run rl run "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"hostname: unable to set a hostname without a private uts namespace"* ]]
    assert_no_leftovers "$ID"
    run bash -c "cd $B && runc --root $RUNC_ROOT run $ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"without a private UTS namespace"* ]]
}

# runc loads a no_new_privs filter as late as it can (the list carries what runc's own init
# still calls under it: the exec.fifo, its fd walk, Go's runtime): a profile that denies everything by
# default (here with ENXIO, defaultErrnoRet) and allows only what the payload needs must not
# break the runtime's own setup (chdir, getcwd, the start handshake) (issue 12.7).
@test "seccomp: a deny-by-default profile (defaultErrnoRet ENXIO, no chdir/getcwd) runs its payload, as under runc" {
    have_runc
    cfg --argjson a "$SECCOMP_ALLOW" '.process.noNewPrivileges = true | .linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": 6, "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": [{"names": $a, "action": "SCMP_ACT_ALLOW"}]}'
    args sh -c 'echo payload-ran; cd /tmp; echo "cd: $?"'
    local rt
    for rt in "$RUNLXC --root $ROOT" "runc --root $RUNC_ROOT"; do
        run bash -c "cd $B && $rt run $ID"
        echo "$rt: $status: $output"
        [ "$status" -eq 0 ]
        [[ "$output" == *payload-ran* ]]
        [[ "$output" == *"cd: 2"* ]]   # the payload's own chdir is denied: the profile is in force
    done
}

# runc enters process.cwd before it drops to the process's user, and again after only if
# root was refused (runc's cwd.bats); the terminal belongs to the process's user (tty.bats).
@test "process: a cwd only root can enter works for a non-root user; its tty is owned by uid:tty as runc" {
    have_runc
    mkdir -p "$B/rootfs/private"
    chmod 700 "$B/rootfs/private"
    cfg '.process.cwd = "/private" | .process.user = {"uid": 1000, "gid": 100}'
    args sh -c 'pwd; ls . >/dev/null 2>&1; echo "ls: $?"'
    local rt
    for rt in "$RUNLXC --root $ROOT" "runc --root $RUNC_ROOT"; do
        run bash -c "cd $B && $rt run $ID"
        echo "$rt: $status: $output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = /private ]
        [ "${lines[1]}" = "ls: 1" ]   # the user cannot read it: only the chdir was root's
    done
    cfg '.process.cwd = "/" | .process.terminal = true'
    args sh -c 'stat -c %u:%g $(tty); sleep 0.3'
    run_with_console "$ID-tty" "$T/console.out"
    grep -q "^1000:5" "$T/console.out"
}

@test "exec --user 0 into a container whose cwd its user cannot enter" {
    mkdir -p "$B/rootfs/private"
    chmod 700 "$B/rootfs/private"
    cfg '.process.cwd = "/private" | .process.user = {"uid": 1000, "gid": 100}'
    args sleep 30
    rl run -d "$ID"
    run rl exec --user 0 "$ID" sh -c 'pwd; id -u'
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$output" = "$(printf '/private\n0')" ]
    run rl exec "$ID" pwd
    [ "$status" -eq 0 ]
    [ "$output" = /private ]
}

# /probe under a profile that allows only SECCOMP_ALLOW, with default action $1, run by runlxc
# and by runc: each exits 0 and prints the lines $2...
probe_under_profile() {
    local def=$1 rt i
    shift
    cfg --argjson a "$SECCOMP_ALLOW" --arg d "$def" '.process.noNewPrivileges = true | .process.args = ["/probe"]
        | .linux.seccomp = {"defaultAction": $d, "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": [{"names": $a, "action": "SCMP_ACT_ALLOW"}]}'
    for rt in "$RUNLXC --root $ROOT" "runc --root $RUNC_ROOT"; do
        run bash -c "cd $B && $rt run $ID"
        echo "$def: $rt: $status: $output"
        [ "$status" -eq 0 ]
        for ((i = 1; i <= $#; i++)); do
            [ "${lines[i - 1]}" = "${!i}" ]
        done
    done
}

# runc answers ENOSYS, not the default action, for a syscall newer than every one the profile
# names, so that libc falls back (clone3 -> clone) (issue 12.7).
@test "seccomp: a syscall newer than the profile's newest gets ENOSYS, others the default action (as runc)" {
    have_runc
    command -v musl-gcc >/dev/null || skip "musl-gcc is not installed"
    cat > "$T/probe.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
    long r = syscall(435 /* clone3, newer than the profile */, NULL, 0);
    printf("clone3: %s\n", r < 0 ? strerror(errno) : "allowed");
    r = syscall(SYS_getcwd, NULL, 0);   /* older than the profile's newest, not allowed */
    printf("getcwd: %s\n", r < 0 ? strerror(errno) : "allowed");
    return 0;
}
C
    musl-gcc -static -o "$B/rootfs/probe" "$T/probe.c"
    probe_under_profile SCMP_ACT_ERRNO "clone3: Function not implemented" "getcwd: Operation not permitted"
}

# runc's -ENOSYS stub covers every number above the profile's newest for the architecture of
# the call, also numbers no libseccomp knows (runc's own "seccomp -ENOSYS handling" test calls
# syscall 1000), whatever the default action that is not "allow" (errno, kill, trap).
@test "seccomp: a syscall number no libseccomp knows gets ENOSYS under any blocking default action (as runc)" {
    have_runc
    command -v musl-gcc >/dev/null || skip "musl-gcc is not installed"
    cat > "$T/probe.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
    long r = syscall(1000, 0xdeadbeef, 0xcafefeed, 0x1337);
    printf("syscall 1000: %s\n", r < 0 ? strerror(errno) : "allowed");
    r = syscall(435 /* clone3 */, NULL, 0);
    printf("clone3: %s\n", r < 0 ? strerror(errno) : "allowed");
    return 0;
}
C
    musl-gcc -static -o "$B/rootfs/probe" "$T/probe.c"
    local def
    for def in SCMP_ACT_ERRNO SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_TRAP; do
        probe_under_profile "$def" "syscall 1000: Function not implemented" "clone3: Function not implemented"
    done
}

# runc loads the filter before the startContainer hooks run (without no_new_privs before it
# drops privileges, with it just before its exec.fifo wait): a profile that kills a syscall
# the hook makes kills the hook, and the container fails (runc's seccomp.bats).
@test "seccomp: startContainer hooks run under the container's filter, with and without no_new_privs (as runc)" {
    have_runc
    args /bin/true
    local nnp rt
    for nnp in true false; do
        cfg --argjson n "$nnp" '.process.noNewPrivileges = $n | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
            "architectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"], "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL"}]}
            | .hooks = {"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "mkdir /dev/shm/foo"]}]}'
        for rt in "$RUNLXC --root $ROOT" "runc --root $RUNC_ROOT"; do
            run bash -c "cd $B && $rt run $ID"
            echo "nnp $nnp: $rt: $status: $output"
            [ "$status" -ne 0 ]
            [[ "$output" == *"error running"*"hook"* ]]
            [[ "$output" == *"bad system call"* ]]
            [ ! -d "$B/rootfs/dev/shm/foo" ]
            bash -c "cd $B && $rt delete -f $ID" >/dev/null 2>&1 || true
        done
    done
    assert_no_leftovers "$ID"
}

# A profile that refuses getcwd: runc checks nothing of its own after a no_new_privs filter is
# loaded, and neither does runlxc (its check that the cwd is inside the root comes first).
# Without no_new_privs the filter comes before the user's chdir; Debian's runc 1.1.5 (with
# the CVE-2024-21626 fix) then fails its own getcwd ("failed to verify if current working
# directory is safe"); runlxc checks while root's chdir holds, before the filter, and runs.
@test "seccomp: a profile that refuses getcwd runs its payload, as under runc" {
    have_runc
    args sh -c 'echo payload-ran; pwd'
    cfg '.process.cwd = "/tmp" | .process.noNewPrivileges = true | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO"}]}'
    local rt
    for rt in "$RUNLXC --root $ROOT" "runc --root $RUNC_ROOT"; do
        run bash -c "cd $B && $rt run $ID"
        echo "$rt: $status: $output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = payload-ran ]
    done
    cfg '.process.noNewPrivileges = false'
    run --separate-stderr rl run "$ID"
    echo "no_new_privs false: $status: $output $stderr"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = payload-ran ]
}

# runc's debug.bats: --debug writes debug lines in logrus's format to stderr, or only to --log
# when given (text, or JSON with --log-format json), with lines for the container's setup
# ("nsexec container setup"), init's start ("child process in init()") and its completion
# ("init: closing the pipe to signal completion"). exec logs its setup the same way.
debug_words() {
    [[ "$1" == *"nsexec container setup"* ]]
    [[ "$1" == *"child process in init()"* ]]
    [[ "$1" == *"init: closing the pipe to signal completion"* ]]
}
@test "--debug and --log: debug lines in runc's format on stderr or only in the log file, text and JSON, run and exec (as runc)" {
    have_runc
    args /bin/echo "Hello World"
    local rt name
    for rt in "$RUNLXC --root $ROOT" "runc --root $RUNC_ROOT"; do
        name=${rt%% *}; name=${name##*/}
        run --separate-stderr bash -c "cd $B && exec $rt --debug run $ID"
        echo "$name --debug: $status: $output"
        [ "$status" -eq 0 ]
        [ "$output" = "Hello World" ]
        [[ "$stderr" == *'level=debug msg="'* ]]
        debug_words "$stderr"
        run bash -c "cd $B && exec $rt --log $T/$name.log --debug run $ID"
        [ "$status" -eq 0 ]
        [[ "$output" != *"level=debug"* ]]
        grep -q '^time="[0-9T:Z.+-]*" level=debug msg=' "$T/$name.log"
        debug_words "$(cat "$T/$name.log")"
        run bash -c "cd $B && exec $rt --log $T/$name.json --log-format json --debug run $ID"
        [ "$status" -eq 0 ]
        [[ "$output" != *"level"* ]]
        grep -q '"level":"debug"' "$T/$name.json"
        jq -e 'select(.level == "debug") | .msg' "$T/$name.json" >/dev/null
        debug_words "$(cat "$T/$name.json")"
        # without --debug: no debug line anywhere
        run bash -c "cd $B && exec $rt --log $T/$name.quiet run $ID"
        [ "$status" -eq 0 ]
        ! grep -q "level=debug" "$T/$name.quiet"
        # exec
        args sleep 100
        bash -c "cd $B && exec $rt run -d $ID" </dev/null >/dev/null 2>&1
        run bash -c "cd $B && exec $rt --log $T/$name.exec --debug exec $ID echo exec-ran"
        echo "$name exec: $status: $output"
        [ "$status" -eq 0 ]
        [ "$output" = exec-ran ]
        grep -q "level=debug.*nsexec container setup" "$T/$name.exec"
        # runc's exec.bats (check_exec_debug): the setns init's line as it execs the process
        grep -q "level=debug.*child process in init()" "$T/$name.exec"
        grep -q "level=debug.*setns_init: about to exec" "$T/$name.exec"
        bash -c "cd $B && exec $rt delete -f $ID"
        args /bin/echo "Hello World"
    done
    assert_no_leftovers "$ID"
}

# crun ignores SELinux labels where SELinux is off (engines set them on every host configured
# for it); runlxc warns and runs, as it does (issue 12.10).
@test "selinux: labels on a host without SELinux are ignored with a warning, the container runs" {
    [ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled here"
    cfg '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2" | .linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
    args echo ran
    run --separate-stderr rl run "$ID"
    [ "$status" -eq 0 ]
    [ "$output" = ran ]
    [[ "$stderr" == *"process.selinuxLabel: SELinux is not enabled on this host"* ]]
    [[ "$stderr" == *"linux.mountLabel: SELinux is not enabled on this host"* ]]
}

# runc 1.1's seccomp agents: SCMP_ACT_NOTIFY rules, the listener fd sent to listenerPath with
# the container process state (fds ["seccompFd"], pid, metadata, state) (issue 12.10).
@test "seccomp notify: the listener reaches the agent at listenerPath, which answers the notified syscall (as runc)" {
    have_runc
    feature "seccomp filters" || skip "no seccomp filters"
    rlx_kernel_has_notify || skip "this kernel has no seccomp user notification"
    args sh -c 'mkdir /notified 2>&1; echo "mkdir: $?"; ls -d /notified 2>/dev/null; echo done'
    local rt
    for rt in runlxc runc; do
        rm -f "$T/agent.sock" "$T/state.$rt"
        cfg --arg p "$T/agent.sock" '.root.readonly = false | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
            "listenerPath": $p, "listenerMetadata": "meta-data",
            "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
            "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
        python3 "$TOP/tests/integration/seccomp-agent.py" "$T/agent.sock" "$T/state.$rt" 28 &
        local apid=$!
        for _ in $(seq 50); do [ -S "$T/agent.sock" ] && break; sleep 0.05; done
        if [ $rt = runlxc ]; then run rl run "$ID"; else run bash -c "cd $B && runc --root $RUNC_ROOT run $ID"; fi
        echo "$rt: $status: $output"
        kill $apid 2>/dev/null || true
        [ "$status" -eq 0 ]
        [[ "$output" == *"No space left on device"* ]]   # ENOSPC: the agent's answer, not the kernel's
        [[ "$output" == *"mkdir: 1"* ]]
        [ ! -e "$B/rootfs/notified" ]
        jq -e --arg id "$ID" '.fds == ["seccompFd"] and .metadata == "meta-data" and .pid > 0 and .state.id == $id
            and .state.status == "creating"' "$T/state.$rt.1"
    done
}

@test "seccomp notify: an exec'd process's listener reaches the agent too, with the running container's state" {
    rlx_kernel_has_notify || skip "this kernel has no seccomp user notification"
    cfg --arg p "$T/agent.sock" '.root.readonly = false | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "listenerPath": $p, "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
    python3 "$TOP/tests/integration/seccomp-agent.py" "$T/agent.sock" "$T/state" 28 &
    local apid=$!
    for _ in $(seq 50); do [ -S "$T/agent.sock" ] && break; sleep 0.05; done
    args sleep 30
    rl run -d "$ID"
    run rl exec "$ID" sh -c 'mkdir /by-exec 2>&1; echo "mkdir: $?"'
    kill $apid 2>/dev/null || true
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"No space left on device"* ]]
    [ ! -e "$B/rootfs/by-exec" ]
    local init_pid
    init_pid=$(rl state "$ID" | jq .pid)
    jq -e --argjson p "$init_pid" '.state.status == "running" and .state.pid == $p and .pid != $p' "$T/state.2"
}

@test "seccomp notify: bad profiles are errors naming the field and leave nothing" {
    rlx_kernel_has_notify || skip "this kernel has no seccomp user notification"
    cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
    run rl create "$ID" </dev/null
    [ "$status" -eq 1 ]
    [[ "$output" == *"linux.seccomp.listenerPath: required by the SCMP_ACT_NOTIFY rules"* ]]
    assert_no_leftovers "$ID"
    cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/x"}'
    run rl create "$ID" </dev/null
    [ "$status" -eq 1 ]
    [[ "$output" == *"linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"* ]]
    cfg --arg p "$T/nobody.sock" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $p,
        "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
    run rl create "$ID" </dev/null
    [ "$status" -eq 1 ]
    # runc: "failed to connect with seccomp agent specified in the seccomp profile: dial unix PATH: ..."
    [[ "$output" == *"linux.seccomp.listenerPath: failed to connect with seccomp agent specified in the seccomp profile: dial unix $T/nobody.sock"* ]]
    if command -v runc >/dev/null; then
        run bash -c "cd $B && runc --root $T/runc-notify run $ID-runc"
        [[ "$output" == *"failed to connect with seccomp agent specified in the seccomp profile: dial unix $T/nobody.sock"* ]]
    fi
    assert_no_leftovers "$ID"
    # runc's "important syscalls" profile: init, once its filter is loaded, blocks in its own
    # read or close with nobody to answer; runc kills it, and so must create (it stayed in
    # the container's cgroup, and that cgroup with it).
    cfg --arg p "$T/nobody.sock" '.process.noNewPrivileges = false | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "listenerPath": $p, "syscalls": [{"names": ["execve", "openat", "open", "read", "close"], "action": "SCMP_ACT_NOTIFY"}]}'
    # Output to a file: a process left behind would hold a pipe open and hang the test.
    local rc=0
    rl run "$ID" > "$T/run.out" 2>&1 </dev/null || rc=$?
    cat "$T/run.out"
    [ "$rc" -eq 1 ]
    grep -q "failed to connect with seccomp agent specified in the seccomp profile: dial unix $T/nobody.sock" "$T/run.out"
    assert_no_leftovers "$ID"
}

# runc's mountConsole: with process.terminal the pty is bind-mounted at /dev/console too, and
# an init (a rich container's systemd) writes its messages there.
@test "terminal: the pty is also /dev/console, as runc's (side by side)" {
    have_runc
    cfg '.process.terminal = true'
    args sh -c 'stat -c "%t:%T" /dev/console; stat -c "%t:%T" "$(tty)"'
    for rt in "$RUNLXC --root $ROOT" "runc --root $RUNC_ROOT"; do
        local sock=$T/c.sock out=$T/c.out
        rm -f "$sock" "$out"
        python3 "$TOP/tests/integration/console-recv.py" "$sock" "$out" &
        for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.02; done
        (cd "$B" && $rt create --console-socket "$sock" "$ID" && $rt start "$ID")
        wait
        cat "$out"
        mapfile -t l < <(tr -d '\r' < "$out")
        # line 0 is the receiver's; then /dev/console's device and the tty's: the same pty
        [[ "${l[1]}" == 88:* ]]
        [ "${l[1]}" = "${l[2]}" ]
        $rt delete -f "$ID"
    done
}

# Engines read the words of a failed exec lookup: Docker maps "no such file or directory" to
# exit 127 and "permission denied" to 126, anything else to 125. runc's text is Go's
# exec.LookPath error, lower-case errno words included.
@test "create: a payload that cannot be executed fails with runc's exec.LookPath words (side by side)" {
    have_runc
    local a want got
    chmod 644 "$B/rootfs/etc/passwd"
    for a in /no/such/binary /etc /etc/passwd nosuchcmd; do
        args "$a"
        want=$( (cd "$B" && runc --root "$RUNC_ROOT" create "$ID-runc") 2>&1 </dev/null | sed 's/\\"/"/g' | grep -o 'exec: ".*' | sed 's/"*$//')
        runc --root "$RUNC_ROOT" delete -f "$ID-runc" >/dev/null 2>&1
        [ -n "$want" ] || { echo "runc gave no exec error for $a"; return 1; }
        run rl create "$ID"
        [ "$status" -eq 1 ] || { echo "runlxc create of $a: status $status"; return 1; }
        got=$(grep -o 'exec: ".*' <<< "$output" | sed 's/"*$//')
        [ "$got" = "$want" ] || { echo "$a: runc [$want] runlxc [$got]"; return 1; }
        assert_no_leftovers "$ID"
    done
}
