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
/* Binds fresh views over targets in the mount namespace of pid (open_tree + move_mount). */
int rlx_lxcfs_remount(pid_t pid, const char *mountpoint, char **targets, rlx_error_t *err);
/* Identity of the lxcfs instance mounted there (changes when lxcfs restarts), 0 if none. */
unsigned long long rlx_lxcfs_instance(const char *mountpoint);

#endif
