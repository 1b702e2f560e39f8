/* LXC configuration items -> an OCI config.json, one table of handlers keyed by LXC key (as
 * LXC's confile.c keys its parsers). Every item ends up in the report with one status:
 *   translated  the OCI config expresses it (field named in "oci")
 *   recorded    kept as an annotation (autostart, signals): no OCI behaviour, nothing lost
 *   no-effect   nothing to carry (logging, LXC-only tools, defaults the bundle has anyway)
 *   lossy       behaviour changes: convert fails unless --allow-lossy */
#ifndef RUNLXC_CONVERT_TRANSLATE_H
#define RUNLXC_CONVERT_TRANSLATE_H
#include <stdbool.h>
#include "lxcfile.h"

struct json_object;

enum rlx_conv_status { CONV_TRANSLATED, CONV_RECORDED, CONV_NO_EFFECT, CONV_LOSSY };

struct rlx_conv_rootfs {
    char *kind;         /* "dir" or "overlay" */
    char *path;         /* dir: the directory; overlay: the lower directory */
    char *upper;        /* overlay: the upper directory */
};

struct rlx_conv {
    struct json_object *spec;      /* the OCI config */
    struct json_object *report;    /* array of {key, value, file, line, status, oci?, reason?} */
    struct json_object *image_config; /* the image config's "config" object (Env, Cmd, ...) */
    struct rlx_conv_rootfs rootfs;
    int counts[4];                 /* per status */
};

/* Translates cfg of container name. Errors only for what makes no bundle at all (no rootfs,
 * an unreadable seccomp profile or fstab); lossy items are in the report and counts. */
int rlx_convert(const struct rlx_lxc_config *cfg, const char *name, struct rlx_conv *out, rlx_error_t *err);
void rlx_conv_free(struct rlx_conv *cv);
const char *rlx_conv_status_name(enum rlx_conv_status s);

#endif
