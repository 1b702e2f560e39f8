#!/bin/bash
# Builds an OCI bundle offline from Debian's busybox-static: DIR/rootfs and DIR/config.json
# (from `runlxc spec`, args set to ARGS; default: sh; without a terminal, since the bundle is
# for scripts and tests, as runc's own test bundles are). Used by the quickstart, tests, bench.
#   scripts/mkbundle.sh DIR [ARG...]
#   RUNLXC=path/to/runlxc (default: runlxc on PATH); ROOTFS_ONLY=1 skips config.json
#   HOST_BINARIES="/usr/bin/free ..." copies host programs and the libraries they load
#   (e.g. procps' free, which reads /proc/meminfo where busybox's asks sysinfo(2))
set -eu
dir=${1:?usage: mkbundle.sh DIR [ARG...]}
shift
runlxc=${RUNLXC:-runlxc}
bb=$(command -v busybox || true)
[ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q "statically linked" || bb=/bin/busybox
[ -x "$bb" ] || { echo "mkbundle: busybox-static is not installed (scripts/install-deps.sh)" >&2; exit 1; }

mkdir -p "$dir"
rootfs="$dir/rootfs"
if [ ! -x "$rootfs/bin/busybox" ]; then
    mkdir -p "$rootfs"/{bin,sbin,etc,proc,sys,dev,tmp,root,usr/bin,usr/sbin,var/tmp}
    chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
    cp "$bb" "$rootfs/bin/busybox"
    for applet in $("$rootfs/bin/busybox" --list); do
        [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$rootfs/etc/passwd"
    printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
    echo runlxc > "$rootfs/etc/hostname"
fi
for prog in ${HOST_BINARIES:-}; do
    for f in "$prog" $(ldd "$prog" 2>/dev/null | grep -o '/[^ ]*'); do
        [ -e "$f" ] || continue
        mkdir -p "$rootfs$(dirname "$f")"
        cp -L "$f" "$rootfs$f"
    done
done
[ "${ROOTFS_ONLY:-0}" = 1 ] && exit 0
rm -f "$dir/config.json"
"$runlxc" spec --bundle "$dir"
args='["sh"]'
if [ $# -gt 0 ]; then
    args='[]'
    for a in "$@"; do args=$(jq -c --arg a "$a" '. + [$a]' <<< "$args"); done
fi
jq --argjson a "$args" '.process.args = $a | .process.terminal = false' "$dir/config.json" > "$dir/config.json.new"
mv "$dir/config.json.new" "$dir/config.json"
