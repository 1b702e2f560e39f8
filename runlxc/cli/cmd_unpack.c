/* unpack: the image unpacker as a subcommand (runlxc unpack SOURCE BUNDLE = runlxc-unpack). */
#include "cli.h"

int cmd_unpack(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    (void)g;
    (void)argc;
    return cli_exec_program("unpack", RUNLXC_UNPACK_PATH, argv, err);
}
