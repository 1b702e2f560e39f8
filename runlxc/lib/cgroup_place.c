#include "cgroup_place.h"
#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rlx_cgroup_place_make(const struct rlx_cgroup_layout *l, const char *dir, bool relative, rlx_error_t *err)
{
    if (rlx_cgroup_cpuset_parents(l, dir, relative, err) < 0)
        return -1;
    for (int h = 0; h < l->n; h++) {
        cleanup_free char *p = rlx_cgroup_container_path(l, h, dir, relative);
        if (mkdir_p(p, 0755) < 0)
            return rlx_error(err, errno, "linux.cgroupsPath: mkdir %s", p);
        if (h == rlx_cgroup_layout_find(l, "cpuset") && !l->h[h].v2 && rlx_cgroup_cpuset_fill(p, err) < 0)
            return rlx_error_wrap(err, "linux.cgroupsPath");
    }
    return 0;
}

char **rlx_cgroup_place_liblxc_paths(pid_t init_pid, const struct rlx_cgroup_layout *l, char **paths)
{
    char **theirs = rlx_cgroup_paths_of_pid(init_pid, l, NULL);
    char **mine = rlx_cgroup_paths_of_pid(getpid(), l, NULL);
    char **out = NULL;
    for (size_t i = 0; theirs && theirs[i]; i++)
        if (!strv_has(mine, theirs[i]) && !strv_has(paths, theirs[i]))
            strv_push(&out, theirs[i]);
    strv_free(theirs);
    strv_free(mine);
    return out;
}

int rlx_cgroup_place_move(char **from, pid_t init_pid, char **paths, rlx_error_t *err)
{
    size_t n = 0;
    pid_t *pids = rlx_cgroup_pids(from, &n);
    int r = 0;
    if (pids == NULL) {
        pids = xmalloc(sizeof(pid_t));
        pids[0] = init_pid;
        n = 1;
    }
    for (size_t i = 0; r == 0 && paths && paths[i]; i++) {
        cleanup_free char *procs = xasprintf("%s/cgroup.procs", paths[i]);
        for (size_t k = 0; r == 0 && k < n; k++) {
            char pid[24];
            snprintf(pid, sizeof(pid), "%d", (int)pids[k]);
            if (write_file(procs, pid, err) == 0)
                continue;
            /* A process that exited on the way (liblxc's helpers) has nothing to move. */
            if (kill(pids[k], 0) == 0)
                r = rlx_error_wrap(err, "linux.cgroupsPath: move pid %d into %s", (int)pids[k], paths[i]);
            else
                rlx_error_release(err);
        }
    }
    free(pids);
    return r;
}

static void push_parent(char ***out, const struct rlx_cgroup_layout *l, int h, const char *dir, bool relative)
{
    cleanup_free char *p = rlx_cgroup_container_path(l, h, dir, relative);
    *strrchr(p, '/') = '\0';
    if (!strv_has(*out, p))
        strv_push(out, p);
}

char **rlx_cgroup_place_liblxc_parents(const struct rlx_cgroup_layout *l, const char *dir, bool relative)
{
    char **out = NULL;
    for (int h = 0; h < l->n; h++) {
        if (dir) {
            push_parent(&out, l, h, dir, relative);
        } else {
            push_parent(&out, l, h, "lxc/-", true);
            push_parent(&out, l, h, "lxc/-", false);
        }
    }
    return out;
}

/* "name" or "name-" and digits */
static bool liblxc_name_of(const char *entry, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(entry, name, n) != 0)
        return false;
    if (entry[n] == '\0')
        return true;
    return entry[n] == '-' && entry[n + 1] && strspn(entry + n + 1, "0123456789") == strlen(entry + n + 1);
}

void rlx_cgroup_place_remove_failed(char **parents, char **existed, const char *name)
{
    for (size_t i = 0; parents && parents[i]; i++) {
        DIR *d = opendir(parents[i]);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (e->d_type == DT_DIR && liblxc_name_of(e->d_name, name)) {
                cleanup_free char *p = xasprintf("%s/%s", parents[i], e->d_name);
                rmdir(p);   /* one in use is another container's */
            }
        }
        if (d)
            closedir(d);
        if (!strv_has(existed, parents[i]))
            rmdir(parents[i]);
    }
}

void rlx_cgroup_place_remove(char **from)
{
    for (size_t i = 0; from && from[i]; i++) {
        cleanup_free char *parent = xstrdup(from[i]);
        char *slash = strrchr(parent, '/');
        if (rlx_cgroup_destroy((char *[]){from[i], NULL}) < 0 || slash == NULL)
            continue;
        *slash = '\0';
        slash = strrchr(parent, '/');
        /* rmdir refuses a parent that another container still uses */
        if (slash && (strcmp(slash + 1, "lxc") == 0 || strcmp(slash + 1, "runlxc.staging") == 0))
            rmdir(parent);
    }
}
