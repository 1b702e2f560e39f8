/* Unit tests for reading the id maps of a joined user namespace (uid_map/gid_map text). */
#include <stdlib.h>
#include "tap.h"
#include "userns.h"
#include "util.h"
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    struct rlx_idmap *m = NULL;
    size_t n = 0;

    TAP_OK(rlx_idmaps_parse("         0     100000      65536\n", &m, &n) == 0 && n == 1 && m[0].container_id == 0 &&
               m[0].host_id == 100000 && m[0].size == 65536,
           "one line as the kernel pads it");
    free(m);
    TAP_OK(rlx_idmaps_parse("0 1000 1\n1 100000 65535\n", &m, &n) == 0 && n == 2 && m[1].container_id == 1 &&
               m[1].host_id == 100000 && m[1].size == 65535,
           "two lines");
    {
        struct rlx_idmap same[] = {{0, 1000, 1}, {1, 100000, 65535}}, other[] = {{0, 1000, 1}, {1, 100001, 65535}};
        TAP_OK(rlx_idmaps_equal(m, n, same, 2), "maps equal to the same lines");
        TAP_OK(!rlx_idmaps_equal(m, n, other, 2), "one host id differs");
        TAP_OK(!rlx_idmaps_equal(m, n, same, 1), "one line fewer");
    }
    free(m);
    TAP_OK(rlx_idmaps_parse("0 0 4294967295\n", &m, &n) == 0 && n == 1 && m[0].size == 4294967295u,
           "the initial namespace's full range");
    free(m);
    TAP_OK(rlx_idmaps_parse("", &m, &n) < 0 && m == NULL && n == 0, "no maps written yet");
    TAP_OK(rlx_idmaps_parse("0 100000\n", &m, &n) < 0 && m == NULL, "a line with two fields");
    TAP_OK(rlx_idmaps_parse("0 100000 0\n", &m, &n) < 0 && m == NULL, "a zero-sized range");
    TAP_OK(rlx_idmaps_parse("0 1 1\nx\n", &m, &n) < 0 && m == NULL && n == 0, "garbage after a good line");
    TAP_OK(rlx_idmaps_parse("0 4294967296 1\n", &m, &n) < 0, "a host id beyond 32 bits");
    {
        /* search permission on each directory above the path, for the ids given */
        char top[] = "/tmp/runlxc-reach.XXXXXX";
        TAP_OK(mkdtemp(top) != NULL, "a temporary directory");
        cleanup_free char *priv = xasprintf("%s/priv", top), *in = xasprintf("%s/priv/in", top);
        cleanup_free char *open_dir = xasprintf("%s/open", top), *open_in = xasprintf("%s/open/in", top);
        mkdir(priv, 0700);
        mkdir(in, 0755);
        mkdir(open_dir, 0711);
        mkdir(open_in, 0700);
        chmod(top, 0711);
        TAP_OK(!rlx_userns_can_reach(in, 100000, 100000), "below a 0700 directory of root: not reachable by 100000");
        TAP_OK(rlx_userns_can_reach(open_in, 100000, 100000), "below 0711 directories: reachable (the path's own mode does not count)");
        TAP_OK(rlx_userns_can_reach(in, 0, 0) == true, "root owns the 0700 directory: reachable by 0");
        chown(priv, 100000, 0);
        TAP_OK(rlx_userns_can_reach(in, 100000, 100000), "the 0700 directory owned by 100000: reachable by it");
        rmdir(in);
        rmdir(priv);
        rmdir(open_in);
        rmdir(open_dir);
        rmdir(top);
    }
    {
        struct rlx_spec s = {0};
        struct rlx_idmap u[] = {{1, 200000, 10}, {0, 100000, 1}}, g[] = {{0, 300000, 65536}};
        uid_t uid;
        gid_t gid;
        s.uid_mappings = u;
        s.n_uid_mappings = 2;
        TAP_OK(!rlx_userns_host_root(&s, &uid, &gid), "no gid mapping: no host root");
        s.gid_mappings = g;
        s.n_gid_mappings = 1;
        TAP_OK(rlx_userns_host_root(&s, &uid, &gid) && uid == 100000 && gid == 300000,
               "the host ids of container id 0 (%u:%u)", (unsigned)uid, (unsigned)gid);
    }
    return tap_done();
}
