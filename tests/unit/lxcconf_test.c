/* Unit tests for the OCI -> LXC translation: key spellings per dialect, resources per cgroup
 * layout, mounts, and that the installed liblxc accepts every item the modern dialect emits. */
#include "tap.h"
#include "layout.h"
#include "dialect.h"
#include "lxcconf.h"
#include "util.h"
#include <lxc/lxccontainer.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

static const char *spec_json =
    "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/tmp\"},\"hostname\":\"box\","
    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\"},"
    "{\"destination\":\"/my dir\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"rbind\",\"ro\"]},"
    "{\"destination\":\"/r\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"rbind\",\"rro\"]},"
    "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":[\"ro\"]}],"
    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"uts\"},{\"type\":\"network\"}],"
    "\"cgroupsPath\":\"/k8s/pod1\",\"sysctl\":{\"net.core.somaxconn\":\"100\"},"
    "\"resources\":{\"memory\":{\"limit\":268435456},\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000},"
    "\"pids\":{\"limit\":0},\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}}}";

static int build_on(struct rlx_lxcconf *c, const char *json, const char *version, enum layout_kind kind,
                    bool cgroup_shared, rlx_error_t *err)
{
    struct rlx_spec *s = rlx_spec_parse(json, "/b", err);
    struct rlx_cgroup_layout l;
    struct rlx_dialect d = rlx_dialect_for_version(version);
    struct rlx_lxc_ctx ctx = {.id = "c1", .state_dir = "/run/runlxc/c1", .root = "/run/runlxc", .self_exe = "/usr/bin/runlxc",
                              .dialect = &d, .layout = &l, .cgroup_shared = cgroup_shared};
    int r;
    if (s == NULL)
        return -1;
    make_layout(&l, kind);
    r = rlx_lxcconf_build(c, s, &ctx, err);
    rlx_cgroup_layout_free(&l);
    rlx_spec_free(s);
    return r;
}

static int build(struct rlx_lxcconf *c, const char *json, const char *version, bool v2_only, rlx_error_t *err)
{
    return build_on(c, json, version, v2_only ? L_V2 : L_HYBRID, false, err);
}

/* A cgroupsPath that already holds processes (runc 1.1 shares it): liblxc starts the
 * container in a staging cgroup runlxc moves it out of, gets none of the resources, and
 * makes no cgroup namespace (runlxc-init makes it, rooted at the shared cgroup). */
static void shared_cgroup(void)
{
    static const char *const versions[] = {"5.0.2", "2.1.1", "1.0.11"};
    const char *ns = "{\"type\":\"network\"}";
    cleanup_free char *j = xasprintf("%.*s%s,{\"type\":\"cgroup\"}%s", (int)(strstr(spec_json, ns) - spec_json),
                                     spec_json, ns, strstr(spec_json, ns) + strlen(ns));
    for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
        struct rlx_lxcconf c = {0};
        rlx_error_t err = NULL;
        int r = build_on(&c, j, versions[v], L_HYBRID, true, &err);
        const char *dir = rlx_lxcconf_get(&c, "lxc.cgroup.dir.container");
        const char *clone = rlx_lxcconf_get(&c, "lxc.namespace.clone");
        if (dir == NULL)
            dir = rlx_lxcconf_get(&c, "lxc.cgroup.dir");
        TAP_OK(r == 0 && c.cgroup_shared && c.cgroup_placed_by_runlxc && c.init_unshares_cgroupns &&
                   strcmp(c.cgroup_dir, "k8s/pod1") == 0 && rlx_lxcconf_get(&c, "lxc.cgroup.memory.limit_in_bytes") == NULL &&
                   rlx_lxcconf_get(&c, "lxc.hook.mount") != NULL && (clone == NULL || strstr(clone, "cgroup") == NULL) &&
                   (v == 2 ? dir == NULL : dir != NULL && strncmp(dir, "runlxc.staging/c1-", 18) == 0),
               "liblxc %s, shared cgroup: liblxc starts it in %s, runlxc places it and makes the cgroup namespace (%s)",
               versions[v], dir ? dir : "its pattern", err ? rlx_error_text(&err) : "");
        rlx_error_release(&err);
        rlx_lxcconf_free(&c);
    }
}

/* Golden files: the legacy dialect's whole output for a set of bundles, as liblxc 1.0 and
 * 2.0 on a cgroup v1 host (RHEL 6/7) would get it. UPDATE_GOLDEN=1 rewrites them. */
#ifndef GOLDEN_DIR
#define GOLDEN_DIR "tests/unit/golden"
#endif
static void golden(void)
{
    static const char *const bundles[] = {"default", "full", "hostnet", "sysctl", "hooks"};
    static const char *const versions[] = {"1.0.11", "2.0.11"};
    for (size_t b = 0; b < sizeof(bundles) / sizeof(bundles[0]); b++)
        for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
            cleanup_free char *in = xasprintf("%s/%s.json", GOLDEN_DIR, bundles[b]);
            cleanup_free char *gold = xasprintf("%s/%s.lxc-%s.conf", GOLDEN_DIR, bundles[b], versions[v]);
            cleanup_free char *json = NULL, *want = NULL, *got = NULL;
            struct rlx_lxcconf c;
            rlx_error_t err = NULL;
            size_t len = 0;
            FILE *m = open_memstream(&got, &len);
            json = read_file(in, NULL, &err);
            if (json == NULL) {
                TAP_OK(false, "golden %s: %s", in, rlx_error_text(&err));
                rlx_error_release(&err);
                fclose(m);
                continue;
            }
            if (build_on(&c, json, versions[v], L_V1, false, &err) < 0) {
                fprintf(m, "error: %s\n", rlx_error_text(&err));
                rlx_error_release(&err);
            } else {
                for (size_t i = 0; i < c.n; i++)
                    fprintf(m, "%s = %s\n", c.keys[i], c.values[i]);
                /* What runlxc does itself on such a liblxc, as comments. */
                if (c.cgroup_placed_by_runlxc)
                    fprintf(m, "# runlxc places the cgroups at %s and writes the resources\n", c.cgroup_dir);
                if (c.sysctl_by_init)
                    fprintf(m, "# runlxc-init writes linux.sysctl\n");
                /* (not the cgroup namespace: whether 2.0 makes one depends on this kernel) */
                if (c.init_rejoins_ns & (CLONE_NEWUTS | CLONE_NEWIPC))
                    fprintf(m, "# runlxc-init leaves liblxc's namespaces:%s%s\n", c.init_rejoins_ns & CLONE_NEWUTS ? " uts" : "",
                            c.init_rejoins_ns & CLONE_NEWIPC ? " ipc" : "");
                rlx_lxcconf_free(&c);
            }
            fclose(m);
            if (getenv("UPDATE_GOLDEN")) {
                FILE *f = fopen(gold, "w");
                if (f) {
                    fputs(got, f);
                    fclose(f);
                }
            }
            want = read_file(gold, NULL, &err);
            rlx_error_release(&err);
            TAP_OK(want && strcmp(want, got) == 0, "golden: %s under liblxc %s matches %s%s%s", bundles[b], versions[v],
                   gold, want ? "" : " (missing)", want && strcmp(want, got) ? "; got:\n" : "");
            if (want && strcmp(want, got))
                fputs(got, stdout);
        }
}

static bool has_item(const struct rlx_lxcconf *c, const char *key, const char *value)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->keys[i], key) == 0 && strcmp(c->values[i], value) == 0)
            return true;
    return false;
}

static bool has_key(const struct rlx_lxcconf *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->keys[i], key) == 0)
            return true;
    return false;
}

/* spec_json with its linux.resources replaced */
static char *with_resources(const char *resources)
{
    const char *at = strstr(spec_json, "\"resources\":");
    return xasprintf("%.*s\"resources\":%s}}", (int)(at - spec_json), spec_json, resources);
}

/* runc's device rules start from "deny all" with or without linux.resources.devices and never
 * allow what linux.devices lists (the node is made, the cgroup decides). */
static void device_rules(void)
{
    static const char *const res[] = {"{}", "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}",
                                      "{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}"};
    for (size_t r = 0; r < sizeof(res) / sizeof(res[0]); r++)
        for (int v2 = 0; v2 < 2; v2++) {
            cleanup_free char *body = xasprintf("%s,\"devices\":[{\"path\":\"/dev/kmsg\",\"type\":\"c\","
                                                "\"major\":1,\"minor\":11}]", res[r]);
            cleanup_free char *j = with_resources(body);
            const char *deny = v2 ? "lxc.cgroup2.devices.deny" : "lxc.cgroup.devices.deny";
            const char *allow = v2 ? "lxc.cgroup2.devices.allow" : "lxc.cgroup.devices.allow";
            struct rlx_lxcconf c;
            rlx_error_t err = NULL;
            const char *first = NULL, *first_value = NULL;
            TAP_OK(build(&c, j, "5.0.2", v2, &err) == 0, "devices %s %s: built (%s)", res[r], v2 ? "v2" : "v1",
                   rlx_error_text(&err));
            for (size_t i = 0; i < c.n && first == NULL; i++)
                if (strstr(c.keys[i], ".devices.")) {
                    first = c.keys[i];
                    first_value = c.values[i];
                }
            /* the spec's own "allow all" (privileged) comes first and is not preceded by a deny */
            bool want_allow = r == 2;
            TAP_OK(first && strcmp(first, want_allow ? allow : deny) == 0 && strcmp(first_value, "a") == 0,
                   "devices %s %s: the first rule is \"%s a\" (got %s = %s)", res[r], v2 ? "v2" : "v1",
                   want_allow ? "allow" : "deny", first ? first : "none", first_value ? first_value : "");
            TAP_OK(!has_item(&c, allow, "c 1:11 rwm"), "devices %s %s: the node linux.devices lists is not allowed",
                   res[r], v2 ? "v2" : "v1");
            TAP_OK(has_item(&c, allow, "c 1:3 rwm") && !has_item(&c, allow, "c 5:1 rwm"),
                   "devices %s %s: runc 1.1's default devices are allowed, /dev/console's 5:1 is not one of them",
                   res[r], v2 ? "v2" : "v1");
            rlx_lxcconf_free(&c);
            rlx_error_release(&err);
        }
}

/* Docker writes blockIO.weight 0 into every config.json and sends every field it does not set as
 * 0; runc 1.1 leaves a cgroup file as it is for such a zero (fs, fs2 and systemd managers). */
static void zero_values(void)
{
    static const char *const zeros = "{\"memory\":{\"limit\":0,\"reservation\":0,\"swap\":0,\"kernel\":0},"
        "\"cpu\":{\"shares\":0,\"quota\":0,\"period\":0,\"realtimeRuntime\":0,\"realtimePeriod\":0,\"cpus\":\"\","
        "\"mems\":\"\"},\"pids\":{\"limit\":0},\"blockIO\":{\"weight\":0,\"leafWeight\":0,"
        "\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":0,\"leafWeight\":0}]},\"network\":{\"classID\":0}}";
    cleanup_free char *j = with_resources(zeros);
    struct rlx_lxcconf c;
    rlx_error_t err = NULL;
    for (int v2 = 0; v2 < 2; v2++) {
        bool any = false;
        TAP_OK(build(&c, j, "5.0.2", v2, &err) == 0, "cgroup %s: a resources object of zeros is taken (%s)", v2 ? "v2" : "v1",
               rlx_error_text(&err));
        for (size_t i = 0; i < c.n; i++)
            if (strncmp(c.keys[i], "lxc.cgroup", 10) == 0 && strstr(c.keys[i], "devices") == NULL &&
                strstr(c.keys[i], ".dir") == NULL && strstr(c.keys[i], "relative") == NULL) {
                printf("# unexpected %s = %s\n", c.keys[i], c.values[i]);
                any = true;
            }
        TAP_OK(!any, "cgroup %s: zeros leave every cgroup file as it is", v2 ? "v2" : "v1");
        rlx_lxcconf_free(&c);
        rlx_error_release(&err);
    }
    {
        cleanup_free char *q = with_resources("{\"cpu\":{\"quota\":20000}}");
        TAP_OK(build(&c, q, "5.0.2", true, &err) == 0 && has_item(&c, "lxc.cgroup2.cpu.max", "20000"),
               "cgroup v2: a quota without a period keeps the current period, as runc writes cpu.max");
        rlx_lxcconf_free(&c);
        rlx_error_release(&err);
    }
    {
        cleanup_free char *m = with_resources("{\"memory\":{\"limit\":-1}}");
        TAP_OK(build(&c, m, "5.0.2", true, &err) == 0 && has_item(&c, "lxc.cgroup2.memory.max", "max") &&
                   has_item(&c, "lxc.cgroup2.memory.swap.max", "max"),
               "cgroup v2: an unlimited memory without a swap takes swap.max with it, as runc");
        rlx_lxcconf_free(&c);
        rlx_error_release(&err);
    }
    {
        cleanup_free char *m = with_resources("{\"memory\":{\"swap\":67108864}}");
        TAP_OK(build(&c, m, "5.0.2", true, &err) < 0 &&
                   strstr(rlx_error_text(&err), "unable to set swap limit without memory limit") != NULL,
               "cgroup v2: a swap without a memory limit is refused as runc refuses it (%s)", rlx_error_text(&err));
        rlx_lxcconf_free(&c);
        rlx_error_release(&err);
    }
}

int main(void)
{
    struct rlx_lxcconf c;
    rlx_error_t err = NULL;
    struct rlx_dialect d;

    d = rlx_dialect_for_version("1.0.11");
    TAP_OK(d.kind == RLX_DIALECT_LEGACY, "liblxc 1.0.11 speaks the legacy dialect");
    TAP_STREQ(rlx_dialect_key(&d, K_UTS_NAME), "lxc.utsname", "legacy hostname key");
    TAP_STREQ(rlx_dialect_key(&d, K_ROOTFS_PATH), "lxc.rootfs", "legacy rootfs key");
    TAP_OK(rlx_dialect_key(&d, K_NAMESPACE_CLONE) == NULL && rlx_dialect_key(&d, K_CGROUP_V2) == NULL,
           "legacy has no namespace.clone and no cgroup2 keys");
    d = rlx_dialect_for_version("2.1.1");
    TAP_OK(d.kind == RLX_DIALECT_MODERN && rlx_dialect_key(&d, K_SYSCTL) == NULL, "2.1 is modern but has no lxc.sysctl");
    {
        const char *shims[8];
        size_t n = rlx_dialect_shims(&d, shims, 8);
        TAP_OK(n == 4 && strstr(shims[0], "lxc.namespace.clone") && strstr(shims[2], "lxc.sysctl") &&
                   strstr(shims[3], "cgroup namespace"),
               "check on 2.1: runlxc-init's namespaces and sysctls, no cgroup placement (%zu)", n);
        d = rlx_dialect_for_version("1.0.11");
        n = rlx_dialect_shims(&d, shims, 8);
        TAP_OK(n == 5 && strstr(shims[0], "lxc.cgroup.dir") && strstr(shims[4], "lxc.kmsg"),
               "check on 1.0: cgroup placement and lxc.kmsg too (%zu)", n);
        d = rlx_dialect_for_version("2.0.11");
        n = rlx_dialect_shims(&d, shims, 8);
        TAP_OK(n == 6 && strstr(shims[4], "cgroup namespace") && strstr(shims[5], "hybrid"),
               "check on 2.0: its cgroup namespace and its hybrid-host bug (%zu)", n);
        d = rlx_dialect_for_version("5.0.2");
        TAP_OK(rlx_dialect_shims(&d, shims, 8) == 0, "check on 5.0: nothing to shim");
    }
    TAP_STREQ(rlx_dialect_key(&d, K_CGROUP_DIR_CONTAINER), "lxc.cgroup.dir.container", "5.0 has split cgroup dirs");

    TAP_OK(build(&c, spec_json, "5.0.2", false, &err) == 0, "modern translation succeeds (%s)", rlx_error_text(&err));
    TAP_OK(has_item(&c, "lxc.uts.name", "box"), "hostname");
    TAP_OK(has_item(&c, "lxc.namespace.clone", "mnt pid uts net"), "namespaces to clone");
    TAP_OK(has_item(&c, "lxc.net.0.type", "empty"), "new empty network namespace");
    TAP_OK(has_item(&c, "lxc.cgroup.dir.container", "k8s/pod1"), "cgroupsPath");
    TAP_OK(has_item(&c, "lxc.cgroup.memory.limit_in_bytes", "268435456"), "memory limit on cgroup v1");
    TAP_OK(has_item(&c, "lxc.cgroup.cpu.cfs_quota_us", "50000") && has_item(&c, "lxc.cgroup.cpu.shares", "1024"), "cpu on v1");
    TAP_OK(!has_key(&c, "lxc.cgroup.pids.max"), "pids limit 0 leaves pids.max as it is (runc 1.1's zero rule)");
    TAP_OK(has_item(&c, "lxc.cgroup.devices.deny", "a") && has_item(&c, "lxc.cgroup.devices.allow", "c 1:3 rwm"),
           "device rules: deny all, then the default allowed devices");
    TAP_OK(has_item(&c, "lxc.sysctl.net.core.somaxconn", "100"), "sysctl");
    TAP_OK(has_item(&c, "lxc.mount.entry", "/tmp my\\040dir none rbind,ro,create=dir 0 0"), "bind mount with an escaped space");
    TAP_OK(has_item(&c, "lxc.mount.entry", "proc proc proc create=dir 0 0"), "proc mount");
    TAP_OK(has_item(&c, "lxc.mount.entry", "/tmp r none rbind,create=dir 0 0"),
           "rro is left to runlxc-init (mount_setattr), not passed to liblxc");
    TAP_OK(has_item(&c, "lxc.mount.entry", "/sys/fs/cgroup/memory/k8s/pod1 sys/fs/cgroup/memory none bind,nosuid,nodev,noexec,ro,create=dir 0 0"),
           "the container's own cgroup at /sys/fs/cgroup/<hierarchy>");
    TAP_OK(has_item(&c, "lxc.pty.max", "0") && has_item(&c, "lxc.autodev", "0") &&
           has_item(&c, "lxc.mount.entry", "tmpfs dev tmpfs create=dir 0 0"),
           "/dev and /dev/pts are the config's own mounts, not liblxc's autodev and devpts");
    TAP_OK(has_item(&c, "lxc.rootfs.managed", "0") && has_item(&c, "lxc.monitor.signal.pdeath", "0"),
           "liblxc never deletes the rootfs nor kills the container with its monitor");

    {
        /* Every item must be accepted by the liblxc installed here. liblxc opens the log file
         * as soon as it is set: that one goes to a directory of the test's own. */
        struct lxc_container *lc = lxc_container_new("runlxc-unit-test", "/nonexistent-runlxc-test");
        char logdir[] = "/tmp/runlxc-lxcconf-test.XXXXXX";
        cleanup_free char *log = mkdtemp(logdir) ? xasprintf("%s/lxc.log", logdir) : NULL;
        size_t bad = 0;
        for (size_t i = 0; lc && i < c.n; i++)
            if (!lc->set_config_item(lc, c.keys[i], strcmp(c.keys[i], "lxc.log.file") == 0 && log ? log : c.values[i])) {
                printf("#   liblxc %s rejects %s = %s\n", lxc_get_version(), c.keys[i], c.values[i]);
                bad++;
            }
        TAP_OK(lc != NULL && bad == 0, "the installed liblxc %s accepts all %zu items", lxc_get_version(), c.n);
        if (lc)
            lxc_container_put(lc);
        rm_rf(logdir);
    }
    rlx_lxcconf_free(&c);

    TAP_OK(build(&c, spec_json, "5.0.2", true, &err) == 0, "cgroup v2 translation succeeds");
    TAP_OK(has_item(&c, "lxc.cgroup2.memory.max", "268435456"), "memory.max on v2");
    TAP_OK(has_item(&c, "lxc.cgroup2.cpu.max", "50000 100000") && has_item(&c, "lxc.cgroup2.cpu.weight", "39"),
           "cpu.max and shares converted to cpu.weight");
    TAP_OK(has_item(&c, "lxc.cgroup2.devices.deny", "a"), "device rules through cgroup2 (bpf)");
    rlx_lxcconf_free(&c);

    /* Legacy liblxc always makes new pid, uts and ipc namespaces: runlxc-init leaves a shared
     * ipc for the monitor's; runlxc places the cgroups and writes the resources itself. */
    TAP_OK(build(&c, spec_json, "1.0.11", false, &err) == 0 && (c.init_rejoins_ns & CLONE_NEWIPC) &&
               !(c.init_rejoins_ns & CLONE_NEWUTS) && c.cgroup_placed_by_runlxc &&
               rlx_lxcconf_get(&c, "lxc.cgroup.memory.limit_in_bytes") == NULL,
           "legacy liblxc: a shared ipc namespace is left by runlxc-init, cgroups placed by runlxc (%s)",
           err ? rlx_error_text(&err) : "");
    rlx_error_release(&err);
    rlx_lxcconf_free(&c);
    {
        const char *ns = "{\"type\":\"pid\"},";
        char *j = xasprintf("%.*s%s", (int)(strstr(spec_json, ns) - spec_json), spec_json, strstr(spec_json, ns) + strlen(ns));
        TAP_OK(build(&c, j, "2.0.11", false, &err) < 0 && strstr(rlx_error_text(&err), "liblxc 3.0 or later") != NULL,
               "legacy liblxc cannot share the host's pid namespace: the error names liblxc 3.0 (%s)",
               err ? rlx_error_text(&err) : "");
        rlx_error_release(&err);
        free(j);
    }
    {
        /* a user namespace joined by path: liblxc joins it, with the maps create read from it */
        const char *ns = "{\"type\":\"pid\"},";
        char *j = xasprintf("%.*s%s{\"type\":\"user\",\"path\":\"/proc/7/ns/user\"},%s", (int)(strstr(spec_json, ns) - spec_json),
                            spec_json, ns, strstr(spec_json, ns) + strlen(ns));
        char *k = xasprintf("%.*s\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
                            "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],%s",
                            (int)(strstr(j, "\"cgroupsPath\"") - j), j, strstr(j, "\"cgroupsPath\""));
        int r = build(&c, k, "5.0.2", false, &err);
        if (r < 0 && strstr(rlx_error_text(&err), "does not allow user namespaces"))
            TAP_SKIP("this kernel has no user namespaces");
        else
            TAP_OK(r == 0 && has_item(&c, "lxc.namespace.share.user", "/proc/7/ns/user") &&
                       has_item(&c, "lxc.idmap", "u 0 100000 65536") && has_item(&c, "lxc.idmap", "g 0 100000 65536") &&
                       rlx_lxcconf_get(&c, "lxc.namespace.clone") &&
                       strstr(rlx_lxcconf_get(&c, "lxc.namespace.clone"), "user") == NULL,
                   "a joined user namespace is shared, not cloned, with its maps (%s)", rlx_error_text(&err));
        rlx_error_release(&err);
        rlx_lxcconf_free(&c);
        TAP_OK(build(&c, k, "2.0.11", false, &err) < 0 &&
                   strstr(rlx_error_text(&err), "joining a user namespace by path needs liblxc 3.0") != NULL,
               "liblxc 2.0 cannot join one: error names the need (%s)", rlx_error_text(&err));
        rlx_error_release(&err);
        free(j);
        free(k);
    }
    {
        char *j = xasprintf("%.*s\"swappiness\":10,%s", (int)(strstr(spec_json, "\"limit\":268435456") - spec_json), spec_json,
                            strstr(spec_json, "\"limit\":268435456"));
        TAP_OK(build(&c, j, "5.0.2", true, &err) < 0 &&
                   strstr(rlx_error_text(&err), "linux.resources.memory.swappiness: not supported on cgroup v2") != NULL,
               "a field cgroup v2 cannot honour is an error naming it (%s)", rlx_error_text(&err));
        rlx_error_release(&err);
        free(j);
    }
    {
        /* resources only cgroup v1 or only BFQ can honour, on a v2-only host */
        const char *at = "\"limit\":268435456";
        char *w = xasprintf("%.*s\"limit\":268435456},\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":500}]}%s",
                            (int)(strstr(spec_json, at) - spec_json), spec_json, strstr(spec_json, at) + strlen(at) + 1);
        char *lw = xasprintf("%.*s\"limit\":268435456},\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":0,\"leafWeight\":500}]}%s",
                             (int)(strstr(spec_json, at) - spec_json), spec_json, strstr(spec_json, at) + strlen(at) + 1);
        char *net = xasprintf("%.*s\"limit\":268435456},\"network\":{\"classID\":1048577}%s",
                              (int)(strstr(spec_json, at) - spec_json), spec_json, strstr(spec_json, at) + strlen(at) + 1);
        /* io.bfq.weight takes the blkio weight as it is, io.weight runc's conversion of it */
        TAP_OK(build(&c, w, "5.0.2", true, &err) == 0 &&
                   (has_item(&c, "lxc.cgroup2.io.bfq.weight", "8:0 500") || has_item(&c, "lxc.cgroup2.io.weight", "8:0 4950")),
               "blockIO.weightDevice on v2 as MAJ:MIN W (%s)", rlx_error_text(&err));
        rlx_error_release(&err);
        rlx_lxcconf_free(&c);
        TAP_OK(build(&c, lw, "5.0.2", true, &err) < 0 &&
                   strstr(rlx_error_text(&err), "linux.resources.blockIO.weightDevice: not supported on cgroup v2") != NULL,
               "a per-device leafWeight on v2 is an error naming the field (%s)", rlx_error_text(&err));
        rlx_error_release(&err);
        rlx_lxcconf_free(&c);
        TAP_OK(build(&c, net, "5.0.2", true, &err) < 0 &&
                   strstr(rlx_error_text(&err), "linux.resources.network.classID: the net_cls cgroup controller is not available") != NULL,
               "network.classID without net_cls is an error naming the field (%s)", rlx_error_text(&err));
        rlx_error_release(&err);
        rlx_lxcconf_free(&c);
        free(w);
        free(lw);
        free(net);
    }
    zero_values();
    device_rules();
    shared_cgroup();
    golden();
    return tap_done();
}
