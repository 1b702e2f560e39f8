/* Path resolution confined to the target rootfs: no "..", no symlink ever followed. */
#ifndef RUNLXC_UNPACK_SAFEPATH_H
#define RUNLXC_UNPACK_SAFEPATH_H
#include "util.h"

/* Longest member name accepted; the kernel's PATH_MAX does not bound us because we walk
 * component by component, so this only guards memory. */
#define SP_MAX_PATH 65536

struct rootfs {
    int rootfd;           /* O_PATH directory fd of the rootfs, owned */
    int use_openat2;      /* 0 once the kernel (or a seccomp filter) refused openat2 */
    char *cache_path;     /* last parent directory resolved (normalised) */
    int cache_fd;         /* its fd, owned; -1 when the cache is empty */
    int cache_sgid;       /* cached directory has S_ISGID: 1/0, -1 not known yet */
};

/* Takes ownership of rootfd. allow_openat2=0 forces the component-by-component walk. */
void rootfs_init(struct rootfs *r, int rootfd, int allow_openat2);
void rootfs_fini(struct rootfs *r);
/* Must be called after anything that removes or replaces a directory, since a cached fd would
 * then point into an unlinked directory. */
void rootfs_invalidate(struct rootfs *r);

/* Normalises an archive member name: leading "/" and "./", empty and "." components dropped.
 * "" names the root itself. Fails (returns -1, message in e) on a ".." component, a NUL-free
 * name longer than SP_MAX_PATH. *out is malloc'ed. */
int sp_normalize(const char *in, char **out, err_t *e);

/* Opens directory REL (normalised) below the root, never following a symlink; missing
 * components are created (0755, root-owned) when create is set. Returns a new O_PATH fd, or
 * -1 with errno set (ELOOP/ENOTDIR: a component is a symlink or not a directory). */
int sp_open_dir(struct rootfs *r, const char *rel, int create);

/* Resolves the parent directory of REL through a one-entry cache. Returns a borrowed fd (do
 * not close) and points *base at the last component of rel, or -1 with errno set. REL must
 * not be "" (the root has no parent inside the rootfs). */
int sp_parent(struct rootfs *r, const char *rel, int create, const char **base);

/* Whether directory fd (as returned by sp_parent) has the setgid bit, which new entries
 * inherit (group, and the bit itself for directories). Cached for the parent cache. */
int sp_dir_sgid(struct rootfs *r, int fd);

/* Removes NAME in DIRFD and, if it is a directory, everything below it, without following
 * symlinks and without recursion (so arbitrarily deep trees do not exhaust fds or stack).
 * Returns 0, or -1 with errno set. ENOENT counts as success. */
int sp_remove_all(int dirfd, const char *name);

/* Removes every entry of directory DIRFD for which keep(rel_child) returns 0. REL is the
 * directory's own normalised path, used to build the children's paths. */
int sp_clear_dir(int dirfd, const char *rel, int (*keep)(void *ctx, const char *path), void *ctx);

#endif
