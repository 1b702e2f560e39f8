/* personality: runs a command tree under the syscall surface of an older kernel, so that the
 * runtime's fallbacks run on this modern machine (../shared/reference/kernels.md section 2).
 *
 *   personality PROFILE -- CMD [ARGS...]     run CMD under PROFILE
 *   personality --list                      the profiles, one a line
 *
 * A seccomp filter (inherited by every child, kept across exec, never removable) answers
 * ENOSYS for syscalls the old kernel did not have and EINVAL for flags and prctl options it
 * did not know; a private mount namespace hides what the filter cannot fake: the cgroup2
 * mount, /proc/sys/user, cap_last_cap and filesystems missing from /proc/filesystems.
 * The filter is loaded without no_new_privs (we are root), so set-uid helpers keep working
 * and PR_GET_NO_NEW_PRIVS reads 0 as on the real kernel.
 *
 * What it cannot fake (per-pid /proc/PID/ns entries, semantics inside implemented calls) is
 * listed in tests/kernel-matrix/README.md; runlxc confirms with syscalls, which are emulated. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NEWUSER 0x10000000u
#define NEWPID 0x20000000u
#define NEWCGROUP 0x02000000u
#define NEWTIME 0x00000080u
#define O_TMPFILE_BIT 020000000u
#define PR_SET_PTRACER_OPT 0x59616d61u

#define NR_OPEN 2
#define NR_CLONE 56
#define NR_PRCTL 157
#define NR_OPENAT 257
#define NR_UNSHARE 272
#define NR_SETNS 308
#define NR_SECCOMP 317

struct profile {
    const char *name;
    const char *kernel;            /* what it stands for, for --list */
    unsigned max_nr;               /* 0: no syscall limit (modern) */
    unsigned holes[4];             /* syscalls absent below max_nr, 0-terminated */
    uint32_t clone_einval, unshare_einval, setns_einval;
    unsigned prctl_max;            /* 0: no prctl rule */
    unsigned prctl_extra[6];       /* options above prctl_max that exist, 0-terminated */
    int seccomp_filter_einval;     /* PR_SET_SECCOMP with SECCOMP_MODE_FILTER */
    unsigned cap_last;             /* PR_CAPBSET_READ/DROP above this: EINVAL; 0: no rule */
    int tmpfile_eisdir;            /* O_TMPFILE unknown */
    int hide_cgroup2, hide_overlay, hide_sys_user, cap_last_file; /* mount-namespace masks */
    unsigned seccomp_max_op;       /* seccomp(2) operations above it: EINVAL; 0: no rule */
};

/* Rules of kernels.md 2.2 (x86_64). cap_last_file: 1 = show cap_last, -1 = file absent. */
static const struct profile profiles[] = {
    {"centos6", "2.6.32 vanilla", 298, {0}, NEWUSER | NEWCGROUP, NEWUSER | NEWPID | NEWCGROUP | NEWTIME, 0,
     34, {0}, 1, 33, 1, 1, 1, 1, -1, 0},
    {"rhel6", "2.6.32-642 (RHEL 6.8, setns and no_new_privs backported)", 311, {0}, NEWUSER | NEWCGROUP,
     NEWUSER | NEWCGROUP | NEWTIME, NEWUSER | NEWCGROUP | NEWTIME, 34, {38, 39, 0}, 1, 33, 1, 1, 1, 1, 1, 0},
    {"rhel7", "3.10.0-1160 (RHEL 7.9, user namespaces off)", 331, {322, 327, 328, 0}, NEWUSER | NEWCGROUP,
     NEWUSER | NEWCGROUP | NEWTIME, NEWCGROUP | NEWTIME, 44, {47, 52, 53, PR_SET_PTRACER_OPT, 0}, 0, 36, 0, 1, 0, 1, 1,
     1},
    /* seccomp(2)'s SECCOMP_GET_ACTION_AVAIL (op 2) is 4.14's: before it, KILL_PROCESS and LOG
     * do not exist and libseccomp refuses them */
    {"linux-4.4", "4.4 vanilla", 325, {0}, NEWCGROUP, NEWCGROUP | NEWTIME, NEWCGROUP | NEWTIME, 47,
     {PR_SET_PTRACER_OPT, 0}, 0, 37, 0, 1, 0, 1, 1, 1},
    /* For the VM lane: a real 6.x kernel as it was before 5.2 in one respect only, to run the
     * lxcfs remount through its relay there (max_nr above every syscall: no other limit). */
    {"no-open-tree", "this host's kernel without open_tree/move_mount (as before 5.2)", 1023, {428, 429, 0}, 0, 0,
     0, 0, {0}, 0, 0, 0, 0, 0, 0, 0, 0},
    {"modern", "this host's kernel, unfiltered", 0, {0}, 0, 0, 0, 0, {0}, 0, 0, 0, 0, 0, 0, 0, 0},
};

/* A tiny classic-BPF assembler with symbolic jump targets. */
#define MAXI 256
struct prog {
    struct sock_filter i[MAXI];
    int jt[MAXI], jf[MAXI];        /* label ids, -1: next instruction */
    int label_at[64];
    int n, labels;
};

static int new_label(struct prog *p) { p->label_at[p->labels] = -1; return p->labels++; }
static void place(struct prog *p, int l) { p->label_at[l] = p->n; }
static void emit(struct prog *p, uint16_t code, uint32_t k, int jt, int jf)
{
    if (p->n == MAXI) {
        fprintf(stderr, "personality: filter too long\n");
        exit(125);
    }
    p->i[p->n] = (struct sock_filter){code, 0, 0, k};
    p->jt[p->n] = jt;
    p->jf[p->n] = jf;
    p->n++;
}
static void ld(struct prog *p, uint32_t off) { emit(p, BPF_LD | BPF_W | BPF_ABS, off, -1, -1); }
static void ret(struct prog *p, uint32_t v) { emit(p, BPF_RET | BPF_K, v, -1, -1); }
static void jmp(struct prog *p, uint16_t op, uint32_t k, int jt, int jf) { emit(p, BPF_JMP | op | BPF_K, k, jt, jf); }

static void resolve(struct prog *p)
{
    for (int n = 0; n < p->n; n++) {
        int t = p->jt[n] < 0 ? n + 1 : p->label_at[p->jt[n]];
        int f = p->jf[n] < 0 ? n + 1 : p->label_at[p->jf[n]];
        if (t - n - 1 < 0 || t - n - 1 > 255 || f - n - 1 < 0 || f - n - 1 > 255) {
            fprintf(stderr, "personality: jump out of range\n");
            exit(125);
        }
        p->i[n].jt = (uint8_t)(t - n - 1);
        p->i[n].jf = (uint8_t)(f - n - 1);
    }
}

#define ARG_LO(n) (offsetof(struct seccomp_data, args) + 8 * (n))
#define ERR(e) (SECCOMP_RET_ERRNO | (e))

/* if (nr == sys && (args[arg] & mask)) return errno */
static void flag_rule(struct prog *p, unsigned sys, int arg, uint32_t mask, int err)
{
    int next = new_label(p), hit = new_label(p);
    if (mask == 0)
        return;
    ld(p, offsetof(struct seccomp_data, nr));
    jmp(p, BPF_JEQ, sys, -1, next);
    ld(p, ARG_LO(arg));
    jmp(p, BPF_JSET, mask, hit, next);
    place(p, hit);
    ret(p, ERR(err));
    place(p, next);
}

static void prctl_rule(struct prog *p, const struct profile *pr)
{
    int next = new_label(p), einval = new_label(p), seccomp = new_label(p), capb = new_label(p);
    if (pr->prctl_max == 0)
        return;
    ld(p, offsetof(struct seccomp_data, nr));
    jmp(p, BPF_JEQ, NR_PRCTL, -1, next);
    ld(p, ARG_LO(0));
    for (int i = 0; pr->prctl_extra[i]; i++)
        jmp(p, BPF_JEQ, pr->prctl_extra[i], next, -1);
    jmp(p, BPF_JGT, pr->prctl_max, einval, -1);
    if (pr->seccomp_filter_einval)
        jmp(p, BPF_JEQ, PR_SET_SECCOMP, seccomp, -1);
    jmp(p, BPF_JEQ, PR_CAPBSET_READ, capb, -1);
    jmp(p, BPF_JEQ, PR_CAPBSET_DROP, capb, next);
    if (pr->seccomp_filter_einval) {
        place(p, seccomp);
        ld(p, ARG_LO(1));
        jmp(p, BPF_JEQ, SECCOMP_MODE_FILTER, einval, next);
    }
    place(p, capb);
    ld(p, ARG_LO(1));
    jmp(p, BPF_JGT, pr->cap_last, einval, next);
    place(p, einval);
    ret(p, ERR(EINVAL));
    place(p, next);
}

static void build(struct prog *p, const struct profile *pr)
{
    int enosys = new_label(p);
    ld(p, offsetof(struct seccomp_data, arch));
    jmp(p, BPF_JEQ, AUDIT_ARCH_X86_64, -1, enosys);
    ld(p, offsetof(struct seccomp_data, nr));
    jmp(p, BPF_JSET, 0x40000000u, enosys, -1);     /* x32 */
    jmp(p, BPF_JGT, pr->max_nr, enosys, -1);
    for (int i = 0; pr->holes[i]; i++)
        jmp(p, BPF_JEQ, pr->holes[i], enosys, -1);
    if (pr->max_nr >= NR_SETNS)   /* else setns is above max: ENOSYS already */
        flag_rule(p, NR_SETNS, 1, pr->setns_einval, EINVAL);
    flag_rule(p, NR_CLONE, 0, pr->clone_einval, EINVAL);
    flag_rule(p, NR_UNSHARE, 0, pr->unshare_einval, EINVAL);
    if (pr->tmpfile_eisdir) {
        flag_rule(p, NR_OPEN, 1, O_TMPFILE_BIT, EISDIR);
        flag_rule(p, NR_OPENAT, 2, O_TMPFILE_BIT, EISDIR);
    }
    prctl_rule(p, pr);
    if (pr->seccomp_max_op && pr->max_nr >= NR_SECCOMP) {
        int next = new_label(p), einval = new_label(p);
        ld(p, offsetof(struct seccomp_data, nr));
        jmp(p, BPF_JEQ, NR_SECCOMP, -1, next);
        ld(p, ARG_LO(0));
        jmp(p, BPF_JGT, pr->seccomp_max_op, einval, next);
        place(p, einval);
        ret(p, ERR(EINVAL));
        place(p, next);
    }
    ret(p, SECCOMP_RET_ALLOW);
    place(p, enosys);
    ret(p, ERR(ENOSYS));
    resolve(p);
}

static void die(const char *what)
{
    fprintf(stderr, "personality: %s: %s\n", what, strerror(errno));
    exit(125);
}

/* Binds a file holding text over target, from a scratch copy that is unlinked at once. */
static void mask_file(const char *target, const char *text)
{
    char tmp[] = "/tmp/personality.XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        die("scratch file");
    close(fd);
    if (mount(tmp, target, NULL, MS_BIND, NULL) < 0)
        die(target);
    unlink(tmp);
}

static void filter_filesystems(const struct profile *pr)
{
    char line[256], *out = NULL;
    size_t len = 0;
    FILE *f = fopen("/proc/filesystems", "re"), *m = open_memstream(&out, &len);
    if (f == NULL || m == NULL)
        die("/proc/filesystems");
    while (fgets(line, sizeof(line), f)) {
        if (pr->hide_cgroup2 && strstr(line, "\tcgroup2\n"))
            continue;
        if (pr->hide_overlay && strstr(line, "\toverlay\n"))
            continue;
        fputs(line, m);
    }
    fclose(f);
    fclose(m);
    mask_file("/proc/filesystems", out);
    free(out);
}

static void mask_mounts(const struct profile *pr)
{
    if (pr->max_nr == 0)
        return;
    if (unshare(CLONE_NEWNS) < 0)
        die("unshare(CLONE_NEWNS)");
    /* Host mounts keep arriving; ours stay here. */
    if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
        die("make / a slave");
    if (pr->hide_cgroup2 && umount2("/sys/fs/cgroup/unified", MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
        die("umount /sys/fs/cgroup/unified");
    filter_filesystems(pr);
    if (pr->hide_sys_user && mount("none", "/proc/sys/user", "tmpfs", MS_RDONLY, NULL) < 0)
        die("hide /proc/sys/user");
    /* Our masks make /proc "not fully visible", and the kernel refuses a proc mount in a new
     * user namespace then (mnt_already_visible): one clean proc mount elsewhere keeps it
     * allowed, as on the real kernel. The hidden cgroup2 mount point is a free empty dir. */
    if (!(pr->unshare_einval & NEWUSER) && pr->hide_cgroup2 &&
        mount("proc", "/sys/fs/cgroup/unified", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        die("a clean proc mount");
    if (pr->cap_last_file > 0) {
        char v[16];
        snprintf(v, sizeof(v), "%u\n", pr->cap_last);
        mask_file("/proc/sys/kernel/cap_last_cap", v);
    } else if (pr->cap_last_file < 0) {
        /* Absent before 3.2: an unreadable file is the closest a bind can get. */
        mask_file("/proc/sys/kernel/cap_last_cap", "");
    }
}

/* A process on the old kernel cannot hold a capability that kernel did not have: without this,
 * root under the profile keeps CAP_AUDIT_READ, CAP_BPF... (this kernel's), a runtime that drops
 * up to the profile's cap_last_cap leaves them to the container, and the container shows a set
 * no real old kernel could give. Dropped from every set before the filter forbids it. */
static void drop_newer_caps(const struct profile *pr)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    if (pr->cap_last == 0)
        return;
    for (unsigned c = pr->cap_last + 1; c < 64 && prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0; c++) {
        if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
            die("drop a capability the old kernel lacks from the bounding set");
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, c, 0, 0);
    }
    if (syscall(SYS_capget, &h, d) < 0)
        die("capget");
    for (unsigned c = pr->cap_last + 1; c < 64; c++) {
        uint32_t bit = ~(1u << (c % 32));
        d[c / 32].effective &= bit;
        d[c / 32].permitted &= bit;
        d[c / 32].inheritable &= bit;
    }
    if (syscall(SYS_capset, &h, d) < 0)
        die("capset");
}

int main(int argc, char **argv)
{
    const struct profile *pr = NULL;
    static struct prog p;
    struct sock_fprog fp;

    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
            printf("%s\t%s\n", profiles[i].name, profiles[i].kernel);
        return 0;
    }
    if (argc < 4 || strcmp(argv[2], "--") != 0) {
        fprintf(stderr, "usage: personality PROFILE -- CMD [ARGS...] | personality --list\n");
        return 125;
    }
    for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
        if (strcmp(profiles[i].name, argv[1]) == 0)
            pr = &profiles[i];
    if (pr == NULL) {
        fprintf(stderr, "personality: unknown profile '%s' (see --list)\n", argv[1]);
        return 125;
    }
    mask_mounts(pr);
    drop_newer_caps(pr);
    if (pr->max_nr) {
        build(&p, pr);
        fp.len = (unsigned short)p.n;
        fp.filter = p.i;
        if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0) < 0)
            die("load the seccomp filter");
    }
    execvp(argv[3], argv + 3);
    die(argv[3]);
}
