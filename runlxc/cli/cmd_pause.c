/* pause / resume: the freezer (cgroup v1 freezer.state or cgroup v2 cgroup.freeze). */
#include "cli.h"
#include "cgroup.h"
#include "state.h"
#include "util.h"
#include <string.h>

static int set_frozen(const struct rlx_global *g, const char *cmd, int argc, char **argv, bool freeze,
                      rlx_error_t *err)
{
    struct rlx_state st;
    cleanup_free char *dir = NULL;
    cleanup_close int lock = -1;
    const char *status;
    int r = -1;

    if (cli_expect_args(cmd, argc - 1, 1, 1, "ID", err) < 0)
        return -1;
    /* Lock, then read the state another command may just have changed (design note 19). */
    lock = rlx_state_lock_load(g->root, argv[1], &st, err);
    if (lock < 0)
        return -1;
    dir = rlx_state_dir(g->root, argv[1]);
    status = rlx_state_status(dir, &st);
    if (freeze && strcmp(status, "running") != 0 && strcmp(status, "created") != 0)
        rlx_error(err, 0, "cannot pause container '%s': it is %s", argv[1], status);
    else if (!freeze && strcmp(status, "paused") != 0)
        rlx_error(err, 0, "cannot resume container '%s': it is %s, not paused", argv[1], status);
    else
        r = rlx_cgroup_freeze(st.cgroup_paths, freeze, err);
    rlx_state_free(&st);
    return r;
}

int cmd_pause(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    return set_frozen(g, "pause", argc, argv, true, err);
}

int cmd_resume(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    return set_frozen(g, "resume", argc, argv, false, err);
}
