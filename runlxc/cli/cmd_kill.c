#include "cli.h"
#include <stddef.h>
#include "container.h"
#include "signals.h"
#include <getopt.h>
#include <signal.h>
#include <string.h>

int cmd_kill(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
    bool all = false;
    int c, sig = RLX_DEFAULT_STOP_SIGNAL;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "a", opts, NULL)) != -1) {
        if (c != 'a')
            return rlx_error(err, 0, "kill: unknown option '%s'", argv[optind - 1]);
        all = true;
    }
    if (cli_expect_args("kill", argc - optind, 1, 2, "[--all] ID [SIGNAL]", err) < 0)
        return -1;
    if (argc - optind == 2) {
        /* Signal 0 checks that the container is alive and may be signalled, as kill(2). */
        sig = strcmp(argv[optind + 1], "0") == 0 ? 0 : rlx_signal_parse(argv[optind + 1]);
        if (sig < 0)
            return rlx_error(err, 0, "kill: unknown signal '%s'", argv[optind + 1]);
    }
    return rlx_container_kill(g, argv[optind], sig, all, err);
}
