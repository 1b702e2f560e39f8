/* runc's -ENOSYS stub (libcontainer/seccomp/patchbpf): a syscall numbered above every one the
 * profile names, for the architecture the call comes from, returns ENOSYS instead of the
 * profile's default action, so that libc falls back from a call the profile predates (clone3
 * -> clone, faccessat2 -> faccessat) and a syscall no libseccomp knows gets ENOSYS as on a
 * kernel without it. libseccomp cannot say "above N", so the stub is classic BPF placed before
 * the program libseccomp exported; it only jumps forward, to its ENOSYS return or to the
 * program's first instruction, which loads the architecture again itself. */
#include "seccomp_enosys.h"
#include "util.h"
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <string.h>

#define X32_SYSCALL_BIT 0x40000000u

/* One instruction with absolute jump targets, resolved to offsets once the stub's length is known. */
enum { T_NEXT = -1, T_ENOSYS = -2, T_FILTER = -3 };
struct insn {
    uint16_t code;
    uint32_t k;
    int jt, jf;    /* absolute index or a T_* target; 0 and 0 for a non-jump */
};

struct stub {
    struct insn *v;
    size_t n;
};

static void emit(struct stub *s, uint16_t code, uint32_t k, int jt, int jf)
{
    s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
    s->v[s->n++] = (struct insn){code, k, jt, jf};
}

/* "nr > hi": ENOSYS, else the filter. */
static void emit_above(struct stub *s, uint32_t hi)
{
    emit(s, BPF_JMP | BPF_JGT | BPF_K, hi, T_ENOSYS, T_FILTER);
}

/* One architecture's block. The accumulator holds the architecture when it starts; a call
 * of another architecture goes on to the next block. On x86-64 the x32 ABI is told apart by
 * bit 30 of the number; a mode the profile does not list goes straight to the filter
 * (libseccomp gives it the bad-architecture action). */
static void emit_arch(struct stub *s, const struct rlx_enosys_arch *a)
{
    size_t here = s->n;
    emit(s, BPF_JMP | BPF_JEQ | BPF_K, a->audit, (int)here + 1, T_NEXT);
    emit(s, BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, nr), 0, 0);
    if (a->audit != SCMP_ARCH_X86_64) {
        emit_above(s, (uint32_t)a->highest);
        return;
    }
    if (a->highest >= 0 && a->highest_x32 >= 0) {
        emit(s, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, (int)s->n + 2, (int)s->n + 1);
        emit_above(s, (uint32_t)a->highest);
        emit_above(s, (uint32_t)a->highest_x32);
    } else if (a->highest >= 0) {
        emit(s, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, T_FILTER, (int)s->n + 1);
        emit_above(s, (uint32_t)a->highest);
    } else {
        emit(s, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, (int)s->n + 1, T_FILTER);
        emit_above(s, (uint32_t)a->highest_x32);
    }
}

/* Relative offset from instruction i to target t; the stub is far below 256 instructions. */
static uint8_t offset_to(size_t i, int t, const size_t *block_end, size_t enosys_at)
{
    size_t abs = t == T_ENOSYS ? enosys_at : t == T_FILTER ? enosys_at + 1 : t == T_NEXT ? block_end[i] : (size_t)t;
    return (uint8_t)(abs - i - 1);
}

int rlx_seccomp_enosys_patch(const struct rlx_enosys_arch *archs, size_t n_archs, unsigned char **bpf, size_t *len)
{
    struct stub s = {NULL, 0};
    size_t *starts = xcalloc(n_archs + 1, sizeof(size_t)), *block_end, enosys_at, used = 0;
    struct sock_filter *out;

    emit(&s, BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, arch), 0, 0);
    for (size_t i = 0; i < n_archs; i++) {
        if (archs[i].highest < 0 && archs[i].highest_x32 < 0)
            continue;
        starts[used++] = s.n;
        emit_arch(&s, &archs[i]);
    }
    if (used == 0) {
        free(starts);
        free(s.v);
        return 0;
    }
    starts[used] = s.n;    /* after the last block: the jump over the ENOSYS return */
    emit(&s, BPF_JMP | BPF_JA | BPF_K, 1, 0, 0);
    enosys_at = s.n;
    emit(&s, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA), 0, 0);

    /* T_NEXT of an instruction: the start of the block after the one holding it. */
    block_end = xcalloc(s.n, sizeof(size_t));
    for (size_t b = 0, i = 0; i < s.n; i++) {
        while (b < used && i >= starts[b])
            b++;
        block_end[i] = starts[b];
    }
    out = xmalloc(s.n * sizeof(*out) + *len);
    for (size_t i = 0; i < s.n; i++) {
        const struct insn *x = &s.v[i];
        bool cond = BPF_CLASS(x->code) == BPF_JMP && BPF_OP(x->code) != BPF_JA;
        out[i] = (struct sock_filter){x->code, cond ? offset_to(i, x->jt, block_end, enosys_at) : 0,
                                      cond ? offset_to(i, x->jf, block_end, enosys_at) : 0, x->k};
    }
    memcpy(out + s.n, *bpf, *len);
    free(*bpf);
    *bpf = (unsigned char *)out;
    *len += s.n * sizeof(*out);
    free(block_end);
    free(starts);
    free(s.v);
    return 0;
}
