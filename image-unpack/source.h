/* Image sources in skopeo's transport syntax: oci:, oci-archive:, docker-archive:. */
#ifndef RUNLXC_UNPACK_SOURCE_H
#define RUNLXC_UNPACK_SOURCE_H
#include "blob.h"
#include "util.h"

enum source_kind { SRC_OCI, SRC_OCI_ARCHIVE, SRC_DOCKER_ARCHIVE };

struct tar_member {
    char *name;      /* normalised (no leading "./") */
    char *link;      /* symlink/hardlink target, NULL for regular files */
    off_t off;       /* start of the data in the archive file */
    off_t size;
};

struct source {
    enum source_kind kind;
    char *path;      /* layout directory or archive file */
    char *ref;       /* oci: tag; docker-archive: NAME[:TAG]; NULL when not given */
    char *digest;    /* oci:PATH@sha256:... */
    int fd;          /* layout directory or archive file */
    struct tar_member *members;
    size_t nmembers;
    int *blob_fds;   /* blob files opened from a layout, closed by source_close */
    size_t nblob_fds;
};

/* Parses SPEC; a spec without a known transport prefix is taken as an OCI layout path. */
int source_parse(const char *spec, struct source *s, err_t *e);
const char *source_kind_name(enum source_kind k);
/* Opens the layout directory, or the archive and indexes its members. */
int source_open(struct source *s, err_t *e);
/* Finds NAME (a path inside the layout/archive, e.g. "index.json"). */
int source_file(struct source *s, const char *name, struct blobref *b, err_t *e);
/* Finds the blob with DIGEST under blobs/<alg>/<hex>. */
int source_blob(struct source *s, const char *digest, struct blobref *b, err_t *e);
void source_close(struct source *s);

/* Exposed for unit tests: indexes a tar file's regular files, symlinks and hardlinks. */
int tar_index(int fd, struct tar_member **out, size_t *n, err_t *e);

#endif
