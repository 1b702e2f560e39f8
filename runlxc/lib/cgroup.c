#include "cgroup.h"
#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int hierarchy_for(const struct rlx_cgroup_layout *l, const char *controllers)
{
    if (*controllers == '\0')
        return l->unified;
    for (int i = 0; i < l->n; i++)
        if (!l->h[i].v2 && strcmp(l->h[i].controllers, controllers) == 0)
            return i;
    return -1;
}

char **rlx_cgroup_paths_of_pid(pid_t pid, const struct rlx_cgroup_layout *l, const char *suffix)
{
    size_t sl = suffix ? strlen(suffix) : 0;
    char path[64];
    cleanup_file FILE *f = NULL;
    char *line = NULL;
    size_t cap = 0;
    char **out = NULL;

    snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
    f = fopen(path, "re");
    if (f == NULL)
        return NULL;
    while (getline(&line, &cap, f) > 0) {
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        int h;
        if (c2 == NULL)
            continue;
        *c2 = '\0';
        c2[1 + strcspn(c2 + 1, "\n")] = '\0';
        h = hierarchy_for(l, c1 + 1);
        if (h < 0 || strcmp(c2 + 1, "/") == 0)
            continue;
        {
            size_t pl = strlen(c2 + 1);
            if (suffix != NULL && (sl == 0 || pl <= sl || strcmp(c2 + 1 + pl - sl, suffix) != 0 || c2[pl - sl] != '/'))
                continue;
        }
        {
            cleanup_free char *abs = xasprintf("%s%s", l->h[h].mountpoint, strcmp(c2 + 1, "/") == 0 ? "" : c2 + 1);
            strv_push(&out, abs);
        }
    }
    free(line);
    return out;
}

static char *own_cgroup(const struct rlx_cgroup_layout *l, int h)
{
    cleanup_file FILE *f = fopen("/proc/self/cgroup", "re");
    char *line = NULL, *out = NULL;
    size_t cap = 0;
    while (f && out == NULL && getline(&line, &cap, f) > 0) {
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (c2 == NULL)
            continue;
        *c2 = '\0';
        c2[1 + strcspn(c2 + 1, "\n")] = '\0';
        if (hierarchy_for(l, c1 + 1) == h)
            out = xstrdup(strcmp(c2 + 1, "/") == 0 ? "" : c2 + 1);
    }
    free(line);
    return out ? out : xstrdup("");
}

char *rlx_cgroup_container_path(const struct rlx_cgroup_layout *l, int h, const char *dir, bool relative)
{
    cleanup_free char *base = relative ? own_cgroup(l, h) : xstrdup("");
    return xasprintf("%s%s/%s", l->h[h].mountpoint, base, dir);
}

char **rlx_cgroup_container_paths(const struct rlx_cgroup_layout *l, const char *dir, bool relative)
{
    char **out = NULL;
    for (int i = 0; i < l->n; i++) {
        cleanup_free char *p = rlx_cgroup_container_path(l, i, dir, relative);
        strv_push(&out, p);
    }
    return out;
}

bool rlx_cgroup_path_is_ours(const struct rlx_cgroup_layout *l, const char *path)
{
    for (const char *c = path; c && (c = strstr(c, "/.")) != NULL; c++)
        if (c[2] == '\0' || c[2] == '/' || (c[2] == '.' && (c[3] == '\0' || c[3] == '/')))
            return false;
    for (int i = 0; path && i < l->n; i++) {
        size_t m = strlen(l->h[i].mountpoint);
        if (strncmp(path, l->h[i].mountpoint, m) == 0 && path[m] == '/' && path[m + 1] != '\0' &&
            path[m + 1] != '/')
            return true;
    }
    return false;
}

pid_t *rlx_cgroup_pids(char **paths, size_t *n)
{
    *n = 0;
    for (size_t i = 0; paths && paths[i]; i++) {
        cleanup_free char *procs = xasprintf("%s/cgroup.procs", paths[i]);
        cleanup_file FILE *f = fopen(procs, "re");
        pid_t *out = NULL;
        size_t cnt = 0;
        long v;
        if (f == NULL)
            continue;
        while (fscanf(f, "%ld", &v) == 1) {
            out = xrealloc(out, (cnt + 1) * sizeof(pid_t));
            out[cnt++] = (pid_t)v;
        }
        *n = cnt;
        return out;
    }
    return NULL;
}

/* Calls fn on every cgroup below path, each parent before its children, and returns the sum
 * of what fn returned. */
static size_t walk_below(const char *path, size_t (*fn)(const char *cgroup, int sig), int sig)
{
    DIR *d = opendir(path);
    struct dirent *de;
    size_t n = 0;
    if (d == NULL)
        return 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        cleanup_free char *child = xasprintf("%s/%s", path, de->d_name);
        n += fn(child, sig);
        n += walk_below(child, fn, sig);
    }
    closedir(d);
    return n;
}

static size_t count_members(const char *cgroup, int unused)
{
    char *one[2] = {(char *)cgroup, NULL};
    size_t n = 0;
    (void)unused;
    free(rlx_cgroup_pids(one, &n));
    return n;
}

/* Members of the cgroup at path and of every cgroup below it, as runc's GetAllPids. */
static size_t count_tree(const char *path)
{
    return count_members(path, 0) + walk_below(path, count_members, 0);
}

size_t rlx_cgroup_count_procs(char **paths)
{
    size_t most = 0;
    for (size_t i = 0; paths && paths[i]; i++) {
        size_t n = count_tree(paths[i]);
        if (n > most)
            most = n;
    }
    return most;
}

bool rlx_cgroup_any_exists(char **paths)
{
    for (size_t i = 0; paths && paths[i]; i++)
        if (path_exists(paths[i]))
            return true;
    return false;
}

int rlx_cgroup_kill_all(char **paths, int sig)
{
    size_t n;
    pid_t *pids = rlx_cgroup_pids(paths, &n);
    for (size_t i = 0; i < n; i++)
        kill(pids[i], sig);
    free(pids);
    return 0;
}

static char *freezer_file(char **paths, bool *v2)
{
    /* the freezer hierarchy's directory first: `list` asks this for every container */
    for (size_t i = 0; paths && paths[i]; i++) {
        cleanup_free char *f1 = xasprintf("%s/freezer.state", paths[i]);
        if (strstr(paths[i], "/freezer/") && path_exists(f1)) {
            *v2 = false;
            return xstrdup(f1);
        }
    }
    for (size_t i = 0; paths && paths[i]; i++) {
        cleanup_free char *f1 = xasprintf("%s/freezer.state", paths[i]);
        if (path_exists(f1)) {
            *v2 = false;
            return xstrdup(f1);
        }
    }
    for (size_t i = 0; paths && paths[i]; i++) {
        cleanup_free char *f2 = xasprintf("%s/cgroup.freeze", paths[i]);
        if (path_exists(f2)) {
            *v2 = true;
            return xstrdup(f2);
        }
    }
    return NULL;
}

int rlx_cgroup_escape_freezer(char **paths, pid_t pid)
{
    bool v2 = false;
    cleanup_free char *f = freezer_file(paths, &v2);
    cleanup_free char *tasks = NULL;
    char num[24];
    if (f == NULL || v2)
        return -1;
    *strrchr(f, '/') = '\0';
    /* "tasks", not cgroup.procs: 2.6.32 cannot write cgroup.procs (the agent has one thread) */
    tasks = xasprintf("%s/../tasks", f);
    snprintf(num, sizeof(num), "%d", (int)pid);
    return write_file(tasks, num, NULL);
}

static bool frozen_text(const char *text, bool v2)
{
    return v2 ? text[0] == '1' : strncmp(text, "FROZEN", 6) == 0 || strncmp(text, "FREEZING", 8) == 0;
}

bool rlx_cgroup_is_frozen(char **paths)
{
    bool v2 = false;
    cleanup_free char *f = NULL;
    cleanup_free char *text = NULL;
    /* `list` asks this of every container: the freezer hierarchy's file is read at once,
     * without freezer_file's stat */
    for (size_t i = 0; paths && paths[i]; i++) {
        if (strstr(paths[i], "/freezer/")) {
            cleanup_free char *f1 = xasprintf("%s/freezer.state", paths[i]);
            text = read_file(f1, NULL, NULL);
            if (text)
                return frozen_text(text, false);
            break;
        }
    }
    f = freezer_file(paths, &v2);
    if (f == NULL)
        return false;
    text = read_file(f, NULL, NULL);
    return text != NULL && frozen_text(text, v2);
}

int rlx_cgroup_freeze(char **paths, bool freeze, rlx_error_t *err)
{
    bool v2 = false;
    cleanup_free char *f = freezer_file(paths, &v2);
    if (f == NULL)
        return rlx_error(err, 0, "no freezer cgroup for this container");
    if (write_file(f, v2 ? (freeze ? "1" : "0") : (freeze ? "FROZEN" : "THAWED"), err) < 0)
        return -1;
    /* cgroup v1 goes through FREEZING: wait until the state settles. */
    for (int i = 0; freeze && !v2 && i < 1000; i++) {
        cleanup_free char *t = read_file(f, NULL, err);
        if (t == NULL)
            return -1;
        if (strncmp(t, "FROZEN", 6) == 0)
            break;
        write_file(f, "FROZEN", err);
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    return 0;
}

static int rmdir_tree(const char *path)
{
    DIR *d;
    struct dirent *de;
    int ret = 0;
    /* Usually there is no child cgroup: skip listing the (large) cgroupfs directory. */
    if (rmdir(path) == 0 || errno == ENOENT)
        return 0;
    d = opendir(path);
    if (d == NULL)
        return errno == ENOENT ? 0 : -1;
    while ((de = readdir(d)) != NULL) {
        if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        cleanup_free char *child = xasprintf("%s/%s", path, de->d_name);
        if (rmdir_tree(child) < 0)
            ret = -1;
    }
    closedir(d);
    for (int i = 0; i < 50; i++) {
        if (rmdir(path) == 0 || errno == ENOENT)
            return ret;
        if (errno != EBUSY)
            return -1;
        /* Members that just died leave the cgroup asynchronously. */
        nanosleep(&(struct timespec){0, 2000000}, NULL);
    }
    return -1;
}

int rlx_cgroup_destroy(char **paths)
{
    int ret = 0;
    for (size_t i = 0; paths && paths[i]; i++)
        if (rmdir_tree(paths[i]) < 0)
            ret = -1;
    return ret;
}

char *rlx_cgroup_find_file(char **paths, const char *file)
{
    for (size_t i = 0; paths && paths[i]; i++) {
        char *p = xasprintf("%s/%s", paths[i], file);
        if (path_exists(p))
            return p;
        free(p);
    }
    return NULL;
}

/* An empty cpuset.cpus or cpuset.mems takes its parent's: a cgroup v1 cpuset child starts
 * empty, and no task can enter a cgroup below an empty one (ENOSPC). */
static int cpuset_copy_if_empty(const char *dir, const char *parent, const char *file, rlx_error_t *err)
{
    cleanup_free char *mine_path = xasprintf("%s/%s", dir, file);
    cleanup_free char *parent_path = xasprintf("%s/%s", parent, file);
    cleanup_free char *mine = read_file(mine_path, NULL, err);
    cleanup_free char *theirs = NULL;
    if (mine == NULL)
        return -1;
    if (mine[strspn(mine, " \n")] != '\0')
        return 0;
    theirs = read_file(parent_path, NULL, err);
    if (theirs == NULL)
        return -1;
    theirs[strcspn(theirs, "\n")] = '\0';
    return write_file(mine_path, theirs, err);
}

int rlx_cgroup_cpuset_fill(const char *dir, rlx_error_t *err)
{
    cleanup_free char *parent = xstrdup(dir);
    char *slash = strrchr(parent, '/');
    if (slash == NULL)
        return 0;
    *slash = '\0';
    return cpuset_copy_if_empty(dir, parent, "cpuset.cpus", err) < 0 ||
                   cpuset_copy_if_empty(dir, parent, "cpuset.mems", err) < 0
               ? -1
               : 0;
}

int rlx_cgroup_cpuset_parents(const struct rlx_cgroup_layout *l, const char *dir, bool relative, rlx_error_t *err)
{
    int h = rlx_cgroup_layout_find(l, "cpuset");
    cleanup_free char *leaf = NULL, *base = NULL;
    char *slash;
    if (h < 0 || l->h[h].v2 || strchr(dir, '/') == NULL)
        return 0;
    leaf = rlx_cgroup_container_path(l, h, dir, relative);
    base = relative ? own_cgroup(l, h) : xstrdup("");
    /* Each parent below the hierarchy's root (or this process's cgroup), top down, as runc's
     * ensureParent; the leaf itself is liblxc's to create. */
    for (slash = leaf + strlen(l->h[h].mountpoint) + strlen(base) + 1; (slash = strchr(slash, '/')) != NULL; slash++) {
        *slash = '\0';
        if (mkdir(leaf, 0755) < 0 && errno != EEXIST) {
            rlx_error(err, errno, "linux.cgroupsPath: mkdir %s", leaf);
            *slash = '/';
            return -1;
        }
        if (rlx_cgroup_cpuset_fill(leaf, err) < 0) {
            *slash = '/';
            return rlx_error_wrap(err, "linux.cgroupsPath");
        }
        *slash = '/';
    }
    /* liblxc makes the leaf and fills it only where cgroup.clone_children has the kernel copy
     * the parent's cpus and mems into a new child (it sets that on parents it makes itself). */
    slash = strrchr(leaf, '/');
    *slash = '\0';
    {
        cleanup_free char *clone = xasprintf("%s/cgroup.clone_children", leaf);
        if (write_file(clone, "1", err) < 0)
            return rlx_error_wrap(err, "linux.cgroupsPath");
    }
    return 0;
}

/* Kills the members of one cgroup, thawing a cgroup v1 freezer there so that the signal
 * lands. Returns how many it found. */
static size_t kill_members(const char *cgroup, int sig)
{
    cleanup_free char *freezer = xasprintf("%s/freezer.state", cgroup);
    char *one[2] = {(char *)cgroup, NULL};
    size_t cnt = 0;
    pid_t *pids = rlx_cgroup_pids(one, &cnt);
    for (size_t i = 0; i < cnt; i++)
        kill(pids[i], sig);
    free(pids);
    if (cnt && path_exists(freezer))
        write_file(freezer, "THAWED", NULL);
    return cnt;
}

size_t rlx_cgroup_kill_subcgroups(char **paths, int sig)
{
    size_t n = 0;
    for (size_t i = 0; paths && paths[i]; i++)
        n += walk_below(paths[i], kill_members, sig);
    return n;
}
