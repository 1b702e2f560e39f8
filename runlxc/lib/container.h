/* The container lifecycle on liblxc (DESIGN.md section 2): create hands init over to the
 * caller's subreaper and keeps nothing resident; start, kill and delete work from the state
 * dir alone. */
#ifndef RUNLXC_CONTAINER_H
#define RUNLXC_CONTAINER_H
#include <stdbool.h>
#include <sys/types.h>
#include "context.h"
#include "error.h"
#include "rich.h"

struct rlx_create_opts {
    const char *bundle;
    const char *pid_file;
    const char *console_socket;
    bool no_pivot;
    bool no_new_keyring;
    int preserve_fds;
    bool foreground;          /* `run` without -d: the caller relays the terminal itself */
};

struct rlx_created {
    pid_t pid;
    int pty_master;           /* foreground run with a terminal, else -1 */
    pid_t reaper;             /* kernels without subreapers: init's minimal parent, else 0 */
    struct rlx_rich rich;     /* what kind of init it runs (rich.h) */
};

int rlx_container_create(const struct rlx_global *g, const char *id, const struct rlx_create_opts *o,
                         struct rlx_created *out, rlx_error_t *err);
int rlx_container_start(const struct rlx_global *g, const char *id, rlx_error_t *err);
/* create + start. Detached: 0 once it runs. Foreground (o->foreground is set): runlxc is the
 * container's subreaper until it exits and returns its exit code (>= 0), after deleting it
 * unless keep. -1 on an error, with nothing left behind. */
int rlx_container_run(const struct rlx_global *g, const char *id, struct rlx_create_opts *o, bool detach, bool keep,
                      rlx_error_t *err);
/* kill without a signal: SIGTERM as runc, or a rich container's stop signal (rich.h). */
#define RLX_DEFAULT_STOP_SIGNAL (-1)
int rlx_container_kill(const struct rlx_global *g, const char *id, int sig, bool all, rlx_error_t *err);
/* force: kill a running container first; a missing container is then not an error. */
int rlx_container_delete(const struct rlx_global *g, const char *id, bool force, rlx_error_t *err);

struct rlx_resources;
/* New resource limits for a created, running or paused container: the systemd unit's
 * properties first (--systemd-cgroup), then its cgroup files. */
int rlx_container_update(const struct rlx_global *g, const char *id, const struct rlx_resources *r, rlx_error_t *err);

struct rlx_spec;
/* The config.json saved in the state dir at create (the bundle's may have changed since). */
struct rlx_spec *rlx_container_load_spec(const char *state_dir, const char *bundle, rlx_error_t *err);

struct rlx_exec_opts {
    const char *process_path;     /* --process FILE (then the flags below are not applied) */
    char **args;                  /* command line, without --process */
    bool tty, detach, no_new_privs, ignore_paused;
    const char *console_socket, *pid_file, *cwd, *user, *apparmor, *process_label;
    char **cgroups;                     /* --cgroup, each [CONTROLLER[,CONTROLLER]:]PATH */
    char **env, **caps, **additional_gids;
    int preserve_fds;
};

/* Runs a new process in the container's namespaces and cgroup. Foreground: returns its exit
 * code (>= 0); detached: 0 once it runs. -1 on a runtime error. */
int rlx_container_exec(const struct rlx_global *g, const char *id, const struct rlx_exec_opts *o, rlx_error_t *err);

int rlx_write_pid_file(const char *path, pid_t pid, rlx_error_t *err);

#endif
