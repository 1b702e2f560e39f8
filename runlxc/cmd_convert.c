/* convert: LXC containers to OCI bundles and images (runlxc convert ... = runlxc-convert ...),
 * a program of its own so that runlxc does not load libarchive and libcrypto. */
#include "cli.h"
#include <stddef.h>
#include <errno.h>
#include <unistd.h>

int cmd_convert(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    (void)g;
    (void)argc;
    argv[0] = (char *)"runlxc-convert";
    execv(RUNLXC_CONVERT_PATH, argv);
    return rlx_error(err, errno, "convert: exec %s", RUNLXC_CONVERT_PATH);
}
