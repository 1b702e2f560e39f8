/* hook: called back by liblxc (lxc.hook.start-host) as "runlxc --root R hook ID lxc TYPE";
 * runs the OCI prestart, createRuntime and createContainer hooks with the state on stdin. A failure is left in hook.error for `create` to report. */
#include "cli.h"
#include <stddef.h>
#include "hooks.h"
#include "spec.h"
#include "state.h"
#include "util.h"
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

int cmd_hook(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    struct rlx_state st;
    struct rlx_spec *s;
    cleanup_free char *dir = NULL, *cfg = NULL, *text = NULL, *sj = NULL, *errpath = NULL;
    const char *type, *pid_env = getenv("LXC_PID");
    struct json_object *o;
    int r = 0;

    if (cli_expect_args("hook", argc - 1, 3, 3, "ID lxc TYPE (called by liblxc)", err) < 0)
        return -1;
    type = argv[3];
    if (rlx_state_load(g->root, argv[1], &st, err) < 0)
        return -1;
    dir = rlx_state_dir(g->root, argv[1]);
    cfg = xasprintf("%s/config.json", dir);
    errpath = xasprintf("%s/hook.error", dir);
    text = read_file(cfg, NULL, err);
    s = text ? rlx_spec_parse(text, st.bundle, err) : NULL;
    if (s == NULL) {
        rlx_state_free(&st);
        return -1;
    }
    st.pid = pid_env ? atoi(pid_env) : 0;
    o = rlx_state_to_json(&st, "creating");
    sj = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    if (strcmp(type, "start-host") == 0) {
        r = rlx_hooks_run(s->hooks[RLX_HOOK_PRESTART], s->n_hooks[RLX_HOOK_PRESTART], "prestart", sj, err);
        if (r == 0)
            r = rlx_hooks_run(s->hooks[RLX_HOOK_CREATE_RUNTIME], s->n_hooks[RLX_HOOK_CREATE_RUNTIME],
                              "createRuntime", sj, err);
        if (r == 0)
            r = rlx_hooks_run(s->hooks[RLX_HOOK_CREATE_CONTAINER], s->n_hooks[RLX_HOOK_CREATE_CONTAINER],
                              "createContainer", sj, err);
    } else {
        r = rlx_error(err, 0, "hook: unknown hook type '%s'", type);
    }
    if (r < 0) {
        rlx_error_t e = NULL;
        write_file_atomic(errpath, rlx_error_text(err), strlen(rlx_error_text(err)), 0600, &e);
        rlx_error_release(&e);
    }
    rlx_spec_free(s);
    rlx_state_free(&st);
    return r;
}
