#include "cli.h"
#include <stddef.h>
#include "state.h"
#include "util.h"
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_state(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    struct rlx_state st;
    cleanup_free char *dir = NULL;
    struct json_object *o;
    const char *status;

    if (cli_expect_args("state", argc - 1, 1, 1, "ID", err) < 0)
        return -1;
    if (rlx_state_load(g->root, argv[1], &st, err) < 0)
        return -1;
    dir = rlx_state_dir(g->root, argv[1]);
    status = rlx_state_status(dir, &st);
    o = rlx_state_to_json(&st, status);
    if (strcmp(status, "stopped") == 0) {
        /* Kernels without subreapers: runlxc-init's reaper recorded the exit code (an
         * extension of runc's state: no engine there can reap the container itself). */
        cleanup_free char *path = xasprintf("%s/exit-status", dir);
        cleanup_free char *code = NULL;
        rlx_error_t e = NULL;
        code = read_file(path, NULL, &e);
        rlx_error_release(&e);
        if (code)
            json_object_object_add(o, "exitStatus", json_object_new_int(atoi(code)));
    }
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    rlx_state_free(&st);
    return 0;
}
