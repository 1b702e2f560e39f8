/* The mount points strictly below a directory, from /proc/self/mountinfo: the layer stores
 * them as empty directories instead of archiving whatever the host mounted there. */
#ifndef RUNLXC_CONVERT_MOUNTPOINTS_H
#define RUNLXC_CONVERT_MOUNTPOINTS_H
#include <stdbool.h>
#include <stddef.h>
#include "../runlxc/lib/error.h"

struct mountpoints {
    char **paths; /* absolute, unescaped, sorted */
    size_t n;
};

/* root must be a canonical absolute path (realpath). */
int mountpoints_below(const char *root, struct mountpoints *m, rlx_error_t *err);
bool mountpoints_has(const struct mountpoints *m, const char *path);
void mountpoints_free(struct mountpoints *m);

#endif
