/* EVP_MD_CTX_create/destroy rather than _new/_free: the same code builds against OpenSSL 1.0
 * (CentOS 6/7 hosts) and 3.x. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sha256.h"

void conv_sha256_init(struct conv_sha256 *h)
{
    EVP_MD_CTX *c = EVP_MD_CTX_create();
    if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
        abort();
    h->ctx = c;
}

void conv_sha256_update(struct conv_sha256 *h, const void *p, size_t n)
{
    if (n && EVP_DigestUpdate(h->ctx, p, n) != 1)
        abort();
}

void conv_sha256_final(struct conv_sha256 *h, char *out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n != 32)
        abort();
    memcpy(out, "sha256:", 7);
    for (unsigned int i = 0; i < n; i++) {
        out[7 + 2 * i] = hex[md[i] >> 4];
        out[8 + 2 * i] = hex[md[i] & 15];
    }
    out[CONV_DIGEST_LEN] = 0;
    conv_sha256_free(h);
}

void conv_sha256_free(struct conv_sha256 *h)
{
    if (h->ctx)
        EVP_MD_CTX_destroy(h->ctx);
    h->ctx = NULL;
}

void conv_sha256_buf(const void *p, size_t n, char *out)
{
    struct conv_sha256 h;
    conv_sha256_init(&h);
    conv_sha256_update(&h, p, n);
    conv_sha256_final(&h, out);
}
