#!/bin/bash
# The exhaustive kill-point run (issue 15, section 1): runlxc killed with SIGKILL at every one
# of the system calls of create, start, run, exec, kill, delete and update (tests/reliability/
# killpoints.sh with stride 1), each followed by state/list/delete --force and a leftover check.
# Prints the TAP lines (kill points per command) and a summary; takes ~20 minutes on 2 cores.
#   RUNLXC=/opt/rlx-rel/bin/runlxc scripts/kill-points.sh [BUILDDIR]
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$top}" && pwd) KP_STRIDE=1 KP_OFFSET=0 exec "$top/tests/reliability/killpoints.sh"
