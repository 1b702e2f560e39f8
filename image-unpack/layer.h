/* Applying layers: each tar entry created inside the rootfs through safepath, with OCI
 * whiteout semantics, type changes, hardlinks, xattrs, ownership, modes and mtimes. */
#ifndef RUNLXC_UNPACK_LAYER_H
#define RUNLXC_UNPACK_LAYER_H
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "layout.h"
#include "pathset.h"
#include "pipeline.h"
#include "safepath.h"

struct dirtime {
    char *rel;
    struct timespec ts[2];
};

struct applier {
    struct rootfs root;
    struct pathset written;   /* paths written by the current layer */
    uint64_t entries, max_entries;
    uint64_t max_bytes;       /* also bounds one entry's declared size (sparse files) */
    struct dirtime *dirs;     /* directory mtimes, restored once their children are in */
    size_t ndirs, capdirs;
    int xattr_warned;
    uid_t euid;               /* owner of what we create, to skip needless chowns */
    gid_t egid;
};

void applier_init(struct applier *ap, int rootfd, int allow_openat2, uint64_t max_entries, uint64_t max_bytes);
void applier_fini(struct applier *ap);
/* Applies the next layer coming out of the pipeline; l only names it. */
int layer_apply(struct applier *ap, const struct layer_desc *l, struct pipeline *p, err_t *e);

/* whiteout.c: handles NAME if it is a whiteout (returns 1), 0 if it is an ordinary entry. */
int whiteout_apply(struct applier *ap, const char *rel, err_t *e);

#endif
