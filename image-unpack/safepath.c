/* Confined path resolution: openat2(RESOLVE_IN_ROOT|RESOLVE_NO_SYMLINKS) when the kernel has
 * it, else an O_NOFOLLOW walk one component at a time. Either way a symlink in the middle of
 * a member name is an error, never followed, so a symlink written by one entry (or layer)
 * cannot redirect a later write outside the root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "safepath.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef RESOLVE_NO_MAGICLINKS
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_IN_ROOT 0x10
#endif

/* glibc only wraps openat2 since 2.32, and legacy hosts must build: raw syscall. */
struct sp_open_how {
    uint64_t flags;
    uint64_t mode;
    uint64_t resolve;
};

void rootfs_init(struct rootfs *r, int rootfd, int allow_openat2)
{
    r->rootfd = rootfd;
    r->use_openat2 = allow_openat2;
    r->cache_path = NULL;
    r->cache_fd = -1;
    r->cache_sgid = -1;
}

void rootfs_invalidate(struct rootfs *r)
{
    if (r->cache_fd >= 0)
        close(r->cache_fd);
    r->cache_fd = -1;
    r->cache_sgid = -1;
    free(r->cache_path);
    r->cache_path = NULL;
}

void rootfs_fini(struct rootfs *r)
{
    rootfs_invalidate(r);
    if (r->rootfd >= 0)
        close(r->rootfd);
    r->rootfd = -1;
}

int sp_normalize(const char *in, char **out, err_t *e)
{
    size_t n = strlen(in);
    char *buf, *o;
    const char *p = in;
    char tmp[256];

    if (n > SP_MAX_PATH)
        return err_set(e, "name too long (%zu bytes, limit %d)", n, SP_MAX_PATH);
    buf = o = xmalloc(n + 1);
    while (*p) {
        const char *s = p;
        size_t len;
        while (*p && *p != '/')
            p++;
        len = (size_t)(p - s);
        if (*p == '/')
            p++;
        if (len == 0 || (len == 1 && s[0] == '.'))
            continue;
        if (len == 2 && s[0] == '.' && s[1] == '.') {
            free(buf);
            return err_set(e, "name \"%s\" has a \"..\" component", printable(in, tmp, sizeof(tmp)));
        }
        if (o != buf)
            *o++ = '/';
        memcpy(o, s, len);
        o += len;
    }
    *o = 0;
    *out = buf;
    return 0;
}

static int open_component(int dirfd, const char *name, int create)
{
    int fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 || errno != ENOENT || !create)
        return fd;
    if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
        return -1;
    return openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static int walk(struct rootfs *r, const char *rel, int create)
{
    char name[256];
    const char *p = rel;
    int cur = -1;

    while (*p) {
        const char *s = p;
        size_t len;
        int fd;
        while (*p && *p != '/')
            p++;
        len = (size_t)(p - s);
        if (*p == '/')
            p++;
        if (len >= sizeof(name)) {
            if (cur >= 0)
                close(cur);
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(name, s, len);
        name[len] = 0;
        fd = open_component(cur >= 0 ? cur : r->rootfd, name, create);
        if (cur >= 0) {
            int saved = errno;
            close(cur);
            errno = saved;
        }
        if (fd < 0) {
            /* O_PATH|O_NOFOLLOW on a symlink yields ENOTDIR; report it as the symlink it is. */
            return -1;
        }
        cur = fd;
    }
    if (cur < 0)
        cur = openat(r->rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    return cur;
}

int sp_open_dir(struct rootfs *r, const char *rel, int create)
{
    if (r->use_openat2 && *rel) {
        struct sp_open_how how = {
            .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
            .mode = 0,
            .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        long fd = syscall(SYS_openat2, r->rootfd, rel, &how, sizeof(how));
        if (fd >= 0)
            return (int)fd;
        switch (errno) {
        case ENOSYS: case EPERM: case E2BIG: case EINVAL:
            r->use_openat2 = 0; /* old kernel or a seccomp filter: walk instead */
            break;
        case ENOENT: case ENAMETOOLONG: case EAGAIN: case EXDEV:
            break;              /* the walk creates, copes with long paths, retries races */
        default:
            return -1;          /* ELOOP, ENOTDIR, EACCES...: the walk would say the same */
        }
    }
    return walk(r, rel, create);
}

int sp_parent(struct rootfs *r, const char *rel, int create, const char **base)
{
    const char *slash = strrchr(rel, '/');
    size_t plen;
    int fd;

    if (!slash) {
        *base = rel;
        return r->rootfd;
    }
    *base = slash + 1;
    plen = (size_t)(slash - rel);
    if (r->cache_fd >= 0 && strlen(r->cache_path) == plen && memcmp(r->cache_path, rel, plen) == 0)
        return r->cache_fd;
    {
        char *parent = xmalloc(plen + 1);
        memcpy(parent, rel, plen);
        parent[plen] = 0;
        fd = sp_open_dir(r, parent, create);
        if (fd < 0) {
            int saved = errno;
            free(parent);
            errno = saved;
            return -1;
        }
        rootfs_invalidate(r);
        r->cache_path = parent;
        r->cache_fd = fd;
    }
    return fd;
}

int sp_dir_sgid(struct rootfs *r, int fd)
{
    struct stat st;
    if (fd == r->cache_fd && r->cache_sgid >= 0)
        return r->cache_sgid;
    if (fstat(fd, &st) < 0)
        return 1; /* unknown: callers then do the explicit chown/chmod */
    if (fd == r->cache_fd)
        r->cache_sgid = (st.st_mode & S_ISGID) != 0;
    return (st.st_mode & S_ISGID) != 0;
}

struct name_stack {
    char **v;
    size_t n, cap;
};

static void push_name(struct name_stack *s, const char *name)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
    }
    s->v[s->n++] = xstrdup(name);
}

/* Unlinks every non-directory of CUR; returns 1 and the first subdirectory's name in *sub if
 * one remains, 0 if CUR is now empty, -1 on error. */
/* A directory stream of its own on the directory dirfd names (dirfd stays open and usable). */
static DIR *opendir_at(int dirfd)
{
    int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d;
    if (dfd < 0)
        return NULL;
    d = fdopendir(dfd);
    if (!d)
        close(dfd);
    return d;
}

static int empty_pass(int cur, char **sub)
{
    DIR *d = opendir_at(cur);
    struct dirent *de;
    int ret = 0;

    if (!d)
        return -1;
    while ((errno = 0, de = readdir(d))) {
        int isdir;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (de->d_type == DT_UNKNOWN) {
            struct stat st;
            if (fstatat(cur, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                if (errno == ENOENT)
                    continue;
                ret = -1;
                break;
            }
            isdir = S_ISDIR(st.st_mode);
        } else {
            isdir = de->d_type == DT_DIR;
        }
        if (isdir) {
            *sub = xstrdup(de->d_name);
            ret = 1;
            break;
        }
        if (unlinkat(cur, de->d_name, 0) < 0 && errno != ENOENT) {
            ret = -1;
            break;
        }
    }
    if (!de && errno)
        ret = -1;
    {
        int saved = errno;
        closedir(d);
        errno = saved;
    }
    return ret;
}

int sp_remove_all(int dirfd, const char *name)
{
    struct name_stack st = { 0 };
    struct stat sb;
    int cur, ret = -1;

    if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(sb.st_mode))
        return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? -1 : 0;
    cur = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (cur < 0)
        return -1;
    for (;;) {
        char *sub = NULL;
        int r = empty_pass(cur, &sub);
        if (r < 0)
            break;
        if (r == 1) {
            /* Descend with O_NOFOLLOW; ".." of an fd opened this way is its real parent. */
            int fd = openat(cur, sub, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) {
                free(sub);
                break;
            }
            push_name(&st, sub);
            free(sub);
            close(cur);
            cur = fd;
            continue;
        }
        if (st.n == 0) {
            close(cur);
            cur = -1;
            ret = unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -1 : 0;
            break;
        }
        {
            int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
            char *child = st.v[--st.n];
            if (up < 0) {
                free(child);
                break;
            }
            close(cur);
            cur = up;
            if (unlinkat(cur, child, AT_REMOVEDIR) < 0 && errno != ENOENT) {
                free(child);
                break;
            }
            free(child);
        }
    }
    {
        int saved = errno;
        if (cur >= 0)
            close(cur);
        while (st.n)
            free(st.v[--st.n]);
        free(st.v);
        errno = saved;
    }
    return ret;
}

int sp_clear_dir(int dirfd, const char *rel, int (*keep)(void *ctx, const char *path), void *ctx)
{
    DIR *d = opendir_at(dirfd);
    struct dirent *de;
    int ret = 0;

    if (!d)
        return -1;
    while ((errno = 0, de = readdir(d))) {
        char *child;
        int kept;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        child = *rel ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name);
        kept = keep(ctx, child);
        if (kept) {
            /* Kept directories were created by this layer but may still hold older entries. */
            struct stat st;
            if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
                int sub = openat(dirfd, de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0 || sp_clear_dir(sub, child, keep, ctx) < 0) {
                    int saved = errno;
                    if (sub >= 0)
                        close(sub);
                    free(child);
                    errno = saved;
                    ret = -1;
                    break;
                }
                close(sub);
            }
        } else if (sp_remove_all(dirfd, de->d_name) < 0) {
            free(child);
            ret = -1;
            break;
        }
        free(child);
    }
    if (!de && errno && ret == 0)
        ret = -1;
    {
        int saved = errno;
        closedir(d);
        errno = saved;
    }
    return ret;
}
