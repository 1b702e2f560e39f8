/* The container's cgroups as runlxc sees them after liblxc made them: absolute directories,
 * one per hierarchy, read from /proc/<init>/cgroup at create time. */
#ifndef RUNLXC_CGROUP_H
#define RUNLXC_CGROUP_H
#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "probe.h"

/* Absolute cgroup directories of pid in every mounted hierarchy (NULL-terminated), keeping
 * only those that end in "/" + suffix: a hierarchy where liblxc left the process in another
 * cgroup (the caller's, or the root) must never be killed or removed on its behalf. With
 * suffix NULL, every hierarchy where pid is below the root. */
char **rlx_cgroup_paths_of_pid(pid_t pid, const struct rlx_cgroup_layout *l, const char *suffix);
/* The absolute directory a container cgroup dir gets in hierarchy h: under the hierarchy's
 * root, or (relative) under the cgroup this process is in. */
char *rlx_cgroup_container_path(const struct rlx_cgroup_layout *l, int h, const char *dir, bool relative);
/* The same for every hierarchy (NULL-terminated). */
char **rlx_cgroup_container_paths(const struct rlx_cgroup_layout *l, const char *dir, bool relative);
/* True when path is a cgroup directory strictly below one of the layout's mountpoints, with no
 * "." or ".." component: a recorded path that fails this is not ours to kill or remove. */
bool rlx_cgroup_path_is_ours(const struct rlx_cgroup_layout *l, const char *path);
/* Pids in the container's cgroup (first hierarchy that answers). */
pid_t *rlx_cgroup_pids(char **paths, size_t *n);
/* Processes in the cgroups and every cgroup below them: the most any one hierarchy holds
 * (0 when none of the paths exists). */
size_t rlx_cgroup_count_procs(char **paths);
/* Whether any of the directories exists: one stat each, where usually none does yet. */
bool rlx_cgroup_any_exists(char **paths);
int rlx_cgroup_kill_all(char **paths, int sig);
bool rlx_cgroup_is_frozen(char **paths);
int rlx_cgroup_freeze(char **paths, bool freeze, rlx_error_t *err);
/* Moves pid from the container's cgroup v1 freezer into its parent, so that pausing the
 * container does not freeze it (the exec agent). 0 when moved; -1 without a v1 freezer (the
 * v2 parent may not hold processes) or when the kernel refused. */
int rlx_cgroup_escape_freezer(char **paths, pid_t pid);
/* Removes the directories (and any child cgroups liblxc or the payload made), deepest first.
 * Returns -1 (errno EBUSY) if a cgroup still has members. */
int rlx_cgroup_destroy(char **paths);
/* An empty cpuset.cpus or cpuset.mems of cgroup v1 cpuset dir takes its parent's. */
int rlx_cgroup_cpuset_fill(const char *dir, rlx_error_t *err);
/* runc's ensureParent for cgroup v1 cpuset: creates the parents of the container's cpuset
 * cgroup dir and fills an empty cpuset.cpus/mems of each from its own parent. */
int rlx_cgroup_cpuset_parents(const struct rlx_cgroup_layout *l, const char *dir, bool relative, rlx_error_t *err);
/* Kills the members of every sub-cgroup below the paths, in every hierarchy; returns how
 * many there were (0: nothing is left below). */
size_t rlx_cgroup_kill_subcgroups(char **paths, int sig);
/* Path of the file in the hierarchy that has it (e.g. "memory.max"), or NULL. */
char *rlx_cgroup_find_file(char **paths, const char *file);

#endif
