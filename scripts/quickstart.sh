#!/bin/bash
# The newcomer's first command: installs dependencies, builds and installs runlxc, then runs a
# real container from a bundle made offline from Debian's busybox-static. The container shows
# its hostname, its PID 1 and its memory limit (256 MiB, from its own cgroup).
set -eu
cd "$(dirname "$0")/.."
scripts/build.sh

bundle=${DEMO_BUNDLE:-/var/lib/runlxc/demo}
# lxcfs gives the container its own /proc/meminfo, cpuinfo, uptime...: start it if needed.
lxcfs=false
if runlxc lxcfs status >/dev/null 2>&1 || runlxc lxcfs start; then
    lxcfs=true
fi
HOST_BINARIES=/usr/bin/free scripts/mkbundle.sh "$bundle" sh -c '
echo "hostname:     $(hostname)"
echo "PID 1:        $(cat /proc/1/comm) (this shell is pid $$)"
limit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)
echo "memory limit: $((limit / 1024 / 1024)) MiB"
echo "free -m (through lxcfs when it runs):"
/usr/bin/free -m'
jq --arg lxcfs "$lxcfs" '.linux.resources.memory = {"limit": 268435456} | .hostname = "runlxc-demo"
    | .annotations = {"org.runlxc.lxcfs": $lxcfs}' "$bundle/config.json" > "$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"
echo "+ runlxc run --bundle $bundle demo"
exec runlxc run --bundle "$bundle" "demo-$$"
