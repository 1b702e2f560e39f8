#include "probe.h"
#include "syscalls.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_die(const char *s)
{
    char *r = strdup(s);
    if (r == NULL)
        abort();
    return r;
}

/* Keeps only the controller options of a v1 mount ("rw,relatime,cpu,cpuacct" -> "cpu,cpuacct"). */
static char *v1_controllers(const char *superopts)
{
    static const char *const skip[] = {"rw", "ro", "relatime", "noatime", "nosuid", "nodev", "noexec",
                                       "xattr", "clone_children", "nsdelegate", NULL};
    char *copy = dup_or_die(superopts), *save = NULL, *out = calloc(1, strlen(superopts) + 1);
    if (out == NULL)
        abort();
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        bool drop = strncmp(tok, "release_agent=", 14) == 0;
        for (int i = 0; skip[i] && !drop; i++)
            drop = strcmp(tok, skip[i]) == 0;
        if (drop)
            continue;
        if (*out)
            strcat(out, ",");
        strcat(out, tok);
    }
    free(copy);
    return out;
}

int rlx_cgroup_layout_load(struct rlx_cgroup_layout *l)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char *line = NULL;
    size_t cap = 0;
    int has_v1 = 0;

    memset(l, 0, sizeof(*l));
    l->unified = -1;
    if (f == NULL)
        return -1;
    while (getline(&line, &cap, f) > 0 && l->n < RLX_MAX_HIERARCHIES) {
        char mnt[4096], fstype[64], superopts[1024];
        char *sep = strstr(line, " - ");
        /* fields: id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
        if (sep == NULL || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
            sscanf(sep + 3, "%63s %*s %1023s", fstype, superopts) != 2)
            continue;
        if (strcmp(fstype, "cgroup") == 0) {
            l->h[l->n].mountpoint = dup_or_die(mnt);
            l->h[l->n].controllers = v1_controllers(superopts);
            l->h[l->n].v2 = false;
            l->n++;
            has_v1 = 1;
        } else if (strcmp(fstype, "cgroup2") == 0 && l->unified < 0) {
            char path[4200];
            FILE *c;
            l->h[l->n].mountpoint = dup_or_die(mnt);
            l->h[l->n].controllers = dup_or_die("");
            l->h[l->n].v2 = true;
            l->unified = l->n++;
            snprintf(path, sizeof(path), "%s/cgroup.controllers", mnt);
            c = fopen(path, "re");
            if (c) {
                char buf[1024] = "";
                if (fgets(buf, sizeof(buf), c))
                    buf[strcspn(buf, "\n")] = '\0';
                l->v2_controllers = dup_or_die(buf);
                fclose(c);
            }
        }
    }
    free(line);
    fclose(f);
    if (l->v2_controllers == NULL)
        l->v2_controllers = dup_or_die("");
    if (l->n == 0)
        return -1;
    l->mode = !has_v1 ? RLX_CGROUP_V2 : l->unified >= 0 ? RLX_CGROUP_HYBRID : RLX_CGROUP_V1;
    return 0;
}

void rlx_cgroup_layout_free(struct rlx_cgroup_layout *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->h[i].mountpoint);
        free(l->h[i].controllers);
    }
    free(l->v2_controllers);
    memset(l, 0, sizeof(*l));
    l->unified = -1;
}

static bool list_has(const char *list, const char *item, char sep)
{
    size_t n = strlen(item);
    for (const char *p = list; p && *p;) {
        if (strncmp(p, item, n) == 0 && (p[n] == sep || p[n] == '\0'))
            return true;
        p = strchr(p, sep);
        if (p)
            p++;
    }
    return false;
}

int rlx_cgroup_layout_find(const struct rlx_cgroup_layout *l, const char *controller)
{
    for (int i = 0; i < l->n; i++)
        if (!l->h[i].v2 && list_has(l->h[i].controllers, controller, ','))
            return i;
    if (l->unified >= 0 && list_has(l->v2_controllers, controller, ' '))
        return l->unified;
    return -1;
}

bool rlx_cgroup_controller_is_v2(const struct rlx_cgroup_layout *l, const char *controller)
{
    int i = rlx_cgroup_layout_find(l, controller);
    return i >= 0 && l->h[i].v2;
}

bool rlx_probe_setns(void)
{
    return !(rlx_setns(-1, 0) < 0 && errno == ENOSYS);
}

bool rlx_probe_userns(void)
{
    return rlx_probe_unshare(CLONE_NEWUSER);
}

/* unshare(2) knows CLONE_NEWPID only from 3.8; clone(2) had it since 2.6.24 (and is no
 * test for the others: 2.6.32's clone ignores unknown flags, 0x02000000 was CLONE_STOPPED). */
static int make_namespace(int flag)
{
    pid_t c;
    int status;
    if (unshare(flag) == 0)
        return 0;
    if (flag != CLONE_NEWPID || errno != EINVAL)
        return -1;
    c = (pid_t)syscall(SYS_clone, (long)(CLONE_NEWPID | SIGCHLD), 0L, 0L, 0L, 0L);
    if (c == 0)
        _exit(0);
    return c > 0 && waitpid(c, &status, 0) == c && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

bool rlx_probe_unshare(int flag)
{
    int status;
    pid_t pid = fork();
    if (pid == 0)
        _exit(make_namespace(flag) == 0 ? 0 : 1);
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

const char *const rlx_feature_names[F_COUNT] = {
    [F_SETNS_NET] = "setns: net", [F_SETNS_IPC] = "setns: ipc", [F_SETNS_UTS] = "setns: uts",
    [F_SETNS_PID] = "setns: pid", [F_SETNS_MNT] = "setns: mnt", [F_SETNS_CGROUP] = "setns: cgroup",
    [F_USERNS] = "user namespaces", [F_CGROUPNS] = "cgroup namespaces", [F_TIMENS] = "time namespaces",
    [F_SUBREAPER] = "PR_SET_CHILD_SUBREAPER", [F_NO_NEW_PRIVS] = "no_new_privs",
    [F_SECCOMP_FILTER] = "seccomp filters", [F_MEMFD] = "memfd_create", [F_EXECVEAT] = "execveat",
    [F_PIDFD] = "pidfd_open", [F_CLONE3] = "clone3", [F_OPEN_TREE] = "open_tree/move_mount",
    [F_SETGROUPS_FILE] = "/proc/PID/setgroups", [F_DEVPTS_NEWINSTANCE] = "devpts newinstance",
    [F_OVERLAY] = "overlay filesystem", [F_AMBIENT] = "ambient capabilities",
    [F_SECCOMP_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
};

/* Is the syscall there? Called with arguments it must reject: ENOSYS means absent. */
static bool syscall_exists(long nr, long a, long b, long c)
{
    return !(syscall(nr, a, b, c, 0, 0) < 0 && errno == ENOSYS);
}

/* The probes with side effects (setns, unshare, mounts, filters) run in this child. */
static unsigned long probe_in_child(void)
{
    static const struct { enum rlx_feature f; const char *ns; int flag; } setns_probes[] = {
        {F_SETNS_NET, "net", 0x40000000}, {F_SETNS_IPC, "ipc", 0x08000000}, {F_SETNS_UTS, "uts", 0x04000000},
        {F_SETNS_PID, "pid", 0x20000000}, {F_SETNS_MNT, "mnt", 0x00020000}, {F_SETNS_CGROUP, "cgroup", 0x02000000},
    };
    unsigned long bits = 0;
    char tmpl[] = "/tmp/runlxc-probe.XXXXXX";
    for (size_t i = 0; i < sizeof(setns_probes) / sizeof(setns_probes[0]); i++) {
        char path[64];
        int fd;
        snprintf(path, sizeof(path), "/proc/self/ns/%s", setns_probes[i].ns);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        /* Re-entering our own namespace is harmless and exercises the same kernel path. */
        if (fd >= 0 && rlx_setns(fd, setns_probes[i].flag) == 0)
            bits |= 1UL << setns_probes[i].f;
        if (fd >= 0)
            close(fd);
    }
    if (unshare(0x02000000) == 0)
        bits |= 1UL << F_CGROUPNS;
    if (unshare(0x00000080) == 0)
        bits |= 1UL << F_TIMENS;
    if (unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
        mkdtemp(tmpl) != NULL) {
        if (mount("devpts", tmpl, "devpts", 0, "newinstance,ptmxmode=0666") == 0) {
            bits |= 1UL << F_DEVPTS_NEWINSTANCE;
            umount2(tmpl, MNT_DETACH);
        }
        rmdir(tmpl);
    }
    if (prctl(38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0) == 0) {
        struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, 0x7fff0000U /* SECCOMP_RET_ALLOW */);
        struct sock_fprog prog = {1, &allow};
        bits |= 1UL << F_NO_NEW_PRIVS;
        if (prctl(PR_SET_SECCOMP, 2 /* SECCOMP_MODE_FILTER */, &prog, 0, 0) == 0)
            bits |= 1UL << F_SECCOMP_FILTER;
    }
    return bits;
}

unsigned long rlx_probe_features(void)
{
    unsigned long bits = 0;
    int pfd[2], x = 0, fd;
    pid_t pid;

    if (pipe2(pfd, O_CLOEXEC) == 0) {
        pid = fork();
        if (pid == 0) {
            unsigned long b = probe_in_child();
            ssize_t w = write(pfd[1], &b, sizeof(b));
            _exit(w == (ssize_t)sizeof(b) ? 0 : 1);
        }
        close(pfd[1]);
        if (pid > 0) {
            if (read(pfd[0], &bits, sizeof(bits)) != (ssize_t)sizeof(bits))
                bits = 0;
            waitpid(pid, NULL, 0);
        }
        close(pfd[0]);
    }
    if (rlx_probe_userns())
        bits |= 1UL << F_USERNS;
    if (rlx_probe_ambient_caps())
        bits |= 1UL << F_AMBIENT;
    if (rlx_probe_seccomp_action(0x80000000U /* SECCOMP_RET_KILL_PROCESS */))
        bits |= 1UL << F_SECCOMP_KILL_PROCESS;
    if (prctl(37 /* PR_GET_CHILD_SUBREAPER */, &x, 0, 0, 0) == 0)
        bits |= 1UL << F_SUBREAPER;
    fd = rlx_memfd_create("runlxc-probe", 1);
    if (fd >= 0) {
        bits |= 1UL << F_MEMFD;
        close(fd);
    }
#ifdef SYS_execveat
    if (syscall_exists(SYS_execveat, -1, (long)"", 0))
        bits |= 1UL << F_EXECVEAT;
#endif
    if (syscall_exists(434 /* pidfd_open */, -1, 0, 0))
        bits |= 1UL << F_PIDFD;
    if (syscall_exists(435 /* clone3 */, 0, 0, 0))
        bits |= 1UL << F_CLONE3;
    if (rlx_probe_open_tree())
        bits |= 1UL << F_OPEN_TREE;
    if (access("/proc/self/setgroups", F_OK) == 0)
        bits |= 1UL << F_SETGROUPS_FILE;
    {
        FILE *f = fopen("/proc/filesystems", "re");
        char line[128];
        while (f && fgets(line, sizeof(line), f))
            if (strstr(line, "\toverlay\n"))
                bits |= 1UL << F_OVERLAY;
        if (f)
            fclose(f);
    }
    return bits;
}

bool rlx_probe_no_new_privs(void)
{
    return prctl(39 /* PR_GET_NO_NEW_PRIVS */, 0, 0, 0, 0) >= 0;
}

bool rlx_probe_open_tree(void)
{
    return syscall_exists(428 /* open_tree */, -1, (long)"", 0);
}

bool rlx_probe_subreaper(void)
{
    int x;
    return prctl(37 /* PR_GET_CHILD_SUBREAPER */, &x, 0, 0, 0) == 0;
}

bool rlx_probe_ambient_caps(void)
{
    return prctl(47 /* PR_CAP_AMBIENT */, 1 /* PR_CAP_AMBIENT_IS_SET */, 0, 0, 0) >= 0;
}

bool rlx_probe_seccomp_filter(void)
{
    /* A NULL program: EFAULT where filters exist, EINVAL where the mode is unknown. */
    return prctl(PR_SET_SECCOMP, 2 /* SECCOMP_MODE_FILTER */, NULL, 0, 0) < 0 && errno == EFAULT;
}

bool rlx_probe_seccomp_action(uint32_t kernel_action)
{
#ifdef SYS_seccomp
    /* SECCOMP_GET_ACTION_AVAIL: 0 for an action the kernel has, EOPNOTSUPP for one it lacks,
     * ENOSYS or EINVAL on kernels without seccomp(2) or that operation (before 4.14). */
    return syscall(SYS_seccomp, 2 /* SECCOMP_GET_ACTION_AVAIL */, 0, &kernel_action) == 0;
#else
    (void)kernel_action;
    return false;
#endif
}

bool rlx_probe_seccomp_notify(void)
{
    return rlx_probe_seccomp_action(0x7fc00000U /* SECCOMP_RET_USER_NOTIF, Linux 5.0 */);
}
