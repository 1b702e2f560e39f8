/* The first stages of create (create.h): load, check and plan. Nothing here makes anything
 * of the container's on the host; a failure leaves only what rlx_create's release frees. */
#include "create.h"
#include "init_launch.h"
#include "lxcfs.h"
#include "mounts.h"
#include "rich.h"
#include "userns.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>

/* ---- load ---------------------------------------------------------------------------- */

/* liblxc opens the rootfs with O_NOFOLLOW: it gets the directory a symlink names. */
static int resolve_root_path(struct rlx_spec *spec, rlx_error_t *err)
{
    struct stat sb;
    char *real;
    if (stat(spec->root_path, &sb) < 0)
        return rlx_error(err, errno, "root.path: %s", spec->root_path);
    if (!S_ISDIR(sb.st_mode))
        return rlx_error(err, 0, "root.path: %s is not a directory", spec->root_path);
    real = realpath(spec->root_path, NULL);
    if (real == NULL)
        return rlx_error(err, errno, "root.path: %s", spec->root_path);
    free(spec->root_path);
    spec->root_path = real;
    return 0;
}

int rlx_create_load(struct rlx_create *c, rlx_error_t *err)
{
    const char *bundle = c->o->bundle ? c->o->bundle : ".";
    cleanup_free char *cfg_path = NULL;

    if (rlx_id_validate(c->id, err) < 0)
        return -1;
    if (realpath(bundle, c->bundle) == NULL)
        return rlx_error(err, errno, "bundle %s", bundle);
    cfg_path = xasprintf("%s/config.json", c->bundle);
    c->config_text = read_file(cfg_path, NULL, err);
    if (c->config_text == NULL)
        return -1;
    c->spec = rlx_spec_parse(c->config_text, c->bundle, err);
    if (c->spec == NULL || rlx_dialect_load(&c->dialect, err) < 0)
        return -1;
    return resolve_root_path(c->spec, err);
}

/* ---- check --------------------------------------------------------------------------- */

/* runlxc-init needs a /proc: a proc mount, or a bind of a proc filesystem (rootless-style
 * configs without a pid namespace bind the host's), as runc takes both. */
static bool spec_mounts_proc(const struct rlx_spec *s)
{
    for (size_t i = 0; i < s->n_mounts; i++)
        if (strcmp(s->mounts[i].destination, "/proc") == 0 && rlx_mount_is_proc(&s->mounts[i]))
            return true;
    return false;
}

/* The fds passed on to the payload must be open; they stay open across its exec. */
static int check_preserved_fds(int n, rlx_error_t *err)
{
    for (int fd = 3; fd < 3 + n; fd++) {
        int fl = fcntl(fd, F_GETFD);
        if (fl < 0)
            return rlx_error(err, errno, "unable to stat preserved-fd %d (of --preserve-fds/LISTEN_FDS)", fd);
        fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
    }
    return 0;
}

/* The terminal and console flags against process.terminal, in runc's words. */
static int check_terminal_flags(const struct rlx_create_opts *o, const struct rlx_spec *spec, rlx_error_t *err)
{
    if (spec->process.terminal && !o->console_socket && !o->foreground)
        return rlx_error(err, 0, "cannot allocate tty if runlxc will detach without setting console socket");
    if (o->console_socket && !spec->process.terminal)
        return rlx_error(err, 0, "cannot use console socket if runlxc will not detach or allocate tty");
    if (o->preserve_fds < 0)
        return rlx_error(err, 0, "--preserve-fds: must not be negative");
    return 0;
}

/* A user namespace joined by path brings its own id maps: the spec may repeat them (runc
 * checks they match), otherwise they are read from the namespace. */
static int take_joined_userns_maps(struct rlx_spec *s, rlx_error_t *err)
{
    const struct rlx_namespace *user = rlx_spec_namespace(s, CLONE_NEWUSER);
    struct rlx_userns_maps m;
    struct {
        const char *field;
        struct rlx_idmap **spec, **ns;
        size_t *n_spec, *n_ns;
    } kinds[] = {{"linux.uidMappings", &s->uid_mappings, &m.uid, &s->n_uid_mappings, &m.n_uid},
                 {"linux.gidMappings", &s->gid_mappings, &m.gid, &s->n_gid_mappings, &m.n_gid}};
    if (user == NULL || user->path == NULL)
        return 0;
    if (rlx_userns_maps(user->path, &m, err) < 0)
        return rlx_error_wrap(err, "linux.namespaces[%zu].path", (size_t)(user - s->namespaces));
    for (size_t k = 0; k < 2; k++)
        if (*kinds[k].n_spec && !rlx_idmaps_equal(*kinds[k].spec, *kinds[k].n_spec, *kinds[k].ns, *kinds[k].n_ns)) {
            rlx_userns_maps_free(&m);
            return rlx_error(err, 0, "%s: differ from the maps of the joined user namespace %s", kinds[k].field,
                             user->path);
        }
    for (size_t k = 0; k < 2; k++) {
        free(*kinds[k].spec);
        *kinds[k].spec = *kinds[k].ns;
        *kinds[k].n_spec = *kinds[k].n_ns;
    }
    return 0;
}

int rlx_create_check(struct rlx_create *c, rlx_error_t *err)
{
    struct rlx_spec *spec = c->spec;

    if (rlx_rich_detect(spec, &c->out->rich, err) < 0)
        return -1;
    rlx_rich_apply(spec, &c->out->rich);
    if (rlx_ttys_count(spec, &c->n_ttys, err) < 0)
        return -1;
    if (c->n_ttys > 0 && rlx_ttys_open(spec, c->n_ttys, &c->ttys, err) < 0)
        return -1;
    /* the mounts first: a /proc that is no proc filesystem gets runc's words there */
    if (rlx_mounts_prepare(spec, err) < 0)
        return -1;
    if (!spec_mounts_proc(spec))
        return rlx_error(err, 0, "mounts: runlxc needs a proc filesystem mounted at /proc in the container");
    if (check_terminal_flags(c->o, spec, err) < 0 ||
        check_preserved_fds(c->listen_fds + c->o->preserve_fds, err) < 0 ||
        rlx_check_process_kernel(&spec->process, spec->has_seccomp, err) < 0)
        return -1;
    if (spec->has_seccomp && rlx_seccomp_build(spec->seccomp, &c->seccomp, err) < 0)
        return -1;
    return take_joined_userns_maps(spec, err);
}

/* ---- plan ---------------------------------------------------------------------------- */

static bool apparmor_enabled(void)
{
    cleanup_free char *t = NULL;
    rlx_error_t e = NULL;
    t = read_file("/sys/module/apparmor/parameters/enabled", NULL, &e);
    rlx_error_release(&e);
    return t && t[0] == 'Y' && path_exists("/sys/kernel/security/apparmor");
}

/* selinuxfs is mounted where SELinux is on: /sys/fs/selinux, or /selinux on RHEL 6. */
static bool selinux_enabled(void)
{
    return path_exists("/sys/fs/selinux/enforce") || path_exists("/selinux/enforce");
}

/* The lxcfs relay lives in the container's /dev, which must then be a tmpfs of its own (a
 * directory made on a bind of the host's /dev would land on the host). */
static bool dev_is_own_tmpfs(const struct rlx_spec *s)
{
    for (size_t i = s->n_mounts; i-- > 0;)
        if (strcmp(s->mounts[i].destination, "/dev") == 0)
            return s->mounts[i].type && strcmp(s->mounts[i].type, "tmpfs") == 0;
    return false;
}

/* The annotation decides; without it, the global default (--lxcfs or the config file). */
static bool wants_lxcfs(const struct rlx_global *g, const struct rlx_spec *s)
{
    struct json_object *v;
    if (s->annotations && json_object_object_get_ex(s->annotations, RLX_LXCFS_ANNOTATION, &v))
        return strcmp(json_object_get_string(v), "true") == 0;
    return g->lxcfs;
}

static int plan_lxcfs(struct rlx_create *c, rlx_error_t *err)
{
    const struct rlx_global *g = c->g;
    if (!wants_lxcfs(g, c->spec))
        return 0;
    if (rlx_lxcfs_require(g->lxcfs_mountpoint, err) < 0)
        return -1;
    c->st.lxcfs_mountpoint = xstrdup(g->lxcfs_mountpoint);
    c->st.lxcfs_targets = rlx_lxcfs_targets(g->lxcfs_mountpoint);
    /* An lxcfs that died during that scan offers none of the files it had not shown yet: the
     * container would get a few of its views, and remount only those. */
    if (rlx_lxcfs_require(g->lxcfs_mountpoint, err) < 0)
        return -1;
    if (!rlx_probe_open_tree() && dev_is_own_tmpfs(c->spec)) {
        if (rlx_lxcfs_relay_refresh(g->lxcfs_mountpoint, err) < 0)
            return -1;
        c->st.lxcfs_relay = xstrdup(RLX_LXCFS_RELAY_IN_CONTAINER);
    }
    return 0;
}

/* Before anything is made: a bad path or a host without systemd leaves nothing. In runc's
 * order: the unit properties of the annotations, the path's form, systemd, then the slice and
 * unit names. */
static int plan_cgroups(struct rlx_create *c, rlx_error_t *err)
{
    if (rlx_cgroup_layout_load(&c->layout) < 0)
        return rlx_error(err, 0, "no cgroup hierarchy is mounted on this host");
    c->have_layout = true;
    if (!c->g->systemd_cgroup)
        return 0;
    if (rlx_sd_unit_add_annotations(&c->sdu, c->spec->annotations, err) < 0 ||
        rlx_sd_check_path_form(c->spec->cgroups_path, err) < 0)
        return -1;
    c->sd = rlx_sd_open(err);
    if (c->sd == NULL || rlx_sd_parse_path(c->spec->cgroups_path, c->id, &c->sdu, err) < 0)
        return -1;
    return 0;
}

/* runc 1.1 shares a cgroup that already holds processes (with a warning, create.c). runlxc
 * can where its device rules live in that cgroup: a cgroup v1 device controller, written by
 * runlxc; liblxc's cgroup2 device program is attached to a cgroup of its own, and a systemd
 * scope cannot be adopted twice. */
static bool cgroup_can_be_shared(const struct rlx_create *c, const struct rlx_lxc_ctx *ctx)
{
    bool relative;
    cleanup_free char *dir = NULL;
    char **paths;
    size_t procs;
    if (c->sd || rlx_cgroup_layout_find(&c->layout, "devices") < 0)
        return false;
    dir = rlx_lxcconf_cgroup_dir(c->spec, ctx, &relative);
    paths = rlx_cgroup_container_paths(&c->layout, dir, relative);
    procs = rlx_cgroup_any_exists(paths) ? rlx_cgroup_count_procs(paths) : 0;
    strv_free(paths);
    return procs > 0;
}

static int plan_lxc_config(struct rlx_create *c, rlx_error_t *err)
{
    const struct rlx_global *g = c->g;
    struct rlx_lxc_ctx ctx = {
        .id = c->id, .state_dir = c->state_dir, .root = g->root, .self_exe = g->self_exe,
        .log_level = g->debug ? "DEBUG" : "ERROR", .no_new_keyring = c->o->no_new_keyring,
        .apparmor_enabled = apparmor_enabled(), .selinux_enabled = selinux_enabled(),
        .dialect = &c->dialect, .layout = &c->layout,
        .lxcfs_mountpoint = c->st.lxcfs_mountpoint, .lxcfs_targets = c->st.lxcfs_targets,
        .lxcfs_relay = c->st.lxcfs_relay ? RLX_LXCFS_RELAY_ROOT : NULL,
        .init_cgroups_writable = c->out->rich.kind != RLX_INIT_NONE,
        .systemd_cgroup_dir = c->sdu.cgroup_dir,
    };
    ctx.cgroup_shared = cgroup_can_be_shared(c, &ctx);
    if (rlx_lxcconf_build(&c->conf, c->spec, &ctx, err) < 0)
        return -1;
    for (size_t i = 0; c->conf.warnings && c->conf.warnings[i]; i++)
        rlx_log(g, "warning", "%s", c->conf.warnings[i]);
    return 0;
}

int rlx_create_plan(struct rlx_create *c, rlx_error_t *err)
{
    if (plan_lxcfs(c, err) < 0 || plan_cgroups(c, err) < 0)
        return -1;
    c->state_dir = rlx_state_dir(c->g->root, c->id);
    return plan_lxc_config(c, err);
}
