/* liblxc, loaded only by what builds a container or reports its version. Loading it and its
 * dependencies (libselinux, libapparmor, libpcre2, ...) costs a process about 1.5 ms of CPU
 * (measured: docs/design-notes.md, note 11); start, delete, kill, state, exec and the rest never
 * call it. No cached handle: dlopen of a library already loaded only takes a reference. */
#ifndef RUNLXC_LIBLXC_LOAD_H
#define RUNLXC_LIBLXC_LOAD_H
#include "error.h"

struct lxc_container;

struct rlx_lxc_api {
    const char *(*get_version)(void);
    struct lxc_container *(*container_new)(const char *name, const char *configpath);
    int (*container_put)(struct lxc_container *c);
};

/* Fills api from the installed liblxc (LIBLXC_SONAME). */
int rlx_lxc_load(struct rlx_lxc_api *api, rlx_error_t *err);
/* The installed liblxc's version, or NULL when it cannot be loaded. */
const char *rlx_lxc_version(void);

#endif
