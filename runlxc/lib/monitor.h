/* The short-lived monitor (DESIGN.md 2.2): a forked child of `runlxc create` that runs liblxc's
 * non-daemonized start(), so that liblxc builds the container and runlxc-init becomes its
 * child; create retires it once init reports, and init is reparented to the caller's
 * subreaper. On kernels without subreapers it execs `runlxc-init reap` instead and stays as
 * init's minimal parent. */
#ifndef RUNLXC_MONITOR_H
#define RUNLXC_MONITOR_H
#include <sys/types.h>
#include "context.h"
#include "lxcconf.h"
#include "spec.h"

struct rlx_monitor_args {
    const struct rlx_global *g;
    const char *id;
    const char *state_dir;
    const struct rlx_spec *spec;
    const struct rlx_lxcconf *conf;
    int sync_fd, init_fd, first_free_fd;
    int handoff_fd;           /* kernels without subreapers: the monitor's end of the hand-off socket, else -1 */
};

/* Forks the monitor with every signal blocked across the fork; the child closes the fds in
 * close_in_child (-1: none) and never returns. Returns its pid, or -1 with errno. */
pid_t rlx_monitor_spawn(const struct rlx_monitor_args *a, const int close_in_child[2]);
/* After a failure, lets liblxc's monitor tear down what it built (init exits after reporting
 * its error, and start() then removes the cgroups); kills it only if it does not finish. */
void rlx_monitor_retire(pid_t monitor, int sync_fd);

#endif
