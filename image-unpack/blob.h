/* Content-addressed blobs: a byte range of a file, read and checked against its sha256. */
#ifndef RUNLXC_UNPACK_BLOB_H
#define RUNLXC_UNPACK_BLOB_H
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define DIGEST_LEN 71 /* "sha256:" + 64 hex */

/* A byte range of an open file: a blob file in a layout, or a member of an archive. */
struct blobref {
    int fd;    /* borrowed from the source */
    off_t off;
    off_t size;
};

struct hasher {
    void *ctx; /* EVP_MD_CTX */
};

/* Accepts only "sha256:" followed by 64 lowercase hex digits (the only algorithm we verify). */
int digest_check(const char *d, err_t *e);
void hasher_init(struct hasher *h);
void hasher_update(struct hasher *h, const void *p, size_t n);
/* Writes "sha256:<hex>" into out (DIGEST_LEN + 1 bytes) and frees the context. */
void hasher_final(struct hasher *h, char *out);
void hasher_free(struct hasher *h);

/* Reads a whole (small) blob into memory, NUL-terminated, refusing more than max bytes, and
 * verifies its digest (when digest != NULL) and size (when size >= 0). what names the blob in
 * errors. */
int blob_read_all(const struct blobref *b, const char *what, const char *digest, int64_t size,
                  size_t max, char **out, size_t *len, err_t *e);

#endif
