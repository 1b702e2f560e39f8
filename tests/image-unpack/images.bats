#!/usr/bin/env bats
# Real images (mkimages.sh: small and layered, with umoci's reference trees) unpacked through
# every transport and tag and compared path by path with compare.sh; config.json contents.

load helpers

setup_file() {
    # The test images come from ../shared/bench/image (beside the checkout, as in CI).
    if [ -x "$BENCH/mkimages.sh" ]; then
        IMAGES=$("$HERE/setup-images.sh")
    else
        IMAGES=
    fi
    export IMAGES
}

setup() {
    T=$BATS_TEST_TMPDIR
    [ -n "$IMAGES" ] || skip "no $BENCH/mkimages.sh (set RUNLXC_IMAGE_BENCH)"
}

# check IMAGE SOURCE: unpack and compare with the umoci reference, 0 failures allowed
check() {
    run "$UNPACK" "$2" "$T/bundle"
    echo "$output"
    [ "$status" -eq 0 ]
    run "$BENCH/compare.sh" --max-print 30 "$IMAGES/$1/ref" "$T/bundle"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "${lines[-1]}" =~ ^[0-9]+\ passed,\ 0\ failed$ ]]
}

@test "small: oci gzip matches umoci" { check small "oci:$IMAGES/small/layout:gzip"; }
@test "small: oci latest matches umoci" { check small "oci:$IMAGES/small/layout:latest"; }
@test "small: oci-archive matches umoci" { check small "oci-archive:$IMAGES/small/small.oci-archive.tar:gzip"; }
@test "small: docker-archive matches umoci" { check small "docker-archive:$IMAGES/small/small.docker-archive.tar"; }
@test "small: docker-archive by NAME:TAG" { check small "docker-archive:$IMAGES/small/small.docker-archive.tar:runlxc-test/small:latest"; }
@test "layered: oci gzip matches umoci" { check layered "oci:$IMAGES/layered/layout:gzip"; }
@test "layered: oci latest (gzip/raw/zstd mixed) matches umoci" { check layered "oci:$IMAGES/layered/layout:latest"; }
@test "layered: oci zstd matches umoci" { check layered "oci:$IMAGES/layered/layout:zstd"; }
@test "layered: oci-archive zstd matches umoci" { check layered "oci-archive:$IMAGES/layered/layered.oci-archive.tar:zstd"; }
@test "layered: docker-archive matches umoci" { check layered "docker-archive:$IMAGES/layered/layered.docker-archive.tar"; }
@test "layered: with the O_NOFOLLOW walk instead of openat2" {
    run "$UNPACK" --no-openat2 "oci:$IMAGES/layered/layout:latest" "$T/bundle"
    [ "$status" -eq 0 ]
    run "$BENCH/compare.sh" --max-print 30 "$IMAGES/layered/ref" "$T/bundle"
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "small: by manifest digest (oci:PATH@sha256:...)" {
    local d
    d=$(python3 -c 'import json,sys; print([m["digest"] for m in json.load(open(sys.argv[1]))["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"]=="gzip"][0])' "$IMAGES/small/layout/index.json")
    check small "oci:$IMAGES/small/layout@$d"
}

@test "layered: config.json carries the image's process and runc spec defaults" {
    run "$UNPACK" "oci:$IMAGES/layered/layout:latest" "$T/bundle"
    [ "$status" -eq 0 ]
    run python3 - "$T/bundle/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
p = c["process"]
assert p["args"] == ["/bin/sh", "-c", "echo hi"], p["args"]
assert p["cwd"] == "/data", p["cwd"]
assert "FOO=bar" in p["env"] and "PATH=/usr/sbin:/usr/bin:/sbin:/bin" in p["env"], p["env"]
assert p["user"]["uid"] == 0 and p["user"]["gid"] == 0
assert p["terminal"] is False
assert c["root"]["path"] == "rootfs"
assert c["hostname"] == "runlxc"
assert [n["type"] for n in c["linux"]["namespaces"]] == ["pid", "network", "ipc", "uts", "mount"]
assert [m["destination"] for m in c["mounts"]] == ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys"]
assert "ro" in c["mounts"][5]["options"]
assert "/proc/kcore" in c["linux"]["maskedPaths"] and "/proc/sys" in c["linux"]["readonlyPaths"]
PY
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "--arg and --env override the image's args and env" {
    run "$UNPACK" --arg /bin/echo --arg "a b" --env FOO=baz --env NEW=1 "oci:$IMAGES/layered/layout:latest" "$T/bundle"
    [ "$status" -eq 0 ]
    run python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["process"]; print(p["args"]); print(sorted(p["env"]))' "$T/bundle/config.json"
    echo "$output"
    [ "${lines[0]}" = "['/bin/echo', 'a b']" ]
    [[ "${lines[1]}" == *"'FOO=baz'"* ]]
    [[ "${lines[1]}" == *"'NEW=1'"* ]]
    [[ "${lines[1]}" != *"FOO=bar"* ]]
}

@test "--rootfs-only writes the rootfs and no config.json" {
    run "$UNPACK" --rootfs-only "oci:$IMAGES/small/layout:gzip" "$T/bundle"
    [ "$status" -eq 0 ]
    [ -x "$T/bundle/rootfs/bin/busybox" ]
    [ ! -e "$T/bundle/config.json" ]
}

@test "an empty existing bundle directory is filled" {
    mkdir "$T/bundle"
    check small "oci:$IMAGES/small/layout:gzip"
}

@test "unknown tag: error lists the tags, nothing written" {
    run "$UNPACK" "oci:$IMAGES/small/layout:nosuchtag" "$T/bundle"
    [ "$status" -ne 0 ]
    [[ "$output" =~ no\ image\ tagged\ \"nosuchtag\".*gzip ]]
    [ ! -e "$T/bundle" ]
}

@test "nested index: linux/amd64 picked by default, --platform picks another" {
    mkimg multiarch
    run "$UNPACK" "oci:$T/img:latest" "$T/b1"
    [ "$status" -eq 0 ]
    [ ! -e "$T/b1/rootfs/arch" ]
    run "$UNPACK" --platform linux/arm64/v8 "oci:$T/img:latest" "$T/b2"
    [ "$status" -eq 0 ]
    [ "$(cat "$T/b2/rootfs/arch")" = arm64 ]
    grep -q '"/arm"' "$T/b2/config.json"
    run "$UNPACK" --platform linux/s390x "oci:$T/img:latest" "$T/b3"
    [ "$status" -ne 0 ]
    [[ "$output" =~ no\ manifest\ for\ platform\ linux/s390x ]]
    [ ! -e "$T/b3" ]
}

@test "User name resolved against the image's /etc/passwd and /etc/group" {
    mkimg user
    run "$UNPACK" "oci:$T/img:latest" "$T/bundle"
    [ "$status" -eq 0 ]
    run python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["process"]; print(p["user"]["uid"], p["user"]["gid"], p["user"].get("additionalGids"), [e for e in p["env"] if e.startswith("HOME=")])' "$T/bundle/config.json"
    echo "$output"
    [ "$output" = "1000 1001 [50] ['HOME=/home/app']" ]
}

@test "a setgid directory does not impose its group or bit on entries that say otherwise" {
    mkimg sgid
    run "$UNPACK" "oci:$T/img:latest" "$T/bundle"
    [ "$status" -eq 0 ]
    cd "$T/bundle/rootfs/sg"
    [ "$(stat -c '%a %u %g' .)" = "2775 0 50" ]
    [ "$(stat -c '%a %u %g' f)" = "640 0 0" ]
    [ "$(stat -c '%a %u %g' sub)" = "755 0 0" ]
    [ "$(stat -c '%u %g' l)" = "0 0" ]
    [ "$(stat -c '%a %u %g' g)" = "2755 7 50" ]
}

@test "sparse files (GNU and PAX sparse formats) keep their content and their holes" {
    mkdir -p "$T/src/data"
    truncate -s 64M "$T/src/data/holes"
    printf 'head' | dd of="$T/src/data/holes" conv=notrunc status=none
    printf 'tail' | dd of="$T/src/data/holes" bs=1 seek=$((40 << 20)) conv=notrunc status=none
    (cd "$T/src" && tar --sparse --format=gnu -cf "$T/gnu.tar" data/holes)
    (cd "$T/src" && mv data/holes data/holes2 && tar --sparse --format=posix -cf "$T/pax.tar" data/holes2 && mv data/holes2 data/holes)
    python3 "$HERE/mkimage.py" "$T/img" "tar:$T/gnu.tar,$T/pax.tar"
    run "$UNPACK" "oci:$T/img:latest" "$T/bundle"
    echo "$output"
    [ "$status" -eq 0 ]
    local want; want=$(sha256sum <"$T/src/data/holes")
    [ "$(sha256sum <"$T/bundle/rootfs/data/holes")" = "$want" ]
    [ "$(sha256sum <"$T/bundle/rootfs/data/holes2")" = "$want" ]
    [ "$(stat -c %s "$T/bundle/rootfs/data/holes2")" = $((64 << 20)) ]
    # allocated: a few pages, not 64 MiB
    [ "$(du -k "$T/bundle/rootfs/data/holes" | cut -f1)" -lt 1024 ]
    [ "$(du -k "$T/bundle/rootfs/data/holes2" | cut -f1)" -lt 1024 ]
}

@test "small: the unpacked bundle runs with runlxc run (runlxc unpack subcommand)" {
    run runlxc unpack --arg /bin/sh --arg -c --arg 'echo "ran $(hostname) as $(id -u) in $(pwd)"; exit 7' \
        "oci:$IMAGES/small/layout:gzip" "$T/bundle"
    [ "$status" -eq 0 ]
    run runlxc --root "$T/state" run --bundle "$T/bundle" "unpacked-$$"
    echo "$output"
    [ "$status" -eq 7 ]
    [[ "$output" == "ran runlxc as "* ]]
    [ ! -e "$T/state/unpacked-$$" ]
}
