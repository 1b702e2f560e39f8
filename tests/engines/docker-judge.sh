#!/bin/bash
# Docker Engine judge: what Docker users do every day, through a private dockerd (Debian's
# docker.io 20.10, which starts its own containerd), with runlxc registered by --add-runtime and
# runc (dockerd's default runtime) as the reference in the same run: every scenario runs once per
# runtime and is named RUNTIME/SCENARIO.
#
#   tests/engines/docker-judge.sh [--runtimes "runlxc runc"] [--personality PROFILE]
#                                 [--storage-driver DRIVER] [--cgroup-driver cgroupfs|systemd] [RUNLXC]
#
# --cgroup-driver systemd is dockerd's native.cgroupdriver=systemd (the engine then calls the
# runtime with --systemd-cgroup, containers in judgedocker<pid>.slice); it needs systemd as PID 1
# (the kernel matrix's systemd VM row). DOCKERD_OPTS adds options to dockerd (the VM row's guest
# kernel has no iptables modules: --iptables=false, published ports through docker-proxy).
#
# RUNLXC defaults to the installed runlxc. --personality runs every runlxc call under
# tests/kernel-matrix/personality PROFILE (or $PERSONALITY_BIN): a RHEL 7 host's kernel surface;
# runc, the reference, stays unconfined. JUDGE_HIDE_UNIFIED=1 hides the cgroup2 mount (a cgroup
# v1-only host). Uses ../shared/judges (lib.sh for the private mount namespace, the tracing
# wrapper and the TAP counters; mkimage.sh for the busybox image, built offline).
#
# Isolation: the judge runs in its own network namespace (dockerd's bridge "jdg0" with its own
# subnet, its iptables rules, the published ports on that namespace's loopback) and its own mount
# namespace; dockerd has its own --data-root, --exec-root, socket and --cgroup-parent. Nothing is
# started as a service and nothing outside those namespaces changes.
# Output: TAP lines, comments, and a last line "N passed, N failed[, N skipped]".
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
src=${JUDGES_DIR:-$top/../shared/judges}
[ -f "$src/lib.sh" ] || { echo "docker-judge.sh: judges not found at $src" >&2; exit 2; }
if [ -z "${DOCKER_JUDGE_IN_NETNS:-}" ]; then
    [ "$(id -u)" = 0 ] || { echo "docker-judge.sh: must run as root" >&2; exit 2; }
    DOCKER_JUDGE_IN_NETNS=1 exec unshare --net -- "$BASH" "$0" "$@"
fi
. "$src/lib.sh"
judge_enter_mountns "$@"

runtimes="runlxc runc"
profile=
driver=overlay2
cgdriver=cgroupfs
while [ $# -gt 0 ]; do
    case $1 in
    --runtimes) runtimes=$2; shift 2 ;;
    --personality) profile=$2; shift 2 ;;
    --storage-driver) driver=$2; shift 2 ;;
    --cgroup-driver) cgdriver=$2; shift 2 ;;
    -*) echo "docker-judge.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
RUNLXC=$(command -v "${1:-runlxc}") || { echo "docker-judge.sh: runtime ${1:-runlxc} not found" >&2; exit 2; }
DOCKER=${DOCKER_CLI:-/usr/bin/docker}
for tool in dockerd "$DOCKER" docker-init docker-proxy iptables ip script wget; do
    command -v "$tool" >/dev/null || { echo "docker-judge.sh: $tool not found (scripts/install-deps.sh installs docker.io)" >&2; exit 2; }
done

judge_init docker
SOCK=$JT/docker.sock
# the containers' cgroup parent: a path for cgroupfs, a slice (no dash: no nesting) for systemd
if [ "$cgdriver" = systemd ]; then CGPARENT=judgedocker$$.slice CGFLAG=$CGPARENT; else CGPARENT=judge-docker-$$ CGFLAG=/$CGPARENT; fi
DPID=
IMG=localhost/judge/busybox:latest
dk() { timeout -k 5 120 "$DOCKER" -H "unix://$SOCK" "$@"; }

cleanup() {
    set +e
    trap - EXIT INT TERM
    if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
        local ids
        ids=$(dk ps -aq 2>/dev/null)
        [ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1
        kill -TERM "$DPID"
        local i
        for i in $(seq 100); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$DPID" 2>/dev/null
        wait "$DPID" 2>/dev/null
    fi
    local f p
    for f in /sys/fs/cgroup/pids/"$CGPARENT"/*/cgroup.procs /sys/fs/cgroup/unified/"$CGPARENT"/*/cgroup.procs \
        /sys/fs/cgroup/"$CGPARENT"/*/cgroup.procs; do
        [ -f "$f" ] || continue
        for p in $(cat "$f"); do kill -KILL "$p" 2>/dev/null; done
    done
    sleep 0.2
    judge_umount_under "$JT"
    judge_rmdir_cgroups "$CGPARENT"
    umount -l /run/containerd 2>/dev/null
    if [ "${JUDGE_KEEP:-0}" = 1 ]; then echo "# kept $JT" >&2; else rm -rf "$JT"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the runtime under test, traced; under a personality the wrapper runs it through the harness
if [ -n "$profile" ]; then
    personality=${PERSONALITY_BIN:-$top/tests/kernel-matrix/personality}
    [ -x "$personality" ] || { echo "docker-judge.sh: $personality not built (make build-tests)" >&2; exit 2; }
    mkdir -p "$JT/p"
    printf '#!/bin/sh\nexec %s %s -- %s "$@"\n' "$personality" "$profile" "$RUNLXC" > "$JT/p/runlxc"
    chmod 755 "$JT/p/runlxc"
    judge_make_wrapper "$JT/p/runlxc"
    FILTERS=$("$personality" "$profile" -- awk '/^Seccomp_filters:/ {print $2}' /proc/self/status)
else
    FILTERS=0
    judge_make_wrapper "$RUNLXC"
fi

echo "# runtime: $RUNLXC ($("$RUNLXC" --version 2>/dev/null | head -1))${profile:+ under the $profile personality}"
case " $runtimes " in *" runc "*) echo "# reference: $(runc --version 2>/dev/null | head -1)" ;; esac
echo "# dockerd: $(dockerd --version 2>/dev/null), storage driver $driver, cgroup driver $cgdriver"
judge_cgroup_note

# shims put their sockets in /run/containerd/s: a private tmpfs there (this mount namespace only)
mkdir -p /run/containerd && mount -t tmpfs -o mode=711 judge-run-containerd /run/containerd ||
    { echo "docker-judge.sh: cannot mount a private /run/containerd" >&2; exit 2; }
ip link set lo up
ip link add jdg0 type bridge && ip addr add 10.231.7.1/24 dev jdg0 && ip link set jdg0 up ||
    { echo "docker-judge.sh: cannot make the judge's bridge" >&2; exit 2; }

dockerd --data-root "$JT/data" --exec-root "$JT/exec" -H "unix://$SOCK" --pidfile "$JT/dockerd.pid" \
    --bridge jdg0 --cgroup-parent "$CGFLAG" --exec-opt "native.cgroupdriver=$cgdriver" --storage-driver "$driver" \
    --add-runtime "runlxc=$WRAP" --log-level warn ${DOCKERD_OPTS:-} > "$JT/dockerd.log" 2>&1 &
DPID=$!
for _ in $(seq 120); do dk version >/dev/null 2>&1 && break; kill -0 "$DPID" 2>/dev/null || break; sleep 0.5; done
if ! dk version >/dev/null 2>&1; then
    echo "not ok dockerd: did not come up: $(tail -3 "$JT/dockerd.log" | tr '\n' ' ')"
    exit 1
fi
if [ -n "${JUDGE_IMAGE:-}" ]; then cp "$JUDGE_IMAGE" "$JT/img.tar"; else "$src/mkimage.sh" "$JT/img.tar" "$IMG" >/dev/null; fi &&
    dk load -i "$JT/img.tar" >/dev/null ||
    { echo "not ok image: docker load failed"; exit 1; }

# ---------------------------------------------------------------------------
# helpers: R is the runtime of the scenario being run
R=

# sc NAME EXPECTED ACTUAL: one scenario's verdict, named R/NAME
sc() { judge_check "$R/$1" "$2" "$3" "${4:-output}"; }
run_() { dk run --runtime "$R" "$@"; }
# name of a container of this runtime: c-RUNTIME-WORD
cn() { echo "c-$R-$1"; }
state() { dk inspect -f "$1" "$2" 2>&1; }
# until SECONDS CMD...: retries CMD every 0.2 s for up to SECONDS
until_() {
    local n=$(($1 * 5)); shift
    while [ "$n" -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; n=$((n - 1)); done
    return 1
}
# state_is FORMAT CONTAINER WANT: `docker inspect -f FORMAT` says WANT (for until_)
state_is() { [ "$(state "$1" "$2")" = "$3" ]; }
# logs_have CONTAINER TEXT: the container's output has TEXT (for until_)
logs_have() { dk logs "$1" 2>&1 | grep -q "$2"; }
# words: a command's output lines as one line of words
words() { tr '\n' ' ' | sed 's/ $//'; }
# tty CMD: runs a docker command on a pseudo-terminal, prints its output without CRs
tty_() { script -qec "$*" /dev/null < /dev/null | tr -d '\r'; }
# cg PID V1CONTROLLER V1FILE V2FILE: a cgroup file of the process's cgroup, read on the host
cg() {
    local pid=$1 rel
    rel=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup")
    if [ -n "$rel" ] && [ -f "/sys/fs/cgroup/$2$rel/$3" ]; then
        cat "/sys/fs/cgroup/$2$rel/$3"
        return
    fi
    rel=$(awk -F: '$1 == 0 { print $3 }' "/proc/$pid/cgroup")
    local root=/sys/fs/cgroup
    [ "$(stat -fc %T $root)" = cgroup2fs ] || root=/sys/fs/cgroup/unified
    cat "$root$rel/$4" 2>&1
}
pid_of() { dk inspect -f '{{.State.Pid}}' "$1"; }

# ---------------------------------------------------------------------------
scenarios() {
    local out c pid

    sc run-echo hi "$(run_ --rm "$IMG" echo hi 2>&1)"
    run_ --rm "$IMG" sh -c 'exit 42' > /dev/null 2>&1
    sc exit-code 42 "$?" "exit status"
    sc run-missing-command 127 "$(run_ --rm "$IMG" /no/such/binary > /dev/null 2>&1; echo $?)" "exit status"
    sc stdin "data from stdin" "$(echo 'data from stdin' | run_ --rm -i "$IMG" cat 2>&1)"
    sc tty /dev/pts/0 "$(tty_ "$DOCKER" -H "unix://$SOCK" run --rm -t --runtime "$R" "$IMG" tty)"
    sc env-workdir-user "bar /tmp 65534:65534" \
        "$(run_ --rm -e FOO=bar -w /tmp -u 65534:65534 "$IMG" sh -c 'echo $FOO $(pwd) $(id -u):$(id -g)' 2>&1)"

    # Docker's default capability set is 0xa80425fb; +NET_ADMIN is bit 12, -CHOWN bit 0
    sc caps-default 00000000a80425fb "$(run_ --rm "$IMG" awk '/^CapEff/ {print $2}' /proc/self/status 2>&1)"
    sc cap-add 00000000a80435fb "$(run_ --rm --cap-add NET_ADMIN "$IMG" awk '/^CapEff/ {print $2}' /proc/self/status 2>&1)"
    sc cap-drop "00000000a80425fa refused" \
        "$(run_ --rm --cap-drop CHOWN "$IMG" sh -c 'awk "/^CapEff/ {print \$2}" /proc/self/status; chown 1 /tmp 2>/dev/null && echo allowed || echo refused' 2>&1 | words)"

    sc read-only-tmpfs "ro tmpfs-ok tmpfs" \
        "$(run_ --rm --read-only --tmpfs /scratch "$IMG" sh -c 'touch /x 2>/dev/null && echo rw || echo ro; touch /scratch/y && echo tmpfs-ok; stat -fc %T /scratch' 2>&1 | words)"

    mkdir -p "$JT/vol-$R"
    echo from-host > "$JT/vol-$R/in"
    out=$(run_ --rm -v "$JT/vol-$R:/data" "$IMG" sh -c 'cat /data/in; echo from-container > /data/out' 2>&1)
    sc bind-volume "from-host from-container" "$out $(cat "$JT/vol-$R/out" 2>&1)"
    dk volume create "vol-$R" > /dev/null
    run_ --rm -v "vol-$R:/d" "$IMG" sh -c 'echo kept > /d/f' > /dev/null 2>&1
    sc named-volume kept "$(run_ --rm -v "vol-$R:/d" "$IMG" cat /d/f 2>&1)"

    # resources, read from the host's view of the container's cgroup
    c=$(cn res)
    run_ -d --name "$c" -m 64m --memory-swap 128m --cpus 0.5 --pids-limit 50 "$IMG" sleep 1000 > /dev/null 2>&1
    pid=$(pid_of "$c")
    sc resources-memory 67108864 "$(cg "$pid" memory memory.limit_in_bytes memory.max)"
    sc resources-cpus "50000 100000" \
        "$(echo "$(cg "$pid" cpu cpu.cfs_quota_us cpu.max) $(cg "$pid" cpu cpu.cfs_period_us cpu.max)" | awk '{print $1, ($2 == $1 ? $3 : $2)}')"
    sc resources-pids 50 "$(cg "$pid" pids pids.max pids.max)"
    # docker update: only what the user names changes (the shim sends zeros for the rest)
    dk update --memory 96m --memory-swap 192m --pids-limit 77 "$c" > /dev/null 2>&1
    sc update "100663296 77 50000" \
        "$(cg "$pid" memory memory.limit_in_bytes memory.max) $(cg "$pid" pids pids.max pids.max) $(cg "$pid" cpu cpu.cfs_quota_us cpu.max | awk '{print $1}')"
    dk update --cpus 1 "$c" > /dev/null 2>&1
    sc update-cpus "100000 100663296" \
        "$(cg "$pid" cpu cpu.cfs_quota_us cpu.max | awk '{print $1}') $(cg "$pid" memory memory.limit_in_bytes memory.max)"
    dk rm -f "$c" > /dev/null 2>&1

    sc ulimit "1000 2000" "$(run_ --rm --ulimit nofile=1000:2000 "$IMG" sh -c 'echo $(ulimit -n) $(ulimit -Hn)' 2>&1)"
    sc shm-size 32768 "$(run_ --rm --shm-size 32m "$IMG" df -k /dev/shm 2>&1 | awk 'NR == 2 {print $2}')"
    sc sysctl 12345 "$(run_ --rm --sysctl kernel.msgmax=12345 "$IMG" cat /proc/sys/kernel/msgmax 2>&1)"
    sc no-new-privileges 1 "$(run_ --rm --security-opt no-new-privileges "$IMG" awk '/^NoNewPrivs/ {print $2}' /proc/self/status 2>&1)"
    # Docker's default profile is one filter more than the judge's baseline (none, or the
    # personality's own), seccomp=unconfined none
    local base=0
    [ "$R" = runlxc ] && base=$FILTERS
    sc seccomp-default "$((base + 1))" "$(run_ --rm "$IMG" awk '/^Seccomp_filters:/ {print $2}' /proc/self/status 2>&1)" "seccomp filters"
    sc seccomp-unconfined "$base" \
        "$(run_ --rm --security-opt seccomp=unconfined "$IMG" awk '/^Seccomp_filters:/ {print $2}' /proc/self/status 2>&1)" "seccomp filters"
    sc device "c ok denied" \
        "$(run_ --rm --device /dev/null:/dev/judgenull "$IMG" sh -c 'stat -c %F /dev/judgenull | cut -c1; echo x > /dev/judgenull && echo ok; mknod /tmp/mem c 1 1 && (head -c1 /tmp/mem >/dev/null 2>&1 && echo allowed || echo denied)' 2>&1 | words)"
    sc init "docker-init sh" "$(run_ --rm --init "$IMG" sh -c 'echo $(cat /proc/1/comm) $(cat /proc/$$/comm)' 2>&1)"

    c=$(cn oom)
    run_ --name "$c" -m 16m --memory-swap 16m "$IMG" sh -c 'tail /dev/zero' > /dev/null 2>&1
    sc oom "137 true" "$(state '{{.State.ExitCode}} {{.State.OOMKilled}}' "$c")"
    dk rm -f "$c" > /dev/null 2>&1

    # a detached container and exec into it
    c=$(cn d)
    run_ -d --name "$c" "$IMG" sh -c 'echo out; echo err >&2; trap "echo got-usr1" USR1; while :; do sleep 1; done' > /dev/null 2>&1
    until_ 10 state_is '{{.State.Running}}' "$c" true
    sc exec "hi" "$(dk exec "$c" echo hi 2>&1)"
    sc exec-user-workdir-env "65534 /tmp 1" "$(dk exec -u 65534 -w /tmp -e A=1 "$c" sh -c 'echo $(id -u) $(pwd) $A' 2>&1)"
    sc exec-stdin "piped" "$(echo piped | dk exec -i "$c" cat 2>&1)"
    sc exec-tty /dev/pts/0 "$(tty_ "$DOCKER" -H "unix://$SOCK" exec -t "$c" tty)"
    dk exec "$c" sh -c 'exit 7' > /dev/null 2>&1
    sc exec-exit-code 7 "$?" "exit status"
    dk exec "$c" /no/such/binary > /dev/null 2>&1
    sc exec-missing-command 126 "$?" "exit status"
    sc top yes "$(dk top "$c" 2>&1 | grep -q 'while' && echo yes || dk top "$c" 2>&1)"
    out=$(dk stats --no-stream --format '{{.MemUsage}} {{.PIDs}}' "$c" 2>&1)
    case $out in 0B*|*" 0"|"") sc stats "non-zero memory and pids" "$out" ;; *) sc stats ok ok ;; esac
    echo copied-in > "$JT/cp-$R"
    dk cp "$JT/cp-$R" "$c:/tmp/f" > /dev/null 2>&1
    sc cp-in copied-in "$(dk exec "$c" cat /tmp/f 2>&1)"
    dk cp "$c:/tmp/f" "$JT/cp-back-$R" > /dev/null 2>&1
    sc cp-out copied-in "$(cat "$JT/cp-back-$R" 2>&1)"
    dk pause "$c" > /dev/null 2>&1
    sc pause paused "$(state '{{.State.Status}}' "$c")"
    dk unpause "$c" > /dev/null 2>&1
    sc unpause "running hi" "$(state '{{.State.Status}}' "$c") $(dk exec "$c" echo hi 2>&1)"
    dk kill -s USR1 "$c" > /dev/null 2>&1
    until_ 10 logs_have "$c" got-usr1
    sc kill-signal "yes" "$(logs_have "$c" got-usr1 && echo yes || echo no)"
    sc logs "out err" "$(dk logs "$c" 2>/dev/null | head -1) $(dk logs "$c" 2>&1 >/dev/null | head -1)"
    # stop: sh as PID 1 has no TERM handler, so the timeout's KILL ends it
    dk stop -t 1 "$c" > /dev/null 2>&1
    sc stop-timeout-kill "exited 137" "$(state '{{.State.Status}} {{.State.ExitCode}}' "$c")"
    dk start "$c" > /dev/null 2>&1
    sc start-again "running hi" "$(state '{{.State.Status}}' "$c") $(dk exec "$c" echo hi 2>&1)"
    out=$(state '{{.State.StartedAt}}' "$c")
    dk restart -t 1 "$c" > /dev/null 2>&1
    sc restart "running changed" "$(state '{{.State.Status}}' "$c") $([ "$(state '{{.State.StartedAt}}' "$c")" != "$out" ] && echo changed)"
    dk rm -f "$c" > /dev/null 2>&1
    sc rm-force "" "$(dk ps -aq --filter "name=^$c\$" 2>&1)"

    c=$(cn term)
    run_ -d --name "$c" "$IMG" sh -c 'trap "exit 0" TERM; while :; do sleep 1; done' > /dev/null 2>&1
    sleep 0.5
    dk stop -t 30 "$c" > /dev/null 2>&1
    sc stop-term "exited 0" "$(state '{{.State.Status}} {{.State.ExitCode}}' "$c")"
    dk rm -f "$c" > /dev/null 2>&1

    c=$(cn wait)
    run_ -d --name "$c" "$IMG" sh -c 'sleep 1; exit 5' > /dev/null 2>&1
    sc wait 5 "$(dk wait "$c" 2>&1)"
    dk rm -f "$c" > /dev/null 2>&1

    c=$(cn restart)
    run_ -d --name "$c" --restart on-failure:2 "$IMG" sh -c 'exit 3' > /dev/null 2>&1
    until_ 30 state_is '{{.RestartCount}} {{.State.Status}}' "$c" '2 exited'
    sc restart-policy "2 exited 3" "$(state '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}' "$c")"
    dk rm -f "$c" > /dev/null 2>&1

    c=$(cn health)
    run_ -d --name "$c" --health-cmd 'test -e /tmp/ready' --health-interval 1s --health-retries 1 "$IMG" \
        sh -c 'sleep 2; touch /tmp/ready; sleep 1000' > /dev/null 2>&1
    until_ 30 state_is '{{.State.Health.Status}}' "$c" healthy
    sc healthcheck healthy "$(state '{{.State.Health.Status}}' "$c")"
    dk exec "$c" rm /tmp/ready > /dev/null 2>&1
    until_ 30 state_is '{{.State.Health.Status}}' "$c" unhealthy
    sc healthcheck-fails unhealthy "$(state '{{.State.Health.Status}}' "$c")"
    dk rm -f "$c" > /dev/null 2>&1

    # many at once
    # (a plain `wait` would wait for dockerd too)
    local i jobs=()
    for i in 1 2 3 4 5 6 7 8; do run_ -d --name "$(cn many$i)" "$IMG" sleep 1000 > /dev/null 2>&1 & jobs+=($!); done
    wait "${jobs[@]}"
    sc many-at-once 8 "$(dk ps -q --filter "name=^c-$R-many" 2>&1 | wc -l)" "running containers"
    jobs=()
    for i in 1 2 3 4 5 6 7 8; do dk rm -f "$(cn many$i)" > /dev/null 2>&1 & jobs+=($!); done
    wait "${jobs[@]}"
    sc many-removed 0 "$(dk ps -aq --filter "name=^c-$R-many" 2>&1 | wc -l)" "containers left"

    # Docker's default bridge (the judge's jdg0): a published port, and container to container
    local port=18080 ip
    [ "$R" = runc ] && port=18081
    c=$(cn web)
    run_ -d --name "$c" -p "127.0.0.1:$port:80" "$IMG" httpd -f -p 80 -h /etc > /dev/null 2>&1
    until_ 10 wget -q -T 2 -O /dev/null "http://127.0.0.1:$port/hostname"
    sc port-publish "$(state '{{.Config.Hostname}}' "$c")" "$(wget -q -T 5 -O - "http://127.0.0.1:$port/hostname" 2>&1)"
    ip=$(state '{{.NetworkSettings.IPAddress}}' "$c")
    # nc, not wget: Debian's busybox-static wget crashes (static glibc resolver)
    sc bridge-peer "$(state '{{.Config.Hostname}}' "$c")" \
        "$(run_ --rm "$IMG" sh -c "printf 'GET /hostname HTTP/1.0\r\n\r\n' | nc -w 5 $ip 80 | tail -1" 2>&1)"
    dk rm -f "$c" > /dev/null 2>&1
    dk volume rm "vol-$R" > /dev/null 2>&1
}

# after every container of the runtime is gone: no runtime state, mounts or cgroups of it left
leftovers() {
    local left=
    left+=$(find "$JT/exec/runtime-$R" -mindepth 2 -maxdepth 2 2>/dev/null)
    left+=$(judge_leftover_cgroups "$CGPARENT")
    left+=$(awk -v d="$JT/exec/containerd/daemon/io.containerd.runtime.v2.task" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo)
    left+=$(pgrep -f "c-$R-" 2>/dev/null | tr '\n' ' ')
    sc no-leftovers "" "$left" "left behind"
    # the engine asked for its cgroup driver: with systemd, every create of the traced runtime
    # carries --systemd-cgroup (and none does with cgroupfs)
    if [ "$R" = runlxc ]; then
        local creates driven
        creates=$(grep -cE -- '-- .* create ' "$TRACE")
        driven=$(grep -E -- '-- .* create ' "$TRACE" | grep -c -- ' --systemd-cgroup ')
        [ "$cgdriver" = systemd ] || driven=$((creates - driven))
        sc cgroup-driver "$creates" "$driven" "creates (of $creates) that follow the $cgdriver driver"
    fi
}

for R in $runtimes; do
    echo "# --- $R"
    t0=$(date +%s)
    scenarios
    leftovers
    echo "# $R: $(( $(date +%s) - t0 ))s"
done
[ "${JUDGE_KEEP:-0}" = 1 ] && echo "# dockerd log: $JT/dockerd.log"
judge_finish
[ "$JUDGE_FAIL" = 0 ]
