/* The id maps of an existing user namespace, for a container that joins it by path. liblxc
 * joins it (lxc.namespace.share.user) but only switches to root inside and sets up ttys with
 * the right owners when it knows the maps (lxc.idmap), so runlxc reads them from the kernel. */
#include "userns.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "syscalls.h"

int rlx_idmaps_parse(const char *text, struct rlx_idmap **out, size_t *n)
{
    const char *p = text;
    *out = NULL;
    *n = 0;
    while (*p) {
        unsigned long in, host, size;
        int used = 0;
        if (sscanf(p, " %lu %lu %lu%n", &in, &host, &size, &used) != 3 || in > UINT32_MAX || host > UINT32_MAX ||
            size == 0 || size > UINT32_MAX) {
            free(*out);
            *out = NULL;
            *n = 0;
            return -1;
        }
        *out = xrealloc(*out, (*n + 1) * sizeof(**out));
        (*out)[(*n)++] = (struct rlx_idmap){(uint32_t)in, (uint32_t)host, (uint32_t)size};
        p += used;
        while (*p == ' ' || *p == '\n')
            p++;
    }
    return *n > 0 ? 0 : -1;
}

/* /proc/PID/uid_map shows ids of the reader's namespace when the reader is outside PID's:
 * a child joins the namespace and this process reads the child's maps. */
int rlx_userns_maps(const char *path, struct rlx_userns_maps *m, rlx_error_t *err)
{
    int fd, ready[2];
    pid_t child;
    char c, map_path[64];
    int ret = -1;

    memset(m, 0, sizeof(*m));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rlx_error(err, errno, "namespace file %s", path);
    {
        struct stat want, own;
        /* setns(2) refuses the caller's own user namespace: say what that means instead. */
        if (fstat(fd, &want) == 0 && stat("/proc/self/ns/user", &own) == 0 && want.st_dev == own.st_dev &&
            want.st_ino == own.st_ino) {
            close(fd);
            return rlx_error(err, 0, "%s is the runtime's own user namespace: leave the user namespace out to share it",
                             path);
        }
    }
    if (pipe2(ready, O_CLOEXEC) < 0) {
        close(fd);
        return rlx_error(err, errno, "pipe");
    }
    child = fork();
    if (child == 0) {
        close(ready[0]);
        c = rlx_setns(fd, CLONE_NEWUSER) == 0 ? 'y' : (char)errno;
        if (write(ready[1], &c, 1) != 1)
            _exit(1);
        /* Stay in the namespace until the parent has read the maps and closes the pipe. */
        close(ready[1]);
        pause();
        _exit(0);
    }
    close(ready[1]);
    close(fd);
    if (child < 0) {
        close(ready[0]);
        return rlx_error(err, errno, "fork");
    }
    if (read(ready[0], &c, 1) != 1)
        rlx_error(err, 0, "%s: the process that joins it died", path);
    else if (c != 'y')
        rlx_error(err, c == EINVAL ? 0 : (unsigned char)c, c == EINVAL ? "%s is not a user namespace" : "join user namespace %s",
                  path);
    else {
        cleanup_free char *uid_text = NULL, *gid_text = NULL;
        snprintf(map_path, sizeof(map_path), "/proc/%d/uid_map", child);
        uid_text = read_file(map_path, NULL, err);
        snprintf(map_path, sizeof(map_path), "/proc/%d/gid_map", child);
        gid_text = uid_text ? read_file(map_path, NULL, err) : NULL;
        if (gid_text && (rlx_idmaps_parse(uid_text, &m->uid, &m->n_uid) < 0 ||
                         rlx_idmaps_parse(gid_text, &m->gid, &m->n_gid) < 0))
            rlx_error(err, 0, "user namespace %s has no id mappings", path);
        else if (gid_text)
            ret = 0;
    }
    close(ready[0]);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    if (ret < 0)
        rlx_userns_maps_free(m);
    return ret;
}

bool rlx_idmaps_equal(const struct rlx_idmap *a, size_t na, const struct rlx_idmap *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (a[i].container_id != b[i].container_id || a[i].host_id != b[i].host_id || a[i].size != b[i].size)
            return false;
    return true;
}

void rlx_userns_maps_free(struct rlx_userns_maps *m)
{
    free(m->uid);
    free(m->gid);
    memset(m, 0, sizeof(*m));
}

static bool root_of(const struct rlx_idmap *m, size_t n, uint32_t *host)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].container_id == 0 && m[i].size > 0) {
            *host = m[i].host_id;
            return true;
        }
    return false;
}

bool rlx_userns_host_root(const struct rlx_spec *s, uid_t *uid, gid_t *gid)
{
    uint32_t u, g;
    if (!root_of(s->uid_mappings, s->n_uid_mappings, &u) || !root_of(s->gid_mappings, s->n_gid_mappings, &g))
        return false;
    *uid = (uid_t)u;
    *gid = (gid_t)g;
    return true;
}

bool rlx_userns_can_reach(const char *path, uid_t uid, gid_t gid)
{
    cleanup_free char *dir = xstrdup(path);
    for (char *slash = strrchr(dir, '/'); slash; slash = strrchr(dir, '/')) {
        struct stat st;
        mode_t need;
        *slash = '\0';
        if (stat(*dir ? dir : "/", &st) < 0)
            return false;
        need = st.st_uid == uid ? S_IXUSR : st.st_gid == gid ? S_IXGRP : S_IXOTH;
        if (!(st.st_mode & need))
            return false;
    }
    return true;
}
