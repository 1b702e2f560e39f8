/* run: create + start; in the foreground runlxc is the container's subreaper, forwards
 * signals to it, relays its terminal, and exits with its status (128+n for signal n). */
#include "cli.h"
#include <stddef.h>
#include "container.h"
#include "supervise.h"
#include "util.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif

int cmd_run(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    struct rlx_create_opts o = {0};
    struct rlx_created out;
    bool detach = false, keep = false;
    sigset_t all, saved;
    int i, sfd, code;
    const char *id;

    i = cli_parse_create_opts("run", argc, argv, &o, &detach, &keep, err);
    if (i < 0 || cli_expect_args("run", argc - i, 1, 1, "[OPTIONS] ID", err) < 0)
        return -1;
    id = argv[i];
    if (detach) {
        if (rlx_container_create(g, id, &o, &out, err) < 0)
            return -1;
        if (rlx_container_start(g, id, err) < 0) {
            rlx_error_t e = NULL;
            rlx_container_delete(g, id, true, &e);
            rlx_error_release(&e);
            return -1;
        }
        return 0;
    }
    /* The container's init is reparented to us when liblxc's monitor goes away. */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    o.foreground = true;
    /* Block everything we forward before the container exists, so no signal is lost; the
     * monitor child restores the original mask before liblxc runs. */
    rlx_block_forwarded_signals(&all, &saved);
    if (rlx_container_create(g, id, &o, &out, err) < 0) {
        sigprocmask(SIG_SETMASK, &saved, NULL);
        return -1;
    }
    sfd = signalfd(-1, &all, SFD_CLOEXEC);
    if (sfd < 0 || rlx_container_start(g, id, err) < 0) {
        rlx_error_t e = NULL;
        if (sfd < 0)
            rlx_error(err, errno, "signalfd");
        rlx_container_delete(g, id, true, &e);
        rlx_error_release(&e);
        sigprocmask(SIG_SETMASK, &saved, NULL);
        return -1;
    }
    code = rlx_rich_exit_code(&out.rich, rlx_supervise(out.pid, out.reaper, -1, out.pty_master, sfd));
    close(sfd);
    if (out.pty_master >= 0)
        close(out.pty_master);
    sigprocmask(SIG_SETMASK, &saved, NULL);
    if (!keep) {
        rlx_error_t e = NULL;
        if (rlx_container_delete(g, id, true, &e) < 0)
            rlx_log(g, "warning", "run: cleanup: %s", rlx_error_text(&e));
        rlx_error_release(&e);
    }
    exit(code);
}
