/* LXC configuration key dialects. runlxc speaks in abstract keys; the dialect table gives
 * the spelling of each key for the running liblxc (legacy: liblxc 1.0-2.0, modern: 2.1+),
 * chosen from lxc_get_version() because key probing is unreliable before liblxc 4.0.6. */
#ifndef RUNLXC_DIALECT_H
#define RUNLXC_DIALECT_H
#include <stdbool.h>
#include <stddef.h>
#include "error.h"

enum rlx_key {
    K_ROOTFS_PATH, K_ROOTFS_MOUNT, K_ROOTFS_MANAGED, K_UTS_NAME, K_CONSOLE_PATH, K_LOG_FILE, K_LOG_LEVEL,
    K_NET_TYPE, K_AUTODEV, K_MOUNT_ENTRY, K_MOUNT_AUTO, K_CGROUP_DIR, K_CGROUP_DIR_CONTAINER,
    K_CGROUP_DIR_MONITOR, K_CGROUP_V1, K_CGROUP_V2, K_NAMESPACE_CLONE, K_NAMESPACE_KEEP, K_NAMESPACE_SHARE_USER,
    K_MONITOR_PDEATH, K_TTY_MAX, K_PTY_MAX, K_SYSCTL, K_APPARMOR_PROFILE, K_SELINUX_CONTEXT,
    K_HOOK_MOUNT, K_HOOK_VERSION, K_IDMAP, K_EPHEMERAL, K_KEYRING_SESSION, K_KMSG,
    K_KEYS
};

enum rlx_dialect_kind { RLX_DIALECT_LEGACY, RLX_DIALECT_MODERN };

struct rlx_dialect {
    enum rlx_dialect_kind kind;
    int major, minor, micro;   /* liblxc version */
};

/* Parses "5.0.2" (or "1.0.11", "4.0.12-devel"); returns the dialect for that version. */
struct rlx_dialect rlx_dialect_for_version(const char *version);
/* The dialect of the liblxc this process is linked with. */
struct rlx_dialect rlx_dialect_current(void);
/* The same for what builds a container: a liblxc that cannot be loaded, or is older than 1.0,
 * is an error naming it. */
int rlx_dialect_load(struct rlx_dialect *d, rlx_error_t *err);
/* The key's spelling in this dialect, or NULL when this liblxc has no such key. For
 * prefix keys (K_CGROUP_V1, K_CGROUP_V2, K_SYSCTL) the prefix including the final dot. */
const char *rlx_dialect_key(const struct rlx_dialect *d, enum rlx_key key);
const char *rlx_dialect_name(const struct rlx_dialect *d);
/* Whether lxc.mount.entry takes propagation options (private, rslave, ...): liblxc 1.0
 * passes them to the filesystem as data, 2.0 applies them but passes them on too (EINVAL). */
bool rlx_dialect_mount_propagation(const struct rlx_dialect *d);
/* What this liblxc cannot be asked for and what runlxc does instead, one sentence each, for
 * `check`: fills out (at most max) and returns how many. None for liblxc 3.0 and later. */
size_t rlx_dialect_shims(const struct rlx_dialect *d, const char **out, size_t max);

#endif
