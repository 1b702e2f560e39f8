/* Destination strings of rlx_image_write: "oci:DIR[:TAG]" and "docker-archive:FILE[:NAME[:TAG]]",
 * split as skopeo splits them (at the first ':'), so the same string means the same place to
 * skopeo, runlxc-unpack and runlxc convert. */
#ifndef RUNLXC_CONVERT_IMGREF_H
#define RUNLXC_CONVERT_IMGREF_H
#include "../runlxc/lib/error.h"

enum imgref_kind { IMGREF_OCI, IMGREF_DOCKER_ARCHIVE };

struct imgref {
    enum imgref_kind kind;
    char *path;     /* DIR or FILE */
    char *tag;      /* oci: the ref.name annotation, NULL for none (skopeo's oci:DIR);
                     * docker-archive: the RepoTag "NAME:TAG", NULL for none */
};

/* default_name (may be NULL) names a docker-archive without NAME; it is made a valid
 * repository name (lower case, other characters as '-'). */
int imgref_parse(const char *dest, const char *default_name, struct imgref *r, rlx_error_t *err);
void imgref_free(struct imgref *r);

#endif
