/* rlx_image_write: checks the rootfs, parses the destination and hands both to the format
 * writer (ocilayout.c, dockerarchive.c), which share the layer writer (tarlayer.c). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image.h"
#include "imgref.h"
#include "util.h"
#include "writers.h"

/* The canonical rootfs: symlinks in the given path are resolved (LXC configs often point at a
 * symlinked directory), but a tree that resolves to the host's / is refused, as is anything
 * that is not a directory. */
static char *resolve_rootfs(const char *rootfs, rlx_error_t *err)
{
    char *real;
    struct stat sb;

    if (!rootfs || !*rootfs) {
        rlx_error(err, 0, "no rootfs given");
        return NULL;
    }
    if (stat(rootfs, &sb) < 0) {
        rlx_error(err, errno, "rootfs %s", rootfs);
        return NULL;
    }
    if (!S_ISDIR(sb.st_mode)) {
        rlx_error(err, ENOTDIR, "rootfs %s", rootfs);
        return NULL;
    }
    real = realpath(rootfs, NULL);
    if (!real) {
        rlx_error(err, errno, "rootfs %s: resolving its path", rootfs);
        return NULL;
    }
    if (!strcmp(real, "/")) {
        free(real);
        rlx_error(err, 0, "rootfs %s is the host's root directory: refusing to archive the host", rootfs);
        return NULL;
    }
    return real;
}

int rlx_image_write(const char *rootfs, struct json_object *config, const char *default_name, const char *dest,
                    struct rlx_image_stats *stats, rlx_error_t *err)
{
    cleanup_free char *root = NULL;
    struct imgref ref;
    int r;

    memset(stats, 0, sizeof(*stats));
    root = resolve_rootfs(rootfs, err);
    if (!root)
        return -1;
    if (imgref_parse(dest, default_name, &ref, err) < 0) {
        imgref_free(&ref);
        return -1;
    }
    if (ref.kind == IMGREF_OCI)
        r = ocilayout_write(root, ref.path, ref.tag, config, stats, err);
    else
        r = dockerarchive_write(root, ref.path, ref.tag, config, stats, err);
    imgref_free(&ref);
    return r;
}
