#include "cli.h"
#include <stddef.h>
#include "state.h"
#include "util.h"
#include <json-c/json.h>
#include <stdio.h>

int cmd_state(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    struct rlx_state st;
    cleanup_free char *dir = NULL;
    struct json_object *o;

    if (cli_expect_args("state", argc - 1, 1, 1, "ID", err) < 0)
        return -1;
    if (rlx_state_load(g->root, argv[1], &st, err) < 0)
        return -1;
    dir = rlx_state_dir(g->root, argv[1]);
    o = rlx_state_to_json(&st, rlx_state_status(dir, &st));
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    rlx_state_free(&st);
    return 0;
}
