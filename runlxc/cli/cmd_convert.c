/* convert: LXC containers to OCI bundles and images (runlxc convert ... = runlxc-convert ...),
 * a program of its own so that runlxc does not load libarchive and libcrypto. */
#include "cli.h"

int cmd_convert(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    (void)g;
    (void)argc;
    return cli_exec_program("convert", RUNLXC_CONVERT_PATH, argv, err);
}
