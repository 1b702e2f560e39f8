/* Container statistics from its cgroups, in runc's events JSON shape (types/events.go). */
#ifndef RUNLXC_STATS_H
#define RUNLXC_STATS_H
#include <stdbool.h>
#include <stdint.h>

struct json_object;
/* The "data" object of a stats event; fields the host's cgroups do not offer are left out. */
struct json_object *rlx_stats_collect(char **cgroup_paths);
/* Number of OOM kills so far (memory.oom_control's oom_kill on v1, memory.events on v2). */
uint64_t rlx_stats_oom_kills(char **cgroup_paths);

/* Watches the container's memory cgroup for OOMs. On cgroup v1 as runc listens: an eventfd
 * registered through cgroup.event_control on memory.oom_control, which every v1 kernel
 * signals (oom_kill in memory.oom_control only exists since 4.13); elsewhere the oom_kill
 * count of memory.events, read again each time. */
struct rlx_oom_watch {
    int efd;
    char *oom_control;   /* v1: the file registered, gone with the cgroup */
    uint64_t kills;      /* otherwise: the count last seen */
};
void rlx_oom_watch_open(struct rlx_oom_watch *w, char **cgroup_paths);
/* Waits up to ms milliseconds; whether the container had an OOM meanwhile. */
bool rlx_oom_watch_wait(struct rlx_oom_watch *w, char **cgroup_paths, int ms);
void rlx_oom_watch_close(struct rlx_oom_watch *w);

#endif
