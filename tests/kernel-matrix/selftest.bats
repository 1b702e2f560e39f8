#!/usr/bin/env bats
# Each personality shows the surface of its kernel: the runtime's own probes (runlxc check)
# under it match the columns of ../shared/reference/kernels.md 1.3 (profiles/NAME.json), and a
# few syscalls answer as the old kernel would. Features the filter cannot fake
# (/proc/PID/setgroups, devpts instances) are not compared: see README.md.
bats_require_minimum_version 1.5.0
TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
P=${PERSONALITY_BIN:-$TOP/tests/kernel-matrix/personality}
RUNLXC=${RUNLXC_REAL:-runlxc}

matches_profile() { # name
    run "$P" "$1" -- "$RUNLXC" check --format json
    [ "$status" -eq 0 ]
    local got=$output want
    want=$(cat "$TOP/tests/kernel-matrix/profiles/$1.json")
    # every expected feature, the cgroup layout and the last capability
    jq -e --argjson w "$want" '. as $g | ($w.features | to_entries | all(. as $e | $g.features[$e.key] == $e.value))
                               and .cgroup == $w.cgroup and .cap_last_cap == $w.cap_last_cap' <<< "$got" ||
        { echo "got: $got"; return 1; }
}

@test "profile centos6: 2.6.32 surface" {
    matches_profile centos6
    run "$P" centos6 -- unshare -p true          # unshare(CLONE_NEWPID) came with 3.8
    [ "$status" -ne 0 ]
    [[ "$output" == *"Invalid argument"* ]]
    run "$P" centos6 -- python3 -c 'import os; os.open("/tmp", os.O_TMPFILE | os.O_RDWR)'
    [[ "$output" == *"Is a directory"* ]]         # O_TMPFILE unknown: EISDIR
    run "$P" centos6 -- cat /proc/sys/kernel/cap_last_cap
    [ -z "$output" ]                              # absent before 3.2
    run "$P" centos6 -- grep -c cgroup2 /proc/filesystems
    [ "$output" = 0 ]
}

@test "profile rhel6: 2.6.32-642 surface (setns and no_new_privs backported)" {
    matches_profile rhel6
    run "$P" rhel6 -- unshare -p true
    [ "$status" -eq 0 ]
    run "$P" rhel6 -- unshare -U true
    [ "$status" -ne 0 ]
    [ "$("$P" rhel6 -- cat /proc/sys/kernel/cap_last_cap)" = 33 ]
}

@test "profile rhel7: 3.10.0-1160 surface (user namespaces off)" {
    matches_profile rhel7
    run "$P" rhel7 -- python3 -c 'import os; os.close(os.open("/tmp", os.O_TMPFILE | os.O_RDWR))'
    [ "$status" -eq 0 ]                           # O_TMPFILE exists (3.11 backport)
    run "$P" rhel7 -- unshare -U true
    [ "$status" -ne 0 ]
    [ "$("$P" rhel7 -- cat /proc/sys/kernel/cap_last_cap)" = 36 ]
    if "$P" rhel7 -- test -e /proc/sys/user/max_user_namespaces; then false; fi
}

@test "profile linux-4.4: 4.4 surface" {
    matches_profile linux-4.4
    "$P" linux-4.4 -- unshare -U true
    run "$P" linux-4.4 -- unshare -C true
    [ "$status" -ne 0 ]
}

@test "profile modern: the host unfiltered" {
    run "$P" modern -- "$RUNLXC" check --format json
    [ "$status" -eq 0 ]
    [ "$output" = "$("$RUNLXC" check --format json)" ]
    echo "$output" | jq -e '.features | all(.)'
}

@test "profile no-open-tree: the host without open_tree/move_mount only" {
    local host
    host=$("$RUNLXC" check --format json)
    run "$P" no-open-tree -- "$RUNLXC" check --format json
    [ "$status" -eq 0 ]
    [ "$(jq '.features["open_tree/move_mount"]' <<< "$output")" = false ]
    [ "$(jq -cS '.features | del(.["open_tree/move_mount"])' <<< "$output")" = "$(jq -cS '.features | del(.["open_tree/move_mount"])' <<< "$host")" ]
}

@test "personality: unknown profile and bad usage are errors" {
    run "$P" frobnicate -- true
    [ "$status" -eq 125 ]
    [[ "$output" == *"unknown profile 'frobnicate'"* ]]
    run "$P" centos6 true
    [ "$status" -eq 125 ]
    run "$P" --list
    [ "${#lines[@]}" -eq 6 ]
}
