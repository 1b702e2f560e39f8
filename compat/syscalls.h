/* Syscalls whose glibc wrappers are newer than glibc 2.12 (or missing), with fallbacks.
 * Every function returns -1 with errno set (ENOSYS where the kernel lacks the call). */
#ifndef RUNLXC_SYSCALLS_H
#define RUNLXC_SYSCALLS_H
#include <sys/types.h>
#include <stdint.h>
#include <sched.h>
#include <linux/seccomp.h>
/* seccomp(2)'s user-notification listener (Linux 5.0); older headers lack the flag. */
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif

/* Namespace flags newer than old headers. */
#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int rlx_setns(int fd, int nstype);
int rlx_memfd_create(const char *name, unsigned int flags);
/* Closes every fd >= from except those listed in keep (sorted or not). */
void rlx_close_fds_from(int from);
int rlx_setrlimit(int resource, uint64_t soft, uint64_t hard);
int rlx_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable);
int rlx_cap_last_cap(void);

/* mount_setattr(2) (Linux 5.12), with the uapi's struct mount_attr and flags spelled out for
 * headers that predate it. */
struct rlx_mount_attr {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};
#define RLX_MOUNT_ATTR_RDONLY 0x00000001
#define RLX_AT_RECURSIVE 0x8000
#define RLX_AT_SYMLINK_NOFOLLOW 0x100
int rlx_mount_setattr(int dfd, const char *path, unsigned int flags, struct rlx_mount_attr *attr);
/* Whether the kernel has mount_setattr (a call with no valid argument tells ENOSYS apart). */
int rlx_have_mount_setattr(void);

#endif
