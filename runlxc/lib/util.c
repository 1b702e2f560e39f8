#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        abort();
    return p;
}

void *xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (p == NULL)
        abort();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL)
        abort();
    return p;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = strndup(s, n);
    if (p == NULL)
        abort();
    return p;
}

char *xstrdup(const char *s)
{
    char *r;
    if (s == NULL)
        return NULL;
    r = strdup(s);
    if (r == NULL)
        abort();
    return r;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *r;
    va_start(ap, fmt);
    if (vasprintf(&r, fmt, ap) < 0)
        abort();
    va_end(ap);
    return r;
}

size_t strv_len(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

void strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

void strv_push(char ***v, const char *s)
{
    size_t n = strv_len(*v);
    *v = xrealloc(*v, (n + 2) * sizeof(char *));
    (*v)[n] = xstrdup(s);
    (*v)[n + 1] = NULL;
}

bool strv_has(char *const *v, const char *s)
{
    for (size_t i = 0; v && v[i]; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

/* Same members, in any order: /proc/PID/cgroup lists hierarchies in another order than
 * the mount table that predicted them. Members are unique, so equal lengths suffice. */
bool strv_same_set(char *const *a, char *const *b)
{
    size_t n = strv_len(a);
    if (n != strv_len(b))
        return false;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < n && strcmp(a[i], b[j]) != 0)
            j++;
        if (j == n)
            return false;
    }
    return true;
}

char *read_file(const char *path, size_t *len, rlx_error_t *err)
{
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t cap = 4096, n = 0;
    char *buf;

    if (fd < 0) {
        rlx_error(err, errno, "open %s", path);
        return NULL;
    }
    buf = xmalloc(cap);
    for (;;) {
        ssize_t r;
        if (n + 1 >= cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rlx_error(err, errno, "read %s", path);
            free(buf);
            return NULL;
        }
        if (r == 0)
            break;
        n += r;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int wait_exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

int wait_child_code(pid_t pid)
{
    int status;
    pid_t r;
    do
        r = waitpid(pid, &status, 0);
    while (r < 0 && errno == EINTR);
    return r == pid ? wait_exit_code(status) : 255;
}

void stdio_to_devnull(void)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int i = 0; i < 3; i++)
        if (null >= 0)
            dup2(null, i);
        else
            close(i);
    if (null > 2)
        close(null);
}

/* A terminal's window size onto a pty: at attach and at each SIGWINCH of the terminal. */
void rlx_copy_winsize(int from, int to)
{
    struct winsize ws;
    if (ioctl(from, TIOCGWINSZ, &ws) == 0)
        ioctl(to, TIOCSWINSZ, &ws);
}

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        len -= w;
    }
    return 0;
}

int fd_move_above(int fd, int min)
{
    int n = fcntl(fd, F_DUPFD, min);
    if (n >= 0 && n != fd)
        close(fd);
    return n;
}

int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode, rlx_error_t *err)
{
    cleanup_free char *tmp = NULL;
    const char *slash = strrchr(path, '/');
    int fd;

    if (slash)
        tmp = xasprintf("%.*s/.%s.tmp", (int)(slash - path), path, slash + 1);
    else
        tmp = xasprintf(".%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return rlx_error(err, errno, "create %s", tmp);
    if (write_all(fd, data, len) < 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return rlx_error(err, e, "write %s", tmp);
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        return rlx_error(err, e, "rename %s to %s", tmp, path);
    }
    return 0;
}

int write_file(const char *path, const char *data, rlx_error_t *err)
{
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return rlx_error(err, errno, "open %s", path);
    if (write_all(fd, data, strlen(data)) < 0)
        return rlx_error(err, errno, "write '%s' to %s", data, path);
    return 0;
}

int mkdir_p(const char *path, mode_t mode)
{
    cleanup_free char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, mode) < 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    if (mkdir(p, mode) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

static int rm_rf_at(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d;
    struct dirent *de;

    if (fd < 0)
        return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? -1 : 0;
    d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        rm_rf_at(fd, de->d_name);
    }
    closedir(d);
    return unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -1 : 0;
}

int rm_rf(const char *path)
{
    return rm_rf_at(AT_FDCWD, path);
}

bool path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

bool path_has_dotdot(const char *path)
{
    for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
        if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
            return true;
    return false;
}

/* The fields of /proc/PID/stat from state (field 3) on, in buf; NULL if pid is gone. comm may
 * contain spaces and parentheses: the fields start after the last ')'. */
static char *proc_stat_fields(pid_t pid, char *buf, size_t size)
{
    char path[64];
    cleanup_close int fd = -1;
    ssize_t n;
    char *p;

    if (pid <= 0)
        return NULL;
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || (n = read(fd, buf, size - 1)) <= 0)
        return NULL;
    buf[n] = '\0';
    p = strrchr(buf, ')');
    return p && p[1] == ' ' ? p + 2 : NULL;
}

unsigned long long proc_start_time(pid_t pid, bool *zombie)
{
    char buf[1024];
    char *p = proc_stat_fields(pid, buf, sizeof(buf));

    if (zombie)
        *zombie = p && (*p == 'Z' || *p == 'X');
    /* state is field 3; starttime is field 22 */
    for (int field = 3; field < 22 && p; field++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    return p ? strtoull(p, NULL, 10) : 0;
}

pid_t proc_parent(pid_t pid)
{
    char buf[1024];
    char *p = proc_stat_fields(pid, buf, sizeof(buf));
    int ppid;
    return p && sscanf(p, "%*c %d", &ppid) == 1 ? (pid_t)ppid : -1;
}

bool proc_is_alive(pid_t pid, unsigned long long starttime)
{
    bool zombie = false;
    unsigned long long t = proc_start_time(pid, &zombie);
    return t != 0 && t == starttime && !zombie;
}

int rlx_unix_listen(const char *what, const char *path, rlx_error_t *err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int s;
    if (strlen(path) >= sizeof(addr.sun_path))
        return rlx_error(err, 0, "%s %s: path too long (use a shorter --root)", what, path);
    strcpy(addr.sun_path, path);
    s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 || chmod(path, 0600) < 0 || listen(s, 16) < 0) {
        int e = errno;
        if (s >= 0)
            close(s);
        return rlx_error(err, e, "%s %s", what, path);
    }
    return s;
}

int rlx_unix_connect(const char *what, const char *path, rlx_error_t *err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int s;
    if (strlen(path) >= sizeof(addr.sun_path))
        return rlx_error(err, 0, "%s %s: path too long", what, path);
    strcpy(addr.sun_path, path);
    s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        int e = errno;
        if (s >= 0)
            close(s);
        return rlx_error(err, e, "%s %s", what, path);
    }
    return s;
}

char *now_rfc3339(void)
{
    struct timespec ts;
    struct tm tm;
    char buf[64];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    return xasprintf("%s.%09ldZ", buf, ts.tv_nsec);
}

char *str_trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

void octal_unescape(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
            *o++ = (char)(((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));
            p += 3;
        } else {
            *o++ = *p;
        }
    }
    *o = 0;
}
