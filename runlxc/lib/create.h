/* `create` as a pipeline of named stages over one context (docs/design-notes.md, note 23).
 * rlx_container_create (create.c) runs them in order and, on a failure, undoes in reverse
 * exactly what the stages made; each stage records in the context what it made, before the
 * next step can fail. Internal to the library: the CLI calls rlx_container_create only. */
#ifndef RUNLXC_CREATE_H
#define RUNLXC_CREATE_H
#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include "cgroup.h"
#include "container.h"
#include "dialect.h"
#include "lxcconf.h"
#include "probe.h"
#include "seccomp_profile.h"
#include "spec.h"
#include "state.h"
#include "systemd_cgroup.h"
#include "ttys.h"

struct rlx_create {
    /* the call */
    const struct rlx_global *g;
    const char *id;
    const struct rlx_create_opts *o;
    struct rlx_created *out;
    int listen_fds;                     /* LISTEN_FDS passed on to the payload */

    /* load: the bundle as given */
    char bundle[PATH_MAX];
    char *config_text;                  /* config.json, saved as it was into the state dir */
    struct rlx_spec *spec;
    struct rlx_dialect dialect;

    /* check and plan: decisions, and host resources that end with this process */
    struct rlx_seccomp_prog seccomp;
    struct rlx_ttys ttys;               /* the open ptys of org.runlxc.ttys */
    int n_ttys;
    struct rlx_cgroup_layout layout;
    bool have_layout;
    struct rlx_sd_unit sdu;             /* --systemd-cgroup: the unit, slice and cgroup dir */
    struct rlx_sd *sd;
    struct rlx_lxcconf conf;            /* what liblxc gets */
    char *state_dir;
    struct rlx_state st;                /* the record, filled as the stages learn it */

    /* make: what exists on the host, for the undo */
    int root_lock, lock;
    bool made_dir;
    char **expected_cg;                 /* where liblxc will put the container */
    char **liblxc_cg;                   /* where liblxc put init before runlxc moved it (cgroup_place.h) */
    char **liblxc_cg_parents;           /* the dirs liblxc makes those in, and of them */
    char **liblxc_cg_parents_existed;   /* those that were there before this create */
    char **monitor_cg;                  /* where liblxc puts (then put) its monitor */
    char **expected_monitor_cg;
    bool monitor_cg_gone;
    bool staged_binds;                  /* bind sources staged for liblxc's child (bind_staging.h) */

    /* spawn and hand-off */
    int sv[2];                          /* create's end, the monitor's (init's) end */
    int init_fd;                        /* runlxc-init, sealed */
    int handoff[2];                     /* kernels without subreapers */
    int agent_fd;
    bool has_agent;
    pid_t monitor, init_pid, tty_holder;
};

/* load: the bundle's config.json parsed, the root path resolved, the LXC dialect chosen.
 * Reads only. */
int rlx_create_load(struct rlx_create *c, rlx_error_t *err);
/* check: the spec and the flags against each other and this kernel, in runc's order; the
 * seccomp program compiled. Opens the ptys of org.runlxc.ttys, whose paths become bind mounts
 * of the spec before its mounts are checked (fds only: they end with this process). */
int rlx_create_check(struct rlx_create *c, rlx_error_t *err);
/* plan: lxcfs views, the cgroup layout, the systemd unit, the LXC configuration. May refresh
 * the lxcfs relay that all containers share; makes nothing of this container's on the host. */
int rlx_create_plan(struct rlx_create *c, rlx_error_t *err);

#endif
