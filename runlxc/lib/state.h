/* <root>/<id>/: the container's state dir. state.json is written atomically; commands on
 * one container serialise on a flock of the directory. */
#ifndef RUNLXC_STATE_H
#define RUNLXC_STATE_H
#include <stdbool.h>
#include <sys/types.h>
#include "error.h"

struct json_object;

struct rlx_state {
    char *id;
    char *oci_version;
    char *bundle;
    char *rootfs;
    char *created;
    char *owner;
    pid_t pid;                       /* init's host pid, 0 before it exists */
    unsigned long long starttime;    /* guards against pid reuse */
    struct json_object *annotations; /* owned */
    char **cgroup_paths;             /* absolute cgroup dirs of the container */
    char **monitor_cgroup_paths;     /* where the short-lived liblxc monitor lived */
    bool shared_pidns;               /* no private pid namespace: kill every cgroup member */
    bool shared_cgroup;              /* its cgroup held other processes at create (runc 1.1) */
    bool agent_unfrozen;             /* the exec agent lives outside the container's freezer */
    char *lxcfs_mountpoint;          /* lxcfs the container's views come from, or NULL */
    char **lxcfs_targets;            /* container paths bound from it */
    char *lxcfs_relay;               /* container path of the lxcfs relay (remount without
                                      * open_tree), or NULL */
    char *systemd_unit;              /* --systemd-cgroup: the container's transient scope */
    pid_t creator_pid;               /* the `runlxc create` that made it, until init's pid is */
    unsigned long long creator_starttime; /* known: "creating" only while that one lives */
    int stop_signal;                 /* a rich container's stop signal (rich.h), else 0 */
    pid_t tty_holder_pid;            /* the holder of its ttys' masters (ttys.h), else 0 */
    unsigned long long tty_holder_starttime;
    int hook_kinds;                  /* bit (1 << rlx_hook_kind) per kind config.json has, or
                                      * -1 when unknown (a state file without the record) */
};

/* Checks an id the way runc does: [A-Za-z0-9_+.-], not "." or "..", no '/'. */
int rlx_id_validate(const char *id, rlx_error_t *err);
char *rlx_state_dir(const char *root, const char *id);
int rlx_state_load(const char *root, const char *id, struct rlx_state *st, rlx_error_t *err);
int rlx_state_save(const char *dir, const struct rlx_state *st, rlx_error_t *err);
/* <dir>/cgroups: the container's and the monitor's cgroup dirs again, one "container PATH" or
 * "monitor PATH" per line, so that delete --force can still empty and remove them when
 * state.json is damaged. */
int rlx_state_save_cgroups(const char *dir, char **cg, char **monitor_cg, rlx_error_t *err);
/* Reads that record back, keeping only paths rlx_cgroup_path_is_ours() accepts for layout.
 * Returns the number of paths kept, or -1 when the record is missing or unreadable. */
struct rlx_cgroup_layout;
int rlx_state_load_cgroups(const char *dir, const struct rlx_cgroup_layout *layout, char ***cg, char ***monitor_cg);
void rlx_state_free(struct rlx_state *st);
/* created | running | paused | stopped */
const char *rlx_state_status(const char *dir, const struct rlx_state *st);
bool rlx_state_init_alive(const struct rlx_state *st);
/* The OCI state object as runc prints it. */
struct json_object *rlx_state_to_json(const struct rlx_state *st, const char *status);
/* The same as one line of JSON (the state hooks and the seccomp agent get). */
char *rlx_state_json_text(const struct rlx_state *st, const char *status);
/* The lock on the --root directory itself: shared by each create from before its monitor
 * starts liblxc (which makes liblxc's lock directory for the root) until it returns; taken
 * exclusive, without waiting, by what removes that directory when the root holds no container.
 * Returns the fd, or -1 (not there, or busy). */
int rlx_state_root_lock(const char *root, bool exclusive);
/* True when root holds no container (no directory). */
bool rlx_state_root_empty(const char *root);
/* Takes the per-container lock (blocking). Returns the lock fd or -1. */
int rlx_state_lock(const char *dir, rlx_error_t *err);
/* Takes the lock, then loads the state: what the holder before us (a create still running, a
 * delete) did is then seen, never a state read before it finished (design note 19). Returns
 * the lock fd or -1; a container whose dir is gone "does not exist" (errnum ENOENT). */
int rlx_state_lock_load(const char *root, const char *id, struct rlx_state *st, rlx_error_t *err);
/* Adds the paths of <dir>/cgroups (written before liblxc runs) to those of the state, so that
 * delete reaches cgroups a create killed before it recorded them in state.json. */
void rlx_state_add_recorded_cgroups(const char *dir, struct rlx_state *st);

#endif
