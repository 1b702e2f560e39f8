/* Producer side: read the blob (hashing the compressed bytes), let libarchive's gzip/zstd
 * filters decompress it (format "raw": no tar parsing here), hash the uncompressed stream for
 * the diff_id and queue it. Digests are known only at the end of a layer, so the verdict
 * travels in the layer's END chunk; the applier works in a scratch directory that is thrown
 * away when a verdict is negative. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "pipeline.h"

struct reader {
    const struct blobref *blob;
    off_t pos;
    struct hasher h;
    unsigned char tail[8];   /* the blob's last bytes so far: a gzip member's CRC32 and ISIZE */
    char buf[CHUNK_SIZE];
    int err;
};

static la_ssize_t read_cb(struct archive *a, void *ctx, const void **out)
{
    struct reader *r = ctx;
    size_t want = CHUNK_SIZE;
    ssize_t n;
    if (r->pos >= r->blob->size)
        return 0;
    if ((off_t)want > r->blob->size - r->pos)
        want = (size_t)(r->blob->size - r->pos);
    n = read_full_at(r->blob->fd, r->buf, want, r->blob->off + r->pos);
    if (n < 0 || (size_t)n != want) {
        r->err = n < 0 ? errno : EIO;
        archive_set_error(a, r->err, "reading the blob: %s", strerror(r->err));
        return -1;
    }
    hasher_update(&r->h, r->buf, want);
    if (want >= sizeof(r->tail)) {
        memcpy(r->tail, r->buf + want - sizeof(r->tail), sizeof(r->tail));
    } else {
        memmove(r->tail, r->tail + want, sizeof(r->tail) - want);
        memcpy(r->tail + sizeof(r->tail) - want, r->buf, want);
    }
    r->pos += (off_t)want;
    *out = r->buf;
    return (la_ssize_t)want;
}

static struct chunk *spare_get(struct pipeline *p)
{
    struct chunk *c;
    pthread_mutex_lock(&p->mu);
    c = p->spare;
    if (c)
        p->spare = c->next;
    pthread_mutex_unlock(&p->mu);
    return c ? c : xmalloc(sizeof(*c) + CHUNK_SIZE);
}

void pipeline_recycle(struct pipeline *p, struct chunk *c)
{
    if (!c)
        return;
    if (c->kind != CHUNK_DATA) {
        free(c->msg);
        free(c);
        return;
    }
    pthread_mutex_lock(&p->mu);
    c->next = p->spare;
    p->spare = c;
    pthread_mutex_unlock(&p->mu);
}

static int push(struct pipeline *p, struct chunk *c)
{
    pthread_mutex_lock(&p->mu);
    while (p->n >= QUEUE_CHUNKS && !p->cancel)
        pthread_cond_wait(&p->nonfull, &p->mu);
    if (p->cancel) {
        pthread_mutex_unlock(&p->mu);
        free(c->msg);
        free(c);
        return -1;
    }
    c->next = NULL;
    if (p->tail)
        p->tail->next = c;
    else
        p->head = c;
    p->tail = c;
    p->n++;
    pthread_cond_signal(&p->nonempty);
    pthread_mutex_unlock(&p->mu);
    return 0;
}

static int push_end(struct pipeline *p, const char *msg)
{
    struct chunk *c = xcalloc(1, sizeof(*c));
    c->kind = CHUNK_END;
    if (msg) {
        c->failed = 1;
        c->msg = xstrdup(msg);
    }
    return push(p, c);
}

static const char *comp_name(int code)
{
    switch (code) {
    case ARCHIVE_FILTER_NONE: return "uncompressed";
    case ARCHIVE_FILTER_GZIP: return "gzip";
    case ARCHIVE_FILTER_ZSTD: return "zstd";
    default: return "an unsupported compression";
    }
}

/* libarchive's gzip reader does not check the trailers ("XXX TODO: Verify the length and
 * CRC"), so a layer whose CRC32 or size is wrong would pass when its digests were made for
 * the damaged blob. The common case, one gzip member, is checked against the CRC32 of what
 * was streamed; a blob of several members (legal, rare) is inflated once more with zlib,
 * which checks every member's trailer. */
static int gzip_members_ok(const struct blobref *b, char *why, size_t len)
{
    z_stream z;
    unsigned char in[65536], out[65536];
    off_t pos = 0;
    int rc = Z_OK, ok = 0;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        snprintf(why, len, "zlib: %s", z.msg ? z.msg : "init failed");
        return 0;
    }
    for (;;) {
        if (z.avail_in == 0) {
            size_t want = sizeof(in);
            ssize_t n;
            if (pos >= b->size)
                break;
            if ((off_t)want > b->size - pos)
                want = (size_t)(b->size - pos);
            n = read_full_at(b->fd, (char *)in, want, b->off + pos);
            if (n <= 0)
                break;
            pos += n;
            z.next_in = in;
            z.avail_in = (uInt)n;
        }
        z.next_out = out;
        z.avail_out = sizeof(out);
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            ok = 1;
            /* another member follows only if its magic does */
            if (z.avail_in == 0 && pos < b->size) {
                ssize_t n = read_full_at(b->fd, (char *)in, pos + 2 <= b->size ? 2 : 1, b->off + pos);
                if (n == 2 && in[0] == 0x1f && in[1] == 0x8b) {
                    inflateReset(&z);
                    continue;
                }
                break;
            }
            if (z.avail_in >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
                inflateReset(&z);
                continue;
            }
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            snprintf(why, len, "%s", z.msg ? z.msg : "corrupt data");
            ok = 0;
            break;
        }
        ok = 0;
    }
    if (!ok && !*why)
        snprintf(why, len, "truncated gzip stream");
    inflateEnd(&z);
    return ok;
}

/* Returns 0 when the layer was fully streamed and verified, -1 with e set otherwise, -2 when
 * the consumer cancelled. */
static int stream_layer(struct pipeline *p, const struct layer_desc *l, uint64_t *total, err_t *e)
{
    struct reader *r = xcalloc(1, sizeof(*r));
    struct archive *a = archive_read_new();
    struct archive_entry *ent;
    struct hasher uh;
    char got[DIGEST_LEN + 1];
    int ret = -1, code, filter = ARCHIVE_FILTER_NONE;
    uLong crc = crc32(0L, Z_NULL, 0);
    uint64_t layer_bytes = 0;

    r->blob = &l->blob;
    /* read once, front to back: let the kernel read ahead generously (cold cache) */
    (void)posix_fadvise(l->blob.fd, l->blob.off, l->blob.size, POSIX_FADV_SEQUENTIAL);
    hasher_init(&r->h);
    hasher_init(&uh);
    archive_read_support_filter_gzip(a);
#if ARCHIVE_VERSION_NUMBER >= 3003003
    archive_read_support_filter_zstd(a); /* older libarchive: zstd layers get a clear error */
#endif
    archive_read_support_format_raw(a);
    archive_read_support_format_empty(a);
    if (archive_read_open(a, r, NULL, read_cb, NULL) != ARCHIVE_OK) {
        err_set(e, "%s: %s", l->what, archive_error_string(a));
        goto out;
    }
    code = archive_read_next_header(a, &ent);
    if (code == ARCHIVE_FATAL || code == ARCHIVE_WARN || code == ARCHIVE_RETRY) {
        err_set(e, "%s: %s", l->what, archive_error_string(a));
        goto out;
    }
    {
        int f = filter = archive_filter_code(a, 0);
        int want = l->comp == COMP_GZIP ? ARCHIVE_FILTER_GZIP : l->comp == COMP_ZSTD ? ARCHIVE_FILTER_ZSTD
                 : l->comp == COMP_NONE ? ARCHIVE_FILTER_NONE : f;
        if (f != ARCHIVE_FILTER_NONE && f != ARCHIVE_FILTER_GZIP && f != ARCHIVE_FILTER_ZSTD) {
            err_set(e, "%s: content is %s (%s)", l->what, comp_name(f), archive_filter_name(a, 0));
            goto out;
        }
        if (f != want) {
            err_set(e, "%s: media type %s promises %s content but the blob is %s", l->what,
                    l->media_type ? l->media_type : "?", comp_name(want), comp_name(f));
            goto out;
        }
    }
    while (code == ARCHIVE_OK) {
        struct chunk *c = spare_get(p);
        size_t fill = 0;
        la_ssize_t n = 0;
        c->kind = CHUNK_DATA;
        c->msg = NULL;
        c->failed = 0;
        while (fill < CHUNK_SIZE && (n = archive_read_data(a, c->data + fill, CHUNK_SIZE - fill)) > 0)
            fill += (size_t)n;
        if (n < 0) {
            pipeline_recycle(p, c);
            err_set(e, "%s: decompressing: %s", l->what, archive_error_string(a));
            goto out;
        }
        if (fill == 0) {
            pipeline_recycle(p, c);
            break;
        }
        *total += fill;
        if (*total > p->max_bytes) {
            pipeline_recycle(p, c);
            err_set(e, "%s: uncompressed layers exceed the limit of %llu bytes (--max-bytes)", l->what,
                    (unsigned long long)p->max_bytes);
            goto out;
        }
        hasher_update(&uh, c->data, fill);
        if (filter == ARCHIVE_FILTER_GZIP)
            crc = crc32(crc, (const Bytef *)c->data, (uInt)fill);
        layer_bytes += fill;
        c->len = fill;
        if (push(p, c) < 0) {
            ret = -2;
            goto out;
        }
        if (n == 0)
            break;
    }
    /* Trailing bytes the decompressor did not need still belong to the blob's digest. */
    while (r->pos < l->blob.size) {
        const void *dummy;
        if (read_cb(a, r, &dummy) < 0) {
            err_set(e, "%s: %s", l->what, strerror(r->err));
            goto out;
        }
    }
    hasher_final(&r->h, got);
    if (l->digest && strcmp(got, l->digest)) {
        err_set(e, "%s: blob digest is %s, expected %s", l->what, got, l->digest);
        goto out;
    }
    hasher_final(&uh, got);
    if (strcmp(got, l->diff_id)) {
        err_set(e, "%s: uncompressed digest is %s, expected diff_id %s", l->what, got, l->diff_id);
        goto out;
    }
    if (filter == ARCHIVE_FILTER_GZIP) {
        uint32_t want_crc = (uint32_t)r->tail[0] | (uint32_t)r->tail[1] << 8 | (uint32_t)r->tail[2] << 16 |
                            (uint32_t)r->tail[3] << 24;
        uint32_t want_size = (uint32_t)r->tail[4] | (uint32_t)r->tail[5] << 8 | (uint32_t)r->tail[6] << 16 |
                             (uint32_t)r->tail[7] << 24;
        char why[128] = "";
        if ((want_crc != (uint32_t)crc || want_size != (uint32_t)layer_bytes) &&
            !gzip_members_ok(&l->blob, why, sizeof(why))) {
            err_set(e, "%s: the gzip stream is corrupt (%s): its CRC32 or length trailer does not match the "
                    "data", l->what, why);
            goto out;
        }
    }
    ret = 0;
out:
    hasher_free(&r->h);
    hasher_free(&uh);
    archive_read_free(a);
    free(r);
    return ret;
}

static void *producer(void *arg)
{
    struct pipeline *p = arg;
    uint64_t total = 0;
    for (size_t i = 0; i < p->img->nlayers; i++) {
        err_t e;
        int r = stream_layer(p, &p->img->layers[i], &total, &e);
        if (r == -2)
            break;
        if (push_end(p, r < 0 ? e.msg : NULL) < 0 || r < 0)
            break;
    }
    return NULL;
}

int pipeline_start(struct pipeline *p, const struct image *img, uint64_t max_bytes, err_t *e)
{
    int r;
    memset(p, 0, sizeof(*p));
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->nonempty, NULL);
    pthread_cond_init(&p->nonfull, NULL);
    p->img = img;
    p->max_bytes = max_bytes;
    r = pthread_create(&p->thread, NULL, producer, p);
    if (r)
        return err_errno(e, r, "starting the decompression thread");
    p->started = 1;
    return 0;
}

struct chunk *pipeline_pop(struct pipeline *p)
{
    struct chunk *c;
    pthread_mutex_lock(&p->mu);
    while (!p->head)
        pthread_cond_wait(&p->nonempty, &p->mu);
    c = p->head;
    p->head = c->next;
    if (!p->head)
        p->tail = NULL;
    p->n--;
    pthread_cond_signal(&p->nonfull);
    pthread_mutex_unlock(&p->mu);
    return c;
}

void pipeline_stop(struct pipeline *p)
{
    struct chunk *c;
    if (!p->started)
        return;
    pthread_mutex_lock(&p->mu);
    p->cancel = 1;
    pthread_cond_broadcast(&p->nonfull);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    while ((c = p->head)) {
        p->head = c->next;
        free(c->msg);
        free(c);
    }
    while ((c = p->spare)) {
        p->spare = c->next;
        free(c);
    }
    p->tail = NULL;
    p->started = 0;
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->nonempty);
    pthread_cond_destroy(&p->nonfull);
}
