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
};

/* Every set field of r, or an error naming the first one this host cannot honour. */
int rlx_resources_apply(const struct rlx_resources *r, struct rlx_cg_sink *sink, rlx_error_t *err);

/* The same, written to the container's cgroup directories (one per hierarchy). */
int rlx_resources_write(const struct rlx_resources *r, const struct rlx_cgroup_layout *l, char **paths,
                        rlx_error_t *err);

#endif
