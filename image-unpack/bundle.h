/* config.json for the bundle: `runlxc spec` defaults plus the image config's process. */
#ifndef RUNLXC_UNPACK_BUNDLE_H
#define RUNLXC_UNPACK_BUNDLE_H
#include <json-c/json.h>

#include "safepath.h"
#include "util.h"

struct bundle_opts {
    char **args;      /* replaces Entrypoint+Cmd when nargs > 0 */
    size_t nargs;
    char **env;       /* KEY=VALUE, set or override */
    size_t nenv;
};

/* Builds the spec; root resolves /etc/passwd and /etc/group inside the rootfs. */
json_object *bundle_spec(json_object *image_config, struct rootfs *root, const struct bundle_opts *o, err_t *e);
/* Writes config.json (mode 0644) into the directory dirfd. */
int bundle_write(int dirfd, json_object *spec, err_t *e);

#endif
