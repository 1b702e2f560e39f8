/* runc's -ENOSYS stub (runlxc/lib/seccomp_enosys.c), run through a small classic-BPF
 * interpreter: which calls reach the filter and which get ENOSYS, per architecture and x32 mode. */
#include "seccomp_enosys.h"
#include "tap.h"
#include "util.h"
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>

#define X32 0x40000000u
#define ENOSYS_RET (SECCOMP_RET_ERRNO | ENOSYS)
#define FILTER_RET 0x7fff1234u   /* what the stand-in filter returns */

static uint32_t run(const struct sock_filter *p, size_t n, uint32_t arch, uint32_t nr)
{
    uint32_t a = 0;
    for (size_t pc = 0; pc < n;) {
        const struct sock_filter *f = &p[pc];
        switch (f->code) {
        case BPF_LD | BPF_W | BPF_ABS: a = f->k == offsetof(struct seccomp_data, nr) ? nr : arch; pc++; break;
        case BPF_JMP | BPF_JEQ | BPF_K: pc += 1 + (a == f->k ? f->jt : f->jf); break;
        case BPF_JMP | BPF_JGT | BPF_K: pc += 1 + (a > f->k ? f->jt : f->jf); break;
        case BPF_JMP | BPF_JSET | BPF_K: pc += 1 + ((a & f->k) ? f->jt : f->jf); break;
        case BPF_JMP | BPF_JA: pc += 1 + f->k; break;
        case BPF_RET | BPF_K: return f->k;
        default: return 0xdeadbeef;
        }
    }
    return 0xdeadbeef;   /* ran off the end */
}

/* The stand-in for libseccomp's program: it loads the architecture itself, as libseccomp's does. */
static size_t patched(const struct rlx_enosys_arch *archs, size_t n, struct sock_filter **out)
{
    struct sock_filter filter[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
                                   BPF_STMT(BPF_RET | BPF_K, FILTER_RET)};
    size_t len = sizeof(filter);
    unsigned char *bpf = xmalloc(len);
    memcpy(bpf, filter, len);
    rlx_seccomp_enosys_patch(archs, n, &bpf, &len);
    *out = (struct sock_filter *)bpf;
    return len / sizeof(struct sock_filter);
}

struct call {
    uint32_t arch, nr, want;
    const char *what;
};

static void check(const char *name, const struct rlx_enosys_arch *archs, size_t n, const struct call *calls, size_t nc)
{
    struct sock_filter *p;
    size_t len = patched(archs, n, &p);
    for (size_t i = 0; i < nc; i++) {
        uint32_t got = run(p, len, calls[i].arch, calls[i].nr);
        TAP_OK(got == calls[i].want, "%s: %s gets %s (got %#x)", name, calls[i].what,
               calls[i].want == ENOSYS_RET ? "ENOSYS" : "the filter's answer", got);
    }
    free(p);
}

int main(void)
{
    const uint32_t x86_64 = SCMP_ARCH_X86_64, i386 = SCMP_ARCH_X86, arm64 = SCMP_ARCH_AARCH64;
    {
        const struct rlx_enosys_arch a[] = {{x86_64, 334, X32 + 547}, {i386, 450, -1}};
        const struct call c[] = {
            {x86_64, 1, FILTER_RET, "x86-64 write"},
            {x86_64, 334, FILTER_RET, "x86-64's newest named syscall"},
            {x86_64, 335, ENOSYS_RET, "x86-64 one above the newest"},
            {x86_64, 1000, ENOSYS_RET, "x86-64 syscall 1000 (no libseccomp knows it)"},
            {x86_64, X32 + 10, FILTER_RET, "an x32 call below x32's newest"},
            {x86_64, X32 + 548, ENOSYS_RET, "an x32 call above x32's newest"},
            {i386, 450, FILTER_RET, "i386's newest"},
            {i386, 451, ENOSYS_RET, "i386 one above"},
            {arm64, 5000, FILTER_RET, "an architecture the profile does not list (the filter's bad-arch action)"},
        };
        check("x86-64, x32 and i386", a, 2, c, sizeof(c) / sizeof(c[0]));
    }
    {
        const struct rlx_enosys_arch a[] = {{x86_64, 334, -1}};
        const struct call c[] = {
            {x86_64, 335, ENOSYS_RET, "x86-64 one above"},
            {x86_64, X32 + 1000, FILTER_RET, "an x32 call (mode not listed: the filter decides)"},
        };
        check("x86-64 without x32", a, 1, c, sizeof(c) / sizeof(c[0]));
    }
    {
        const struct rlx_enosys_arch a[] = {{x86_64, -1, X32 + 547}};
        const struct call c[] = {
            {x86_64, 1000, FILTER_RET, "an x86-64 call (mode not listed: the filter decides)"},
            {x86_64, X32 + 548, ENOSYS_RET, "an x32 call above x32's newest"},
        };
        check("x32 without x86-64", a, 1, c, sizeof(c) / sizeof(c[0]));
    }
    {
        const struct rlx_enosys_arch a[] = {{arm64, -1, -1}};
        struct sock_filter *p;
        size_t len = patched(a, 1, &p);
        TAP_OK(len == 2, "no architecture with a named syscall: the program is left as it was (%zu instructions)", len);
        free(p);
    }
    return tap_done();
}
