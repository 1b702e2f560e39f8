/* A `docker save` archive: manifest.json, <config-hex>.json and <diff_id-hex>/layer.tar
 * (uncompressed, as docker save stores layers; skopeo, podman load, ctr image import and
 * runlxc-unpack read the paths from manifest.json, so no legacy VERSION/json files).
 *
 * The layer is streamed straight into the archive: its tar header (whose name holds the
 * diff_id and whose size field the length, both known only at the end) is written into the
 * 512 bytes reserved at the start once the layer is done. The outer archive has three plain
 * files, so its ustar headers are made here; libarchive cannot rewrite a header in place.
 * Everything goes to a temp file beside FILE, renamed over it at the end: a failure leaves
 * neither a partial FILE nor a damaged old one. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "imgmeta.h"
#include "tarlayer.h"
#include "util.h"
#include "writers.h"

#define BLOCK 512

/* Numbers in octal; past 8 GiB the size field switches to GNU base-256, which Go's
 * archive/tar, libarchive and GNU tar read. */
static void put_num(char *field, size_t width, unsigned long long v)
{
    if (v < (1ULL << (3 * (width - 1)))) {
        snprintf(field, width, "%0*llo", (int)(width - 1), v);
        return;
    }
    memset(field, 0, width);
    for (size_t i = width; i-- > 1; v >>= 8)
        field[i] = (char)(v & 0xff);
    field[0] = (char)0x80;
}

static void ustar_header(char *h, const char *name, unsigned long long size, time_t mtime)
{
    unsigned int sum = 0;

    memset(h, 0, BLOCK);
    memcpy(h, name, strlen(name)); /* names here are at most 74 bytes */
    put_num(h + 100, 8, 0644);
    put_num(h + 108, 8, 0);
    put_num(h + 116, 8, 0);
    put_num(h + 124, 12, size);
    put_num(h + 136, 12, (unsigned long long)mtime);
    memset(h + 148, ' ', 8);
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    for (int i = 0; i < BLOCK; i++)
        sum += (unsigned char)h[i];
    snprintf(h + 148, 8, "%06o", sum);
}

static int put_member(int fd, const char *name, const char *data, size_t len, time_t mtime, const char *tmp,
                      rlx_error_t *err)
{
    char h[BLOCK], pad[BLOCK] = { 0 };
    ustar_header(h, name, len, mtime);
    if (write_all(fd, h, BLOCK) < 0 || write_all(fd, data, len) < 0 ||
        write_all(fd, pad, (BLOCK - len % BLOCK) % BLOCK) < 0)
        return rlx_error(err, errno, "write %s", tmp);
    return 0;
}

static char *manifest_json(const char *config_name, const char *repotag, const char *layer_name)
{
    struct json_object *arr = json_object_new_array(), *m = json_object_new_object();
    struct json_object *tags = json_object_new_array(), *layers = json_object_new_array();
    char *out;

    json_object_object_add(m, "Config", json_object_new_string(config_name));
    if (repotag)
        json_object_array_add(tags, json_object_new_string(repotag));
    json_object_object_add(m, "RepoTags", tags);
    json_object_array_add(layers, json_object_new_string(layer_name));
    json_object_object_add(m, "Layers", layers);
    json_object_array_add(arr, m);
    out = xstrdup(imgmeta_json(arr));
    json_object_put(arr);
    return out;
}

static int write_archive(const char *root, int fd, const char *tmp, const char *repotag, struct json_object *cfg,
                         struct rlx_image_stats *st, rlx_error_t *err)
{
    cleanup_free char *created = now_rfc3339();
    cleanup_free char *config = NULL, *config_name = NULL, *layer_name = NULL, *manifest = NULL;
    struct tarlayer l = { .fd = fd, .gzip = false };
    char h[BLOCK], zeros[2 * BLOCK] = { 0 };
    time_t now = time(NULL);
    off_t end;

    if (lseek(fd, BLOCK, SEEK_SET) < 0)
        return rlx_error(err, errno, "seek %s", tmp);
    if (tarlayer_write(root, &l, st, err) < 0)
        return -1;
    if (write_all(fd, zeros, (BLOCK - l.size % BLOCK) % BLOCK) < 0)
        return rlx_error(err, errno, "write %s", tmp);
    layer_name = xasprintf("%s/layer.tar", l.diff_id + 7);
    ustar_header(h, layer_name, l.size, now);
    if (pwrite(fd, h, BLOCK, 0) != BLOCK)
        return rlx_error(err, errno ? errno : EIO, "write %s", tmp);
    end = lseek(fd, 0, SEEK_END);
    if (end < 0)
        return rlx_error(err, errno, "seek %s", tmp);

    config = imgmeta_config(cfg, l.diff_id, created);
    conv_sha256_buf(config, strlen(config), st->config_digest);
    config_name = xasprintf("%s.json", st->config_digest + 7);
    manifest = manifest_json(config_name, repotag, layer_name);
    if (put_member(fd, config_name, config, strlen(config), now, tmp, err) < 0 ||
        put_member(fd, "manifest.json", manifest, strlen(manifest), now, tmp, err) < 0)
        return -1;
    if (write_all(fd, zeros, sizeof(zeros)) < 0)
        return rlx_error(err, errno, "write %s", tmp);
    memcpy(st->layer_digest, l.digest, sizeof(l.digest));
    memcpy(st->diff_id, l.diff_id, sizeof(l.diff_id));
    st->layer_bytes = l.size;
    st->manifest_digest[0] = 0;
    return 0;
}

int dockerarchive_write(const char *root, const char *file, const char *repotag, struct json_object *cfg,
                        struct rlx_image_stats *st, rlx_error_t *err)
{
    const char *slash = strrchr(file, '/');
    cleanup_free char *tmp = slash ? xasprintf("%.*s/.%s.runlxc-XXXXXX", (int)(slash - file), file, slash + 1)
                                   : xasprintf(".%s.runlxc-XXXXXX", file);
    struct stat sb;
    int fd, r;

    if (stat(file, &sb) == 0 && S_ISDIR(sb.st_mode))
        return rlx_error(err, EISDIR, "docker-archive %s", file);
    fd = mkstemp(tmp);
    if (fd < 0)
        return rlx_error(err, errno, "docker-archive %s: create a temporary file beside it", file);
    r = write_archive(root, fd, tmp, repotag, cfg, st, err);
    if (r == 0 && fchmod(fd, 0644) < 0) /* mkstemp's 0600 would hide the image from non-root engines */
        r = rlx_error(err, errno, "chmod %s", tmp);
    if (close(fd) < 0 && r == 0)
        r = rlx_error(err, errno, "write %s", tmp);
    if (r == 0 && rename(tmp, file) < 0)
        r = rlx_error(err, errno, "rename %s to %s", tmp, file);
    if (r < 0)
        unlink(tmp);
    return r;
}
