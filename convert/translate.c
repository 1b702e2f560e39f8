#include "translate.h"
#include "seccomp_lxc.h"
#include "../runlxc/lib/rich.h"
#include "../runlxc/lib/spec.h"
#include "../runlxc/lib/spec_default.h"
#include "../runlxc/lib/ttys.h"
#include "../runlxc/lib/util.h"
#include "probe.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_NETS 64

struct tr {
    struct rlx_conv *cv;
    const struct rlx_lxc_config *cfg;
    const char *name;
    char **cap_drop, **cap_keep;
    bool cap_keep_set;
    struct json_object *devices_v1, *devices_v2, *mounts;
    bool mount_auto_seen, proc, proc_rw, sys, sys_rw, cgroup, cgroup_rw, autodev, autodev_set;
    char **net_lines;
    char *net_type[MAX_NETS];
    char **init_cmd;
    struct json_object *env;
};

typedef int (*handler_fn)(struct tr *t, const struct rlx_lxc_item *it, const char *suffix, rlx_error_t *err);

const char *rlx_conv_status_name(enum rlx_conv_status s)
{
    static const char *const names[] = {"translated", "recorded", "no-effect", "lossy"};
    return names[s];
}

static int note(struct tr *t, const struct rlx_lxc_item *it, enum rlx_conv_status st, const char *oci,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int note(struct tr *t, const struct rlx_lxc_item *it, enum rlx_conv_status st, const char *oci,
                const char *fmt, ...)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "key", json_object_new_string(it->given_key));
    if (strcmp(it->key, it->given_key) != 0)
        json_object_object_add(o, "modern_key", json_object_new_string(it->key));
    json_object_object_add(o, "value", json_object_new_string(it->value));
    json_object_object_add(o, "file", json_object_new_string(it->file));
    json_object_object_add(o, "line", json_object_new_int(it->line));
    json_object_object_add(o, "status", json_object_new_string(rlx_conv_status_name(st)));
    if (oci)
        json_object_object_add(o, "oci", json_object_new_string(oci));
    if (fmt) {
        char *reason = NULL;
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&reason, fmt, ap) >= 0) {
            json_object_object_add(o, "reason", json_object_new_string(reason));
            free(reason);
        }
        va_end(ap);
    }
    json_object_array_add(t->cv->report, o);
    t->cv->counts[st]++;
    return 0;
}

/* The object at root.a[.b], created if missing. */
static struct json_object *obj(struct json_object *root, const char *a, const char *b)
{
    struct json_object *o, *p;
    if (!json_object_object_get_ex(root, a, &o)) {
        o = json_object_new_object();
        json_object_object_add(root, a, o);
    }
    if (b == NULL)
        return o;
    if (!json_object_object_get_ex(o, b, &p)) {
        p = json_object_new_object();
        json_object_object_add(o, b, p);
    }
    return p;
}

static struct json_object *resources(struct tr *t) { return obj(obj(t->cv->spec, "linux", NULL), "resources", NULL); }

static char **words(const char *s)
{
    char **out = NULL;
    cleanup_free char *copy = xstrdup(s);
    char *save = NULL;
    for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
        strv_push(&out, w);
    return out;
}

/* LXC's splitting of lxc.init.cmd (lxc_string_split_quoted): words at blanks, '...' and
 * "..." keep blanks and lose their quotes. */
static char **words_quoted(const char *s)
{
    char **out = NULL, *w = xcalloc(strlen(s) + 1, 1);
    size_t n = 0;
    char quote = 0;
    bool have = false;
    for (const char *c = s;; c++) {
        if (*c == '\0' || (!quote && (*c == ' ' || *c == '\t'))) {
            if (have) {
                w[n] = '\0';
                strv_push(&out, w);
            }
            n = 0;
            have = false;
            if (*c == '\0')
                break;
        } else if (!quote && (*c == '\'' || *c == '"')) {
            quote = *c;
            have = true;
        } else if (quote && *c == quote) {
            quote = 0;
        } else {
            w[n++] = *c;
            have = true;
        }
    }
    free(w);
    return out;
}

/* LXC's "256M" style sizes (as the kernel's memparse reads them); -1 for "max"/"-1". */
static int parse_size(const char *v, long long *out)
{
    char *end;
    double x;
    if (strcmp(v, "max") == 0 || strcmp(v, "-1") == 0) {
        *out = -1;
        return 0;
    }
    errno = 0;
    x = strtod(v, &end);
    if (errno || end == v || x < 0)
        return -1;
    switch (toupper((unsigned char)*end)) {
    case 'K': x *= 1024; end++; break;
    case 'M': x *= 1024 * 1024; end++; break;
    case 'G': x *= 1024.0 * 1024 * 1024; end++; break;
    case 'T': x *= 1024.0 * 1024 * 1024 * 1024; end++; break;
    default: break;
    }
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end)
        return -1;
    /* beyond what a long long holds (or NaN): converting it would be undefined */
    if (!(x < 9223372036854775807.0))
        return -1;
    *out = (long long)x;
    return 0;
}

/* ---- process ---------------------------------------------------------------------------- */

static int h_init_cmd(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)s; (void)e;
    strv_free(t->init_cmd);
    t->init_cmd = words_quoted(it->value);
    return note(t, it, CONV_TRANSLATED, "process.args", NULL);
}

static int h_init_id(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    char *end;
    long v = strtol(it->value, &end, 10);
    (void)e;
    if (*end || v < 0)
        return note(t, it, CONV_LOSSY, NULL, "not a numeric id");
    bool uid = strcmp(it->key, "lxc.init.uid") == 0;
    (void)s;
    json_object_object_add(obj(obj(t->cv->spec, "process", NULL), "user", NULL), uid ? "uid" : "gid",
                           json_object_new_int64(v));
    return note(t, it, CONV_TRANSLATED, uid ? "process.user.uid" : "process.user.gid", NULL);
}

static int h_init_groups(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    struct json_object *a = json_object_new_array();
    cleanup_free char *copy = xstrdup(it->value);
    char *save = NULL;
    (void)s; (void)e;
    for (char *g = strtok_r(copy, ", ", &save); g; g = strtok_r(NULL, ", ", &save))
        json_object_array_add(a, json_object_new_int64(strtol(g, NULL, 10)));
    json_object_object_add(obj(obj(t->cv->spec, "process", NULL), "user", NULL), "additionalGids", a);
    return note(t, it, CONV_TRANSLATED, "process.user.additionalGids", NULL);
}

static int h_init_cwd(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)s; (void)e;
    json_object_object_add(obj(t->cv->spec, "process", NULL), "cwd", json_object_new_string(it->value));
    return note(t, it, CONV_TRANSLATED, "process.cwd", NULL);
}

static int h_environment(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)s; (void)e;
    if (strchr(it->value, '=') == NULL)
        return note(t, it, CONV_LOSSY, NULL, "LXC passes %s from lxc-start's own environment; a bundle has none",
                    it->value);
    json_object_array_add(t->env, json_object_new_string(it->value));
    return note(t, it, CONV_TRANSLATED, "process.env", NULL);
}

static int h_no_new_privs(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)s; (void)e;
    json_object_object_add(obj(t->cv->spec, "process", NULL), "noNewPrivileges",
                           json_object_new_boolean(strcmp(it->value, "1") == 0));
    return note(t, it, CONV_TRANSLATED, "process.noNewPrivileges", NULL);
}

static int h_prlimit(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    cleanup_free char *type = xasprintf("RLIMIT_%s", s), *copy = xstrdup(it->value);
    char *hard = strchr(copy, ':');
    struct json_object *r = json_object_new_object(), *list;
    (void)e;
    for (char *c = type; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    if (hard)
        *hard++ = '\0';
    json_object_object_add(r, "type", json_object_new_string(type));
    json_object_object_add(r, "soft", json_object_new_uint64(strcmp(copy, "unlimited") == 0 ? UINT64_MAX : strtoull(copy, NULL, 10)));
    hard = hard ? hard : copy;
    json_object_object_add(r, "hard", json_object_new_uint64(strcmp(hard, "unlimited") == 0 ? UINT64_MAX : strtoull(hard, NULL, 10)));
    list = obj(t->cv->spec, "process", NULL);
    if (!json_object_object_get_ex(list, "rlimits", &list) || !json_object_is_type(list, json_type_array)) {
        list = json_object_new_array();
        json_object_object_add(obj(t->cv->spec, "process", NULL), "rlimits", list);
    }
    json_object_array_add(list, r);
    return note(t, it, CONV_TRANSLATED, "process.rlimits", NULL);
}

static int h_caps(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    char ***list = strcmp(s, "drop") == 0 ? &t->cap_drop : &t->cap_keep;
    char **w = words(it->value);
    (void)e;
    if (w == NULL) {           /* an empty value clears the list, as in LXC */
        strv_free(*list);
        *list = NULL;
    }
    for (size_t i = 0; w && w[i]; i++) {
        cap_value_t cap;
        cleanup_free char *lower = xstrdup(w[i]);
        for (char *c = lower; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        if (strcmp(lower, "none") != 0 && cap_from_name(lower, &cap) < 0) {
            cleanup_free char *prefixed = xasprintf("cap_%s", lower);
            if (cap_from_name(prefixed, &cap) < 0) {
                note(t, it, CONV_LOSSY, NULL, "unknown capability '%s'", w[i]);
                strv_free(w);
                return 0;
            }
        }
        strv_push(list, lower);
    }
    if (strcmp(s, "keep") == 0)
        t->cap_keep_set = true;
    strv_free(w);
    return note(t, it, CONV_TRANSLATED, "process.capabilities", NULL);
}

/* ---- identity, isolation ------------------------------------------------------------------ */

static int h_uts_name(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)s; (void)e;
    json_object_object_add(t->cv->spec, "hostname", json_object_new_string(it->value));
    return note(t, it, CONV_TRANSLATED, "hostname", NULL);
}

static int h_idmap(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    char kind;
    long long ns, host, range;
    struct json_object *m, *list, *linux_ = obj(t->cv->spec, "linux", NULL);
    const char *field;
    (void)s; (void)e;
    if (sscanf(it->value, " %c %lld %lld %lld", &kind, &ns, &host, &range) != 4 || (kind != 'u' && kind != 'g'))
        return note(t, it, CONV_LOSSY, NULL, "not 'u|g NSID HOSTID RANGE'");
    field = kind == 'u' ? "uidMappings" : "gidMappings";
    if (!json_object_object_get_ex(linux_, field, &list)) {
        list = json_object_new_array();
        json_object_object_add(linux_, field, list);
    }
    m = json_object_new_object();
    json_object_object_add(m, "containerID", json_object_new_int64(ns));
    json_object_object_add(m, "hostID", json_object_new_int64(host));
    json_object_object_add(m, "size", json_object_new_int64(range));
    json_object_array_add(list, m);
    return note(t, it, CONV_TRANSLATED, kind == 'u' ? "linux.uidMappings" : "linux.gidMappings", NULL);
}

static bool apparmor_enabled(void)
{
    cleanup_free char *v = read_file("/sys/module/apparmor/parameters/enabled", NULL, NULL);
    return v && v[0] == 'Y';
}

static int h_apparmor(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)e;
    if (strcmp(s, "profile") != 0)
        return note(t, it, CONV_NO_EFFECT, NULL, "only for LXC's generated AppArmor profile");
    if (strcmp(it->value, "unconfined") == 0)
        return note(t, it, CONV_TRANSLATED, "process.apparmorProfile", "unconfined: no profile");
    if (strcmp(it->value, "generated") == 0 && !apparmor_enabled())
        return note(t, it, CONV_NO_EFFECT, NULL, "AppArmor is not enabled on this host: LXC runs it unconfined too");
    if (strcmp(it->value, "generated") == 0)
        return note(t, it, CONV_LOSSY, NULL, "LXC generates this profile for each container at start; name a "
                    "loaded profile in process.apparmorProfile to keep the container confined");
    json_object_object_add(obj(t->cv->spec, "process", NULL), "apparmorProfile", json_object_new_string(it->value));
    return note(t, it, CONV_TRANSLATED, "process.apparmorProfile", NULL);
}

static int h_selinux(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)e;
    if (strcmp(s, "context") != 0)
        return note(t, it, CONV_LOSSY, NULL, "no OCI field for lxc.selinux.%s", s);
    json_object_object_add(obj(t->cv->spec, "process", NULL), "selinuxLabel", json_object_new_string(it->value));
    return note(t, it, CONV_TRANSLATED, "process.selinuxLabel", NULL);
}

static int h_seccomp(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    struct json_object *sc;
    char reason[256] = "";
    if (strcmp(s, "profile") != 0)
        return note(t, it, CONV_LOSSY, NULL, "no OCI equivalent of lxc.seccomp.%s", s);
    if (*it->value == '\0')
        return note(t, it, CONV_NO_EFFECT, NULL, "empty: no filter");
    sc = rlx_seccomp_from_lxc(it->value, reason, sizeof(reason), e);
    if (sc == NULL && *e)
        return -1;
    if (sc == NULL)
        return note(t, it, CONV_LOSSY, NULL, "%s", reason);
    json_object_object_add(obj(t->cv->spec, "linux", NULL), "seccomp", sc);
    return note(t, it, CONV_TRANSLATED, "linux.seccomp", *reason ? "%s" : NULL, reason);
}

static int h_sysctl(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)e;
    json_object_object_add(obj(obj(t->cv->spec, "linux", NULL), "sysctl", NULL), s, json_object_new_string(it->value));
    return note(t, it, CONV_TRANSLATED, "linux.sysctl", NULL);
}

static int h_proc(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)e;
    if (strcmp(s, "oom_score_adj") != 0)
        return note(t, it, CONV_LOSSY, NULL, "no OCI field for /proc/PID/%s", s);
    json_object_object_add(obj(t->cv->spec, "process", NULL), "oomScoreAdj",
                           json_object_new_int(atoi(it->value)));
    return note(t, it, CONV_TRANSLATED, "process.oomScoreAdj", NULL);
}

static const struct { const char *lxc, *oci; } ns_names[] = {
    {"mnt", "mount"}, {"pid", "pid"}, {"uts", "uts"}, {"ipc", "ipc"}, {"net", "network"}, {"user", "user"},
    {"cgroup", "cgroup"}, {"time", "time"},
};

static void ns_set(struct tr *t, const char *oci, bool present)
{
    struct json_object *list = NULL, *out = json_object_new_array();
    bool have = false;
    json_object_object_get_ex(obj(t->cv->spec, "linux", NULL), "namespaces", &list);
    for (size_t i = 0; list && i < json_object_array_length(list); i++) {
        struct json_object *n = json_object_array_get_idx(list, i), *type;
        json_object_object_get_ex(n, "type", &type);
        if (strcmp(json_object_get_string(type), oci) == 0) {
            have = true;
            if (!present)
                continue;
        }
        json_object_array_add(out, json_object_get(n));
    }
    if (present && !have) {
        struct json_object *n = json_object_new_object();
        json_object_object_add(n, "type", json_object_new_string(oci));
        json_object_array_add(out, n);
    }
    json_object_object_add(obj(t->cv->spec, "linux", NULL), "namespaces", out);
}

static int h_namespace(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    char **w = words(it->value);
    (void)e;
    if (strcmp(s, "clone") == 0 || strcmp(s, "keep") == 0) {
        bool clone = strcmp(s, "clone") == 0;
        for (size_t i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++) {
            bool listed = false;
            for (size_t k = 0; w && w[k]; k++)
                listed |= strcmp(w[k], ns_names[i].lxc) == 0;
            if (strcmp(ns_names[i].lxc, "user") == 0 || strcmp(ns_names[i].lxc, "time") == 0)
                continue;      /* by id maps, never by default */
            if (clone || listed)
                ns_set(t, ns_names[i].oci, clone ? listed : false);
        }
        strv_free(w);
        return note(t, it, CONV_TRANSLATED, "linux.namespaces", NULL);
    }
    strv_free(w);
    if (strncmp(s, "share.", 6) == 0)
        return note(t, it, CONV_LOSSY, NULL, "shares a namespace with another container or process by name at "
                    "start; give linux.namespaces a path instead");
    return note(t, it, CONV_LOSSY, NULL, "no OCI equivalent");
}

/* ---- cgroups ------------------------------------------------------------------------------ */

static int device_rule(struct tr *t, const struct rlx_lxc_item *it, bool allow, bool v2)
{
    struct json_object *d = json_object_new_object();
    char type = 'a', access[8] = "rwm";
    char maj[16] = "*", min[16] = "*";
    struct json_object **list = v2 ? &t->devices_v2 : &t->devices_v1;
    if (strcmp(it->value, "a") != 0 &&
        sscanf(it->value, " %c %15[^:]:%15s %7s", &type, maj, min, access) < 3) {
        json_object_put(d);
        return note(t, it, CONV_LOSSY, NULL, "not 'a' or 'TYPE MAJOR:MINOR ACCESS'");
    }
    json_object_object_add(d, "allow", json_object_new_boolean(allow));
    if (type != 'a') {
        char ty[2] = {type, 0};
        json_object_object_add(d, "type", json_object_new_string(ty));
    }
    if (strcmp(maj, "*") != 0)
        json_object_object_add(d, "major", json_object_new_int64(strtoll(maj, NULL, 10)));
    if (strcmp(min, "*") != 0)
        json_object_object_add(d, "minor", json_object_new_int64(strtoll(min, NULL, 10)));
    json_object_object_add(d, "access", json_object_new_string(access));
    if (*list == NULL)
        *list = json_object_new_array();
    json_object_array_add(*list, d);
    return note(t, it, CONV_TRANSLATED, "linux.resources.devices", v2 ? "one list with lxc.cgroup.devices.* when "
                "both are given (LXC's common.conf gives both, the same)" : NULL);
}

static int set_num(struct tr *t, const struct rlx_lxc_item *it, const char *section, const char *field,
                   const char *oci)
{
    long long v;
    if (parse_size(it->value, &v) < 0)
        return note(t, it, CONV_LOSSY, NULL, "'%s' is not a number", it->value);
    json_object_object_add(obj(resources(t), section, NULL), field, json_object_new_int64(v));
    return note(t, it, CONV_TRANSLATED, oci, NULL);
}

static int set_str(struct tr *t, const struct rlx_lxc_item *it, const char *section, const char *field, const char *oci)
{
    json_object_object_add(obj(resources(t), section, NULL), field, json_object_new_string(it->value));
    return note(t, it, CONV_TRANSLATED, oci, NULL);
}

static int h_cgroup(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    bool v2 = strncmp(it->key, "lxc.cgroup2.", 12) == 0;
    (void)e;
    if (!v2 && (strcmp(s, "dir") == 0 || strcmp(s, "relative") == 0 || strncmp(s, "dir.", 4) == 0)) {
        if (strcmp(s, "dir") != 0)
            return note(t, it, CONV_NO_EFFECT, NULL, "where LXC's monitor cgroup goes");
        json_object_object_add(obj(t->cv->spec, "linux", NULL), "cgroupsPath", json_object_new_string(it->value));
        return note(t, it, CONV_TRANSLATED, "linux.cgroupsPath", NULL);
    }
    if (strcmp(s, "devices.allow") == 0 || strcmp(s, "devices.deny") == 0)
        return device_rule(t, it, strcmp(s, "devices.allow") == 0, v2);
    if (strcmp(s, "memory.limit_in_bytes") == 0 || strcmp(s, "memory.max") == 0)
        return set_num(t, it, "memory", "limit", "linux.resources.memory.limit");
    if (strcmp(s, "memory.memsw.limit_in_bytes") == 0)
        return set_num(t, it, "memory", "swap", "linux.resources.memory.swap");
    if (strcmp(s, "memory.soft_limit_in_bytes") == 0 || strcmp(s, "memory.low") == 0)
        return set_num(t, it, "memory", "reservation", "linux.resources.memory.reservation");
    if (strcmp(s, "memory.swappiness") == 0)
        return set_num(t, it, "memory", "swappiness", "linux.resources.memory.swappiness");
    if (strcmp(s, "cpu.shares") == 0)
        return set_num(t, it, "cpu", "shares", "linux.resources.cpu.shares");
    if (strcmp(s, "cpu.cfs_quota_us") == 0)
        return set_num(t, it, "cpu", "quota", "linux.resources.cpu.quota");
    if (strcmp(s, "cpu.cfs_period_us") == 0)
        return set_num(t, it, "cpu", "period", "linux.resources.cpu.period");
    if (strcmp(s, "cpu.rt_runtime_us") == 0)
        return set_num(t, it, "cpu", "realtimeRuntime", "linux.resources.cpu.realtimeRuntime");
    if (strcmp(s, "cpu.rt_period_us") == 0)
        return set_num(t, it, "cpu", "realtimePeriod", "linux.resources.cpu.realtimePeriod");
    if (strcmp(s, "cpuset.cpus") == 0)
        return set_str(t, it, "cpu", "cpus", "linux.resources.cpu.cpus");
    if (strcmp(s, "cpuset.mems") == 0)
        return set_str(t, it, "cpu", "mems", "linux.resources.cpu.mems");
    if (strcmp(s, "pids.max") == 0)
        return set_num(t, it, "pids", "limit", "linux.resources.pids.limit");
    if (strcmp(s, "blkio.weight") == 0 || strcmp(s, "io.bfq.weight") == 0)
        return set_num(t, it, "blockIO", "weight", "linux.resources.blockIO.weight");
    if (strcmp(s, "cpu.max") == 0) {
        char q[32], p[32] = "100000";
        long long quota;
        if (sscanf(it->value, "%31s %31s", q, p) < 1 || parse_size(q, &quota) < 0)
            return note(t, it, CONV_LOSSY, NULL, "not 'QUOTA [PERIOD]'");
        json_object_object_add(obj(resources(t), "cpu", NULL), "quota", json_object_new_int64(quota));
        json_object_object_add(obj(resources(t), "cpu", NULL), "period", json_object_new_int64(strtoll(p, NULL, 10)));
        return note(t, it, CONV_TRANSLATED, "linux.resources.cpu.quota/period", NULL);
    }
    if (strcmp(s, "cpu.weight") == 0) {
        long long w = strtoll(it->value, NULL, 10);
        if (w < 1 || w > 10000)
            return note(t, it, CONV_LOSSY, NULL, "cpu.weight outside 1..10000");
        /* the inverse of runc's shares -> weight conversion, so the same weight comes back */
        json_object_object_add(obj(resources(t), "cpu", NULL), "shares",
                               json_object_new_int64(2 + ((w - 1) * 262142 + 9998) / 9999));
        return note(t, it, CONV_TRANSLATED, "linux.resources.cpu.shares", "cpu.weight %lld as shares (runc maps "
                    "them back to this weight on cgroup v2)", w);
    }
    if (strcmp(s, "memory.swap.max") == 0)
        return note(t, it, CONV_LOSSY, NULL, "OCI's swap is memory+swap; set linux.resources.memory.swap to "
                    "memory.max + %s by hand", it->value);
    if (strncmp(s, "hugetlb.", 8) == 0 && strstr(s, ".limit_in_bytes")) {
        long long v;
        cleanup_free char *size = xstrdup(s + 8);
        struct json_object *l, *h;
        *strstr(size, ".limit_in_bytes") = '\0';
        if (parse_size(it->value, &v) < 0)
            return note(t, it, CONV_LOSSY, NULL, "'%s' is not a number", it->value);
        if (!json_object_object_get_ex(resources(t), "hugepageLimits", &l)) {
            l = json_object_new_array();
            json_object_object_add(resources(t), "hugepageLimits", l);
        }
        h = json_object_new_object();
        json_object_object_add(h, "pageSize", json_object_new_string(size));
        json_object_object_add(h, "limit", json_object_new_int64(v));
        json_object_array_add(l, h);
        return note(t, it, CONV_TRANSLATED, "linux.resources.hugepageLimits", NULL);
    }
    if (strcmp(s, "net_cls.classid") == 0)
        return set_num(t, it, "network", "classID", "linux.resources.network.classID");
    if (v2) {
        json_object_object_add(obj(resources(t), "unified", NULL), s, json_object_new_string(it->value));
        return note(t, it, CONV_TRANSLATED, "linux.resources.unified", "runlxc refuses unified on cgroup v1 hosts");
    }
    return note(t, it, CONV_LOSSY, NULL, "no OCI field for the cgroup v1 file %s", s);
}

/* ---- mounts ------------------------------------------------------------------------------- */

static int add_fstab_line(struct tr *t, const struct rlx_lxc_item *it, const char *line, const char *oci)
{
    char src[4096], dst[4096], type[64], opts[1024] = "defaults";
    struct json_object *m, *o;
    bool bind = false, optional = false;
    cleanup_free char *dest = NULL;
    char *save = NULL;
    if (sscanf(line, "%4095s %4095s %63s %1023s", src, dst, type, opts) < 3)
        return note(t, it, CONV_LOSSY, NULL, "not an fstab line: '%s'", line);
    o = json_object_new_array();
    for (char *w = strtok_r(opts, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (strcmp(w, "bind") == 0 || strcmp(w, "rbind") == 0)
            bind = true;
        if (strcmp(w, "optional") == 0)
            optional = true;
        if (strncmp(w, "create=", 7) == 0 || strcmp(w, "optional") == 0 || strcmp(w, "defaults") == 0 ||
            strcmp(w, "relative") == 0)
            continue;
        json_object_array_add(o, json_object_new_string(w));
    }
    if (bind && src[0] == '/' && !path_exists(src) && optional) {
        json_object_put(o);
        return note(t, it, CONV_NO_EFFECT, NULL, "optional, and %s does not exist here: LXC skips it too", src);
    }
    /* LXC's targets are relative to the rootfs; an absolute one under the rootfs's host path
     * is taken relative to it, any other absolute one is ignored with a warning
     * (mount_entry_on_absolute_rootfs, 1.0 to 5.0) */
    if (dst[0] == '/' && t->cv->rootfs.path && strncmp(dst, t->cv->rootfs.path, strlen(t->cv->rootfs.path)) == 0) {
        dest = xasprintf("/%s", dst + strlen(t->cv->rootfs.path) + (dst[strlen(t->cv->rootfs.path)] == '/'));
    } else if (dst[0] == '/') {
        json_object_put(o);
        return note(t, it, CONV_NO_EFFECT, NULL, "LXC ignores an absolute mount point outside the rootfs (%s)", dst);
    } else {
        dest = xasprintf("/%s", dst);
    }
    m = json_object_new_object();
    json_object_object_add(m, "destination", json_object_new_string(dest));
    json_object_object_add(m, "type", json_object_new_string(bind ? "bind" : type));
    json_object_object_add(m, "source", json_object_new_string(src));
    json_object_object_add(m, "options", o);
    json_object_array_add(t->mounts, m);
    return note(t, it, CONV_TRANSLATED, oci, optional ? "optional: OCI mounts it always" : NULL);
}

static int h_mount_entry(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)s; (void)e;
    return add_fstab_line(t, it, it->value, "mounts");
}

static int h_mount_fstab(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    cleanup_file FILE *f = fopen(it->value, "re");
    char *line = NULL;
    size_t cap = 0;
    int r = 0;
    (void)s;
    if (f == NULL)
        return rlx_error(e, errno, "%s:%d: lxc.mount.fstab %s", it->file, it->line, it->value);
    while (r == 0 && getline(&line, &cap, f) > 0) {
        char *l = line + strspn(line, " \t");
        if (*l == '#' || *l == '\n' || *l == '\0')
            continue;
        r = add_fstab_line(t, it, l, "mounts");
    }
    free(line);
    return r;
}

static int h_mount_auto(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    char **w = words(it->value);
    bool lossy = false;
    (void)s; (void)e;
    if (w == NULL)
        t->proc = t->sys = t->cgroup = false;
    t->mount_auto_seen = true;
    for (size_t i = 0; w && w[i]; i++) {
        const char *v = w[i];
        if (strncmp(v, "proc", 4) == 0) {
            t->proc = true;
            t->proc_rw = strcmp(v, "proc:rw") == 0;
        } else if (strncmp(v, "sys", 3) == 0) {
            t->sys = true;
            t->sys_rw = strcmp(v, "sys:rw") == 0;
        } else if (strncmp(v, "cgroup", 6) == 0) {
            t->cgroup = true;
            t->cgroup_rw = strstr(v, ":rw") != NULL;
        } else {
            lossy = true;
        }
    }
    strv_free(w);
    if (lossy)
        return note(t, it, CONV_LOSSY, "mounts", "shmounts and unknown entries have no OCI equivalent");
    return note(t, it, CONV_TRANSLATED, "mounts", "proc, sysfs and cgroup mounts (mixed: /proc/sys and /sys "
                "read-only); runc's masked paths are kept");
}

static int h_autodev(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)e; (void)s;
    if (strcmp(it->key, "lxc.autodev") != 0)
        return note(t, it, CONV_NO_EFFECT, NULL, "the size of LXC's /dev tmpfs");
    t->autodev = strcmp(it->value, "0") != 0;
    t->autodev_set = true;
    return note(t, it, CONV_TRANSLATED, "mounts", t->autodev ? "a tmpfs /dev with the default nodes" : "the rootfs's /dev");
}

/* ---- rootfs, network, hooks, records ----------------------------------------------------- */

static int h_rootfs(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    struct rlx_conv_rootfs *r = &t->cv->rootfs;
    const char *v = it->value, *colon;
    if (strcmp(s, "path") != 0) {
        if (strcmp(s, "options") == 0 && strcmp(it->value, "ro") == 0) {
            json_object_object_add(obj(t->cv->spec, "root", NULL), "readonly", json_object_new_boolean(true));
            return note(t, it, CONV_TRANSLATED, "root.readonly", NULL);
        }
        if (strcmp(s, "options") == 0 && *it->value)
            return note(t, it, CONV_LOSSY, NULL, "rootfs mount options other than ro");
        return note(t, it, CONV_NO_EFFECT, NULL, "where and how LXC mounts the rootfs");
    }
    free(r->kind); free(r->path); free(r->upper);
    r->kind = r->path = r->upper = NULL;
    if (strncmp(v, "dir:", 4) == 0)
        v += 4;
    colon = strchr(v, ':');
    if (v[0] == '/' && colon == NULL) {
        r->kind = xstrdup("dir");
        r->path = xstrdup(v);
        return note(t, it, CONV_TRANSLATED, "root.path", NULL);
    }
    if (strncmp(v, "overlay:", 8) == 0 || strncmp(v, "overlayfs:", 10) == 0) {
        const char *lower = strchr(v, ':') + 1, *sep = strchr(lower, ':');
        if (sep == NULL)
            return note(t, it, CONV_LOSSY, NULL, "overlay rootfs without an upper directory");
        r->kind = xstrdup("overlay");
        r->path = strndup(lower, (size_t)(sep - lower));
        r->upper = xstrdup(sep + 1);
        return note(t, it, CONV_TRANSLATED, "root.path", "the merged overlay (--copy)");
    }
    return rlx_error(e, 0, "%s:%d: lxc.rootfs.path '%s': the %.*s backend is not supported by runlxc convert "
                     "(dir, plain paths and overlay are)", it->file, it->line, it->value,
                     colon ? (int)(colon - v) : (int)strlen(v), v);
}

static int h_net(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    char *end;
    long idx = strtol(s, &end, 10);
    const char *k = end + 1;
    (void)e;
    if (end == s || *end != '.' || idx < 0 || idx >= MAX_NETS)
        return note(t, it, CONV_LOSSY, NULL, "not lxc.net.N.KEY");
    if (strcmp(k, "type") == 0) {
        free(t->net_type[idx]);
        t->net_type[idx] = xstrdup(it->value);
        if (strcmp(it->value, "empty") == 0)
            return note(t, it, CONV_TRANSLATED, "linux.namespaces", "a new network namespace with loopback only");
        if (strcmp(it->value, "none") == 0)
            return note(t, it, CONV_TRANSLATED, "linux.namespaces", "the host's network namespace");
    } else if (strncmp(k, "script.", 7) == 0) {
        return note(t, it, CONV_LOSSY, NULL, "a script LXC runs on the host; not carried");
    }
    {
        cleanup_free char *line = xasprintf("%s = %s", it->key, it->value);
        strv_push(&t->net_lines, line);
    }
    return note(t, it, CONV_TRANSLATED, "annotations." RLX_LXC_NET_ANNOTATION,
                "set up by liblxc in the container's new network namespace when runlxc runs the bundle");
}

static const struct { const char *lxc, *oci; } hook_kinds[] = {
    {"pre-start", "createRuntime"}, {"pre-mount", "createContainer"}, {"mount", "createContainer"},
    {"autodev", "createContainer"}, {"start-host", "createRuntime"}, {"start", "startContainer"},
    {"stop", "poststop"}, {"post-stop", "poststop"},
};

static int h_hook(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    const char *kind = NULL;
    struct json_object *h, *args, *env, *list, *hooks = obj(t->cv->spec, "hooks", NULL);
    char **w;
    (void)e;
    if (strcmp(s, "version") == 0)
        return note(t, it, CONV_NO_EFFECT, NULL, "how LXC passes hook arguments; the OCI hooks get LXC's 0 style");
    if (strcmp(s, "clone") == 0 || strcmp(s, "destroy") == 0)
        return note(t, it, CONV_NO_EFFECT, NULL, "runs only for lxc-copy/lxc-destroy");
    for (size_t i = 0; i < sizeof(hook_kinds) / sizeof(hook_kinds[0]); i++)
        if (strcmp(hook_kinds[i].lxc, s) == 0)
            kind = hook_kinds[i].oci;
    if (kind == NULL)
        return note(t, it, CONV_LOSSY, NULL, "no OCI point for LXC's %s hook", s);
    w = words_quoted(it->value);
    if (w == NULL)
        return note(t, it, CONV_NO_EFFECT, NULL, "empty");
    h = json_object_new_object();
    args = json_object_new_array();
    env = json_object_new_array();
    json_object_object_add(h, "path", json_object_new_string(w[0]));
    for (size_t i = 0; w[i]; i++)
        json_object_array_add(args, json_object_new_string(w[i]));
    json_object_array_add(args, json_object_new_string(t->name));
    json_object_array_add(args, json_object_new_string("lxc"));
    json_object_array_add(args, json_object_new_string(s));
    {
        cleanup_free char *n = xasprintf("LXC_NAME=%s", t->name), *ty = xasprintf("LXC_HOOK_TYPE=%s", s);
        json_object_array_add(env, json_object_new_string(n));
        json_object_array_add(env, json_object_new_string(ty));
        json_object_array_add(env, json_object_new_string("LXC_HOOK_SECTION=lxc"));
        json_object_array_add(env, json_object_new_string("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    }
    json_object_object_add(h, "args", args);
    json_object_object_add(h, "env", env);
    if (!json_object_object_get_ex(hooks, kind, &list)) {
        list = json_object_new_array();
        json_object_object_add(hooks, kind, list);
    }
    json_object_array_add(list, h);
    strv_free(w);
    return note(t, it, CONV_TRANSLATED, kind, "with LXC's arguments (NAME lxc TYPE) and LXC_NAME, LXC_HOOK_TYPE; "
                "LXC_ROOTFS_* and other LXC variables are not set");
}

static int record(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    cleanup_free char *key = xasprintf("org.runlxc.%s", it->key);
    (void)s; (void)e;
    json_object_object_add(obj(t->cv->spec, "annotations", NULL), key, json_object_new_string(it->value));
    if (strcmp(it->key, "lxc.signal.stop") == 0 || strcmp(it->key, "lxc.signal.halt") == 0) {
        /* a halt signal is how LXC stops it cleanly: engines read StopSignal */
        if (strcmp(it->key, "lxc.signal.halt") == 0) {
            json_object_object_add(t->cv->image_config, "StopSignal", json_object_new_string(it->value));
            /* and `runlxc kill ID` sends it (design note 20) */
            json_object_object_add(obj(t->cv->spec, "annotations", NULL), RLX_STOP_SIGNAL_ANNOTATION,
                                   json_object_new_string(it->value));
        }
    }
    return note(t, it, CONV_RECORDED, "annotations", "%s", key);
}

static int no_effect(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)s; (void)e;
    return note(t, it, CONV_NO_EFFECT, NULL, "LXC's own logging, console, monitor or tool setting");
}

static int h_pty(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)s; (void)e;
    return note(t, it, CONV_NO_EFFECT, NULL, "a limit on devpts; the bundle's devpts has none");
}

static int h_tty(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    char *end;
    long n;
    bool capped;
    (void)e;
    if (strcmp(s, "dir") == 0)
        return note(t, it, CONV_NO_EFFECT, NULL, "runlxc binds the ttys at /dev/ttyN only");
    errno = 0;
    n = strtol(it->value, &end, 10);
    if (strcmp(s, "max") != 0 || n == 0)
        return note(t, it, CONV_NO_EFFECT, NULL, "no ttys");
    if (errno || end == it->value || *end || n < 0)
        return note(t, it, CONV_LOSSY, NULL, "not a number of ttys");
    capped = n > RLX_TTYS_MAX;
    if (capped)
        n = RLX_TTYS_MAX;
    {
        char v[16];
        snprintf(v, sizeof(v), "%ld", n);
        json_object_object_add(obj(t->cv->spec, "annotations", NULL), RLX_TTYS_ANNOTATION, json_object_new_string(v));
    }
    return note(t, it, capped ? CONV_LOSSY : CONV_TRANSLATED, "annotations." RLX_TTYS_ANNOTATION,
                "/dev/tty1..%ld on ptys, attached with `runlxc console -t N`%s", n, capped ? " (at most 63)" : "");
}

static int h_arch(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)s; (void)e;
    if (strcmp(it->value, "x86_64") == 0 || strcmp(it->value, "amd64") == 0 || strcmp(it->value, "linux64") == 0)
        return note(t, it, CONV_NO_EFFECT, NULL, "the host's architecture");
    return note(t, it, CONV_LOSSY, NULL, "a 32-bit personality is not set by runlxc");
}

static int lossy(struct tr *t, const struct rlx_lxc_item *it, const char *s, rlx_error_t *e)
{
    (void)s; (void)e;
    return note(t, it, CONV_LOSSY, NULL, "no OCI equivalent");
}

/* exact key, or prefix when it ends with '.' (suffix = the rest) */
static const struct { const char *key; handler_fn fn; } table[] = {
    {"lxc.init.cmd", h_init_cmd}, {"lxc.init.uid", h_init_id}, {"lxc.init.gid", h_init_id},
    {"lxc.init.groups", h_init_groups}, {"lxc.init.cwd", h_init_cwd}, {"lxc.execute.cmd", no_effect},
    {"lxc.environment", h_environment}, {"lxc.no_new_privs", h_no_new_privs}, {"lxc.prlimit.", h_prlimit},
    {"lxc.cap.", h_caps}, {"lxc.uts.name", h_uts_name}, {"lxc.idmap", h_idmap}, {"lxc.apparmor.", h_apparmor},
    {"lxc.selinux.", h_selinux}, {"lxc.seccomp.", h_seccomp}, {"lxc.sysctl.", h_sysctl}, {"lxc.proc.", h_proc},
    {"lxc.namespace.", h_namespace}, {"lxc.cgroup2.", h_cgroup}, {"lxc.cgroup.", h_cgroup},
    {"lxc.mount.entry", h_mount_entry}, {"lxc.mount.fstab", h_mount_fstab}, {"lxc.mount.auto", h_mount_auto},
    {"lxc.autodev", h_autodev}, {"lxc.autodev.", h_autodev}, {"lxc.rootfs.", h_rootfs}, {"lxc.net.", h_net},
    {"lxc.hook.", h_hook}, {"lxc.signal.", record}, {"lxc.start.", record}, {"lxc.group", record},
    {"lxc.log.", no_effect}, {"lxc.console.", no_effect}, {"lxc.monitor.", no_effect}, {"lxc.pty.max", h_pty},
    {"lxc.tty.", h_tty}, {"lxc.ephemeral", record}, {"lxc.keyring.session", no_effect}, {"lxc.arch", h_arch},
    {"lxc.rootfs.backend", no_effect}, {"lxc.pivotdir", no_effect}, {"lxc.kmsg", no_effect},
    {"lxc.time.", lossy}, {"lxc.sched.", lossy},
};

static int dispatch(struct tr *t, const struct rlx_lxc_item *it, rlx_error_t *err)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        size_t n = strlen(table[i].key);
        bool prefix = table[i].key[n - 1] == '.';
        if (prefix ? strncmp(it->key, table[i].key, n) == 0 : strcmp(it->key, table[i].key) == 0)
            return table[i].fn(t, it, prefix ? it->key + n : it->key + strlen("lxc."), err);
    }
    return note(t, it, CONV_LOSSY, NULL, "a key runlxc convert does not know");
}

/* ---- the end: what is decided by several items ------------------------------------------ */

/* liblxc 1.0's check_autodev: /sbin/init, its links followed inside the rootfs, names systemd
 * somewhere on the way. */
static bool init_is_systemd(const char *rootfs)
{
    cleanup_free char *path = xasprintf("%s/sbin/init", rootfs);
    size_t root_len = strlen(rootfs);
    for (int hops = 0; hops < 40; hops++) {
        char target[PATH_MAX];
        ssize_t n;
        if (strstr(path + root_len, "systemd"))
            return true;
        n = readlink(path, target, sizeof(target) - 1);
        if (n < 0)
            return false;
        target[n] = '\0';
        if (target[0] == '/') {
            free(path);
            path = xasprintf("%s%s", rootfs, target);
        } else {
            char *slash = strrchr(path, '/'), *next;
            *slash = '\0';
            next = xasprintf("%s/%s", path, target);
            free(path);
            path = next;
        }
    }
    return false;
}

static void finish_mounts(struct tr *t)
{
    struct json_object *old = NULL, *out = json_object_new_array(), *root, *root_path;
    json_object_object_get_ex(t->cv->spec, "mounts", &old);
    if (!t->autodev_set && t->cfg->autodev_for_systemd_only && json_object_object_get_ex(t->cv->spec, "root", &root) &&
        json_object_object_get_ex(root, "path", &root_path))
        t->autodev = init_is_systemd(json_object_get_string(root_path));
    for (size_t i = 0; old && i < json_object_array_length(old); i++) {
        struct json_object *m = json_object_array_get_idx(old, i), *d;
        const char *dst;
        bool keep = true;
        json_object_object_get_ex(m, "destination", &d);
        dst = json_object_get_string(d);
        /* No LXC mounts shm or mqueue unasked (an entry of the config's replaces them below) */
        if (strcmp(dst, "/dev") == 0)
            keep = t->autodev;
        else if (strcmp(dst, "/dev/shm") == 0 || strcmp(dst, "/dev/mqueue") == 0)
            keep = false;
        else if (strcmp(dst, "/sys") == 0)
            keep = t->sys;
        else if (strcmp(dst, "/sys/fs/cgroup") == 0)
            keep = t->cgroup;
        /* an LXC entry for the same destination replaces the default (dev/shm, dev/mqueue) */
        for (size_t k = 0; keep && k < json_object_array_length(t->mounts); k++) {
            struct json_object *d2;
            json_object_object_get_ex(json_object_array_get_idx(t->mounts, k), "destination", &d2);
            keep = strcmp(json_object_get_string(d2), dst) != 0;
        }
        if (!keep)
            continue;
        if ((strcmp(dst, "/sys") == 0 && t->sys_rw) || (strcmp(dst, "/sys/fs/cgroup") == 0 && t->cgroup_rw)) {
            struct json_object *o, *no = json_object_new_array();
            json_object_object_get_ex(m, "options", &o);
            for (size_t k = 0; o && k < json_object_array_length(o); k++)
                if (strcmp(json_object_get_string(json_object_array_get_idx(o, k)), "ro") != 0)
                    json_object_array_add(no, json_object_get(json_object_array_get_idx(o, k)));
            json_object_object_add(m, "options", no);
        }
        json_object_array_add(out, json_object_get(m));
    }
    for (size_t k = 0; k < json_object_array_length(t->mounts); k++)
        json_object_array_add(out, json_object_get(json_object_array_get_idx(t->mounts, k)));
    json_object_object_add(t->cv->spec, "mounts", out);
    if (t->proc_rw) {
        /* proc:rw leaves /proc/sys writable */
        struct json_object *ro, *nro = json_object_new_array();
        json_object_object_get_ex(obj(t->cv->spec, "linux", NULL), "readonlyPaths", &ro);
        for (size_t k = 0; ro && k < json_object_array_length(ro); k++) {
            const char *p = json_object_get_string(json_object_array_get_idx(ro, k));
            if (strcmp(p, "/proc/sys") != 0 && strcmp(p, "/proc/sysrq-trigger") != 0)
                json_object_array_add(nro, json_object_new_string(p));
        }
        json_object_object_add(obj(t->cv->spec, "linux", NULL), "readonlyPaths", nro);
    }
}

static void finish_caps(struct tr *t)
{
    struct json_object *caps = json_object_new_object();
    const char *sets[] = {"bounding", "effective", "permitted"};
    struct json_object *list = json_object_new_array();
    int last = CAP_LAST_CAP;
    cleanup_free char *text = read_file("/proc/sys/kernel/cap_last_cap", NULL, NULL);
    if (text)
        last = atoi(text);
    for (int c = 0; c <= last; c++) {
        char *name = cap_to_name((cap_value_t)c);
        /* LXC keeps what the host's bounding set has, minus the drops */
        bool in = !t->cap_keep_set && prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1;
        const char *bare = name && strncmp(name, "cap_", 4) == 0 ? name + 4 : name;
        for (size_t i = 0; name && t->cap_keep && t->cap_keep[i]; i++)
            in |= strcmp(t->cap_keep[i], name) == 0 || strcmp(t->cap_keep[i], bare) == 0;
        for (size_t i = 0; name && t->cap_drop && t->cap_drop[i]; i++)
            if (strcmp(t->cap_drop[i], name) == 0 || strcmp(t->cap_drop[i], bare) == 0)
                in = false;
        if (in && name && strncmp(name, "cap_", 4) == 0) {
            cleanup_free char *upper = xstrdup(name);
            for (char *p = upper; *p; p++)
                *p = (char)toupper((unsigned char)*p);
            json_object_array_add(list, json_object_new_string(upper));
        }
        cap_free(name);
    }
    for (size_t i = 0; i < 3; i++)
        json_object_object_add(caps, sets[i], i == 0 ? list : json_object_get(list));
    json_object_object_add(obj(t->cv->spec, "process", NULL), "capabilities", caps);
}

static void finish(struct tr *t)
{
    struct json_object *args = json_object_new_array(), *proc = obj(t->cv->spec, "process", NULL);
    struct json_object *img = t->cv->image_config, *labels;
    bool netns = true;

    for (size_t i = 0; t->init_cmd && t->init_cmd[i]; i++)
        json_object_array_add(args, json_object_new_string(t->init_cmd[i]));
    if (t->init_cmd == NULL)
        json_object_array_add(args, json_object_new_string("/sbin/init"));   /* LXC's default */
    json_object_object_add(proc, "args", args);
    json_object_object_add(proc, "env", json_object_get(t->env));
    /* An LXC container is a system container: lxc-start runs its init.cmd as PID 1 with what
     * an init needs, which runlxc gives a rich container (design note 20). */
    json_object_object_add(obj(t->cv->spec, "annotations", NULL), RLX_RICH_ANNOTATION, json_object_new_string("true"));
    finish_caps(t);
    finish_mounts(t);
    if (t->devices_v1 || t->devices_v2) {
        struct json_object *d = json_object_new_array(), *list = t->devices_v1 ? t->devices_v1 : t->devices_v2;
        /* OCI's list is read in order like LXC's: the default deny first */
        for (size_t i = 0; i < json_object_array_length(list); i++)
            json_object_array_add(d, json_object_get(json_object_array_get_idx(list, i)));
        json_object_object_add(resources(t), "devices", d);
    }
    for (int i = 0; i < MAX_NETS; i++)
        if (t->net_type[i] && strcmp(t->net_type[i], "none") == 0)
            netns = false;
    if (!netns) {
        ns_set(t, "network", false);
    } else if (t->net_lines) {
        cleanup_free char *joined = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&joined, &len);
        for (size_t i = 0; m && t->net_lines[i]; i++) {
            /* an empty interface is liblxc's loopback-only default: nothing to carry */
            long idx = strtol(t->net_lines[i] + 8, NULL, 10);
            if (idx >= 0 && idx < MAX_NETS && t->net_type[idx] && strcmp(t->net_type[idx], "empty") == 0)
                continue;
            fprintf(m, "%s\n", t->net_lines[i]);
        }
        if (m)
            fclose(m);
        if (joined && *joined)
            json_object_object_add(obj(t->cv->spec, "annotations", NULL), RLX_LXC_NET_ANNOTATION,
                                   json_object_new_string(joined));
    }
    if (!json_object_object_get_ex(t->cv->spec, "hostname", NULL) ||
        strcmp(json_object_get_string(json_object_object_get(t->cv->spec, "hostname")), "runlxc") == 0)
        json_object_object_add(t->cv->spec, "hostname", json_object_new_string(t->name));
    /* the image config: what an engine reads (Cmd, Env, WorkingDir, User, StopSignal, Labels) */
    json_object_object_add(img, "Cmd", json_object_get(args));
    json_object_object_add(img, "Env", json_object_get(t->env));
    json_object_object_add(img, "WorkingDir", json_object_get(json_object_object_get(proc, "cwd")));
    {
        struct json_object *user = obj(proc, "user", NULL);
        cleanup_free char *u = xasprintf("%d:%d", json_object_get_int(json_object_object_get(user, "uid")),
                                         json_object_get_int(json_object_object_get(user, "gid")));
        json_object_object_add(img, "User", json_object_new_string(u));
    }
    if (!json_object_object_get_ex(img, "StopSignal", NULL))
        json_object_object_add(img, "StopSignal", json_object_new_string("SIGPWR"));   /* LXC's default halt */
    labels = obj(img, "Labels", NULL);
    json_object_object_add(labels, "org.runlxc.lxc.name", json_object_new_string(t->name));
}

int rlx_convert(const struct rlx_lxc_config *cfg, const char *name, struct rlx_conv *cv, rlx_error_t *err)
{
    struct tr t = {.cv = cv, .cfg = cfg, .name = name, .autodev = true};
    struct json_object *proc;
    int r = 0;

    memset(cv, 0, sizeof(*cv));
    cv->spec = rlx_spec_default_json();
    if (cv->spec == NULL)
        return rlx_error(err, 0, "convert: the built-in default config does not parse");
    cv->report = json_object_new_array();
    cv->image_config = json_object_new_object();
    t.mounts = json_object_new_array();
    t.env = json_object_new_array();
    json_object_array_add(t.env, json_object_new_string("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    json_object_array_add(t.env, json_object_new_string("container=lxc"));   /* what LXC gives init */
    /* LXC's defaults where runc's differ: a writable rootfs, no no_new_privs, no rlimits of its
     * own, and every mount of lxc.mount.auto only if asked for */
    proc = obj(cv->spec, "process", NULL);
    json_object_object_add(proc, "terminal", json_object_new_boolean(false));
    json_object_object_add(proc, "noNewPrivileges", json_object_new_boolean(false));
    json_object_object_del(proc, "rlimits");
    json_object_object_add(obj(cv->spec, "root", NULL), "readonly", json_object_new_boolean(false));
    if (rlx_probe_unshare(0x02000000 /* CLONE_NEWCGROUP */))
        ns_set(&t, "cgroup", true);   /* LXC makes one where the kernel can */
    t.proc = true;
    for (size_t i = 0; r == 0 && i < cfg->n; i++)
        r = dispatch(&t, &cfg->items[i], err);
    if (r == 0) {
        if (!t.mount_auto_seen)
            t.sys = t.cgroup = false;   /* LXC mounts none of them then; runlxc still needs /proc */
        finish(&t);
        if (cv->rootfs.path == NULL)
            r = rlx_error(err, 0, "the LXC config sets no usable lxc.rootfs.path");
    }
    strv_free(t.cap_drop);
    strv_free(t.cap_keep);
    strv_free(t.net_lines);
    strv_free(t.init_cmd);
    for (int i = 0; i < MAX_NETS; i++)
        free(t.net_type[i]);
    json_object_put(t.devices_v1);
    json_object_put(t.devices_v2);
    json_object_put(t.mounts);
    json_object_put(t.env);
    if (r < 0)
        rlx_conv_free(cv);
    return r;
}

void rlx_conv_free(struct rlx_conv *cv)
{
    json_object_put(cv->spec);
    json_object_put(cv->report);
    json_object_put(cv->image_config);
    free(cv->rootfs.kind);
    free(cv->rootfs.path);
    free(cv->rootfs.upper);
    memset(cv, 0, sizeof(*cv));
}
