/* Bind sources a container's root cannot look up (bind_staging.c). */
#ifndef RUNLXC_BIND_STAGING_H
#define RUNLXC_BIND_STAGING_H
#include <stdbool.h>
#include "error.h"
#include "lxcconf.h"
#include "spec.h"

/* With a user namespace, liblxc mounts as the container's root. Every bind mount entry of
 * conf whose source that root cannot look up (a directory above it only host root may
 * search) is bound by host root at <root>/.bind-sources@/<id>/<n>, and the entry names that
 * place instead, as runc opens such sources before it enters the user namespace. *made says
 * whether anything was bound (even when an error follows). */
int rlx_bind_staging_make(const char *root, const char *id, const struct rlx_spec *s, struct rlx_lxcconf *conf,
                          bool *made, rlx_error_t *err);
/* Unmounts and removes what make bound for id, once liblxc's child has mounted it (or
 * failed); finds what is there, so a delete after a killed create cleans up too. */
void rlx_bind_staging_remove(const char *root, const char *id);
#endif
