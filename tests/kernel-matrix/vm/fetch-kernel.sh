#!/bin/bash
# Fetches a Debian kernel image for the VM lane WITHOUT installing it on the host:
# `apt-get download` + `dpkg -x` into a cache directory (no maintainer scripts, no initramfs
# hooks, nothing in /boot). Prints the path of the vmlinuz; its modules are beside it in
# <cache>/<package>/lib/modules/<release>/ (run.sh finds them from the vmlinuz path).
#
#   tests/kernel-matrix/vm/fetch-kernel.sh [VERSION]
#     VERSION  6.1 (default: bookworm's kernel), 6.12 (bookworm's linux-image-6.12-* meta
#              packages), or a full ABI name such as 6.1.0-56 or 6.12.117+deb12.
#   KERNEL_FLAVOUR=cloud-amd64 (default; small, boots fast under TCG) or amd64
#   KERNEL_CACHE=/var/cache/runlxc-kernels
#
# Exit status 2 (and a message on stderr) when the configured apt sources have no such kernel.
set -eu
version=${1:-6.1}
flavour=${KERNEL_FLAVOUR:-cloud-amd64}
cache=${KERNEL_CACHE:-/var/cache/runlxc-kernels}

say() { echo "fetch-kernel: $*" >&2; }
have_pkg() { apt-cache show "$1" >/dev/null 2>&1; }
# The package a meta package depends on (linux-image-cloud-amd64 -> linux-image-6.1.0-56-cloud-amd64)
meta_target() {
    apt-cache depends "$1" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -1
}

pkg=""
case $version in
[0-9]*.[0-9]*-* | [0-9]*.[0-9]*.[0-9]*)       # a full ABI name
    pkg=linux-image-$version-$flavour ;;
[0-9]*.[0-9]*)                                 # a series: resolve through the meta packages
    pkg=$(meta_target "linux-image-$version-$flavour")
    if [ -z "$pkg" ]; then
        # bookworm's default kernel series has only the unversioned meta package
        cand=$(meta_target "linux-image-$flavour")
        case $cand in linux-image-"$version".*) pkg=$cand ;; esac
    fi ;;
*)
    say "VERSION must look like 6.1, 6.12, 6.1.0-56 or 6.12.117+deb12, not '$version'"; exit 1 ;;
esac
if [ -z "$pkg" ] || ! have_pkg "$pkg"; then
    say "no Debian kernel package for '$version' ($flavour) in the configured apt sources" \
        "(tried ${pkg:-the meta packages linux-image-$version-$flavour and linux-image-$flavour});" \
        "run 'apt-get update', or add the suite that has it (e.g. bookworm-backports)"
    exit 2
fi
# The -unsigned package holds the same image without the signed-package indirection.
have_pkg "$pkg-unsigned" && pkg=$pkg-unsigned
release=${pkg#linux-image-}; release=${release%-unsigned}

dir=$cache/$pkg
if [ ! -f "$dir/.complete" ]; then
    say "downloading $pkg (not installed; extracted into $dir)"
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/.dl.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2)
    rm -rf "$dir"
    mkdir -p "$dir"
    dpkg -x "$tmp"/"$pkg"_*.deb "$dir"
    touch "$dir/.complete"
fi
vmlinuz=$dir/boot/vmlinuz-$release
[ -f "$vmlinuz" ] || { say "$pkg has no boot/vmlinuz-$release"; exit 1; }
echo "$vmlinuz"
