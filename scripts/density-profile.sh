#!/bin/bash
# Where create+start's cost grows with the number of running containers (issue 15, part 3):
# the same `run -d` + `delete --force` cycle profiled beside no container and beside N
# sleeping ones, and the kernel functions whose CPU per cycle grew the most.
#   scripts/density-profile.sh [N] [CYCLES]      (defaults 500 and 40; RUNTIME=runlxc|crun|runc)
# Prints, for each phase, the wall time of create+start (median ms) and the CPU of the whole
# process tree per cycle (perf task-clock), then the 25 symbols (self time, kernel and user)
# whose ms per cycle grew the most from the first phase to the second. `perf record` samples
# cpu-clock with call graphs, limited to the cycles' processes (the population is started
# before the profiler and is idle). crun runs without the cgroup2 mount, as the judges do.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-500} cycles=${2:-40} rt=${RUNTIME:-runlxc}
bin=$(command -v "$rt")
work=$(mktemp -d /tmp/runlxc-dprof.XXXXXX)
root=$work/root
cleanup() {
    for d in "$root"/*/; do
        [ -d "$d" ] && "$bin" --root "$root" delete --force "$(basename "$d")" >/dev/null 2>&1
    done
    rm -rf "$work"
}
trap cleanup EXIT
ROOTFS_ONLY=1 "$top/scripts/mkbundle.sh" "$work/bundle" >/dev/null
(cd "$work/bundle" && runc spec && jq '.process.terminal = false | .process.args = ["sleep", "100000"] |
    .linux.resources = {}' config.json > c && mv c config.json)
if [ "$rt" = crun ] && [ -z "${DPROF_INNER:-}" ]; then
    exec env DPROF_INNER=1 unshare -m bash -c 'umount /sys/fs/cgroup/unified; exec "$0" "$@"' "$0" "$@"
fi

phase() { # NAME: profile CYCLES create+start+delete cycles; wall times to NAME.wall
    local name=$1 i t0 t1
    perf record -q -e cpu-clock -c 100000 -g -o "$work/$name.data" -- bash -c '
        for i in $(seq "$1"); do
            t0=$(date +%s%N)
            "$2" --root "$3" run -d --bundle "$4" extra < /dev/null > /dev/null
            t1=$(date +%s%N)
            echo $(( (t1 - t0) / 1000 )) >> "$5"
            "$2" --root "$3" delete --force extra
        done' bash "$cycles" "$bin" "$root" "$work/bundle" "$work/$name.wall" >/dev/null 2>&1
}
comms() { # NAME: the cycle's processes (not the harness's bash, date and perf)
    perf report -i "$work/$1.data" --no-children --sort comm -g none -F comm -q 2>/dev/null |
        awk '{ gsub(/^ +| +$/, "") } $0 != "" && $0 !~ /^(bash|date|perf|seq)$/' | paste -sd,
}
per_cycle() { # NAME: "symbol<TAB>ms per cycle": inclusive time of system calls, faults and
    # fork/exit paths (where a cost that grows is found), and the self time of every symbol
    local total
    total=$(perf report -i "$work/$1.data" --comms "$(comms "$1")" --no-children --sort comm -g none -F sample -q 2>/dev/null |
        awk '{ s += $1 } END { print s }')
    perf report -i "$work/$1.data" --comms "$(comms "$1")" --children --sort sym -g none -q 2>/dev/null |
        awk -v c="$cycles" -v t="$total" '$4 ~ /^(__x64_sys_|__do_sys_|do_exit$|exc_page_fault$|ret_from_fork)/ {
            sub(/%/, "", $1); printf "incl %s\t%.4f\n", $4, $1 / 100 * t * 0.1 / c }'
    perf report -i "$work/$1.data" --comms "$(comms "$1")" --no-children --sort dso,sym -g none -F sample,dso,sym -q 2>/dev/null |
        awk -v c="$cycles" '{ s = $1; $1 = ""; sub(/^ +/, ""); if (s > 0) printf "self %s\t%.4f\n", $0, s * 0.1 / c }'
}
summary() { # NAME LABEL
    local wall cpu
    wall=$(sort -n "$work/$1.wall" | awk '{a[NR] = $1} END {printf "%.2f", a[int((NR + 1) / 2)] / 1000}')
    cpu=$(perf report -i "$work/$1.data" --comms "$(comms "$1")" --no-children --sort comm -g none -F sample -q 2>/dev/null |
        awk -v c="$cycles" '{ s += $1 } END { printf "%.2f", s * 0.1 / c }')
    echo "$2: create+start wall median $wall ms; CPU of the cycle's processes $cpu ms a cycle"
}

phase empty
summary empty "$rt beside 0 containers"
for i in $(seq 0 $((n - 1))); do
    "$bin" --root "$root" run -d --bundle "$work/bundle" "d$i" < /dev/null > /dev/null
done
phase full
summary full "$rt beside $n containers"
per_cycle empty > "$work/empty.tsv"
per_cycle full > "$work/full.tsv"
echo "what grew most (ms of CPU per cycle: beside 0, beside $n, growth; incl = with callees)"
awk -F'\t' 'NR == FNR { e[$1] = $2; next } { f[$1] = $2 }
    END { for (k in f) printf "%s\t%.3f\t%.3f\t%+.3f\n", k, e[k] + 0, f[k], f[k] - e[k];
          for (k in e) if (!(k in f)) printf "%s\t%.3f\t0\t%+.3f\n", k, e[k], -e[k] }' \
    "$work/empty.tsv" "$work/full.tsv" | sort -t$'\t' -k4 -gr | head -30 | column -t -s$'\t'
