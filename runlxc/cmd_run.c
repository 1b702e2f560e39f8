/* run: create + start; in the foreground runlxc is the container's subreaper, forwards
 * signals to it, relays its terminal, and exits with its status (128+n for signal n). */
#include "cli.h"
#include <stddef.h>
#include "container.h"
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

static int exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

static void copy_fd(int from, int to, bool *open_flag)
{
    char buf[8192];
    ssize_t n = read(from, buf, sizeof(buf));
    if (n <= 0) {
        *open_flag = false;
        return;
    }
    write_all(to, buf, (size_t)n);
}

/* Waits for init, forwarding signals and relaying the pty if there is one. */
static int supervise(pid_t init, int master, int sfd)
{
    bool in_open = master >= 0, out_open = master >= 0;
    struct termios saved;
    bool raw = false;
    int status = 0;

    if (master >= 0 && isatty(0) && tcgetattr(0, &saved) == 0) {
        struct termios t = saved;
        struct winsize ws;
        cfmakeraw(&t);
        raw = tcsetattr(0, TCSANOW, &t) == 0;
        if (ioctl(0, TIOCGWINSZ, &ws) == 0)
            ioctl(master, TIOCSWINSZ, &ws);
    }
    for (;;) {
        struct pollfd p[3] = {{sfd, POLLIN, 0}, {in_open ? 0 : -1, POLLIN, 0}, {out_open ? master : -1, POLLIN, 0}};
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents)
            copy_fd(0, master, &in_open);
        if (p[2].revents)
            copy_fd(master, 1, &out_open);
        if (p[0].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof(si)) != sizeof(si))
                continue;
            if (si.ssi_signo == SIGCHLD) {
                pid_t r;
                bool done = false;
                while ((r = waitpid(-1, &status, WNOHANG)) > 0)
                    if (r == init)
                        done = true;
                if (done) {
                    /* Drain what the payload wrote before it exited. */
                    while (out_open && poll(&(struct pollfd){master, POLLIN, 0}, 1, 0) > 0)
                        copy_fd(master, 1, &out_open);
                    break;
                }
            } else if (si.ssi_signo == SIGWINCH && master >= 0) {
                struct winsize ws;
                if (ioctl(0, TIOCGWINSZ, &ws) == 0)
                    ioctl(master, TIOCSWINSZ, &ws);
            } else {
                kill(init, (int)si.ssi_signo);
            }
        }
    }
    if (raw)
        tcsetattr(0, TCSANOW, &saved);
    return exit_code(status);
}

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
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGILL);
    sigdelset(&all, SIGFPE);
    sigprocmask(SIG_BLOCK, &all, &saved);
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
    code = supervise(out.pid, out.pty_master, sfd);
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
