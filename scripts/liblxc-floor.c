/* liblxc-floor BUNDLE ID: what liblxc alone costs to run a bundle to exit, with the LXC
 * configuration runlxc would hand it. It translates config.json with runlxc's own code, then
 * runs liblxc's non-daemonized start() in this very process with process.args as lxc.init.cmd:
 * no monitor fork, no runlxc-init, no OCI state. scripts/bench-liblxc-floor.sh times it beside
 * crun and runlxc. An OCI runtime built on liblxc's start() costs at least this, less liblxc's
 * own teardown after the payload's exit (about 0.2 ms here: docs/design-notes.md, note 13). */
#include "cgroup.h"
#include "dialect.h"
#include "liblxc_load.h"
#include "lxcconf.h"
#include "spec.h"
#include "util.h"
#include <limits.h>
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
    bool ok;

    if (argc != 3) {
        fprintf(stderr, "usage: liblxc-floor BUNDLE ID\n");
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
