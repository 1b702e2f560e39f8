/* Placing the container's cgroups where liblxc cannot be told where (liblxc 1.0 and 2.0 have
 * no lxc.cgroup.dir: they put a container at lxc.cgroup.pattern, a host-wide setting of
 * lxc.conf, "/lxc/%n" as shipped). runlxc makes the cgroups of linux.cgroupsPath (or the id)
 * itself, fills them with the spec's resources and device rules before liblxc starts, and
 * moves init there before the payload can run (design note 27). */
#ifndef RUNLXC_CGROUP_PLACE_H
#define RUNLXC_CGROUP_PLACE_H
#include "cgroup.h"
#include "error.h"
#include <stdbool.h>
#include <sys/types.h>

/* Makes the container's cgroup dir in every hierarchy (cpuset ones with cpus and mems). */
int rlx_cgroup_place_make(const struct rlx_cgroup_layout *l, const char *dir, bool relative, rlx_error_t *err);
/* The cgroups liblxc put init in: those of init that are neither this process's (init shares
 * them in hierarchies liblxc leaves alone, like name=systemd on liblxc 1.0) nor `paths`. */
char **rlx_cgroup_place_liblxc_paths(pid_t init_pid, const struct rlx_cgroup_layout *l, char **paths);
/* Moves every process of `from` (init and the exec agent; init alone when from is empty)
 * into `paths` (one per hierarchy). */
int rlx_cgroup_place_move(char **from, pid_t init_pid, char **paths, rlx_error_t *err);
/* The dirs liblxc makes a container's cgroups in, one per hierarchy: those of `dir` (the
 * staging dir of a shared cgroup), or without one "lxc" of the shipped lxc.cgroup.pattern
 * (below this process's cgroup, and below each root where that differs). */
char **rlx_cgroup_place_liblxc_parents(const struct rlx_cgroup_layout *l, const char *dir, bool relative);
/* After a start that failed before init reported, liblxc 2.0 may leave empty cgroups named
 * `name` or `name-N` in `parents`: removed, and each parent that is not in `existed`. */
void rlx_cgroup_place_remove_failed(char **parents, char **existed, const char *name);
/* Removes liblxc's cgroups, and the parent they were made in ("lxc" of liblxc's pattern,
 * "runlxc.staging" of a shared cgroup's) when nothing else is in it. */
void rlx_cgroup_place_remove(char **from);

#endif
