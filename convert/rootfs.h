/* The container's rootfs for a bundle or an image: checked (never the host's /), copied with
 * libarchive where asked, and an overlay rootfs made readable as its merged view. */
#ifndef RUNLXC_CONVERT_ROOTFS_H
#define RUNLXC_CONVERT_ROOTFS_H
#include "translate.h"

/* The directory path (resolved), refusing one that resolves to "/" or is not a directory. */
char *rlx_rootfs_check(const struct rlx_conv_rootfs *r, rlx_error_t *err);
/* Copies the tree at src into dst (created, mode 0755): owners, modes, xattrs, devices, hard
 * links and symlinks as they are; nothing is followed and nothing lands outside dst. */
int rlx_rootfs_copy(const char *src, const char *dst, rlx_error_t *err);
/* Runs fn(dir, arg) in a child with the merged, read-only view of an overlay rootfs mounted
 * at a private directory (dir = the plain directory for kind "dir"). fn's return is ours. */
int rlx_rootfs_with_view(const struct rlx_conv_rootfs *r, int (*fn)(const char *dir, void *arg, rlx_error_t *err),
                         void *arg, rlx_error_t *err);

#endif
