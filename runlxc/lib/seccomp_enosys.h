/* runc's -ENOSYS stub before a libseccomp filter (seccomp_enosys.c). */
#ifndef RUNLXC_SECCOMP_ENOSYS_H
#define RUNLXC_SECCOMP_ENOSYS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One architecture as the kernel reports it (AUDIT_ARCH_*), with the highest syscall number
 * the profile names for it; on x86-64 the x32 ABI's apart (numbers with bit 30). -1: none. */
struct rlx_enosys_arch {
    uint32_t audit;
    long highest, highest_x32;
};

/* Puts the stub before the program in *bpf (struct sock_filter[], *len bytes), reallocating
 * it. Architectures without a highest number get no block. Returns 0. */
int rlx_seccomp_enosys_patch(const struct rlx_enosys_arch *archs, size_t n_archs, unsigned char **bpf, size_t *len);
#endif
