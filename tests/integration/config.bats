#!/usr/bin/env bats
# Every config.json field of the core, checked from inside a real container.
load helpers

setup() { setup_bundle; }
teardown() {
    drop_subids
    [ ! -f "$T/holder" ] || kill "$(cat "$T/holder")" 2>/dev/null || true
    teardown_bundle
}

runc_out() { run --separate-stderr rl run "$ID"; }

@test "process: env, cwd (created if missing), uid/gid/additionalGids, umask" {
    feature "ambient capabilities" || cfg 'del(.process.capabilities)'   # non-root keeps none there
    cfg '.process.env = ["PATH=/bin", "FOO=bar baz"] | .process.cwd = "/tmp/work" | .process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 7], "umask": 63}'
    args sh -c 'echo "$FOO|$(pwd)|$(id -u):$(id -g)|$(id -G)|$(umask)"'
    runc_out
    [ "$status" -eq 0 ]
    [ "$output" = "bar baz|/tmp/work|1000:1001|1001 5 7|0077" ]
}

@test "process: rlimits" {
    cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 321, "hard": 654}, {"type": "RLIMIT_NPROC", "soft": 77, "hard": 88}]'
    args sh -c 'grep -E "^Max (open files|processes)" /proc/self/limits | tr -s " " | cut -d" " -f3-5 | tr "\n" " "'
    runc_out
    [ "$output" = "77 88 processes files 321 654 " ]
}

@test "process: capabilities sets, noNewPrivileges, oomScoreAdj" {
    require_feature no_new_privs
    cfg '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL", "CAP_CHOWN"], "inheritable": []} | .process.noNewPrivileges = true | .process.oomScoreAdj = 123'
    nnp_probe
    args sh -c 'grep -E "^(CapBnd|CapEff|CapPrm)" /proc/self/status | tr -s "\t" " "; /nnp; cat /proc/self/oom_score_adj'
    runc_out
    [ "$(cap_line CapPrm)" = "CapPrm: 0000000000000021" ]
    [ "$(cap_line CapEff)" = "CapEff: 0000000000000021" ]   # root: effective = permitted after execve
    [ "$(cap_line CapBnd)" = "CapBnd: 0000000000000021" ]
    [[ "$output" == *"NoNewPrivs: 1"* ]]
    [ "${lines[4]}" = 123 ]
}

@test "process: no capabilities when the field is absent; noNewPrivileges false" {
    cfg 'del(.process.capabilities) | .process.noNewPrivileges = false'
    nnp_probe
    args sh -c 'grep -E "^CapEff" /proc/self/status | tr -s "\t" " "; /nnp'
    runc_out
    [ "$(cap_line CapEff)" = "CapEff: 0000000000000000" ]
    if feature no_new_privs; then   # a kernel without the bit (before 3.5) has nothing to show
        [[ "$output" == *"NoNewPrivs: 0"* ]]
    fi
}

@test "root: readonly true makes / read-only, false leaves it writable" {
    args sh -c 'touch /x 2>/dev/null && echo writable || echo readonly'
    runc_out
    [ "$output" = readonly ]
    rl delete --force "$ID" || true
    cfg '.root.readonly = false'
    runc_out
    [ "$output" = writable ]
    [ -e "$B/rootfs/x" ]
}

@test "root: a root.path that is a symlink runs the directory it names" {
    mv "$B/rootfs" "$T/real-rootfs"
    ln -s "$T/real-rootfs" "$B/rootfs"
    cfg '.root.readonly = false'
    args sh -c 'echo in > /marker; cat /marker'
    runc_out
    [ "$status" -eq 0 ]
    [ "$output" = in ]
    [ -f "$T/real-rootfs/marker" ]
}

@test "hostname and domainname" {
    cfg '.hostname = "box1" | .domainname = "example.org"'
    args sh -c 'echo "$(hostname) $(cat /proc/sys/kernel/domainname)"'
    runc_out
    [ "$output" = "box1 example.org" ]
}

@test "mounts: bind rw and ro, file bind, tmpfs with options" {
    mkdir -p "$T/shared"; echo host-data > "$T/shared/f"; echo file-data > "$T/onefile"
    cfg --arg s "$T/shared" --arg f "$T/onefile" '.mounts += [
        {"destination": "/data", "type": "bind", "source": $s, "options": ["rbind", "rw"]},
        {"destination": "/rodata", "type": "bind", "source": $s, "options": ["bind", "ro"]},
        {"destination": "/etc/one", "type": "bind", "source": $f, "options": ["bind", "ro"]},
        {"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=700"]}]'
    args sh -c 'cat /data/f; echo new > /data/g; touch /rodata/h 2>/dev/null || echo ro-ok; cat /etc/one; stat -c %a /scratch; grep " /scratch " /proc/mounts | grep -o size=[0-9a-z]*'
    runc_out
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = host-data ]
    [ "${lines[1]}" = ro-ok ]
    [ "${lines[2]}" = file-data ]
    [ "${lines[3]}" = 700 ]
    [ "${lines[4]}" = size=1024k ]
    [ "$(cat "$T/shared/g")" = new ]
}

@test "mounts: proc, sysfs read-only, devpts, mqueue, /dev/shm, cgroup read-only" {
    args sh -c 'ls /proc/self/stat >/dev/null && echo proc; touch /sys/x 2>/dev/null || echo sys-ro; grep -c " /dev/pts devpts" /proc/mounts; grep -c " /dev/mqueue mqueue" /proc/mounts; grep -c " /dev/shm tmpfs" /proc/mounts; touch /sys/fs/cgroup/memory/x 2>/dev/null || echo cg-ro; ls /dev/null /dev/zero /dev/urandom /dev/tty /dev/ptmx | wc -l'
    runc_out
    [ "$output" = "$(printf 'proc\nsys-ro\n1\n1\n1\ncg-ro\n5')" ]
}

@test "namespaces: new network has only loopback; host network when absent; joined by path" {
    args sh -c 'ls /sys/class/net | tr "\n" " "'
    runc_out
    [ "$output" = "lo " ]
    rl delete --force "$ID" || true
    cfg 'del(.linux.namespaces[] | select(.type == "network"))'
    runc_out
    [ "$output" = "$(ls /sys/class/net | tr '\n' ' ')" ]
    rl delete --force "$ID" || true
    local ns=rlxt$$
    ip netns add $ns
    local want; want=$(ip netns exec $ns readlink /proc/self/ns/net)
    cfg --arg p /var/run/netns/$ns '.linux.namespaces += [{"type": "network", "path": $p}]'
    args readlink /proc/self/ns/net
    runc_out
    ip netns del $ns
    if ! feature "setns: net"; then   # joining needs setns(2)
        [[ "$stderr" == *"].path: join network namespace"* ]]
        return 0
    fi
    [ "$output" = "$want" ]
}

@test "namespaces: pid namespace gives PID 1; without it the host pid is seen" {
    args sh -c 'echo $$'
    runc_out
    [ "$output" = 1 ]
    rl delete --force "$ID" || true
    cfg 'del(.linux.namespaces[] | select(.type == "pid"))'
    refused_below_liblxc 3.0
    runc_out
    [ "$output" -gt 1 ]
}

@test "namespaces: ipc and uts are private" {
    args sh -c 'readlink /proc/self/ns/ipc /proc/self/ns/uts'
    runc_out
    [ "${lines[0]}" != "$(readlink /proc/self/ns/ipc)" ]
    [ "${lines[1]}" != "$(readlink /proc/self/ns/uts)" ]
}

@test "devices: linux.devices creates nodes with mode and owner, cgroup allows them" {
    cfg '.linux.devices = [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 438, "uid": 12, "gid": 34}] | .linux.resources.devices = [{"allow": false, "access": "rwm"}]'
    args sh -c 'stat -c "%t:%T %a %u:%g" /dev/mynull; echo x > /dev/mynull && echo write-ok; head -c1 /dev/full >/dev/null && echo full-ok'
    runc_out
    [ "${lines[0]}" = "1:3 666 12:34" ]
    [ "${lines[1]}" = write-ok ]
}

@test "devices: the device cgroup denies what it does not allow" {
    cfg '.linux.resources.devices = [{"allow": false, "access": "rwm"}]'
    cfg '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] | .process.capabilities.permitted += ["CAP_MKNOD"]'
    args sh -c 'mknod /dev/sda-x b 8 0 && head -c1 /dev/sda-x 2>&1; head -c1 /dev/zero | wc -c'
    runc_out
    [[ "${lines[0]}" == *"not permitted"* ]]
    [ "${lines[1]}" = 1 ]
}

@test "resources: memory, cpu shares/quota, cpuset, pids, blkio weight on this host's cgroups" {
    cfg '.linux.resources.memory = {"limit": 67108864, "reservation": 33554432} | .linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"} | .linux.resources.pids = {"limit": 42}'
    args sleep 100
    rl run -d "$ID"
    local pid; pid=$(state_field "$ID" pid)
    local mem; mem=$(grep ':memory:' /proc/$pid/cgroup | cut -d: -f3)
    [ "$(cat /sys/fs/cgroup/memory$mem/memory.limit_in_bytes)" = 67108864 ]
    [ "$(cat /sys/fs/cgroup/memory$mem/memory.soft_limit_in_bytes)" = 33554432 ]
    local cpu; cpu=$(grep ':cpu:' /proc/$pid/cgroup | cut -d: -f3)
    [ "$(cat /sys/fs/cgroup/cpu$cpu/cpu.shares)" = 512 ]
    [ "$(cat /sys/fs/cgroup/cpu$cpu/cpu.cfs_quota_us)" = 50000 ]
    local cs; cs=$(grep ':cpuset:' /proc/$pid/cgroup | cut -d: -f3)
    [ "$(cat /sys/fs/cgroup/cpuset$cs/cpuset.cpus)" = 0 ]
    local pids; pids=$(grep ':pids:' /proc/$pid/cgroup | cut -d: -f3)
    [ "$(cat /sys/fs/cgroup/pids$pids/pids.max)" = 42 ]
}

@test "resources: cgroupsPath places the container; the memory limit is enforced" {
    cfg --arg p "/runlxc-test/$ID" '.linux.cgroupsPath = $p | .linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
    args sh -c 'echo $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes); dd if=/dev/zero of=/dev/shm/big bs=1M count=64 2>/dev/null; echo survived'
    cfg '.mounts |= map(if .destination == "/dev/shm" then .options = ["size=128m"] else . end)'
    rl run -d "$ID" || true
    run rl run "$ID-2" 2>/dev/null
    true
    rl delete --force "$ID"
    cfg --arg p "/runlxc-test/$ID" '.linux.cgroupsPath = $p'
    args sleep 100
    rl run -d "$ID"
    local pid; pid=$(state_field "$ID" pid)
    grep -q ":memory:/runlxc-test/$ID\$" /proc/$pid/cgroup
    [ -d "/sys/fs/cgroup/memory/runlxc-test/$ID" ]
    rl delete --force "$ID"
    [ ! -d "/sys/fs/cgroup/memory/runlxc-test/$ID" ]
    rmdir /sys/fs/cgroup/*/runlxc-test 2>/dev/null || true
}

@test "sysctl: namespaced sysctls are set in the container only" {
    cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "12345678"}'
    args sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax'
    local host_fwd; host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
    runc_out
    [ "$output" = "$(printf '1\n12345678')" ]
    [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
}

@test "maskedPaths hide files and directories, readonlyPaths are read-only" {
    cfg '.linux.maskedPaths = ["/proc/keys", "/proc/timer_list", "/sys/firmware", "/proc/does-not-exist"]'
    args sh -c 'wc -c < /proc/keys; wc -c < /proc/timer_list; ls /sys/firmware | wc -l; echo 1 > /proc/sys/kernel/domainname 2>/dev/null || echo sys-ro'
    cfg '.process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
    runc_out
    [ "$output" = "$(printf '0\n0\n0\nsys-ro')" ]
    [ "$(wc -c < /proc/timer_list)" -gt 0 ]
}

@test "rootfsPropagation is applied to the container's root" {
    args sh -c 'awk "\$5 == \"/\"" /proc/self/mountinfo | grep -c shared:'
    cfg '.linux.rootfsPropagation = "private"'
    runc_out
    [ "$output" = 0 ]
    rl delete --force "$ID" || true
    cfg '.linux.rootfsPropagation = "shared"'
    runc_out
    [ "$output" = 1 ]
}

@test "hooks: all six kinds run in order with the state on stdin" {
    local log=$T/hooks.log
    cat > "$T/hook.sh" <<SH
#!/bin/sh
state=\$(cat)
echo "\$1 \$(echo "\$state" | jq -r '.id + " " + .status + " " + (.pid|tostring)')" >> $log
SH
    chmod +x "$T/hook.sh"
    # startContainer runs inside the container: a hook reachable there
    mkdir -p "$B/rootfs/hooks"
    printf '#!/bin/sh\ncat > /dev/null; echo start-container-ran > /dev/shm/sc\n' > "$B/rootfs/hooks/sc.sh"
    chmod +x "$B/rootfs/hooks/sc.sh"
    local h='{"path": $p, "args": ["hook.sh", "x"]}'
    cfg --arg p "$T/hook.sh" ".hooks = {
        \"prestart\": [($h | .args[1] = \"prestart\")],
        \"createRuntime\": [($h | .args[1] = \"createRuntime\")],
        \"createContainer\": [($h | .args[1] = \"createContainer\")],
        \"startContainer\": [{\"path\": \"/hooks/sc.sh\"}],
        \"poststart\": [($h | .args[1] = \"poststart\")],
        \"poststop\": [($h | .args[1] = \"poststop\")]}"
    mkdir -p "$T/out"
    cfg --arg s "$T/out" '.mounts += [{"destination": "/out", "type": "bind", "source": $s, "options": ["bind"]}]'
    args sh -c 'cat /dev/shm/sc > /out/sc'
    rl create --bundle "$B" "$ID"
    rl start "$ID"
    for i in $(seq 100); do [ "$(state_field "$ID" status)" = stopped ] && break; sleep 0.02; done
    rl delete "$ID"
    cat "$log"
    [ "$(cut -d' ' -f1 "$log" | tr '\n' ' ')" = "prestart createRuntime createContainer poststart poststop " ]
    grep -q "^prestart $ID creating [1-9]" "$log"
    grep -q "^createContainer $ID creating [1-9]" "$log"
    grep -q "^poststart $ID running" "$log"
    grep -q "^poststop $ID stopped" "$log"
    [ "$(cat "$T/out/sc")" = start-container-ran ]
}

@test "hooks: start and delete read config.json only for hooks it has; a state without that record still runs them" {
    # which files a command opens (the loader's own opens come before main and name no state dir)
    opens() { strace -f -qq -e trace=openat -o "$T/trace" "$@" >/dev/null 2>&1; grep -c "$ROOT/$ID/config.json" "$T/trace" || true; }
    args sleep 100
    rl create --bundle "$B" "$ID"
    [ "$(opens "$RUNLXC" --root "$ROOT" start "$ID")" -eq 0 ]
    [ "$(opens "$RUNLXC" --root "$ROOT" delete --force "$ID")" -eq 0 ]
    assert_no_leftovers "$ID"
    printf '#!/bin/sh\ncat > /dev/null; echo "$1" >> %s\n' "$T/hooks.log" > "$T/hook.sh"
    chmod +x "$T/hook.sh"
    cfg --arg p "$T/hook.sh" '.hooks = {"poststop": [{"path": $p, "args": ["hook.sh", "poststop"]}]}'
    rl create --bundle "$B" "$ID"
    [ "$(opens "$RUNLXC" --root "$ROOT" start "$ID")" -eq 0 ]
    [ "$(opens "$RUNLXC" --root "$ROOT" delete --force "$ID")" -gt 0 ]
    [ "$(cat "$T/hooks.log")" = poststop ]
    # a state file written before the record existed: every hook kind is looked up
    rm "$T/hooks.log"
    rl create --bundle "$B" "$ID"
    jq -c 'del(.hook_kinds)' "$ROOT/$ID/state.json" > "$T/state" && cp "$T/state" "$ROOT/$ID/state.json"
    rl start "$ID"
    rl delete --force "$ID"
    [ "$(cat "$T/hooks.log")" = poststop ]
    assert_no_leftovers "$ID"
}

@test "hooks: a failing createRuntime hook fails create and leaves nothing; a timeout kills the hook" {
    printf '#!/bin/sh\necho oops >&2; exit 3\n' > "$T/fail.sh"; chmod +x "$T/fail.sh"
    cfg --arg p "$T/fail.sh" '.hooks = {"createRuntime": [{"path": $p}]}'
    run rl create --bundle "$B" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"hooks.createRuntime[0]"*"exited with status 3"* ]]
    assert_no_leftovers "$ID"
    cfg --arg p /bin/sleep '.hooks = {"prestart": [{"path": $p, "args": ["sleep", "30"], "timeout": 1}]}'
    run rl create --bundle "$B" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"timed out after 1 s"* ]]
    assert_no_leftovers "$ID"
}

@test "fds: inherited fds do not reach the container; --preserve-fds and LISTEN_FDS do" {
    args sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "'
    run bash -c "cd $B && exec 5</etc/hostname && $RUNLXC --root $ROOT run $ID"
    [ "$output" = "0 1 2 3 " ]   # 3 is ls's own directory fd
    rl delete --force "$ID" || true
    run bash -c "cd $B && exec 3</etc/hostname 4</etc/hostname && $RUNLXC --root $ROOT run --preserve-fds 1 $ID"
    [ "$output" = "0 1 2 3 4 " ]
    rl delete --force "$ID" || true
    args sh -c 'echo "$LISTEN_FDS $LISTEN_PID"; ls /proc/self/fd | sort -n | tr "\n" " "'
    run bash -c "cd $B && exec 3</etc/hostname 4</etc/hostname && exec env LISTEN_FDS=2 bash -c 'LISTEN_PID=\$\$ exec $RUNLXC --root $ROOT run $ID'"
    [ "${lines[0]}" = "2 1" ]
    [ "${lines[1]}" = "0 1 2 3 4 5 " ]
}

@test "terminal: --console-socket receives the pty master (runc protocol) and the payload has a tty" {
    cfg '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 101}'
    args sh -c 'tty; stty size; sleep 0.3'
    run_with_console "$ID" "$T/console.out" --bundle "$B"
    grep -q "^name=/dev/pts/" "$T/console.out"
    grep -q "/dev/pts/0" "$T/console.out"
    grep -q "33 101" "$T/console.out"
}

@test "terminal: a foreground run relays the pty" {
    cfg '.process.terminal = true'
    args sh -c 'tty; echo done'
    run rl run "$ID"
    [ "$status" -eq 0 ]
    [[ "$output" == *"/dev/pts/0"* ]]
    [[ "$output" == *done* ]]
}

@test "seccomp: errno and kill actions, argument conditions, default action" {
    require_feature "seccomp filters"
    cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
                     {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
                     {"names": ["no_such_syscall_in_any_libseccomp", "getpid"], "action": "SCMP_ACT_ALLOW"}]}'
    args sh -c 'mkdir /tmp/x 2>&1; echo rc=$?'
    runc_out
    [[ "${lines[0]}" == *"Permission denied"* ]]
    [ "${lines[1]}" = rc=1 ]
    rl delete --force "$ID" || true
    # argument conditions: kill(_, SIGUSR1) is refused, kill(_, 0) is not
    cfg '.linux.seccomp.syscalls = [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]'
    args sh -c 'trap "" USR1; kill -0 $$; echo zero=$?; kill -USR1 $$ 2>/dev/null; echo usr1=$?'
    runc_out
    [ "${lines[0]}" = zero=0 ]
    [ "${lines[1]}" = usr1=1 ]
}

# SCMP_ACT_KILL_PROCESS and SECCOMP_GET_ACTION_AVAIL are Linux 4.14's: before it libseccomp
# refuses the action (runc fails with it), and runlxc says so naming the field.
@test "seccomp: a profile that blocks a syscall the payload uses kills it with SIGSYS" {
    require_feature "seccomp filters"
    cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
    args sh -c 'echo before; exec mkdir /tmp/y'
    if ! feature SCMP_ACT_KILL_PROCESS; then
        run --separate-stderr rl run "$ID"
        [ "$status" -eq 1 ]
        [[ "$stderr" == *"linux.seccomp.syscalls[0].action: this kernel has no SCMP_ACT_KILL_PROCESS (Linux 4.14)"* ]]
        assert_no_leftovers "$ID"
        cfg '.linux.seccomp.syscalls[0].action = "SCMP_ACT_KILL"'
    fi
    run rl run "$ID"
    [ "$status" -eq 159 ]   # 128 + SIGSYS
    [ "$output" = before ]
}

@test "seccomp: bad profiles are errors naming the field" {
    require_feature "seccomp filters"
    cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_BOGUS"}'
    run rl create --bundle "$B" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"linux.seccomp.defaultAction: unknown action 'SCMP_ACT_BOGUS'"* ]]
    cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]}'
    run rl create --bundle "$B" "$ID"
    [[ "$output" == *"linux.seccomp.architectures[0]: unknown architecture 'SCMP_ARCH_Z80'"* ]]
    cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["bogus_call"], "action": "SCMP_ACT_ERRNO"}]}'
    run rl create --bundle "$B" "$ID"
    [[ "$output" == *"linux.seccomp.syscalls[0].names: unknown syscall 'bogus_call'"* ]]
    cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 9, "value": 1, "op": "SCMP_CMP_EQ"}]}]}'
    run rl create --bundle "$B" "$ID"
    [[ "$output" == *"linux.seccomp.syscalls[0].names[0].args[0].index: 9 is not an argument index"* ]]
    assert_no_leftovers "$ID"
}

# liblxc maps ids through shadow's newuidmap when it is installed, and then insists that root
# owns the range in /etc/subuid and /etc/subgid.
ensure_subids() {
    command -v newuidmap > /dev/null || return 0
    for f in /etc/subuid /etc/subgid; do
        if ! grep -q '^root:100000:65536$' "$f" 2>/dev/null; then
            echo 'root:100000:65536' >> "$f"
            echo "$f" >> "$T/added-subids"
        fi
    done
}
drop_subids() {
    [ -f "$T/added-subids" ] || return 0
    while read -r f; do sed -i '/^root:100000:65536$/d' "$f"; done < "$T/added-subids"
}

# A user namespace whose root is host id 100000 (run_as_mapped_root's filter).
MAPPED_ROOT='.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'

@test "user namespace: id mappings, root inside is an unprivileged id outside; exec enters it" {
    require_feature "user namespaces"
    ensure_subids
    # liblxc wants the state dir reachable by the container's root (as /run/runlxc is, 0711)
    chmod 711 "$T"
    run_as_mapped_root 'cat /proc/self/uid_map | tr -s " "' "$MAPPED_ROOT"
    [ "$(head -1 "$T/out")" = " 0 100000 65536" ]
    run rl exec "$ID" sh -c 'readlink /proc/self/ns/user; id -u'
    [ "${lines[0]}" = "$(readlink /proc/$(state_field "$ID" pid)/ns/user)" ]
    [ "${lines[1]}" = 0 ]
}

# runc runs prestart and createRuntime hooks in the runtime's user namespace and
# createContainer hooks in the container's (issue 28.4); liblxc's mount hook runs as the
# container's root, and must not need the host's state dir.
@test "user namespace: creation hooks run in the user namespace runc runs them in (side by side)" {
    require_feature "user namespaces"
    command -v runc >/dev/null || skip "runc is not installed"
    ensure_subids
    chmod 711 "$T"
    mkdir -p "$T/shared"; chmod 777 "$T/shared"
    chown -R -h 100000:100000 "$B/rootfs"
    local k rt hooks='{}'
    for k in prestart createRuntime createContainer; do
        hooks=$(jq -c --arg k "$k" --arg f "$T/shared/$k" \
            '.[$k] = [{"path": "/bin/sh", "args": ["sh", "-c", ("cat /proc/self/uid_map > " + $f)]}]' <<< "$hooks")
    done
    cfg --argjson h "$hooks" "$MAPPED_ROOT | .hooks = \$h"
    args true
    for rt in runlxc runc; do
        if [ $rt = runlxc ]; then rl run "$ID"; rl delete -f "$ID" 2>/dev/null || true
        else (cd "$B" && runc --root "$T/runc-state" run "$ID"); runc --root "$T/runc-state" delete -f "$ID" 2>/dev/null || true; fi
        for k in prestart createRuntime createContainer; do mv "$T/shared/$k" "$T/shared/$k.$rt"; done
    done
    for k in prestart createRuntime createContainer; do
        echo "$k: runlxc $(tr -s ' ' < "$T/shared/$k.runlxc") runc $(tr -s ' ' < "$T/shared/$k.runc")"
        [ "$(tr -s ' ' < "$T/shared/$k.runlxc")" = "$(tr -s ' ' < "$T/shared/$k.runc")" ]
    done
    [ "$(tr -s ' ' < "$T/shared/createContainer.runlxc")" = " 0 100000 65536" ]
}

# runc opens a bind source before it enters the user namespace, so a source below a
# directory only host root may search is mounted; liblxc mounts as the container's root, so
# runlxc binds such a source where that root can reach it first (bind_staging.c), and takes
# that bind down once init reported, or when create fails.
@test "user namespace: a bind source below a directory only host root may search is mounted, as runc mounts it; nothing stays" {
    require_feature "user namespaces"
    ensure_subids
    chmod 711 "$T"
    mkdir -p "$T/priv/in ner"
    chmod 700 "$T/priv"
    echo secret-ok > "$T/priv/in ner/f"
    local mnt='.mounts += [{"destination": "/mnt/s", "type": "bind", "source": $p, "options": ["rbind", "ro"]}]'
    run_as_mapped_root 'cat /mnt/s/f' --arg p "$T/priv/in ner" "$MAPPED_ROOT | $mnt"
    [ "$(head -1 "$T/out")" = secret-ok ]
    [ ! -e "$ROOT/.bind-sources@" ]
    ! grep -q 'bind-sources@' /proc/self/mountinfo
    rl delete --force "$ID"
    if command -v runc >/dev/null; then
        args cat /mnt/s/f
        run bash -c "cd $B && runc --root $T/runc-state run $ID-runc </dev/null"
        [ "$output" = secret-ok ]
    fi
    # a create that fails after the staging (the payload is not there) leaves nothing of it
    args /no-such-binary
    run rl create "$ID"
    [ "$status" -ne 0 ]
    [ ! -e "$ROOT/.bind-sources@" ]
    ! grep -q 'bind-sources@' /proc/self/mountinfo
    assert_no_leftovers "$ID"
}

@test "user namespace: the ttys of org.runlxc.ttys belong to the container's root, and what it writes reaches runlxc console" {
    require_feature "user namespaces"
    ensure_subids
    chmod 711 "$T"
    run_as_mapped_root 'stat -c "%u %g" /dev/tty1; echo hi-from-tty > /dev/tty1' "$MAPPED_ROOT"' | .annotations["org.runlxc.ttys"] = "1"'
    cat "$T/out"
    [ "$(head -1 "$T/out")" = "0 5" ]
    run sh -c "sleep 1 | '$RUNLXC' --root '$ROOT' console '$ID'"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *hi-from-tty* ]]
}

# run_as_mapped_root FIRST [JQ_ARGS...] FILTER: runs detached, in the user namespace FILTER sets
# up (host ids 100000-165535 from container id 0), a payload that prints FIRST's output and
# its uid, then creates /shared/f; the file must belong to host id 100000 and the uid be 0.
# As with runc, the rootfs belongs to the ids it is mapped to (a remapped image).
run_as_mapped_root() {
    local first=$1 filter=${*: -1}
    set -- "${@:2:$(($# - 2))}"
    chown -R -h 100000:100000 "$B/rootfs"
    mkdir -p "$T/shared"; chmod 777 "$T/shared"
    cfg --arg s "$T/shared" "$@" "$filter | .mounts += [{\"destination\": \"/shared\", \"type\": \"bind\", \"source\": \$s, \"options\": [\"bind\"]}]"
    args sh -c "$first; id -u; touch /shared/f; sleep 100"
    rl run -d "$ID" > "$T/out"
    for i in $(seq 100); do [ -e "$T/shared/f" ] && break; sleep 0.02; done
    [ "$(stat -c %u:%g "$T/shared/f")" = "100000:100000" ]
    [ "$(sed -n 2p "$T/out")" = 0 ]
}

# A process in a new user namespace mapping 0-65535 to 100000-165535, as an engine's pod
# sandbox holds one; its pid goes to $T/holder for teardown.
start_userns_holder() {
    unshare --user sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
    local holder=$!
    echo "$holder" > "$T/holder"
    for _ in $(seq 100); do
        [ "$(readlink /proc/$holder/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break
        sleep 0.02
    done
    echo "0 100000 65536" > /proc/$holder/uid_map
    echo "0 100000 65536" > /proc/$holder/gid_map
    HOLDER=$holder
}

@test "user namespace: joined by path, root inside is the id the namespace maps it to; exec enters it" {
    require_feature "user namespaces"
    start_userns_holder
    chmod 711 "$T"
    cfg --arg p "/proc/$HOLDER/ns/user" '.linux.namespaces += [{"type": "user", "path": $p}]'
    refused_below_liblxc 3.0
    cfg 'del(.linux.namespaces[] | select(.type == "user"))'
    run_as_mapped_root 'readlink /proc/self/ns/user' --arg p "/proc/$HOLDER/ns/user" \
        '.linux.namespaces += [{"type": "user", "path": $p}]'
    [ "$(head -1 "$T/out")" = "$(readlink /proc/$HOLDER/ns/user)" ]
    run rl exec "$ID" sh -c 'readlink /proc/self/ns/user; id -u'
    [ "${lines[0]}" = "$(readlink /proc/$HOLDER/ns/user)" ]
    [ "${lines[1]}" = 0 ]
    rl delete --force "$ID"
    assert_no_leftovers "$ID"
    # Mappings in the spec must be the namespace's own; a path to another kind is refused.
    cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
    run rl create --bundle "$B" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"linux.uidMappings: differ from the maps of the joined user namespace /proc/$HOLDER/ns/user"* ]]
    cfg --arg p "/proc/$HOLDER/ns/net" 'del(.linux.uidMappings, .linux.gidMappings)
        | .linux.namespaces |= map(if .type == "user" then .path = $p else . end)'
    run rl create --bundle "$B" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"/proc/$HOLDER/ns/net is not a user namespace"* ]]
    assert_no_leftovers "$ID"
}

@test "user namespace: mappings without the namespace, or the namespace without mappings, are errors" {
    cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
    run rl create --bundle "$B" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"linux.uidMappings: id mappings need a user namespace"* ]]
    cfg 'del(.linux.uidMappings) | .linux.namespaces += [{"type": "user"}]'
    run rl create --bundle "$B" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"needs uidMappings and gidMappings"* ]]
    assert_no_leftovers "$ID"
}
