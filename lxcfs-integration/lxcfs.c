#include "lxcfs.h"
#include "probe.h"
#include "syscalls.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
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

/* Is a filesystem whose type starts with fstype mounted at path? */
static bool mounted_as(const char *path, const char *fstype)
{
    cleanup_file FILE *f = fopen("/proc/self/mountinfo", "re");
    char *line = NULL;
    size_t cap = 0;
    bool found = false;
    while (f && !found && getline(&line, &cap, f) > 0) {
        char mnt[4096], type[64];
        char *sep = strstr(line, " - ");
        if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && sscanf(sep + 3, "%63s", type) == 1)
            found = strcmp(mnt, path) == 0 && strncmp(type, fstype, strlen(fstype)) == 0;
    }
    free(line);
    return found;
}

static bool mounted_as_lxcfs(const char *mountpoint) { return mounted_as(mountpoint, "fuse.lxcfs"); }

/* A read, not a stat: the kernel answers a stat of a dead FUSE mount from its caches. */
static int read_one_byte(const char *path)
{
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    char c;
    return fd >= 0 && read(fd, &c, 1) == 1 ? 0 : -1;
}

int rlx_lxcfs_probe(const char *mountpoint, bool *stale)
{
    cleanup_free char *probe = xasprintf("%s/proc/uptime", mountpoint);
    if (stale)
        *stale = false;
    if (!mounted_as_lxcfs(mountpoint))
        return 0;
    if (read_one_byte(probe) < 0) {
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

char *rlx_lxcfs_relay_name(const char *mountpoint)
{
    /* one path component, kept readable and free of what fstab lines escape */
    size_t n = strlen(mountpoint);
    char *out = xcalloc(3 * n + 1, 1), *o = out;
    for (const char *c = mountpoint; *c; c++) {
        if (*c == '/') {
            if (o != out)
                *o++ = '_';
        } else if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                   *c == '.' || *c == '-') {
            *o++ = *c;
        } else {
            o += sprintf(o, "%%%02X", (unsigned char)*c);
        }
    }
    if (o > out && o[-1] == '_')
        o[-1] = '\0';
    return out;
}

int rlx_lxcfs_relay_refresh(const char *mountpoint, rlx_error_t *err)
{
    cleanup_free char *name = rlx_lxcfs_relay_name(mountpoint);
    cleanup_free char *entry = xasprintf("%s/%s", RLX_LXCFS_RELAY_ROOT, name);
    /* creates and lxcfs start/remount/watch may refresh at once: one at a time */
    cleanup_close int lock = open(RLX_LXCFS_RELAY_ROOT ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    if (lock < 0 || flock(lock, LOCK_EX) < 0)
        return rlx_error(err, errno, "lxcfs relay: lock %s.lock", RLX_LXCFS_RELAY_ROOT);
    if (!mounted_as(RLX_LXCFS_RELAY_ROOT, "tmpfs")) {
        if (mkdir_p(RLX_LXCFS_RELAY_ROOT, 0700) < 0 ||
            mount("runlxc-lxcfs", RLX_LXCFS_RELAY_ROOT, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700,size=64k") < 0)
            return rlx_error(err, errno, "lxcfs relay: mount a tmpfs at %s", RLX_LXCFS_RELAY_ROOT);
    }
    /* shared, so that what is bound into it later propagates to the containers' slave copies */
    if (mount(NULL, RLX_LXCFS_RELAY_ROOT, NULL, MS_SHARED, NULL) < 0)
        return rlx_error(err, errno, "lxcfs relay: make %s shared", RLX_LXCFS_RELAY_ROOT);
    if (rlx_lxcfs_probe(entry, NULL) == 1)
        return 0;
    for (int i = 0; i < 8 && mounted_as_lxcfs(entry); i++)
        umount2(entry, MNT_DETACH);
    if (mkdir(entry, 0755) < 0 && errno != EEXIST)
        return rlx_error(err, errno, "lxcfs relay: mkdir %s", entry);
    if (mount(mountpoint, entry, NULL, MS_BIND, NULL) < 0)
        return rlx_error(err, errno, "lxcfs relay: bind %s at %s", mountpoint, entry);
    return 0;
}

void rlx_lxcfs_relay_drop(const char *mountpoint)
{
    cleanup_free char *name = rlx_lxcfs_relay_name(mountpoint);
    cleanup_free char *entry = xasprintf("%s/%s", RLX_LXCFS_RELAY_ROOT, name);
    for (int i = 0; i < 8 && mounted_as_lxcfs(entry); i++)
        umount2(entry, MNT_DETACH);
    rmdir(entry);
}

/* Enters the user (if its own) and mount namespaces of pid; on failure a message in msg. */
static int enter_mount_ns(pid_t pid, char *msg, size_t len)
{
    const char *const types[] = {"user", "mnt"};
    const int flags[] = {0x10000000 /* CLONE_NEWUSER */, 0x00020000 /* CLONE_NEWNS */};
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
            snprintf(msg, len, "enter %s: %s", theirs, strerror(errno));
            return -1;
        }
        close(fd);
    }
    return 0;
}

/* Child of rlx_lxcfs_remount with open_tree: clone the fresh views, enter, swap them in. */
static int move_views_in(pid_t pid, const char *mountpoint, char **targets, char *msg, size_t len)
{
    size_t n = strv_len(targets);
    cleanup_free int *trees = xcalloc(n, sizeof(int));

    for (size_t i = 0; i < n; i++) {
        cleanup_free char *src = xasprintf("%s%s", mountpoint, targets[i]);
        trees[i] = (int)syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | O_CLOEXEC);
        if (trees[i] < 0) {
            snprintf(msg, len, "clone %s: %s%s", src, strerror(errno),
                     errno == ENOSYS ? " (open_tree needs Linux 5.2)" : "");
            return -1;
        }
    }
    if (enter_mount_ns(pid, msg, len) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        /* Drop the dead view (if any) and put the fresh one in its place. */
        umount2(targets[i], MNT_DETACH);
        if (syscall(SYS_move_mount, trees[i], "", AT_FDCWD, targets[i], MOVE_MOUNT_F_EMPTY_PATH) < 0) {
            snprintf(msg, len, "mount over %s: %s", targets[i], strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* Child of rlx_lxcfs_remount through the relay: enter, bind the views the relay now shows. */
static int bind_views_from_relay(pid_t pid, const char *mountpoint, char **targets, const char *relay, char *msg,
                                 size_t len)
{
    cleanup_free char *name = rlx_lxcfs_relay_name(mountpoint);
    cleanup_free char *probe = xasprintf("%s/%s/proc/uptime", relay, name);

    if (enter_mount_ns(pid, msg, len) < 0)
        return -1;
    if (read_one_byte(probe) < 0) {
        snprintf(msg, len, "the container's relay %s does not show a live lxcfs (%s: %s); the relay %s must be "
                 "refreshed in the host's mount namespace",
                 relay, probe, strerror(errno), RLX_LXCFS_RELAY_ROOT);
        return -1;
    }
    for (size_t i = 0; targets[i]; i++) {
        cleanup_free char *src = xasprintf("%s/%s%s", relay, name, targets[i]);
        umount2(targets[i], MNT_DETACH);
        if (mount(src, targets[i], NULL, MS_BIND, NULL) < 0) {
            snprintf(msg, len, "bind %s over %s: %s", src, targets[i], strerror(errno));
            return -1;
        }
    }
    return 0;
}

int rlx_lxcfs_remount(pid_t pid, const char *mountpoint, char **targets, const char *relay, rlx_error_t *err)
{
    int pfd[2], status = 0;
    char msg[512] = "";
    ssize_t n;
    pid_t child;

    if (rlx_lxcfs_require(mountpoint, err) < 0)
        return -1;
    if (relay) {
        if (rlx_lxcfs_relay_refresh(mountpoint, err) < 0)
            return -1;
    } else if (!rlx_probe_open_tree()) {
        return rlx_error(err, ENOSYS, "lxcfs remount: this kernel lacks open_tree (Linux 5.2) and the container "
                         "has no lxcfs relay (its /dev is not a tmpfs of its own); recreate it to get fresh views");
    }
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return rlx_error(err, errno, "pipe");
    child = fork();
    if (child < 0)
        return rlx_error(err, errno, "fork");
    if (child == 0) {
        int r = relay ? bind_views_from_relay(pid, mountpoint, targets, relay, msg, sizeof(msg))
                      : move_views_in(pid, mountpoint, targets, msg, sizeof(msg));
        if (r < 0)
            write_all(pfd[1], msg, strlen(msg));
        _exit(r < 0);
    }
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
