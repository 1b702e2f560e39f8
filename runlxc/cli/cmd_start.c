#include "cli.h"
#include <stddef.h>
#include "container.h"

int cmd_start(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    if (cli_expect_args("start", argc - 1, 1, 1, "ID", err) < 0)
        return -1;
    return rlx_container_start(g, argv[1], err);
}
