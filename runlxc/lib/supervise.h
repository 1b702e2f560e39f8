/* Foreground supervision shared by run and exec. */
#ifndef RUNLXC_SUPERVISE_H
#define RUNLXC_SUPERVISE_H
#include <signal.h>
#include <sys/types.h>

/* Waits for pid (our child or reparented to us), forwarding the signals read from the
 * signalfd sfd and relaying the pty master (or -1). Returns the exit code to use.
 * reaper (or 0): on kernels without subreapers, pid stays the child of a minimal parent
 * of ours that exits with pid's exit code; its exit ends the wait.
 * exit_fd (or -1): pid is the child of the container's exec agent, which sends MSG_EXIT. */
int rlx_supervise(pid_t pid, pid_t reaper, int exit_fd, int master, int sfd);

/* Blocks every signal we forward (all but the synchronous faults) into *set, old mask into
 * *saved: set up before the process exists, so that none is lost. */
void rlx_block_forwarded_signals(sigset_t *set, sigset_t *saved);

/* For a child on its way to becoming a container's process: no blocked signals and default
 * dispositions, whatever the caller (runlxc run, an engine) had. */
void rlx_reset_signals(void);

#endif
