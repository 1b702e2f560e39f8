/* /dev/tty1..N of a container (design note 22), as LXC's lxc.tty.max gives them: ptys of the
 * host whose slaves are bound at /dev/ttyN, which a small holder process outside the container
 * keeps open (master and slave), and which `runlxc console` attaches to. Asked for by
 * annotation. */
#ifndef RUNLXC_TTYS_H
#define RUNLXC_TTYS_H
#include "error.h"
#include "spec.h"
#include <sys/types.h>

#define RLX_TTYS_ANNOTATION "org.runlxc.ttys"
/* /dev/tty1..63 are the console's virtual terminals (char 4:1..63). */
#define RLX_TTYS_MAX 63

struct rlx_ttys {
    int n;
    int *masters;
    /* Held with the masters: a master whose slave has no opener reads as hung up, and a
     * console attached to a tty without a getty (or across a logout) would end at once. */
    int *slaves;
    int listen_fd;
};

/* The number of ttys the spec asks for (0 without the annotation). Errors name it. */
int rlx_ttys_count(const struct rlx_spec *s, int *n, rlx_error_t *err);
/* Opens n ptys on the host's devpts, owned by the container's root, and adds binds of their
 * slaves at /dev/tty1..n to the spec's mounts. */
int rlx_ttys_open(struct rlx_spec *s, int n, struct rlx_ttys *t, rlx_error_t *err);
/* Binds the socket `runlxc console` asks for a tty on (STATE_DIR/tty.sock). */
int rlx_ttys_listen(struct rlx_ttys *t, const char *state_dir, rlx_error_t *err);
/* Forks the holder: it keeps the ptys until init (pid, starttime) is gone and hands a master
 * at a time to a console. Returns its pid, or -1. */
pid_t rlx_ttys_hold(const struct rlx_ttys *t, pid_t init, unsigned long long init_starttime, rlx_error_t *err);
void rlx_ttys_close(struct rlx_ttys *t);
/* A console's side: the master of tty `tty` of the container whose state dir is given, and
 * the connection that keeps it ours (closing it frees the tty for the next console). */
int rlx_ttys_attach(const char *state_dir, const char *id, int tty, int *master, int *conn, rlx_error_t *err);
/* A console's keyboard input with the escape sequence taken out (escape, then 'q': detach,
 * returns 1; escape twice: one escape; escape then another key: both). *pending carries an
 * escape across reads; out needs room for 2n bytes. */
int rlx_ttys_filter_escape(const char *in, size_t n, char *out, size_t *out_n, int escape, bool *pending);

#endif
