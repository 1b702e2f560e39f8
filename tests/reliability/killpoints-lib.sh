# Kill-point harness (issue 15, section 1), sourced by tests/reliability/killpoints.sh (CI:
# a stride over the points) and scripts/kill-points.sh (every point).
#
# For each command (create start run exec kill delete update), a fresh container is brought
# to the state the command needs, the command runs under `killat N` (SIGKILL at the entry of
# its Nth system call, tests/reliability/killat.c), then:
#   - `state` and `list` must not crash (exit 0 or 1, never a signal) and tell the truth: a
#     created/running/paused container has a live init, a listed one has the same status;
#   - `delete --force` must succeed;
#   - nothing of the container may remain, at once and again 300 ms later (a monitor that
#     outlived its parent builds the container after delete ran): state dir, cgroup dirs
#     (every hierarchy, runlxc.monitor/<id>-<hash> too), processes (in its cgroups, with its
#     id or marker on their command line, or rooted in its rootfs), mounts under the test
#     dir, /run/lxc entries with its id, host network links (veth) that were not there before;
#   - a bystander container in the same --root stays running with the same pid.
# Needs: RUNLXC, KILLAT (the killat binary), TOP (source tree).

kp_setup() {
    KP_T=$(mktemp -d /tmp/runlxc-kp.XXXXXX)
    KP_ROOT=$KP_T/state
    KP_MARK=$(( 600000 + RANDOM ))
    ROOTFS_ONLY=1 "$TOP/scripts/mkbundle.sh" "$KP_T/sleep" >/dev/null
    RUNLXC="$RUNLXC" "$TOP/scripts/mkbundle.sh" "$KP_T/sleep" sleep "$KP_MARK" >/dev/null
    mkdir -p "$KP_T/true"
    cp -a "$KP_T/sleep/rootfs" "$KP_T/true/rootfs"
    RUNLXC="$RUNLXC" "$TOP/scripts/mkbundle.sh" "$KP_T/true" true >/dev/null
    rlk create --bundle "$KP_T/sleep" bystander && rlk start bystander || return 1
    KP_BYSTANDER_PID=$(rlk state bystander | jq -r .pid)
    KP_LINKS=$(kp_links)
}

# The host's network links, by name. runlxc configures no network (lxc.net type none or
# empty), so a new one after a kill point would be a veth or other link it leaked.
kp_links() { ip -o link show | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | sort; }

kp_teardown() {
    local d
    for d in "$KP_ROOT"/*; do
        [ -d "$d" ] && rlk delete --force "$(basename "$d")" >/dev/null 2>&1
    done
    rm -rf "$KP_T"
}

rlk() { timeout 60 "$RUNLXC" --root "$KP_ROOT" "$@"; }

# The command line killed, and the state it needs first.
kp_cmd() { # CMD ID -> words
    case $1 in
    create) echo create --bundle "$KP_T/sleep" "$2" ;;
    start) echo start "$2" ;;
    run) echo run --bundle "$KP_T/true" "$2" ;;
    exec) echo exec "$2" true ;;
    kill) echo kill "$2" KILL ;;
    delete) echo delete --force "$2" ;;
    update) echo update --memory 64M --pids-limit 100 "$2" ;;
    esac
}

kp_prepare() { # CMD ID
    case $1 in
    create | run) return 0 ;;
    start) rlk create --bundle "$KP_T/sleep" "$2" ;;
    *) rlk create --bundle "$KP_T/sleep" "$2" && rlk start "$2" ;;
    esac
}

# How many system calls CMD makes when nothing kills it.
kp_count() { # CMD
    local id=count-$1 n
    kp_prepare "$1" "$id" >/dev/null 2>&1 || { echo 0; return; }
    # shellcheck disable=SC2046
    KILLAT_COUNT=$KP_T/count "$KILLAT" 0 "$RUNLXC" --root "$KP_ROOT" $(kp_cmd "$1" "$id") >/dev/null 2>&1 </dev/null
    n=$(sed -n 's/^killat: \([0-9]*\) syscalls$/\1/p' "$KP_T/count")
    rlk delete --force "$id" >/dev/null 2>&1
    echo "${n:-0}"
}

# Everything of container ID still on the host, one line per item (nothing: clean).
kp_leftovers() { # ID
    local id=$1 f p
    # Processes come and go while /proc is read: their vanished files are no finding. One
    # grep or find over all of /proc per check, not one fork per process (that took 2 s).
    exec 9>&2 2>/dev/null
    [ -e "$KP_ROOT/$id" ] && echo "state dir $KP_ROOT/$id"
    find /sys/fs/cgroup -maxdepth 4 -type d \( -name "$id" -o -name "$id-????????" \) | sed 's/^/cgroup /'
    # The hits are collected first and checked again one by one: the greps find themselves.
    local hits
    hits=$(
        grep -lE ":/(.*/)?$id(-[0-9a-f]{8})?(/|$)" /proc/[0-9]*/cgroup | sed 's/$/ cgroup/'
        grep -lzxF -e "$id" /proc/[0-9]*/cmdline | sed 's/$/ cmdline/'
        find /proc/[0-9]* -maxdepth 1 -name root -lname "$KP_T/*/rootfs" | sed 's/$/ root/'
    )
    while read -r f what; do
        [ -n "$f" ] || continue
        p=${f#/proc/}; p=${p%%/*}
        case $what in
        cgroup) grep -qE ":/(.*/)?$id(-[0-9a-f]{8})?(/|$)" "/proc/$p/cgroup" || continue; what="in its cgroup" ;;
        cmdline) grep -qzxF -e "$id" "/proc/$p/cmdline" || continue; what="naming it" ;;
        root) grep -qE ':/(.*/)?bystander(/|$)' "/proc/$p/cgroup" && continue; what="in its rootfs" ;;
        esac
        echo "process $p $what: $(tr '\0' ' ' < "/proc/$p/cmdline")"
    done <<< "$hits" | sort -u
    grep -F " $KP_T/" /proc/self/mountinfo | awk '{print "mount " $5}'
    find /run/lxc -name "*$id*" | sed 's/^/liblxc /'
    comm -13 <(echo "$KP_LINKS") <(kp_links) | sed 's/^/network link /'
    exec 2>&9 9>&-
    return 0
}

# One kill point: prints nothing when all is well, else what went wrong.
kp_point() { # CMD N
    local cmd=$1 n=$2 id="$1-$2" out rc st pid list
    kp_prepare "$cmd" "$id" >/dev/null 2>&1 || { echo "$cmd@$n: preparing $id failed"; return; }
    # shellcheck disable=SC2046
    "$KILLAT" "$n" "$RUNLXC" --root "$KP_ROOT" $(kp_cmd "$cmd" "$id") >/dev/null 2>&1 </dev/null
    out=$(rlk state "$id" 2>&1); rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "$cmd@$n: state exited $rc: $out"
    elif [ "$rc" -eq 0 ]; then
        st=$(jq -r .status <<< "$out" 2>/dev/null); pid=$(jq -r .pid <<< "$out" 2>/dev/null)
        case $st in
        created | running | paused)
            [ "$pid" -gt 0 ] 2>/dev/null && kill -0 "$pid" 2>/dev/null ||
                echo "$cmd@$n: state says $st but pid $pid is not alive" ;;
        stopped | creating) ;;
        *) echo "$cmd@$n: state printed no valid status: $out" ;;
        esac
    fi
    list=$(rlk list --format json 2>&1); rc=$?
    if [ "$rc" -ne 0 ] || ! jq -e . <<< "$list" >/dev/null 2>&1; then
        echo "$cmd@$n: list failed ($rc): $list"
    elif [ "$(jq -r '.[] | select(.id == "bystander") | .status' <<< "$list")" != running ]; then
        echo "$cmd@$n: list does not show the bystander running: $list"
    fi
    out=$(rlk delete --force "$id" 2>&1) || echo "$cmd@$n: delete --force failed: $out"
    out=$(kp_leftovers "$id")
    [ -z "$out" ] || { echo "$cmd@$n: left after delete --force:"; sed 's/^/    /' <<< "$out"; }
    sleep 0.3
    out=$(kp_leftovers "$id")
    [ -z "$out" ] || { echo "$cmd@$n: appeared 300 ms after delete --force:"; sed 's/^/    /' <<< "$out"; }
    pid=$(rlk state bystander 2>/dev/null | jq -r '.status + " " + (.pid|tostring)')
    [ "$pid" = "running $KP_BYSTANDER_PID" ] || echo "$cmd@$n: bystander is now '$pid'"
    # A leak would make every later point fail too: clean it so that each point counts alone.
    if [ -n "$out" ]; then
        # shellcheck disable=SC2046
        kill -9 $(grep -o '^process [0-9]*' <<< "$out" | awk '{print $2}') 2>/dev/null
        sleep 0.2
        find /sys/fs/cgroup -maxdepth 4 -depth -type d \( -name "$id" -o -name "$id-????????" \) -exec rmdir {} + 2>/dev/null
        rm -rf "${KP_ROOT:?}/$id"
    fi
    return 0
}
