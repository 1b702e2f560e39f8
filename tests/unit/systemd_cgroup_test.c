/* Unit tests for the systemd driver's pure rules: runc's cgroupsPath and slice expansion, and
 * the DeviceAllow= list that matches a sequence of cgroup v1 device rules. */
#include "tap.h"
#include "systemd_cgroup.h"
#include "util.h"
#include <json-c/json.h>
#include <stdlib.h>

static void path_ok(const char *path, const char *slice, const char *unit, const char *dir)
{
    struct rlx_sd_unit u = {0};
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
    struct rlx_sd_unit u = {0};
    rlx_error_t e = NULL;
    int r = rlx_sd_parse_path(path, "c1", &u, &e);
    TAP_OK(r < 0 && e && strstr(rlx_error_text(&e), want), "'%s' refused with \"%s\" (%s)", path, want,
           e ? rlx_error_text(&e) : "accepted");
    rlx_error_release(&e);
}


/* The property an annotation becomes, rendered "Name sig value[,value]". */
static char *prop_text(const char *key, const char *value, rlx_error_t *e)
{
    struct rlx_sd_unit u = {0};
    struct json_object *a = json_object_new_object();
    char *out = NULL, sig[3];
    json_object_object_add(a, "org.example.other", json_object_new_string("ignored"));
    json_object_object_add(a, key, json_object_new_string(value));
    if (rlx_sd_unit_add_annotations(&u, a, e) == 0 && u.n_props == 1) {
        const struct rlx_gv *v = &u.props[0].value;
        const struct rlx_gv *items = v->type == 'a' ? v->items : v;
        size_t n = v->type == 'a' ? v->n : 1;
        out = xasprintf("%s %s ", u.props[0].name, rlx_gv_signature(v, sig));
        for (size_t i = 0; i < n; i++) {
            char *prev = out;
            const struct rlx_gv *x = &items[i];
            if (x->type == 's')
                out = xasprintf("%s%s%s", prev, i ? "," : "", x->v.s);
            else if (x->type == 'd')
                out = xasprintf("%s%s%g", prev, i ? "," : "", x->v.d);
            else if (strchr("yqut", x->type))
                out = xasprintf("%s%s%llu", prev, i ? "," : "", (unsigned long long)x->v.u);
            else if (x->type == 'b')
                out = xasprintf("%s%s%s", prev, i ? "," : "", x->v.b ? "true" : "false");
            else
                out = xasprintf("%s%s%lld", prev, i ? "," : "", (long long)x->v.i);
            free(prev);
        }
    } else if (*e == NULL) {
        out = xasprintf("%zu properties", u.n_props);
    }
    json_object_put(a);
    rlx_sd_unit_free(&u);
    return out;
}

static void prop_ok(const char *name, const char *value, const char *want)
{
    rlx_error_t e = NULL;
    char *key = xasprintf("org.systemd.property.%s", name), *got = prop_text(key, value, &e);
    TAP_STREQ(got, want, "%s=%s%s%s", key, value, e ? ": " : "", e ? rlx_error_text(&e) : "");
    free(got);
    free(key);
    rlx_error_release(&e);
}

static void prop_bad(const char *name, const char *value, const char *want)
{
    rlx_error_t e = NULL;
    char *key = xasprintf("org.systemd.property.%s", name), *got = prop_text(key, value, &e);
    TAP_OK(got == NULL && e && strstr(rlx_error_text(&e), want), "%s=%s refused with \"%s\" (%s)", key, value, want,
           e ? rlx_error_text(&e) : got ? got : "accepted");
    free(got);
    free(key);
    rlx_error_release(&e);
}

int main(void)
{
    /* runc's org.systemd.property.* annotations (docs/systemd-properties.md, specconv) */
    prop_ok("TimeoutStopUSec", "uint64 123456789", "TimeoutStopUSec t 123456789");
    prop_ok("CollectMode", "'inactive-or-failed'", "CollectMode s inactive-or-failed");
    prop_ok("TasksAccounting", "true", "TasksAccounting b true");
    prop_ok("TimeoutStopSec", "252", "TimeoutStopUSec t 252000000");
    prop_ok("RuntimeMaxSec", "1.5", "RuntimeMaxUSec t 1500000");
    prop_ok("TimeoutStopSec", "uint64 7", "TimeoutStopUSec t 7000000");
    prop_ok("Foo", "int64 -5", "Foo x -5");
    prop_ok("Foo", "0x10", "Foo i 16");
    prop_ok("Foo", "byte 255", "Foo y 255");
    prop_ok("Foo", "double 2", "Foo d 2");
    prop_ok("Foo", "\"it's\"", "Foo s it's");
    prop_ok("Foo", "'a\\'b'", "Foo s a'b");
    prop_ok("Wants", "['a.service', \"b.service\"]", "Wants as a.service,b.service");
    prop_ok("Foo", "[uint32 1, 2]", "Foo au 1,2");
    prop_ok("Foo", "@at [1, 2]", "Foo at 1,2");
    prop_ok("Wants", "@as []", "Wants as ");
    prop_bad("AB", "1", "annotation org.systemd.property.AB name incorrect: too short");
    prop_bad("Foo1", "1", "annotation org.systemd.property.Foo1 name incorrect: contains non-alphabetic character");
    prop_bad("Foo", "uint64", "value parse error");
    prop_bad("Foo", "5000000000", "out of range for int32");
    prop_bad("Foo", "byte 256", "out of range");
    prop_bad("Foo", "uint64 -1", "negative number for an unsigned type");
    prop_bad("Foo", "[1, 'a']", "annotation org.systemd.property.Foo=[1, 'a'] value parse error");
    prop_bad("Foo", "{'a': 1}", "unsupported value");
    prop_bad("Foo", "'open", "unterminated string");
    prop_bad("Foo", "[]", "an empty array needs its type");
    prop_bad("Foo", "1 2", "unexpected text after the value");
    prop_bad("Foo", "int32 true", "not a boolean");
    prop_bad("Foo", "[[1]]", "arrays of arrays");
    prop_bad("TimeoutStopSec", "'x'", "not a number");

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
