#ifndef RUNLXC_RESOURCES_H
#define RUNLXC_RESOURCES_H
#include "error.h"
#include "probe.h"
#include "spec.h"

/* Receives one cgroup setting: file (v1 or v2 spelling) in hierarchy h. field names the JSON
 * path for errors. */
struct rlx_cg_sink {
    int (*set)(struct rlx_cg_sink *sink, const char *field, int h, const char *file, const char *value,
               rlx_error_t *err);
    const struct rlx_cgroup_layout *layout;
    /* The file's current content in hierarchy h (malloc'd), or NULL; NULL where the sink has
     * no current values (create: the cgroup does not exist yet). */
    char *(*read)(struct rlx_cg_sink *sink, int h, const char *file);
};

/* Every set field of r, or an error naming the first one this host cannot honour. Zeros that
 * runc reads as "leave as is" are skipped. */
int rlx_resources_apply(const struct rlx_resources *r, struct rlx_cg_sink *sink, rlx_error_t *err);

/* What r sets that runlxc ignores as runc does (a warning's text), or NULL. */
const char *rlx_resources_ignored(const struct rlx_resources *r);

/* What runc's update takes of r (update.go: memory limit, reservation, swap and kernel; cpu;
 * blockIO.weight; pids; unified), as a shallow copy; *ignored names the first other field r
 * sets (runc ignores those without a word), or is NULL. */
struct rlx_resources rlx_resources_for_update(const struct rlx_resources *r, const char **ignored);

/* The same, written to the container's cgroup directories (one per hierarchy). */
int rlx_resources_write(const struct rlx_resources *r, const struct rlx_cgroup_layout *l, char **paths,
                        rlx_error_t *err);

#endif
