#!/bin/bash
# Measures runlxc beside crun and runc on the same bundle, in one interleaved run, with the
# shared lifecycle benchmark; ratios are relative to crun (the first runtime).
#   scripts/bench.sh                 # full run (several minutes)
#   QUICK=1 scripts/bench.sh         # smoke run
#   PHASES="run cycle" scripts/bench.sh
# Needs ../shared/bench (BENCH_DIR) and the installed runlxc (RUNLXC).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bench=${BENCH_DIR:-$here/../../shared/bench}
runlxc=${RUNLXC:-$(command -v runlxc || echo /usr/local/bin/runlxc)}
[ -x "$bench/lifecycle.sh" ] || { echo "bench.sh: $bench/lifecycle.sh not found (set BENCH_DIR)" >&2; exit 1; }
export PHASES=${PHASES:-run cycle exec mem}
exec "$bench/lifecycle.sh" crun runc "$runlxc" "$@"
