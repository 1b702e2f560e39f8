/* Why not libarchive's ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS: it compares st_dev, so it also
 * stops at btrfs subvolumes and other same-filesystem device changes, which are part of the
 * container's tree. Only real mount points are host additions (a data volume, a bind of /proc
 * or of the host's /) that must not end up in the image. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mountpoints.h"
#include "util.h"

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int mountpoints_below(const char *root, struct mountpoints *m, rlx_error_t *err)
{
    cleanup_file FILE *f = fopen("/proc/self/mountinfo", "re");
    cleanup_free char *line = NULL;
    size_t cap = 0, rlen = strlen(root);

    m->paths = NULL;
    m->n = 0;
    if (!f)
        return rlx_error(err, errno, "open /proc/self/mountinfo (needed to keep host mounts below the rootfs out of the image)");
    while (getline(&line, &cap, f) > 0) {
        char *save = NULL, *tok = strtok_r(line, " ", &save);
        for (int i = 0; tok && i < 4; i++) /* id, parent, major:minor, root, then the mount point */
            tok = strtok_r(NULL, " ", &save);
        if (!tok)
            continue;
        octal_unescape(tok);   /* mountinfo escapes space, tab, newline and backslash */
        /* "/" as root: everything but "/" itself is below it */
        if (rlen == 1 ? tok[1] != 0 : strncmp(tok, root, rlen) == 0 && tok[rlen] == '/') {
            if (mountpoints_has(m, tok))
                continue;
            m->paths = xrealloc(m->paths, (m->n + 1) * sizeof(char *));
            m->paths[m->n++] = xstrdup(tok);
            qsort(m->paths, m->n, sizeof(char *), cmp);
        }
    }
    return 0;
}

bool mountpoints_has(const struct mountpoints *m, const char *path)
{
    return m->n && bsearch(&path, m->paths, m->n, sizeof(char *), cmp) != NULL;
}

void mountpoints_free(struct mountpoints *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->paths[i]);
    free(m->paths);
    m->paths = NULL;
    m->n = 0;
}
