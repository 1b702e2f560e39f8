/* Launching runlxc-init, shared by create (liblxc starts it as the container's first process)
 * and exec (runlxc starts it inside the container's namespaces): the sealed binary, the
 * process description it receives, and the handshake until it reports ready. */
#ifndef RUNLXC_INIT_LAUNCH_H
#define RUNLXC_INIT_LAUNCH_H
#include <sys/types.h>
#include "error.h"
#include "initmsg.h"
#include "seccomp_profile.h"
#include "spec.h"
#include "state.h"

/* A sealed in-memory copy of runlxc-init (close-on-exec; the caller clears that). */
int rlx_init_binary_fd(rlx_error_t *err);
/* Errors naming the field when the process asks for what this kernel lacks. */
int rlx_check_process_kernel(const struct rlx_process *p, bool seccomp, rlx_error_t *err);
/* What launching needs: the sealed binary (*init_fd) and a socketpair whose sv[0] (ours)
 * receives the sender's credentials. Returns -1 with everything closed on failure. */
int rlx_init_channel(int *init_fd, int sv[2], rlx_error_t *err);
/* Records for the process itself: args, env, identity, limits, caps, terminal, seccomp. */
void rlx_init_records_process(struct rlx_buf *b, const struct rlx_process *p, int listen_fds, int preserve,
                              const struct rlx_seccomp_prog *sc);
/* Records only the container's first process needs: devices, masked and read-only paths,
 * root read-only, propagation, domainname, startContainer hooks. */
/* cgroup_tmpfs: the cgroup mount is the tmpfs runlxc fills with one bind per hierarchy
 * (cgroup v1, hybrid), which a "ro" mount makes read-only once filled. On cgroup v2 it is one
 * bind that liblxc already mounts with the flags lxcconf.c chose. */
void rlx_init_records_container(struct rlx_buf *b, const struct rlx_spec *s, bool cgroup_tmpfs);
/* linux.sysctl for runlxc-init to write, where liblxc has no lxc.sysctl (before 3.0). */
void rlx_init_records_sysctl(struct rlx_buf *b, const struct rlx_spec *s);
/* Where a seccomp listener goes (runc 1.1's agent protocol: the container process state as
 * JSON with the listener fd), and the container state that describes the process. */
struct rlx_seccomp_agent {
    const struct rlx_seccomp_prog *prog;   /* listener_path, listener_metadata */
    const struct rlx_state *state;         /* state.pid 0: the process itself is init */
    const char *status;
};
/* create's side of liblxc's mount hook (cmd_hook.c): run gets the hook's host pid and the fd
 * to answer on, and fails the handshake with its error. */
struct rlx_hook_server {
    int (*run)(void *ctx, pid_t sender, int reply_fd, rlx_error_t *err);
    void *ctx;
};
/* Reads init's messages until it is ready. A pty master goes to console_socket if given,
 * else to *pty_master; a seccomp listener to agent. Returns 0 (ready, *pid = init's pid in
 * our pid namespace), -1 (init reported an error: in err) or -2 (init went away without a
 * word). */
int rlx_init_handshake(int sock, const char *console_socket, int *pty_master, const struct rlx_seccomp_agent *agent,
                       const struct rlx_hook_server *hooks, pid_t *pid, rlx_error_t *err);
/* Connects to the unix socket at path and sends payload with fd (SCM_RIGHTS): the console
 * socket protocol (runc's: the pty name, the master) and the seccomp agent's. what names the
 * socket in errors ("console socket", "linux.seccomp.listenerPath"). */
int rlx_unix_send_fd(const char *what, const char *path, int fd, const char *payload, rlx_error_t *err);

#endif
