/* liblxc-floor [--oci] BUNDLE ID: what liblxc alone costs to run a bundle to exit, with the LXC
 * configuration runlxc would hand it. It translates config.json with runlxc's own code, then
 * runs liblxc's non-daemonized start() in this very process with process.args as lxc.init.cmd:
 * no monitor fork, no runlxc-init, no OCI state. scripts/bench-liblxc-floor.sh times it beside
 * crun and runlxc. An OCI runtime built on liblxc's start() costs at least this, less liblxc's
 * own teardown after the payload's exit (about 0.2 ms here: docs/design-notes.md, note 13).
 * That configuration leaves to runlxc-init what liblxc is not told: device nodes, masked and
 * read-only paths, capabilities, rlimits, no_new_privs, the process's identity and environment.
 * With --oci those go to liblxc as LXC keys too (lxc.autodev, mount entries as LXC's own
 * templates write them, lxc.cap.keep, lxc.prlimit.*, ...), so that liblxc alone runs the whole
 * bundle, as lxc-execute runs ../shared/bench/lxc.sh's equivalent configuration. */
#include "cgroup.h"
#include "dialect.h"
#include "liblxc_load.h"
#include "lxcconf.h"
#include "spec.h"
#include "util.h"
#include <ctype.h>
#include <limits.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <lxc/lxccontainer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* lxc.init.cmd is split on blanks by liblxc: arguments with blanks cannot be expressed. */
static char *join_args(char **args)
{
    char *out = xstrdup("");
    for (size_t i = 0; args[i]; i++) {
        char *next = xasprintf("%s%s%s", out, i ? " " : "", args[i]);
        free(out);
        out = next;
    }
    return out;
}

/* Takes out entry i, keeping the order of the others (liblxc applies mount entries in order). */
static void drop(struct rlx_lxcconf *c, size_t i)
{
    free(c->keys[i]);
    free(c->values[i]);
    c->n--;
    memmove(c->keys + i, c->keys + i + 1, (c->n - i) * sizeof(*c->keys));
    memmove(c->values + i, c->values + i + 1, (c->n - i) * sizeof(*c->values));
}

/* What runlxc-init does for the bundle, as LXC keys (see the head comment). */
static void add_oci_keys(struct rlx_lxcconf *c, const struct rlx_spec *s)
{
    const struct rlx_process *p = &s->process;
    struct stat st;

    /* lxc.autodev mounts and fills /dev: it replaces runlxc's autodev = 0 and its /dev tmpfs */
    for (size_t i = c->n; i-- > 0;)
        if ((strcmp(c->keys[i], "lxc.autodev") == 0 && strcmp(c->values[i], "0") == 0) ||
            (strcmp(c->keys[i], "lxc.mount.entry") == 0 && strncmp(c->values[i], "tmpfs dev tmpfs ", 16) == 0))
            drop(c, i);
    rlx_lxcconf_add(c, "lxc.autodev", "1");
    for (size_t i = 0; s->masked_paths && s->masked_paths[i]; i++) {
        const char *m = s->masked_paths[i];
        bool dir = stat(m, &st) == 0 && S_ISDIR(st.st_mode);   /* /proc and /sys as the host has them */
        cleanup_free char *e = dir ? xasprintf("tmpfs %s tmpfs ro,optional 0 0", m + 1)
                                   : xasprintf("/dev/null %s none bind,ro,optional 0 0", m + 1);
        rlx_lxcconf_add(c, "lxc.mount.entry", e);
    }
    for (size_t i = 0; s->readonly_paths && s->readonly_paths[i]; i++) {
        cleanup_free char *e = xasprintf("%s %s none rbind,ro,optional 0 0", s->readonly_paths[i],
                                         s->readonly_paths[i] + 1);
        rlx_lxcconf_add(c, "lxc.mount.entry", e);
    }
    if (p->has_caps) {
        cleanup_free char *keep = xstrdup("");
        for (int cap = 0; cap < 64; cap++)
            if (p->caps[RLX_CAP_BOUNDING] & (1ULL << cap)) {
                char *name = cap_to_name(cap), *next;
                next = xasprintf("%s%s%s", keep, *keep ? " " : "", strncmp(name, "cap_", 4) ? name : name + 4);
                cap_free(name);
                free(keep);
                keep = next;
            }
        rlx_lxcconf_add(c, "lxc.cap.keep", *keep ? keep : "none");
    }
    for (size_t i = 0; i < p->n_rlimits; i++) {
        /* lxc.prlimit.nofile for RLIMIT_NOFILE */
        const char *name = rlx_rlimit_name(p->rlimits[i].resource);
        cleanup_free char *key = xasprintf("lxc.prlimit.%s", name + strlen("RLIMIT_"));
        cleanup_free char *value = xasprintf("%llu:%llu", (unsigned long long)p->rlimits[i].soft,
                                             (unsigned long long)p->rlimits[i].hard);
        for (char *k = key; *k; k++)
            *k = (char)tolower((unsigned char)*k);
        rlx_lxcconf_add(c, key, value);
    }
    if (p->no_new_privileges)
        rlx_lxcconf_add(c, "lxc.no_new_privs", "1");
    {
        char id[16];
        snprintf(id, sizeof(id), "%u", (unsigned)p->uid);
        rlx_lxcconf_add(c, "lxc.init.uid", id);
        snprintf(id, sizeof(id), "%u", (unsigned)p->gid);
        rlx_lxcconf_add(c, "lxc.init.gid", id);
    }
    if (p->cwd)
        rlx_lxcconf_add(c, "lxc.init.cwd", p->cwd);
    for (size_t i = 0; p->env && p->env[i]; i++)
        rlx_lxcconf_add(c, "lxc.environment", p->env[i]);
}

static int fail(rlx_error_t *err)
{
    fprintf(stderr, "liblxc-floor: %s\n", rlx_error_text(err));
    return 1;
}

int main(int argc, char **argv)
{
    rlx_error_t err = NULL;
    struct rlx_lxcconf conf = {0};
    struct rlx_cgroup_layout layout;
    struct rlx_lxc_api lxc;
    struct rlx_dialect dialect;
    struct lxc_container *c;
    struct rlx_spec *s;
    char bundle[PATH_MAX], *root, *text, *cfg, *state_dir, *init_cmd;
    bool ok, oci = argc == 4 && strcmp(argv[1], "--oci") == 0;

    if (oci)
        argv++, argc--;
    if (argc != 3) {
        fprintf(stderr, "usage: liblxc-floor [--oci] BUNDLE ID\n");
        return 2;
    }
    if (realpath(argv[1], bundle) == NULL) {
        perror(argv[1]);
        return 1;
    }
    cfg = xasprintf("%s/config.json", bundle);
    if ((text = read_file(cfg, NULL, &err)) == NULL || (s = rlx_spec_parse(text, bundle, &err)) == NULL)
        return fail(&err);
    if ((root = realpath(s->root_path, NULL)) == NULL) {
        perror(s->root_path);
        return 1;
    }
    free(s->root_path);
    s->root_path = root;
    if (rlx_cgroup_layout_load(&layout) < 0 || rlx_lxc_load(&lxc, &err) < 0)
        return err ? fail(&err) : 1;
    dialect = rlx_dialect_for_version(lxc.get_version());
    state_dir = xasprintf("/run/liblxc-floor/%s", argv[2]);
    {
        struct rlx_lxc_ctx ctx = {.id = argv[2], .state_dir = state_dir, .root = "/run/liblxc-floor",
                                  .self_exe = "/bin/false", .log_level = "ERROR", .dialect = &dialect,
                                  .layout = &layout};
        if (rlx_lxcconf_build(&conf, s, &ctx, &err) < 0)
            return fail(&err);
    }
    if (oci)
        add_oci_keys(&conf, s);
    if (getenv("LIBLXC_FLOOR_PRINT")) {   /* the LXC configuration runlxc builds, to compare */
        for (size_t i = 0; i < conf.n; i++)
            printf("%s = %s\n", conf.keys[i], conf.values[i]);
        return 0;
    }
    if (mkdir_p(state_dir, 0700) < 0) {
        perror(state_dir);
        return 1;
    }
    c = lxc.container_new(argv[2], "/run/liblxc-floor");
    if (c == NULL)
        return 1;
    for (size_t i = 0; i < conf.n; i++)
        if (!c->set_config_item(c, conf.keys[i], conf.values[i])) {
            fprintf(stderr, "liblxc-floor: liblxc rejected %s = %s\n", conf.keys[i], conf.values[i]);
            return 1;
        }
    init_cmd = join_args(s->process.args);
    if (!c->set_config_item(c, "lxc.init.cmd", init_cmd))
        return 1;
    c->want_daemonize(c, false);
    ok = c->start(c, 0, NULL);
    rm_rf(state_dir);
    return ok ? 0 : 1;
}
