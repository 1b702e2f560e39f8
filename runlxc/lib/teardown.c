#include "teardown.h"
#include "cgroup.h"
#include "liblxc_lockdir.h"
#include "systemd_cgroup.h"
#include "util.h"
#include <signal.h>
#include <time.h>
#include <unistd.h>

/* Kills whatever is left in the cgroups, waits until they are empty and removes them. */
static void empty_and_destroy(char **cg)
{
    if (rlx_cgroup_is_frozen(cg)) {
        rlx_cgroup_kill_all(cg, SIGKILL);
        rlx_cgroup_freeze(cg, false, NULL);
    }
    for (int i = 0; i < 200; i++) {
        size_t n = 0;
        free(rlx_cgroup_pids(cg, &n));
        /* The payload may have made sub-cgroups and moved processes there (in any
         * hierarchy): they are not in the container's cgroup.procs. */
        n += rlx_cgroup_kill_subcgroups(cg, SIGKILL);
        if (n == 0)
            break;
        rlx_cgroup_kill_all(cg, SIGKILL);
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    rlx_cgroup_destroy(cg);
}

void rlx_teardown_tty_holder(const struct rlx_state *st)
{
    if (st->tty_holder_pid > 0 && proc_is_alive(st->tty_holder_pid, st->tty_holder_starttime))
        kill(st->tty_holder_pid, SIGKILL);
}

/* Init's end ends its pid namespace (the kernel reaps the rest before init can be reaped). */
static void wait_until_reaped(pid_t pid)
{
    for (int i = 0; pid > 0 && i < 400 && kill(pid, 0) == 0; i++)
        nanosleep(&(struct timespec){0, 5000000}, NULL);
}

void rlx_teardown_leftovers(const char *state_dir, char **cg, char **monitor_cg, pid_t init_pid, bool keep_members)
{
    if (init_pid > 0)
        kill(init_pid, SIGKILL);
    if (cg && keep_members) {
        /* a frozen init dies only once thawed, and the others were never the container's */
        if (rlx_cgroup_is_frozen(cg))
            rlx_cgroup_freeze(cg, false, NULL);
        wait_until_reaped(init_pid);
        rlx_cgroup_destroy(cg);
    } else if (cg) {
        empty_and_destroy(cg);
    }
    if (monitor_cg)
        empty_and_destroy(monitor_cg);
    if (state_dir)
        rm_rf(state_dir);
}

void rlx_teardown_systemd_unit(const struct rlx_global *g, const char *unit)
{
    rlx_error_t e = NULL;
    struct rlx_sd *sd;
    if (unit == NULL)
        return;
    sd = rlx_sd_open(&e);
    if (sd == NULL || rlx_sd_stop_unit(sd, unit, &e) < 0)
        rlx_log(g, "warning", "unit %s may remain: %s", unit, rlx_error_text(&e));
    rlx_error_release(&e);
    rlx_sd_close(sd);
}

/* A create that holds the root's lock keeps the lock dir (compat/liblxc_lockdir.h). */
void rlx_teardown_lxc_lockdir(const char *root)
{
    int fd = rlx_state_root_lock(root, true);
    if (fd < 0)
        return;
    if (rlx_state_root_empty(root))
        rlx_lxc_lockdir_prune(root);
    close(fd);
}

