/* Unit tests for the systemd driver's pure rules: runc's cgroupsPath and slice expansion, and
 * the DeviceAllow= list that matches a sequence of cgroup v1 device rules. */
#include "tap.h"
#include "systemd_cgroup.h"
#include "util.h"
#include <stdlib.h>

static void path_ok(const char *path, const char *slice, const char *unit, const char *dir)
{
    struct rlx_sd_unit u;
    rlx_error_t e = NULL;
    int r = rlx_sd_parse_path(path, "c1", &u, &e);
    TAP_OK(r == 0, "'%s' parses%s%s", path ? path : "(none)", e ? ": " : "", e ? rlx_error_text(&e) : "");
    if (r == 0) {
        TAP_STREQ(u.slice, slice, "'%s': slice", path ? path : "(none)");
        TAP_STREQ(u.unit, unit, "'%s': unit", path ? path : "(none)");
        TAP_STREQ(u.cgroup_dir, dir, "'%s': cgroup", path ? path : "(none)");
        rlx_sd_unit_free(&u);
    }
    rlx_error_release(&e);
}

static void path_bad(const char *path, const char *want)
{
    struct rlx_sd_unit u;
    rlx_error_t e = NULL;
    int r = rlx_sd_parse_path(path, "c1", &u, &e);
    TAP_OK(r < 0 && e && strstr(rlx_error_text(&e), want), "'%s' refused with \"%s\" (%s)", path, want,
           e ? rlx_error_text(&e) : "accepted");
    rlx_error_release(&e);
}

int main(void)
{
    path_ok(NULL, "system.slice", "runlxc-c1.scope", "system.slice/runlxc-c1.scope");
    path_ok("", "system.slice", "runlxc-c1.scope", "system.slice/runlxc-c1.scope");
    path_ok("system.slice:docker:abc", "system.slice", "docker-abc.scope", "system.slice/docker-abc.scope");
    path_ok(":crio:abc", "system.slice", "crio-abc.scope", "system.slice/crio-abc.scope");
    path_ok("a-b-c.slice:p:n", "a-b-c.slice", "p-n.scope", "a.slice/a-b.slice/a-b-c.slice/p-n.scope");
    path_ok("-.slice:p:n", "-.slice", "p-n.scope", "p-n.scope");
    path_ok("kubepods-burstable-pod1.slice:cri-containerd:x", "kubepods-burstable-pod1.slice",
            "cri-containerd-x.scope", "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-x.scope");
    path_bad("/k8s/c1", "expected cgroupsPath to be of format \"slice:prefix:name\"");
    path_bad("a:b", "expected cgroupsPath to be of format");
    path_bad("a:b:c:d", "expected cgroupsPath to be of format");
    path_bad("a--b.slice:p:n", "invalid slice name: a--b.slice");
    path_bad("-a.slice:p:n", "invalid slice name");
    path_bad("a-.slice:p:n", "invalid slice name");
    path_bad(".slice:p:n", "invalid slice name");
    path_bad("x.slice/y.slice:p:n", "invalid slice name");
    path_bad("nosuffix:p:n", "invalid slice name");
    path_bad("system.slice:p:n.slice", "a slice as the container's unit");

    {
        /* runlxc's default rules after a deny-all: every one becomes an allow entry */
        char *rules[] = {"a", "c *:* m", "b *:* m", "c 1:3 rwm", "c 136:* rwm", "c 5:2 rwm", "c 1:3 rwm"};
        bool allow[] = {false, true, true, true, true, true, false};
        size_t n = 0;
        bool all = true;
        struct rlx_sd_device *d = rlx_sd_devices_from_rules(rules, allow, 7, &n, &all);
        TAP_OK(!all, "a deny of everything makes the policy strict");
        TAP_OK(n == 4, "an exact deny removes the earlier allow (%zu entries)", n);
        if (n == 4) {
            TAP_STREQ(d[0].path, "char-*", "c *:* -> char-*");
            TAP_STREQ(d[0].access, "m", "its access");
            TAP_STREQ(d[1].path, "block-*", "b *:* -> block-*");
            TAP_STREQ(d[2].path, "char-pts", "c 136:* -> char-pts (/proc/devices)");
            TAP_STREQ(d[3].path, "/dev/char/5:2", "c 5:2 -> /dev/char/5:2");
        }
        rlx_sd_devices_free(d, n);
    }
    {
        char *rules[] = {"c 1:3 rwm"};
        bool allow[] = {true};
        size_t n = 0;
        bool all = false;
        struct rlx_sd_device *d = rlx_sd_devices_from_rules(rules, allow, 1, &n, &all);
        TAP_OK(all && n == 0, "allows on top of the default allow-all leave DevicePolicy=auto");
        rlx_sd_devices_free(d, n);
    }
    return tap_done();
}
