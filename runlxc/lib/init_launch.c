#include "init_launch.h"
#include "container.h"
#include "probe.h"
#include "syscalls.h"
#include "util.h"
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>
#include <json-c/json.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/stat.h>

#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#define MFD_ALLOW_SEALING 0x0002U
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif

/* Kernels before 3.17: the installed binary, opened through a private read-only bind mount
 * that is detached at once, so that a process in the container that reopens /proc/PID/exe
 * for writing gets EROFS (runc did the same before memfd). Needs only 2.6.26. */
static int init_binary_ro_fd(rlx_error_t *err)
{
    char tmp[] = "/tmp/runlxc-init.XXXXXX";
    int fd = mkstemp(tmp), e;
    if (fd < 0)
        return rlx_error(err, errno, "runlxc-init: mount point for a read-only copy");
    close(fd);
    fd = -1;
    if (mount(RUNLXC_INIT_PATH, tmp, NULL, MS_BIND, NULL) == 0) {
        if (mount(NULL, tmp, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) == 0)
            fd = open(tmp, O_RDONLY | O_CLOEXEC);
        e = errno;
        umount2(tmp, MNT_DETACH);
    } else {
        e = errno;
    }
    unlink(tmp);
    if (fd < 0)
        return rlx_error(err, e, "runlxc-init %s: read-only bind", RUNLXC_INIT_PATH);
    return fd;
}

/* A sealed in-memory copy of runlxc-init: the container can never write to the host binary
 * through /proc/1/exe (the CVE-2019-5736 class). */
int rlx_init_binary_fd(rlx_error_t *err)
{
    cleanup_close int src = open(RUNLXC_INIT_PATH, O_RDONLY | O_CLOEXEC);
    struct stat st;
    int mfd;
    off_t off = 0;

    if (src < 0 || fstat(src, &st) < 0)
        return rlx_error(err, errno, "runlxc-init %s", RUNLXC_INIT_PATH);
    /* The memfd copy would run whatever the file holds: a file the installer did not make
     * executable (or an empty one) is a broken install, said here rather than as an exec
     * failure deep in liblxc's child. */
    if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111) || st.st_size == 0)
        return rlx_error(err, 0, "runlxc-init %s: not an executable program (broken install?)", RUNLXC_INIT_PATH);
    mfd = rlx_memfd_create("runlxc-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (mfd < 0)
        return init_binary_ro_fd(err);
    while (off < st.st_size) {
        ssize_t n = sendfile(mfd, src, NULL, (size_t)(st.st_size - off));
        if (n <= 0) {
            close(mfd);
            return rlx_error(err, errno, "copy runlxc-init");
        }
        off += n;
    }
    fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
    return mfd;
}

int rlx_check_process_kernel(const struct rlx_process *p, bool seccomp, rlx_error_t *err)
{
    if (p->no_new_privileges && !rlx_probe_no_new_privs())
        return rlx_error(err, 0, "process.noNewPrivileges: this kernel has no no_new_privs (Linux 3.5)");
    if (!rlx_probe_ambient_caps()) {
        /* What execve does without ambient capabilities: root gets its bounding set as
         * permitted (and effective), anyone else loses every capability. */
        if (p->caps[RLX_CAP_AMBIENT])
            return rlx_error(err, 0, "process.capabilities.ambient: this kernel has no ambient capabilities (Linux 4.3)");
        if (p->uid == 0 && p->caps[RLX_CAP_PERMITTED] != p->caps[RLX_CAP_BOUNDING])
            return rlx_error(err, 0, "process.capabilities.permitted: must equal bounding for a root process on this "
                             "kernel (no ambient capabilities: execve gives root its bounding set)");
        if (p->uid != 0 && (p->caps[RLX_CAP_PERMITTED] | p->caps[RLX_CAP_EFFECTIVE]))
            return rlx_error(err, 0, "process.capabilities: a non-root process keeps no capabilities across execve "
                             "on this kernel (no ambient capabilities, Linux 4.3)");
    }
    if (seccomp && !rlx_probe_seccomp_filter())
        return rlx_error(err, 0, "linux.seccomp: this kernel has no seccomp filters (Linux 3.5)");
    return 0;
}

int rlx_init_channel(int *init_fd, int sv[2], rlx_error_t *err)
{
    *init_fd = rlx_init_binary_fd(err);
    if (*init_fd < 0)
        return -1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        close(*init_fd);
        *init_fd = -1;
        return rlx_error(err, errno, "socketpair");
    }
    setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &(int){1}, sizeof(int));
    return 0;
}

void rlx_init_records_process(struct rlx_buf *b, const struct rlx_process *p, int listen_fds, int preserve,
                              const struct rlx_seccomp_prog *sc)
{
    for (size_t i = 0; p->args[i]; i++)
        rlx_buf_add(b, REC_ARG, p->args[i]);
    for (size_t i = 0; p->env && p->env[i]; i++)
        rlx_buf_add(b, REC_ENV, p->env[i]);
    if (listen_fds > 0) {
        rlx_buf_addf(b, REC_ENV, "LISTEN_FDS=%d", listen_fds);
        rlx_buf_add(b, REC_ENV, "LISTEN_PID=1");
    }
    rlx_buf_add(b, REC_CWD, p->cwd);
    rlx_buf_addf(b, REC_UID, "%u", p->uid);
    rlx_buf_addf(b, REC_GID, "%u", p->gid);
    for (size_t i = 0; i < p->n_additional_gids; i++)
        rlx_buf_addf(b, REC_GROUP, "%u", p->additional_gids[i]);
    if (p->umask >= 0)
        rlx_buf_addf(b, REC_UMASK, "%o", p->umask);
    for (size_t i = 0; i < p->n_rlimits; i++)
        rlx_buf_addf(b, REC_RLIMIT, "%d %llu %llu", p->rlimits[i].resource,
                     (unsigned long long)p->rlimits[i].soft, (unsigned long long)p->rlimits[i].hard);
    rlx_buf_addf(b, REC_CAPS, "%llx %llx %llx %llx %llx", (unsigned long long)p->caps[RLX_CAP_BOUNDING],
                 (unsigned long long)p->caps[RLX_CAP_EFFECTIVE], (unsigned long long)p->caps[RLX_CAP_INHERITABLE],
                 (unsigned long long)p->caps[RLX_CAP_PERMITTED], (unsigned long long)p->caps[RLX_CAP_AMBIENT]);
    if (p->no_new_privileges)
        rlx_buf_add(b, REC_NNP, "1");
    if (p->has_oom_score_adj)
        rlx_buf_addf(b, REC_OOM, "%d", p->oom_score_adj);
    if (p->terminal)
        rlx_buf_addf(b, REC_TERMINAL, "%u %u", p->console_height, p->console_width);
    rlx_buf_addf(b, REC_PRESERVE, "%d", preserve);
    if (sc->len) {
        static const char hex[] = "0123456789abcdef";
        char *h = xmalloc(sc->len * 2 + 1);
        for (size_t i = 0; i < sc->len; i++) {
            h[2 * i] = hex[sc->bpf[i] >> 4];
            h[2 * i + 1] = hex[sc->bpf[i] & 15];
        }
        h[sc->len * 2] = '\0';
        rlx_buf_add(b, REC_SECCOMP, h);
        rlx_buf_addf(b, REC_SECCOMP_FLAGS, "%u", sc->flags);
        free(h);
    }
}


/* What runc's prepareRootfs does to a /dev it fills: the default nodes (a linux.devices
 * entry for the same path replaces one; in a user namespace liblxc binds the host's instead),
 * the config's nodes, the symlinks and /dev/ptmx, then a read-only remount if /dev has "ro". */
static void records_dev(struct rlx_buf *b, const struct rlx_spec *s)
{
    const struct rlx_mount *dev = rlx_spec_dev_mount(s);
    if (!rlx_spec_sets_up_dev(s))
        return;
    for (size_t i = 0; i < rlx_n_default_devices && !rlx_spec_has_namespace(s, CLONE_NEWUSER); i++) {
        const struct rlx_default_device *d = &rlx_default_devices[i];
        if (rlx_spec_device(s, d->path) == NULL)
            rlx_buf_addf(b, REC_DEVICE, "c %d %d 666 0 0 %s", d->major, d->minor, d->path);
    }
    for (size_t i = 0; i < s->n_devices; i++) {
        const struct rlx_device *d = &s->devices[i];
        rlx_buf_addf(b, REC_DEVICE, "%c %lld %lld %o %u %u %s", d->type, (long long)d->major, (long long)d->minor,
                     d->has_mode ? (unsigned)d->mode : 0666u, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, d->path);
    }
    rlx_buf_add(b, REC_DEV_SETUP, "1");
    for (size_t i = 0; i < s->n_mounts; i++)
        if (s->mounts[i].type && strcmp(s->mounts[i].type, "devpts") == 0 &&
            strcmp(s->mounts[i].destination, "/dev/pts") == 0)
            rlx_buf_add(b, REC_PTS_SHIELD, "1");
    if (dev && strv_has(dev->options, "ro"))
        rlx_buf_addf(b, REC_DEV_RO, "%lu", rlx_mount_flags(dev->options));
}

static const char *mount_path(const struct rlx_mount *m)
{
    return m->resolved ? m->resolved : m->destination;
}

static bool path_under(const char *path, const char *top)
{
    size_t n = strlen(top);
    return strcmp(top, "/") == 0 || (strncmp(path, top, n) == 0 && (path[n] == '\0' || path[n] == '/'));
}

/* runc makes an "rro" mount read-only right after mounting it, before the mounts that follow;
 * runlxc-init can only do so once liblxc has made them all. So, in config order, each "rro"
 * mount gets "rro" and each later mount below one gets its own state back ("ro" or "rw":
 * read-only cleared through its tree, then set on it alone if it has "ro"). */
static void records_rro(struct rlx_buf *b, const struct rlx_spec *s)
{
    for (size_t k = 0; k < s->n_mounts; k++) {
        const struct rlx_mount *m = &s->mounts[k];
        bool below = false;
        for (size_t i = 0; i < k && !below; i++)
            below = strv_has(s->mounts[i].options, "rro") && path_under(mount_path(m), mount_path(&s->mounts[i]));
        if (below)
            rlx_buf_addf(b, REC_RRO, "%zu %s %s", k, strv_has(m->options, "ro") ? "ro" : "rw", mount_path(m));
        if (strv_has(m->options, "rro"))
            rlx_buf_addf(b, REC_RRO, "%zu rro %s", k, mount_path(m));
    }
}

void rlx_init_records_container(struct rlx_buf *b, const struct rlx_spec *s, bool cgroup_tmpfs)
{
    for (size_t i = 0; s->masked_paths && s->masked_paths[i]; i++)
        rlx_buf_add(b, REC_MASK, s->masked_paths[i]);
    for (size_t i = 0; s->readonly_paths && s->readonly_paths[i]; i++)
        rlx_buf_add(b, REC_READONLY, s->readonly_paths[i]);
    for (size_t i = 0; i < s->n_mounts; i++)
        if (s->mounts[i].type && strncmp(s->mounts[i].type, "cgroup", 6) == 0 &&
            strcmp(s->mounts[i].destination, "/sys/fs/cgroup") == 0 && strv_has(s->mounts[i].options, "ro") &&
            cgroup_tmpfs)
            rlx_buf_add(b, REC_READONLY, "/sys/fs/cgroup");
    if (s->root_readonly)
        rlx_buf_add(b, REC_ROOT_RO, "1");
    /* Unset, runc makes the root rslave (prepareRoot): the container's mounts stay dependent on
     * the host's and reach no other mount namespace. liblxc 5 leaves them a shared peer group
     * of their own (lxc_pivot_root), which nested namespaces would propagate back into. */
    rlx_buf_add(b, REC_PROPAGATION, s->rootfs_propagation ? s->rootfs_propagation : "rslave");
    records_dev(b, s);
    records_rro(b, s);
    if (s->domainname && *s->domainname)
        rlx_buf_add(b, REC_DOMAIN, s->domainname);
    /* liblxc names only a uts namespace it made; one joined by path is named here. */
    if (s->hostname && *s->hostname) {
        const struct rlx_namespace *uts = rlx_spec_namespace(s, CLONE_NEWUTS);
        if (uts && uts->path)
            rlx_buf_add(b, REC_HOSTNAME, s->hostname);
    }
    for (size_t i = 0; i < s->n_hooks[RLX_HOOK_START_CONTAINER]; i++) {
        const struct rlx_hook *h = &s->hooks[RLX_HOOK_START_CONTAINER][i];
        rlx_buf_add(b, REC_HOOK, h->path);
        for (size_t j = 0; h->args && h->args[j]; j++)
            rlx_buf_add(b, REC_HOOK_ARG, h->args[j]);
        for (size_t j = 0; h->env && h->env[j]; j++)
            rlx_buf_add(b, REC_HOOK_ENV, h->env[j]);
        if (h->timeout)
            rlx_buf_addf(b, REC_HOOK_TIMEOUT, "%d", h->timeout);
    }
    if (s->n_hooks[RLX_HOOK_START_CONTAINER])
        rlx_buf_add(b, REC_WANT_STATE, "1");
}

int rlx_unix_send_fd(const char *what, const char *path, int fd, const char *payload, rlx_error_t *err)
{
    cleanup_close int s = rlx_unix_connect(what, path, err);
    struct iovec iov = {(void *)payload, strlen(payload)};

    if (s < 0)
        return -1;
    if (rlx_sendmsg_fd(s, &iov, 1, fd) < 0)
        return rlx_error(err, errno, "%s %s: send", what, path);
    return 0;
}

/* runc 1.1's ContainerProcessState: the listener is fds[0] ("seccompFd"). */
static int send_listener(const struct rlx_seccomp_agent *a, int fd, pid_t pid, rlx_error_t *err)
{
    struct json_object *o = json_object_new_object(), *fds = json_object_new_array();
    struct json_object *state = rlx_state_to_json(a->state, a->status);
    int r;
    if (a->state->pid <= 0)
        json_object_object_add(state, "pid", json_object_new_int(pid));
    json_object_object_add(o, "ociVersion", json_object_new_string("1.0.2"));
    json_object_array_add(fds, json_object_new_string("seccompFd"));
    json_object_object_add(o, "fds", fds);
    json_object_object_add(o, "pid", json_object_new_int(pid));
    json_object_object_add(o, "metadata", json_object_new_string(a->prog->listener_metadata ?: ""));
    json_object_object_add(o, "state", state);
    /* runc's words for an agent that is not there */
    r = rlx_unix_send_fd("linux.seccomp.listenerPath: failed to connect with seccomp agent specified in the seccomp "
                         "profile: dial unix", a->prog->listener_path, fd,
                         json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), err);
    json_object_put(o);
    return r;
}

/* rlx_init_handshake's loop; *seen gets the process's pid from the first message it sends. */
static int handshake_loop(int sock, const char *console_socket, int *pty_master, const struct rlx_seccomp_agent *agent,
                          const struct rlx_hook_server *hooks, pid_t *pid, pid_t *seen, rlx_error_t *err)
{
    for (;;) {
        cleanup_free char *data = NULL;
        int fd = -1, type;
        pid_t sender = 0;
        type = rlx_msg_recv(sock, &data, NULL, &fd, &sender);
        if (type == MSG_LISTENER || type == MSG_PTY)
            *seen = sender;
        if (type == MSG_LISTENER) {
            int r = agent && agent->prog->listener_path ? send_listener(agent, fd, sender, err)
                                                        : rlx_error(err, 0, "linux.seccomp: a listener nobody asked for");
            close(fd);
            if (r < 0 || rlx_msg_send(sock, MSG_LISTENER, "", 0, -1) < 0)
                return rlx_error(err, errno, "linux.seccomp: hand the listener over");
            continue;
        }
        if (type == MSG_HOOK) {
            int r = hooks && fd >= 0 ? hooks->run(hooks->ctx, sender, fd, err)
                                     : rlx_error(err, 0, "hooks: a hook callback nobody asked for");
            if (fd >= 0)
                close(fd);
            if (r < 0)
                return -1;
            continue;
        }
        if (type == MSG_PTY) {
            if (console_socket) {
                int r = rlx_unix_send_fd("console socket", console_socket, fd, data, err);
                close(fd);
                if (r < 0)
                    return -1;
            } else if (pty_master) {
                *pty_master = fd;
            } else {
                close(fd);
            }
            continue;
        }
        if (fd >= 0)
            close(fd);
        if (type == MSG_READY) {
            *pid = sender;
            if (sender <= 0)
                return rlx_error(err, 0, "runlxc-init did not report its pid");
            return 0;
        }
        if (type == MSG_ERROR)
            return rlx_error(err, 0, "%s", data);
        return -2;
    }
}

/* A process that fails here after it made itself known may be unable to end by itself: one
 * whose seccomp listener found no agent blocks in its own notified syscalls. It is killed, as
 * runc kills its init when it cannot hand the listener over. */
int rlx_init_handshake(int sock, const char *console_socket, int *pty_master, const struct rlx_seccomp_agent *agent,
                       const struct rlx_hook_server *hooks, pid_t *pid, rlx_error_t *err)
{
    pid_t seen = 0;
    int r = handshake_loop(sock, console_socket, pty_master, agent, hooks, pid, &seen, err);
    if (r == -1 && seen > 0)
        kill(seen, SIGKILL);
    return r;
}

void rlx_init_records_sysctl(struct rlx_buf *b, const struct rlx_spec *s)
{
    for (size_t i = 0; s->sysctl && s->sysctl[i]; i++)
        rlx_buf_add(b, REC_SYSCTL, s->sysctl[i]);
}
