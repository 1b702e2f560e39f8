#include "cli.h"
#include <stddef.h>
#include "container.h"
#include <getopt.h>
#include <stdlib.h>

int cli_parse_create_opts(const char *cmd, int argc, char **argv, struct rlx_create_opts *o, bool *detach,
                          bool *keep, rlx_error_t *err)
{
    static const struct option opts[] = {
        {"bundle", required_argument, NULL, 'b'}, {"pid-file", required_argument, NULL, 'p'},
        {"console-socket", required_argument, NULL, 'c'}, {"no-pivot", no_argument, NULL, 'P'},
        {"no-new-keyring", no_argument, NULL, 'K'}, {"preserve-fds", required_argument, NULL, 'f'},
        {"pidfd-socket", required_argument, NULL, 'S'}, {"detach", no_argument, NULL, 'd'},
        {"keep", no_argument, NULL, 'k'}, {"no-subreaper", no_argument, NULL, 'R'}, {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "b:d", opts, NULL)) != -1) {
        switch (c) {
        case 'b': o->bundle = optarg; break;
        case 'p': o->pid_file = optarg; break;
        case 'c': o->console_socket = optarg; break;
        case 'P': o->no_pivot = true; break;
        case 'K': o->no_new_keyring = true; break;
        case 'f': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 0 || n > 65535)
                return rlx_error(err, 0, "%s: --preserve-fds: '%s' is not a non-negative number", cmd, optarg);
            o->preserve_fds = (int)n;
            break;
        }
        case 'S': return rlx_error(err, 0, "%s: --pidfd-socket is not supported by runlxc", cmd);
        case 'd':
            if (!detach)
                return rlx_error(err, 0, "%s: unknown option -d", cmd);
            *detach = true;
            break;
        case 'k':
            if (!keep)
                return rlx_error(err, 0, "%s: unknown option --keep", cmd);
            *keep = true;
            break;
        case 'R': break;
        default:
            return rlx_error(err, 0, "%s: unknown or incomplete option '%s'", cmd, argv[optind - 1]);
        }
    }
    return optind;
}

int cmd_create(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    struct rlx_create_opts o = {0};
    struct rlx_created out;
    int i = cli_parse_create_opts("create", argc, argv, &o, NULL, NULL, err);
    if (i < 0 || cli_expect_args("create", argc - i, 1, 1, "[OPTIONS] ID", err) < 0)
        return -1;
    return rlx_container_create(g, argv[i], &o, &out, err);
}
