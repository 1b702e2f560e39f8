/* The fork-in-namespace agent (DESIGN.md section 2, decision 4): where the kernel cannot
 * setns(2) into the container's namespaces, runlxc-init forks this helper before it becomes
 * the payload. It waits on a unix socket that runlxc created in the state dir (a host path,
 * invisible inside the container) and, per connection, forks a relay that forks the new
 * process; that process is set up by runlxc-init's own code over the connection, exactly
 * as on the setns path, and the relay reports its exit code (MSG_EXIT). */
#ifndef RUNLXC_AGENT_H
#define RUNLXC_AGENT_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Sets up and execs one process: sync_fd is the connection, config its MSG_CONFIG records.
 * Never returns. */
typedef void (*rlx_agent_spawn_fn)(int sync_fd, char *config, size_t len);

/* Forks the agent. check_peer_pid: refuse peers whose pid is visible in our pid namespace
 * (processes of the container itself); only meaningful when the container has its own pid
 * namespace and the kernel translates SO_PEERCRED pids (2.6.37+). Returns its pid or -1. */
pid_t rlx_agent_start(int listen_fd, bool check_peer_pid, rlx_agent_spawn_fn spawn);

#endif
