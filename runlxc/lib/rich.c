#include "rich.h"
#include "compat/probe.h"
#include "compat/syscalls.h"
#include "signals.h"
#include "util.h"
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* podman's --systemd=true list, plus systemd's own paths. */
static const char *const init_paths[] = {
    "/sbin/init", "/usr/sbin/init", "/usr/local/sbin/init", "/lib/systemd/systemd", "/usr/lib/systemd/systemd", NULL,
};

/* Follows path's symlinks as the container will see them (an absolute target is taken
 * against the rootfs). Only a name is read: classification, never an access decision. */
static bool init_is_systemd(const char *rootfs, const char *arg0)
{
    char path[PATH_MAX], target[PATH_MAX];
    snprintf(path, sizeof(path), "%s", arg0);
    for (int hops = 0; hops < 16; hops++) {
        cleanup_free char *full = xasprintf("%s%s", rootfs, path);
        ssize_t n = readlink(full, target, sizeof(target) - 1);
        if (n < 0)
            break;
        target[n] = '\0';
        if (target[0] == '/') {
            snprintf(path, sizeof(path), "%s", target);
        } else {
            char *slash = strrchr(path, '/');
            size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
            if (dl + strlen(target) >= sizeof(path))
                break;
            memcpy(path + dl, target, strlen(target) + 1);
        }
    }
    const char *base = strrchr(path, '/');
    return strcmp(base ? base + 1 : path, "systemd") == 0;
}

int rlx_rich_detect(const struct rlx_spec *s, struct rlx_rich *out, rlx_error_t *err)
{
    const char *flag = rlx_spec_annotation(s, RLX_RICH_ANNOTATION);
    const char *stop = rlx_spec_annotation(s, RLX_STOP_SIGNAL_ANNOTATION);
    const char *arg0 = s->process.args && s->process.args[0] ? s->process.args[0] : "";
    bool rich;

    out->kind = RLX_INIT_NONE;
    out->stop_signal = 0;
    if (flag && strcmp(flag, "true") != 0 && strcmp(flag, "false") != 0)
        return rlx_error(err, 0, "annotations.%s: '%s' must be \"true\" or \"false\"", RLX_RICH_ANNOTATION, flag);
    rich = flag ? strcmp(flag, "true") == 0 : strv_has((char *const *)init_paths, arg0);
    if (!rich)
        return 0;
    out->kind = arg0[0] == '/' && init_is_systemd(s->root_path, arg0) ? RLX_INIT_SYSTEMD : RLX_INIT_OTHER;
    /* What lxc-stop sends: systemd halts on SIGRTMIN+3; sysvinit runs inittab's powerfail
     * entry on SIGPWR (LXC's templates make that a halt). */
    out->stop_signal = out->kind == RLX_INIT_SYSTEMD ? SIGRTMIN + 3 : SIGPWR;
    if (stop) {
        out->stop_signal = rlx_signal_parse(stop);
        if (out->stop_signal <= 0)
            return rlx_error(err, 0, "annotations.%s: unknown signal '%s'", RLX_STOP_SIGNAL_ANNOTATION, stop);
    }
    return 0;
}

static size_t after_parent_mount(const struct rlx_spec *s, const char *dest)
{
    size_t at = 0;
    for (size_t i = 0; i < s->n_mounts; i++) {
        const char *d = s->mounts[i].destination;
        size_t n = strlen(d);
        while (n > 1 && d[n - 1] == '/')
            n--;
        if (n > 1 && strncmp(d, dest, n) == 0 && dest[n] == '/')
            at = i + 1;
    }
    return at;
}

static bool binds_below_cgroup_root(const struct rlx_spec *s)
{
    for (size_t i = 0; i < s->n_mounts; i++)
        if (strncmp(s->mounts[i].destination, "/sys/fs/cgroup/", 15) == 0)
            return true;
    return false;
}

void rlx_rich_apply(struct rlx_spec *s, const struct rlx_rich *r)
{
    /* Each right after the spec's mount of its nearest parent (an engine's /run tmpfs must not
     * hide our /run/lock), or else before every mount, so that an engine's binds below /run
     * (secrets, .containerenv) land on these tmpfs instead of under them. */
    static const struct { const char *dest; char *opts[6]; } tmpfs[] = {
        {"/run", {"rw", "nosuid", "nodev", "mode=755", NULL}},
        {"/run/lock", {"rw", "nosuid", "nodev", "noexec", "size=5m", NULL}},
        {"/tmp", {"rw", "nosuid", "nodev", "mode=1777", NULL}},
    };
    bool has_env = false;

    if (r->kind == RLX_INIT_NONE)
        return;
    for (size_t i = 0; s->process.env && s->process.env[i]; i++)
        has_env |= strncmp(s->process.env[i], "container=", 10) == 0;
    if (!has_env)
        strv_push(&s->process.env, "container=lxc");
    for (size_t i = 0; i < sizeof(tmpfs) / sizeof(tmpfs[0]); i++)
        if (rlx_spec_mount_at(s, tmpfs[i].dest) == NULL)
            rlx_spec_insert_mount(s, after_parent_mount(s, tmpfs[i].dest), tmpfs[i].dest, "tmpfs", "tmpfs", tmpfs[i].opts);
    /* systemd reads its own cgroup from /proc/self/cgroup and expects to find it below
     * /sys/fs/cgroup, where runlxc binds the container's own cgroups: only a cgroup
     * namespace makes the two agree. An engine that binds hierarchies below /sys/fs/cgroup
     * itself (podman --systemd binds the host's whole name=systemd tree on cgroup v1) has
     * chosen host paths, which a namespace would break. Kernels before 4.6 have none
     * (design note 20). */
    if (!rlx_spec_has_namespace(s, CLONE_NEWCGROUP) && !binds_below_cgroup_root(s) && rlx_probe_unshare(CLONE_NEWCGROUP)) {
        s->namespaces = xrealloc(s->namespaces, (s->n_namespaces + 1) * sizeof(*s->namespaces));
        s->namespaces[s->n_namespaces++] = (struct rlx_namespace){CLONE_NEWCGROUP, "cgroup", NULL};
    }
    if (rlx_spec_mount_at(s, "/sys/fs/cgroup") == NULL) {
        static char *const opts[] = {"nosuid", "noexec", "nodev", "relatime", "ro", NULL};
        rlx_spec_insert_mount(s, s->n_mounts, "/sys/fs/cgroup", "cgroup", "cgroup", opts);
    }
}

int rlx_rich_exit_code(const struct rlx_rich *r, int code)
{
    return r->kind != RLX_INIT_NONE && code == 128 + SIGINT ? 0 : code;
}
