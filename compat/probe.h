/* Behavioural probes of what this kernel offers. Nothing here reads uname. */
#ifndef RUNLXC_PROBE_H
#define RUNLXC_PROBE_H
#include <stdbool.h>
#include <stdint.h>

#define RLX_MAX_HIERARCHIES 32

enum rlx_cgroup_mode { RLX_CGROUP_V1, RLX_CGROUP_HYBRID, RLX_CGROUP_V2 };

struct rlx_hierarchy {
    char *mountpoint;      /* /sys/fs/cgroup/memory */
    char *controllers;     /* "memory" or "cpu,cpuacct" or "name=systemd"; "" for cgroup2 */
    bool v2;
};

struct rlx_cgroup_layout {
    enum rlx_cgroup_mode mode;
    struct rlx_hierarchy h[RLX_MAX_HIERARCHIES];
    int n;
    int unified;           /* index of the cgroup2 hierarchy or -1 */
    char *v2_controllers;  /* controllers enabled in the cgroup2 root (space separated) */
};

/* Reads /proc/self/mountinfo. Returns 0, or -1 when no cgroup hierarchy is mounted. */
int rlx_cgroup_layout_load(struct rlx_cgroup_layout *l);
void rlx_cgroup_layout_free(struct rlx_cgroup_layout *l);
/* Index of the hierarchy that serves controller (e.g. "memory"), or -1. */
int rlx_cgroup_layout_find(const struct rlx_cgroup_layout *l, const char *controller);
/* True when the controller is handled by cgroup v2 on this host. */
bool rlx_cgroup_controller_is_v2(const struct rlx_cgroup_layout *l, const char *controller);

/* setns(2): exists when setns(-1, 0) answers EBADF, absent when it answers ENOSYS. */
bool rlx_probe_setns(void);

/* User namespaces: a child tries unshare(CLONE_NEWUSER) (off on RHEL 7, absent on 2.6.32). */
bool rlx_probe_userns(void);
/* Can a new namespace of this type be made? Tried by a throw-away child (EINVAL if unknown). */
bool rlx_probe_unshare(int flag);

/* Side-effect-free checks used on every create: prctl answers EINVAL for what it lacks. */
bool rlx_probe_no_new_privs(void);
bool rlx_probe_seccomp_filter(void);
/* User notification of seccomp filters (SCMP_ACT_NOTIFY, Linux 5.0). */
bool rlx_probe_seccomp_notify(void);
/* Whether the kernel has a filter's return action (SECCOMP_GET_ACTION_AVAIL, Linux 4.14: the
 * kernels before it have neither that operation nor KILL_PROCESS and LOG, libseccomp then
 * refuses them, and runc with it). */
bool rlx_probe_seccomp_action(uint32_t kernel_action);
/* PR_SET_CHILD_SUBREAPER (Linux 3.4): without it runlxc keeps a minimal parent per container. */
bool rlx_probe_subreaper(void);
/* open_tree(2)/move_mount(2) (Linux 5.2): mounts cloned on the host and moved into a container. */
bool rlx_probe_open_tree(void);
/* PR_CAP_AMBIENT (Linux 4.3, RHEL 7 backport). */
bool rlx_probe_ambient_caps(void);

/* What this kernel offers runlxc and liblxc, each found by trying it (in a throw-away child
 * where trying has side effects). */
enum rlx_feature {
    F_SETNS_NET, F_SETNS_IPC, F_SETNS_UTS, F_SETNS_PID, F_SETNS_MNT, F_SETNS_CGROUP,
    F_USERNS, F_CGROUPNS, F_TIMENS, F_SUBREAPER, F_NO_NEW_PRIVS, F_SECCOMP_FILTER, F_MEMFD,
    F_EXECVEAT, F_PIDFD, F_CLONE3, F_OPEN_TREE, F_SETGROUPS_FILE, F_DEVPTS_NEWINSTANCE, F_OVERLAY, F_AMBIENT,
    F_SECCOMP_KILL_PROCESS, F_COUNT
};
extern const char *const rlx_feature_names[F_COUNT];
/* Bit i set when feature i works here. */
unsigned long rlx_probe_features(void);

#endif
