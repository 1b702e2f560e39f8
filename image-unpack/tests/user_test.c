/* User resolution against an image's passwd/group, never the host's. */
#include <stdio.h>
#include <string.h>

#include "../../tests/unit/tap.h"
#include "../user.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                             "app:x:1000:1001:app:/home/app:/bin/sh\n"
                             "broken line\n"
                             "nobody:x:65534:65534::/nonexistent:/bin/false\n";
static const char group[] = "root:x:0:\nstaff:x:50:app,other\napp:x:1001:\nwheel:x:10:root\n";

static int resolve(const char *spec, struct user_ids *u, int with_files)
{
    FILE *pw = with_files ? fmemopen((void *)passwd, sizeof(passwd) - 1, "r") : NULL;
    FILE *gr = with_files ? fmemopen((void *)group, sizeof(group) - 1, "r") : NULL;
    err_t e;
    int r = user_resolve(spec, pw, gr, u, &e);
    if (pw)
        fclose(pw);
    if (gr)
        fclose(gr);
    return r;
}

int main(void)
{
    struct user_ids u;

    TAP_OK(resolve(NULL, &u, 1) == 0 && u.uid == 0 && u.gid == 0, "no User means root");
    TAP_STREQ(u.home, "/root", "root's HOME from passwd");
    TAP_OK(u.nextra == 1 && u.extra[0] == 10, "root's supplementary group wheel");
    user_ids_free(&u);
    TAP_OK(resolve("app", &u, 1) == 0 && u.uid == 1000 && u.gid == 1001, "name resolves to uid and primary gid");
    TAP_OK(u.nextra == 1 && u.extra[0] == 50, "supplementary group staff");
    user_ids_free(&u);
    TAP_OK(resolve("1000", &u, 1) == 0 && u.uid == 1000 && u.gid == 1001, "uid alone takes the passwd gid");
    user_ids_free(&u);
    TAP_OK(resolve("4242", &u, 1) == 0 && u.uid == 4242 && u.gid == 0 && !u.home, "unknown uid: gid 0");
    user_ids_free(&u);
    TAP_OK(resolve("app:staff", &u, 1) == 0 && u.uid == 1000 && u.gid == 50 && u.nextra == 0, "name:group");
    user_ids_free(&u);
    TAP_OK(resolve("1000:7", &u, 1) == 0 && u.uid == 1000 && u.gid == 7, "uid:gid");
    user_ids_free(&u);
    TAP_OK(resolve("0:0", &u, 0) == 0 && u.uid == 0 && u.gid == 0, "numeric ids without passwd");
    user_ids_free(&u);
    TAP_OK(resolve("ghost", &u, 1) < 0, "unknown name refused");
    TAP_OK(resolve("app:ghosts", &u, 1) < 0, "unknown group refused");
    TAP_OK(resolve("app", &u, 0) < 0, "name without passwd refused");
    TAP_OK(resolve(":5", &u, 1) < 0, "empty user part refused");
    TAP_OK(resolve("app:", &u, 1) < 0, "empty group part refused");
    TAP_OK(resolve("-1", &u, 1) < 0, "negative uid is not a number, and no such name");
    return tap_done();
}
