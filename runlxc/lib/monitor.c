#include "monitor.h"
#include "initmsg.h"
#include "liblxc_load.h"
#include "supervise.h"
#include "syscalls.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <lxc/lxccontainer.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


/* Kernels without PR_SET_CHILD_SUBREAPER: init cannot be reparented to anyone who would
 * learn its exit status, so the monitor process stays its parent, but not as liblxc's
 * monitor: runlxc create sends init's pid down the hand-off socket and signals SIGWINCH,
 * one of the few signals liblxc's monitor leaves unblocked (liblxc refuses to start
 * non-daemonized when threaded, so no thread can wait instead). The handler execs
 * `runlxc-init reap`, which keeps our pid, and so our child init, and nothing of liblxc.
 * A handler needs its inputs in static storage; they are set once, in the monitor child. */
static struct {
    int fd, init_fd;
    char *status_path;
} handoff = {-1, -1, NULL};

static void fmt_int(char *buf, size_t n, long v)   /* async-signal-safe */
{
    char tmp[24];
    size_t i = 0, j = 0;
    do
        tmp[i++] = (char)('0' + v % 10);
    while ((v /= 10) > 0 && i < sizeof(tmp));
    while (i > 0 && j + 1 < n)
        buf[j++] = tmp[--i];
    buf[j] = '\0';
}

static void handoff_on_sigwinch(int sig)
{
    pid_t init_pid;
    char pid_s[24], fd_s[24], exe[48] = "/proc/self/fd/";
    (void)sig;
    /* A terminal resize also sends SIGWINCH: without a pid waiting, it is not ours. */
    if (read(handoff.fd, &init_pid, sizeof(init_pid)) != sizeof(init_pid))
        return;
    fmt_int(pid_s, sizeof(pid_s), init_pid);
    fmt_int(fd_s, sizeof(fd_s), handoff.fd);
    fmt_int(exe + strlen(exe), sizeof(exe) - strlen(exe), handoff.init_fd);
    fcntl(handoff.fd, F_SETFD, 0);
    /* From here this process outlives create by design: no longer die with it (a
     * parent-death signal survives execve of a program that is not set-id). */
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    {
        char *argv[] = {(char *)"runlxc-reaper", (char *)"reap", pid_s, handoff.status_path, fd_s, NULL};
        execve(exe, argv, (char *[]){NULL});
    }
    _exit(255);
}

/* liblxc (fix_stdio_permissions) fchmods its child's stdio to 0700 unless they are the
 * device the container's /dev/null is: with a rootfs that brings its own /dev, that is the
 * caller's files and terminal, and with an image whose /dev/null is a symlink
 * (CVE-2025-31133's) the host's /dev/null. liblxc gets a pipe as stdio instead, and
 * runlxc-init takes the caller's back from the fds named in its argv (-1: closed). */
static void monitor_take_stdio(const struct rlx_monitor_args *a, int sync_fd, int stdio[3])
{
    int pipe_fds[2], r, w;
    for (int i = 0; i < 3; i++)
        if ((stdio[i] = fcntl(i, F_DUPFD, a->first_free_fd)) < 0 && errno != EBADF)
            rlx_msg_fail(sync_fd, "dup stdio: %s", strerror(errno));
    if (pipe(pipe_fds) < 0 || (r = fcntl(pipe_fds[0], F_DUPFD, a->first_free_fd)) < 0 ||
        (w = fcntl(pipe_fds[1], F_DUPFD, a->first_free_fd)) < 0)
        rlx_msg_fail(sync_fd, "pipe: %s", strerror(errno));
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    if (dup2(r, 0) < 0 || dup2(w, 1) < 0 || dup2(w, 2) < 0)
        rlx_msg_fail(sync_fd, "dup2: %s", strerror(errno));
    close(r);
    close(w);
}

/* Join namespaces given by path; liblxc's clone() then inherits them. */
static void monitor_join_namespaces(const struct rlx_spec *spec, int sync_fd)
{
    for (size_t i = 0; i < spec->n_namespaces; i++) {
        const struct rlx_namespace *ns = &spec->namespaces[i];
        int fd;
        /* liblxc joins a user namespace itself: the monitor must keep the host's ids. */
        if (ns->path == NULL || ns->flag == CLONE_NEWUSER)
            continue;
        fd = open(ns->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || rlx_setns(fd, ns->flag) < 0)
            rlx_msg_fail(sync_fd, "linux.namespaces[%zu].path: join %s namespace %s: %s", i, ns->name, ns->path,
                         strerror(errno));
        close(fd);
    }
}

/* The namespaces runlxc-init leaves for ours (lxcconf.c's tr_legacy_namespaces), as
 * "fd:CLONE_NEW*,..." for its argv: fds liblxc's child inherits (close_all_fds is off). */
static void monitor_namespaces_for_init(const struct rlx_monitor_args *a, int sync_fd, char *out, size_t size)
{
    static const struct { int flag; const char *name; } ns[] = {
        {CLONE_NEWUTS, "uts"}, {CLONE_NEWIPC, "ipc"}, {CLONE_NEWCGROUP, "cgroup"},
    };
    size_t used = 0;
    for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
        char path[32];
        int fd;
        if (!(a->conf->init_rejoins_ns & ns[i].flag))
            continue;
        snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i].name);
        if ((fd = open(path, O_RDONLY)) < 0 || (fd = fd_move_above(fd, a->first_free_fd)) < 0)
            rlx_msg_fail(sync_fd, "open %s: %s", path, strerror(errno));
        used += (size_t)snprintf(out + used, size - used, "%s%d:%d", used ? "," : "", fd, ns[i].flag);
    }
}

/* Runs in the forked child: becomes liblxc's non-daemonized monitor. runlxc create kills it
 * as soon as init reports ready, so that init is reparented to the caller's subreaper. */
static void __attribute__((noreturn)) monitor_main(const struct rlx_monitor_args *args, pid_t creator)
{
    struct rlx_monitor_args copy = *args, *a = &copy;
    cleanup_free char *fifo = xasprintf("%s/exec.fifo", a->state_dir);
    struct lxc_container *c;
    struct rlx_lxc_api lxc;
    rlx_error_t lerr = NULL;
    int sync_fd, fifo_fd, init_fd, stdio[3];
    char sync_s[16], fifo_s[16], init_path[64], stdio_s[48], ns_s[96] = "";
    char *argv[6];

    prctl(PR_SET_NAME, "runlxc-monitor", 0, 0, 0);
    /* The monitor dies with create (issue 15): a create killed by an engine's timeout would
     * otherwise leave it building the container after `delete --force` had run. liblxc's
     * child (until runlxc-init clears it) dies with the monitor in turn. A create that died
     * before this prctl is seen by getppid(). */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != creator)
        _exit(1);
    rlx_reset_signals();
    sync_fd = fd_move_above(a->sync_fd, a->first_free_fd);
    fifo_fd = open(fifo, O_RDONLY | O_NONBLOCK);
    if (sync_fd < 0 || fifo_fd < 0)
        rlx_msg_fail(a->sync_fd, "open %s: %s", fifo, strerror(errno));
    fifo_fd = fd_move_above(fifo_fd, a->first_free_fd);
    init_fd = fd_move_above(a->init_fd, a->first_free_fd);
    if (a->handoff_fd >= 0 && ((a->handoff_fd = fd_move_above(a->handoff_fd, a->first_free_fd)) < 0 ||
                               fcntl(a->handoff_fd, F_SETFD, FD_CLOEXEC) < 0))
        rlx_msg_fail(sync_fd, "dup: %s", strerror(errno));
    if (fifo_fd < 0 || init_fd < 0)
        rlx_msg_fail(sync_fd, "dup: %s", strerror(errno));
    monitor_take_stdio(a, sync_fd, stdio);
    monitor_join_namespaces(a->spec, sync_fd);
    if (rlx_lxc_load(&lxc, &lerr) < 0)
        rlx_msg_fail(sync_fd, "%s", rlx_error_text(&lerr));
    c = lxc.container_new(a->id, a->g->root);
    if (c == NULL)
        rlx_msg_fail(sync_fd, "liblxc: cannot create container object");
    for (size_t i = 0; i < a->conf->n; i++)
        if (!c->set_config_item(c, a->conf->keys[i], a->conf->values[i]))
            rlx_msg_fail(sync_fd, "liblxc rejected %s = %s", a->conf->keys[i], a->conf->values[i]);
    c->want_daemonize(c, false);
    c->want_close_all_fds(c, false);
    if (a->handoff_fd >= 0) {
        struct sigaction sa = {.sa_handler = handoff_on_sigwinch};
        sigfillset(&sa.sa_mask);
        handoff.fd = a->handoff_fd;
        handoff.init_fd = init_fd;
        handoff.status_path = xasprintf("%s/exit-status", a->state_dir);
        fcntl(handoff.fd, F_SETFL, O_NONBLOCK);
        sigaction(SIGWINCH, &sa, NULL);
    }
    snprintf(sync_s, sizeof(sync_s), "%d", sync_fd);
    snprintf(fifo_s, sizeof(fifo_s), "%d", fifo_fd);
    snprintf(init_path, sizeof(init_path), "/proc/self/fd/%d", init_fd);
    snprintf(stdio_s, sizeof(stdio_s), "%d,%d,%d", stdio[0], stdio[1], stdio[2]);
    monitor_namespaces_for_init(a, sync_fd, ns_s, sizeof(ns_s));
    /* Where liblxc's mount hook finds create (cmd_hook.c): liblxc's child and its hooks
     * inherit this fd and the environment; runlxc-init gives the payload its own. */
    setenv("RUNLXC_HOOK_FD", sync_s, 1);
    argv[0] = init_path;
    argv[1] = sync_s;
    argv[2] = fifo_s;
    argv[3] = stdio_s;
    argv[4] = ns_s[0] ? ns_s : NULL;
    argv[5] = NULL;
    _exit(c->start(c, 0, argv) ? 0 : 1);
}

pid_t rlx_monitor_spawn(const struct rlx_monitor_args *a, const int close_in_child[2])
{
    sigset_t all, saved;
    pid_t creator = getpid(), pid;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &saved);
    pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 2; i++)
            if (close_in_child[i] >= 0)
                close(close_in_child[i]);
        monitor_main(a, creator);
    }
    {
        int saved_errno = errno;
        sigprocmask(SIG_SETMASK, &saved, NULL);
        errno = saved_errno;
    }
    return pid;
}

void rlx_monitor_retire(pid_t monitor, int sync_fd)
{
    if (sync_fd >= 0)
        shutdown(sync_fd, SHUT_RDWR);
    for (int i = 0; i < 500; i++) {
        pid_t r = waitpid(monitor, NULL, WNOHANG);
        if (r == monitor || (r < 0 && errno == ECHILD))
            return;
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    kill(monitor, SIGKILL);
    waitpid(monitor, NULL, 0);
}

