/* run: create + start (rlx_container_run); in the foreground, exits with the container's
 * status (128+n for signal n). */
#include "cli.h"
#include "container.h"
#include <stdlib.h>

int cmd_run(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    struct rlx_create_opts o = {0};
    bool detach = false, keep = false;
    int i, code;

    i = cli_parse_create_opts("run", argc, argv, &o, &detach, &keep, err);
    if (i < 0 || cli_expect_args("run", argc - i, 1, 1, "[OPTIONS] ID", err) < 0)
        return -1;
    code = rlx_container_run(g, argv[i], &o, detach, keep, err);
    if (detach || code < 0)
        return code;
    exit(code);
}
