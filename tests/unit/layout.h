/* Cgroup layouts as they look on a v1, hybrid or v2-only host, built without reading the
 * machine's mounts. */
#ifndef RUNLXC_TEST_LAYOUT_H
#define RUNLXC_TEST_LAYOUT_H
#include "probe.h"
#include "util.h"
#include <stdbool.h>
#include <string.h>

enum layout_kind { L_V1, L_HYBRID, L_V2 };

static inline void make_layout(struct rlx_cgroup_layout *l, enum layout_kind kind)
{
    static const char *const v1[] = {"memory", "cpu", "cpuset", "pids", "devices", "freezer", "blkio"};
    bool v2_only = kind == L_V2;
    memset(l, 0, sizeof(*l));
    l->unified = -1;
    if (!v2_only)
        for (size_t i = 0; i < 7; i++) {
            l->h[l->n].mountpoint = xasprintf("/sys/fs/cgroup/%s", v1[i]);
            l->h[l->n].controllers = xstrdup(v1[i]);
            l->n++;
        }
    if (kind == L_V1) {
        l->mode = RLX_CGROUP_V1;
        return;
    }
    l->h[l->n].mountpoint = xstrdup(v2_only ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified");
    l->h[l->n].controllers = xstrdup("");
    l->h[l->n].v2 = true;
    l->unified = l->n++;
    l->v2_controllers = xstrdup(v2_only ? "cpuset cpu io memory pids" : "");
    l->mode = v2_only ? RLX_CGROUP_V2 : RLX_CGROUP_HYBRID;
}

#endif
