/* Typed spec -> LXC configuration items, spelled in the dialect of the running liblxc.
 * Fields liblxc cannot express are left to runlxc-init (see init/runlxc-init.c); fields
 * nothing can honour on this host are errors naming the JSON path. */
#ifndef RUNLXC_LXCCONF_H
#define RUNLXC_LXCCONF_H
#include <stdbool.h>
#include "dialect.h"
#include "probe.h"
#include "spec.h"

struct rlx_lxcconf {
    char **keys;
    char **values;
    size_t n;
    char *cgroup_dir;          /* container cgroup, relative to the root or the caller's cgroup */
    bool cgroup_relative;
    char *monitor_cgroup_dir;
    bool cgroup_placed_by_runlxc; /* liblxc < 2.1 has no lxc.cgroup.dir, or the cgroup is shared (cgroup_place.h) */
    bool cgroup_shared;        /* linux.cgroupsPath already holds processes (runc 1.1 shares it) */
    char *liblxc_cgroup_dir;   /* where liblxc puts init first when it is not cgroup_dir, or NULL */
    bool sysctl_by_init;       /* liblxc < 3.0 has no lxc.sysctl: runlxc-init writes them */
    int init_rejoins_ns;       /* CLONE_NEW* that runlxc-init leaves for the monitor's (liblxc < 3.0) */
    bool init_unshares_cgroupns; /* runlxc-init makes the spec's cgroup namespace (cgroups placed by runlxc) */
    char **init_mount_propagation; /* "FLAGS /dest" of mounts' propagation options (REC_MOUNT_PROP) */
    char **warnings;           /* fields ignored on this host, for create to log */
};

struct rlx_lxc_ctx {
    const char *id;
    const char *state_dir;
    const char *root;          /* --root */
    const char *self_exe;      /* runlxc binary, for hook callbacks */
    const char *log_level;     /* liblxc log level name */
    bool no_new_keyring;
    bool apparmor_enabled;
    bool selinux_enabled;
    const struct rlx_dialect *dialect;
    const struct rlx_cgroup_layout *layout;
    const char *lxcfs_mountpoint;  /* bind these lxcfs views, or NULL */
    char **lxcfs_targets;
    const char *lxcfs_relay;       /* host relay bound at RLX_LXCFS_RELAY_IN_CONTAINER, or NULL */
    bool init_cgroups_writable;    /* a rich container's init (rich.h) */
    const char *systemd_cgroup_dir; /* --systemd-cgroup: the scope's cgroup below the roots */
    bool cgroup_shared;            /* the container's cgroup already holds processes */
};

int rlx_lxcconf_build(struct rlx_lxcconf *c, const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx,
                      rlx_error_t *err);
void rlx_lxcconf_free(struct rlx_lxcconf *c);
/* The container's cgroup dir as the translation names it (linux.cgroupsPath, the systemd
 * scope's, or the id), and whether it is relative to the caller's cgroup. */
char *rlx_lxcconf_cgroup_dir(const struct rlx_spec *s, const struct rlx_lxc_ctx *ctx, bool *relative);
/* "key = value\n" lines, as liblxc's save_config writes them (for debugging and golden tests). */
char *rlx_lxcconf_format(const struct rlx_lxcconf *c);
const char *rlx_lxcconf_get(const struct rlx_lxcconf *c, const char *key);
/* A path as a field of lxc.mount.entry: space, tab, newline and backslash as \ooo. */
void rlx_lxcconf_fstab_escape(char *out, size_t size, const char *in);
/* Appends key = value as given (copies both), without the dialect's spelling. */
void rlx_lxcconf_add(struct rlx_lxcconf *c, const char *key, const char *value);

#endif
