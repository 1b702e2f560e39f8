#include "liblxc_load.h"
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>

int rlx_lxc_load(struct rlx_lxc_api *api, rlx_error_t *err)
{
    void *h = dlopen(LIBLXC_SONAME, RTLD_LAZY | RTLD_GLOBAL);
    if (h == NULL)
        return rlx_error(err, 0, "load liblxc: %s", dlerror());
    /* POSIX's dlsym returns void *; the union avoids an object-to-function pointer cast. */
    union { void *p; const char *(*f)(void); } v = {dlsym(h, "lxc_get_version")};
    union { void *p; struct lxc_container *(*f)(const char *, const char *); } n = {dlsym(h, "lxc_container_new")};
    union { void *p; int (*f)(struct lxc_container *); } put = {dlsym(h, "lxc_container_put")};
    if (v.p == NULL || n.p == NULL || put.p == NULL)
        return rlx_error(err, 0, "load liblxc (%s): lxc_get_version, lxc_container_new or lxc_container_put missing",
                         LIBLXC_SONAME);
    {
        /* A version runlxc has no key dialect for (or a library that only has the names) would
         * get keys it misreads: refused here, naming the file, before anything is made. */
        const char *version = v.f();
        int major = 0, minor = 0;
        Dl_info where = {0};
        if (version == NULL || sscanf(version, "%d.%d", &major, &minor) != 2 || major < 1) {
            dladdr(v.p, &where);
            return rlx_error(err, 0, "load liblxc (%s): version '%s': runlxc needs liblxc 1.0 or later",
                             where.dli_fname ? where.dli_fname : LIBLXC_SONAME, version ? version : "(none)");
        }
    }
    api->get_version = v.f;
    api->container_new = n.f;
    api->container_put = put.f;
    return 0;
}

const char *rlx_lxc_version(void)
{
    struct rlx_lxc_api api;
    rlx_error_t err = NULL;
    if (rlx_lxc_load(&api, &err) < 0) {
        rlx_error_release(&err);
        return NULL;
    }
    return api.get_version();
}
