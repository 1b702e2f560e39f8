#include "syscalls.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

int rlx_setns(int fd, int nstype)
{
#ifdef SYS_setns
    return (int)syscall(SYS_setns, fd, nstype);
#else
    errno = ENOSYS;
    return -1;
#endif
}

/* One number on every architecture but alpha since the syscall tables were unified. */
#if !defined(SYS_mount_setattr) && !defined(__alpha__)
#define SYS_mount_setattr 442
#endif

int rlx_mount_setattr(int dfd, const char *path, unsigned int flags, struct rlx_mount_attr *attr)
{
#ifdef SYS_mount_setattr
    return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, sizeof(*attr));
#else
    (void)dfd, (void)path, (void)flags, (void)attr;
    errno = ENOSYS;
    return -1;
#endif
}

int rlx_have_mount_setattr(void)
{
    return rlx_mount_setattr(-1, "", 0, NULL) < 0 && errno != ENOSYS;
}

int rlx_memfd_create(const char *name, unsigned int flags)
{
#ifdef SYS_memfd_create
    return (int)syscall(SYS_memfd_create, name, flags);
#else
    errno = ENOSYS;
    return -1;
#endif
}

void rlx_close_fds_from(int from)
{
    DIR *d;
    struct dirent *de;
    long max;

#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)from, ~0U, 0) == 0)
        return;
#endif
    /* Older kernels: walk /proc/self/fd; without /proc, close up to the fd limit. */
    d = opendir("/proc/self/fd");
    if (d != NULL) {
        int dfd = dirfd(d);
        int *fds = NULL;
        size_t n = 0, cap = 0;
        while ((de = readdir(d)) != NULL) {
            int fd = atoi(de->d_name);
            if (de->d_name[0] < '0' || de->d_name[0] > '9' || fd < from || fd == dfd)
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                int *nf = realloc(fds, cap * sizeof(int));
                if (nf == NULL)
                    break;
                fds = nf;
            }
            fds[n++] = fd;
        }
        closedir(d);
        for (size_t i = 0; i < n; i++)
            close(fds[i]);
        free(fds);
        return;
    }
    max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = from; fd < max; fd++)
        close(fd);
}

int rlx_setrlimit(int resource, uint64_t soft, uint64_t hard)
{
    struct rlimit rl = {(rlim_t)soft, (rlim_t)hard};
#ifdef SYS_prlimit64
    if (syscall(SYS_prlimit64, 0, resource, &rl, NULL) == 0)
        return 0;
    if (errno != ENOSYS)
        return -1;
#endif
    /* Kernels before 2.6.36 have no prlimit64: the old setrlimit syscall exists everywhere. */
    return (int)syscall(SYS_setrlimit, resource, &rl);
}

int rlx_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable)
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    data[0].effective = (uint32_t)effective;
    data[1].effective = (uint32_t)(effective >> 32);
    data[0].permitted = (uint32_t)permitted;
    data[1].permitted = (uint32_t)(permitted >> 32);
    data[0].inheritable = (uint32_t)inheritable;
    data[1].inheritable = (uint32_t)(inheritable >> 32);
    return (int)syscall(SYS_capset, &hdr, data);
}

int rlx_cap_last_cap(void)
{
    char buf[16] = {0};
    int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
    int last = -1;
    if (fd >= 0) {
        if (read(fd, buf, sizeof(buf) - 1) > 0)
            last = atoi(buf);
        close(fd);
    }
    if (last <= 0) {
        /* Kernels before 3.2 have no cap_last_cap: probe with PR_CAPBSET_READ. */
        for (last = 0; last < 64; last++)
            if (syscall(SYS_prctl, 23 /* PR_CAPBSET_READ */, last + 1, 0, 0, 0) < 0)
                break;
    }
    return last;
}
