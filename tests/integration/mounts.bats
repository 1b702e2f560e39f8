#!/usr/bin/env bats
# Mounts as runc makes them (issue 12): the config's mounts in order with their own types and
# options, /dev filled as runc fills it, mount sources and destinations resolved as runc
# resolves them. Where runc shows the answer, the same bundle runs under runc in the same test.
load helpers

RUNC=${RUNC:-/usr/sbin/runc}

setup() { setup_bundle; }
teardown() {
    local d
    for d in "$T"/runc-state/*; do
        [ -d "$d" ] && "$RUNC" --root "$T/runc-state" delete -f "$(basename "$d")" >/dev/null 2>&1
    done
    mountpoint -q "$T/tree/inner" 2>/dev/null && umount "$T/tree/inner"
    mountpoint -q "$T/shared-src" 2>/dev/null && umount "$T/shared-src"
    teardown_bundle
}

runc_() { (cd "$B" && exec "$RUNC" --root "$T/runc-state" "$@"); }
# Runs the bundle under runc ($expected: its output) and then under runlxc ($output, $lines),
# both expected to exit 0, and shows the two side by side.
run_beside_runc() {
    run -0 runc_ run "$ID-runc"
    expected=$output
    run -0 rl run "$ID"
    echo "runc:"; echo "$expected"; echo "runlxc:"; echo "$output"
}

# The mounts at /proc, /dev, /dev/pts, /dev/shm, /dev/mqueue and /sys, in mountinfo order:
# mount point, per-mount options, fstype, source, superblock options.
core_mounts() {
    awk '{ split($0, a, " - "); split(a[2], b, " ");
           if ($5 ~ /^\/(proc|sys|dev(\/pts|\/shm|\/mqueue)?)$/) print $5, $6, b[1], b[2], b[3] }'
}

# `ls -l /dev` without sizes and dates: devices with their numbers, links with their targets.
dev_listing() {
    awk '/^c|^b/ { print $1, $3, $4, $5, $6, $NF } /^l/ { print $1, $(NF-2), $NF } /^d|^-/ { print $1, $NF }'
}

@test "mounts: the default mounts appear in config order with their own types and options, as with runc" {
    args cat /proc/self/mountinfo
    run -0 runc_ run "$ID-runc"
    expected=$(core_mounts <<< "$output")
    run -0 rl run "$ID"
    got=$(core_mounts <<< "$output")
    echo "runc:"; echo "$expected"; echo "runlxc:"; echo "$got"
    [ -n "$expected" ]
    # the config's own /dev tmpfs, not one of liblxc's making
    grep -q '^/dev rw,nosuid tmpfs tmpfs rw,size=65536k,mode=755$' <<< "$got"
    [ "$got" = "$expected" ]
}

@test "mounts: /dev holds runc's nodes and links, /dev/ptmx is a symlink to pts/ptmx" {
    args ls -l /dev
    run -0 runc_ run "$ID-runc"
    expected=$(dev_listing <<< "$output" | sort)
    run -0 rl run "$ID"
    got=$(dev_listing <<< "$output" | sort)
    echo "runc:"; echo "$expected"; echo "runlxc:"; echo "$got"
    grep -q '^lrwxrwxrwx ptmx pts/ptmx$' <<< "$got"
    for n in null zero full random urandom tty; do grep -q " $n\$" <<< "$got"; done
    [ "$got" = "$expected" ]
}

@test "mounts: the terminal comes from the config's devpts instance through /dev/ptmx" {
    args sh -c 'readlink /dev/ptmx; grep " /dev/pts " /proc/self/mountinfo | wc -l; ls /dev/pts'
    run -0 rl run "$ID"
    echo "$output"
    [ "${lines[0]}" = "pts/ptmx" ]
    [ "${lines[1]}" = "1" ]
    grep -qx ptmx <<< "$output"
}

@test "mounts: linux.devices entries for nodes the runtime creates are taken as listed (no mknod: File exists)" {
    cfg '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 438, "uid": 0, "gid": 0},
                           {"path": "/dev/zero", "type": "c", "major": 1, "minor": 5, "fileMode": 432, "uid": 0, "gid": 5},
                           {"path": "/dev/zero", "type": "c", "major": 1, "minor": 5, "fileMode": 432, "uid": 0, "gid": 5}]'
    args sh -c 'ls -l /dev/null /dev/zero'
    run -0 rl run "$ID"
    echo "$output"
    [[ "${lines[0]}" == "crw-rw-rw-"*"1,   3"*"/dev/null" ]]
    [[ "${lines[1]}" == "crw-rw----"*"root"*"tty"*"1,   5"*"/dev/zero" ]]
}

@test "mounts: a /dev mount with ro still gets its nodes and ends read-only, as with runc" {
    cfg '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]'
    args sh -c 'grep " /dev " /proc/self/mountinfo | cut -d" " -f5,6; ls /dev/null /dev/zero /dev/ptmx; touch /dev/x 2>&1 || echo refused'
    run_beside_runc
    [ "${lines[0]}" = "/dev ro,nosuid" ]
    [ "${lines[-1]}" = "refused" ]
    [ "$output" = "$expected" ]
}

@test "mounts: a bind mount's relative source is relative to the bundle directory, as with runc" {
    mkdir -p "$B/dir/sub"
    echo from-the-bundle > "$B/dir/sub/f"
    cfg '.mounts += [{"destination": "/bundle", "type": "bind", "source": ".", "options": ["rbind", "ro"]},
                     {"destination": "/sub", "source": "dir/sub", "options": ["bind"]}]'
    args sh -c 'cat /sub/f; jq_free=$(grep -c "\"/bundle\"" /bundle/config.json); echo "$jq_free"'
    run_beside_runc
    [ "${lines[0]}" = "from-the-bundle" ]
    [ "${lines[1]}" = "1" ]
    [ "$output" = "$expected" ]
}

@test "mounts: a destination under an absolute symlink in the rootfs is reached inside the rootfs, never on the host" {
    local name=rlx-mounts-$ID
    [ ! -e "/etc/$name-tmpfs" ] && [ ! -e "/etc/$name-bind" ]
    host_conf=$(ls -ld /conf 2>&1 || true)
    ln -s /etc "$B/rootfs/conf"
    mkdir -p "$B/dir"
    cfg --arg n "$name" --arg d "$B/dir" '.mounts += [{"destination": ("/conf/" + $n + "-tmpfs"), "type": "tmpfs", "source": "tmpfs"},
                                     {"destination": ("/conf/" + $n + "-bind"), "type": "bind", "source": $d, "options": ["bind"]}]'
    args sh -c "grep -o ' /etc/$name-[a-z]* ' /proc/self/mountinfo"
    run -0 runc_ run "$ID-runc"
    expected=$output
    rm -rf "$B/rootfs/etc/$name-"*
    run rl run "$ID"
    if [ -e "/etc/$name-tmpfs" ] || [ -e "/etc/$name-bind" ]; then
        created_on_host=1
        rm -rf "/etc/$name-tmpfs" "/etc/$name-bind"
    fi
    echo "runc:"; echo "$expected"; echo "runlxc ($status):"; echo "$output"
    [ -z "${created_on_host:-}" ] || { echo "runlxc created /etc/$name-* on the host"; false; }
    [ "$(ls -ld /conf 2>&1 || true)" = "$host_conf" ]
    [ "$status" -eq 0 ]
    [ "$output" = "$expected" ]
    [ "${#lines[@]}" -eq 2 ]
    # through the link inside the rootfs: the mount points are the rootfs's /etc/<name>-*
    [ -d "$B/rootfs/etc/$name-tmpfs" ] && [ -d "$B/rootfs/etc/$name-bind" ]
    assert_no_leftovers "$ID"
}

@test "mounts: a proc or sysfs destination that is a symlink in the rootfs is refused naming the mount, as runc refuses it" {
    mkdir "$B/rootfs/realproc"
    rmdir "$B/rootfs/proc"
    ln -s /realproc "$B/rootfs/proc"
    run ! runc_ run "$ID-runc"
    echo "runc: $output"
    [[ "$output" == *'filesystem \"proc\" must be mounted on ordinary directory'* ]]
    run ! rl run "$ID"
    echo "runlxc: $output"
    [[ "$output" == *'mounts[0].destination: error mounting "proc" to rootfs at "/proc": filesystem "proc" must be mounted on ordinary directory'* ]]
    assert_no_leftovers "$ID"

    rm "$B/rootfs/proc"
    mkdir "$B/rootfs/proc"
    rmdir "$B/rootfs/sys"
    ln -s realproc "$B/rootfs/sys"
    run ! rl run "$ID"
    echo "runlxc: $output"
    [[ "$output" == *'mounts[5].destination: error mounting "sysfs" to rootfs at "/sys": filesystem "sysfs" must be mounted on ordinary directory'* ]]
    assert_no_leftovers "$ID"
}

# runc 1.1.5 ignores rro on a tmpfs (its tmpfs path returns before setRecAttr); runlxc applies
# it as the OCI spec says, so the tmpfs is left out of the comparison.
@test "mounts: rro makes the whole bound tree read-only, ro only its top, as with runc" {
    mkdir -p "$T/tree/inner"
    mount -t tmpfs rlx-test "$T/tree/inner"
    cfg --arg t "$T/tree" '.mounts += [{"destination": "/ro", "type": "bind", "source": $t, "options": ["rbind", "ro"]},
                                       {"destination": "/rro", "type": "bind", "source": $t, "options": ["rbind", "rro"]},
                                       {"destination": "/rro-tmpfs", "type": "tmpfs", "source": "tmpfs", "options": ["rro"]}]'
    args sh -c 'for f in /ro/x /ro/inner/x /rro/x /rro/inner/x /rro-tmpfs/x; do touch $f 2>/dev/null && echo "$f rw" || echo "$f ro"; done'
    run -0 runc_ run "$ID-runc"
    expected=$(grep -v rro-tmpfs <<< "$output")
    run -0 rl run "$ID"
    umount "$T/tree/inner"
    echo "runc:"; echo "$expected"; echo "runlxc:"; echo "$output"
    [ "$output" = "$(printf '%s\n' '/ro/x ro' '/ro/inner/x rw' '/rro/x ro' '/rro/inner/x ro' '/rro-tmpfs/x ro')" ]
    [ "$(grep -v rro-tmpfs <<< "$output")" = "$expected" ]
}

@test "mounts: process.terminal gets a pty of the config's devpts through the /dev/ptmx symlink (create --console-socket)" {
    cfg '.process.terminal = true'
    args sh -c 'tty; readlink /dev/ptmx; grep -c " /dev/pts " /proc/self/mountinfo'
    run_with_console "$ID" "$T/c.out"
    grep -q "^name=/dev/pts/0" "$T/c.out"
    [ "$(tr -d '\r' < "$T/c.out" | sed -n 2,4p)" = "$(printf '%s\n' /dev/pts/0 pts/ptmx 1)" ]
}

@test "mounts: rro where the kernel has no mount_setattr (linux-4.4 personality) is refused naming the mount" {
    local personality=$TOP/tests/kernel-matrix/personality
    [ -x "$personality" ] || skip "tests/kernel-matrix/personality is not built (make build-tests)"
    cfg '.mounts += [{"destination": "/rro", "type": "bind", "source": "/tmp", "options": ["rbind", "rro"]}]'
    args true
    run ! bash -c 'cd "$1" && exec "$2" linux-4.4 -- "$3" --root "$4" run "$5"' _ "$B" "$personality" "$RUNLXC" "$ROOT" "$ID"
    echo "$output"
    [[ "$output" == *'mounts[7].options: "rro" (recursively read-only '"'/rro'"') needs mount_setattr(2), Linux 5.12, which this kernel lacks'* ]]
    assert_no_leftovers "$ID"
}

@test "mounts: a later mount below an rro mount keeps its own state (rro applies when its mount is made), as with runc" {
    mkdir -p "$T/tree/inner" "$T/tree/later-rw" "$T/tree/later-ro" "$T/data dir"
    mount -t tmpfs rlx-test "$T/tree/inner"
    cfg --arg t "$T/tree" --arg d "$T/data dir" '.mounts += [
        {"destination": "/rro", "type": "bind", "source": $t, "options": ["rbind", "rro"]},
        {"destination": "/rro/later-rw", "type": "tmpfs", "source": "tmpfs"},
        {"destination": "/rro/later-ro", "type": "bind", "source": $d, "options": ["bind", "ro"]},
        {"destination": "/sp ace", "type": "bind", "source": $d, "options": ["rbind", "rro"]}]'
    args sh -c 'for f in /rro/x /rro/inner/x /rro/later-rw/x /rro/later-ro/x "/sp ace/x"; do touch "$f" 2>/dev/null && echo "$f rw" || echo "$f ro"; done'
    run -0 runc_ run "$ID-runc"
    expected=$output
    run -0 rl run "$ID"
    umount "$T/tree/inner"
    echo "runc:"; echo "$expected"; echo "runlxc:"; echo "$output"
    [ "$output" = "$(printf '%s\n' '/rro/x ro' '/rro/inner/x ro' '/rro/later-rw/x rw' '/rro/later-ro/x ro' '/sp ace/x ro')" ]
    [ "$output" = "$expected" ]
}

@test "mounts: without a pid namespace, /proc may be a bind of the host's /proc (rootless-style), as runc takes it" {
    cfg '.linux.namespaces |= map(select(.type != "pid"))
         | .mounts |= map(if .destination == "/proc"
                          then {"destination": "/proc", "type": "bind", "source": "/proc", "options": ["rbind", "nosuid", "noexec", "nodev"]}
                          else . end)'
    # the host's processes are visible, and /proc/self is the payload
    args sh -c 'head -1 /proc/self/status; [ -d /proc/1 ] && echo host-init-visible; grep -c . /proc/self/cmdline'
    refused_below_liblxc 3.0
    run_beside_runc
    [ "${lines[0]}" = "Name:	head" ]
    [ "$output" = "$expected" ]
    assert_no_leftovers "$ID"
}

@test "mounts: /proc as a bind of a directory that is not a proc filesystem is refused as runc refuses it" {
    mkdir -p "$T/fakeproc"
    cfg --arg s "$T/fakeproc" '.mounts |= map(if .destination == "/proc"
                          then {"destination": "/proc", "type": "bind", "source": $s, "options": ["rbind"]} else . end)'
    run runc_ run "$ID-runc"
    echo "runc: $status $output"
    [ "$status" -ne 0 ]
    [[ "$output" == *'/proc'*'cannot be mounted because it is not of type proc'* ]]
    run rl run "$ID"
    echo "runlxc: $status $output"
    [ "$status" -ne 0 ]
    [[ "$output" == *'/proc'*'cannot be mounted because it is not of type proc'* ]]
    assert_no_leftovers "$ID"
}

# A mount's propagation option as runc applies it: after the rootfs propagation, on that mount.
# (liblxc 5 applied it before runlxc-init's; liblxc 1.0/2.0 handed "rprivate" to tmpfs as data,
# EINVAL: Docker's --read-only --tmpfs.)
@test "mounts: a tmpfs's propagation option (rprivate, rshared) is applied as runc applies it" {
    cfg '.mounts += [{"destination": "/p1", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "rprivate"]},
                     {"destination": "/p2", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "rshared"]}]'
    mkdir -p "$B/rootfs/p1" "$B/rootfs/p2"
    args sh -c 'for d in /p1 /p2; do grep " $d " /proc/self/mountinfo | grep -q " shared:" && echo "$d shared" || echo "$d not-shared"; done'
    run_beside_runc
    [ "$output" = "$expected" ]
    [ "$output" = "$(printf '/p1 not-shared\n/p2 shared')" ]
    assert_no_leftovers "$ID"
}

# Without linux.rootfsPropagation runc makes the container's mounts dependent (rslave) on the
# host's: a mount inside the container reaches no other mount namespace, not even one the
# container makes itself, and a host mount that is shared stays its master. liblxc 5 turns the
# new root into a shared peer group after pivot_root, so the container's mounts came out
# "shared:N" where runc's are not.
@test "mounts: without rootfsPropagation each mount's propagation is runc's (no shared peer group)" {
    mkdir -p "$T/shared-src" "$B/rootfs/b"
    mount -t tmpfs -o size=64k tmpfs "$T/shared-src"
    mount --make-shared "$T/shared-src"
    cfg --arg s "$T/shared-src" '.mounts += [{"destination": "/b", "type": "bind", "source": $s, "options": ["rbind", "ro"]}]'
    args sh -c 'while read -r id par dev root dest opts rest; do
                    kind=
                    case " $rest " in *" shared:"*) kind=shared ;; esac
                    case " $rest " in *" master:"*) kind="${kind:+$kind+}slave" ;; esac
                    case "$dest" in /|/proc|/dev|/dev/pts|/sys|/b) echo "$dest ${kind:-private}" ;; esac
                done < /proc/self/mountinfo'
    run_beside_runc
    [ "$output" = "$expected" ]
    [[ "$output" != *shared* ]]
    assert_no_leftovers "$ID"
}
