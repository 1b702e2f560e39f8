#!/bin/bash
# The integration suites against the liblxc versions legacy hosts ship (issue 26): EPEL's
# 1.0.11 for CentOS 6 and 7, Ubuntu 16.04's 2.0.x. No package registry serves them: build them
# from LXC's release tags into a prefix of their own, outside this repository (README, "Legacy
# liblxc"), and name their libraries:
#   RUNLXC_LEGACY_LIBLXC="/opt/lxc-1.0.11/lib/liblxc.so.1 /opt/lxc-2.0.11/lib/liblxc.so.1" \
#       tests/legacy-liblxc.sh [BATS FILES...]
# Each library is loaded by the runtime under test only (a wrapper puts its directory first on
# LD_LIBRARY_PATH; LXC's own tools keep the host's, but convert.bats gets the library's own
# tools where its prefix has them), with the host's lxc.conf untouched, under
# two cgroup views: the host's own and, on a hybrid host, the cgroup v1 view CentOS 6/7 have
# (the cgroup2 mount hidden in a private mount namespace). Prints TAP; without libraries, one
# skip with the reason.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
runtime=$(readlink -f "$(command -v "${RUNLXC:-runlxc}")")
libs=${RUNLXC_LEGACY_LIBLXC:-}
if [ -z "$libs" ]; then
    echo "1..1"
    echo "ok 1 # skip legacy liblxc: RUNLXC_LEGACY_LIBLXC names no library (README, Legacy liblxc)"
    exit 0
fi
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$top"/tests/integration/*.bats)
work=$(mktemp -d /tmp/runlxc-legacy.XXXXXX)
trap 'rm -rf "$work"' EXIT
hybrid=false
grep -q ' /sys/fs/cgroup/unified cgroup2 ' /proc/mounts && hybrid=true
rc=0
for lib in $libs; do
    [ -f "$lib" ] || { echo "not ok - $lib: no such library"; rc=1; continue; }
    dir=$(dirname "$(readlink -f "$lib")")
    wrapper=$work/runlxc-$(basename "$(dirname "$dir")")
    printf '#!/bin/sh\nLD_LIBRARY_PATH=%s${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} exec %s "$@"\n' "$dir" "$runtime" > "$wrapper"
    chmod +x "$wrapper"
    version=$("$wrapper" --version | awk '$1 == "liblxc:" {print $2}')
    views="host"
    $hybrid && views="host cgroup-v1"
    for view in $views; do
        echo "# liblxc $version ($lib), cgroup view: $view"
        # liblxc 2.0's cgfsng fails every start on a hybrid host whose cgroup2 root offers a
        # controller (README, Legacy liblxc): that row is liblxc's own bug.
        if [ "$view" = host ] && $hybrid && [ "${version%%.*}" = 2 ] &&
            [ -n "$(tr -d ' \n' < /sys/fs/cgroup/unified/cgroup.controllers)" ]; then
            echo "ok - # skip liblxc $version on this hybrid host: its cgroup2 root offers" \
                "$(cat /sys/fs/cgroup/unified/cgroup.controllers), which liblxc 2.0 cannot start with"
            continue
        fi
        # One bats run per file, named, so that the note's suite x library table can be read off.
        for f in "${files[@]}"; do
            echo "# suite: $(basename "$f" .bats)"
            # convert reads what the host's LXC tools write: those of this library where it
            # has them (their lxc-create, lxc-start and lxc-attach load it too)
            tools=()
            if [ "$(basename "$f")" = convert.bats ] && [ -x "$(dirname "$dir")/bin/lxc-create" ]; then
                tools=(PATH="$(dirname "$dir")/bin:$PATH" LD_LIBRARY_PATH="$dir")
            fi
            if [ "$view" = host ]; then
                env "${tools[@]}" RUNLXC=$wrapper RUNLXC_HOST=$runtime bats --tap "$f" || rc=1
            else
                env "${tools[@]}" RUNLXC=$wrapper RUNLXC_HOST=$runtime unshare -m bash -c \
                    'mount --make-rprivate / && umount /sys/fs/cgroup/unified && exec bats --tap "$@"' bats "$f" || rc=1
            fi
        done
    done
done
exit $rc
