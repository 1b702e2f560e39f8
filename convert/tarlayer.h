/* One image layer from a directory tree: a POSIX pax tar stream (gzip-compressed or not)
 * written to an fd and hashed on the way, so no file is read twice. */
#ifndef RUNLXC_CONVERT_TARLAYER_H
#define RUNLXC_CONVERT_TARLAYER_H
#include <stdbool.h>
#include "image.h"
#include "sha256.h"

struct tarlayer {
    int fd;      /* the blob goes here, from the fd's current offset */
    bool gzip;
    /* results */
    char digest[CONV_DIGEST_LEN + 1];  /* of the bytes written to fd */
    char diff_id[CONV_DIGEST_LEN + 1]; /* of the uncompressed tar (== digest without gzip) */
    unsigned long long size;           /* bytes written to fd */
};

/* root: canonical absolute path of the tree (realpath), never "/". Fills entries, bytes,
 * sockets_skipped and mounts_skipped of st. */
int tarlayer_write(const char *root, struct tarlayer *t, struct rlx_image_stats *st, rlx_error_t *err);

#endif
