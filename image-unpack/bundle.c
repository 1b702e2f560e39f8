/* The defaults are those of `runc spec` / `crun spec` (minus the cgroup mount and with
 * terminal false and hostname "runlxc"), so that a bundle made here behaves like one made by
 * `runlxc spec` plus a rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "bundle.h"
#include "user.h"

static json_object *strs(const char *const *v)
{
    json_object *a = json_object_new_array();
    for (; *v; v++)
        json_object_array_add(a, json_object_new_string(*v));
    return a;
}

static json_object *mount(const char *dst, const char *type, const char *src, const char *const *opts)
{
    json_object *m = json_object_new_object();
    json_object_object_add(m, "destination", json_object_new_string(dst));
    json_object_object_add(m, "type", json_object_new_string(type));
    json_object_object_add(m, "source", json_object_new_string(src));
    if (opts)
        json_object_object_add(m, "options", strs(opts));
    return m;
}

static json_object *default_spec(void)
{
    static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
    static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
    static const char *const pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL };
    static const char *const shm[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL };
    static const char *const mq[] = { "nosuid", "noexec", "nodev", NULL };
    static const char *const sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
    static const char *const masked[] = { "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
        "/proc/scsi", NULL };
    static const char *const ro[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL };
    static const char *const ns[] = { "pid", "network", "ipc", "uts", "mount", NULL };
    json_object *s = json_object_new_object(), *p = json_object_new_object(), *c = json_object_new_object();
    json_object *rl = json_object_new_object(), *rls = json_object_new_array(), *root = json_object_new_object();
    json_object *mounts = json_object_new_array(), *linux_ = json_object_new_object(), *nss = json_object_new_array();
    json_object *res = json_object_new_object(), *devs = json_object_new_array(), *d = json_object_new_object();

    json_object_object_add(s, "ociVersion", json_object_new_string("1.0.2-dev"));
    json_object_object_add(p, "terminal", json_object_new_boolean(0));
    json_object_object_add(s, "process", p);
    json_object_object_add(c, "bounding", strs(caps));
    json_object_object_add(c, "effective", strs(caps));
    json_object_object_add(c, "permitted", strs(caps));
    json_object_object_add(c, "ambient", strs(caps));
    json_object_object_add(p, "capabilities", c);
    json_object_object_add(rl, "type", json_object_new_string("RLIMIT_NOFILE"));
    json_object_object_add(rl, "hard", json_object_new_int(1024));
    json_object_object_add(rl, "soft", json_object_new_int(1024));
    json_object_array_add(rls, rl);
    json_object_object_add(p, "rlimits", rls);
    json_object_object_add(p, "noNewPrivileges", json_object_new_boolean(1));
    json_object_object_add(root, "path", json_object_new_string("rootfs"));
    json_object_object_add(root, "readonly", json_object_new_boolean(1));
    json_object_object_add(s, "root", root);
    json_object_object_add(s, "hostname", json_object_new_string("runlxc"));
    json_object_array_add(mounts, mount("/proc", "proc", "proc", NULL));
    json_object_array_add(mounts, mount("/dev", "tmpfs", "tmpfs", dev));
    json_object_array_add(mounts, mount("/dev/pts", "devpts", "devpts", pts));
    json_object_array_add(mounts, mount("/dev/shm", "tmpfs", "shm", shm));
    json_object_array_add(mounts, mount("/dev/mqueue", "mqueue", "mqueue", mq));
    json_object_array_add(mounts, mount("/sys", "sysfs", "sysfs", sys));
    json_object_object_add(s, "mounts", mounts);
    json_object_object_add(d, "allow", json_object_new_boolean(0));
    json_object_object_add(d, "access", json_object_new_string("rwm"));
    json_object_array_add(devs, d);
    json_object_object_add(res, "devices", devs);
    json_object_object_add(linux_, "resources", res);
    for (const char *const *n = ns; *n; n++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "type", json_object_new_string(*n));
        json_object_array_add(nss, o);
    }
    json_object_object_add(linux_, "namespaces", nss);
    json_object_object_add(linux_, "maskedPaths", strs(masked));
    json_object_object_add(linux_, "readonlyPaths", strs(ro));
    json_object_object_add(s, "linux", linux_);
    return s;
}

static json_object *jget(json_object *o, const char *k, json_type t)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, t))
        return NULL;
    return v;
}

static void add_strings(json_object *dst, json_object *src)
{
    for (size_t i = 0; src && i < (size_t)json_object_array_length(src); i++) {
        json_object *v = json_object_array_get_idx(src, i);
        if (json_object_is_type(v, json_type_string))
            json_object_array_add(dst, json_object_new_string(json_object_get_string(v)));
    }
}

static void env_set(json_object *env, const char *kv)
{
    size_t kl = strcspn(kv, "=");
    for (size_t i = 0; i < (size_t)json_object_array_length(env); i++) {
        const char *cur = json_object_get_string(json_object_array_get_idx(env, i));
        if (!strncmp(cur, kv, kl) && (cur[kl] == '=' || cur[kl] == 0)) {
            json_object_array_put_idx(env, i, json_object_new_string(kv));
            return;
        }
    }
    json_object_array_add(env, json_object_new_string(kv));
}

static FILE *open_in_root(struct rootfs *root, const char *name)
{
    int dfd = sp_open_dir(root, "etc", 0), fd;
    FILE *f;
    if (dfd < 0)
        return NULL;
    fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    close(dfd);
    if (fd < 0)
        return NULL;
    f = fdopen(fd, "r");
    if (!f)
        close(fd);
    return f;
}

json_object *bundle_spec(json_object *image_config, struct rootfs *root, const struct bundle_opts *o, err_t *e)
{
    json_object *spec = default_spec(), *proc, *cfg = jget(image_config, "config", json_type_object);
    json_object *args = json_object_new_array(), *env = json_object_new_array(), *user = json_object_new_object();
    const char *wd = NULL, *us = NULL;
    struct user_ids ids;
    FILE *pw, *gr;
    int r;

    json_object_object_get_ex(spec, "process", &proc);
    if (o->nargs) {
        for (size_t i = 0; i < o->nargs; i++)
            json_object_array_add(args, json_object_new_string(o->args[i]));
    } else {
        add_strings(args, jget(cfg, "Entrypoint", json_type_array));
        add_strings(args, jget(cfg, "Cmd", json_type_array));
    }
    if (json_object_array_length(args) == 0)
        json_object_array_add(args, json_object_new_string("sh"));
    add_strings(env, jget(cfg, "Env", json_type_array));
    {
        int has_path = 0;
        for (size_t i = 0; i < (size_t)json_object_array_length(env); i++)
            has_path |= !strncmp(json_object_get_string(json_object_array_get_idx(env, i)), "PATH=", 5);
        if (!has_path)
            env_set(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    }
    for (size_t i = 0; i < o->nenv; i++)
        env_set(env, o->env[i]);
    if (jget(cfg, "WorkingDir", json_type_string))
        wd = json_object_get_string(jget(cfg, "WorkingDir", json_type_string));
    if (jget(cfg, "User", json_type_string))
        us = json_object_get_string(jget(cfg, "User", json_type_string));
    pw = open_in_root(root, "passwd");
    gr = open_in_root(root, "group");
    r = user_resolve(us, pw, gr, &ids, e);
    if (pw)
        fclose(pw);
    if (gr)
        fclose(gr);
    if (r < 0) {
        json_object_put(spec);
        json_object_put(args);
        json_object_put(env);
        json_object_put(user);
        return NULL;
    }
    {
        int has_home = 0;
        for (size_t i = 0; i < (size_t)json_object_array_length(env); i++)
            has_home |= !strncmp(json_object_get_string(json_object_array_get_idx(env, i)), "HOME=", 5);
        if (!has_home) {
            /* as umoci and docker do: HOME from the user's passwd entry, else "/" */
            _cleanup_free_ char *h = xasprintf("HOME=%s", ids.home && *ids.home ? ids.home : "/");
            env_set(env, h);
        }
    }
    json_object_object_add(user, "uid", json_object_new_int64(ids.uid));
    json_object_object_add(user, "gid", json_object_new_int64(ids.gid));
    if (ids.nextra) {
        json_object *g = json_object_new_array();
        for (size_t i = 0; i < ids.nextra; i++)
            json_object_array_add(g, json_object_new_int64(ids.extra[i]));
        json_object_object_add(user, "additionalGids", g);
    }
    user_ids_free(&ids);
    json_object_object_add(proc, "user", user);
    json_object_object_add(proc, "args", args);
    json_object_object_add(proc, "env", env);
    json_object_object_add(proc, "cwd", json_object_new_string(wd && *wd ? wd : "/"));
    return spec;
}

int bundle_write(int dirfd, json_object *spec, err_t *e)
{
    int flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
#ifdef JSON_C_TO_STRING_NOSLASHESCAPE
    flags |= JSON_C_TO_STRING_NOSLASHESCAPE;
#endif
    const char *s = json_object_to_json_string_ext(spec, flags);
    int fd = openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return err_errno(e, errno, "config.json");
    if (write_full(fd, s, strlen(s)) < 0 || write_full(fd, "\n", 1) < 0) {
        int saved = errno;
        close(fd);
        return err_errno(e, saved, "config.json: write");
    }
    if (close(fd) < 0)
        return err_errno(e, errno, "config.json: close");
    return 0;
}
