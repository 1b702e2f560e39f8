/* sha256 of a byte stream through OpenSSL EVP, as "sha256:<hex>" (the image-unpack reader
 * has its own copy: the two programs share no library and differ in error types). */
#ifndef RUNLXC_CONVERT_SHA256_H
#define RUNLXC_CONVERT_SHA256_H
#include <stddef.h>

#define CONV_DIGEST_LEN 71 /* "sha256:" + 64 hex */

struct conv_sha256 {
    void *ctx; /* EVP_MD_CTX */
};

void conv_sha256_init(struct conv_sha256 *h);
void conv_sha256_update(struct conv_sha256 *h, const void *p, size_t n);
/* Writes "sha256:<hex>" into out (CONV_DIGEST_LEN + 1 bytes) and frees the context. */
void conv_sha256_final(struct conv_sha256 *h, char *out);
void conv_sha256_free(struct conv_sha256 *h);
/* One-shot digest of a buffer. */
void conv_sha256_buf(const void *p, size_t n, char *out);

#endif
