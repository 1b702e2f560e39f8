/* run: create + start; in the foreground runlxc is the container's subreaper, forwards
 * signals to it, relays its terminal, and returns its exit status (128+n for signal n). */
#include "container.h"
#include "supervise.h"
#include "util.h"
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif

/* A run that failed after create leaves nothing: the container goes with --force (the
 * caller reports the first error, not this one's). */
static void remove_created(const struct rlx_global *g, const char *id)
{
    rlx_error_t e = NULL;
    rlx_container_delete(g, id, true, &e);
    rlx_error_release(&e);
}

static int start_or_remove(const struct rlx_global *g, const char *id, rlx_error_t *err)
{
    if (rlx_container_start(g, id, err) == 0)
        return 0;
    remove_created(g, id);
    return -1;
}

static int run_detached(const struct rlx_global *g, const char *id, const struct rlx_create_opts *o,
                        rlx_error_t *err)
{
    struct rlx_created out;
    if (rlx_container_create(g, id, o, &out, err) < 0)
        return -1;
    return start_or_remove(g, id, err);
}

/* Until the container exits; then, unless keep, it is deleted. */
static int run_foreground(const struct rlx_global *g, const char *id, struct rlx_create_opts *o, bool keep,
                          rlx_error_t *err)
{
    struct rlx_created out;
    sigset_t all, saved;
    int sfd, code = -1;

    /* The container's init is reparented to us when liblxc's monitor goes away. */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    o->foreground = true;
    /* Block everything we forward before the container exists, so no signal is lost; the
     * monitor child restores the original mask before liblxc runs. */
    rlx_block_forwarded_signals(&all, &saved);
    if (rlx_container_create(g, id, o, &out, err) < 0)
        goto out;
    sfd = signalfd(-1, &all, SFD_CLOEXEC);
    if (sfd < 0) {
        rlx_error(err, errno, "signalfd");
        remove_created(g, id);
        goto out;
    }
    if (start_or_remove(g, id, err) < 0) {
        close(sfd);
        goto out;
    }
    code = rlx_rich_exit_code(&out.rich, rlx_supervise(out.pid, out.reaper, -1, out.pty_master, sfd));
    close(sfd);
    if (out.pty_master >= 0)
        close(out.pty_master);
    if (!keep) {
        rlx_error_t e = NULL;
        if (rlx_container_delete(g, id, true, &e) < 0)
            rlx_log(g, "warning", "run: cleanup: %s", rlx_error_text(&e));
        rlx_error_release(&e);
    }
out:
    sigprocmask(SIG_SETMASK, &saved, NULL);
    return code;
}

int rlx_container_run(const struct rlx_global *g, const char *id, struct rlx_create_opts *o, bool detach, bool keep,
                      rlx_error_t *err)
{
    return detach ? run_detached(g, id, o, err) : run_foreground(g, id, o, keep, err);
}
