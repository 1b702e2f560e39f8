/* runlxc-init: the first process of every container (DESIGN.md 2, decision 1).
 *
 * liblxc has built the container (namespaces, rootfs, mounts, cgroups) and execs this static
 * binary from a memfd copy. It receives the process description from runlxc over an inherited
 * socket, applies what liblxc does not (devices, masked and read-only paths, terminal, rlimits,
 * identity, capabilities, no_new_privs), reports "ready" (runlxc learns its host pid from the
 * socket credentials), blocks on the exec fifo until `runlxc start`, then execs the payload so
 * that the payload is PID 1, as with runc.
 *
 * For `runlxc exec` it is started inside the container's namespaces instead, with FIFO_FD -1:
 * it sets up the new process the same way and execs it as soon as it is ready.
 *
 *   argv: runlxc-init SYNC_FD FIFO_FD
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "hooks.h"
#include "initmsg.h"
#include "util.h"
#include "agent.h"
#include "syscalls.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#endif
#ifndef PR_SET_NO_NEW_PRIVS
#define PR_SET_NO_NEW_PRIVS 38
#endif

struct init_cfg {
    char **args, **env, **masked, **readonly, **devices, **rro, **sysctl, **mount_props;
    bool cgroupns;      /* make the cgroup namespace here (liblxc < 3.0: lxcconf.c) */
    char *cwd, *domain, *hostname, *propagation;
    uid_t uid;
    gid_t gid;
    gid_t groups[256];
    int n_groups;
    int umask_val;
    bool nnp, root_ro, terminal, want_state, has_oom, dev_setup, dev_ro, pts_shield;
    unsigned long dev_flags;
    int oom;
    unsigned rows, cols;
    uint64_t caps[5];
    int preserve;
    struct { int res; uint64_t soft, hard; } rlimits[32];
    int n_rlimits;
    struct rlx_hook *hooks;
    size_t n_hooks;
    unsigned char *seccomp;
    size_t seccomp_len;
    unsigned seccomp_flags;
};

static int sync_fd = -1;

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    int e = errno;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    (void)e;
    if (sync_fd >= 0)
        rlx_msg_send(sync_fd, MSG_ERROR, msg, strlen(msg), -1);
    else
        fprintf(stderr, "runlxc-init: %s\n", msg);
    _exit(1);
}

static void parse_cfg(struct init_cfg *c, const char *data, size_t len)
{
    size_t pos = 0;
    const char *v;
    char tag;
    memset(c, 0, sizeof(*c));
    c->umask_val = 022;
    while ((tag = rlx_rec_next(data, len, &pos, &v)) != 0) {
        switch (tag) {
        case REC_ARG: strv_push(&c->args, v); break;
        case REC_ENV: strv_push(&c->env, v); break;
        case REC_CWD: c->cwd = xstrdup(v); break;
        case REC_UID: c->uid = (uid_t)strtoul(v, NULL, 10); break;
        case REC_GID: c->gid = (gid_t)strtoul(v, NULL, 10); break;
        case REC_GROUP:
            if (c->n_groups < 256)
                c->groups[c->n_groups++] = (gid_t)strtoul(v, NULL, 10);
            break;
        case REC_UMASK: c->umask_val = (int)strtol(v, NULL, 8); break;
        case REC_RLIMIT:
            if (c->n_rlimits < 32) {
                unsigned long long s, h;
                int r;
                if (sscanf(v, "%d %llu %llu", &r, &s, &h) == 3) {
                    c->rlimits[c->n_rlimits].res = r;
                    c->rlimits[c->n_rlimits].soft = s;
                    c->rlimits[c->n_rlimits].hard = h;
                    c->n_rlimits++;
                }
            }
            break;
        case REC_CAPS: {
            unsigned long long k[5];
            if (sscanf(v, "%llx %llx %llx %llx %llx", &k[0], &k[1], &k[2], &k[3], &k[4]) == 5)
                for (int i = 0; i < 5; i++)
                    c->caps[i] = k[i];
            break;
        }
        case REC_NNP: c->nnp = true; break;
        case REC_OOM: c->has_oom = true; c->oom = atoi(v); break;
        case REC_TERMINAL: c->terminal = true; sscanf(v, "%u %u", &c->rows, &c->cols); break;
        case REC_MASK: strv_push(&c->masked, v); break;
        case REC_READONLY: strv_push(&c->readonly, v); break;
        case REC_ROOT_RO: c->root_ro = true; break;
        case REC_PROPAGATION: c->propagation = xstrdup(v); break;
        case REC_DEVICE: strv_push(&c->devices, v); break;
        case REC_DEV_SETUP: c->dev_setup = true; break;
        case REC_PTS_SHIELD: c->pts_shield = true; break;
        case REC_RRO: strv_push(&c->rro, v); break;
        case REC_DEV_RO: c->dev_ro = true; c->dev_flags = strtoul(v, NULL, 10); break;
        case REC_DOMAIN: c->domain = xstrdup(v); break;
        case REC_HOSTNAME: c->hostname = xstrdup(v); break;
        case REC_SYSCTL: strv_push(&c->sysctl, v); break;
        case REC_CGROUPNS: c->cgroupns = true; break;
        case REC_MOUNT_PROP: strv_push(&c->mount_props, v); break;
        case REC_PRESERVE: c->preserve = atoi(v); break;
        case REC_WANT_STATE: c->want_state = true; break;
        case REC_HOOK:
            c->hooks = xrealloc(c->hooks, (c->n_hooks + 1) * sizeof(*c->hooks));
            memset(&c->hooks[c->n_hooks], 0, sizeof(*c->hooks));
            c->hooks[c->n_hooks++].path = xstrdup(v);
            break;
        case REC_HOOK_ARG: if (c->n_hooks) strv_push(&c->hooks[c->n_hooks - 1].args, v); break;
        case REC_HOOK_ENV: if (c->n_hooks) strv_push(&c->hooks[c->n_hooks - 1].env, v); break;
        case REC_HOOK_TIMEOUT: if (c->n_hooks) c->hooks[c->n_hooks - 1].timeout = atoi(v); break;
        case REC_SECCOMP: {
            size_t n = strlen(v) / 2;
            c->seccomp = xmalloc(n);
            for (size_t i = 0; i < n; i++) {
                unsigned x;
                sscanf(v + 2 * i, "%2x", &x);
                c->seccomp[i] = (unsigned char)x;
            }
            c->seccomp_len = n;
            break;
        }
        case REC_SECCOMP_FLAGS: c->seccomp_flags = (unsigned)strtoul(v, NULL, 10); break;
        }
    }
    if (c->args == NULL)
        fail("no process arguments received");
}

static void make_parents(const char *path)
{
    char *p = xstrdup(path), *slash = strrchr(p, '/');
    if (slash && slash != p) {
        *slash = '\0';
        mkdir_p(p, 0755);
    }
    free(p);
}

/* As runc's createDeviceNode: a node that exists already (the rootfs's own, or a path listed
 * twice) is kept; the node is made with exactly the given mode, whatever our umask. */
static void make_device(const char *rec)
{
    char type, path[4096];
    long long maj, min;
    unsigned mode, uid, gid;
    mode_t kind;
    if (sscanf(rec, "%c %lld %lld %o %u %u %4095s", &type, &maj, &min, &mode, &uid, &gid, path) != 7)
        fail("bad device record '%s'", rec);
    kind = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
    make_parents(path);
    if (mknod(path, kind | (mode & 07777), makedev(maj, min)) < 0) {
        if (errno == EEXIST)
            return;
        fail("linux.devices: mknod %s: %s", path, strerror(errno));
    }
    if (chown(path, uid, gid) < 0 || chmod(path, mode & 07777) < 0)
        fail("linux.devices: chown/chmod %s: %s", path, strerror(errno));
}

/* runc's setupDevSymlinks and setupPtmx: /dev/ptmx must lead to the container's own devpts
 * instance (OCI "dev symbolic links"), whatever the rootfs or liblxc put there. */
static void make_dev_links(void)
{
    static const char *const links[][2] = {
        {"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"},
        {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"},
        {"/proc/kcore", "/dev/core"},
    };
    struct stat st;
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        /* CONFIG_PROC_KCORE may be off: no /dev/core then. */
        if (strcmp(links[i][0], "/proc/kcore") == 0 && stat(links[i][0], &st) < 0)
            continue;
        if (symlink(links[i][0], links[i][1]) < 0 && errno != EEXIST)
            fail("/dev: symlink %s: %s", links[i][1], strerror(errno));
    }
    if (unlink("/dev/ptmx") < 0 && errno != ENOENT)
        fail("/dev: remove /dev/ptmx: %s", strerror(errno));
    if (symlink("pts/ptmx", "/dev/ptmx") < 0)
        fail("/dev: symlink /dev/ptmx: %s", strerror(errno));
}

/* The tmpfs runlxc puts over the config's devpts for liblxc to detach (lxcconf.c), if this
 * liblxc did not. */
static void remove_pts_shield(void)
{
    struct statfs sf;
    if (statfs("/dev/pts", &sf) == 0 && sf.f_type == TMPFS_MAGIC && umount2("/dev/pts", MNT_DETACH) < 0)
        fail("mounts: /dev/pts: %s", strerror(errno));
}

static void setup_devices(struct init_cfg *c)
{
    mode_t old = umask(0);
    if (c->pts_shield)
        remove_pts_shield();
    for (size_t i = 0; c->devices && c->devices[i]; i++)
        make_device(c->devices[i]);
    /* runc's mountConsole target, made while /dev is still writable; never through a
     * symlink of the rootfs (CVE-2025-52565): an existing entry is left for setup_terminal
     * to judge. */
    if (c->terminal) {
        int fd = open("/dev/console", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0)
            close(fd);
    }
    umask(old);
    if (c->dev_setup)
        make_dev_links();
    /* runc's finalizeRootfs: a "ro" /dev was mounted writable for the nodes. Its other
     * flags (strictatime, which statvfs cannot show) come from the config. */
    if (c->dev_ro && mount("/dev", "/dev", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | c->dev_flags, NULL) < 0)
        fail("mounts: remount /dev read-only: %s", strerror(errno));
}

/* "rro": the mount and every mount below it read-only, as runc's setRecAttr; records in config
 * order (init_launch.c records_rro): "IDX rro PATH", or "IDX ro|rw PATH" for a later mount
 * below an rro one, which gets its own state back. runlxc refused rro at create on a kernel
 * without mount_setattr. */
static void setup_recursive_ro(struct init_cfg *c)
{
    for (size_t i = 0; c->rro && c->rro[i]; i++) {
        struct rlx_mount_attr set_ro = {RLX_MOUNT_ATTR_RDONLY, 0, 0, 0}, clear_ro = {0, RLX_MOUNT_ATTR_RDONLY, 0, 0};
        unsigned idx;
        char op[4];
        const char *path;
        int r, off = -1;
        /* the path is the rest of the record: it may hold spaces */
        if (sscanf(c->rro[i], "%u %3s %n", &idx, op, &off) != 2 || off < 0 || c->rro[i][off] != '/')
            fail("bad rro record '%s'", c->rro[i]);
        path = c->rro[i] + off;
        if (strcmp(op, "rro") == 0) {
            r = rlx_mount_setattr(AT_FDCWD, path, RLX_AT_RECURSIVE | RLX_AT_SYMLINK_NOFOLLOW, &set_ro);
        } else {
            r = rlx_mount_setattr(AT_FDCWD, path, RLX_AT_RECURSIVE | RLX_AT_SYMLINK_NOFOLLOW, &clear_ro);
            if (r == 0 && strcmp(op, "ro") == 0)
                r = rlx_mount_setattr(AT_FDCWD, path, RLX_AT_SYMLINK_NOFOLLOW, &set_ro);
        }
        if (r < 0)
            fail("mounts[%u].options: %s on %s: mount_setattr: %s", idx, strcmp(op, "rro") == 0 ? "rro" : "below an rro mount",
                 path, strerror(errno));
    }
}

static unsigned long mount_flags_of(const char *path)
{
    struct statvfs sv;
    unsigned long f = 0;
    if (statvfs(path, &sv) < 0)
        return 0;
    if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
    return f;
}


/* The null device a masked file is bound from, checked first (CVE-2025-31133 class): a
 * rootfs whose /dev/null is a symlink (to /proc/sys/kernel/core_pattern, say) or another file
 * would otherwise put that file, writable, in the masked path's place. */
static int open_null_device(void)
{
    struct stat st;
    int fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0)
        fail("linux.maskedPaths: /dev/null: %s", strerror(errno));
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
        fail("linux.maskedPaths: /dev/null in the container is not the null device (%s): refusing to mask with it",
             S_ISLNK(st.st_mode) ? "a symlink" : "another file");
    return fd;
}

/* "key=value" as runc writes it: /proc/sys/<key with dots as slashes>, only procfs's own file
 * (a mount over /proc/sys would take the write). */
static void write_sysctls(const struct init_cfg *c)
{
    for (size_t i = 0; c->sysctl && c->sysctl[i]; i++) {
        char path[512], *eq = strchr(c->sysctl[i], '=');
        struct statfs sfs;
        int fd, n;
        if (eq == NULL)
            fail("linux.sysctl: '%s' is not key=value", c->sysctl[i]);
        n = snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)(eq - c->sysctl[i]), c->sysctl[i]);
        for (char *p = path + 10; p < path + n; p++)
            if (*p == '.')
                *p = '/';
        fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 && (fstatfs(fd, &sfs) < 0 || sfs.f_type != 0x9fa0 /* PROC_SUPER_MAGIC */))
            fail("linux.sysctl: %s is not procfs's file", path);
        if (fd < 0 || write(fd, eq + 1, strlen(eq + 1)) < 0)
            fail("linux.sysctl: write %s: %s", path, strerror(errno));
        close(fd);
    }
}

static void setup_paths(struct init_cfg *c)
{
    struct stat st;
    for (size_t i = 0; c->readonly && c->readonly[i]; i++) {
        const char *p = c->readonly[i];
        if (lstat(p, &st) < 0) {
            if (errno == ENOENT)
                continue;
            fail("linux.readonlyPaths: %s: %s", p, strerror(errno));
        }
        if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0 ||
            mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | mount_flags_of(p), NULL) < 0)
            fail("linux.readonlyPaths: %s: %s", p, strerror(errno));
    }
    int null_fd = -1;
    for (size_t i = 0; c->masked && c->masked[i]; i++) {
        const char *p = c->masked[i];
        int r;
        if (lstat(p, &st) < 0) {
            if (errno == ENOENT)
                continue;
            fail("linux.maskedPaths: %s: %s", p, strerror(errno));
        }
        if (S_ISDIR(st.st_mode)) {
            r = mount("tmpfs", p, "tmpfs", MS_RDONLY, "size=0k");
        } else {
            char src[64];
            if (null_fd < 0)
                null_fd = open_null_device();
            snprintf(src, sizeof(src), "/proc/self/fd/%d", null_fd);
            r = mount(src, p, NULL, MS_BIND, NULL);
        }
        if (r < 0)
            fail("linux.maskedPaths: %s: %s", p, strerror(errno));
    }
    if (null_fd >= 0)
        close(null_fd);
    if (c->propagation) {
        const char *p = c->propagation;
        bool rec = p[0] == 'r';
        unsigned long f = strstr(p, "shared") ? MS_SHARED : strstr(p, "slave") ? MS_SLAVE
                        : strstr(p, "unbindable") ? MS_UNBINDABLE : MS_PRIVATE;
        if (mount(NULL, "/", NULL, f | (rec ? MS_REC : 0), NULL) < 0)
            fail("linux.rootfsPropagation: %s: %s", p, strerror(errno));
    }
    /* "FLAGS /dest": each mount's propagation option, after the rootfs propagation as runc
     * applies them (lxcconf.c; liblxc < 3.0 cannot apply them at all) */
    for (size_t i = 0; c->mount_props && c->mount_props[i]; i++) {
        char *dest;
        unsigned long f = strtoul(c->mount_props[i], &dest, 10);
        if (*dest == ' ' && mount(NULL, dest + 1, NULL, f, NULL) < 0)
            fail("mounts: propagation of %s: %s", dest + 1, strerror(errno));
    }
    if (c->root_ro && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | mount_flags_of("/"), NULL) < 0)
        fail("root.readonly: remount / read-only: %s", strerror(errno));
}

static void setup_terminal(struct init_cfg *c)
{
    int master, slave, n = 0, unlock = 0;
    char name[64];
    master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        fail("process.terminal: open /dev/ptmx: %s", strerror(errno));
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0)
        fail("process.terminal: unlock pty: %s", strerror(errno));
    snprintf(name, sizeof(name), "/dev/pts/%d", n);
    slave = open(name, O_RDWR | O_NOCTTY);
    if (slave < 0)
        fail("process.terminal: open %s: %s", name, strerror(errno));
    if (c->rows || c->cols) {
        struct winsize ws = {(unsigned short)c->rows, (unsigned short)c->cols, 0, 0};
        ioctl(slave, TIOCSWINSZ, &ws);
    }
    /* The terminal belongs to the process's user, its group stays devpts' (tty), as runc. */
    if (fchown(slave, c->uid, (gid_t)-1) < 0)
        fail("process.terminal: chown %s to %u: %s", name, c->uid, strerror(errno));
    {
        /* As runc: the pty is the container's /dev/console too (an init writes its messages
         * there). Only onto a file or a device node, reached without following a symlink. */
        struct stat st;
        /* O_NOCTTY, O_NONBLOCK: a kernel before 2.6.39 ignores O_PATH and really opens it */
        int fd = open("/dev/console", O_PATH | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0 && fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))) {
            char target[32];
            snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
            if (mount(name, target, NULL, MS_BIND, NULL) < 0)
                fail("process.terminal: bind %s at /dev/console: %s", name, strerror(errno));
        }
        if (fd >= 0)
            close(fd);
    }
    if (rlx_msg_send(sync_fd, MSG_PTY, name, strlen(name), master) < 0)
        fail("process.terminal: send pty master: %s", strerror(errno));
    close(master);
    setsid();
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        fail("process.terminal: set controlling terminal: %s", strerror(errno));
    for (int fd = 0; fd < 3; fd++)
        dup2(slave, fd);
    if (slave > 2)
        close(slave);
}

static void setup_identity(struct init_cfg *c)
{
    int last = rlx_cap_last_cap();
    for (int cap = 0; cap <= last; cap++)
        if (!(c->caps[0] & (UINT64_C(1) << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            fail("process.capabilities.bounding: drop %d: %s", cap, strerror(errno));
    if (setgroups((size_t)c->n_groups, c->groups) < 0)
        fail("process.user.additionalGids: setgroups: %s", strerror(errno));
    if (setresgid(c->gid, c->gid, c->gid) < 0)
        fail("process.user.gid: setgid %u: %s", c->gid, strerror(errno));
    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
    if (setresuid(c->uid, c->uid, c->uid) < 0)
        fail("process.user.uid: setuid %u: %s", c->uid, strerror(errno));
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    if (rlx_capset(c->caps[1], c->caps[3], c->caps[2]) < 0)
        fail("process.capabilities: capset: %s", strerror(errno));
    /* As runc: an ambient capability that is not also inheritable and permitted cannot be
     * raised, and kernels before 4.3 have no ambient set; neither is an error. */
    for (int cap = 0; cap <= last; cap++)
        if (c->caps[4] & (UINT64_C(1) << cap))
            prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
    if (c->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        fail("process.noNewPrivileges: %s", strerror(errno));
}

/* Loads the filter runlxc built. Without no_new_privs this needs CAP_SYS_ADMIN, so it runs
 * before the identity switch; with it, just before execve (none of our syscalls run under
 * the filter). */
static void load_seccomp(struct init_cfg *c)
{
    struct sock_fprog prog = {(unsigned short)(c->seccomp_len / sizeof(struct sock_filter)),
                              (struct sock_filter *)c->seccomp};
    int r;
    if (c->seccomp_len == 0)
        return;
    if (c->seccomp_flags) {
#ifdef SYS_seccomp
        r = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, c->seccomp_flags, &prog);
#else
        r = -1;
        errno = ENOSYS;
#endif
    } else {
        r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
    }
    if (r < 0)
        fail("linux.seccomp: load the filter: %s", strerror(errno));
    /* SCMP_ACT_NOTIFY rules: the listener goes to runlxc, which hands it to the agent. */
    if (c->seccomp_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
        if (rlx_msg_send(sync_fd, MSG_LISTENER, "", 0, r) < 0)
            fail("linux.seccomp: pass the listener on: %s", strerror(errno));
        close(r);
        /* Nothing runs under the filter before the agent has the listener; if it cannot have
         * it, runlxc closes the channel and we end here, as on any setup error. */
        char *ack = NULL;
        if (rlx_msg_recv(sync_fd, &ack, NULL, NULL, NULL) != MSG_LISTENER)
            _exit(1);
        free(ack);
    }
}

static const char *env_get(char **env, const char *key)
{
    size_t n = strlen(key);
    for (size_t i = 0; env && env[i]; i++)
        if (strncmp(env[i], key, n) == 0 && env[i][n] == '=')
            return env[i] + n + 1;
    return NULL;
}

/* execvp's lookup, done before "ready" so that a missing binary fails `create` (as runc). */
static char *resolve_exec(struct init_cfg *c)
{
    const char *a0 = c->args[0], *path;
    char *dup, *save = NULL;
    if (strchr(a0, '/')) {
        /* Go's exec.LookPath, word for word: engines read the text (Docker maps "no such file
         * or directory" to exit 127 and "permission denied" to 126, anything else to 125). */
        struct stat st;
        if (stat(a0, &st) < 0) {
            int e = errno;
            char msg[128];
            snprintf(msg, sizeof msg, "%s", strerror(e));
            msg[0] = (char)tolower((unsigned char)msg[0]);
            fail("exec: \"%s\": stat %s: %s", a0, a0, msg);
        }
        if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111))
            fail("exec: \"%s\": permission denied", a0);
        return xstrdup(a0);
    }
    path = env_get(c->env, "PATH");
    dup = xstrdup(path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    for (char *dir = strtok_r(dup, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char *cand = xasprintf("%s/%s", *dir ? dir : ".", a0);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
            free(dup);
            return cand;
        }
        free(cand);
    }
    free(dup);
    fail("exec: \"%s\": executable file not found in $PATH", a0);
}

/* Drops every fd the caller's side may have leaked into us (a host directory fd would
 * otherwise be a way out through process.cwd = /proc/self/fd/N: the CVE-2024-21626 class).
 * What stays: stdio, the preserved fds, and our two channels. */
static void close_inherited_fds(int preserve, int keep1, int keep2, int keep3)
{
    int max = 3 + preserve, keep[3] = {keep1, keep2, keep3}, from = max;
    /* sorted ascending */
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (keep[j] < keep[i]) {
                int t = keep[i];
                keep[i] = keep[j];
                keep[j] = t;
            }
    for (int i = 0; i < 3; i++) {
        if (keep[i] < from)
            continue;
        for (int fd = from; fd < keep[i]; fd++)
            close(fd);
        from = keep[i] + 1;
    }
    rlx_close_fds_from(from);
}

static void wait_for_start(int fifo_fd)
{
    struct pollfd pfd = {fifo_fd, POLLIN, 0};
    char b;
    ssize_t r;
    /* The fifo was opened O_NONBLOCK before any writer existed: poll blocks until
     * `runlxc start` writes; an open+close without a byte (abort) gives POLLHUP/EOF. */
    while (poll(&pfd, 1, -1) < 0)
        if (errno != EINTR)
            _exit(1);
    do
        r = read(fifo_fd, &b, 1);
    while (r < 0 && errno == EINTR);
    if (r != 1)
        _exit(1);
    /* fifo_fd stays open until the payload's exec: `runlxc start` waits for that. Hooks
     * forked before then must not hold it. */
    fcntl(fifo_fd, F_SETFD, FD_CLOEXEC);
}

/* `runlxc-init reap PID STATUS_FILE ACK_FD`: on kernels without subreapers, liblxc's monitor
 * process execs this to stay init's parent: wait for init, record its exit code, exit with
 * it (128+n for a death by signal n). Every signal stays blocked: only SIGKILL ends us. */
static int reap(pid_t pid, const char *status_path, int ack_fd)
{
    int status, code, fd;
    char buf[16];
    sigset_t all;
    pid_t r;

    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    prctl(PR_SET_NAME, "runlxc-reaper", 0, 0, 0);
    if (write(ack_fd, "R", 1) != 1)
        return 255;
    close(ack_fd);
    stdio_to_devnull();
    rlx_close_fds_from(3);
    chdir("/");
    do
        r = waitpid(-1, &status, 0);
    while (r != pid && (r >= 0 || errno == EINTR));
    if (r != pid)
        return 255;
    code = wait_exit_code(status);
    snprintf(buf, sizeof(buf), "%d\n", code);
    fd = open(status_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) {
        write_all(fd, buf, strlen(buf));
        close(fd);
    }
    return code;
}

static void __attribute__((noreturn)) run(char *data, size_t len, int fifo_fd, int agent_fd);

/* A process the agent forks for `runlxc exec`: set up like any exec'd process. */
static void __attribute__((noreturn)) spawn_from_agent(int conn, char *config, size_t len)
{
    sync_fd = conn;
    run(config, len, -1, -1);
}

/* The caller's stdio, which runlxc kept from liblxc (see monitor_main): "in,out,err", -1
 * where the caller had it closed. */
static void restore_stdio(const char *spec)
{
    int fds[3];
    if (sscanf(spec, "%d,%d,%d", &fds[0], &fds[1], &fds[2]) != 3)
        _exit(1);
    for (int i = 0; i < 3; i++) {
        if (fds[i] < 0)
            close(i);
        else if (dup2(fds[i], i) < 0)
            _exit(1);
    }
    for (int i = 0; i < 3; i++)
        if (fds[i] > 2)
            close(fds[i]);
}

/* "fd:CLONE_NEW*,...": namespaces a liblxc before 3.0 made though the spec shares or joins
 * them (runlxc's monitor is in the right ones and passed them down). */
static void rejoin_namespaces(const char *list)
{
    for (const char *p = list; p && *p;) {
        char *end;
        int fd = (int)strtol(p, &end, 10), flag = *end == ':' ? (int)strtol(end + 1, &end, 10) : 0;
        if (flag == 0 || rlx_setns(fd, flag) < 0)
            fail("linux.namespaces: leave the namespace liblxc made (%s): %s", p, strerror(errno));
        close(fd);
        p = *end == ',' ? end + 1 : NULL;
    }
}

int main(int argc, char **argv)
{
    char *data = NULL;
    size_t len = 0;
    int fifo_fd, agent_fd = -1, type;

    /* liblxc set a parent-death signal tied to its monitor, which runlxc retires. */
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    /* Until the payload's execve (which makes it dumpable again), processes of the container
     * with our uid and capabilities must not ptrace us or open our /proc/PID/fd: we hold
     * host fds (the sync socket, exec.fifo) and, once our capabilities are dropped and we
     * wait on exec.fifo, nothing else stops them. CVE-2016-9962; runc's init does the same. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (argc == 5 && strcmp(argv[1], "reap") == 0)
        return reap((pid_t)atoi(argv[2]), argv[3], atoi(argv[4]));
    if (argc < 3) {
        fprintf(stderr, "runlxc-init: this program is started by runlxc, not by hand\n");
        return 127;
    }
    if (argc > 3)
        restore_stdio(argv[3]);
    sync_fd = atoi(argv[1]);
    fifo_fd = atoi(argv[2]);
    if (argc > 4)
        rejoin_namespaces(argv[4]);
    /* The container's first process may get the agent's listening socket with its config. */
    type = rlx_msg_recv(sync_fd, &data, &len, fifo_fd >= 0 ? &agent_fd : NULL, NULL);
    if (type != MSG_CONFIG)
        _exit(1);
    run(data, len, fifo_fd, agent_fd);
}

/* A cwd outside our root (a directory fd of the host's, CVE-2024-21626) shows as
 * "(unreachable)/..." or as ENOENT. Checked before the filter is loaded where it can be (a
 * profile may refuse getcwd); after the user's own chdir it runs under the filter without
 * no_new_privs, and a refused getcwd fails as runc's verifyCwd fails. */
static void check_cwd_inside(const char *cwd)
{
    char here[4096];
    const char *got = getcwd(here, sizeof(here));
    if (got == NULL && errno != ENOENT)
        fail("process.cwd: failed to verify that %s is inside the container: %s", cwd, strerror(errno));
    if (got == NULL || here[0] != '/')
        fail("process.cwd: %s is outside the container", cwd);
}

static void __attribute__((noreturn)) run(char *data, size_t len, int fifo_fd, int agent_fd)
{
    struct init_cfg c;
    char *state = NULL, *exe;
    bool cwd_pending, notify;

    parse_cfg(&c, data, len);
    notify = (c.seccomp_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0;
    free(data);
    close_inherited_fds(c.preserve, sync_fd, fifo_fd, agent_fd);
    /* runlxc already moved us into the container's cgroups (from liblxc's mount hook). */
    if (c.cgroupns && unshare(CLONE_NEWCGROUP) < 0)
        fail("linux.namespaces: cgroup namespace: %s", strerror(errno));

    /* As runc, the working directory is created before the root becomes read-only. */
    if (mkdir_p(c.cwd, 0755) < 0 && errno != EEXIST)
        fail("process.cwd: create %s: %s", c.cwd, strerror(errno));
    setup_devices(&c);
    setup_recursive_ro(&c);
    if (c.terminal)
        setup_terminal(&c);
    write_sysctls(&c);
    setup_paths(&c);
    if (c.domain && setdomainname(c.domain, strlen(c.domain)) < 0)
        fail("domainname: %s", strerror(errno));
    if (c.hostname && sethostname(c.hostname, strlen(c.hostname)) < 0)
        fail("hostname: %s", strerror(errno));
    /* The agent is forked with the container fully built but before anything of the payload
     * (rlimits, identity, capabilities, seccomp) applies to us. */
    if (agent_fd >= 0) {
        if (rlx_agent_start(agent_fd, getpid() == 1, spawn_from_agent) < 0)
            fail("start the exec agent: %s", strerror(errno));
        close(agent_fd);
    }
    for (int i = 0; i < c.n_rlimits; i++)
        if (rlx_setrlimit(c.rlimits[i].res, c.rlimits[i].soft, c.rlimits[i].hard) < 0)
            fail("process.rlimits: resource %d: %s", c.rlimits[i].res, strerror(errno));
    if (c.has_oom) {
        char buf[16];
        struct statfs sfs;
        int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
        snprintf(buf, sizeof(buf), "%d", c.oom);
        /* only procfs's own file (CVE-2025-52881 class: a mount there would take the write) */
        if (fd >= 0 && (fstatfs(fd, &sfs) < 0 || sfs.f_type != 0x9fa0 /* PROC_SUPER_MAGIC */))
            fail("process.oomScoreAdj: /proc/self/oom_score_adj is not procfs's file");
        if (fd < 0 || write(fd, buf, strlen(buf)) < 0)
            fail("process.oomScoreAdj: %s", strerror(errno));
        close(fd);
    }
    umask((mode_t)c.umask_val);
    /* As runc: the working directory is entered while we still may (root can enter what the
     * process's user cannot), and again as that user only if root was refused. */
    cwd_pending = chdir(c.cwd) < 0;
    if (cwd_pending && errno != EACCES && errno != EPERM)
        fail("process.cwd: chdir %s: %s", c.cwd, strerror(errno));
    if (!cwd_pending)
        check_cwd_inside(c.cwd);    /* before the filter, which may refuse getcwd */
    if (!c.nnp)
        load_seccomp(&c);   /* needs CAP_SYS_ADMIN without no_new_privs */
    setup_identity(&c);
    if (cwd_pending) {
        if (chdir(c.cwd) < 0)
            fail("process.cwd: chdir %s: %s", c.cwd, strerror(errno));
        check_cwd_inside(c.cwd);
    }
    exe = resolve_exec(&c);
    /* A filter with a listener is loaded while the channel to runlxc is still open. */
    if (c.nnp && notify)
        load_seccomp(&c);

    if (rlx_msg_send(sync_fd, MSG_READY, "", 0, -1) < 0)
        _exit(1);
    if (c.want_state && rlx_msg_recv(sync_fd, &state, NULL, NULL, NULL) != MSG_STATE)
        _exit(1);
    close(sync_fd);
    sync_fd = -1;

    if (fifo_fd >= 0)
        wait_for_start(fifo_fd);
    /* Nothing of runlxc may reach the payload (nor the hooks): only stdio and the preserved
     * fds stay, and the exec fifo (close-on-exec), which `runlxc start` waits on until the
     * payload's exec, after the hooks. */
    if (fifo_fd >= 0 && fifo_fd != 3 + c.preserve) {
        if (dup2(fifo_fd, 3 + c.preserve) < 0 || fcntl(3 + c.preserve, F_SETFD, FD_CLOEXEC) < 0)
            fail("keep the exec fifo: %s", strerror(errno));
        fifo_fd = 3 + c.preserve;
    }
    rlx_close_fds_from(3 + c.preserve + (fifo_fd >= 0));
    /* With no_new_privs the filter comes as late as it can, but before the startContainer
     * hooks, which run under it as in runc: a profile that kills a syscall the hook makes
     * kills the hook. */
    if (c.nnp && !notify)
        load_seccomp(&c);
    if (c.n_hooks) {
        rlx_error_t err = NULL;
        if (rlx_hooks_run(c.hooks, c.n_hooks, "startContainer", state ? state : "{}", &err) < 0)
            fail("%s", rlx_error_text(&err));
    }
    execve(exe, c.args, c.env ? c.env : (char *[]){NULL});
    fprintf(stderr, "runlxc-init: exec %s: %s\n", exe, strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
}
