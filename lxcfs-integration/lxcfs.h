/* lxcfs views in containers (DESIGN.md section 4): find or start the lxcfs daemon, bind its
 * proc and sys files into a container before its payload runs, and re-bind them into running
 * containers after lxcfs restarted (its old FUSE mounts then answer ENOTCONN forever). */
#ifndef RUNLXC_LXCFS_H
#define RUNLXC_LXCFS_H
#include <stdbool.h>
#include <sys/types.h>
#include "error.h"

#define RLX_LXCFS_DEFAULT_MOUNTPOINT "/var/lib/lxcfs"
#define RLX_LXCFS_ANNOTATION "org.runlxc.lxcfs"

/* 1: a working lxcfs is mounted there; 0: none (or a dead one, *stale set); never -1. */
int rlx_lxcfs_probe(const char *mountpoint, bool *stale);
/* Errors (naming the mountpoint and how to start one) unless a working lxcfs is mounted. */
int rlx_lxcfs_require(const char *mountpoint, rlx_error_t *err);
/* The container paths lxcfs can serve from this mountpoint (NULL-terminated): /proc/meminfo,
 * /proc/cpuinfo, ..., /sys/devices/system/cpu, only those the running lxcfs provides. */
char **rlx_lxcfs_targets(const char *mountpoint);
/* Starts /usr/bin/lxcfs (or $LXCFS) on mountpoint, logging to log_path; waits until mounted. */
int rlx_lxcfs_start(const char *mountpoint, const char *log_path, pid_t *pid, rlx_error_t *err);
/* The relay: without open_tree (every kernel before 5.2) a mount made on the host reaches a
 * running container only through mount propagation. runlxc keeps a shared tmpfs on the host
 * (RLX_LXCFS_RELAY_ROOT) holding a bind of each lxcfs mountpoint; a container gets a slave bind
 * of it at RLX_LXCFS_RELAY_IN_CONTAINER (in its /dev tmpfs: nothing is written to its rootfs),
 * so a fresh lxcfs bound into the relay appears in every container, and the remount re-binds
 * its files from there inside the container's mount namespace. */
#define RLX_LXCFS_RELAY_ROOT "/run/runlxc-lxcfs"
#define RLX_LXCFS_RELAY_IN_CONTAINER "/dev/.lxcfs"
/* The relay's entry for a mountpoint, below the relay root (and below the container's path). */
char *rlx_lxcfs_relay_name(const char *mountpoint);
/* Makes the relay a shared tmpfs if it is not one, and binds the live lxcfs at mountpoint into
 * it unless the live one is already there (a dead one is detached first). Must run in the
 * host's mount namespace to reach containers made before. */
int rlx_lxcfs_relay_refresh(const char *mountpoint, rlx_error_t *err);
/* Detaches mountpoint's entry from the relay (lxcfs stop). */
void rlx_lxcfs_relay_drop(const char *mountpoint);
/* Binds fresh views over targets in the mount namespace of pid: through the container's relay
 * at relay (a container path) when it has one, else with open_tree + move_mount. */
int rlx_lxcfs_remount(pid_t pid, const char *mountpoint, char **targets, const char *relay, rlx_error_t *err);
/* Identity of the lxcfs instance mounted there (changes when lxcfs restarts), 0 if none. */
unsigned long long rlx_lxcfs_instance(const char *mountpoint);

#endif
