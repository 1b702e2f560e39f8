/* exec: runc's flags; exit status of the process, 255 when runlxc itself fails. */
#include "cli.h"
#include "container.h"
#include "util.h"
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>

int cmd_exec(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    static const struct option opts[] = {
        {"process", required_argument, NULL, 'p'}, {"tty", no_argument, NULL, 't'},
        {"console-socket", required_argument, NULL, 'C'}, {"detach", no_argument, NULL, 'd'},
        {"pid-file", required_argument, NULL, 'P'}, {"cwd", required_argument, NULL, 'w'},
        {"env", required_argument, NULL, 'e'}, {"user", required_argument, NULL, 'u'},
        {"additional-gids", required_argument, NULL, 'g'}, {"cap", required_argument, NULL, 'c'},
        {"no-new-privs", no_argument, NULL, 'n'}, {"apparmor", required_argument, NULL, 'a'},
        {"process-label", required_argument, NULL, 'l'}, {"preserve-fds", required_argument, NULL, 'f'},
        {"ignore-paused", no_argument, NULL, 'i'}, {"cgroup", required_argument, NULL, 'G'},
        {"pidfd-socket", required_argument, NULL, 'S'}, {NULL, 0, NULL, 0},
    };
    struct rlx_exec_opts o = {0};
    int c, r;
    char *end;

    optind = 1;
    opterr = 0;
    /* '+': options stop at the container id; what follows is the command. */
    while ((c = getopt_long(argc, argv, "+p:tde:u:g:c:", opts, NULL)) != -1) {
        switch (c) {
        case 'p': o.process_path = optarg; break;
        case 't': o.tty = true; break;
        case 'C': o.console_socket = optarg; break;
        case 'd': o.detach = true; break;
        case 'P': o.pid_file = optarg; break;
        case 'w': o.cwd = optarg; break;
        case 'e': strv_push(&o.env, optarg); break;
        case 'u': o.user = optarg; break;
        case 'g': strv_push(&o.additional_gids, optarg); break;
        case 'c': strv_push(&o.caps, optarg); break;
        case 'n': o.no_new_privs = true; break;
        case 'a': o.apparmor = optarg; break;
        case 'l': o.process_label = optarg; break;
        case 'i': o.ignore_paused = true; break;
        case 'G': strv_push(&o.cgroups, optarg); break;
        case 'f':
            o.preserve_fds = (int)strtol(optarg, &end, 10);
            if (*end || o.preserve_fds < 0) {
                rlx_error(err, 0, "exec: --preserve-fds: '%s' is not a non-negative number", optarg);
                goto fail;
            }
            break;
        case 'S':
            rlx_error(err, 0, "exec: --pidfd-socket is not supported by runlxc");
            goto fail;
        default:
            rlx_error(err, 0, "exec: unknown or incomplete option '%s'", argv[optind - 1]);
            goto fail;
        }
    }
    if (cli_expect_args("exec", argc - optind, 1, -1, "[OPTIONS] ID [COMMAND [ARG...]]", err) < 0)
        goto fail;
    if (o.process_path == NULL)
        o.args = argv + optind + 1;
    r = rlx_container_exec(g, argv[optind], &o, err);
    strv_free(o.env);
    strv_free(o.additional_gids);
    strv_free(o.caps);
    strv_free(o.cgroups);
    if (r < 0)
        return -1;
    if (!o.detach)
        exit(r);
    return 0;
fail:
    strv_free(o.env);
    strv_free(o.additional_gids);
    strv_free(o.caps);
    strv_free(o.cgroups);
    return -1;
}
