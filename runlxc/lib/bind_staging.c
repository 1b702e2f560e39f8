/* Bind sources below directories a user namespace's root cannot search. The staging place
 * is host root's bind of the source at a path the container's root can reach (the state
 * root is 0711, as liblxc needs it for user namespaces); liblxc's child binds from there
 * into the rootfs and the staging bind is taken down once init reported. The directory name
 * starts with a dot and holds '@', so that no container id can name it and `list` skips it. */
#include "bind_staging.h"
#include "userns.h"
#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAGING ".bind-sources@"

/* The source field of "SOURCE TARGET TYPE OPTIONS 0 0" (fstab-escaped, \040 for a space),
 * if the entry is a bind of an absolute path; NULL otherwise. */
static char *bind_source(const char *key, const char *value, const char **rest)
{
    size_t kl = strlen(key), sl = strcspn(value, " ");
    char opts[4096] = "", *src;
    if (kl < 11 || strcmp(key + kl - 11, "mount.entry") != 0 || value[0] != '/' ||
        sscanf(value + sl, " %*s %*s %4095s", opts) != 1 || strstr(opts, "bind") == NULL)
        return NULL;
    src = xstrndup(value, sl);
    octal_unescape(src);
    *rest = value + sl;
    return src;
}

/* The mount point at <root>/.bind-sources@/<id>/<n>: a directory, or a file for a file. */
static char *make_point(const char *root, const char *id, size_t n, const char *src, rlx_error_t *err)
{
    cleanup_free char *top = xasprintf("%s/" STAGING, root);
    cleanup_free char *dir = xasprintf("%s/%s", top, id);
    char *point = xasprintf("%s/%zu", dir, n);
    struct stat st;
    int fd;
    if ((mkdir(top, 0711) < 0 && errno != EEXIST) || (mkdir(dir, 0711) < 0 && errno != EEXIST) ||
        stat(src, &st) < 0)
        goto fail;
    if (S_ISDIR(st.st_mode)) {
        if (mkdir(point, 0711) < 0 && errno != EEXIST)
            goto fail;
    } else if ((fd = open(point, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0) {
        goto fail;
    } else {
        close(fd);
    }
    return point;
fail:
    rlx_error(err, errno, "mounts: stage the bind source %s at %s", src, point);
    free(point);
    return NULL;
}

int rlx_bind_staging_make(const char *root, const char *id, const struct rlx_spec *s, struct rlx_lxcconf *conf,
                          bool *made, rlx_error_t *err)
{
    uid_t uid;
    gid_t gid;
    *made = false;
    if (!rlx_spec_has_namespace(s, CLONE_NEWUSER) || !rlx_userns_host_root(s, &uid, &gid))
        return 0;
    for (size_t i = 0; i < conf->n; i++) {
        const char *rest = NULL;
        cleanup_free char *src = bind_source(conf->keys[i], conf->values[i], &rest), *point = NULL;
        if (src == NULL || rlx_userns_can_reach(src, uid, gid))
            continue;
        point = make_point(root, id, i, src, err);
        if (point == NULL)
            return -1;
        *made = true;
        if (mount(src, point, NULL, MS_BIND | MS_REC, NULL) < 0)
            return rlx_error(err, errno, "mounts: bind the source %s at %s", src, point);
        char escaped[4096 * 4];
        rlx_lxcconf_fstab_escape(escaped, sizeof(escaped), point);
        char *entry = xasprintf("%s%s", escaped, rest);
        free(conf->values[i]);
        conf->values[i] = entry;
    }
    return 0;
}

void rlx_bind_staging_remove(const char *root, const char *id)
{
    cleanup_free char *dir = xasprintf("%s/" STAGING "/%s", root, id);
    cleanup_free char *top = xasprintf("%s/" STAGING, root);
    DIR *d = opendir(dir);
    struct dirent *de;
    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        cleanup_free char *p = xasprintf("%s/%s", dir, de->d_name);
        umount2(p, MNT_DETACH);
        if (rmdir(p) < 0 && errno == ENOTDIR)
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
    rmdir(top);   /* only once no other container has staged sources */
}
