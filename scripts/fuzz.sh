#!/bin/bash
# libFuzzer harnesses (tests/fuzz/fuzz_*.c), built with Debian's clang and ASan/UBSan:
#   scripts/fuzz.sh [--seconds N] [--jobs N] [NAME...]     (default: 60 s each, every harness)
# NAME: spec process seccomp state initmsg lxcconfig tar. The seed corpora are committed in
# tests/fuzz/corpus/NAME; what a run adds goes to a scratch corpus (not committed). A crash
# leaves crash-* in tests/fuzz/findings/ and makes the script exit 1: add it to the corpus
# with the fix. Needs a configured tree (config.h) and `make` done. Prints one TAP line a
# harness, with the executions and the coverage (libFuzzer's cov: edges) it reached.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
secs=60
while [ $# -gt 0 ]; do
    case $1 in
    --seconds) secs=$2; shift 2 ;;
    *) break ;;
    esac
done
names=${*:-spec process seccomp state initmsg lxcconfig tar}
cc=${FUZZ_CC:-clang}
command -v "$cc" >/dev/null || { echo "1..0 # skip: $cc is not installed"; exit 0; }
[ -f "$top/config.h" ] || { echo "fuzz.sh: $top is not configured" >&2; exit 2; }
out=$(mktemp -d /tmp/runlxc-fuzz.XXXXXX)
trap 'rm -rf "$out"' EXIT
mkdir -p "$top/tests/fuzz/findings"

flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=gnu99 -D_GNU_SOURCE
       -include "$top/config.h" -I"$top" -I"$top/runlxc/lib" -I"$top/compat" -I"$top/lxcfs-integration" -I"$top/convert"
       -I"$top/image-unpack" -DRUNLXC_INIT_PATH='"/nonexistent"' -DRUNLXC_UNPACK_PATH='"/nonexistent"'
       -DRUNLXC_CONVERT_PATH='"/nonexistent"' $(pkg-config --cflags json-c libarchive libcrypto zlib libseccomp lxc))
libs=($(pkg-config --libs json-c libcap libseccomp) -ldl)
runtime=(runlxc/lib/error.c runlxc/lib/util.c runlxc/lib/spec.c runlxc/lib/spec_linux.c runlxc/lib/spec_default.c runlxc/lib/lxcconf.c
         runlxc/lib/mounts.c runlxc/lib/userns.c runlxc/lib/resources.c runlxc/lib/stats.c runlxc/lib/state.c runlxc/lib/cgroup.c
         runlxc/lib/hooks.c runlxc/lib/signals.c runlxc/lib/initmsg.c runlxc/lib/seccomp_profile.c runlxc/lib/seccomp_enosys.c
         runlxc/lib/log.c lxcfs-integration/lxcfs.c
         compat/dialect.c compat/liblxc_load.c compat/probe.c compat/syscalls.c)
unpack=(image-unpack/util.c image-unpack/safepath.c image-unpack/pathset.c image-unpack/blob.c image-unpack/source.c
        image-unpack/layout.c image-unpack/pipeline.c image-unpack/layer.c image-unpack/whiteout.c image-unpack/user.c
        image-unpack/bundle.c)

build() { # name -> $out/fuzz_name
    local n=$1 src=()
    case $n in
    initmsg) src=(runlxc/init/agent.c runlxc/lib/initmsg.c runlxc/lib/hooks.c runlxc/lib/util.c runlxc/lib/error.c compat/syscalls.c) ;;
    lxcconfig) src=("${runtime[@]}" convert/lxcfile.c convert/translate.c convert/seccomp_lxc.c) ;;
    tar) src=("${unpack[@]}") ;;
    *) src=("${runtime[@]}") ;;
    esac
    local extra=()
    [ "$n" = tar ] && extra=(-pthread $(pkg-config --libs libarchive libcrypto zlib json-c))
    (cd "$top" && "$cc" "${flags[@]}" -o "$out/fuzz_$n" "tests/fuzz/fuzz_$n.c" "${src[@]}" "${libs[@]}" "${extra[@]}") \
        > "$out/build-$n.log" 2>&1
}

i=0 bad=0
echo "1..$(wc -w <<< "$names")"
for n in $names; do
    i=$((i + 1))
    if ! build "$n"; then
        echo "not ok $i fuzz_$n: build failed"; sed 's/^/# /' "$out/build-$n.log" | tail -20; bad=1; continue
    fi
    mkdir -p "$out/corpus-$n"
    # leaks are not crashes here: runlxc-init never frees its config (it execs)
    opts=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
          -artifact_prefix="$top/tests/fuzz/findings/$n-")
    ASAN_OPTIONS=detect_leaks=$([ "$n" = initmsg ] && echo 0 || echo 1) \
        "$out/fuzz_$n" "${opts[@]}" "$out/corpus-$n" "$top/tests/fuzz/corpus/$n" > "$out/run-$n.log" 2>&1
    rc=$?
    # the harnesses' scratch files (mkdtemp/mkstemp: six characters after the dot), and
    # nothing else that happens to start with /tmp/fuzz-NAME. (nor another harness's: two runs may
    # share the machine)
    rm -rf /tmp/fuzz-"$n".?????? 2>/dev/null
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/run-$n.log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$out/run-$n.log" | tail -1 | cut -d' ' -f2)
    if [ "$rc" -eq 0 ]; then
        echo "ok $i fuzz_$n: ${secs}s, ${execs:-0} executions, ${cov:-0} edges covered"
    else
        echo "not ok $i fuzz_$n: exit $rc after ${execs:-?} executions (see tests/fuzz/findings/$n-*)"
        grep -E "ERROR|SUMMARY|#[0-9]+ " "$out/run-$n.log" | head -20 | sed 's/^/# /'
        bad=1
    fi
done
exit $bad
