#!/usr/bin/env bats
# runlxc convert: LXC containers made by Debian's LXC (lxc-create -t busybox) and configs in
# both key dialects, turned into OCI bundles; the converted container must see under runlxc
# what it saw under lxc-start. Everything lives in a private lxcpath and, where a network is
# involved, in a private network namespace with a bridge of the test's own.
load helpers

setup() {
    command -v lxc-create >/dev/null || skip "LXC's tools are not installed"
    # What the host's LXC tools write is what their liblxc reads (a legacy-liblxc run loads
    # an older one into runlxc only).
    [ "$(lxc-create --version)" = "$(runtime_liblxc)" ] ||
        skip "LXC's tools are $(lxc-create --version), runlxc loads liblxc $(runtime_liblxc)"
    T=$(mktemp -d /tmp/runlxc-convert.XXXXXX)
    ROOT=$T/state
    LXP=$T/lxc
    mkdir -p "$LXP"
    ID=cv$$-$BATS_TEST_NUMBER
}

teardown() {
    for d in "$ROOT"/*; do
        [ -d "$d" ] && "$RUNLXC" --root "$ROOT" delete --force "$(basename "$d")" >/dev/null 2>&1
    done
    for c in "$LXP"/*; do
        [ -f "$c/config" ] && lxc-stop -P "$LXP" -n "$(basename "$c")" -k >/dev/null 2>&1
    done
    # lxc-stop -k leaves LXC's own cgroups (and its lxc.pivot) behind
    find /sys/fs/cgroup -maxdepth 2 -type d \( -name 'lxc.payload.bb' -o -name 'lxc.monitor.bb' -o -name lxc.pivot \) -exec rmdir {} + 2>/dev/null
    rm -rf "$T"
}

cv() { "$RUNLXC" convert --lxcpath "$LXP" "$@"; }

# A busybox container as LXC's template makes it (with its 5 ttys), on the test's bridge with
# a static address and cgroup limits; its rcS would run a DHCP client that drops the static
# address. The freezer state is a setting an OCI bundle cannot carry (lossy).
# LXC 1.0 and 2.0's tools (a legacy-liblxc run puts them first on PATH) write and read the
# lxc.network.* dialect, and their lxc.conf gives no network: the same interface in their words.
make_busybox() { # name
    lxc-create -P "$LXP" -n "$1" -t busybox >/dev/null 2>&1
    sed -i 's/lxcbr0/brcv0/; /udhcpc/d' "$LXP/$1/config"
    sed -i '/udhcpc/d' "$LXP/$1/rootfs/etc/init.d/rcS"
    liblxc_at_least 2.1 || sed -i '/^lxc.network/d' "$LXP/$1/config"
    if liblxc_at_least 2.1; then
        printf '%s\n' "lxc.net.0.name = eth0" "lxc.net.0.ipv4.address = 10.0.77.2/24" "lxc.net.0.ipv4.gateway = 10.0.77.1"
    else
        printf '%s\n' "lxc.network.type = veth" "lxc.network.link = brcv0" "lxc.network.flags = up" \
            "lxc.network.name = eth0" "lxc.network.ipv4 = 10.0.77.2/24" "lxc.network.ipv4.gateway = 10.0.77.1"
    fi >> "$LXP/$1/config"
    printf '%s\n' "lxc.cgroup.memory.limit_in_bytes = 256M" "lxc.cgroup.pids.max = 100" >> "$LXP/$1/config"
    if liblxc_at_least 2.0; then echo "lxc.environment = RLX_FROM_LXC=yes" >> "$LXP/$1/config"; fi
    echo "lxc.cgroup.freezer.state = THAWED" >> "$LXP/$1/config"
}
# The tests after the first two write configs in the 2.1+ dialect (lxc.net.N, lxc.uts.name,
# lxc.init.cmd...), which LXC 1.0/2.0 and their liblxc do not load; the first two run on every
# LXC, with the configs its own lxc-create writes.
modern_lxc_only() {
    liblxc_at_least 2.1 || skip "its configs are in LXC 2.1's dialect; liblxc $(runtime_liblxc) loads none of them"
}
# The ttys the config asks for (lxc.tty.max, lxc.tty before 2.1).
config_ttys() { awk -F' *= *' '$1 ~ /^lxc\.tty(\.max)?$/ {n = $2} END {print n}' "$LXP/$1/config"; }

# What a container sees, printed by the same probe under lxc-attach and runlxc exec.
PROBE='hostname; ip -o -4 addr show eth0 | awk "{print \$2, \$4}"; ping -c1 -W3 10.0.77.1 >/dev/null && echo ping-ok
grep -E "^Cap(Bnd|Eff)" /proc/1/status; tr -s " " < /proc/self/uid_map; tr "\0" "\n" < /proc/1/environ | grep ^RLX_
for m in /proc /sys /dev/pts /dev/shm /dev/mqueue /lib /usr/lib; do grep -q " $m " /proc/mounts && echo "mount $m"; done
for t in 1 5 6; do [ -c /dev/tty$t ] && echo "tty$t"; done; true'

# Host-side cgroup limits of the process $1 (LXC 5 leaves the container's /sys/fs/cgroup
# empty on this hybrid host, so both runtimes are read from outside).
limits() {
    local mem pids
    mem=$(awk -F: '$2 == "memory" {print $3}' /proc/$1/cgroup)
    pids=$(awk -F: '$2 == "pids" {print $3}' /proc/$1/cgroup)
    echo "memory $(cat /sys/fs/cgroup/memory$mem/memory.limit_in_bytes) pids $(cat /sys/fs/cgroup/pids$pids/pids.max)"
}

@test "convert: a busybox container from lxc-create sees under runlxc what it saw under lxc-start" {
    local ttys
    make_busybox bb
    cat > "$T/both.sh" <<EOF
set -e
lxc-start -P $LXP -n bb -d
for i in \$(seq 100); do lxc-attach -P $LXP -n bb -- true 2>/dev/null && break; sleep 0.1; done
lxc-attach -P $LXP -n bb -- sh -c '$PROBE' > $T/lxc.out
pid=\$(lxc-info -P $LXP -n bb -pH)
$(declare -f limits)
limits \$pid >> $T/lxc.out
lxc-stop -P $LXP -n bb -k
"$RUNLXC" convert --lxcpath $LXP --allow-lossy bb $T/bundle > $T/report.txt
"$RUNLXC" --root $ROOT run -d --bundle $T/bundle $ID
"$RUNLXC" --root $ROOT exec $ID sh -c '$PROBE' > $T/runlxc.out
pid=\$("$RUNLXC" --root $ROOT state $ID | jq -r .pid)
limits \$pid >> $T/runlxc.out
"$RUNLXC" --root $ROOT exec $ID cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max > $T/inside.out
"$RUNLXC" --root $ROOT delete --force $ID
EOF
    run unshare -n -m "$TOP/tests/integration/netns-bridge.sh" brcv0 10.0.77.1/24 -- bash "$T/both.sh"
    echo "$output"
    [ "$status" -eq 0 ]
    echo "--- lxc-start"; cat "$T/lxc.out"; echo "--- runlxc"; cat "$T/runlxc.out"
    diff "$T/lxc.out" "$T/runlxc.out"
    # and what both saw is what the config says
    [ "$(head -1 "$T/runlxc.out")" = bb ]
    grep -qx "eth0 10.0.77.2/24" "$T/runlxc.out"
    grep -qx ping-ok "$T/runlxc.out"
    if liblxc_at_least 2.0; then grep -qx "RLX_FROM_LXC=yes" "$T/runlxc.out"; fi
    grep -qx " *0 0 4294967295" "$T/runlxc.out"
    grep -qx "mount /usr/lib" "$T/runlxc.out"
    grep -qx "memory 268435456 pids 100" "$T/runlxc.out"
    [ "$(tr '\n' ' ' < "$T/inside.out")" = "268435456 100 " ]
    ttys=$(config_ttys bb)
    grep -qx "tty$ttys" "$T/runlxc.out"
    # the one lossy setting is the freezer state; the template's ttys became the annotation
    grep -q "^container bb: .* 1 lossy" "$T/report.txt"
    grep -q "lossy *lxc.cgroup.freezer.state = THAWED" "$T/report.txt"
    grep -Eq "translated lxc.tty(.max)? = $ttys -> annotations.org.runlxc.ttys" "$T/report.txt"
}

@test "convert: lossy settings make it exit 1 and write nothing; --report json lists every key" {
    make_busybox bb
    run cv bb "$T/bundle"
    [ "$status" -eq 1 ]
    [[ "$output" == *"1 LXC setting would change behaviour"*"--allow-lossy"* ]]
    [ ! -e "$T/bundle" ]
    run cv --report json --allow-lossy bb "$T/bundle"
    [ "$status" -eq 0 ]
    # one report item per key line of the config (includes flattened), none dropped
    local keys
    keys=$(grep -cE '^[[:space:]]*lxc\.' "$LXP/bb/config")
    [ "$(jq '.items | length' <<< "$output")" = "$keys" ]
    [ "$(jq -r '[.items[].status] | unique | join(",")' <<< "$output")" = "lossy,no-effect,recorded,translated" ]
    jq -e '.items[] | select(.key == "lxc.cgroup.memory.limit_in_bytes") | .oci == "linux.resources.memory.limit"' <<< "$output"
    [ -f "$T/bundle/config.json" ] && [ -f "$T/bundle/lxc-convert-report.json" ]
    [ "$(jq -r .root.path "$T/bundle/config.json")" = "$(realpath "$LXP/bb/rootfs")" ]
}

@test "convert: the 1.0 dialect and includes are read as liblxc reads them, each key family translated" {
    modern_lxc_only
    mkdir -p "$LXP/old/rootfs" "$T/inc"
    cp -a "$ROOTFS_CACHE/rootfs/." "$LXP/old/rootfs/" 2>/dev/null || ROOTFS_ONLY=1 "$TOP/scripts/mkbundle.sh" "$LXP/old" >/dev/null
    printf '2\ndenylist\nreject_force_umount\n[all]\nkexec_load errno 1\n[arm64]\nopen_by_handle_at errno 1\n' > "$T/inc/my.seccomp"
    cat > "$T/inc/common.conf" <<EOF
lxc.cgroup.devices.deny = a
lxc.cgroup.devices.allow = c 1:3 rwm
lxc.cap.drop = sys_module mac_admin
lxc.seccomp = $T/inc/my.seccomp
EOF
    cat > "$LXP/old/config" <<EOF
# an LXC 1.0 config (CentOS 6 era)
lxc.include = $T/inc/common.conf
lxc.utsname = oldbox
lxc.rootfs = $LXP/old/rootfs
lxc.network.type = veth
lxc.network.link = br0
lxc.network.flags = up
lxc.network.hwaddr = 00:16:3e:11:22:33
lxc.network.ipv4 = 10.1.2.3/24
lxc.network.type = empty
lxc.id_map = u 0 100000 65536
lxc.id_map = g 0 100000 65536
lxc.aa_profile = unconfined
lxc.init_cmd = /bin/sh -c "exec sleep 5"
lxc.cgroup.cpuset.cpus = 0
lxc.cgroup.cpu.shares = 512
lxc.limit.nofile = 1024:2048
lxc.haltsignal = SIGRTMIN+3
lxc.start.auto = 1
lxc.mount.auto = proc:rw sys:ro
lxc.mount.entry = /tmp tmp none bind,create=dir 0 0
lxc.loglevel = 1
lxc.pts = 1024
EOF
    run cv --report json old "$T/bundle"
    echo "$output"
    [ "$status" -eq 0 ]
    local c=$T/bundle/config.json
    [ "$(jq -r .hostname "$c")" = oldbox ]
    [ "$(jq -c .process.args "$c")" = '["/bin/sh","-c","exec sleep 5"]' ]
    [ "$(jq -c '.linux.uidMappings' "$c")" = '[{"containerID":0,"hostID":100000,"size":65536}]' ]
    [ "$(jq -r '.linux.resources.cpu.cpus, .linux.resources.cpu.shares' "$c" | tr '\n' ' ')" = "0 512 " ]
    [ "$(jq -c '.process.rlimits' "$c")" = '[{"type":"RLIMIT_NOFILE","soft":1024,"hard":2048}]' ]
    [ "$(jq -c '.linux.resources.devices' "$c")" = '[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"}]' ]
    if jq -e '.process.capabilities.bounding | index("CAP_SYS_MODULE")' "$c"; then false; fi
    jq -e '.process.capabilities.bounding | index("CAP_SYS_ADMIN")' "$c"
    [ "$(jq -r '.annotations["org.runlxc.lxc.net"]' "$c")" = "$(printf 'lxc.net.0.type = veth\nlxc.net.0.link = br0\nlxc.net.0.flags = up\nlxc.net.0.hwaddr = 00:16:3e:11:22:33\nlxc.net.0.ipv4.address = 10.1.2.3/24')" ]
    [ "$(jq -r '.annotations["org.runlxc.lxc.signal.halt"], .annotations["org.runlxc.lxc.start.auto"]' "$c" | tr '\n' ' ')" = "SIGRTMIN+3 1 " ]
    # a system container: rich (design note 20), with LXC's halt signal as its stop signal
    [ "$(jq -r '.annotations["org.runlxc.rich"], .annotations["org.runlxc.stop-signal"]' "$c" | tr '\n' ' ')" = "true SIGRTMIN+3 " ]
    jq -e '.linux.seccomp.syscalls[] | select(.names == ["kexec_load"] and .action == "SCMP_ACT_ERRNO" and .errnoRet == 1)' "$c"
    jq -e '.linux.seccomp.syscalls[] | select(.names == ["umount2"] and .errnoRet == 13)' "$c"
    if jq -e '.linux.seccomp.syscalls[] | select(.names == ["open_by_handle_at"])' "$c"; then false; fi
    jq -e '.mounts[] | select(.destination == "/tmp" and .type == "bind")' "$c"
    if jq -e '.linux.readonlyPaths | index("/proc/sys")' "$c"; then false; fi    # proc:rw
    if jq -e '.mounts[] | select(.destination == "/sys/fs/cgroup")' "$c"; then false; fi    # no cgroup in mount.auto
    # the report names the 1.0 keys with their 2.1 spelling and where each came from
    jq -e '.items[] | select(.key == "lxc.utsname" and .modern_key == "lxc.uts.name" and .status == "translated")' <<< "$output"
    jq -e --arg f "$T/inc/common.conf" '.items[] | select(.key == "lxc.cap.drop" and .file == $f and .line == 3)' <<< "$output"
    jq -e '.items[] | select(.key == "lxc.loglevel" and .status == "no-effect")' <<< "$output"
    jq -e '.items[] | select(.key == "lxc.network.type" and .value == "empty" and .status == "translated")' <<< "$output"
}

@test "convert: a converted container runs under runlxc, with runc's and crun's answers on the same bundle" {
    modern_lxc_only
    mkdir -p "$LXP/plain/rootfs"
    cp -a "$ROOTFS_CACHE/rootfs/." "$LXP/plain/rootfs/"
    cat > "$LXP/plain/config" <<EOF
lxc.uts.name = plainbox
lxc.rootfs.path = dir:$LXP/plain/rootfs
lxc.net.0.type = empty
lxc.init.cmd = /bin/sh -c 'echo \$(hostname) \$RLX; cat /proc/self/uid_map | tr -s " "'
lxc.environment = RLX=set
lxc.mount.auto = proc:mixed sys:ro cgroup:mixed
lxc.init.cwd = /tmp
EOF
    cv plain "$T/bundle" >/dev/null
    run "$RUNLXC" --root "$ROOT" run --bundle "$T/bundle" "$ID"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "plainbox set" ]
    # the bundle is a plain OCI bundle: runc and crun (which refuses a hybrid host unless
    # cgroup2 is hidden) run it the same
    run runc --root "$T/runc" run --bundle "$T/bundle" "$ID-runc"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "plainbox set" ]
    run unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --root "$1" run --bundle "$2" "$3"' \
        sh "$T/crun" "$T/bundle" "$ID-crun"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "plainbox set" ]
}

@test "convert --all: one line per container (translated, lossy, failed) and a total" {
    modern_lxc_only
    make_busybox bb
    mkdir -p "$LXP/ok/rootfs" "$LXP/broken"
    printf 'lxc.uts.name = ok\nlxc.rootfs.path = %s\nlxc.net.0.type = empty\n' "$LXP/ok/rootfs" > "$LXP/ok/config"
    printf 'lxc.uts.name = broken\nlxc.rootfs.path = lvm:/dev/vg/broken\n' > "$LXP/broken/config"
    run cv --all "$T/out"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "${lines[0]}" == "bb "*"lossy "*"not written"* ]]
    [[ "${lines[1]}" == "broken "*"failed "*"lvm backend is not supported"* ]]
    [[ "${lines[2]}" == "ok "*"translated "* ]]
    [ "${lines[3]}" = "3 containers: 1 translated, 1 lossy, 1 failed" ]
    [ -f "$T/out/ok/config.json" ] && [ ! -e "$T/out/bb" ] && [ ! -e "$T/out/broken" ]
    run cv --all --allow-lossy "$T/out2"
    [ "${lines[3]}" = "3 containers: 1 translated, 1 lossy, 1 failed" ]
    [ -f "$T/out2/bb/config.json" ]
}

@test "convert --copy: the rootfs is copied with owners, modes, links; symlinks out of it stay links" {
    modern_lxc_only
    mkdir -p "$LXP/cp/rootfs/etc" "$LXP/cp/rootfs/bin"
    cp -a "$ROOTFS_CACHE/rootfs/." "$LXP/cp/rootfs/"
    echo data > "$LXP/cp/rootfs/etc/f"
    ln "$LXP/cp/rootfs/etc/f" "$LXP/cp/rootfs/etc/hard"
    chown 1234:5678 "$LXP/cp/rootfs/etc/f"
    chmod 4751 "$LXP/cp/rootfs/etc/f"
    ln -s /etc/shadow "$LXP/cp/rootfs/etc/abs-out"
    ln -s ../../../../../../../../etc "$LXP/cp/rootfs/etc/rel-out"
    mknod "$LXP/cp/rootfs/etc/null" c 1 3
    printf 'lxc.uts.name = cp\nlxc.rootfs.path = %s\nlxc.net.0.type = empty\nlxc.init.cmd = /bin/true\n' \
        "$LXP/cp/rootfs" > "$LXP/cp/config"
    touch "$T/marker"
    cv --copy cp "$T/bundle" >/dev/null
    local r=$T/bundle/rootfs
    [ "$(jq -r .root.path "$T/bundle/config.json")" = rootfs ]
    [ "$(stat -c '%u:%g %a %h' "$r/etc/f")" = "1234:5678 4751 2" ]
    [ "$(stat -c %i "$r/etc/f")" = "$(stat -c %i "$r/etc/hard")" ]
    [ "$(readlink "$r/etc/abs-out")" = /etc/shadow ]
    [ "$(readlink "$r/etc/rel-out")" = ../../../../../../../../etc ]
    [ "$(stat -c '%F %t:%T' "$r/etc/null")" = "character special file 1:3" ]
    # nothing was written outside the bundle: no file newer than the marker in /etc
    [ -z "$(find /etc -newer "$T/marker" -print -quit 2>/dev/null)" ]
    run "$RUNLXC" --root "$ROOT" run --bundle "$T/bundle" "$ID"
    [ "$status" -eq 0 ]
}

@test "convert: bad input is refused with the reason, and nothing is written" {
    modern_lxc_only
    mkdir -p "$LXP/loop" "$LXP/rootslash" "$LXP/bogus" "$LXP/lvm"
    # a missing container
    run cv nosuch "$T/b1"
    [ "$status" -eq 1 ]
    [[ "$output" == *"container 'nosuch' not found in $LXP"* ]]
    # an include loop
    printf 'lxc.include = %s/loop/more\n' "$LXP" > "$LXP/loop/config"
    printf 'lxc.uts.name = x\nlxc.include = %s/loop/config\n' "$LXP" > "$LXP/loop/more"
    run cv loop "$T/b2"
    [ "$status" -eq 1 ]
    [[ "$output" == *"include loop"* ]]
    # a key liblxc rejects
    printf 'lxc.uts.name = x\nlxc.rootfs.path = /tmp\nlxc.frobnicate = 1\n' > "$LXP/bogus/config"
    run cv bogus "$T/b3"
    [ "$status" -eq 1 ]
    [[ "$output" == *"liblxc"*"rejects this config"* ]]
    # a rootfs that is a symlink to /
    ln -s / "$LXP/rootslash/rootfs"
    printf 'lxc.uts.name = x\nlxc.rootfs.path = %s/rootslash/rootfs\nlxc.net.0.type = empty\n' "$LXP" > "$LXP/rootslash/config"
    run cv rootslash "$T/b4"
    [ "$status" -eq 1 ]
    [[ "$output" == *"resolves to / (the host's root)"* ]]
    run cv --copy rootslash "$T/b5"
    [ "$status" -eq 1 ]
    # a backend convert cannot read
    printf 'lxc.uts.name = x\nlxc.rootfs.path = lvm:/dev/vg0/lv\n' > "$LXP/lvm/config"
    run cv lvm "$T/b6"
    [ "$status" -eq 1 ]
    [[ "$output" == *"the lvm backend is not supported"* ]]
    # bad flags
    run cv --report xml lvm "$T/b7"
    [ "$status" -eq 1 ]
    [[ "$output" == *"--report must be text or json"* ]]
    for b in b1 b2 b3 b4 b5 b6 b7; do [ ! -e "$T/$b" ]; done
}

@test "convert: a 2.1+ config with every other key family gives the expected report and config" {
    modern_lxc_only
    mkdir -p "$LXP/modern/rootfs" "$T/inc"
    printf '/tmp tmp none bind,create=dir 0 0\nproc proc proc defaults 0 0\n' > "$T/inc/fstab"
    printf '1\n0\n1\n60\n' > "$T/inc/v1.seccomp"
    cat > "$LXP/modern/config" <<CONF
lxc.rootfs.path = $LXP/modern/rootfs
lxc.uts.name = modern
lxc.init.uid = 1000
lxc.init.gid = 1000
lxc.init.groups = 10,20
lxc.cgroup2.memory.max = 1G
lxc.cgroup2.cpu.max = 50000 100000
lxc.cgroup2.cpu.weight = 100
lxc.cgroup2.pids.max = 64
lxc.cgroup2.io.max = 8:0 rbps=1048576
lxc.cgroup.memory.swappiness = 10
lxc.cgroup.freezer.state = THAWED
lxc.namespace.keep = net
lxc.hook.pre-start = /usr/local/bin/prestart-hook one two
lxc.hook.post-stop = /usr/local/bin/poststop-hook
lxc.hook.clone = /usr/share/lxc/hooks/clonehostname
lxc.sysctl.net.ipv4.ip_forward = 1
lxc.prlimit.nproc = unlimited
lxc.mount.fstab = $T/inc/fstab
lxc.proc.oom_score_adj = 100
lxc.apparmor.profile = lxc-container-default
lxc.selinux.context = system_u:system_r:svirt_lxc_net_t:s0
lxc.seccomp.profile = $T/inc/v1.seccomp
lxc.console.path = none
lxc.ephemeral = 1
lxc.time.offset.boot = 10s
lxc.no_new_privs = 1
lxc.cap.keep = chown kill
CONF
    run cv --report json --allow-lossy modern "$T/bundle"
    echo "$output"
    [ "$status" -eq 0 ]
    local c=$T/bundle/config.json
    st() { jq -r --arg k "$1" '[.items[] | select(.key == $k) | .status] | join(",")' <<< "$output"; }
    [ "$(st lxc.cgroup2.memory.max)" = translated ]
    [ "$(st lxc.cgroup2.io.max)" = translated ]          # to unified
    [ "$(st lxc.cgroup.freezer.state)" = lossy ]
    [ "$(st lxc.hook.clone)" = no-effect ]
    [ "$(st lxc.console.path)" = no-effect ]
    [ "$(st lxc.ephemeral)" = recorded ]
    [ "$(st lxc.time.offset.boot)" = lossy ]
    [ "$(st lxc.mount.fstab)" = translated,translated ]
    [ "$(jq -c '.process.user' "$c")" = '{"uid":1000,"gid":1000,"additionalGids":[10,20]}' ]
    [ "$(jq -c '.linux.resources.memory.limit, .linux.resources.cpu.quota, .linux.resources.cpu.period, .linux.resources.pids.limit, .linux.resources.memory.swappiness' "$c" | tr '\n' ' ')" = "1073741824 50000 100000 64 10 " ]
    # cpu.weight 100 -> shares that runc turns back into weight 100
    [ "$(jq '.linux.resources.cpu.shares' "$c")" = 2598 ]
    [ "$(jq -r '.linux.resources.unified["io.max"]' "$c")" = "8:0 rbps=1048576" ]
    if jq -e '.linux.namespaces[] | select(.type == "network")' "$c"; then false; fi
    [ "$(jq -c '.hooks.createRuntime[0].args' "$c")" = '["/usr/local/bin/prestart-hook","one","two","modern","lxc","pre-start"]' ]
    jq -e '.hooks.poststop[0].path == "/usr/local/bin/poststop-hook"' "$c"
    [ "$(jq -r '.linux.sysctl["net.ipv4.ip_forward"]' "$c")" = 1 ]
    # (jq 1.6 rounds 2^64-1: read the file's own text)
    tr -d ' \n' < "$c" | grep -q '"rlimits":\[{"type":"RLIMIT_NPROC","soft":18446744073709551615,"hard":18446744073709551615}\]'
    jq -e '.mounts[] | select(.destination == "/tmp" and .source == "/tmp")' "$c"
    [ "$(jq '.process.oomScoreAdj' "$c")" = 100 ]
    [ "$(jq -r '.process.apparmorProfile, .process.selinuxLabel' "$c" | tr '\n' ' ')" = "lxc-container-default system_u:system_r:svirt_lxc_net_t:s0 " ]
    [ "$(jq -c '.linux.seccomp.defaultAction, [.linux.seccomp.syscalls[].names[0]]' "$c" | tr '\n' ' ')" = '"SCMP_ACT_KILL" ["read","write","exit"] ' ]
    [ "$(jq '.process.noNewPrivileges' "$c")" = true ]
    [ "$(jq -c '.process.capabilities.bounding' "$c")" = '["CAP_CHOWN","CAP_KILL"]' ]
    # the lossy settings are listed, and without --allow-lossy nothing is written
    run cv modern "$T/bundle2"
    [ "$status" -eq 1 ]
    [[ "$output" == *"2 LXC settings would change behaviour"* ]]
    [ ! -e "$T/bundle2" ]
}

@test "convert --image: the container as an OCI layout and a docker-archive that runlxc-unpack runs; a hostile rootfs stays inside" {
    modern_lxc_only
    mkdir -p "$LXP/img/rootfs"
    cp -a "$ROOTFS_CACHE/rootfs/." "$LXP/img/rootfs/"
    ln -s ../../../../../../etc/passwd "$LXP/img/rootfs/escape"
    ln -s / "$LXP/img/rootfs/hostroot"
    python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$LXP/img/rootfs/tmp/sock"
    cat > "$LXP/img/config" <<CONF
lxc.uts.name = img
lxc.rootfs.path = $LXP/img/rootfs
lxc.net.0.type = empty
lxc.init.cmd = /bin/sh -c 'echo "\$GREETING from \$(pwd) as \$(id -u)"; ls -l /escape | grep -c passwd'
lxc.environment = GREETING=hello
lxc.init.cwd = /tmp
lxc.signal.halt = SIGRTMIN+3
CONF
    touch "$T/marker"
    run cv --image "oci:$T/layout:v1" img
    [ "$status" -eq 0 ]
    [[ "$output" == *"1 sockets skipped"* ]]
    run cv --image "docker-archive:$T/img.tar" img
    [ "$status" -eq 0 ]
    for src in "oci:$T/layout:v1" "docker-archive:$T/img.tar"; do
        rm -rf "$T/ub"
        runlxc-unpack "$src" "$T/ub"
        [ -L "$T/ub/rootfs/escape" ] && [ -L "$T/ub/rootfs/hostroot" ] && [ ! -e "$T/ub/rootfs/tmp/sock" ]
        run "$RUNLXC" --root "$ROOT" run --bundle "$T/ub" "$ID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "hello from /tmp as 0" ]
    done
    # the image config carries what an engine reads
    local cfgdigest
    cfgdigest=$(jq -r '.manifests[0].digest' "$T/layout/index.json" | sed 's/sha256://')
    cfgdigest=$(jq -r '.config.digest' "$T/layout/blobs/sha256/$cfgdigest" | sed 's/sha256://')
    jq -e '.config.StopSignal == "SIGRTMIN+3" and .config.Labels["org.runlxc.lxc.name"] == "img" and .config.WorkingDir == "/tmp"' \
        "$T/layout/blobs/sha256/$cfgdigest"
    [ "$(jq -r '.config.Labels["org.runlxc.lxc.lossy"]' "$T/layout/blobs/sha256/$cfgdigest")" = "[]" ]
    # nothing outside the destinations was written
    [ -z "$(find /etc -newer "$T/marker" -print -quit 2>/dev/null)" ]
}

@test "convert: an overlay rootfs is copied as its merged view (--copy is required for it)" {
    modern_lxc_only
    mkdir -p "$LXP/ovl/lower" "$LXP/ovl/upper/etc"
    cp -a "$ROOTFS_CACHE/rootfs/." "$LXP/ovl/lower/"
    echo lower > "$LXP/ovl/lower/etc/motd"
    echo upper > "$LXP/ovl/upper/etc/motd"
    echo gone > "$LXP/ovl/lower/etc/deleted"
    mknod "$LXP/ovl/upper/etc/deleted" c 0 0    # overlayfs's whiteout
    printf 'lxc.uts.name = ovl\nlxc.rootfs.path = overlay:%s:%s\nlxc.net.0.type = empty\nlxc.init.cmd = /bin/sh -c "cat /etc/motd; ls /etc/deleted 2>&1 | grep -c No"\n' \
        "$LXP/ovl/lower" "$LXP/ovl/upper" > "$LXP/ovl/config"
    run cv ovl "$T/bundle"
    [ "$status" -eq 1 ]
    [[ "$output" == *"use --copy to copy the merged view"* ]]
    [ ! -e "$T/bundle" ]
    cv --copy ovl "$T/bundle" >/dev/null
    run "$RUNLXC" --root "$ROOT" run --bundle "$T/bundle" "$ID"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = upper ]
    [ "${lines[1]}" = 1 ]
    # the overlay was mounted only in convert's own mount namespace
    if grep -q "$LXP/ovl" /proc/self/mountinfo; then false; fi
}
