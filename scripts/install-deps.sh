#!/bin/sh
# Installs everything runlxc needs to build, test and benchmark, from Debian 12 packages.
# Idempotent: packages already present are not touched, and apt is not called at all when
# nothing is missing. qemu-system-x86, cpio, xz-utils and gojq are for the real-kernel VM lane
# (tests/kernel-matrix/vm); its kernels are downloaded, not installed, by fetch-kernel.sh.
# mmdebstrap builds the rich-container root filesystems and the systemd VM guest
# (scripts/mkrootfs.sh); libsystemd-dev gives sd-bus's header, which the systemd cgroup driver
# loads at run time (dlopen), so runlxc still runs on hosts without libsystemd. linux-perf is
# for the profiling benchmarks (density-profile.sh, bench-process-split.sh), valgrind for
# checking changes to core code by hand. docker.io (with iptables and wget) is for the Docker
# judge (tests/engines/docker-judge.sh), which starts its own private dockerd: no service is
# enabled or started for it.
#
# CentOS/RHEL (EPEL) equivalents, for building on legacy hosts:
#   CentOS 7: yum install epel-release && yum install gcc make autoconf automake libtool \
#             pkgconfig glibc-static lxc-devel json-c-devel libcap-devel libarchive-devel \
#             openssl-devel zlib-devel libseccomp-devel lxcfs busybox
#   CentOS 6: the same names from EPEL 6 (lxc-devel is liblxc 1.0.x); json-c-devel is 0.11.
set -eu

PKGS="
  build-essential autoconf automake libtool pkg-config libc6-dev
  lxc lxc-dev libjson-c-dev libcap-dev libarchive-dev libssl-dev libseccomp-dev
  libzstd-dev zlib1g-dev
  lxcfs busybox-static bats jq iproute2 procps util-linux bsdutils python3 xxd musl-tools
  crun runc containerd podman conmon umoci skopeo zstd time strace
  docker.io iptables wget
  qemu-system-x86 cpio xz-utils gojq
  clang libclang-rt-dev gnuplot-nox linux-perf valgrind
  mmdebstrap libsystemd-dev
"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing >/dev/null
else
    echo "install-deps: all packages present"
fi
