/* Mount destinations are resolved here, before liblxc runs: liblxc creates a missing
 * destination (create=dir|file) by walking the host's path rootfs+destination, so an
 * absolute symlink in the rootfs (/conf -> /etc) would lead it to the host's /etc. A
 * destination without symlinks keeps liblxc inside the rootfs. */
#include "mounts.h"
#include "syscalls.h"
#include "util.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define MAX_LINKS 255   /* as securejoin */

/* Takes the first component off *rest ("/a/b" -> "a", rest "/b"); NULL when none is left. */
static char *next_component(char **rest)
{
    char *p = *rest, *end, *comp, *tail;
    while (*p == '/')
        p++;
    if (*p == '\0')
        return NULL;
    end = strchr(p, '/');
    comp = end ? xasprintf("%.*s", (int)(end - p), p) : xstrdup(p);
    tail = xstrdup(end ? end : "");
    free(*rest);
    *rest = tail;
    return comp;
}

static bool is_stop(const char *path, char *const *stop, size_t n_stop)
{
    for (size_t i = 0; i < n_stop; i++)
        if (stop[i] && strcmp(stop[i], path) == 0)
            return true;
    return false;
}

char *rlx_resolve_in_root(const char *root, const char *dest, char *const *stop, size_t n_stop)
{
    char *done = xstrdup(""), *rest = xstrdup(dest), *comp;
    bool literal = false;
    int links = 0;

    while ((comp = next_component(&rest)) != NULL) {
        cleanup_free char *owned = comp;   /* freed when the iteration ends */
        char *cand;
        (void)owned;
        if (strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            char *slash = strrchr(done, '/');
            if (slash)
                *slash = '\0';
            continue;
        }
        cand = xasprintf("%s/%s", done, comp);
        if (!literal) {
            cleanup_free char *full = xasprintf("%s%s", root, cand);
            struct stat st;
            if (lstat(full, &st) < 0) {
                literal = true;
            } else if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX];
                ssize_t n = readlink(full, target, sizeof(target) - 1);
                free(cand);
                if (n < 0 || ++links > MAX_LINKS) {
                    free(done);
                    free(rest);
                    errno = n < 0 ? errno : ELOOP;
                    return NULL;
                }
                target[n] = '\0';
                if (target[0] == '/')
                    done[0] = '\0';
                char *r = xasprintf("%s/%s", target, rest);
                free(rest);
                rest = r;
                continue;
            } else if (is_stop(cand, stop, n_stop)) {
                literal = true;
            }
        }
        free(done);
        done = cand;
    }
    free(rest);
    if (*done == '\0') {
        free(done);
        done = xstrdup("/");
    }
    return done;
}

/* runc refuses a proc or sysfs mount onto anything but a directory (a symlink there has been
 * a way to mount them elsewhere); its words, with the mount named. */
static int check_proc_destination(const struct rlx_spec *s, size_t idx, char *const *stop, rlx_error_t *err)
{
    const struct rlx_mount *m = &s->mounts[idx];
    cleanup_free char *parent = xstrdup(m->destination), *rparent = NULL, *full = NULL;
    char *slash;
    const char *last;
    struct stat st;

    while (strlen(parent) > 1 && parent[strlen(parent) - 1] == '/')
        parent[strlen(parent) - 1] = '\0';
    slash = strrchr(parent, '/');
    last = slash + 1;
    *slash = '\0';
    rparent = rlx_resolve_in_root(s->root_path, *parent ? parent : "/", stop, idx);
    if (rparent == NULL)
        return rlx_error(err, errno, "mounts[%zu].destination: '%s'", idx, m->destination);
    full = xasprintf("%s%s/%s", s->root_path, strcmp(rparent, "/") == 0 ? "" : rparent, last);
    if (lstat(full, &st) == 0 && !S_ISDIR(st.st_mode))
        return rlx_error(err, 0,
                         "mounts[%zu].destination: error mounting \"%s\" to rootfs at \"%s\": filesystem \"%s\" must be "
                         "mounted on ordinary directory (it is %s in the rootfs)",
                         idx, m->type, m->destination, m->type, S_ISLNK(st.st_mode) ? "a symlink" : "not a directory");
    return 0;
}

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

bool rlx_mount_is_proc(const struct rlx_mount *m)
{
    struct statfs fs;
    if (m->type && strcmp(m->type, "proc") == 0)
        return true;
    return rlx_mount_is_bind(m) && m->source && statfs(m->source, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
}

/* runc's checkProcMount (CVE-2019-16884, CVE-2019-19921): nothing is mounted inside /proc
 * but the files lxcfs emulates, so that no mount can redirect what the runtime reads or writes
 * there (LSM attributes, oom_score_adj, sysctls); /proc itself only takes a proc filesystem. */
static int check_inside_proc(const struct rlx_mount *m, size_t idx, rlx_error_t *err)
{
    static const char *const lxcfs_files[] = {
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps", "/proc/uptime",
        "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid", NULL};
    const char *d = m->resolved;
    if (strcmp(d, "/proc") == 0) {
        if (rlx_mount_is_proc(m))
            return 0;
        return rlx_error(err, 0, "mounts[%zu].destination: \"%s\" cannot be mounted because it is not of type proc",
                         idx, m->destination);
    }
    if (strncmp(d, "/proc/", 6) != 0)
        return 0;
    for (size_t i = 0; lxcfs_files[i]; i++)
        if (strcmp(d, lxcfs_files[i]) == 0)
            return 0;
    return rlx_error(err, 0, "mounts[%zu].destination: \"%s\" cannot be mounted because it is inside /proc", idx,
                     m->destination);
}

int rlx_mounts_prepare(struct rlx_spec *s, rlx_error_t *err)
{
    char **stop = xcalloc(s->n_mounts + 1, sizeof(char *));
    int r = 0;
    for (size_t i = 0; i < s->n_mounts && r == 0; i++) {
        struct rlx_mount *m = &s->mounts[i];
        if (m->type && (strcmp(m->type, "proc") == 0 || strcmp(m->type, "sysfs") == 0) &&
            (r = check_proc_destination(s, i, stop, err)) < 0)
            break;
        if (strv_has(m->options, "rro") && !rlx_have_mount_setattr()) {
            r = rlx_error(err, 0, "mounts[%zu].options: \"rro\" (recursively read-only '%s') needs mount_setattr(2), "
                          "Linux 5.12, which this kernel lacks", i, m->destination);
            break;
        }
        free(m->resolved);
        m->resolved = rlx_resolve_in_root(s->root_path, m->destination, stop, i);
        if (m->resolved == NULL) {
            r = rlx_error(err, errno, "mounts[%zu].destination: '%s' in the rootfs", i, m->destination);
            break;
        }
        if ((r = check_inside_proc(m, i, err)) < 0)
            break;
        stop[i] = m->resolved;
    }
    free(stop);
    return r;
}
