#include "lxcfs.h"
#include "syscalls.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

static const char *const proc_files[] = {"cpuinfo", "diskstats", "loadavg", "meminfo", "slabinfo",
                                         "stat", "swaps", "uptime", NULL};

static bool mounted_as_lxcfs(const char *mountpoint)
{
    cleanup_file FILE *f = fopen("/proc/self/mountinfo", "re");
    char *line = NULL;
    size_t cap = 0;
    bool found = false;
    while (f && !found && getline(&line, &cap, f) > 0) {
        char mnt[4096], fstype[64];
        char *sep = strstr(line, " - ");
        if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && sscanf(sep + 3, "%63s", fstype) == 1)
            found = strcmp(mnt, mountpoint) == 0 && strncmp(fstype, "fuse.lxcfs", 10) == 0;
    }
    free(line);
    return found;
}

int rlx_lxcfs_probe(const char *mountpoint, bool *stale)
{
    cleanup_free char *probe = xasprintf("%s/proc/meminfo", mountpoint);
    struct stat st;
    if (stale)
        *stale = false;
    if (!mounted_as_lxcfs(mountpoint))
        return 0;
    if (stat(probe, &st) < 0) {
        if (stale)
            *stale = errno == ENOTCONN;
        return 0;
    }
    return 1;
}

int rlx_lxcfs_require(const char *mountpoint, rlx_error_t *err)
{
    bool stale;
    if (rlx_lxcfs_probe(mountpoint, &stale) == 1)
        return 0;
    if (stale)
        return rlx_error(err, ENOTCONN, "lxcfs at %s is dead; restart it (runlxc lxcfs start)", mountpoint);
    return rlx_error(err, 0, "lxcfs was asked for (annotation %s or --lxcfs) but none is mounted at %s; "
                     "start one with `runlxc lxcfs start`", RLX_LXCFS_ANNOTATION, mountpoint);
}

char **rlx_lxcfs_targets(const char *mountpoint)
{
    char **out = NULL;
    for (size_t i = 0; proc_files[i]; i++) {
        cleanup_free char *src = xasprintf("%s/proc/%s", mountpoint, proc_files[i]);
        cleanup_free char *dst = xasprintf("/proc/%s", proc_files[i]);
        if (path_exists(src))
            strv_push(&out, dst);
    }
    {
        cleanup_free char *cpu = xasprintf("%s/sys/devices/system/cpu", mountpoint);
        struct stat st;
        if (stat(cpu, &st) == 0 && S_ISDIR(st.st_mode))
            strv_push(&out, "/sys/devices/system/cpu");
    }
    return out;
}

unsigned long long rlx_lxcfs_instance(const char *mountpoint)
{
    struct stat st;
    if (rlx_lxcfs_probe(mountpoint, NULL) != 1 || stat(mountpoint, &st) < 0)
        return 0;
    return (unsigned long long)st.st_dev;
}

int rlx_lxcfs_start(const char *mountpoint, const char *log_path, pid_t *pid, rlx_error_t *err)
{
    const char *bin = getenv("LXCFS") ? getenv("LXCFS") : "/usr/bin/lxcfs";
    cleanup_free char *pidfile = xasprintf("%s.pid", log_path);
    bool stale = false;
    int pfd[2];
    pid_t child;

    *pid = 0;
    if (rlx_lxcfs_probe(mountpoint, &stale) == 1)
        return rlx_error(err, EEXIST, "lxcfs is already running at %s", mountpoint);
    if (access(bin, X_OK) < 0)
        return rlx_error(err, errno, "lxcfs binary %s (install the lxcfs package)", bin);
    if (stale || mounted_as_lxcfs(mountpoint))
        umount2(mountpoint, MNT_DETACH);
    if (mkdir_p(mountpoint, 0755) < 0)
        return rlx_error(err, errno, "lxcfs mountpoint %s", mountpoint);
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return rlx_error(err, errno, "pipe");
    child = fork();
    if (child < 0)
        return rlx_error(err, errno, "fork");
    if (child == 0) {
        /* Detach: its own session, stdio to the log; the grandchild is the daemon. */
        pid_t d;
        int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        setsid();
        d = fork();
        if (d != 0) {
            write_all(pfd[1], &d, sizeof(d));
            _exit(d < 0);
        }
        if (log < 0 || null < 0)
            _exit(127);
        dup2(null, 0);
        dup2(log, 1);
        dup2(log, 2);
        rlx_close_fds_from(3);
        execl(bin, "lxcfs", "-f", "-p", pidfile, mountpoint, (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    if (read(pfd[0], pid, sizeof(*pid)) != sizeof(*pid))
        *pid = 0;
    close(pfd[0]);
    waitpid(child, NULL, 0);
    for (int i = 0; i < 500; i++) {
        if (rlx_lxcfs_probe(mountpoint, NULL) == 1)
            return 0;
        if (*pid > 0 && kill(*pid, 0) < 0)
            break;
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    return rlx_error(err, 0, "lxcfs did not come up at %s (see %s)", mountpoint, log_path);
}

/* Child of rlx_lxcfs_remount: clone the fresh views, enter the container, swap them in. */
static int remount_in_child(pid_t pid, const char *mountpoint, char **targets, int errfd)
{
    size_t n = strv_len(targets);
    int *trees = xcalloc(n, sizeof(int));
    char msg[512] = "";
    const char *const types[] = {"user", "mnt"};
    const int flags[] = {0x10000000 /* CLONE_NEWUSER */, 0x00020000 /* CLONE_NEWNS */};

    for (size_t i = 0; i < n; i++) {
        cleanup_free char *src = xasprintf("%s%s", mountpoint, targets[i]);
        trees[i] = (int)syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | O_CLOEXEC);
        if (trees[i] < 0) {
            snprintf(msg, sizeof(msg), "clone %s: %s%s", src, strerror(errno),
                     errno == ENOSYS ? " (open_tree needs Linux 5.2)" : "");
            goto fail;
        }
    }
    for (int k = 0; k < 2; k++) {
        char theirs[64], ours[64];
        struct stat a, b;
        int fd;
        snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", pid, types[k]);
        snprintf(ours, sizeof(ours), "/proc/self/ns/%s", types[k]);
        if (stat(theirs, &a) < 0 || (stat(ours, &b) == 0 && a.st_ino == b.st_ino))
            continue;
        fd = open(theirs, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || rlx_setns(fd, flags[k]) < 0) {
            snprintf(msg, sizeof(msg), "enter %s: %s", theirs, strerror(errno));
            goto fail;
        }
        close(fd);
    }
    for (size_t i = 0; i < n; i++) {
        /* Drop the dead view (if any) and put the fresh one in its place. */
        umount2(targets[i], MNT_DETACH);
        if (syscall(SYS_move_mount, trees[i], "", AT_FDCWD, targets[i], MOVE_MOUNT_F_EMPTY_PATH) < 0) {
            snprintf(msg, sizeof(msg), "mount over %s: %s", targets[i], strerror(errno));
            goto fail;
        }
    }
    return 0;
fail:
    write_all(errfd, msg, strlen(msg));
    return 1;
}

int rlx_lxcfs_remount(pid_t pid, const char *mountpoint, char **targets, rlx_error_t *err)
{
    int pfd[2], status = 0;
    char msg[512] = "";
    ssize_t n;
    pid_t child;

    if (rlx_lxcfs_require(mountpoint, err) < 0)
        return -1;
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return rlx_error(err, errno, "pipe");
    child = fork();
    if (child < 0)
        return rlx_error(err, errno, "fork");
    if (child == 0)
        _exit(remount_in_child(pid, mountpoint, targets, pfd[1]));
    close(pfd[1]);
    n = read(pfd[0], msg, sizeof(msg) - 1);
    close(pfd[0]);
    waitpid(child, &status, 0);
    if (n > 0) {
        msg[n] = '\0';
        return rlx_error(err, 0, "lxcfs remount: %s", msg);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return rlx_error(err, 0, "lxcfs remount: helper failed");
    return 0;
}
