#!/bin/bash
# The full parallel-load run (issue 15, section 2): tests/reliability/parallel-load.sh with 8
# streams and 400 containers for runlxc, then crun and runc as references in the same harness.
# crun runs in a private mount namespace without the cgroup2 mount (on this hybrid host it
# would take /sys/fs/cgroup/unified for a cgroup v2 host), and without the events reader:
# crun has no `events` command.
#   scripts/parallel-load.sh [RUNLXC] [CONTAINERS]
top=$(cd "$(dirname "$0")/.." && pwd)
runlxc=${1:-$(command -v runlxc)}
n=${2:-400}
h=$top/tests/reliability/parallel-load.sh
echo "## runlxc ($runlxc)"
RUNTIME=$runlxc RUNLXC_FOR_SPEC=$runlxc CONTAINERS=$n "$h"
echo "## crun ($(crun --version | head -1))"
RUNTIME=$(command -v crun) RUNLXC_FOR_SPEC=$runlxc CONTAINERS=$n PL_EVENTS=0 unshare -m bash -c \
    'mount --make-rprivate / && umount /sys/fs/cgroup/unified && exec "$0"' "$h"
echo "## runc ($(runc --version | head -1))"
RUNTIME=$(command -v runc) RUNLXC_FOR_SPEC=$runlxc CONTAINERS=$n "$h"
