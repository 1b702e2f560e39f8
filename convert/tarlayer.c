/* The tree is walked with archive_read_disk (physical: symlinks are stored, never followed)
 * and written with libarchive's restricted pax format, which is plain ustar unless an entry
 * needs more (long names, big ids, xattrs). Names are relative without "./" and the root
 * itself is not stored: that is what docker and buildkit layers look like, and docker's
 * unpacker ignores a root entry anyway, so every engine ends up with the same tree.
 *
 * The tar bytes pass through a callback that hashes them (diff_id) and either writes them
 * out or feeds a second libarchive writer (format "raw" + gzip filter) whose own callback
 * hashes the compressed bytes (layer digest) and writes them. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>

#include "mountpoints.h"
#include "tarlayer.h"
#include "util.h"

#define COPY_BUF (256 * 1024)

struct sink {
    struct tarlayer *t;
    struct conv_sha256 tar_h, blob_h;
    unsigned long long tar_n;
    struct archive *gz; /* NULL: the tar goes out as is */
    int werr;           /* errno of a failed write to the fd */
    bool abandoned;     /* failed: archive_write_free's final flush must not write or hash */
};

static la_ssize_t out_bytes(struct archive *a, struct sink *s, const void *buf, size_t n)
{
    if (s->abandoned)
        return -1;
    if (write_all(s->t->fd, buf, n) < 0) {
        s->werr = errno;
        archive_set_error(a, errno, "writing the layer blob");
        return -1;
    }
    conv_sha256_update(&s->blob_h, buf, n);
    s->t->size += n;
    return (la_ssize_t)n;
}

static la_ssize_t gz_cb(struct archive *a, void *ud, const void *buf, size_t n)
{
    return out_bytes(a, ud, buf, n);
}

static la_ssize_t tar_cb(struct archive *a, void *ud, const void *buf, size_t n)
{
    struct sink *s = ud;
    if (s->abandoned)
        return -1;
    conv_sha256_update(&s->tar_h, buf, n);
    s->tar_n += n;
    if (!s->gz)
        return out_bytes(a, s, buf, n);
    if (archive_write_data(s->gz, buf, n) != (la_ssize_t)n) {
        archive_set_error(a, archive_errno(s->gz), "gzip: %s", archive_error_string(s->gz));
        return -1;
    }
    return (la_ssize_t)n;
}

static int open_gzip(struct sink *s, rlx_error_t *err)
{
    struct archive_entry *e;

    s->gz = archive_write_new();
    if (!s->gz)
        return rlx_error(err, ENOMEM, "libarchive: gzip writer");
    /* no timestamp in the gzip header: the same tree gives the same layer digest */
    if (archive_write_add_filter_gzip(s->gz) != ARCHIVE_OK || archive_write_set_format_raw(s->gz) != ARCHIVE_OK ||
        archive_write_set_filter_option(s->gz, "gzip", "timestamp", NULL) != ARCHIVE_OK ||
        /* a padded last block would put zeros after the gzip trailer, which Go's reader rejects */
        archive_write_set_bytes_in_last_block(s->gz, 1) != ARCHIVE_OK ||
        archive_write_open(s->gz, s, NULL, gz_cb, NULL) != ARCHIVE_OK)
        return rlx_error(err, archive_errno(s->gz), "libarchive: gzip writer: %s", archive_error_string(s->gz));
    e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_pathname(e, "layer.tar");
    if (archive_write_header(s->gz, e) != ARCHIVE_OK) {
        archive_entry_free(e);
        return rlx_error(err, archive_errno(s->gz), "libarchive: gzip writer: %s", archive_error_string(s->gz));
    }
    archive_entry_free(e);
    return 0;
}

/* A libarchive failure that may hide a write error on our fd: report the errno we saw. */
static int la_error(rlx_error_t *err, struct archive *a, struct sink *s, const char *what)
{
    if (s->werr)
        return rlx_error(err, s->werr, "%s: writing the layer", what);
    return rlx_error(err, archive_errno(a) > 0 ? archive_errno(a) : 0, "%s: %s", what,
                     archive_error_string(a) ? archive_error_string(a) : "libarchive error");
}

static int copy_data(struct archive *disk, struct archive *tar, struct archive_entry *ent, struct sink *s,
                     char *buf, const char *path, rlx_error_t *err)
{
    long long want = archive_entry_size(ent), got = 0;
    la_ssize_t r;

    while ((r = archive_read_data(disk, buf, COPY_BUF)) > 0) {
        got += r;
        if (got > want)
            break;
        if (archive_write_data(tar, buf, (size_t)r) != r)
            return la_error(err, tar, s, path);
    }
    if (r < 0)
        return rlx_error(err, archive_errno(disk) > 0 ? archive_errno(disk) : 0, "read %s: %s", path,
                         archive_error_string(disk));
    /* the header already promised want bytes: a file that changed size cannot be stored */
    if (got != want)
        return rlx_error(err, 0, "%s changed size while being archived (%lld bytes, then %lld): stop the container first",
                         path, want, got);
    return 0;
}

static int write_entry(struct archive *disk, struct archive *tar, struct archive_entry *ent, struct sink *s,
                       char *buf, const char *path, struct rlx_image_stats *st, rlx_error_t *err)
{
    bool has_data = archive_entry_filetype(ent) == AE_IFREG && !archive_entry_hardlink(ent) &&
                    archive_entry_size(ent) > 0;
    int r = archive_write_header(tar, ent);
    /* WARN: a name that is not valid in the locale's charset (a Linux name is bytes) was
     * stored as is with hdrcharset=BINARY, which is what every reader then gets back */
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
        return la_error(err, tar, s, path);
    st->entries++;
    return has_data ? copy_data(disk, tar, ent, s, buf, path, err) : 0;
}

/* What the image must not carry: access/change/birth times (they change on every read and
 * would make each conversion a new digest), host user names (the rootfs has its own
 * /etc/passwd; owners are numeric), sparse maps (written out as zeros by read_disk anyway). */
static void scrub(struct archive_entry *ent)
{
    archive_entry_unset_atime(ent);
    archive_entry_unset_ctime(ent);
    archive_entry_unset_birthtime(ent);
    archive_entry_copy_uname(ent, NULL);
    archive_entry_copy_gname(ent, NULL);
    archive_entry_sparse_clear(ent);
}

static int walk(const char *root, struct archive *disk, struct archive *tar, struct sink *s,
                struct rlx_image_stats *st, rlx_error_t *err)
{
    struct archive_entry_linkresolver *lr = archive_entry_linkresolver_new();
    struct archive_entry *ent = archive_entry_new(), *spare = NULL;
    struct mountpoints mp;
    cleanup_free char *buf = xmalloc(COPY_BUF);
    size_t rlen = strlen(root);
    int ret = -1, r;

    if (!lr || !ent) {
        rlx_error(err, ENOMEM, "libarchive: link resolver");
        goto out_nomp;
    }
    /* tar strategy: the first link of a file carries the data, later ones are hardlink entries */
    archive_entry_linkresolver_set_strategy(lr, archive_format(tar));
    if (mountpoints_below(root, &mp, err) < 0)
        goto out_nomp;
    if (archive_read_disk_open(disk, root) != ARCHIVE_OK) {
        rlx_error(err, archive_errno(disk) > 0 ? archive_errno(disk) : 0, "open %s: %s", root, archive_error_string(disk));
        goto out;
    }
    while ((r = archive_read_next_header2(disk, ent)) != ARCHIVE_EOF) {
        const char *full = archive_entry_pathname(ent);
        struct archive_entry *out_ent = ent;
        unsigned int type = archive_entry_filetype(ent);

        /* a warning means something of the entry (an xattr, say) could not be read: an image
         * silently missing it would be wrong, so every non-OK is fatal */
        if (r != ARCHIVE_OK) {
            rlx_error(err, archive_errno(disk) > 0 ? archive_errno(disk) : 0, "%s: %s", full ? full : root,
                      archive_error_string(disk));
            goto out;
        }
        if (strncmp(full, root, rlen) != 0 || (full[rlen] != '/' && full[rlen] != 0)) {
            rlx_error(err, 0, "libarchive returned %s, which is not below %s", full, root);
            goto out;
        }
        if (full[rlen] == 0) {
            archive_read_disk_descend(disk);
            continue;
        }
        if (type == AE_IFSOCK) {
            st->sockets_skipped++;
            continue;
        }
        if (type == AE_IFDIR) {
            if (mountpoints_has(&mp, full))
                st->mounts_skipped++;
            else
                archive_read_disk_descend(disk);
        }
        {
            cleanup_free char *rel = xstrdup(full + rlen + 1); /* copied: full points into ent */
            archive_entry_copy_pathname(ent, rel);
        }
        scrub(ent);
        if (type != AE_IFDIR && archive_entry_nlink(ent) > 1) {
            archive_entry_linkify(lr, &out_ent, &spare);
            if (!out_ent) /* only the deferring strategies (cpio) hold entries back */
                continue;
        }
        if (write_entry(disk, tar, out_ent, s, buf, full, st, err) < 0)
            goto out;
    }
    ret = 0;
out:
    mountpoints_free(&mp);
out_nomp:
    archive_entry_free(ent);
    if (lr)
        archive_entry_linkresolver_free(lr);
    return ret;
}

int tarlayer_write(const char *root, struct tarlayer *t, struct rlx_image_stats *st, rlx_error_t *err)
{
    struct archive *disk = archive_read_disk_new(), *tar = archive_write_new();
    struct sink s = { .t = t };
    int ret = -1;

    t->size = 0;
    conv_sha256_init(&s.tar_h);
    conv_sha256_init(&s.blob_h);
    if (!disk || !tar) {
        rlx_error(err, ENOMEM, "libarchive");
        goto out;
    }
    archive_read_disk_set_symlink_physical(disk);
    /* xattrs stay on (security.capability, user.*); ACLs and chattr flags would travel in
     * headers Go's tar reader (containerd, podman) ignores, and an immutable flag restored by
     * libarchive would make the tree undeletable; sparse maps are written out as data */
    archive_read_disk_set_behavior(disk, ARCHIVE_READDISK_NO_ACL | ARCHIVE_READDISK_NO_FFLAGS | ARCHIVE_READDISK_NO_SPARSE);
    if (t->gzip && open_gzip(&s, err) < 0)
        goto out;
    /* SCHILY.xattr.* is the xattr header every reader knows (Go's archive/tar, libarchive,
     * GNU tar); LIBARCHIVE.xattr.* would only duplicate it */
    if (archive_write_set_format_pax_restricted(tar) != ARCHIVE_OK ||
        archive_write_set_format_option(tar, "pax", "xattrheader", "SCHILY") != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(tar, 1) != ARCHIVE_OK ||
        archive_write_open(tar, &s, NULL, tar_cb, NULL) != ARCHIVE_OK) {
        la_error(err, tar, &s, "libarchive: tar writer");
        goto out;
    }
    if (walk(root, disk, tar, &s, st, err) < 0)
        goto out;
    if (archive_write_close(tar) != ARCHIVE_OK) {
        la_error(err, tar, &s, "finishing the layer");
        goto out;
    }
    if (s.gz && archive_write_close(s.gz) != ARCHIVE_OK) {
        la_error(err, s.gz, &s, "finishing the gzip stream");
        goto out;
    }
    conv_sha256_final(&s.tar_h, t->diff_id);
    conv_sha256_final(&s.blob_h, t->digest);
    st->bytes = s.tar_n;
    ret = 0;
out:
    s.abandoned = ret < 0;
    if (tar)
        archive_write_free(tar);
    if (s.gz)
        archive_write_free(s.gz);
    conv_sha256_free(&s.tar_h);
    conv_sha256_free(&s.blob_h);
    if (disk)
        archive_read_free(disk);
    return ret;
}
