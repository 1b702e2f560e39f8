/* Unit tests for reading the id maps of a joined user namespace (uid_map/gid_map text). */
#include <stdlib.h>
#include "tap.h"
#include "userns.h"

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
    return tap_done();
}
