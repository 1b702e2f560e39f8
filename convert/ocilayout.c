/* An OCI image layout, created or added to. Every file appears by rename (blobs under their
 * digest, index.json last), so a reader never sees a half-written file and an interrupted run
 * leaves the old index intact; the layout directory is flock()ed so that parallel
 * conversions into one layout do not lose each other's index entries. On failure every file
 * this call created is removed, and the directories too when it created the layout. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "imgmeta.h"
#include "tarlayer.h"
#include "util.h"
#include "writers.h"

#define MAX_INDEX (16 << 20)

struct txn {
    char *created_dir; /* the first directory this call created (removed whole on failure) */
    char **created;    /* files created in an existing layout (removed on failure) */
    char *tmp;         /* the layer's temp file */
};

static void txn_rollback(struct txn *t)
{
    if (t->tmp)
        unlink(t->tmp);
    for (size_t i = 0; t->created && t->created[i]; i++)
        unlink(t->created[i]);
    if (t->created_dir)
        rm_rf(t->created_dir);
}

static void txn_free(struct txn *t)
{
    free(t->created_dir);
    strv_free(t->created);
    free(t->tmp);
}

/* mkdir -p that remembers the topmost directory it made. */
static int make_dirs(const char *path, struct txn *t, rlx_error_t *err)
{
    cleanup_free char *p = xstrdup(path);
    size_t n = strlen(p);

    while (n > 1 && p[n - 1] == '/')
        p[--n] = 0;
    for (char *s = p + 1;; s++) {
        bool last = *s == 0;
        if (*s != '/' && !last)
            continue;
        *s = 0;
        if (mkdir(p, 0755) == 0) {
            if (!t->created_dir)
                t->created_dir = xstrdup(p);
        } else if (errno != EEXIST) {
            return rlx_error(err, errno, "create directory %s", p);
        }
        if (last)
            break;
        *s = '/';
    }
    return 0;
}

/* An existing directory must be a layout (or empty): writing blobs into any other directory
 * would scatter files where the operator did not expect them. */
static int check_existing(const char *dir, bool *has_layout, rlx_error_t *err)
{
    cleanup_free char *f = xasprintf("%s/oci-layout", dir);
    cleanup_free char *buf = NULL;
    struct json_object *o, *v;
    int ret = 0;

    if (access(f, F_OK) < 0) {
        cleanup_free char *idx = xasprintf("%s/index.json", dir);
        cleanup_free char *blobs = xasprintf("%s/blobs", dir);
        if (access(idx, F_OK) == 0 || access(blobs, F_OK) == 0)
            return rlx_error(err, 0, "%s has index.json or blobs/ but no oci-layout file: not an OCI image layout", dir);
        *has_layout = false;
        return 0;
    }
    *has_layout = true;
    buf = read_file(f, NULL, err);
    if (!buf)
        return -1;
    o = json_tokener_parse(buf);
    if (!o || !json_object_object_get_ex(o, "imageLayoutVersion", &v) || !json_object_is_type(v, json_type_string) ||
        strncmp(json_object_get_string(v), "1.", 2) != 0)
        ret = rlx_error(err, 0, "%s: not an OCI image layout of version 1.x", f);
    if (o)
        json_object_put(o);
    return ret;
}

/* Writes a blob under its digest unless the layout has it already (same digest, same bytes). */
static int put_blob(const char *dir, const char *digest, const char *data, size_t len, struct txn *t, rlx_error_t *err)
{
    cleanup_free char *path = xasprintf("%s/blobs/sha256/%s", dir, digest + 7);
    if (access(path, F_OK) == 0)
        return 0;
    if (write_file_atomic(path, data, len, 0644, err) < 0)
        return -1;
    strv_push(&t->created, path);
    return 0;
}

static int put_layer(const char *root, const char *dir, struct tarlayer *l, struct txn *t,
                     struct rlx_image_stats *st, rlx_error_t *err)
{
    cleanup_free char *final = NULL;
    int fd;

    t->tmp = xasprintf("%s/blobs/sha256/.layer-XXXXXX", dir);
    fd = mkstemp(t->tmp);
    if (fd < 0) {
        int e = errno;
        free(t->tmp);
        t->tmp = NULL;
        return rlx_error(err, e, "create a temporary file in %s/blobs/sha256", dir);
    }
    l->fd = fd;
    l->gzip = true;
    if (tarlayer_write(root, l, st, err) < 0) {
        close(fd);
        return -1;
    }
    /* mkstemp makes 0600: blobs are world-readable in every layout skopeo/umoci write */
    if (fchmod(fd, 0644) < 0 || close(fd) < 0)
        return rlx_error(err, errno, "finish %s", t->tmp);
    final = xasprintf("%s/blobs/sha256/%s", dir, l->digest + 7);
    if (access(final, F_OK) == 0) {
        unlink(t->tmp); /* an identical layer is there already */
    } else {
        if (rename(t->tmp, final) < 0)
            return rlx_error(err, errno, "rename %s to %s", t->tmp, final);
        strv_push(&t->created, final);
    }
    free(t->tmp);
    t->tmp = NULL;
    return 0;
}

/* index.json with desc added: entries with the same tag go; untagged, the untagged entries
 * go (skopeo only drops those with the same digest, and as every conversion has a new
 * "created", it would pile up unnamed entries no reader can choose between). */
static int update_index(const char *dir, const char *tag, struct json_object *desc, struct txn *t,
                        rlx_error_t *err)
{
    cleanup_free char *path = xasprintf("%s/index.json", dir);
    cleanup_free char *buf = NULL;
    struct json_object *idx = NULL, *old, *fresh = json_object_new_array();
    bool existed = access(path, F_OK) == 0;
    size_t len = 0;
    int ret = -1;

    if (existed) {
        buf = read_file(path, &len, err);
        if (!buf)
            goto out;
        if (len > MAX_INDEX) {
            rlx_error(err, 0, "%s: larger than %d bytes", path, MAX_INDEX);
            goto out;
        }
        idx = json_tokener_parse(buf);
        if (!idx || !json_object_object_get_ex(idx, "manifests", &old) || !json_object_is_type(old, json_type_array)) {
            rlx_error(err, 0, "%s: not an OCI image index (no manifests array)", path);
            goto out;
        }
        for (size_t i = 0; i < (size_t)json_object_array_length(old); i++) {
            struct json_object *d = json_object_array_get_idx(old, i), *ann, *name;
            const char *n = NULL;
            if (json_object_object_get_ex(d, "annotations", &ann) && json_object_object_get_ex(ann, REF_NAME_ANNOTATION, &name))
                n = json_object_get_string(name);
            if (tag && n && !strcmp(n, tag))
                continue;
            if (!tag && !n)
                continue;
            json_object_array_add(fresh, json_object_get(d));
        }
    } else {
        idx = json_object_new_object();
        json_object_object_add(idx, "schemaVersion", json_object_new_int(2));
    }
    json_object_array_add(fresh, json_object_get(desc));
    json_object_object_add(idx, "manifests", fresh);
    fresh = NULL;
    {
        const char *s = imgmeta_json(idx);
        if (write_file_atomic(path, s, strlen(s), 0644, err) < 0)
            goto out;
    }
    if (!existed)
        strv_push(&t->created, path);
    ret = 0;
out:
    if (fresh)
        json_object_put(fresh);
    if (idx)
        json_object_put(idx);
    return ret;
}

static struct json_object *index_entry(const char *digest, size_t size, const char *tag)
{
    struct json_object *d = imgmeta_descriptor(MT_MANIFEST, digest, size), *plat = json_object_new_object();
    const char *variant, *arch = imgmeta_arch(&variant);

    if (tag) {
        struct json_object *ann = json_object_new_object();
        json_object_object_add(ann, REF_NAME_ANNOTATION, json_object_new_string(tag));
        json_object_object_add(d, "annotations", ann);
    }
    json_object_object_add(plat, "architecture", json_object_new_string(arch));
    json_object_object_add(plat, "os", json_object_new_string("linux"));
    if (variant)
        json_object_object_add(plat, "variant", json_object_new_string(variant));
    json_object_object_add(d, "platform", plat);
    return d;
}

static int write_layout(const char *root, const char *dir, const char *tag, struct json_object *cfg,
                        struct txn *t, struct rlx_image_stats *st, rlx_error_t *err)
{
    cleanup_free char *blobs = xasprintf("%s/blobs/sha256", dir);
    cleanup_free char *created = now_rfc3339();
    cleanup_free char *config = NULL, *manifest = NULL;
    cleanup_close int dfd = -1;
    struct tarlayer l = { .fd = -1 };
    struct json_object *desc;
    bool has_layout = false;
    struct stat sb;
    int r;

    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return rlx_error(err, ENOTDIR, "OCI layout %s", dir);
        if (check_existing(dir, &has_layout, err) < 0)
            return -1;
    } else if (errno != ENOENT) {
        return rlx_error(err, errno, "OCI layout %s", dir);
    }
    if (make_dirs(blobs, t, err) < 0)
        return -1;
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || flock(dfd, LOCK_EX) < 0)
        return rlx_error(err, errno, "lock OCI layout %s", dir);
    if (put_layer(root, dir, &l, t, st, err) < 0)
        return -1;
    config = imgmeta_config(cfg, l.diff_id, created);
    conv_sha256_buf(config, strlen(config), st->config_digest);
    if (put_blob(dir, st->config_digest, config, strlen(config), t, err) < 0)
        return -1;
    manifest = imgmeta_manifest(st->config_digest, strlen(config), l.digest, l.size);
    conv_sha256_buf(manifest, strlen(manifest), st->manifest_digest);
    if (put_blob(dir, st->manifest_digest, manifest, strlen(manifest), t, err) < 0)
        return -1;
    if (!has_layout) {
        cleanup_free char *f = xasprintf("%s/oci-layout", dir);
        static const char lay[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
        if (write_file_atomic(f, lay, sizeof(lay) - 1, 0644, err) < 0)
            return -1;
        strv_push(&t->created, f);
    }
    desc = index_entry(st->manifest_digest, strlen(manifest), tag);
    r = update_index(dir, tag, desc, t, err);
    json_object_put(desc);
    if (r < 0)
        return -1;
    memcpy(st->layer_digest, l.digest, sizeof(l.digest));
    memcpy(st->diff_id, l.diff_id, sizeof(l.diff_id));
    st->layer_bytes = l.size;
    return 0;
}

int ocilayout_write(const char *root, const char *dir, const char *tag, struct json_object *cfg,
                    struct rlx_image_stats *st, rlx_error_t *err)
{
    struct txn t = { 0 };
    int r = write_layout(root, dir, tag, cfg, &t, st, err);
    if (r < 0)
        txn_rollback(&t);
    txn_free(&t);
    return r;
}
