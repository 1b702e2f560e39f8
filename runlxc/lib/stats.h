/* Container statistics from its cgroups, in runc's events JSON shape (types/events.go). */
#ifndef RUNLXC_STATS_H
#define RUNLXC_STATS_H
#include <stdint.h>

struct json_object;
/* The "data" object of a stats event; fields the host's cgroups do not offer are left out. */
struct json_object *rlx_stats_collect(char **cgroup_paths);
/* Number of OOM kills so far (memory.oom_control's oom_kill on v1, memory.events on v2). */
uint64_t rlx_stats_oom_kills(char **cgroup_paths);

#endif
