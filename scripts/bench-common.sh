# Sourced by the CPU benchmarks (bench-cycle-cpu.sh, bench-liblxc-floor.sh) before anything else.
# On a hybrid host it re-executes the calling script in a private mount namespace with
# /sys/fs/cgroup/unified unmounted, as ../shared/bench/lifecycle.sh does: crun refuses hybrid
# mode, and every runtime then sees the same plain cgroup v1 host (the host is not changed).
if [ -z "${RLX_BENCH_NS:-}" ] && [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] &&
   [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = tmpfs ]; then
    RLX_BENCH_NS=1 exec unshare --mount --propagation private -- "$BASH" "$0" "$@"
fi
[ -z "${RLX_BENCH_NS:-}" ] || umount /sys/fs/cgroup/unified

# bench_runtimes NAME...: the runtimes found on PATH into rts (full paths); "floor",
# "floor-oci" (scripts/liblxc-floor, liblxc-floor --oci) and "lxc" (lxc-execute) stay names
bench_runtimes() {
    local r p
    rts=()
    for r in "$@"; do
        case $r in floor | floor-oci | lxc) rts+=("$r"); continue ;; esac
        p=$(command -v "$r" || true)
        [ -n "$p" ] && rts+=("$p") || echo "$(basename "$0"): $r not found, skipped" >&2
    done
}

# bench_bundle DIR ARG...: a busybox bundle in DIR whose process runs ARG... without a terminal
bench_bundle() {
    local dir=$1 a
    shift
    a=$(printf '%s\n' "$@" | jq -R . | jq -sc .)
    ROOTFS_ONLY=1 "$top/scripts/mkbundle.sh" "$dir" >/dev/null
    runlxc spec --bundle "$dir"
    jq --argjson a "$a" '.process.args = $a | .process.terminal = false' "$dir/config.json" > "$dir/config.json.new"
    mv "$dir/config.json.new" "$dir/config.json"
}

# bench_true_work NAME: the work dir of a run-to-exit benchmark of /bin/true ($work, removed on
# exit) with its bundle ($work/b); $floor is scripts/liblxc-floor (FLOOR=), and $lxc_conf the
# LXC configuration of ../shared/bench/lxc.sh (LXC_SH=) for lxc-execute -P $work/lxcpath,
# empty when lxc-execute or that script is missing
bench_true_work() {
    local lxc_sh=${LXC_SH:-$top/../shared/bench/lxc.sh}
    floor=${FLOOR:-$top/scripts/liblxc-floor}
    work=$(mktemp -d "/tmp/runlxc-bench-$1.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    bench_bundle "$work/b" /bin/true
    lxc_conf=
    if command -v lxc-execute >/dev/null && [ -f "$lxc_sh" ]; then
        mkdir "$work/lxcpath"
        lxc_conf=$work/lxc-true.conf
        bash "$lxc_sh" --config "$work/b/rootfs" /bin/true > "$lxc_conf"
    fi
}

# bench_true_command RT: the command line that runs bench_true_work's bundle to exit with RT (a
# runtime's path or name, or floor, floor-oci, lxc); @ stands for the container's name
bench_true_command() {
    case $1 in
    floor) echo "$floor $work/b @" ;;
    floor-oci) echo "$floor --oci $work/b @" ;;
    lxc) echo "lxc-execute -n @ -P $work/lxcpath -f $lxc_conf -- /bin/true" ;;
    *) echo "$1 --root $work/root-${1##*/} run --bundle $work/b @" ;;
    esac
}
