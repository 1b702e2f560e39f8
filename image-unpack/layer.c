/* One layer's tar stream, entry by entry. Every entry is created relative to a directory fd
 * obtained through safepath (no symlink followed), with O_NOFOLLOW/AT_SYMLINK_NOFOLLOW on the
 * last component, and an existing entry is unlinked rather than written through (it may be a
 * hardlink shared with other names, or a symlink pointing anywhere). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <archive.h>
#include <archive_entry.h>

#include "layer.h"

void applier_init(struct applier *ap, int rootfd, int allow_openat2, uint64_t max_entries, uint64_t max_bytes)
{
    memset(ap, 0, sizeof(*ap));
    rootfs_init(&ap->root, rootfd, allow_openat2);
    pathset_init(&ap->written);
    ap->max_entries = max_entries;
    ap->max_bytes = max_bytes;
    ap->euid = geteuid();
    ap->egid = getegid();
}

static void clear_dirtimes(struct applier *ap)
{
    for (size_t i = 0; i < ap->ndirs; i++)
        free(ap->dirs[i].rel);
    ap->ndirs = 0;
}

void applier_fini(struct applier *ap)
{
    clear_dirtimes(ap);
    free(ap->dirs);
    pathset_clear(&ap->written);
    rootfs_fini(&ap->root);
}

struct feed {
    struct pipeline *p;
    struct chunk *cur;
    int ended, failed, padded;
    char *msg;
    uint64_t total;
    char zeros[1536];
};

static la_ssize_t feed_cb(struct archive *a, void *ctx, const void **buf)
{
    struct feed *f = ctx;
    struct chunk *c;
    sigset_t pend;
    pipeline_recycle(f->p, f->cur);
    f->cur = NULL;
    if (f->ended)
        return 0;
    if (a && sigpending(&pend) == 0 &&
        (sigismember(&pend, SIGINT) || sigismember(&pend, SIGTERM) || sigismember(&pend, SIGHUP))) {
        archive_set_error(a, EINTR, "interrupted by a signal");
        return -1;
    }
    c = pipeline_pop(f->p);
    if (c->kind == CHUNK_END) {
        f->ended = 1;
        f->failed = c->failed;
        f->msg = c->msg;
        free(c);
        if (!a)
            return 0;
        /* umoci insert ends layers right after the last member's data, without its padding
         * or the end-of-archive blocks; GNU tar accepts that, so supply them. The digests
         * were computed on the real stream. */
        f->padded = 1;
        memset(f->zeros, 0, sizeof(f->zeros));
        *buf = f->zeros;
        return (la_ssize_t)((512 - f->total % 512) % 512 + 1024);
    }
    f->cur = c;
    f->total += c->len;
    *buf = c->data;
    return (la_ssize_t)c->len;
}

static void drain(struct feed *f)
{
    const void *b;
    while (!f->ended)
        feed_cb(NULL, f, &b);
    pipeline_recycle(f->p, f->cur);
    f->cur = NULL;
}

static int is_zero(const char *p, size_t n)
{
    return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

static int pwrite_full(int fd, const char *p, size_t n, off_t off)
{
    while (n) {
        ssize_t w = pwrite(fd, p, n, off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
        off += w;
    }
    return 0;
}

/* Writes the entry's data; runs of zero pages become holes, which keeps sparse files sparse
 * (whether or not the archive recorded them as sparse) and is cheaper than writing zeros. */
static int write_data(struct archive *a, int fd, int64_t size, err_t *e)
{
    int64_t written_end = 0;
    for (;;) {
        const void *buf;
        size_t len;
        la_int64_t off;
        int r = archive_read_data_block(a, &buf, &len, &off);
        const char *p = buf;
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN)
            return err_set(e, "reading data: %s", archive_error_string(a));
        if (off < 0)
            return err_set(e, "negative data offset");
        while (len) {
            size_t seg = 4096 - (size_t)(off & 4095), run;
            int z;
            if (seg > len)
                seg = len;
            z = is_zero(p, seg);
            run = seg;
            while (run < len) {
                size_t s2 = len - run < 4096 ? len - run : 4096;
                if (is_zero(p + run, s2) != z)
                    break;
                run += s2;
            }
            if (!z) {
                if (pwrite_full(fd, p, run, off) < 0)
                    return err_errno(e, errno, "write");
                written_end = off + (int64_t)run;
            }
            p += run;
            off += (la_int64_t)run;
            len -= run;
        }
        if (off > size)
            size = off;
    }
    if (written_end < size && ftruncate(fd, size) < 0)
        return err_errno(e, errno, "truncate to %lld bytes", (long long)size);
    return 0;
}

static char *proc_path(int dirfd, const char *base)
{
    return xasprintf("/proc/self/fd/%d/%s", dirfd, base);
}

/* Entry's xattrs onto fd (if >= 0) or the path through /proc (symlinks, devices, fifos have
 * no usable fd). clear: drop xattrs the entry does not list (an existing directory that a new
 * layer redefines). */
static int apply_xattrs(struct applier *ap, struct archive_entry *ent, int fd, int dirfd, const char *base,
                        int clear, err_t *e)
{
    _cleanup_free_ char *path = NULL;
    const char *name;
    const void *val;
    size_t sz;
    int n = archive_entry_xattr_reset(ent);

    if (fd < 0)
        path = proc_path(dirfd, base);
    if (clear) {
        char list[65536];
        ssize_t l = fd >= 0 ? flistxattr(fd, list, sizeof(list)) : llistxattr(path, list, sizeof(list));
        for (ssize_t i = 0; l > 0 && i < l; i += (ssize_t)strlen(list + i) + 1) {
            const char *xn = list + i;
            int listed = 0;
            if (!strcmp(xn, "security.selinux"))
                continue;
            archive_entry_xattr_reset(ent);
            while (archive_entry_xattr_next(ent, &name, &val, &sz) == ARCHIVE_OK)
                listed |= !strcmp(name, xn);
            if (!listed)
                (void)(fd >= 0 ? fremovexattr(fd, xn) : lremovexattr(path, xn));
        }
        n = archive_entry_xattr_reset(ent);
    }
    if (n <= 0)
        return 0;
    while (archive_entry_xattr_next(ent, &name, &val, &sz) == ARCHIVE_OK) {
        int r = fd >= 0 ? fsetxattr(fd, name, val, sz, 0) : lsetxattr(path, name, val, sz, 0);
        if (r < 0) {
            if (errno == ENOTSUP || (errno == EPERM && !strncmp(name, "trusted.", 8))) {
                if (!ap->xattr_warned++)
                    fprintf(stderr, "runlxc-unpack: warning: xattr %s not supported here (%s); skipping such xattrs\n",
                            name, strerror(errno));
                continue;
            }
            return err_errno(e, errno, "xattr %s", name);
        }
    }
    return 0;
}

static void entry_times(struct archive_entry *ent, struct timespec ts[2])
{
    ts[1].tv_sec = archive_entry_mtime(ent);
    ts[1].tv_nsec = archive_entry_mtime_is_set(ent) ? archive_entry_mtime_nsec(ent) : 0;
    if (!archive_entry_mtime_is_set(ent))
        ts[1].tv_nsec = UTIME_OMIT;
    if (archive_entry_atime_is_set(ent)) {
        ts[0].tv_sec = archive_entry_atime(ent);
        ts[0].tv_nsec = archive_entry_atime_nsec(ent);
    } else {
        ts[0] = ts[1];
    }
}

/* Makes room for a new entry: whatever exists under base goes, directories included. */
static int clear_slot(struct applier *ap, int dirfd, const char *base, err_t *e)
{
    struct stat st;
    if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : err_errno(e, errno, "stat existing entry");
    if (S_ISDIR(st.st_mode)) {
        if (sp_remove_all(dirfd, base) < 0)
            return err_errno(e, errno, "replacing a directory");
        /* dirfd stays valid (it is the parent), but cached descendants are gone */
        if (ap->root.cache_fd == dirfd) {
            /* keep the parent cached: it still exists */
        } else {
            rootfs_invalidate(&ap->root);
        }
        return 0;
    }
    if (unlinkat(dirfd, base, 0) < 0 && errno != ENOENT)
        return err_errno(e, errno, "removing existing entry");
    return 0;
}

/* Ownership, mode, xattrs and times of a just-created (or merged) non-regular entry. A fresh
 * entry already has our euid/egid and its permission bits (umask is 0), so chown and chmod are
 * only needed when they differ, or when a setgid parent imposed its group or bit. */
enum { META_CHOWN = 1, META_CHMOD = 2, META_TIMES = 4, META_CLEAR_XATTRS = 8, META_SYMLINK = 16 };

static int meta_at(struct applier *ap, struct archive_entry *ent, int dirfd, const char *base, int flags, err_t *e)
{
    struct timespec ts[2];
    if ((flags & META_CHOWN) &&
        fchownat(dirfd, base, (uid_t)archive_entry_uid(ent), (gid_t)archive_entry_gid(ent), AT_SYMLINK_NOFOLLOW) < 0)
        return err_errno(e, errno, "chown");
    /* base was just created by us as a non-symlink, so following is not a risk here */
    if (!(flags & META_SYMLINK) && (flags & META_CHMOD) && fchmodat(dirfd, base, archive_entry_perm(ent) & 07777, 0) < 0)
        return err_errno(e, errno, "chmod");
    if (apply_xattrs(ap, ent, -1, dirfd, base, flags & META_CLEAR_XATTRS, e) < 0)
        return -1;
    if (flags & META_TIMES) {
        entry_times(ent, ts);
        if (utimensat(dirfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
            return err_errno(e, errno, "set times");
    }
    return 0;
}

/* Whether a fresh entry in dirfd needs an explicit chown. */
static int needs_chown(struct applier *ap, struct archive_entry *ent, int dirfd)
{
    return (uid_t)archive_entry_uid(ent) != ap->euid || (gid_t)archive_entry_gid(ent) != ap->egid ||
           sp_dir_sgid(&ap->root, dirfd);
}

static int make_file(struct applier *ap, struct archive *a, struct archive_entry *ent, int dirfd,
                     const char *base, err_t *e)
{
    struct timespec ts[2];
    mode_t perm = archive_entry_perm(ent) & 07777;
    int fd = openat(dirfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, perm & 0777);
    int ret = -1;
    if (fd < 0 && errno == EEXIST) {
        if (clear_slot(ap, dirfd, base, e) < 0)
            return -1;
        fd = openat(dirfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, perm & 0777);
    }
    if (fd < 0)
        return err_errno(e, errno, "create");
    if (write_data(a, fd, archive_entry_size(ent), e) < 0)
        goto out;
    /* chown clears setuid/setgid and file capabilities: mode and xattrs come after it; the
     * permission bits were set at creation (umask 0), special bits need fchmod */
    if (needs_chown(ap, ent, dirfd) && fchown(fd, (uid_t)archive_entry_uid(ent), (gid_t)archive_entry_gid(ent)) < 0) {
        err_errno(e, errno, "chown");
        goto out;
    }
    if ((perm & 07000) && fchmod(fd, perm) < 0) {
        err_errno(e, errno, "chmod");
        goto out;
    }
    if (apply_xattrs(ap, ent, fd, dirfd, base, 0, e) < 0)
        goto out;
    entry_times(ent, ts);
    if (futimens(fd, ts) < 0) {
        err_errno(e, errno, "set times");
        goto out;
    }
    ret = 0;
out:
    close(fd);
    return ret;
}

static int make_dir(struct applier *ap, struct archive_entry *ent, const char *rel, int dirfd, const char *base,
                    err_t *e)
{
    struct stat st;
    int existed = 0, flags;
    mode_t perm = archive_entry_perm(ent) & 07777;
    if (mkdirat(dirfd, base, perm & 01777) < 0) {
        if (errno != EEXIST)
            return err_errno(e, errno, "mkdir");
        if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return err_errno(e, errno, "stat existing entry");
        if (S_ISDIR(st.st_mode)) {
            existed = 1;
        } else {
            if (unlinkat(dirfd, base, 0) < 0)
                return err_errno(e, errno, "replacing a %s by a directory", S_ISLNK(st.st_mode) ? "symlink" : "file");
            if (mkdirat(dirfd, base, perm & 01777) < 0)
                return err_errno(e, errno, "mkdir");
        }
    }
    /* times are restored after the layer (restore_dirtimes), children would bump them */
    if (existed)
        flags = META_CHOWN | META_CHMOD | META_CLEAR_XATTRS;
    else
        flags = (needs_chown(ap, ent, dirfd) ? META_CHOWN : 0) |
                ((perm & 06000) || sp_dir_sgid(&ap->root, dirfd) ? META_CHMOD : 0);
    if (meta_at(ap, ent, dirfd, base, flags, e) < 0)
        return -1;
    ap->root.cache_sgid = -1; /* the cached directory may be this one, its mode just changed */
    if (ap->ndirs == ap->capdirs) {
        ap->capdirs = ap->capdirs ? ap->capdirs * 2 : 256;
        ap->dirs = xrealloc(ap->dirs, ap->capdirs * sizeof(*ap->dirs));
    }
    ap->dirs[ap->ndirs].rel = xstrdup(rel);
    entry_times(ent, ap->dirs[ap->ndirs].ts);
    ap->ndirs++;
    return 0;
}

static int make_root(struct applier *ap, struct archive_entry *ent, err_t *e)
{
    struct timespec ts[2];
    int fd;
    if (archive_entry_filetype(ent) != AE_IFDIR)
        return err_set(e, "the root of the rootfs can only be a directory");
    fd = openat(ap->root.rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return err_errno(e, errno, "open the rootfs");
    if (fchown(fd, (uid_t)archive_entry_uid(ent), (gid_t)archive_entry_gid(ent)) < 0 ||
        fchmod(fd, archive_entry_perm(ent) & 07777) < 0) {
        int saved = errno;
        close(fd);
        return err_errno(e, saved, "rootfs ownership/mode");
    }
    if (apply_xattrs(ap, ent, fd, -1, NULL, 1, e) < 0) {
        close(fd);
        return -1;
    }
    entry_times(ent, ts);
    (void)futimens(fd, ts);
    close(fd);
    ap->root.cache_sgid = -1;
    return 0;
}

static int make_hardlink(struct applier *ap, struct archive_entry *ent, const char *rel, int dirfd,
                         const char *base, err_t *e)
{
    _cleanup_free_ char *target = NULL;
    const char *tbase, *slash;
    char tmp[256];
    int tdir, r;
    struct stat a, b;

    if (sp_normalize(archive_entry_hardlink(ent), &target, e) < 0)
        return err_prefix(e, "hardlink target");
    if (!*target)
        return err_set(e, "hardlink to the rootfs itself");
    if (!strcmp(target, rel))
        return 0;
    slash = strrchr(target, '/');
    tbase = slash ? slash + 1 : target;
    if (slash) {
        char *tparent = strndup(target, (size_t)(slash - target));
        tdir = sp_open_dir(&ap->root, tparent, 0);
        free(tparent);
    } else {
        tdir = openat(ap->root.rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    if (tdir < 0)
        return err_errno(e, errno, "hardlink target \"%s\"", printable(target, tmp, sizeof(tmp)));
    if (fstatat(tdir, tbase, &a, AT_SYMLINK_NOFOLLOW) < 0) {
        r = err_errno(e, errno, "hardlink target \"%s\"", printable(target, tmp, sizeof(tmp)));
        goto out;
    }
    if (S_ISDIR(a.st_mode)) {
        r = err_set(e, "hardlink target \"%s\" is a directory", printable(target, tmp, sizeof(tmp)));
        goto out;
    }
    r = 0;
    if (linkat(tdir, tbase, dirfd, base, 0) < 0) {
        if (errno != EEXIST) {
            r = err_errno(e, errno, "link to \"%s\"", printable(target, tmp, sizeof(tmp)));
            goto out;
        }
        if (fstatat(dirfd, base, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            goto out; /* already that inode */
        if (clear_slot(ap, dirfd, base, e) < 0) {
            r = -1;
            goto out;
        }
        if (linkat(tdir, tbase, dirfd, base, 0) < 0)
            r = err_errno(e, errno, "link to \"%s\"", printable(target, tmp, sizeof(tmp)));
    }
out:
    close(tdir);
    return r;
}

static int make_other(struct applier *ap, struct archive_entry *ent, int dirfd, const char *base, err_t *e)
{
    unsigned int type = archive_entry_filetype(ent);
    for (int attempt = 0;; attempt++) {
        int r;
        if (type == AE_IFLNK) {
            const char *t = archive_entry_symlink(ent);
            if (!t)
                return err_set(e, "symlink without a target");
            r = symlinkat(t, dirfd, base);
        } else {
            mode_t m = (type == AE_IFCHR ? S_IFCHR : type == AE_IFBLK ? S_IFBLK : S_IFIFO) |
                       (archive_entry_perm(ent) & 0777);
            r = mknodat(dirfd, base, m, type == AE_IFIFO ? 0 : makedev(archive_entry_rdevmajor(ent), archive_entry_rdevminor(ent)));
        }
        if (r == 0)
            break;
        if (errno != EEXIST || attempt)
            return err_errno(e, errno, type == AE_IFLNK ? "symlink" : "mknod");
        if (clear_slot(ap, dirfd, base, e) < 0)
            return -1;
    }
    return meta_at(ap, ent, dirfd, base,
                   META_TIMES | (needs_chown(ap, ent, dirfd) ? META_CHOWN : 0) |
                   (type == AE_IFLNK ? META_SYMLINK : (archive_entry_perm(ent) & 07000) ? META_CHMOD : 0), e);
}

static int apply_entry(struct applier *ap, struct archive *a, struct archive_entry *ent, err_t *e)
{
    const char *raw = archive_entry_pathname(ent);
    _cleanup_free_ char *rel = NULL;
    const char *base;
    unsigned int type;
    int dirfd, w;
    char tmp[256];

    if (!raw)
        return err_set(e, "entry without a name");
    if (sp_normalize(raw, &rel, e) < 0)
        return -1;
    w = whiteout_apply(ap, rel, e);
    if (w)
        return w < 0 ? err_prefix(e, "entry \"%s\"", printable(raw, tmp, sizeof(tmp))) : 0;
    pathset_add(&ap->written, rel);
    if (!*rel)
        return make_root(ap, ent, e) < 0 ? err_prefix(e, "entry \"%s\"", printable(raw, tmp, sizeof(tmp))) : 0;
    dirfd = sp_parent(&ap->root, rel, 1, &base);
    if (dirfd < 0) {
        if (errno == ELOOP || errno == ENOTDIR)
            return err_set(e, "entry \"%s\": a parent directory is a symlink or not a directory; refusing to write through it",
                           printable(raw, tmp, sizeof(tmp)));
        return err_errno(e, errno, "entry \"%s\": resolving its parent directory", printable(raw, tmp, sizeof(tmp)));
    }
    type = archive_entry_filetype(ent);
    if (type == AE_IFREG && (uint64_t)archive_entry_size(ent) > ap->max_bytes)
        return err_set(e, "entry \"%s\" declares %lld bytes, more than the limit of %llu (--max-bytes)",
                       printable(raw, tmp, sizeof(tmp)), (long long)archive_entry_size(ent),
                       (unsigned long long)ap->max_bytes);
    if (archive_entry_hardlink(ent))
        w = make_hardlink(ap, ent, rel, dirfd, base, e);
    else if (type == AE_IFREG)
        w = make_file(ap, a, ent, dirfd, base, e);
    else if (type == AE_IFDIR)
        w = make_dir(ap, ent, rel, dirfd, base, e);
    else if (type == AE_IFLNK || type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO)
        w = make_other(ap, ent, dirfd, base, e);
    else if (type == AE_IFSOCK)
        w = 0; /* a socket is only meaningful to the process that bound it */
    else
        w = err_set(e, "unsupported entry type 0%o", type);
    if (w < 0)
        return err_prefix(e, "entry \"%s\"", printable(raw, tmp, sizeof(tmp)));
    return 0;
}

/* Directory mtimes last, deepest first: creating children would otherwise bump them. */
static void restore_dirtimes(struct applier *ap)
{
    for (size_t i = ap->ndirs; i-- > 0;) {
        const char *base;
        int fd = sp_parent(&ap->root, ap->dirs[i].rel, 0, &base);
        if (fd >= 0)
            (void)utimensat(fd, base, ap->dirs[i].ts, AT_SYMLINK_NOFOLLOW);
    }
    clear_dirtimes(ap);
}

int layer_apply(struct applier *ap, const struct layer_desc *l, struct pipeline *p, err_t *e)
{
    struct archive *a = archive_read_new();
    struct archive_entry *ent;
    struct feed f = { .p = p };
    int ret = -1, r;

    pathset_clear(&ap->written);
    archive_read_support_format_tar(a);
    archive_read_support_format_empty(a);
    if (archive_read_open(a, &f, NULL, feed_cb, NULL) != ARCHIVE_OK) {
        err_set(e, "%s: %s", l->what, archive_error_string(a));
        goto out;
    }
    while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        if (++ap->entries > ap->max_entries) {
            err_set(e, "%s: more than %llu entries (--max-entries)", l->what, (unsigned long long)ap->max_entries);
            goto out;
        }
        if (apply_entry(ap, a, ent, e) < 0) {
            err_prefix(e, "%s", l->what);
            goto out;
        }
    }
    if (r != ARCHIVE_EOF) {
        err_set(e, "%s: reading the tar stream: %s", l->what, archive_error_string(a));
        goto out;
    }
    ret = 0;
out:
    archive_read_free(a);
    /* The producer's verdict wins: a tampered layer is reported as such, not as the tar
     * error it may have caused. */
    drain(&f);
    if (f.failed) {
        err_set(e, "%s", f.msg ? f.msg : "layer failed");
        ret = -1;
    }
    free(f.msg);
    if (ret == 0)
        restore_dirtimes(ap);
    else
        clear_dirtimes(ap);
    return ret;
}
