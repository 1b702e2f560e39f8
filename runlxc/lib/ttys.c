#include "ttys.h"
#include "initmsg.h"
#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int rlx_ttys_count(const struct rlx_spec *s, int *n, rlx_error_t *err)
{
    const char *v = rlx_spec_annotation(s, RLX_TTYS_ANNOTATION);
    char *end;
    long k;

    *n = 0;
    if (v == NULL)
        return 0;
    errno = 0;
    k = strtol(v, &end, 10);
    if (errno || end == v || *end || k < 0 || k > RLX_TTYS_MAX)
        return rlx_error(err, 0, "annotations.%s: '%s' must be a number of ttys from 0 to %d", RLX_TTYS_ANNOTATION, v,
                         RLX_TTYS_MAX);
    *n = (int)k;
    return 0;
}

/* The host id a container id maps to, or -1 where the spec has no user namespace maps. */
static long long host_id(const struct rlx_idmap *m, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
            return (long long)m[i].host_id + (id - m[i].container_id);
    return -1;
}

int rlx_ttys_open(struct rlx_spec *s, int n, struct rlx_ttys *t, rlx_error_t *err)
{
    /* Inside a user namespace the host's root is nobody: the container's root owns its ttys,
     * with its tty group where that is mapped, as LXC chowns them. */
    static char *const bind_opts[] = {"bind", "nosuid", "noexec", NULL};
    long long uid = host_id(s->uid_mappings, s->n_uid_mappings, 0);
    long long gid = host_id(s->gid_mappings, s->n_gid_mappings, 5);
    if (gid < 0)
        gid = host_id(s->gid_mappings, s->n_gid_mappings, 0);

    t->n = 0;
    t->listen_fd = -1;
    t->masters = xcalloc((size_t)n, sizeof(int));
    t->slaves = xcalloc((size_t)n, sizeof(int));
    for (int i = 0; i < n; i++) {
        char slave[64], dest[32];
        int pt, m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (m < 0)
            return rlx_error(err, errno, "annotations.%s: open /dev/ptmx for tty%d", RLX_TTYS_ANNOTATION, i + 1);
        t->slaves[i] = -1;
        t->masters[t->n++] = m;
        if (unlockpt(m) != 0 || ioctl(m, TIOCGPTN, &pt) < 0)
            return rlx_error(err, errno, "annotations.%s: unlock the pty of tty%d", RLX_TTYS_ANNOTATION, i + 1);
        snprintf(slave, sizeof(slave), "/dev/pts/%d", pt);
        if ((t->slaves[i] = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
            return rlx_error(err, errno, "annotations.%s: open %s for tty%d", RLX_TTYS_ANNOTATION, slave, i + 1);
        if (uid >= 0 && chown(slave, (uid_t)uid, gid >= 0 ? (gid_t)gid : (gid_t)-1) < 0)
            return rlx_error(err, errno, "annotations.%s: chown %s to the container's root", RLX_TTYS_ANNOTATION, slave);
        snprintf(dest, sizeof(dest), "/dev/tty%d", i + 1);
        rlx_spec_insert_mount(s, s->n_mounts, dest, "bind", slave, bind_opts);
    }
    return 0;
}

int rlx_ttys_listen(struct rlx_ttys *t, const char *state_dir, rlx_error_t *err)
{
    cleanup_free char *path = xasprintf("%s/tty.sock", state_dir);
    t->listen_fd = rlx_unix_listen("tty socket", path, err);
    return t->listen_fd < 0 ? -1 : 0;
}

void rlx_ttys_close(struct rlx_ttys *t)
{
    for (int i = 0; i < t->n; i++) {
        close(t->masters[i]);
        if (t->slaves[i] >= 0)
            close(t->slaves[i]);
    }
    if (t->listen_fd >= 0)
        close(t->listen_fd);
    free(t->masters);
    free(t->slaves);
    t->masters = NULL;
    t->slaves = NULL;
    t->n = 0;
    t->listen_fd = -1;
}

/* The holder keeps nothing of its creator's: no lock, no liblxc channel, no caller's stdio. */
static void keep_only(const struct rlx_ttys *t)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3 && null >= 0; fd++)
        if (null != fd)
            dup2(null, fd);
    if (null > 2)
        close(null);
    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        int fd = atoi(e->d_name);
        bool keep = fd < 3 || fd == dirfd(d) || fd == t->listen_fd;
        for (int i = 0; i < t->n && !keep; i++)
            keep = fd == t->masters[i] || fd == t->slaves[i];
        if (e->d_name[0] != '.' && !keep)
            close(fd);
    }
    closedir(d);
}

/* Answers one console: the master of the tty it names, or why not. */
static void serve(const struct rlx_ttys *t, int *owner, int conn)
{
    char *req = NULL;
    size_t len;
    long k = 0;
    struct timeval tv = {2, 0};

    /* A peer that connects and says nothing must not stop the others. */
    setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (rlx_msg_recv(conn, &req, &len, NULL, NULL) == MSG_PTY)
        k = strtol(req, NULL, 10);
    free(req);
    if (k < 1 || k > t->n) {
        cleanup_free char *why = xasprintf("tty%ld: the container has %d tty%s (/dev/tty1..%d)", k, t->n,
                                           t->n == 1 ? "" : "s", t->n);
        rlx_msg_send(conn, MSG_ERROR, why, strlen(why), -1);
    } else if (owner[k - 1] >= 0) {
        cleanup_free char *why = xasprintf("tty%ld is busy: another console is attached to it", k);
        rlx_msg_send(conn, MSG_ERROR, why, strlen(why), -1);
    } else if (rlx_msg_send(conn, MSG_PTY, "", 0, t->masters[k - 1]) == 0) {
        owner[k - 1] = conn;
        return;
    }
    close(conn);
}

static void __attribute__((noreturn)) holder_main(const struct rlx_ttys *t, pid_t init, unsigned long long starttime)
{
    int *owner = xcalloc((size_t)t->n, sizeof(int));
    struct pollfd *pfd = xcalloc((size_t)t->n + 1, sizeof(*pfd));

    sigset_t none;

    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    /* `run` blocks signals for its signalfd: the holder must still die of a plain SIGTERM
     * (unblocked after the ignores, so a Ctrl+C pending for `run` does not end it). */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setsid();
    keep_only(t);
    if (chdir("/") < 0)
        _exit(1);
    for (int i = 0; i < t->n; i++)
        owner[i] = -1;
    /* Init's end is seen within a second: the masters then go, and with them the ptys. */
    while (proc_is_alive(init, starttime)) {
        pfd[0] = (struct pollfd){t->listen_fd, POLLIN, 0};
        for (int i = 0; i < t->n; i++)
            pfd[i + 1] = (struct pollfd){owner[i], POLLIN, 0};
        if (poll(pfd, (nfds_t)t->n + 1, 1000) <= 0)
            continue;
        for (int i = 0; i < t->n; i++)
            if (owner[i] >= 0 && pfd[i + 1].revents) {
                /* A console says nothing after it got its master: any event is its end. */
                close(owner[i]);
                owner[i] = -1;
            }
        if (pfd[0].revents & POLLIN) {
            int c = accept(t->listen_fd, NULL, NULL);
            if (c >= 0)
                serve(t, owner, c);
        }
    }
    _exit(0);
}

pid_t rlx_ttys_hold(const struct rlx_ttys *t, pid_t init, unsigned long long init_starttime, rlx_error_t *err)
{
    pid_t pid = fork();
    if (pid == 0)
        holder_main(t, init, init_starttime);
    if (pid < 0)
        return rlx_error(err, errno, "fork the tty holder");
    return pid;
}

int rlx_ttys_attach(const char *state_dir, const char *id, int tty, int *master, int *conn, rlx_error_t *err)
{
    cleanup_free char *path = xasprintf("%s/tty.sock", state_dir), *req = xasprintf("%d", tty);
    char *reply = NULL;
    size_t len;
    int type, s;

    *master = -1;
    *conn = -1;
    s = rlx_unix_connect("tty socket", path, err);
    if (s < 0 && ((*err)->errnum == ENOENT || (*err)->errnum == ECONNREFUSED)) {
        int e = (*err)->errnum;
        rlx_error_release(err);
        if (e == ENOENT)
            return rlx_error(err, 0, "container '%s' has no ttys (annotation %s)", id, RLX_TTYS_ANNOTATION);
        return rlx_error(err, 0, "container '%s' is not running: its ttys are gone", id);
    }
    if (s < 0)
        return -1;
    type = rlx_msg_send(s, MSG_PTY, req, strlen(req), -1) < 0 ? -1 : rlx_msg_recv(s, &reply, &len, master, NULL);
    if (type == MSG_PTY && *master >= 0) {
        free(reply);
        *conn = s;
        return 0;
    }
    close(s);
    if (*master >= 0)
        close(*master);
    *master = -1;
    if (type == MSG_ERROR) {
        rlx_error(err, 0, "container '%s': %s", id, reply);
        free(reply);
        return -1;
    }
    free(reply);
    return rlx_error(err, 0, "container '%s': its tty holder did not answer", id);
}

/* Keyboard input, with the escape sequence taken out: 1 when the user asked to detach. */
int rlx_ttys_filter_escape(const char *in, size_t n, char *out, size_t *out_n, int escape, bool *pending)
{
    *out_n = 0;
    for (size_t i = 0; i < n; i++) {
        char b = in[i];
        if (*pending) {
            *pending = false;
            if (b == 'q')
                return 1;
            if (b != escape)
                out[(*out_n)++] = (char)escape;
            out[(*out_n)++] = b;
        } else if (b == escape) {
            *pending = true;
        } else {
            out[(*out_n)++] = b;
        }
    }
    return 0;
}
