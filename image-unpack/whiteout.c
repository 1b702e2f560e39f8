/* OCI whiteouts. A whiteout only hides what lower layers put there: paths this layer already
 * wrote are kept (umoci's repack emits ".wh." entries under paths the same layer turned into
 * files or symlinks), and a whiteout whose parent is missing, a file or a symlink has nothing
 * to hide -- it is ignored, and the symlink is never followed. */
#include <errno.h>
#include <string.h>

#include "layer.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

static int keep_written(void *ctx, const char *path)
{
    return pathset_has(ctx, path);
}

static int ignorable(int err)
{
    return err == ENOENT || err == ENOTDIR || err == ELOOP;
}

int whiteout_apply(struct applier *ap, const char *rel, err_t *e)
{
    const char *slash = strrchr(rel, '/');
    const char *base = slash ? slash + 1 : rel;
    size_t plen = slash ? (size_t)(slash - rel) : 0;
    _cleanup_free_ char *parent = NULL, *target = NULL;
    const char *name;
    int fd;

    if (strncmp(base, WH_PREFIX, 4) != 0)
        return 0;
    parent = strndup(rel, plen);
    if (!parent)
        abort();
    if (!strcmp(base, WH_OPAQUE)) {
        fd = sp_open_dir(&ap->root, parent, 0);
        if (fd < 0)
            return ignorable(errno) ? 1 : err_errno(e, errno, "opaque whiteout: opening the directory");
        rootfs_invalidate(&ap->root);
        if (sp_clear_dir(fd, parent, keep_written, &ap->written) < 0) {
            int saved = errno;
            close(fd);
            return err_errno(e, saved, "opaque whiteout: clearing the directory");
        }
        close(fd);
        return 1;
    }
    if (!strncmp(base, WH_PREFIX WH_PREFIX, 8))
        return 1; /* other aufs metadata (.wh..wh.plnk, ...): nothing to apply */
    name = base + 4;
    if (!*name || !strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/'))
        return err_set(e, "whiteout names \"%s\", which is not a removable entry", name);
    target = plen ? xasprintf("%s/%s", parent, name) : xstrdup(name);
    if (pathset_has(&ap->written, target))
        return 1;
    fd = sp_open_dir(&ap->root, parent, 0);
    if (fd < 0)
        return ignorable(errno) ? 1 : err_errno(e, errno, "whiteout: opening the parent directory");
    rootfs_invalidate(&ap->root);
    if (sp_remove_all(fd, name) < 0) {
        int saved = errno;
        close(fd);
        return err_errno(e, saved, "whiteout: removing %s", target);
    }
    close(fd);
    return 1;
}
