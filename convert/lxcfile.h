/* Reading an LXC container's configuration as liblxc reads it: "key = value" lines, comments,
 * surrounding quotes stripped, lxc.include of a file or of a directory's *.conf files (in name
 * order) followed in place, and the 1.0-2.0 key dialect (lxc.utsname, lxc.rootfs,
 * lxc.network.*, lxc.id_map, ...) spelled in the 2.1+ dialect, as lxc-update-config does. */
#ifndef RUNLXC_CONVERT_LXCFILE_H
#define RUNLXC_CONVERT_LXCFILE_H
#include <stdbool.h>
#include <stddef.h>
#include "../runlxc/lib/error.h"

struct rlx_lxc_item {
    char *key;          /* 2.1+ spelling */
    char *value;
    char *given_key;    /* as written (differs for 1.0-2.0 keys) */
    char *file;
    int line;
};

struct rlx_lxc_config {
    struct rlx_lxc_item *items;
    size_t n;
    bool legacy;        /* some key was in the 1.0-2.0 dialect */
    bool autodev_for_systemd_only; /* read by liblxc 1.0: lxc.autodev unset is a /dev tmpfs for a
                                    * systemd init only (its check_autodev), the rootfs's /dev else */
};

/* Reads path and what it includes. Errors name the file and line: unreadable files, lines
 * without '=', include loops, keys of the 1.0-2.0 dialect that 2.1 removed with no successor
 * are kept (the translation reports them). */
int rlx_lxc_config_read(const char *path, struct rlx_lxc_config *c, rlx_error_t *err);
void rlx_lxc_config_free(struct rlx_lxc_config *c);
/* "key = value\n" lines of every item (includes flattened), for liblxc to load. */
char *rlx_lxc_config_format(const struct rlx_lxc_config *c);
/* The last value of key, or NULL. */
const char *rlx_lxc_config_get(const struct rlx_lxc_config *c, const char *key);
/* Maps one key of the 1.0-2.0 dialect to the 2.1+ spelling; *net is the current legacy
 * network index (incremented by lxc.network.type). NULL when key is already modern. */
char *rlx_lxc_modern_key(const char *key, int *net);

#endif
