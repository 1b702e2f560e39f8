#include "cli.h"
#include <stddef.h>
#include "container.h"
#include <getopt.h>

int cmd_delete(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    bool force = false;
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
        if (c != 'f')
            return rlx_error(err, 0, "delete: unknown option '%s'", argv[optind - 1]);
        force = true;
    }
    if (cli_expect_args("delete", argc - optind, 1, 1, "[--force] ID", err) < 0)
        return -1;
    return rlx_container_delete(g, argv[optind], force, err);
}
