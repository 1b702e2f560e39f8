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
