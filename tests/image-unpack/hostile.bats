#!/usr/bin/env bats
# Hostile archives: every class must leave everything outside the target unchanged, and a
# refused image must leave no bundle and no scratch directory behind. Each case runs with
# openat2 and with the O_NOFOLLOW fallback walk (--no-openat2).

load helpers

setup() {
    setup_outside
}

# refuse SCENARIO MODE REGEX: unpack must fail with a message matching REGEX, outside unchanged
refuse() {
    mkimg "$1"
    local before; before=$(snapshot "$T")
    run "$UNPACK" $2 oci:"$T/img":latest "$T/bundle"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" =~ $3 ]]
    [ "$before" = "$(snapshot "$T")" ]
    no_leftovers
}

# contain SCENARIO MODE: unpack succeeds (the entry is confined), outside unchanged
contain() {
    mkimg "$1"
    local before; before=$(snapshot "$T")
    run "$UNPACK" $2 oci:"$T/img":latest "$T/bundle"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$before" = "$(snapshot "$T")" ]
    [ -d "$T/bundle/rootfs" ]
}

@test "dotdot entry refused (openat2)" {
    refuse dotdot "" '"\.\." component'
}

@test "dotdot entry refused (O_NOFOLLOW walk)" {
    refuse dotdot --no-openat2 '"\.\." component'
}

@test "dotdot inside a name refused (openat2)" {
    refuse dotdot-inner "" '"\.\." component'
}

@test "dotdot inside a name refused (O_NOFOLLOW walk)" {
    refuse dotdot-inner --no-openat2 '"\.\." component'
}

@test "absolute entry stays inside (openat2)" {
    contain absolute ""
}

@test "absolute entry stays inside (O_NOFOLLOW walk)" {
    contain absolute --no-openat2
}

@test "write through an absolute symlink refused (openat2)" {
    refuse symlink-write "" 'symlink or not a directory'
}

@test "write through an absolute symlink refused (O_NOFOLLOW walk)" {
    refuse symlink-write --no-openat2 'symlink or not a directory'
}

@test "write through a relative symlink refused (openat2)" {
    refuse symlink-rel-write "" 'symlink or not a directory'
}

@test "write through a relative symlink refused (O_NOFOLLOW walk)" {
    refuse symlink-rel-write --no-openat2 'symlink or not a directory'
}

@test "write through a symlink of a lower layer refused (openat2)" {
    refuse symlink-write-next-layer "" 'layer 2/2.*evil/pwned'
}

@test "write through a symlink of a lower layer refused (O_NOFOLLOW walk)" {
    refuse symlink-write-next-layer --no-openat2 'layer 2/2.*evil/pwned'
}

@test "mkdir through a symlink refused (openat2)" {
    refuse symlink-dir-next-layer "" 'symlink or not a directory'
}

@test "mkdir through a symlink refused (O_NOFOLLOW walk)" {
    refuse symlink-dir-next-layer --no-openat2 'symlink or not a directory'
}

@test "missing parents not created through a symlink (openat2)" {
    refuse symlink-mkdir-parent "" 'symlink or not a directory'
}

@test "missing parents not created through a symlink (O_NOFOLLOW walk)" {
    refuse symlink-mkdir-parent --no-openat2 'symlink or not a directory'
}

@test "hardlink to an absolute outside path refused (openat2)" {
    refuse hardlink-abs "" 'hardlink target'
}

@test "hardlink to an absolute outside path refused (O_NOFOLLOW walk)" {
    refuse hardlink-abs --no-openat2 'hardlink target'
}

@test "hardlink with .. refused (openat2)" {
    refuse hardlink-dotdot "" 'hardlink target.*"\.\." component'
}

@test "hardlink with .. refused (O_NOFOLLOW walk)" {
    refuse hardlink-dotdot --no-openat2 'hardlink target.*"\.\." component'
}

@test "hardlink to a host file refused (openat2)" {
    refuse hardlink-host "" 'hardlink target "proc/self/exe"'
}

@test "hardlink to a host file refused (O_NOFOLLOW walk)" {
    refuse hardlink-host --no-openat2 'hardlink target "proc/self/exe"'
}

@test "hardlink through a symlink refused (openat2)" {
    refuse hardlink-via-symlink "" 'hardlink target "evil/sentinel"'
}

@test "hardlink through a symlink refused (O_NOFOLLOW walk)" {
    refuse hardlink-via-symlink --no-openat2 'hardlink target "evil/sentinel"'
}

@test "whiteout with .. refused (openat2)" {
    refuse whiteout-dotdot "" '"\.\." component'
}

@test "whiteout with .. refused (O_NOFOLLOW walk)" {
    refuse whiteout-dotdot --no-openat2 '"\.\." component'
}

@test "whiteout naming . refused (openat2)" {
    refuse whiteout-dotdot-name "" 'whiteout names "\."'
}

@test "whiteout naming . refused (O_NOFOLLOW walk)" {
    refuse whiteout-dotdot-name --no-openat2 'whiteout names "\."'
}

@test "whiteout naming .. refused (openat2)" {
    refuse whiteout-parent-name "" 'whiteout names "\.\."'
}

@test "whiteout naming .. refused (O_NOFOLLOW walk)" {
    refuse whiteout-parent-name --no-openat2 'whiteout names "\.\."'
}

@test "very long component refused (openat2)" {
    refuse long-component "" 'File name too long'
}

@test "very long component refused (O_NOFOLLOW walk)" {
    refuse long-component --no-openat2 'File name too long'
}

@test "huge name refused (openat2)" {
    refuse huge-name "" 'name too long'
}

@test "huge name refused (O_NOFOLLOW walk)" {
    refuse huge-name --no-openat2 'name too long'
}

@test "a whiteout naming the root itself (.wh. with an empty name) is refused" {
    refuse whiteout-empty-name "" 'entry "\.wh\.": whiteout names ""'
    [ -f "$T/outside/sentinel" ]
}

@test "the rootfs itself cannot become a symlink" {
    refuse root-symlink "" 'entry "\.": the root of the rootfs can only be a directory'
}

@test "the rootfs itself cannot become a symlink (spelled ./)" {
    refuse root-symlink-slash --no-openat2 'entry "\./": the root of the rootfs can only be a directory'
}

@test "a whiteout removes a symlink itself, not what it points to" {
    contain whiteout-symlink-itself ""
    [ ! -e "$T/bundle/rootfs/evil" ] && [ ! -L "$T/bundle/rootfs/evil" ]
    [ -f "$T/outside/dir/keep" ]
}

@test "a symlink replaced by a file is replaced, not written through" {
    contain symlink-replaced ""
    [ "$(cat "$T/bundle/rootfs/evil")" = replaced ]
    [ ! -L "$T/bundle/rootfs/evil" ]
}

@test "a hardlink to a symlink then a file write does not reach the symlink's target" {
    contain hardlink-then-write ""
    [ "$(cat "$T/bundle/rootfs/data/hl")" = overwrite ]
    [ -L "$T/bundle/rootfs/evil" ]
}

@test "whiteout under a symlink is ignored, the symlink not followed" {
    contain whiteout-via-symlink ""
    [ -L "$T/bundle/rootfs/evil" ]
    [ -f "$T/outside/sentinel" ]
}

@test "opaque marker under a symlink does not clear the symlink's target" {
    contain opaque-via-symlink ""
    [ -f "$T/outside/dir/keep" ]
    [ -L "$T/bundle/rootfs/evil" ]
}

@test "opaque marker at the top clears lower layers but keeps this layer's entries" {
    contain opaque-root ""
    [ ! -e "$T/bundle/rootfs/data" ]
    [ -f "$T/bundle/rootfs/new" ]
    [ -f "$T/bundle/rootfs/etc/passwd" ]
}

@test "a path longer than PATH_MAX is created inside the rootfs" {
    contain long-path ""
    run find "$T/bundle/rootfs" -name leaf
    [ "$status" -eq 0 ]
    [ -n "$output" ]
}

@test "decompression bomb stopped by --max-bytes" {
    mkimg bomb
    run "$UNPACK" --max-bytes 16M oci:"$T/img":latest "$T/bundle"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" =~ layer\ 1/1\ sha256:.*exceed\ the\ limit ]]
    no_leftovers
}

@test "the same image unpacks under a larger --max-bytes" {
    mkimg bomb
    run "$UNPACK" --max-bytes 1G oci:"$T/img":latest "$T/bundle"
    [ "$status" -eq 0 ]
    [ "$(stat -c %s "$T/bundle/rootfs/data/zeros")" = $((64 << 20)) ]
}

@test "entry count limit (--max-entries)" {
    mkimg many-entries
    run "$UNPACK" --max-entries 1000 oci:"$T/img":latest "$T/bundle"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" =~ more\ than\ 1000\ entries ]]
    no_leftovers
}

@test "tampered layer blob refused, naming the blob" {
    refuse tamper-layer "" 'layer 1/1 sha256:[0-9a-f]{64}: blob digest is'
}

@test "wrong diff_id refused" {
    refuse tamper-diffid "" 'expected diff_id sha256:0000'
}

@test "tampered manifest refused" {
    refuse tamper-manifest "" 'manifest sha256:[0-9a-f]{64}: content digest'
}

@test "tampered config refused" {
    refuse tamper-config "" 'config sha256:[0-9a-f]{64}: content digest'
}

@test "media type that does not match the content refused" {
    refuse wrong-mediatype "" 'promises zstd content but the blob is gzip'
}

@test "a gzip layer whose CRC32 trailer is corrupt is refused (its digests match the damaged blob)" {
    refuse gzip-bad-crc "" 'layer 1/1 sha256:[0-9a-f]{64}: the gzip stream is corrupt \(incorrect data check\)'
}

@test "a gzip layer of two concatenated members (legal) unpacks" {
    mkimg gzip-multimember
    run "$UNPACK" oci:"$T/img":latest "$T/bundle"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(cat "$T/bundle/rootfs/etc/group")" = "root:x:0:" ]
}

@test "a manifest whose config descriptor has a layer media type is refused" {
    refuse config-is-layer "" 'config descriptor has media type application/vnd.oci.image.layer.v1.tar\+gzip, not an image config'
}

@test "a manifest whose own mediaType contradicts the descriptor pointing to it is refused" {
    refuse manifest-type-mismatch "" 'manifest sha256:[0-9a-f]{64}: its mediaType application/vnd.oci.image.index.v1\+json contradicts the descriptor.s application/vnd.oci.image.manifest.v1\+json'
}

@test "missing blob refused" {
    refuse missing-blob "" 'blob sha256:[0-9a-f]{64}.*No such file'
}

@test "an existing non-empty bundle directory is refused and left alone" {
    mkimg ok
    mkdir -p "$T/bundle" && echo mine >"$T/bundle/file"
    run "$UNPACK" oci:"$T/img":latest "$T/bundle"
    [ "$status" -ne 0 ]
    [[ "$output" =~ not\ empty ]]
    [ "$(cat "$T/bundle/file")" = mine ]
}

@test "SIGTERM during an unpack leaves nothing behind" {
    mkimg bomb
    "$UNPACK" --max-bytes 1G oci:"$T/img":latest "$T/bundle" 2>"$T/err" &
    local pid=$! i
    # signal only once the scratch directory exists, i.e. mid-unpack
    for i in $(seq 200); do
        ls -a "$T" | grep -q '^\.bundle\.runlxc-unpack-' && break
        sleep 0.01
    done
    kill -TERM "$pid" || true
    local rc=0
    wait "$pid" || rc=$?
    cat "$T/err"
    if [ "$rc" -ne 0 ]; then
        grep -q 'interrupted by a signal' "$T/err"
        no_leftovers
    else
        [ -d "$T/bundle/rootfs" ] # finished before the signal landed
    fi
}

@test "a sparse entry declaring more than --max-bytes is refused" {
    mkdir -p "$T/src"
    truncate -s 10G "$T/src/big"
    (cd "$T/src" && tar --sparse --format=posix -cf "$T/sparse.tar" big)
    rm -f "$T/src/big"
    python3 "$HERE/mkimage.py" "$T/img" "tar:$T/sparse.tar"
    run "$UNPACK" --max-bytes 1G "oci:$T/img:latest" "$T/bundle"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" =~ layer\ 2/2\ sha256:[0-9a-f]{64}:\ entry\ \"big\"\ declares\ 10737418240\ bytes ]]
    no_leftovers
}

@test "100 random layers of hostile primitives never touch anything outside" {
    local seed before rc ok=0 refused=0
    for seed in $(seq 1 100); do
        rm -rf "$T/img" "$T/bundle"
        python3 "$HERE/mkimage.py" "$T/img" "fuzz:$seed" "$T/outside"
        before=$(snapshot "$T")
        rc=0
        "$UNPACK" --rootfs-only "oci:$T/img:latest" "$T/bundle" 2>"$BATS_FILE_TMPDIR/err" || rc=$?
        [ "$before" = "$(snapshot "$T")" ] || { echo "seed $seed changed something outside"; cat "$BATS_FILE_TMPDIR/err"; return 1; }
        if [ "$rc" -ne 0 ]; then
            grep -q "layer [0-9]/[0-9] sha256:" "$BATS_FILE_TMPDIR/err" || { echo "seed $seed: error without blob"; cat "$BATS_FILE_TMPDIR/err"; return 1; }
            no_leftovers || { echo "seed $seed"; return 1; }
            refused=$((refused + 1))
        else
            ok=$((ok + 1))
        fi
    done
    echo "unpacked $ok, refused $refused"
    [ "$ok" -gt 0 ] && [ "$refused" -gt 0 ]
}
