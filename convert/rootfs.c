#include "rootfs.h"
#include "../runlxc/lib/util.h"
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *rlx_rootfs_check(const struct rlx_conv_rootfs *r, rlx_error_t *err)
{
    char *real;
    struct stat st;
    if (r->path == NULL) {
        rlx_error(err, 0, "the LXC config names no rootfs");
        return NULL;
    }
    real = realpath(r->path, NULL);
    if (real == NULL || stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
        rlx_error(err, real ? errno : errno, "rootfs %s: not a directory", r->path);
        free(real);
        return NULL;
    }
    if (strcmp(real, "/") == 0) {
        rlx_error(err, 0, "rootfs %s resolves to / (the host's root): refused", r->path);
        free(real);
        return NULL;
    }
    return real;
}

int rlx_rootfs_copy(const char *src, const char *dst, rlx_error_t *err)
{
    struct archive *in = archive_read_disk_new(), *out = archive_write_disk_new();
    struct archive_entry_linkresolver *links = archive_entry_linkresolver_new();
    struct archive_entry *e;
    size_t prefix = strlen(src);
    int r = 0;
    char buf[65536];
    cleanup_close int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    /* relative names from inside dst, so that libarchive's SECURE_* rules confine every
     * entry (and hard link target) to it */
    if ((mkdir(dst, 0755) < 0 && errno != EEXIST) || chdir(dst) < 0) {
        archive_entry_linkresolver_free(links);
        archive_read_free(in);
        archive_write_free(out);
        return rlx_error(err, errno, "copy rootfs: %s", dst);
    }
    /* physical: symlinks are copied as symlinks, never followed */
    archive_read_disk_set_symlink_physical(in);
    archive_read_disk_set_behavior(in, ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS);
    archive_write_disk_set_options(out, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                                            ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_FFLAGS |
                                            ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                            ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_UNLINK);
    archive_write_disk_set_standard_lookup(out);
    archive_entry_linkresolver_set_strategy(links, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
    if (archive_read_disk_open(in, src) != ARCHIVE_OK) {
        r = rlx_error(err, archive_errno(in), "copy rootfs: open %s: %s", src, archive_error_string(in));
        goto out;
    }
    while (r == 0) {
        int st;
        const char *name, *link;
        cleanup_free char *rel = NULL;
        e = archive_entry_new();
        st = archive_read_next_header2(in, e);
        if (st == ARCHIVE_EOF) {
            archive_entry_free(e);
            break;
        }
        if (st < ARCHIVE_WARN) {
            r = rlx_error(err, archive_errno(in), "copy rootfs: read %s: %s", src, archive_error_string(in));
            archive_entry_free(e);
            break;
        }
        archive_read_disk_descend(in);
        name = archive_entry_pathname(e);
        /* names relative to dst: the source prefix off, then below dst by path */
        rel = xasprintf("./%s", strlen(name) > prefix ? name + prefix + (name[prefix] == '/') : "");
        archive_entry_set_pathname(e, rel);
        if (archive_entry_filetype(e) == AE_IFSOCK) {
            archive_entry_free(e);
            continue;
        }
        /* a second name of a file already copied becomes a hard link to the first */
        {
            struct archive_entry *spare = NULL;
            archive_entry_linkify(links, &e, &spare);
            archive_entry_free(spare);
        }
        link = archive_entry_hardlink(e);
        if (archive_write_header(out, e) < ARCHIVE_WARN) {
            r = rlx_error(err, archive_errno(out), "copy rootfs: %s: %s", rel, archive_error_string(out));
        } else if (archive_entry_filetype(e) == AE_IFREG && archive_entry_size(e) > 0 && link == NULL) {
            ssize_t n;
            while ((n = archive_read_data(in, buf, sizeof(buf))) > 0)
                if (archive_write_data(out, buf, (size_t)n) != n) {
                    r = rlx_error(err, archive_errno(out), "copy rootfs: write %s: %s", rel, archive_error_string(out));
                    break;
                }
            if (n < 0 && r == 0)
                r = rlx_error(err, archive_errno(in), "copy rootfs: read %s: %s", name, archive_error_string(in));
        }
        archive_write_finish_entry(out);
        archive_entry_free(e);
    }
    if (r == 0 && archive_write_close(out) != ARCHIVE_OK)
        r = rlx_error(err, archive_errno(out), "copy rootfs: %s", archive_error_string(out));
out:
    archive_entry_linkresolver_free(links);
    archive_read_free(in);
    archive_write_free(out);
    if (here >= 0 && fchdir(here) < 0 && r == 0)
        r = rlx_error(err, errno, "copy rootfs: back to the working directory");
    return r;
}

int rlx_rootfs_with_view(const struct rlx_conv_rootfs *r, int (*fn)(const char *dir, void *arg, rlx_error_t *err),
                         void *arg, rlx_error_t *err)
{
    cleanup_free char *dir = NULL;
    char tmp[] = "/tmp/runlxc-convert-view.XXXXXX", msg[512] = "";
    int pfd[2], status;
    pid_t child;
    ssize_t n;

    if (strcmp(r->kind, "overlay") != 0) {
        dir = rlx_rootfs_check(r, err);
        return dir ? fn(dir, arg, err) : -1;
    }
    if (mkdtemp(tmp) == NULL)
        return rlx_error(err, errno, "overlay rootfs: a mount point");
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return rlx_error(err, errno, "pipe");
    child = fork();
    if (child == 0) {
        rlx_error_t e = NULL;
        /* upper over lower, both as lower layers: read-only, no work directory, and gone with
         * this child's private mount namespace */
        cleanup_free char *opts = xasprintf("lowerdir=%s:%s", r->upper, r->path);
        close(pfd[0]);
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("overlay", tmp, "overlay", MS_RDONLY, opts) < 0) {
            snprintf(msg, sizeof(msg), "overlay rootfs %s over %s: mount: %s", r->upper, r->path, strerror(errno));
            write_all(pfd[1], msg, strlen(msg));
            _exit(1);
        }
        if (fn(tmp, arg, &e) < 0) {
            write_all(pfd[1], rlx_error_text(&e), strlen(rlx_error_text(&e)));
            _exit(1);
        }
        _exit(0);
    }
    close(pfd[1]);
    n = read(pfd[0], msg, sizeof(msg) - 1);
    close(pfd[0]);
    waitpid(child, &status, 0);
    rmdir(tmp);
    if (n > 0) {
        msg[n] = '\0';
        return rlx_error(err, 0, "%s", msg);
    }
    if (child < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return rlx_error(err, 0, "overlay rootfs: the copy failed");
    return 0;
}
