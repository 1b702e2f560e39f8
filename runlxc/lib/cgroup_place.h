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
/* Moves every process of the cgroups liblxc put init in into `paths` (one per hierarchy) and
 * removes liblxc's cgroups: those of init that are neither this process's nor `paths`. */
int rlx_cgroup_place_move(pid_t init_pid, const struct rlx_cgroup_layout *l, char **paths, rlx_error_t *err);

#endif
