/* check: what this host can do for runlxc (like lxc-checkconfig), found by trying each
 * feature, and what runlxc does where one is missing. --format json for tools. */
#include "cli.h"
#include "dialect.h"
#include "probe.h"
#include "syscalls.h"
#include "util.h"
#include <getopt.h>
#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* What happens without the feature. */
static const char *const consequence[F_COUNT] = {
    [F_SETNS_NET] = "exec goes through the container's fork-in-namespace agent; namespaces cannot be joined by path",
    [F_SETNS_IPC] = "exec goes through the container's fork-in-namespace agent",
    [F_SETNS_UTS] = "exec goes through the container's fork-in-namespace agent",
    [F_SETNS_PID] = "exec goes through the container's fork-in-namespace agent",
    [F_SETNS_MNT] = "exec goes through the agent; lxcfs (which needs setns) and its remount are unavailable",
    [F_SETNS_CGROUP] = "cgroup namespaces cannot be created either",
    [F_USERNS] = "user namespaces and id mappings are refused with an error",
    [F_CGROUPNS] = "a cgroup namespace in config.json is refused by liblxc",
    [F_TIMENS] = "a time namespace in config.json is refused by liblxc",
    [F_SUBREAPER] = "a minimal parent (runlxc-reaper, ~100 kB) stays per container and per exec to keep the "
                    "exit status for run, exec and state",
    [F_NO_NEW_PRIVS] = "process.noNewPrivileges is refused with an error",
    [F_SECCOMP_FILTER] = "linux.seccomp is refused with an error",
    [F_MEMFD] = "runlxc-init runs from its installed file through a detached read-only bind (writes give EROFS)",
    [F_EXECVEAT] = "exec starts runlxc-init through the container's /proc",
    [F_PIDFD] = "signals go by pid (liblxc falls back too)",
    [F_CLONE3] = "liblxc falls back to clone()",
    [F_OPEN_TREE] = "lxcfs remount goes through the relay (/run/runlxc-lxcfs, /dev/.lxcfs in containers)",
    [F_SETGROUPS_FILE] = "kernels before 3.19: setgroups cannot be denied in user namespaces",
    [F_DEVPTS_NEWINSTANCE] = "containers share the host's devpts",
    [F_OVERLAY] = "no overlay mounts in config.json",
    [F_AMBIENT] = "a root payload gets its bounding set at exec, others lose every capability: "
                  "process.capabilities other than that are refused",
    [F_SECCOMP_KILL_PROCESS] = "seccomp profiles with SCMP_ACT_KILL_PROCESS or SCMP_ACT_LOG are refused, as runc's "
                               "libseccomp refuses them",
};

int cmd_check(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    const char *format = "text";
    unsigned long bits;
    struct rlx_cgroup_layout l;
    struct rlx_dialect d = rlx_dialect_current();
    const char *shims[8];
    size_t n_shims = rlx_dialect_shims(&d, shims, 8);
    const char *mode = "none";
    int c;
    (void)g;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
        if (c != 'f' || (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0))
            return rlx_error(err, 0, "check: --format text|json");
        format = optarg;
    }
    bits = rlx_probe_features();
    if (rlx_cgroup_layout_load(&l) == 0) {
        mode = l.mode == RLX_CGROUP_V2 ? "v2" : l.mode == RLX_CGROUP_HYBRID ? "hybrid" : "v1";
        rlx_cgroup_layout_free(&l);
    }
    if (strcmp(format, "json") == 0) {
        struct json_object *o = json_object_new_object(), *f = json_object_new_object();
        for (int i = 0; i < F_COUNT; i++)
            json_object_object_add(f, rlx_feature_names[i], json_object_new_boolean((bits >> i) & 1));
        json_object_object_add(o, "features", f);
        json_object_object_add(o, "cgroup", json_object_new_string(mode));
        json_object_object_add(o, "cap_last_cap", json_object_new_int(rlx_cap_last_cap()));
        json_object_object_add(o, "liblxc_dialect", json_object_new_string(rlx_dialect_name(&d)));
        {
            struct json_object *a = json_object_new_array();
            for (size_t i = 0; i < n_shims; i++)
                json_object_array_add(a, json_object_new_string(shims[i]));
            json_object_object_add(o, "liblxc_shims", a);
        }
        printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
        return 0;
    }
    printf("liblxc %d.%d.%d: %s configuration dialect\n", d.major, d.minor, d.micro, rlx_dialect_name(&d));
    for (size_t i = 0; i < n_shims; i++)
        printf("  liblxc %d.%d: %s\n", d.major, d.minor, shims[i]);
    printf("cgroups: %s; last capability: %d\n", mode, rlx_cap_last_cap());
    for (int i = 0; i < F_COUNT; i++) {
        bool ok = (bits >> i) & 1;
        printf("%-26s %s%s%s\n", rlx_feature_names[i], ok ? "yes" : "no", ok ? "" : "  -> ", ok ? "" : consequence[i]);
    }
    return 0;
}
