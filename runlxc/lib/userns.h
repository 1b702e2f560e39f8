#ifndef RLX_USERNS_H
#define RLX_USERNS_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "error.h"
#include "spec.h"

struct rlx_userns_maps {
    struct rlx_idmap *uid, *gid;
    size_t n_uid, n_gid;
};

/* Parses uid_map/gid_map text ("inside outside count" lines); -1 if malformed or empty. */
int rlx_idmaps_parse(const char *text, struct rlx_idmap **out, size_t *n);
/* The maps of the user namespace at path, in this process's ids. */
int rlx_userns_maps(const char *path, struct rlx_userns_maps *m, rlx_error_t *err);
bool rlx_idmaps_equal(const struct rlx_idmap *a, size_t na, const struct rlx_idmap *b, size_t nb);
void rlx_userns_maps_free(struct rlx_userns_maps *m);

/* The host ids of the container's root (containerID 0 of the spec's mappings); false when
 * the spec maps no root. */
bool rlx_userns_host_root(const struct rlx_spec *s, uid_t *uid, gid_t *gid);
/* Whether host ids uid:gid (no supplementary groups) can look path up: search permission
 * on every directory above it, as the kernel checks it for a process in the namespace. */
bool rlx_userns_can_reach(const char *path, uid_t uid, gid_t gid);

#endif
