# Shared by the image-unpack bats suites.
UNPACK=${RUNLXC_UNPACK:-runlxc-unpack}
BENCH=${RUNLXC_IMAGE_BENCH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/shared/bench/image}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# snapshot DIR: one line per path outside the bundle (type, size, mode, links, mtime, target,
# content hash), so that any change made outside the target shows up in a diff.
snapshot() {
    (cd "$1" && find . -mindepth 1 -path ./bundle -prune -o -path './.bundle*' -prune -o \
        -printf '%p|%y|%s|%m|%n|%T@|%l\n' | sort
     find . -path ./bundle -prune -o -type f -print0 | sort -z | xargs -0r sha256sum)
}

# mkimg SCENARIO: a crafted OCI layout in $T/img aiming at $T/outside
mkimg() {
    python3 "$HERE/mkimage.py" "$T/img" "$1" "$T/outside"
}

setup_outside() {
    T=$BATS_TEST_TMPDIR
    mkdir -p "$T/outside/dir"
    echo sentinel >"$T/outside/sentinel"
    echo keep >"$T/outside/dir/keep"
}

# no_leftovers: neither the bundle nor a scratch directory remains after a failed unpack
no_leftovers() {
    [ ! -e "$T/bundle" ] || { echo "bundle left behind"; return 1; }
    if ls -a "$T" | grep -q '^\.bundle\.runlxc-unpack-'; then echo "scratch dir left behind"; return 1; fi
}
