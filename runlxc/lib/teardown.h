/* What a failed create, a start of a vanished bundle and a delete take down: the container's
 * processes and cgroups, its tty holder, its systemd unit, its state dir, liblxc's lock dir.
 * Each step is idempotent: it finds what is left and leaves alone what is not there. */
#ifndef RUNLXC_TEARDOWN_H
#define RUNLXC_TEARDOWN_H
#include <sys/types.h>
#include "context.h"
#include "state.h"

/* Kills init (init_pid > 0), empties and removes the cgroups (either list may be NULL) and
 * removes state_dir (unless NULL). The monitor cgroups still hold init's minimal parent on
 * kernels without subreapers. With keep_members (a cgroup shared with processes that are not
 * the container's, which has a pid namespace of its own), only init is killed, as runc 1.1
 * kills only the pid namespace there, and a cgroup they keep busy stays. */
void rlx_teardown_leftovers(const char *state_dir, char **cg, char **monitor_cg, pid_t init_pid, bool keep_members);
/* Kills the tty holder of org.runlxc.ttys if it still runs (it would end by itself within a
 * second of init). */
void rlx_teardown_tty_holder(const struct rlx_state *st);
/* Stops a transient scope (unit may be NULL), after its processes were killed so that systemd
 * has nothing to wait for; a host whose systemd went away only gets a warning. */
void rlx_teardown_systemd_unit(const struct rlx_global *g, const char *unit);
/* Removes liblxc's lock directory of the root once the root has no container left. */
void rlx_teardown_lxc_lockdir(const char *root);

#endif
