/* console: attach to one of a container's ttys (/dev/ttyN, annotation org.runlxc.ttys), as
 * lxc-console does: -t N picks the tty, -e C the escape key (Ctrl+C; "<Ctrl+C> q" detaches).
 * Not a runc command: runc has no ttys but /dev/console, which belongs to the engine. */
#include "cli.h"
#include "state.h"
#include "ttys.h"
#include "util.h"
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

/* Copies stdin to the tty and the tty to stdout until the user detaches, stdin ends or the
 * holder goes (it keeps the slave open too, so a tty nobody inside has open does not read as
 * hung up). A keyboard gets raw mode, the escape key and the terminal's size, again at each
 * resize (SIGWINCH), as lxc-console; a pipe's bytes pass as they are. */
static void relay(int master, int conn, int escape)
{
    struct termios saved, raw;
    bool keyboard = isatty(0) && tcgetattr(0, &saved) == 0, pending = false;
    sigset_t winch, old_mask;
    cleanup_close int sfd = -1;

    if (keyboard) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(0, TCSADRAIN, &raw);
        sigemptyset(&winch);
        sigaddset(&winch, SIGWINCH);
        sigprocmask(SIG_BLOCK, &winch, &old_mask);
        sfd = signalfd(-1, &winch, SFD_CLOEXEC);
        rlx_copy_winsize(0, master);
    }
    for (;;) {
        struct pollfd p[4] = {{0, POLLIN, 0}, {master, POLLIN, 0}, {conn, POLLIN, 0}, {sfd, POLLIN, 0}};
        char in[4096], out[8192];
        size_t out_n;
        ssize_t n;
        if (poll(p, 4, -1) < 0)
            continue;
        if (p[3].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof(si)) == sizeof(si))
                rlx_copy_winsize(0, master);
            continue;
        }
        if (p[1].revents) {
            n = read(master, in, sizeof(in));
            if (n <= 0)
                break;
            write_all(1, in, (size_t)n);
            continue;
        }
        if (p[2].revents)
            break;
        if (p[0].revents) {
            n = read(0, in, sizeof(in));
            if (n <= 0)
                break;
            if (!keyboard) {
                write_all(master, in, (size_t)n);
                continue;
            }
            if (rlx_ttys_filter_escape(in, (size_t)n, out, &out_n, escape, &pending))
                break;
            write_all(master, out, out_n);
        }
    }
    if (keyboard) {
        tcsetattr(0, TCSADRAIN, &saved);
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
    }
}

int cmd_console(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    static const struct option opts[] = {
        {"tty", required_argument, NULL, 't'}, {"escape", required_argument, NULL, 'e'}, {NULL, 0, NULL, 0}};
    struct rlx_state st;
    cleanup_free char *dir = NULL;
    cleanup_close int master = -1, conn = -1;
    int tty = 1, escape = 'a' & 0x1f, c;
    char *end;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+t:e:", opts, NULL)) != -1) {
        if (c == 't') {
            tty = (int)strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end || tty < 1)
                return rlx_error(err, 0, "console: --tty must be a tty number from 1, not '%s'", optarg);
        } else if (c == 'e') {
            if (strlen(optarg) != 1 || optarg[0] < 'a' || optarg[0] > 'z')
                return rlx_error(err, 0, "console: --escape must be one letter a-z (Ctrl+letter), not '%s'", optarg);
            escape = optarg[0] & 0x1f;
        } else {
            return rlx_error(err, 0, "console: unknown option '%s'", argv[optind - 1]);
        }
    }
    if (cli_expect_args("console", argc - optind, 1, 1, "[--tty N] [--escape C] ID", err) < 0)
        return -1;
    if (rlx_state_load(g->root, argv[optind], &st, err) < 0)
        return -1;
    dir = rlx_state_dir(g->root, argv[optind]);
    if (!rlx_state_init_alive(&st)) {
        rlx_state_free(&st);
        return rlx_error(err, 0, "container '%s' is not running", argv[optind]);
    }
    rlx_state_free(&st);
    if (rlx_ttys_attach(dir, argv[optind], tty, &master, &conn, err) < 0)
        return -1;
    if (isatty(0))
        fprintf(stderr, "Connected to tty %d\r\nType <Ctrl+%c q> to exit the console, <Ctrl+%c Ctrl+%c> to enter "
                "Ctrl+%c itself\r\n", tty, escape + 'a' - 1, escape + 'a' - 1, escape + 'a' - 1, escape + 'a' - 1);
    relay(master, conn, escape);
    return 0;
}
