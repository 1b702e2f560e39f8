/* Set of paths written by the layer being applied: opaque directories and whiteouts only
 * hide what lower layers put there, so they must spare what this layer already wrote. */
#ifndef RUNLXC_UNPACK_PATHSET_H
#define RUNLXC_UNPACK_PATHSET_H
#include <stddef.h>

struct pathset {
    char **slots;
    size_t cap, n;
};

void pathset_init(struct pathset *s);
void pathset_clear(struct pathset *s);
/* Takes a copy of path. */
void pathset_add(struct pathset *s, const char *path);
int pathset_has(const struct pathset *s, const char *path);

#endif
