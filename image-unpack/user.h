/* The image config's User ("name", "uid", "name:group", "uid:gid", ...) resolved against the
 * image's own /etc/passwd and /etc/group, never the host's. */
#ifndef RUNLXC_UNPACK_USER_H
#define RUNLXC_UNPACK_USER_H
#include <stdio.h>
#include <sys/types.h>

#include "util.h"

struct user_ids {
    uid_t uid;
    gid_t gid;
    gid_t *extra;     /* supplementary groups listing the user by name */
    size_t nextra;
    char *home;       /* from the passwd entry, NULL when there is none */
};

/* passwd/group may be NULL (file absent): numeric ids still work, names fail. */
int user_resolve(const char *spec, FILE *passwd, FILE *group, struct user_ids *out, err_t *e);
void user_ids_free(struct user_ids *u);

#endif
