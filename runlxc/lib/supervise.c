/* The foreground side of `run` and `exec`: wait for the container's process (reparented to
 * us as subreaper), forward signals to it, relay its pty, and turn its status into an exit
 * code the way runc does (128+n for a death by signal n). */
#include "supervise.h"
#include "initmsg.h"
#include "util.h"
#include <stdlib.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>

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

/* What the payload wrote to its pty before it exited. */
static void drain(int master, bool *out_open)
{
    while (*out_open && poll(&(struct pollfd){master, POLLIN, 0}, 1, 0) > 0)
        copy_fd(master, 1, out_open);
}

/* Waits for init, forwarding signals and relaying the pty if there is one. */
int rlx_supervise(pid_t init, pid_t reaper, int exit_fd, int master, int sfd)
{
    bool in_open = master >= 0, out_open = master >= 0;
    struct termios saved;
    bool raw = false;
    int status = 0, code = -1;

    if (master >= 0 && isatty(0) && tcgetattr(0, &saved) == 0) {
        struct termios t = saved;
        cfmakeraw(&t);
        raw = tcsetattr(0, TCSANOW, &t) == 0;
        rlx_copy_winsize(0, master);
    }
    for (;;) {
        struct pollfd p[4] = {{sfd, POLLIN, 0}, {in_open ? 0 : -1, POLLIN, 0}, {out_open ? master : -1, POLLIN, 0},
                              {exit_fd, POLLIN, 0}};
        if (poll(p, 4, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents)
            copy_fd(0, master, &in_open);
        if (p[2].revents)
            copy_fd(master, 1, &out_open);
        if (p[3].revents) {
            char *data = NULL;
            code = rlx_msg_recv(exit_fd, &data, NULL, NULL, NULL) == MSG_EXIT ? atoi(data) : 255;
            free(data);
            drain(master, &out_open);
            break;
        }
        if (p[0].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof(si)) != sizeof(si))
                continue;
            if (si.ssi_signo == SIGCHLD) {
                pid_t r;
                bool done = false;
                int st;
                while ((r = waitpid(-1, &st, WNOHANG)) > 0)
                    if (r == init) {
                        status = st;
                        done = true;
                    } else if (reaper > 0 && r == reaper) {
                        code = WIFEXITED(st) ? WEXITSTATUS(st) : 255;
                        done = true;
                    }
                if (done) {
                    drain(master, &out_open);
                    break;
                }
            } else if (si.ssi_signo == SIGWINCH && master >= 0) {
                rlx_copy_winsize(0, master);
            } else {
                kill(init, (int)si.ssi_signo);
            }
        }
    }
    if (raw)
        tcsetattr(0, TCSANOW, &saved);
    return code >= 0 ? code : wait_exit_code(status);
}


void rlx_block_forwarded_signals(sigset_t *set, sigset_t *saved)
{
    sigfillset(set);
    sigdelset(set, SIGSEGV);
    sigdelset(set, SIGBUS);
    sigdelset(set, SIGILL);
    sigdelset(set, SIGFPE);
    sigprocmask(SIG_BLOCK, set, saved);
}

void rlx_reset_signals(void)
{
    sigset_t none;
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}
