/* Unit tests for which recorded cgroup paths runlxc may kill and remove (delete --force of a
 * damaged state dir trusts nothing else). */
#include "tap.h"
#include "layout.h"
#include "cgroup.h"
#include "util.h"

int main(void)
{
    struct rlx_cgroup_layout l;

    make_layout(&l, L_HYBRID);
    TAP_OK(rlx_cgroup_path_is_ours(&l, "/sys/fs/cgroup/memory/c1"), "a dir below a v1 mount");
    TAP_OK(rlx_cgroup_path_is_ours(&l, "/sys/fs/cgroup/unified/k8s/pod1"), "a nested dir below cgroup2");
    TAP_OK(!rlx_cgroup_path_is_ours(&l, "/sys/fs/cgroup/memory"), "the mountpoint itself");
    TAP_OK(!rlx_cgroup_path_is_ours(&l, "/sys/fs/cgroup/memory/"), "the mountpoint with a slash");
    TAP_OK(!rlx_cgroup_path_is_ours(&l, "/sys/fs/cgroup/memory//x"), "an empty component after the mountpoint");
    TAP_OK(!rlx_cgroup_path_is_ours(&l, "/sys/fs/cgroup/memoryx/c1"), "a sibling of a mountpoint");
    TAP_OK(!rlx_cgroup_path_is_ours(&l, "/sys/fs/cgroup/memory/../../../tmp"), "a .. component");
    TAP_OK(!rlx_cgroup_path_is_ours(&l, "/sys/fs/cgroup/memory/c1/.."), "a trailing ..");
    TAP_OK(!rlx_cgroup_path_is_ours(&l, "/sys/fs/cgroup/memory/./c1"), "a . component");
    TAP_OK(rlx_cgroup_path_is_ours(&l, "/sys/fs/cgroup/memory/.hidden..x"), "dots inside a name");
    TAP_OK(!rlx_cgroup_path_is_ours(&l, "/tmp/outside"), "a path outside every mount");
    TAP_OK(!rlx_cgroup_path_is_ours(&l, "relative/c1"), "a relative path");
    TAP_OK(!rlx_cgroup_path_is_ours(&l, NULL), "no path");
    rlx_cgroup_layout_free(&l);

    make_layout(&l, L_V2);
    TAP_OK(rlx_cgroup_path_is_ours(&l, "/sys/fs/cgroup/c1"), "a dir below the v2-only mount");
    TAP_OK(!rlx_cgroup_path_is_ours(&l, "/sys/fs/cgroup"), "the v2 mountpoint itself");
    rlx_cgroup_layout_free(&l);

    /* The cgroups record is rewritten only when the real cgroups differ from the predicted. */
    {
        char *pred[] = {"/sys/fs/cgroup/pids/c1", "/sys/fs/cgroup/memory/c1", NULL};
        char *real[] = {"/sys/fs/cgroup/memory/c1", "/sys/fs/cgroup/pids/c1", NULL};
        char *other[] = {"/sys/fs/cgroup/memory/c1", "/sys/fs/cgroup/pids/c1-1", NULL};
        char *shorter[] = {"/sys/fs/cgroup/memory/c1", NULL};
        char *none[] = {NULL};
        TAP_OK(strv_same_set(pred, real), "the same cgroups in another order");
        TAP_OK(!strv_same_set(pred, other), "one cgroup renamed (liblxc's -1 suffix)");
        TAP_OK(!strv_same_set(pred, shorter) && !strv_same_set(shorter, pred), "one cgroup fewer");
        TAP_OK(strv_same_set(NULL, none) && strv_same_set(NULL, NULL), "no cgroups either way");
        TAP_OK(!strv_same_set(pred, NULL), "cgroups against none");
    }
    return tap_done();
}
