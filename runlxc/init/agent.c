/* See agent.h. Runs inside the container with runlxc-init's privileges, before the payload's
 * identity and capabilities are applied: it must only ever serve runlxc on the host. */
#include "agent.h"
#include "initmsg.h"
#include "util.h"
#include "syscalls.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FDS 64

/* The relay: receives the new process's fds and description, forks it, reports its exit. */
static void __attribute__((noreturn)) relay(int conn, rlx_agent_spawn_fn spawn)
{
    int fds[MAX_FDS], targets[MAX_FDS], n = 0, top = 2, type;
    char *data = NULL;
    size_t len = 0;
    pid_t x;
    char code[16];

    signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        int fd = -1;
        free(data);
        data = NULL;
        type = rlx_msg_recv(conn, &data, &len, &fd, NULL);
        if (type != MSG_FD)
            break;
        if (fd < 0 || n == MAX_FDS)
            rlx_msg_fail(conn, "runlxc-agent: bad fd message");
        fds[n] = fd;
        targets[n] = atoi(data);
        if (targets[n] < 0 || targets[n] >= MAX_FDS)
            rlx_msg_fail(conn, "runlxc-agent: fd number %d out of range", targets[n]);
        if (targets[n] > top)
            top = targets[n];
        n++;
    }
    if (type != MSG_CONFIG)
        _exit(1);
    /* Everything above the targets first, so that no dup2 overwrites a source. */
    conn = fd_move_above(conn, top + 1);
    for (int i = 0; i < n; i++)
        fds[i] = fd_move_above(fds[i], top + 1);
    if (conn < 0)
        _exit(1);
    for (int i = 0; i < n; i++)
        if (fds[i] < 0 || dup2(fds[i], targets[i]) < 0)
            rlx_msg_fail(conn, "runlxc-agent: dup2: %s", strerror(errno));
    for (int i = 0; i < n; i++)
        close(fds[i]);
    x = fork();
    if (x < 0)
        rlx_msg_fail(conn, "runlxc-agent: fork: %s", strerror(errno));
    if (x == 0) {
        signal(SIGPIPE, SIG_DFL);
        spawn(conn, data, len);
    }
    /* Only the process may hold the caller's stdio: its end is the caller's EOF. */
    for (int i = 0; i < n; i++)
        close(targets[i]);
    snprintf(code, sizeof(code), "%d", wait_child_code(x));
    rlx_msg_send(conn, MSG_EXIT, code, strlen(code), -1);
    _exit(0);
}

static void __attribute__((noreturn)) agent_main(int listen_fd, bool check_peer_pid, rlx_agent_spawn_fn spawn)
{
    struct sigaction reap_children = {.sa_handler = SIG_IGN, .sa_flags = SA_NOCLDWAIT};

    prctl(PR_SET_NAME, "runlxc-agent", 0, 0, 0);
    /* Not dumpable: without CAP_SYS_PTRACE nothing in the container can ptrace us or read
     * our /proc/PID/{mem,fd}. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    stdio_to_devnull();
    listen_fd = fd_move_above(listen_fd, 3);
    if (listen_fd < 0)
        _exit(1);
    fcntl(listen_fd, F_SETFD, FD_CLOEXEC);
    rlx_close_fds_from(listen_fd + 1);
    for (int fd = 3; fd < listen_fd; fd++)
        close(fd);
    if (chdir("/") < 0)
        _exit(1);
    sigaction(SIGCHLD, &reap_children, NULL);
    for (;;) {
        struct ucred cred;
        socklen_t cl = sizeof(cred);
        int conn = accept(listen_fd, NULL, NULL);
        pid_t r;
        if (conn < 0)
            continue;
        fcntl(conn, F_SETFD, FD_CLOEXEC);
        setsockopt(conn, SOL_SOCKET, SO_PASSCRED, &(int){1}, sizeof(int));
        r = fork();
        if (r == 0) {
            close(listen_fd);
            /* A peer outside our pid namespace shows pid 0: that is runlxc on the host.
             * Anything we can see is a process of this container, whatever its uid. */
            if (check_peer_pid && (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0 || cred.pid != 0))
                rlx_msg_fail(conn, "runlxc-agent: refused: the caller is inside the container");
            relay(conn, spawn);
        }
        close(conn);
    }
}

pid_t rlx_agent_start(int listen_fd, bool check_peer_pid, rlx_agent_spawn_fn spawn)
{
    pid_t pid = fork();
    if (pid == 0)
        agent_main(listen_fd, check_peer_pid, spawn);
    return pid;
}
