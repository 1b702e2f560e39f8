/* sha256 through OpenSSL EVP (works from OpenSSL 1.0 to 3.x). */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "blob.h"

int digest_check(const char *d, err_t *e)
{
    char tmp[128];
    if (strncmp(d, "sha256:", 7) != 0)
        return err_set(e, "unsupported digest \"%s\" (only sha256 is verified)", printable(d, tmp, sizeof(tmp)));
    if (strlen(d) != DIGEST_LEN || strspn(d + 7, "0123456789abcdef") != 64)
        return err_set(e, "malformed digest \"%s\"", printable(d, tmp, sizeof(tmp)));
    return 0;
}

void hasher_init(struct hasher *h)
{
    EVP_MD_CTX *c = EVP_MD_CTX_create();
    if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
        abort();
    h->ctx = c;
}

void hasher_update(struct hasher *h, const void *p, size_t n)
{
    if (n)
        EVP_DigestUpdate(h->ctx, p, n);
}

void hasher_final(struct hasher *h, char *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    static const char hex[] = "0123456789abcdef";
    EVP_DigestFinal_ex(h->ctx, md, &n);
    memcpy(out, "sha256:", 7);
    for (unsigned int i = 0; i < n && i < 32; i++) {
        out[7 + 2 * i] = hex[md[i] >> 4];
        out[8 + 2 * i] = hex[md[i] & 15];
    }
    out[DIGEST_LEN] = 0;
    hasher_free(h);
}

void hasher_free(struct hasher *h)
{
    if (h->ctx)
        EVP_MD_CTX_destroy(h->ctx);
    h->ctx = NULL;
}

int blob_read_all(const struct blobref *b, const char *what, const char *digest, int64_t size,
                  size_t max, char **out, size_t *len, err_t *e)
{
    char got[DIGEST_LEN + 1];
    struct hasher h;
    char *buf;
    ssize_t r;

    if (size >= 0 && (int64_t)b->size != size)
        return err_set(e, "%s: size %lld does not match the descriptor's %lld", what,
                       (long long)b->size, (long long)size);
    if ((uint64_t)b->size > max)
        return err_set(e, "%s: %lld bytes, more than the %zu allowed for metadata", what,
                       (long long)b->size, max);
    buf = xmalloc((size_t)b->size + 1);
    r = read_full_at(b->fd, buf, (size_t)b->size, b->off);
    if (r < 0) {
        int saved = errno;
        free(buf);
        return err_errno(e, saved, "%s: read", what);
    }
    if (r != (ssize_t)b->size) {
        free(buf);
        return err_set(e, "%s: truncated (%zd of %lld bytes)", what, r, (long long)b->size);
    }
    buf[r] = 0;
    if (digest) {
        hasher_init(&h);
        hasher_update(&h, buf, (size_t)r);
        hasher_final(&h, got);
        if (strcmp(got, digest) != 0) {
            free(buf);
            return err_set(e, "%s: content digest %s does not match %s", what, got, digest);
        }
    }
    *out = buf;
    *len = (size_t)r;
    return 0;
}
