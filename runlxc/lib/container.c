/* start, kill and delete: each works from the state dir alone (create is in create.c). */
#include "container.h"
#include "bind_staging.h"
#include "cgroup.h"
#include "hooks.h"
#include "resources.h"
#include "spec.h"
#include "state.h"
#include "systemd_cgroup.h"
#include "teardown.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

int rlx_write_pid_file(const char *path, pid_t pid, rlx_error_t *err)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%d", pid);
    return write_file_atomic(path, buf, (size_t)n, 0644, err);
}

struct rlx_spec *rlx_container_load_spec(const char *state_dir, const char *bundle, rlx_error_t *err)
{
    cleanup_free char *path = xasprintf("%s/config.json", state_dir);
    cleanup_free char *text = read_file(path, NULL, err);
    return text ? rlx_spec_parse(text, bundle, err) : NULL;
}

/* The state records which hook kinds config.json has: start and delete parse it (a quarter of
 * the instructions of a run's runlxc process, callgrind) only when there is one to run. */
static void run_hooks_warn(const struct rlx_global *g, const char *state_dir, const struct rlx_state *st,
                           enum rlx_hook_kind kind, const char *status)
{
    rlx_error_t e = NULL;
    struct rlx_spec *s;
    if (st->hook_kinds >= 0 && !(st->hook_kinds & (1 << kind)))
        return;
    s = rlx_container_load_spec(state_dir, st->bundle, &e);
    if (s && s->n_hooks[kind]) {
        cleanup_free char *sj = rlx_state_json_text(st, status);
        if (rlx_hooks_run(s->hooks[kind], s->n_hooks[kind], rlx_hook_names[kind], sj, &e) < 0)
            rlx_log(g, "warning", "%s", rlx_error_text(&e));
    }
    rlx_error_release(&e);
    rlx_spec_free(s);
}

/* init holds the fifo's read end until it execs the payload (or dies), so the fifo then has no
 * reader and our write end polls POLLERR. Returning only then means that once `state` says
 * running, a signal reaches the payload: runlxc-init is the pid namespace's init without
 * handlers, and the kernel drops every signal but SIGKILL sent to it from outside. */
static void wait_for_payload_exec(int fifo_wr)
{
    struct pollfd pfd = {fifo_wr, 0, 0};
    while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
        ;
}

int rlx_container_start(const struct rlx_global *g, const char *id, rlx_error_t *err)
{
    struct rlx_state st;
    cleanup_free char *dir = NULL, *fifo = NULL;
    cleanup_close int lock = -1, fd = -1;
    const char *status;

    lock = rlx_state_lock_load(g->root, id, &st, err);
    if (lock < 0)
        return -1;
    dir = rlx_state_dir(g->root, id);
    status = rlx_state_status(dir, &st);
    if (strcmp(status, "stopped") == 0) {
        rlx_error(err, 0, "cannot start a container that has stopped");
        goto fail;
    }
    if (strcmp(status, "created") != 0) {
        rlx_error(err, 0, "cannot start an already %s container", status);
        goto fail;
    }
    if (!path_exists(st.bundle)) {
        /* A container whose bundle vanished cannot honour its poststart/poststop hooks. */
        rlx_error(err, ENOENT, "bundle %s of container '%s' disappeared; the container was removed", st.bundle, id);
        rlx_teardown_tty_holder(&st);
        rlx_teardown_leftovers(dir, st.cgroup_paths, st.monitor_cgroup_paths, st.pid,
                               st.shared_cgroup && !st.shared_pidns);
        rlx_teardown_systemd_unit(g, st.systemd_unit);
        goto fail;
    }
    fifo = xasprintf("%s/exec.fifo", dir);
    fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        rlx_error(err, errno, "container '%s' init is not waiting on %s", id, fifo);
        goto fail;
    }
    unlink(fifo);
    /* A kill racing this start can end init between our open and our write: the write then
     * fails with EPIPE, which must be an answer (runc's), not a SIGPIPE death of start. */
    signal(SIGPIPE, SIG_IGN);
    if (write(fd, "0", 1) != 1) {
        if (errno == EPIPE)
            rlx_error(err, 0, "cannot start a container that has stopped");
        else
            rlx_error(err, errno, "start container '%s'", id);
        goto fail;
    }
    wait_for_payload_exec(fd);
    close(fd);
    fd = -1;
    run_hooks_warn(g, dir, &st, RLX_HOOK_POSTSTART, "running");
    rlx_state_free(&st);
    return 0;
fail:
    rlx_state_free(&st);
    return -1;
}

int rlx_container_kill(const struct rlx_global *g, const char *id, int sig, bool all, rlx_error_t *err)
{
    struct rlx_state st;
    cleanup_free char *dir = NULL;
    const char *status;
    int ret = 0;

    if (rlx_state_load(g->root, id, &st, err) < 0)
        return -1;
    dir = rlx_state_dir(g->root, id);
    status = rlx_state_status(dir, &st);
    if (strcmp(status, "stopped") == 0 || strcmp(status, "creating") == 0) {
        if (!all)
            ret = rlx_error(err, 0, "container '%s' is not running", id);
        rlx_state_free(&st);
        return ret;
    }
    if (sig == RLX_DEFAULT_STOP_SIGNAL)
        sig = st.stop_signal > 0 ? st.stop_signal : SIGTERM;
    if (all || (sig == SIGKILL && st.shared_pidns))
        rlx_cgroup_kill_all(st.cgroup_paths, sig);
    if (kill(st.pid, sig) < 0 && errno != ESRCH)
        ret = rlx_error(err, errno, "kill container '%s' (pid %d)", id, st.pid);
    /* A frozen cgroup v1 task only dies once thawed. */
    if (sig == SIGKILL && strcmp(status, "paused") == 0)
        rlx_cgroup_freeze(st.cgroup_paths, false, NULL);
    rlx_state_free(&st);
    return ret;
}

/* A damaged state.json cannot say where the container lives. The separate cgroups record can,
 * as far as its paths lie below this host's cgroup mounts: emptying those cgroups ends init,
 * the payload and, without subreapers, the minimal parent too. */
static void delete_damaged(const struct rlx_global *g, const char *id, const char *dir)
{
    struct rlx_cgroup_layout layout;
    char **cg = NULL, **monitor_cg = NULL;
    cleanup_free char *state_json = xasprintf("%s/state.json", dir), *lxc_log = xasprintf("%s/lxc.log", dir);
    int kept = -1;

    if (rlx_cgroup_layout_load(&layout) == 0) {
        kept = rlx_state_load_cgroups(dir, &layout, &cg, &monitor_cg);
        rlx_cgroup_layout_free(&layout);
    }
    /* Quiet only for what a create killed before the record leaves: no state.json and no
     * lxc.log (liblxc, which opens it, runs after the record is written): nothing else made. */
    if (kept < 0 && (path_exists(state_json) || path_exists(lxc_log)))
        rlx_log(g, "warning", "container '%s': %s/cgroups is unreadable; its processes and cgroups may remain", id, dir);
    rlx_teardown_leftovers(dir, cg, monitor_cg, 0, false);
    /* The unit is named by the last component of the container's cgroup. */
    if (cg && cg[0] && rlx_sd_available() && strstr(cg[0], ".scope") && strcmp(strstr(cg[0], ".scope"), ".scope") == 0)
        rlx_teardown_systemd_unit(g, strrchr(cg[0], '/') + 1);
    strv_free(cg);
    strv_free(monitor_cg);
}

int rlx_container_delete(const struct rlx_global *g, const char *id, bool force, rlx_error_t *err)
{
    struct rlx_state st;
    cleanup_free char *dir = NULL;
    cleanup_close int lock = -1;
    rlx_error_t lerr = NULL;
    const char *status;

    if (rlx_id_validate(id, err) < 0)
        return -1;
    dir = rlx_state_dir(g->root, id);
    /* Lock first, then read: a create still running (it holds the lock) finishes first, and
     * of two deletes the second finds the container gone, as runc answers. */
    lock = rlx_state_lock_load(g->root, id, &st, &lerr);
    if (lock < 0) {
        bool missing = lerr->errnum == ENOENT && !path_exists(dir);
        if (missing && force) {
            rlx_error_release(&lerr);
            return 0;
        }
        if (!missing && force) {
            /* A create killed before it wrote state.json leaves the dir without it. */
            rlx_log(g, "warning", "%s; removing it", rlx_error_text(&lerr));
            rlx_error_release(&lerr);
            lock = rlx_state_lock(dir, &lerr);
            rlx_error_release(&lerr);
            delete_damaged(g, id, dir);
            rlx_bind_staging_remove(g->root, id);   /* a create killed while they were staged */
            close(lock);
            lock = -1;
            rlx_teardown_lxc_lockdir(g->root);
            return 0;
        }
        *err = lerr;
        return -1;
    }
    status = rlx_state_status(dir, &st);
    if (!force && (strcmp(status, "running") == 0 || strcmp(status, "paused") == 0)) {
        rlx_error(err, 0, "cannot delete container %s that is not stopped: %s", id, status);
        rlx_state_free(&st);
        return -1;
    }
    /* A create killed before it knew init's pid recorded only where the cgroups would be. */
    if (st.pid == 0 || st.cgroup_paths == NULL)
        rlx_state_add_recorded_cgroups(dir, &st);
    rlx_teardown_tty_holder(&st);
    rlx_teardown_leftovers(NULL, st.cgroup_paths, st.monitor_cgroup_paths,
                           rlx_state_init_alive(&st) ? st.pid : 0, st.shared_cgroup && !st.shared_pidns);
    rlx_teardown_systemd_unit(g, st.systemd_unit);
    run_hooks_warn(g, dir, &st, RLX_HOOK_POSTSTOP, "stopped");
    rm_rf(dir);
    rlx_bind_staging_remove(g->root, id);
    rlx_state_free(&st);
    rlx_teardown_lxc_lockdir(g->root);
    return 0;
}

int rlx_container_update(const struct rlx_global *g, const char *id, const struct rlx_resources *r, rlx_error_t *err)
{
    struct rlx_state st = {0};
    struct rlx_cgroup_layout layout;
    struct rlx_resources update;
    cleanup_free char *dir = NULL;
    cleanup_close int lock = -1;
    const char *status, *ignored;
    int ret = -1;

    /* Lock, then read the state another command may just have changed (design note 19). */
    lock = rlx_state_lock_load(g->root, id, &st, err);
    if (lock < 0)
        return -1;
    dir = rlx_state_dir(g->root, id);
    status = rlx_state_status(dir, &st);
    if (strcmp(status, "stopped") == 0 || strcmp(status, "creating") == 0) {
        rlx_error(err, 0, "update: container '%s' is not running", id);
        goto out;
    }
    if (rlx_cgroup_layout_load(&layout) < 0) {
        rlx_error(err, 0, "update: no cgroup hierarchy is mounted");
        goto out;
    }
    update = rlx_resources_for_update(r, &ignored);
    if (ignored)
        rlx_log(g, "warning", "update: %s ignored, as runc's update ignores it", ignored);
    if ((ignored = rlx_resources_ignored(r)) != NULL)
        rlx_log(g, "warning", "%s", ignored);
    if (st.systemd_unit) {
        /* runc: the unit's properties first, so systemd never puts the old values back. */
        struct rlx_sd *sd = rlx_sd_open(err);
        ret = sd ? rlx_sd_set_resources(sd, st.systemd_unit, &update, &layout, err) : -1;
        rlx_sd_close(sd);
    }
    if (!st.systemd_unit || ret == 0)
        ret = rlx_resources_write(&update, &layout, st.cgroup_paths, err);
    rlx_cgroup_layout_free(&layout);
out:
    rlx_state_free(&st);
    return ret;
}
