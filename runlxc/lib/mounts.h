/* Mount sources and destinations as runc takes them (issue 12). */
#ifndef RUNLXC_MOUNTS_H
#define RUNLXC_MOUNTS_H
#include "error.h"
#include "spec.h"

/* Before liblxc runs: resolves every destination inside the rootfs (mounts[i].resolved),
 * refuses a proc or sysfs destination that is not a directory in the rootfs, and options
 * this kernel cannot honour (rro without mount_setattr). spec->root_path must be real. */
int rlx_mounts_prepare(struct rlx_spec *s, rlx_error_t *err);
/* The path inside root that dest names when root is "/" (runc's securejoin.SecureJoin):
 * symlinks on the way are followed there, an absolute one from root; ".." stops at root;
 * once a component is missing, or is one of stop (destinations of earlier mounts, which hide
 * what is below them on disk), the rest is taken as written. NULL with errno ELOOP. */
char *rlx_resolve_in_root(const char *root, const char *dest, char *const *stop, size_t n_stop);
/* A proc filesystem: a proc mount, or a bind of one (runc's isProc: statfs of the source). */
bool rlx_mount_is_proc(const struct rlx_mount *m);

#endif
