/* features: what this runtime can do on this host (runtime-spec features.md). Only what
 * works here is listed: namespaces the kernel has, capabilities it knows, cgroup versions
 * mounted. */
#include "cli.h"
#include "dialect.h"
#include "systemd_cgroup.h"
#include "liblxc_load.h"
#include <stddef.h>
#include "probe.h"
#include "seccomp_profile.h"
#include "syscalls.h"
#include "util.h"
#include <json-c/json.h>
#include <stdio.h>
#include <sched.h>
#include <string.h>
#include <sys/capability.h>

static struct json_object *strs(const char *const *v)
{
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; v[i]; i++)
        json_object_array_add(a, json_object_new_string(v[i]));
    return a;
}

int cmd_features(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    static const char *const hooks[] = {"prestart", "createRuntime", "createContainer", "startContainer",
                                        "poststart", "poststop", NULL};
    static const char *const mount_opts[] = {
        "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime",
        "loud", "mand", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand",
        "norelatime", "nostrictatime", "nosuid", "private", "rbind", "relatime", "remount", "ro", "rprivate",
        "rshared", "rslave", "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid", "sync",
        "unbindable", NULL};
    static const struct { const char *oci; int flag; } ns[] = {
        {"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC}, {"mount", CLONE_NEWNS}, {"network", CLONE_NEWNET},
        {"pid", CLONE_NEWPID}, {"time", CLONE_NEWTIME}, {"user", CLONE_NEWUSER}, {"uts", CLONE_NEWUTS}};
    struct json_object *o = json_object_new_object(), *lx = json_object_new_object(), *a, *cg, *ann;
    struct rlx_cgroup_layout l;
    int last = rlx_cap_last_cap();
    const char *lxc_version = rlx_lxc_version();
    /* liblxc before 3.0 cannot be asked for a time namespace (lxcconf.c). */
    struct rlx_dialect d = rlx_dialect_for_version(lxc_version);
    bool clone_list = rlx_dialect_key(&d, K_NAMESPACE_CLONE) != NULL;
    (void)g;
    (void)argv;

    if (cli_expect_args("features", argc - 1, 0, 0, "", err) < 0) {
        json_object_put(o);
        json_object_put(lx);
        return -1;
    }
    json_object_object_add(o, "ociVersionMin", json_object_new_string("1.0.0"));
    json_object_object_add(o, "ociVersionMax", json_object_new_string("1.2.0"));
    json_object_object_add(o, "hooks", strs(hooks));
    a = strs(mount_opts);
    /* rro is applied with mount_setattr(2), and refused at create where the kernel lacks it. */
    if (rlx_have_mount_setattr())
        json_object_array_add(a, json_object_new_string("rro"));
    json_object_object_add(o, "mountOptions", a);
    a = json_object_new_array();
    /* Found by making one (in a throw-away child): /proc/self/ns entries do not prove it. */
    for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
        if ((clone_list || ns[i].flag != CLONE_NEWTIME) &&
            rlx_probe_unshare(ns[i].flag))
            json_object_array_add(a, json_object_new_string(ns[i].oci));
    json_object_object_add(lx, "namespaces", a);
    a = json_object_new_array();
    for (int c = 0; c <= last; c++) {
        char *name = cap_to_name(c);
        if (name) {
            for (char *p = name; *p; p++)
                *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
            json_object_array_add(a, json_object_new_string(name));
            cap_free(name);
        }
    }
    json_object_object_add(lx, "capabilities", a);
    cg = json_object_new_object();
    if (rlx_cgroup_layout_load(&l) == 0) {
        json_object_object_add(cg, "v1", json_object_new_boolean(l.mode != RLX_CGROUP_V2));
        json_object_object_add(cg, "v2", json_object_new_boolean(l.unified >= 0));
        rlx_cgroup_layout_free(&l);
    }
    /* The driver is there when it can work: libsystemd loads and systemd runs as init. */
    json_object_object_add(cg, "systemd", json_object_new_boolean(rlx_sd_available()));
    json_object_object_add(cg, "systemdUser", json_object_new_boolean(0));
    json_object_object_add(lx, "cgroup", cg);
    a = json_object_new_object();
    json_object_object_add(a, "enabled", json_object_new_boolean(rlx_probe_seccomp_filter()));
    json_object_object_add(a, "actions", strs(rlx_seccomp_actions));
    json_object_object_add(a, "operators", strs(rlx_seccomp_operators));
    json_object_object_add(a, "archs", rlx_seccomp_archs_json());
    json_object_object_add(a, "knownFlags", strs(rlx_seccomp_flags));
    json_object_object_add(a, "supportedFlags", strs(rlx_seccomp_flags));
    json_object_object_add(lx, "seccomp", a);
    a = json_object_new_object();
    json_object_object_add(a, "enabled", json_object_new_boolean(0));
    json_object_object_add(lx, "apparmor", a);
    a = json_object_new_object();
    json_object_object_add(a, "enabled", json_object_new_boolean(0));
    json_object_object_add(lx, "selinux", a);
    json_object_object_add(o, "linux", lx);
    ann = json_object_new_object();
    json_object_object_add(ann, "org.runlxc.version", json_object_new_string(PACKAGE_VERSION));
    if (lxc_version != NULL)
        json_object_object_add(ann, "org.runlxc.liblxc.version", json_object_new_string(lxc_version));
    json_object_object_add(o, "annotations", ann);
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return 0;
}
