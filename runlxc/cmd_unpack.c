/* unpack: the image unpacker as a subcommand (runlxc unpack SOURCE BUNDLE = runlxc-unpack). */
#include "cli.h"
#include <stddef.h>
#include <errno.h>
#include <unistd.h>

int cmd_unpack(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    (void)g;
    (void)argc;
    argv[0] = (char *)"runlxc-unpack";
    execv(RUNLXC_UNPACK_PATH, argv);
    return rlx_error(err, errno, "unpack: exec %s", RUNLXC_UNPACK_PATH);
}
