#!/bin/bash
# netns-bridge.sh BRIDGE CIDR -- CMD...: runs CMD in a private network and mount namespace
# that has a bridge BRIDGE with address CIDR, and a /sys/class/net that shows this namespace's
# interfaces (liblxc finds bridges there; sysfs shows the namespace of whoever mounted it).
# Run it with `unshare -n -m`. The host's network is never touched.
set -eu
br=$1 cidr=$2
[ "$3" = -- ] || { echo "usage: netns-bridge.sh BRIDGE CIDR -- CMD..." >&2; exit 2; }
shift 3
mount --make-rprivate /
ip link set lo up
ip link add "$br" type bridge
ip addr add "$cidr" dev "$br"
ip link set "$br" up
sys=$(mktemp -d /tmp/netns-sysfs.XXXXXX)
mount -t sysfs sysfs "$sys"
mount --bind "$sys/class/net" /sys/class/net
mount --bind "$sys/devices/virtual/net" /sys/devices/virtual/net
exec "$@"
