#!/bin/bash
# Density: how each operation's cost grows with the number of running containers, and what a
# running container costs the host, for runlxc, crun and runc in one run (issue 15, part 3).
#   scripts/bench-density.sh [--levels "1 100 500"] [--samples 5] [RUNTIME...]
# At each level N (containers kept running, `sleep 100000` on one shared busybox bundle) it
# times, as medians of --samples: create+start of one more container, exec of /bin/true,
# state, list, and delete --force of that extra container (ms, wall). Memory per running
# container: the PSS of every process left on the host by the runtime itself (runlxc leaves
# none; runc/crun leave none either once detached: only the containers' own processes stay),
# and the memory cgroup charge of the containers (memory.usage_in_bytes / N).
# Writes a TSV (DENSITY_TSV, default docs/density.tsv) and, when gnuplot is installed, a PNG
# of each time against N beside it.
# crun refuses this hybrid host unless cgroup2 is hidden: it runs in a mount namespace
# without /sys/fs/cgroup/unified, as the engine judges do.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
levels="1 100 500" samples=5
while [ $# -gt 0 ]; do
    case $1 in
    --levels) levels=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    *) break ;;
    esac
done
runtimes=${*:-runlxc crun runc}
work=$(mktemp -d /tmp/runlxc-density.XXXXXX)
tsv=${DENSITY_TSV:-$top/docs/density.tsv}
ROOTFS_ONLY=1 "$top/scripts/mkbundle.sh" "$work/bundle" >/dev/null
(cd "$work/bundle" && runc spec && jq '.process.terminal = false | .process.args = ["sleep", "100000"] |
    .linux.resources = {}' config.json > c && mv c config.json)

now() { date +%s%N; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b - a) / 1e6}'; }

run_one() { # runtime: the measurements, printed as TSV rows
    local rt=$1 root=$work/root-$rt bin n have=0
    bin=$(command -v "$rt") || { echo "# $rt not installed" >&2; return; }
    mkdir -p "$root"
    for n in $levels; do
        while [ "$have" -lt "$n" ]; do
            "$bin" --root "$root" run -d --bundle "$work/bundle" "d$have" >/dev/null 2>&1 < /dev/null || {
                echo "# $rt: container $have failed to start" >&2; break 2; }
            have=$((have + 1))
        done
        local cs=() ex=() st=() ls=() de=() t0 t1 i
        for i in $(seq "$samples"); do
            t0=$(now); "$bin" --root "$root" run -d --bundle "$work/bundle" extra >/dev/null 2>&1 < /dev/null; t1=$(now)
            cs+=("$(ms "$t0" "$t1")")
            t0=$(now); "$bin" --root "$root" exec d0 true >/dev/null 2>&1 < /dev/null; t1=$(now); ex+=("$(ms "$t0" "$t1")")
            t0=$(now); "$bin" --root "$root" state d0 >/dev/null 2>&1; t1=$(now); st+=("$(ms "$t0" "$t1")")
            t0=$(now); "$bin" --root "$root" list >/dev/null 2>&1; t1=$(now); ls+=("$(ms "$t0" "$t1")")
            t0=$(now); "$bin" --root "$root" delete --force extra >/dev/null 2>&1; t1=$(now); de+=("$(ms "$t0" "$t1")")
        done
        # what the runtime itself keeps on the host: processes named after it or liblxc's
        local pss=0 charge=0 p c
        for p in $(pgrep -f "^($rt|runlxc-reaper|\[lxc monitor\])" 2>/dev/null); do
            pss=$((pss + $(awk '/^Pss:/ {s += $2} END {print s + 0}' /proc/$p/smaps_rollup 2>/dev/null || echo 0)))
        done
        for c in $(find /sys/fs/cgroup/memory -maxdepth 3 -type d -name 'd[0-9]*' 2>/dev/null); do
            charge=$((charge + $(cat "$c/memory.usage_in_bytes" 2>/dev/null || echo 0)))
        done
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rt" "$have" \
            "$(printf '%s\n' "${cs[@]}" | median)" "$(printf '%s\n' "${ex[@]}" | median)" \
            "$(printf '%s\n' "${st[@]}" | median)" "$(printf '%s\n' "${ls[@]}" | median)" \
            "$(printf '%s\n' "${de[@]}" | median)" "$((pss / (have > 0 ? have : 1)))" "$((charge / 1024 / (have > 0 ? have : 1)))"
    done
    for i in $(seq 0 $((have - 1))); do "$bin" --root "$root" delete --force "d$i" >/dev/null 2>&1; done
}

{
    printf 'runtime\tN\tcreate+start_ms\texec_ms\tstate_ms\tlist_ms\tdelete_ms\thost_pss_kb_per_container\tmemcg_kb_per_container\n'
    for rt in $runtimes; do
        if [ "$rt" = crun ]; then
            export -f run_one now median ms
            export work levels samples
            unshare -m bash -c 'umount /sys/fs/cgroup/unified 2>/dev/null; run_one crun'
        else
            run_one "$rt"
        fi
    done
} | tee "$tsv"

if command -v gnuplot >/dev/null; then
    for col in 3:create+start 4:exec 5:state 6:list 7:delete; do
        n=${col%%:*} name=${col#*:}
        plots=""
        for rt in $runtimes; do
            plots="$plots${plots:+, }'< grep ^$rt $tsv' using 2:$n with linespoints title '$rt'"
        done
        gnuplot -e "set terminal png size 640,400; set output '$(dirname "$tsv")/density-$name.png'; set logscale x;
            set xlabel 'running containers'; set ylabel 'ms (median)'; set title '$name'; plot $plots"
    done
    echo "# plots: $(dirname "$tsv")/density-*.png"
fi
rm -rf "$work"
