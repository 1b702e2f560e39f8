/* The wire between runlxc and runlxc-init (and nothing else): framed messages over a unix
 * stream socket, each [u32 length][u8 type][payload], optionally carrying one fd
 * (SCM_RIGHTS). The receiver can ask for the sender's pid as seen in its own pid namespace
 * (SCM_CREDENTIALS), which is how runlxc learns the container init's host pid.
 *
 * The process description runlxc sends to init is a payload of records "TAG value\0". */
#ifndef RUNLXC_INITMSG_H
#define RUNLXC_INITMSG_H
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

enum rlx_msg_type {
    MSG_CONFIG = 'C',   /* runtime -> init: process description records */
    MSG_STATE = 'S',    /* runtime -> init: OCI state JSON for startContainer hooks */
    MSG_READY = 'R',    /* init -> runtime: set up, waiting for start */
    MSG_ERROR = 'E',    /* init -> runtime: setup failed, payload = message */
    MSG_PTY = 'T',      /* init -> runtime: pty master attached */
    MSG_FD = 'F',       /* runtime -> agent: an fd for the new process, payload = its number there */
    MSG_EXIT = 'X',     /* agent -> runtime: the exec'd process exited, payload = exit code */
    MSG_LISTENER = 'N', /* init -> runtime: the seccomp listener fd, for the seccomp agent */
    MSG_HOOK = 'K',     /* liblxc's mount hook -> runtime: run prestart and createRuntime, answer
                           on the attached fd (MSG_STATE, then MSG_CONFIG with the createContainer
                           hooks' JSON; or MSG_ERROR) */
};

/* Record tags in MSG_CONFIG. */
enum rlx_rec {
    REC_ARG = 'a', REC_ENV = 'e', REC_CWD = 'c', REC_UID = 'u', REC_GID = 'g', REC_GROUP = 'G',
    REC_UMASK = 'm', REC_RLIMIT = 'l', REC_CAPS = 'k', REC_NNP = 'n', REC_OOM = 'o',
    REC_TERMINAL = 't', REC_MASK = 'M', REC_READONLY = 'r', REC_ROOT_RO = 'R', REC_PROPAGATION = 'p',
    REC_DEVICE = 'd', REC_DOMAIN = 'D', REC_PRESERVE = 'F', REC_HOOK = 'H', REC_HOOK_ARG = 'A',
    REC_HOOK_ENV = 'E', REC_HOOK_TIMEOUT = 'T', REC_WANT_STATE = 'S', REC_SECCOMP = 'B',
    REC_SECCOMP_FLAGS = 'f', REC_DEV_SETUP = 'V', REC_DEV_RO = 'v', REC_PTS_SHIELD = 'P', REC_RRO = 'O',
    REC_HOSTNAME = 'h', REC_SYSCTL = 'y', REC_CGROUPNS = 'C', REC_MOUNT_PROP = 'Q',
};

struct rlx_buf {
    char *data;
    size_t len, cap;
};

void rlx_buf_add(struct rlx_buf *b, char tag, const char *value);
void rlx_buf_addf(struct rlx_buf *b, char tag, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void rlx_buf_free(struct rlx_buf *b);

/* Iterates records: returns the tag and sets *value, or 0 at the end. */
char rlx_rec_next(const char *data, size_t len, size_t *pos, const char **value);

int rlx_msg_send(int sock, char type, const void *data, size_t len, int fd);
/* Sends MSG_ERROR with the formatted text and exits 1: how a child of runlxc gives up. */
void rlx_msg_fail(int sock, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
/* One sendmsg of iov data with fd attached by SCM_RIGHTS (also runc's console-socket format). */
int rlx_sendmsg_fd(int sock, struct iovec *iov, size_t n_iov, int fd);
/* Receives one message. data is malloc'ed and NUL-terminated. *fd (if non-NULL) gets an
 * attached fd or -1; *pid (if non-NULL) gets the sender's pid (needs SO_PASSCRED) or 0.
 * Returns the type, 0 on orderly EOF, -1 on error. */
int rlx_msg_recv(int sock, char **data, size_t *len, int *fd, pid_t *pid);

#endif
