#include "lxcconf.h"
#include "lxcfs.h"
#include "cgroup.h"
#include "resources.h"
#include "syscalls.h"
#include "util.h"
#include <errno.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>


void rlx_lxcconf_add(struct rlx_lxcconf *c, const char *key, const char *value)
{
    c->keys = xrealloc(c->keys, (c->n + 1) * sizeof(char *));
    c->values = xrealloc(c->values, (c->n + 1) * sizeof(char *));
    c->keys[c->n] = xstrdup(key);
    c->values[c->n] = xstrdup(value);
    c->n++;
}

/* Adds a dialect key; a key this liblxc lacks is an error naming what needed it. */
static int add_key(struct rlx_lxcconf *c, const struct rlx_lxc_ctx *ctx, enum rlx_key key,
                   const char *value, const char *why, rlx_error_t *err)
{
    const char *name = rlx_dialect_key(ctx->dialect, key);
    if (name == NULL)
        return rlx_error(err, 0, "%s: not supported by liblxc %d.%d.%d", why, ctx->dialect->major,
                         ctx->dialect->minor, ctx->dialect->micro);
    rlx_lxcconf_add(c, name, value);
    return 0;
}

static int add_prefixed(struct rlx_lxcconf *c, const struct rlx_lxc_ctx *ctx, enum rlx_key prefix,
                        const char *suffix, const char *value, const char *why, rlx_error_t *err)
{
    const char *p = rlx_dialect_key(ctx->dialect, prefix);
    cleanup_free char *key = NULL;
    if (p == NULL)
        return rlx_error(err, 0, "%s: not supported by liblxc %d.%d.%d", why, ctx->dialect->major,
                         ctx->dialect->minor, ctx->dialect->micro);
    key = xasprintf("%s%s", p, suffix);
    rlx_lxcconf_add(c, key, value);
    return 0;
}

const char *rlx_lxcconf_get(const struct rlx_lxcconf *c, const char *key)
{
    const char *r = NULL;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->keys[i], key) == 0)
            r = c->values[i];
    return r;
}

/* ---- base ---------------------------------------------------------------------------- */

static int tr_base(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx, rlx_error_t *err)
{
    cleanup_free char *log = xasprintf("%s/lxc.log", ctx->state_dir);
    if (add_key(c, ctx, K_ROOTFS_PATH, s->root_path, "root.path", err) < 0 ||
        add_key(c, ctx, K_CONSOLE_PATH, "none", "console", err) < 0 ||
        /* /dev and /dev/pts are the spec's own mounts, in config order (tr_mounts), and
         * runlxc-init fills /dev as runc does: liblxc's autodev tmpfs and devpts instance
         * would be mounts that are not in the config. */
        add_key(c, ctx, K_AUTODEV, "0", "/dev", err) < 0 ||
        add_key(c, ctx, K_TTY_MAX, "0", "ttys", err) < 0 ||
        add_key(c, ctx, K_PTY_MAX, "0", "/dev/pts", err) < 0 ||
        add_key(c, ctx, K_LOG_FILE, log, "log", err) < 0 ||
        add_key(c, ctx, K_LOG_LEVEL, ctx->log_level ? ctx->log_level : "ERROR", "log", err) < 0)
        return -1;
    /* Without these two, liblxc would delete the bundle's rootfs on destroy (< 3.1) and
     * kill the container when the monitor goes away, which runlxc does on purpose. */
    if (rlx_dialect_key(ctx->dialect, K_ROOTFS_MANAGED))
        add_key(c, ctx, K_ROOTFS_MANAGED, "0", "", err);
    if (rlx_dialect_key(ctx->dialect, K_MONITOR_PDEATH))
        add_key(c, ctx, K_MONITOR_PDEATH, "0", "", err);
    if (rlx_dialect_key(ctx->dialect, K_KEYRING_SESSION))
        add_key(c, ctx, K_KEYRING_SESSION, ctx->no_new_keyring ? "0" : "1", "", err);
    if (rlx_dialect_key(ctx->dialect, K_EPHEMERAL))
        add_key(c, ctx, K_EPHEMERAL, "0", "", err);
    /* /dev/kmsg is the node linux.devices makes, or nothing: never a link to the console. */
    if (rlx_dialect_key(ctx->dialect, K_KMSG))
        add_key(c, ctx, K_KMSG, "0", "", err);
    return 0;
}

/* ---- namespaces and hostname --------------------------------------------------------- */

/* A new user namespace with the spec's id mappings (liblxc writes uid_map/gid_map), or an
 * existing one joined by path (liblxc joins it; create put its maps into the spec, and liblxc
 * needs them to become root inside). The rootfs is used as it is, as runc does: its owners
 * must make sense under the mapping. */
static int tr_user_namespace(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx,
                             rlx_error_t *err)
{
    const struct rlx_namespace *user = rlx_spec_namespace(s, CLONE_NEWUSER);
    if (user == NULL) {
        if (s->n_uid_mappings || s->n_gid_mappings)
            return rlx_error(err, 0, "linux.uidMappings: id mappings need a user namespace in linux.namespaces");
        return 0;
    }
    if (user->path && !rlx_dialect_key(ctx->dialect, K_NAMESPACE_SHARE_USER))
        return rlx_error(err, 0, "linux.namespaces: joining a user namespace by path needs liblxc 3.0 or later");
    if (s->n_uid_mappings == 0 || s->n_gid_mappings == 0)
        return rlx_error(err, 0, "linux.uidMappings: a user namespace needs uidMappings and gidMappings");
    if (!rlx_probe_userns())
        return rlx_error(err, 0, "linux.namespaces: this kernel does not allow user namespaces");
    if (s->n_devices)
        return rlx_error(err, 0, "linux.devices: device nodes cannot be created in a user namespace");
    if (user->path && add_key(c, ctx, K_NAMESPACE_SHARE_USER, user->path, "linux.namespaces", err) < 0)
        return -1;
    for (int kind = 0; kind < 2; kind++) {
        const struct rlx_idmap *m = kind ? s->gid_mappings : s->uid_mappings;
        size_t n = kind ? s->n_gid_mappings : s->n_uid_mappings;
        for (size_t i = 0; i < n; i++) {
            char v[96];
            snprintf(v, sizeof(v), "%c %u %u %u", kind ? 'g' : 'u', m[i].container_id, m[i].host_id, m[i].size);
            if (add_key(c, ctx, K_IDMAP, v, kind ? "linux.gidMappings" : "linux.uidMappings", err) < 0)
                return -1;
        }
    }
    return 0;
}

/* The LXC network of a converted container (annotation RLX_LXC_NET_ANNOTATION): "lxc.net.N.KEY
 * = VALUE" lines, N from 0 and each interface starting with its type, given to liblxc as they
 * are (in the 1.0-2.0 dialect as lxc.network.KEY, where each type line starts an interface). */
static int tr_lxc_network(struct rlx_lxcconf *c, const struct rlx_lxc_ctx *ctx, const char *text, rlx_error_t *err)
{
    cleanup_free char *copy = xstrdup(text);
    bool legacy = ctx->dialect->kind == RLX_DIALECT_LEGACY;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '='), *key = line, *value, *rest, *end;
        unsigned long idx;
        if (eq == NULL)
            return rlx_error(err, 0, "annotation %s: '%s' is not KEY = VALUE", RLX_LXC_NET_ANNOTATION, line);
        *eq = '\0';
        value = eq + 1;
        key = str_trim(key);
        value = str_trim(value);
        if (strncmp(key, "lxc.net.", 8) != 0 || (idx = strtoul(key + 8, &end, 10), end == key + 8) || *end != '.' ||
            end[1] == '\0' || idx > 63)
            return rlx_error(err, 0, "annotation %s: '%s' is not an lxc.net.N.KEY key (only the network is carried)",
                             RLX_LXC_NET_ANNOTATION, key);
        rest = end + 1;
        if (strncmp(rest, "script.", 7) == 0 || strcmp(rest, "ipvlan.mode") == 0)
            return rlx_error(err, 0, "annotation %s: '%s' is not allowed (it runs host commands or needs a newer "
                             "liblxc)", RLX_LXC_NET_ANNOTATION, key);
        if (legacy) {
            cleanup_free char *old = xasprintf("lxc.network.%s", rest);
            rlx_lxcconf_add(c, old, value);
        } else {
            rlx_lxcconf_add(c, key, value);
        }
    }
    return 0;
}

/* liblxc before 3.0 has no lxc.namespace.clone: it always makes new pid, uts, ipc and mount
 * namespaces (and 2.0 a cgroup namespace where the kernel has them). runlxc-init leaves a uts
 * or ipc namespace the spec shares with the host or joins by path for the monitor's (which is
 * that one: it joined the paths before start), leaves 2.0's unasked-for cgroup namespace for
 * the host's, and makes the one the spec asks for itself. A pid namespace cannot be left (its
 * init is runlxc-init itself). */
static int tr_legacy_namespaces(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx,
                                rlx_error_t *err)
{
    const struct rlx_namespace *pid = rlx_spec_namespace(s, CLONE_NEWPID);
    const struct rlx_namespace *uts = rlx_spec_namespace(s, CLONE_NEWUTS);
    const struct rlx_namespace *ipc = rlx_spec_namespace(s, CLONE_NEWIPC);
    const struct rlx_namespace *cg = rlx_spec_namespace(s, CLONE_NEWCGROUP);
    bool userns = rlx_spec_has_namespace(s, CLONE_NEWUSER);
    char v[48];
    snprintf(v, sizeof(v), "%d.%d.%d", ctx->dialect->major, ctx->dialect->minor, ctx->dialect->micro);
    if (pid == NULL || pid->path != NULL)
        return rlx_error(err, 0, "linux.namespaces: liblxc %s always creates a pid namespace of its own: %s pid "
                         "namespace needs liblxc 3.0 or later (lxc.namespace.clone, lxc.namespace.share)", v,
                         pid ? "joining a" : "sharing the host's");
    /* runlxc-init makes the cgroup namespace (liblxc 2.0's would be rooted at its own cgroup,
     * made before runlxc moved init), once init is in its place: see tr_hooks. */
    if (cg != NULL) {
        if (cg->path)
            return rlx_error(err, 0, "linux.namespaces: joining a cgroup namespace by path needs liblxc 3.0 or later");
        c->init_unshares_cgroupns = true;
    }
    if (rlx_spec_has_namespace(s, CLONE_NEWTIME))
        return rlx_error(err, 0, "linux.namespaces: a time namespace needs liblxc 3.0 or later (liblxc %s cannot "
                         "be asked for one)", v);
    /* Leaving a namespace for one the container's user namespace does not own is refused by
     * the kernel: say which, before anything is made. */
    if (userns && ((uts == NULL || uts->path) || (ipc == NULL || ipc->path)))
        return rlx_error(err, 0, "linux.namespaces: with a user namespace, liblxc %s cannot share or join uts and "
                         "ipc namespaces (liblxc 3.0 or later can)", v);
    if (uts == NULL || uts->path)
        c->init_rejoins_ns |= CLONE_NEWUTS;
    if (ipc == NULL || ipc->path)
        c->init_rejoins_ns |= CLONE_NEWIPC;
    /* 2.0 makes one wherever /proc/self/ns/cgroup exists (its cgns_supported). */
    if (!userns && !c->init_unshares_cgroupns && ctx->dialect->major == 2 && access("/proc/self/ns/cgroup", F_OK) == 0)
        c->init_rejoins_ns |= CLONE_NEWCGROUP;
    return 0;
}

static int tr_namespaces(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx,
                         rlx_error_t *err)
{
    static const struct { int flag; const char *lxc; } names[] = {
        {CLONE_NEWNS, "mnt"}, {CLONE_NEWPID, "pid"}, {CLONE_NEWUTS, "uts"}, {CLONE_NEWIPC, "ipc"},
        {CLONE_NEWNET, "net"}, {CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWTIME, "time"}, {CLONE_NEWUSER, "user"},
    };
    const struct rlx_namespace *mnt = rlx_spec_namespace(s, CLONE_NEWNS);
    const struct rlx_namespace *net = rlx_spec_namespace(s, CLONE_NEWNET);
    const struct rlx_namespace *uts = rlx_spec_namespace(s, CLONE_NEWUTS);
    char list[128] = "";

    /* liblxc's child pivots the root of its mount namespace; in a namespace it shares with the
     * monitor (the host's, or one joined by path) that moves the monitor's root too, and the
     * monitor then cannot reach the cgroups (design note 16). */
    if (mnt == NULL)
        return rlx_error(err, 0, "linux.namespaces: a new mount namespace is required: liblxc builds the rootfs "
                                 "in it, and without one would pivot the host's root");
    if (mnt->path != NULL)
        return rlx_error(err, 0, "linux.namespaces: joining a mount namespace by path (%s) is not possible with "
                                 "liblxc: it pivots the root of that namespace under every process in it",
                         mnt->path);
    if (tr_user_namespace(c, s, ctx, err) < 0)
        return -1;
    /* runc's rule: a name needs a uts namespace of the container's, new or joined by path (then
     * runlxc-init sets it, as liblxc sets it only in a namespace it made). */
    if (s->hostname && s->hostname[0] && uts == NULL)
        return rlx_error(err, 0, "hostname: unable to set a hostname without a private uts namespace");
    if (s->domainname && s->domainname[0] && uts == NULL)
        return rlx_error(err, 0, "domainname: unable to set a domainname without a private uts namespace");
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const struct rlx_namespace *ns = rlx_spec_namespace(s, names[i].flag);
        if (ns == NULL || ns->path != NULL)
            continue;   /* shared with the host, or joined by the monitor before start */
        /* liblxc skips a cgroup namespace the kernel lacks without a word: we refuse it. */
        if ((names[i].flag == CLONE_NEWCGROUP || names[i].flag == CLONE_NEWTIME) && !rlx_probe_unshare(names[i].flag))
            return rlx_error(err, 0, "linux.namespaces: this kernel has no %s namespaces (Linux %s)", names[i].lxc,
                             names[i].flag == CLONE_NEWCGROUP ? "4.6" : "5.6");
        /* liblxc would root it at the cgroup it made, which init leaves for the shared one:
         * runlxc-init makes it, once in place (tr_hooks). */
        if (names[i].flag == CLONE_NEWCGROUP && ctx->cgroup_shared) {
            c->init_unshares_cgroupns = true;
            continue;
        }
        if (*list)
            strcat(list, " ");
        strcat(list, names[i].lxc);
    }
    if (rlx_dialect_key(ctx->dialect, K_NAMESPACE_CLONE)) {
        if (add_key(c, ctx, K_NAMESPACE_CLONE, list, "linux.namespaces", err) < 0)
            return -1;
    } else if (tr_legacy_namespaces(c, s, ctx, err) < 0) {
        return -1;
    }
    /* A new, empty network namespace, or the monitor's one (the host's, or the one it joined);
     * a new one may get the LXC network runlxc convert carried over. */
    if (net && net->path == NULL && rlx_spec_annotation(s, RLX_LXC_NET_ANNOTATION)) {
        if (tr_lxc_network(c, ctx, rlx_spec_annotation(s, RLX_LXC_NET_ANNOTATION), err) < 0)
            return -1;
    } else {
        if (rlx_spec_annotation(s, RLX_LXC_NET_ANNOTATION))
            strv_push(&c->warnings, "annotation " RLX_LXC_NET_ANNOTATION ": ignored, the container has no network "
                                    "namespace of its own (an engine's, or the host's)");
        if (add_key(c, ctx, K_NET_TYPE, net && net->path == NULL ? "empty" : "none", "linux.namespaces", err) < 0)
            return -1;
    }
    if (s->hostname && s->hostname[0] && uts->path == NULL && add_key(c, ctx, K_UTS_NAME, s->hostname, "hostname", err) < 0)
        return -1;
    return 0;
}

/* ---- mounts ---------------------------------------------------------------------------- */

void rlx_lxcconf_fstab_escape(char *out, size_t size, const char *in)
{
    size_t o = 0;
    for (; *in && o + 5 < size; in++) {
        if (*in == ' ' || *in == '\t' || *in == '\\' || *in == '\n') {
            o += (size_t)snprintf(out + o, size - o, "\\%03o", (unsigned char)*in);
        } else {
            out[o++] = *in;
        }
    }
    out[o] = '\0';
}

/* The container's own cgroups at /sys/fs/cgroup, as runc shows them: each hierarchy's
 * container directory bound at /sys/fs/cgroup/<hierarchy> (v1, hybrid) or at
 * /sys/fs/cgroup itself (v2). liblxc's cgroup automount would mirror the host's paths
 * below unreadable directories instead. runlxc-init makes the tmpfs read-only at the end. */
/* A rich container's init keeps its services in cgroups of its own (design note 20): the
 * hierarchies without controllers (name=systemd, a hybrid host's cgroup2) and a cgroup2-only
 * tree are writable for it. Controller hierarchies keep the spec's ro: on cgroup v1 the
 * container's own limit files are in its root, and those stay the engine's. */
static const char *cgroup_mount_ro(const struct rlx_lxc_ctx *ctx, const struct rlx_hierarchy *h, const char *ro)
{
    if (ctx->init_cgroups_writable && (ctx->layout->mode == RLX_CGROUP_V2 || strncmp(h->controllers, "name=", 5) == 0 ||
                                       (h->v2 && ctx->layout->mode == RLX_CGROUP_HYBRID)))
        return "";
    return ro;
}

static int tr_cgroup_mount(struct rlx_lxcconf *c, const struct rlx_lxc_ctx *ctx, size_t idx,
                           const struct rlx_mount *m, rlx_error_t *err)
{
    const struct rlx_cgroup_layout *l = ctx->layout;
    const char *ro = strv_has(m->options, "ro") ? ",ro" : "";
    if (strcmp(m->destination, "/sys/fs/cgroup") != 0)
        return rlx_error(err, 0, "mounts[%zu].destination: cgroup filesystems can only be mounted at /sys/fs/cgroup", idx);
    if (l->mode == RLX_CGROUP_V2) {
        ro = cgroup_mount_ro(ctx, &l->h[l->unified], ro);
        cleanup_free char *p = rlx_cgroup_container_path(l, l->unified, c->cgroup_dir, c->cgroup_relative);
        cleanup_free char *line = xasprintf("%s sys/fs/cgroup none bind,nosuid,nodev,noexec%s,create=dir 0 0", p, ro);
        return add_key(c, ctx, K_MOUNT_ENTRY, line, "mounts", err);
    }
    if (add_key(c, ctx, K_MOUNT_ENTRY, "tmpfs sys/fs/cgroup tmpfs rw,nosuid,nodev,noexec,mode=755,size=64k,create=dir 0 0",
                "mounts", err) < 0)
        return -1;
    for (int h = 0; h < l->n; h++) {
        cleanup_free char *p = rlx_cgroup_container_path(l, h, c->cgroup_dir, c->cgroup_relative);
        const char *name = strrchr(l->h[h].mountpoint, '/');
        cleanup_free char *line = xasprintf("%s sys/fs/cgroup/%s none bind,nosuid,nodev,noexec%s,create=dir 0 0", p,
                                            name ? name + 1 : l->h[h].mountpoint, cgroup_mount_ro(ctx, &l->h[h], ro));
        if (add_key(c, ctx, K_MOUNT_ENTRY, line, "mounts", err) < 0)
            return -1;
    }
    return 0;
}

static unsigned long mount_propagation_flag(const char *o)
{
    static const struct { const char *name; unsigned long flag; } props[] = {
        {"private", MS_PRIVATE}, {"rprivate", MS_PRIVATE | MS_REC}, {"shared", MS_SHARED},
        {"rshared", MS_SHARED | MS_REC}, {"slave", MS_SLAVE}, {"rslave", MS_SLAVE | MS_REC},
        {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
    };
    for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
        if (strcmp(o, props[i].name) == 0)
            return props[i].flag;
    return 0;
}

static int tr_mount_entry(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx,
                          size_t idx, rlx_error_t *err)
{
    const struct rlx_mount *m = &s->mounts[idx];
    const char *type = m->type ? m->type : "none";
    bool bind = rlx_mount_is_bind(m);
    char src[4096 * 4], dst[4096 * 4], opts[4096] = "";
    const char *create = "dir";
    cleanup_free char *line = NULL;

    /* As runc: a /dev of the runtime's filling is mounted writable, and runlxc-init makes it
     * read-only once the nodes are there (REC_DEV_RO). */
    bool dev_rw_first = !bind && strcmp(m->destination, "/dev") == 0;
    if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0)
        return tr_cgroup_mount(c, ctx, idx, m, err);
    if (bind) {
        struct stat st;
        if (m->source == NULL)
            return rlx_error(err, 0, "mounts[%zu].source: required for a bind mount", idx);
        if (m->source[0] != '/')
            return rlx_error(err, 0, "mounts[%zu].source: '%s' must be an absolute path (no bundle to resolve it against)", idx, m->source);
        if (stat(m->source, &st) < 0)
            return rlx_error(err, errno, "mounts[%zu].source: '%s'", idx, m->source);
        if (!S_ISDIR(st.st_mode))
            create = "file";
        type = "none";
    }
    for (size_t i = 0; m->options && m->options[i]; i++) {
        const char *o = m->options[i];
        unsigned long prop;
        /* "bind" becomes liblxc's own bind handling; rbind is passed through. */
        if (strcmp(o, "bind") == 0 && strv_has(m->options, "rbind"))
            continue;
        if (dev_rw_first && strcmp(o, "ro") == 0)
            continue;
        /* runlxc-init applies it with mount_setattr once the tree is mounted (REC_RRO). */
        if (strcmp(o, "rro") == 0)
            continue;
        /* and these once more after the rootfs propagation, as runc applies them after its
         * own: liblxc's come before runlxc-init's rootfsPropagation (and before 3.0 liblxc
         * cannot take them at all: it hands them to the filesystem as data). */
        if ((prop = mount_propagation_flag(o)) != 0) {
            cleanup_free char *rec = xasprintf("%lu %s", prop, m->resolved ? m->resolved : m->destination);
            strv_push(&c->init_mount_propagation, rec);
            if (!rlx_dialect_mount_propagation(ctx->dialect))
                continue;
        }
        if (strlen(opts) + strlen(o) + 2 >= sizeof(opts))
            return rlx_error(err, 0, "mounts[%zu].options: too long", idx);
        if (*opts)
            strcat(opts, ",");
        strcat(opts, o);
    }
    if (strcmp(type, "bind") == 0)
        type = "none";
    if (bind && !strv_has(m->options, "bind") && !strv_has(m->options, "rbind")) {
        if (*opts)
            strcat(opts, ",");
        strcat(opts, "bind");
    }
    rlx_lxcconf_fstab_escape(src, sizeof(src), m->source && *m->source ? m->source : type);
    rlx_lxcconf_fstab_escape(dst, sizeof(dst), (m->resolved ? m->resolved : m->destination) + 1);
    line = xasprintf("%s %s %s %s%screate=%s 0 0", src, *dst ? dst : ".", type, opts, *opts ? "," : "", create);
    if (add_key(c, ctx, K_MOUNT_ENTRY, line, "mounts", err) < 0)
        return -1;
    /* liblxc (5.0.2 at least) detaches whatever is mounted on the rootfs's /dev/pts just
     * before pivot_root, even with lxc.pty.max = 0: an empty tmpfs on top takes that, and
     * runlxc-init removes it where liblxc left it (REC_PTS_SHIELD). */
    if (strcmp(type, "devpts") == 0 && strcmp(dst, "dev/pts") == 0)
        return add_key(c, ctx, K_MOUNT_ENTRY, "none dev/pts tmpfs ro,size=4k 0 0", "mounts", err);
    return 0;
}

/* In a user namespace mknod cannot make device nodes, so runc binds the host's nodes onto
 * files in /dev after the config's mounts; liblxc does that from these entries. */
static int tr_userns_devices(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx,
                             rlx_error_t *err)
{
    if (!rlx_spec_has_namespace(s, CLONE_NEWUSER) || !rlx_spec_sets_up_dev(s))
        return 0;
    for (size_t i = 0; i < rlx_n_default_devices; i++) {
        const char *p = rlx_default_devices[i].path;
        cleanup_free char *line = xasprintf("%s %s none bind,create=file 0 0", p, p + 1);
        if (add_key(c, ctx, K_MOUNT_ENTRY, line, "linux.devices", err) < 0)
            return -1;
    }
    return 0;
}

static int tr_mounts(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx, rlx_error_t *err)
{
    if (add_key(c, ctx, K_MOUNT_AUTO, "", "mounts", err) < 0)
        return -1;
    for (size_t i = 0; i < s->n_mounts; i++)
        if (tr_mount_entry(c, s, ctx, i, err) < 0)
            return -1;
    if (tr_userns_devices(c, s, ctx, err) < 0)
        return -1;
    /* lxcfs views go over the spec's /proc and /sys, so after them. */
    for (size_t i = 0; ctx->lxcfs_mountpoint && ctx->lxcfs_targets && ctx->lxcfs_targets[i]; i++) {
        const char *t = ctx->lxcfs_targets[i];
        bool dir = strncmp(t, "/sys/", 5) == 0;
        cleanup_free char *line = xasprintf("%s%s %s none bind,create=%s 0 0", ctx->lxcfs_mountpoint, t, t + 1,
                                            dir ? "dir" : "file");
        if (add_key(c, ctx, K_MOUNT_ENTRY, line, "lxcfs", err) < 0)
            return -1;
    }
    if (ctx->lxcfs_mountpoint && ctx->lxcfs_relay) {
        /* liblxc made / a slave tree before its mounts, so this copy only receives; read-only,
         * as it is the host's tmpfs */
        cleanup_free char *line = xasprintf("%s %s none rbind,ro,create=dir 0 0", ctx->lxcfs_relay,
                                            &RLX_LXCFS_RELAY_IN_CONTAINER[1]);
        if (add_key(c, ctx, K_MOUNT_ENTRY, line, "lxcfs", err) < 0)
            return -1;
    }
    return 0;
}

/* ---- cgroups ------------------------------------------------------------------------- */

struct lxc_sink {
    struct rlx_cg_sink base;
    struct rlx_lxcconf *c;
    const struct rlx_lxc_ctx *ctx;
};

static int lxc_sink_set(struct rlx_cg_sink *sink, const char *field, int h, const char *file, const char *value,
                        rlx_error_t *err)
{
    struct lxc_sink *s = (struct lxc_sink *)sink;
    return add_prefixed(s->c, s->ctx, sink->layout->h[h].v2 ? K_CGROUP_V2 : K_CGROUP_V1, file, value, field, err);
}

static int tr_resources(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx,
                        rlx_error_t *err)
{
    struct lxc_sink sink = {{lxc_sink_set, ctx->layout, NULL}, c, ctx};
    const char *ignored = rlx_resources_ignored(&s->resources);
    if (ignored)
        strv_push(&c->warnings, ignored);
    /* Written by runlxc into the cgroups it places itself (cgroup_place.h): in liblxc's own
     * cgroup below the pattern's parent they would fail (cpu.rt_runtime_us) or mean nothing. */
    if (c->cgroup_placed_by_runlxc)
        return 0;
    return rlx_resources_apply(&s->resources, &sink.base, err);
}

/* The devices runc always allows (libcontainer/specconv AllowedDevices). */
static const char *const default_device_rules[] = {
    "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:8 rwm", "c 1:7 rwm", "c 5:0 rwm", "c 1:5 rwm", "c 1:9 rwm",
    "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm", NULL,
};

static int tr_device_rules(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx,
                           rlx_error_t *err)
{
    const struct rlx_resources *r = &s->resources;
    bool v2 = ctx->layout->mode == RLX_CGROUP_V2 || rlx_cgroup_layout_find(ctx->layout, "devices") < 0;
    enum rlx_key prefix = v2 ? K_CGROUP_V2 : K_CGROUP_V1;
    char rule[96];

    /* runc's device rules start from "deny all" (its emulator's white-list mode) whatever the
     * spec lists, and end with its default devices; linux.devices only makes nodes, the
     * cgroup does not allow them (runc's createDevices). Without a device controller to
     * enforce them (no v1 devices hierarchy, not pure v2) only the spec's rules are kept,
     * for what liblxc can do with them. */
    bool enforce = ctx->layout->mode == RLX_CGROUP_V2 || !v2;
    if (r->n_devices == 0 && !enforce)
        return 0;
    if (enforce && (r->n_devices == 0 || r->devices[0].type != 'a') &&
        add_prefixed(c, ctx, prefix, "devices.deny", "a", "linux.resources.devices", err) < 0)
        return -1;
    for (size_t i = 0; i < r->n_devices; i++) {
        const struct rlx_device_rule *d = &r->devices[i];
        if (d->type == 'a')
            snprintf(rule, sizeof(rule), "a");
        else {
            char maj[24] = "*", min[24] = "*";
            if (d->major >= 0)
                snprintf(maj, sizeof(maj), "%lld", (long long)d->major);
            if (d->minor >= 0)
                snprintf(min, sizeof(min), "%lld", (long long)d->minor);
            snprintf(rule, sizeof(rule), "%c %s:%s %s", d->type, maj, min, d->access);
        }
        if (add_prefixed(c, ctx, prefix, d->allow ? "devices.allow" : "devices.deny", rule,
                         "linux.resources.devices", err) < 0)
            return -1;
    }
    for (size_t i = 0; default_device_rules[i]; i++)
        if (add_prefixed(c, ctx, prefix, "devices.allow", default_device_rules[i], "linux.resources.devices", err) < 0)
            return -1;
    return 0;
}

char *rlx_lxcconf_cgroup_dir(const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx, bool *relative)
{
    /* Without --systemd-cgroup a "slice:prefix:name" path is a cgroupfs path like any other
     * (relative, colons and all), as runc takes it. With it, liblxc makes the scope's cgroup
     * and systemd adopts it (design note 21). */
    const char *p = ctx->systemd_cgroup_dir ? ctx->systemd_cgroup_dir : s->cgroups_path;
    *relative = !ctx->systemd_cgroup_dir && p && *p && p[0] != '/';
    while (p && *p == '/')
        p++;
    return p && *p ? xstrdup(p) : xstrdup(ctx->id);
}

static int tr_cgroup_dir(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx,
                         rlx_error_t *err)
{
    const char *liblxc_dir;
    c->cgroup_dir = rlx_lxcconf_cgroup_dir(s, ctx, &c->cgroup_relative);
    {
        /* Ids are unique per --root only (containerd gives each namespace its own root), and
         * without subreapers the monitor cgroup lives as long as the container (design note
         * 8): a name by id alone made a second root's container of the same id fail to
         * start, as liblxc refuses an existing monitor cgroup. FNV-1a of the root. */
        uint32_t h = 2166136261u;
        for (const char *r = ctx->root ? ctx->root : ""; *r; r++)
            h = (h ^ (unsigned char)*r) * 16777619u;
        c->monitor_cgroup_dir = xasprintf("runlxc.monitor/%s-%08x", ctx->id, (unsigned)h);
    }
    /* liblxc makes only new cgroups: a shared one is entered the way runlxc places containers
     * on liblxc < 2.1, from a cgroup liblxc makes beside the monitor's and runlxc removes. */
    c->cgroup_shared = ctx->cgroup_shared;
    if (c->cgroup_shared && rlx_dialect_key(ctx->dialect, K_CGROUP_DIR)) {
        c->cgroup_placed_by_runlxc = true;
        c->liblxc_cgroup_dir = xasprintf("runlxc.staging/%s", strrchr(c->monitor_cgroup_dir, '/') + 1);
    }
    liblxc_dir = c->liblxc_cgroup_dir ? c->liblxc_cgroup_dir : c->cgroup_dir;
    if (rlx_dialect_key(ctx->dialect, K_CGROUP_DIR_CONTAINER)) {
        if (add_key(c, ctx, K_CGROUP_DIR_CONTAINER, liblxc_dir, "linux.cgroupsPath", err) < 0 ||
            add_key(c, ctx, K_CGROUP_DIR_MONITOR, c->monitor_cgroup_dir, "linux.cgroupsPath", err) < 0)
            return -1;
    } else {
        /* Before 5.0 liblxc makes no monitor cgroup; before 2.1 it places containers by the
         * host's lxc.cgroup.pattern only, so runlxc places them itself. */
        free(c->monitor_cgroup_dir);
        c->monitor_cgroup_dir = NULL;
        if (!rlx_dialect_key(ctx->dialect, K_CGROUP_DIR)) {
            c->cgroup_placed_by_runlxc = true;
            return 0;
        }
        if (add_key(c, ctx, K_CGROUP_DIR, liblxc_dir, "linux.cgroupsPath", err) < 0)
            return -1;
    }
    if (c->cgroup_relative)
        rlx_lxcconf_add(c, "lxc.cgroup.relative", "1");
    return 0;
}

static int tr_sysctl(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx, rlx_error_t *err)
{
    /* As runc's init writes them: in the container, after its mounts, before readonlyPaths. */
    if (s->sysctl && s->sysctl[0] && !rlx_dialect_key(ctx->dialect, K_SYSCTL)) {
        c->sysctl_by_init = true;
        return 0;
    }
    for (size_t i = 0; s->sysctl && s->sysctl[i]; i++) {
        cleanup_free char *k = xstrdup(s->sysctl[i]);
        char *eq = strchr(k, '=');
        *eq = '\0';
        if (add_prefixed(c, ctx, K_SYSCTL, k, eq + 1, "linux.sysctl", err) < 0)
            return -1;
    }
    return 0;
}

static int tr_lsm(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx, rlx_error_t *err)
{
    if (s->process.apparmor_profile && *s->process.apparmor_profile) {
        if (!ctx->apparmor_enabled)
            return rlx_error(err, 0, "process.apparmorProfile: AppArmor is not enabled on this host");
        return add_key(c, ctx, K_APPARMOR_PROFILE, s->process.apparmor_profile, "process.apparmorProfile", err);
    }
    if (ctx->apparmor_enabled)
        add_key(c, ctx, K_APPARMOR_PROFILE, "unconfined", "", err);
    /* As crun: labels mean nothing on a host without SELinux (engines set them on every host
     * that has it configured), so they are ignored there with a warning. */
    if (!ctx->selinux_enabled) {
        if (s->process.selinux_label && *s->process.selinux_label)
            strv_push(&c->warnings, "process.selinuxLabel: SELinux is not enabled on this host; the label is ignored");
        if (s->mount_label && *s->mount_label)
            strv_push(&c->warnings, "linux.mountLabel: SELinux is not enabled on this host; the label is ignored");
        return 0;
    }
    if (s->mount_label && *s->mount_label)
        return rlx_error(err, 0, "linux.mountLabel: not supported by runlxc (liblxc has no mount label)");
    if (s->process.selinux_label && *s->process.selinux_label)
        return add_key(c, ctx, K_SELINUX_CONTEXT, s->process.selinux_label, "process.selinuxLabel", err);
    return 0;
}

/* liblxc runs hooks through /bin/sh -c and appends "<name> lxc <hook-type>". The three
 * creation-time hook kinds run where runc runs them (design note 3): from liblxc's mount hook,
 * after the container's mounts and before pivot_root, with the rootfs mounted at root.path
 * itself (lxc.rootfs.mount), as runc's bind of the rootfs onto itself shows it. The callback
 * has `create` run prestart and createRuntime in the runtime's namespaces with init's host
 * pid, then runs createContainer where it is: in the container's namespaces. */
static int tr_hooks(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx, rlx_error_t *err)
{
    /* Also where runlxc places the cgroups itself: the callback is where create first knows
     * init, before runlxc-init runs (a cgroup namespace it makes is then rooted there). */
    if (s->n_hooks[RLX_HOOK_PRESTART] || s->n_hooks[RLX_HOOK_CREATE_RUNTIME] || s->n_hooks[RLX_HOOK_CREATE_CONTAINER] ||
        c->cgroup_placed_by_runlxc) {
        cleanup_free char *cmd = xasprintf("%s --root %s hook", ctx->self_exe, ctx->root);
        if (add_key(c, ctx, K_ROOTFS_MOUNT, s->root_path, "hooks", err) < 0 ||
            add_key(c, ctx, K_HOOK_MOUNT, cmd, "hooks", err) < 0)
            return -1;
    }
    return 0;
}

static int tr_unsupported(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx,
                          rlx_error_t *err)
{
    (void)c;
    (void)s;
    (void)ctx;
    (void)err;
    return 0;
}

/* The translation, one entry per concern, applied in order. */
static const struct {
    const char *name;
    int (*fn)(struct rlx_lxcconf *, const struct rlx_spec *, const struct rlx_lxc_ctx *, rlx_error_t *);
} translators[] = {
    {"unsupported", tr_unsupported}, {"base", tr_base}, {"namespaces", tr_namespaces},
    {"cgroup-dir", tr_cgroup_dir}, {"mounts", tr_mounts}, {"resources", tr_resources},
    {"devices", tr_device_rules}, {"sysctl", tr_sysctl}, {"lsm", tr_lsm}, {"hooks", tr_hooks},
};

int rlx_lxcconf_build(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx,
                      rlx_error_t *err)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < sizeof(translators) / sizeof(translators[0]); i++)
        if (translators[i].fn(c, s, ctx, err) < 0) {
            rlx_lxcconf_free(c);
            return -1;
        }
    return 0;
}

void rlx_lxcconf_free(struct rlx_lxcconf *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->keys[i]);
        free(c->values[i]);
    }
    free(c->keys);
    free(c->values);
    free(c->cgroup_dir);
    free(c->liblxc_cgroup_dir);
    free(c->monitor_cgroup_dir);
    strv_free(c->init_mount_propagation);
    strv_free(c->warnings);
    memset(c, 0, sizeof(*c));
}

char *rlx_lxcconf_format(const struct rlx_lxcconf *c)
{
    size_t len = 1;
    char *out, *p;
    for (size_t i = 0; i < c->n; i++)
        len += strlen(c->keys[i]) + strlen(c->values[i]) + 4;
    out = p = xmalloc(len);
    *p = '\0';
    for (size_t i = 0; i < c->n; i++)
        p += sprintf(p, "%s = %s\n", c->keys[i], c->values[i]);
    return out;
}
