#include "dialect.h"
#include <stdio.h>
#include "liblxc_load.h"

#define V(a, b, c) ((a) * 10000 + (b) * 100 + (c))

/* One row per key: modern spelling (and the first liblxc that has it), legacy spelling
 * (and the first 1.x/2.0 release that has it). Versions from the liblxc confile.c tables. */
static const struct {
    const char *modern;
    int modern_since;
    const char *legacy;
    int legacy_since;
} key_table[K_KEYS] = {
    [K_ROOTFS_PATH] = {"lxc.rootfs.path", V(2, 1, 0), "lxc.rootfs", V(1, 0, 0)},
    [K_ROOTFS_MOUNT] = {"lxc.rootfs.mount", V(1, 0, 0), "lxc.rootfs.mount", V(1, 0, 0)},
    [K_ROOTFS_MANAGED] = {"lxc.rootfs.managed", V(3, 1, 0), NULL, 0},
    [K_UTS_NAME] = {"lxc.uts.name", V(2, 1, 0), "lxc.utsname", V(1, 0, 0)},
    [K_CONSOLE_PATH] = {"lxc.console.path", V(2, 1, 0), "lxc.console", V(1, 0, 0)},
    [K_LOG_FILE] = {"lxc.log.file", V(2, 1, 0), "lxc.logfile", V(1, 0, 0)},
    [K_LOG_LEVEL] = {"lxc.log.level", V(2, 1, 0), "lxc.loglevel", V(1, 0, 0)},
    [K_NET_TYPE] = {"lxc.net.0.type", V(2, 1, 0), "lxc.network.type", V(1, 0, 0)},
    [K_AUTODEV] = {"lxc.autodev", V(1, 0, 0), "lxc.autodev", V(1, 0, 0)},
    [K_MOUNT_ENTRY] = {"lxc.mount.entry", V(1, 0, 0), "lxc.mount.entry", V(1, 0, 0)},
    [K_MOUNT_AUTO] = {"lxc.mount.auto", V(1, 0, 0), "lxc.mount.auto", V(1, 0, 0)},
    [K_CGROUP_DIR] = {"lxc.cgroup.dir", V(2, 1, 0), NULL, 0},
    [K_CGROUP_DIR_CONTAINER] = {"lxc.cgroup.dir.container", V(5, 0, 0), NULL, 0},
    [K_CGROUP_DIR_MONITOR] = {"lxc.cgroup.dir.monitor", V(5, 0, 0), NULL, 0},
    [K_CGROUP_V1] = {"lxc.cgroup.", V(1, 0, 0), "lxc.cgroup.", V(1, 0, 0)},
    [K_CGROUP_V2] = {"lxc.cgroup2.", V(3, 0, 0), NULL, 0},
    [K_NAMESPACE_CLONE] = {"lxc.namespace.clone", V(3, 0, 0), NULL, 0},
    [K_NAMESPACE_KEEP] = {"lxc.namespace.keep", V(3, 0, 0), NULL, 0},
    [K_NAMESPACE_SHARE_USER] = {"lxc.namespace.share.user", V(3, 0, 0), NULL, 0},
    [K_MONITOR_PDEATH] = {"lxc.monitor.signal.pdeath", V(3, 1, 0), NULL, 0},
    [K_TTY_MAX] = {"lxc.tty.max", V(2, 1, 0), "lxc.tty", V(1, 0, 0)},
    [K_PTY_MAX] = {"lxc.pty.max", V(2, 1, 0), "lxc.pts", V(1, 0, 0)},
    [K_SYSCTL] = {"lxc.sysctl.", V(3, 0, 0), NULL, 0},
    [K_APPARMOR_PROFILE] = {"lxc.apparmor.profile", V(2, 1, 0), "lxc.aa_profile", V(1, 0, 0)},
    [K_SELINUX_CONTEXT] = {"lxc.selinux.context", V(2, 1, 0), "lxc.se_context", V(1, 0, 0)},
    [K_HOOK_MOUNT] = {"lxc.hook.mount", V(1, 0, 0), "lxc.hook.mount", V(1, 0, 0)},
    [K_HOOK_VERSION] = {"lxc.hook.version", V(3, 0, 0), NULL, 0},
    [K_IDMAP] = {"lxc.idmap", V(2, 1, 0), "lxc.id_map", V(1, 0, 0)},
    [K_EPHEMERAL] = {"lxc.ephemeral", V(2, 0, 0), "lxc.ephemeral", V(2, 0, 0)},
    [K_KEYRING_SESSION] = {"lxc.keyring.session", V(4, 0, 0), NULL, 0},
    /* 1.0 links /dev/kmsg to the console by default (removed in 2.1). */
    [K_KMSG] = {NULL, 0, "lxc.kmsg", V(1, 0, 0)},
};

struct rlx_dialect rlx_dialect_for_version(const char *version)
{
    struct rlx_dialect d = {RLX_DIALECT_MODERN, 0, 0, 0};
    if (version == NULL || sscanf(version, "%d.%d.%d", &d.major, &d.minor, &d.micro) < 2)
        return (struct rlx_dialect){RLX_DIALECT_MODERN, 5, 0, 0};
    if (V(d.major, d.minor, d.micro) < V(2, 1, 0))
        d.kind = RLX_DIALECT_LEGACY;
    return d;
}

struct rlx_dialect rlx_dialect_current(void)
{
    return rlx_dialect_for_version(rlx_lxc_version());
}

int rlx_dialect_load(struct rlx_dialect *d, rlx_error_t *err)
{
    struct rlx_lxc_api api;
    if (rlx_lxc_load(&api, err) < 0)
        return -1;
    *d = rlx_dialect_for_version(api.get_version());
    return 0;
}

const char *rlx_dialect_key(const struct rlx_dialect *d, enum rlx_key key)
{
    int v = V(d->major, d->minor, d->micro);
    if ((unsigned)key >= K_KEYS)
        return NULL;
    if (d->kind == RLX_DIALECT_LEGACY)
        return key_table[key].legacy && v >= key_table[key].legacy_since ? key_table[key].legacy : NULL;
    return key_table[key].modern && v >= key_table[key].modern_since ? key_table[key].modern : NULL;
}

const char *rlx_dialect_name(const struct rlx_dialect *d)
{
    return d->kind == RLX_DIALECT_LEGACY ? "legacy" : "modern";
}

size_t rlx_dialect_shims(const struct rlx_dialect *d, const char **out, size_t max)
{
    static const struct { enum rlx_key missing; int only_major, only_minor; const char *text; } shims[] = {
        {K_CGROUP_DIR, 0, 0, "no lxc.cgroup.dir (2.1): runlxc places the container's cgroups at linux.cgroupsPath itself, "
                          "writes the resources there and removes liblxc's /lxc/<id>"},
        {K_NAMESPACE_CLONE, 0, 0, "no lxc.namespace.clone (3.0): runlxc-init leaves the uts and ipc namespaces liblxc "
                               "always makes when the spec shares or joins them and makes the cgroup namespace; a pid "
                               "namespace shared or joined, a time namespace, a cgroup namespace joined, uts/ipc shared "
                               "with a user namespace are refused"},
        {K_NAMESPACE_SHARE_USER, 0, 0, "no lxc.namespace.share (3.0): a user namespace joined by path is refused"},
        {K_SYSCTL, 0, 0, "no lxc.sysctl (3.0): runlxc-init writes linux.sysctl"},
        {K_KEYS, 1, 0, "lxc.kmsg is on by default (a /dev/kmsg link to the console): runlxc turns it off"},
        {K_KEYS, 2, -1, "makes a cgroup namespace wherever the kernel has them: runlxc-init leaves it (not with a "
                        "user namespace)"},
        {K_KEYS, 2, 0, "on a hybrid host whose cgroup2 root offers a controller no v1 hierarchy binds, liblxc 2.0 "
                       "fails every start (its own bug)"},
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof(shims) / sizeof(shims[0]) && n < max; i++) {
        bool applies = shims[i].missing == K_KEYS ? d->major == shims[i].only_major &&
                                                        (shims[i].only_minor < 0 || d->minor == shims[i].only_minor)
                                                  : rlx_dialect_key(d, shims[i].missing) == NULL;
        if (applies)
            out[n++] = shims[i].text;
    }
    return n;
}

bool rlx_dialect_mount_propagation(const struct rlx_dialect *d)
{
    return V(d->major, d->minor, d->micro) >= V(3, 0, 0);
}
