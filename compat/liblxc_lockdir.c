#include "liblxc_lockdir.h"
#include <string.h>
#include <unistd.h>
#include "util.h"

/* Where liblxc run as root keeps lxcpath's lock files: <rundir>/lxc/lock/<lxcpath> since 1.1,
 * <rundir>/lock/lxc/<lxcpath> in 1.0 (lxclock.c, lxclock_name). The lxcpath is appended as
 * given, so a relative --root lands directly below the base. */
static const char *const lock_bases[] = {"/run/lxc/lock", "/run/lock/lxc"};

void rlx_lxc_lockdir_prune(const char *root)
{
    for (size_t i = 0; i < sizeof(lock_bases) / sizeof(lock_bases[0]); i++) {
        size_t base_len = strlen(lock_bases[i]);
        cleanup_free char *dir = xasprintf("%s/%s", lock_bases[i], root[0] == '/' ? root + 1 : root);
        char *slash;
        while (strlen(dir) > base_len && dir[strlen(dir) - 1] == '/')
            dir[strlen(dir) - 1] = '\0';
        if (strstr(dir, "/../") != NULL || strstr(dir, "/./") != NULL)
            continue;
        /* Deepest first; an entry that is not empty (another root below it, a lock file in
         * use) ends the walk. */
        while (strlen(dir) > base_len && rmdir(dir) == 0 && (slash = strrchr(dir, '/')) != NULL)
            *slash = '\0';
    }
}
