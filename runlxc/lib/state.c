#include "state.h"
#include "cgroup.h"
#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int rlx_id_validate(const char *id, rlx_error_t *err)
{
    if (id == NULL || *id == '\0')
        return rlx_error(err, 0, "container id must not be empty");
    if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return rlx_error(err, 0, "invalid container id '%s'", id);
    if (strlen(id) > 1024)
        return rlx_error(err, 0, "invalid container id: longer than 1024 characters");
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '+' || *p == '-' || *p == '.'))
            return rlx_error(err, 0, "invalid container id '%s': only [A-Za-z0-9_+.-] are allowed", id);
    return 0;
}

char *rlx_state_dir(const char *root, const char *id)
{
    return xasprintf("%s/%s", root, id);
}

static char *get_str(struct json_object *o, const char *k)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, k, &v) || json_object_get_type(v) != json_type_string)
        return NULL;
    return xstrdup(json_object_get_string(v));
}

static char **get_strv(struct json_object *o, const char *k)
{
    struct json_object *v;
    char **out = NULL;
    if (!json_object_object_get_ex(o, k, &v) || json_object_get_type(v) != json_type_array)
        return NULL;
    for (size_t i = 0; i < json_object_array_length(v); i++)
        strv_push(&out, json_object_get_string(json_object_array_get_idx(v, i)));
    return out;
}

int rlx_state_load(const char *root, const char *id, struct rlx_state *st, rlx_error_t *err)
{
    cleanup_free char *dir = NULL, *path = NULL, *text = NULL;
    struct json_object *o, *v;
    rlx_error_t rerr = NULL;

    memset(st, 0, sizeof(*st));
    if (rlx_id_validate(id, err) < 0)
        return -1;
    dir = rlx_state_dir(root, id);
    path = xasprintf("%s/state.json", dir);
    text = read_file(path, NULL, &rerr);
    if (text == NULL) {
        int e = rerr->errnum;
        rlx_error_release(&rerr);
        if (e == ENOENT && !path_exists(dir))
            return rlx_error(err, ENOENT, "container '%s' does not exist", id);
        return rlx_error(err, e, "container '%s': state file %s is unreadable", id, path);
    }
    o = json_tokener_parse(text);
    if (o == NULL || json_object_get_type(o) != json_type_object) {
        json_object_put(o);
        return rlx_error(err, 0, "container '%s': state file %s is damaged (not a JSON object)", id, path);
    }
    st->id = get_str(o, "id");
    st->oci_version = get_str(o, "ociVersion");
    st->bundle = get_str(o, "bundle");
    st->rootfs = get_str(o, "rootfs");
    st->created = get_str(o, "created");
    st->owner = get_str(o, "owner");
    if (json_object_object_get_ex(o, "pid", &v))
        st->pid = (pid_t)json_object_get_int64(v);
    if (json_object_object_get_ex(o, "starttime", &v))
        st->starttime = (unsigned long long)json_object_get_int64(v);
    if (json_object_object_get_ex(o, "shared_pidns", &v))
        st->shared_pidns = json_object_get_boolean(v);
    if (json_object_object_get_ex(o, "shared_cgroup", &v))
        st->shared_cgroup = json_object_get_boolean(v);
    if (json_object_object_get_ex(o, "agent_unfrozen", &v))
        st->agent_unfrozen = json_object_get_boolean(v);
    if (json_object_object_get_ex(o, "annotations", &v) && json_object_get_type(v) == json_type_object)
        st->annotations = json_object_get(v);
    st->cgroup_paths = get_strv(o, "cgroup_paths");
    st->monitor_cgroup_paths = get_strv(o, "monitor_cgroup_paths");
    st->lxcfs_mountpoint = get_str(o, "lxcfs_mountpoint");
    st->lxcfs_targets = get_strv(o, "lxcfs_targets");
    st->lxcfs_relay = get_str(o, "lxcfs_relay");
    st->systemd_unit = get_str(o, "systemd_unit");
    st->hook_kinds = json_object_object_get_ex(o, "hook_kinds", &v) ? json_object_get_int(v) : -1;
    if (json_object_object_get_ex(o, "stop_signal", &v))
        st->stop_signal = json_object_get_int(v);
    if (json_object_object_get_ex(o, "tty_holder_pid", &v))
        st->tty_holder_pid = (pid_t)json_object_get_int64(v);
    if (json_object_object_get_ex(o, "tty_holder_starttime", &v))
        st->tty_holder_starttime = (unsigned long long)json_object_get_int64(v);
    if (json_object_object_get_ex(o, "creator_pid", &v))
        st->creator_pid = (pid_t)json_object_get_int64(v);
    if (json_object_object_get_ex(o, "creator_starttime", &v))
        st->creator_starttime = (unsigned long long)json_object_get_int64(v);
    json_object_put(o);
    if (st->id == NULL || strcmp(st->id, id) != 0 || st->bundle == NULL || st->pid < 0) {
        rlx_state_free(st);
        return rlx_error(err, 0, "container '%s': state file %s is damaged (id, bundle or pid invalid)", id, path);
    }
    return 0;
}

static struct json_object *strv_json(char **v)
{
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; v && v[i]; i++)
        json_object_array_add(a, json_object_new_string(v[i]));
    return a;
}

int rlx_state_save(const char *dir, const struct rlx_state *st, rlx_error_t *err)
{
    struct json_object *o = rlx_state_to_json(st, NULL);
    cleanup_free char *path = xasprintf("%s/state.json", dir);
    const char *text;
    int r;

    json_object_object_add(o, "starttime", json_object_new_int64((int64_t)st->starttime));
    json_object_object_add(o, "shared_pidns", json_object_new_boolean(st->shared_pidns));
    if (st->agent_unfrozen)
        json_object_object_add(o, "agent_unfrozen", json_object_new_boolean(true));
    if (st->shared_cgroup)
        json_object_object_add(o, "shared_cgroup", json_object_new_boolean(true));
    json_object_object_add(o, "cgroup_paths", strv_json(st->cgroup_paths));
    json_object_object_add(o, "monitor_cgroup_paths", strv_json(st->monitor_cgroup_paths));
    json_object_object_add(o, "hook_kinds", json_object_new_int(st->hook_kinds));
    if (st->stop_signal > 0)
        json_object_object_add(o, "stop_signal", json_object_new_int(st->stop_signal));
    if (st->tty_holder_pid > 0) {
        json_object_object_add(o, "tty_holder_pid", json_object_new_int64(st->tty_holder_pid));
        json_object_object_add(o, "tty_holder_starttime", json_object_new_int64((int64_t)st->tty_holder_starttime));
    }
    if (st->pid == 0 && st->creator_pid > 0) {
        json_object_object_add(o, "creator_pid", json_object_new_int64(st->creator_pid));
        json_object_object_add(o, "creator_starttime", json_object_new_int64((int64_t)st->creator_starttime));
    }
    if (st->systemd_unit)
        json_object_object_add(o, "systemd_unit", json_object_new_string(st->systemd_unit));
    if (st->lxcfs_mountpoint) {
        json_object_object_add(o, "lxcfs_mountpoint", json_object_new_string(st->lxcfs_mountpoint));
        json_object_object_add(o, "lxcfs_targets", strv_json(st->lxcfs_targets));
        if (st->lxcfs_relay)
            json_object_object_add(o, "lxcfs_relay", json_object_new_string(st->lxcfs_relay));
    }
    text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    r = write_file_atomic(path, text, strlen(text), 0600, err);
    json_object_put(o);
    return r;
}

int rlx_state_save_cgroups(const char *dir, char **cg, char **monitor_cg, rlx_error_t *err)
{
    cleanup_free char *path = xasprintf("%s/cgroups", dir), *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL)
        return rlx_error(err, errno, "record cgroups in %s", path);
    for (size_t i = 0; cg && cg[i]; i++)
        fprintf(f, "container %s\n", cg[i]);
    for (size_t i = 0; monitor_cg && monitor_cg[i]; i++)
        fprintf(f, "monitor %s\n", monitor_cg[i]);
    fclose(f);
    return write_file_atomic(path, text, len, 0600, err);
}

int rlx_state_load_cgroups(const char *dir, const struct rlx_cgroup_layout *layout, char ***cg, char ***monitor_cg)
{
    cleanup_free char *path = xasprintf("%s/cgroups", dir), *text = NULL;
    rlx_error_t rerr = NULL;
    int kept = 0;

    *cg = *monitor_cg = NULL;
    text = read_file(path, NULL, &rerr);
    if (text == NULL) {
        rlx_error_release(&rerr);
        return -1;
    }
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *sp = strchr(line, ' ');
        char ***into = NULL;
        if (sp == NULL)
            continue;
        *sp = '\0';
        if (strcmp(line, "container") == 0)
            into = cg;
        else if (strcmp(line, "monitor") == 0)
            into = monitor_cg;
        if (into && rlx_cgroup_path_is_ours(layout, sp + 1)) {
            strv_push(into, sp + 1);
            kept++;
        }
    }
    return kept;
}

void rlx_state_free(struct rlx_state *st)
{
    free(st->id);
    free(st->oci_version);
    free(st->bundle);
    free(st->rootfs);
    free(st->created);
    free(st->owner);
    json_object_put(st->annotations);
    strv_free(st->cgroup_paths);
    strv_free(st->monitor_cgroup_paths);
    free(st->lxcfs_mountpoint);
    strv_free(st->lxcfs_targets);
    free(st->lxcfs_relay);
    free(st->systemd_unit);
    memset(st, 0, sizeof(*st));
}

bool rlx_state_init_alive(const struct rlx_state *st)
{
    return st->pid > 0 && proc_is_alive(st->pid, st->starttime);
}

/* Is the create that wrote this state still at work? A state written before the creator was
 * recorded says nothing, and is taken as being created, as before. */
static bool creator_alive(const struct rlx_state *st)
{
    return st->creator_pid <= 0 || proc_is_alive(st->creator_pid, st->creator_starttime);
}

const char *rlx_state_status(const char *dir, const struct rlx_state *st)
{
    cleanup_free char *fifo = xasprintf("%s/exec.fifo", dir);
    /* Without init's pid, a container whose create died (killed half-way) can never start:
     * stopped, which is what delete needs to remove it without --force. */
    if (!rlx_state_init_alive(st))
        return st->pid == 0 && path_exists(fifo) && creator_alive(st) ? "creating" : "stopped";
    if (path_exists(fifo))
        return "created";
    if (rlx_cgroup_is_frozen(st->cgroup_paths))
        return "paused";
    return "running";
}

struct json_object *rlx_state_to_json(const struct rlx_state *st, const char *status)
{
    struct json_object *o = json_object_new_object();
    bool stopped = status && strcmp(status, "stopped") == 0;
    json_object_object_add(o, "ociVersion", json_object_new_string(st->oci_version ? st->oci_version : "1.0.2"));
    json_object_object_add(o, "id", json_object_new_string(st->id));
    json_object_object_add(o, "pid", json_object_new_int(stopped ? 0 : st->pid));
    if (status)
        json_object_object_add(o, "status", json_object_new_string(status));
    json_object_object_add(o, "bundle", json_object_new_string(st->bundle));
    json_object_object_add(o, "rootfs", json_object_new_string(st->rootfs ? st->rootfs : ""));
    json_object_object_add(o, "created", json_object_new_string(st->created ? st->created : ""));
    if (st->annotations && json_object_object_length(st->annotations) > 0)
        json_object_object_add(o, "annotations", json_object_get(st->annotations));
    json_object_object_add(o, "owner", json_object_new_string(st->owner ? st->owner : ""));
    return o;
}

char *rlx_state_json_text(const struct rlx_state *st, const char *status)
{
    struct json_object *o = rlx_state_to_json(st, status);
    char *s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    return s;
}

/* Opens dir and flocks it (how: LOCK_EX or LOCK_SH, maybe | LOCK_NB). Returns the fd, or -1
 * with errno set and nothing left open. */
static int lock_dir(const char *dir, int how)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    while (flock(fd, how) < 0) {
        if (errno != EINTR) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
    }
    return fd;
}

int rlx_state_lock_load(const char *root, const char *id, struct rlx_state *st, rlx_error_t *err)
{
    cleanup_free char *dir = NULL;
    int fd;
    memset(st, 0, sizeof(*st));
    if (rlx_id_validate(id, err) < 0)
        return -1;
    dir = rlx_state_dir(root, id);
    fd = lock_dir(dir, LOCK_EX);
    if (fd < 0 && errno == ENOENT)
        return rlx_error(err, ENOENT, "container '%s' does not exist", id);
    if (fd < 0)
        return rlx_error(err, errno, "lock state dir %s", dir);
    if (rlx_state_load(root, id, st, err) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

void rlx_state_add_recorded_cgroups(const char *dir, struct rlx_state *st)
{
    struct rlx_cgroup_layout layout;
    char **cg = NULL, **monitor_cg = NULL;
    if (rlx_cgroup_layout_load(&layout) < 0)
        return;
    if (rlx_state_load_cgroups(dir, &layout, &cg, &monitor_cg) > 0) {
        for (size_t i = 0; cg && cg[i]; i++)
            if (!strv_has(st->cgroup_paths, cg[i]))
                strv_push(&st->cgroup_paths, cg[i]);
        for (size_t i = 0; monitor_cg && monitor_cg[i]; i++)
            if (!strv_has(st->monitor_cgroup_paths, monitor_cg[i]))
                strv_push(&st->monitor_cgroup_paths, monitor_cg[i]);
    }
    strv_free(cg);
    strv_free(monitor_cg);
    rlx_cgroup_layout_free(&layout);
}

int rlx_state_root_lock(const char *root, bool exclusive)
{
    return lock_dir(root, exclusive ? LOCK_EX | LOCK_NB : LOCK_SH);
}

bool rlx_state_root_empty(const char *root)
{
    DIR *d = opendir(root);
    struct dirent *de;
    bool empty = true;
    if (d == NULL)
        return false;
    while (empty && (de = readdir(d)) != NULL)
        if ((de->d_type == DT_DIR || de->d_type == DT_UNKNOWN) && strcmp(de->d_name, ".") != 0 &&
            strcmp(de->d_name, "..") != 0)
            empty = false;
    closedir(d);
    return empty;
}

int rlx_state_lock(const char *dir, rlx_error_t *err)
{
    int fd = lock_dir(dir, LOCK_EX);
    return fd < 0 ? rlx_error(err, errno, "lock state dir %s", dir) : fd;
}
