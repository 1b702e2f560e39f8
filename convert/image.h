/* runlxc convert --image: a container's rootfs written as a single-layer OCI image, either
 * into an OCI image layout (created, or added to with a new tag) or as a docker-archive
 * (`docker save` format), built with libarchive and hashed with libcrypto. */
#ifndef RUNLXC_CONVERT_IMAGE_H
#define RUNLXC_CONVERT_IMAGE_H
#include <stdbool.h>
#include "../runlxc/lib/error.h"

struct json_object;

struct rlx_image_stats {
    unsigned long long entries;        /* tar entries written */
    unsigned long long bytes;          /* uncompressed layer size */
    unsigned long long layer_bytes;    /* compressed layer blob size */
    unsigned long long sockets_skipped;
    unsigned long long mounts_skipped; /* mount points below the rootfs: stored empty */
    char layer_digest[72];             /* "sha256:..." of the compressed layer blob */
    char diff_id[72];                  /* "sha256:..." of the uncompressed tar */
    char manifest_digest[72];          /* oci: only (a docker-archive has no manifest blob) */
    char config_digest[72];            /* the image ID engines show */
};

/* Writes rootfs (a directory on the host; symlinks are stored, never followed; sockets are
 * skipped and counted; owners, modes, xattrs, device nodes, fifos and hard links are kept)
 * as a one-layer image.
 *   dest:    "oci:DIR:TAG" (OCI image layout; DIR is created if missing, an existing layout
 *            gets the new manifest added to index.json with annotation
 *            org.opencontainers.image.ref.name = TAG, replacing an entry with the same TAG)
 *            or "docker-archive:FILE[:NAME:TAG]" (RepoTags [NAME:TAG], default "NAME:latest"
 *            with NAME = default_name)
 *   config:  the image config's "config" object (Env, Cmd, Entrypoint, WorkingDir, User,
 *            StopSignal, Labels): borrowed, not freed
 * Nothing is written outside DIR/FILE; on failure a partly written FILE or new DIR is removed. */
int rlx_image_write(const char *rootfs, struct json_object *config, const char *default_name, const char *dest,
                    struct rlx_image_stats *stats, rlx_error_t *err);

#endif
