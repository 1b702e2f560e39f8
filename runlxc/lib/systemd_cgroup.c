/* The systemd cgroup driver: path rules (runc's), and the few D-Bus calls runlxc makes to
 * systemd's manager (dbus.h: sd-bus or libdbus-1, loaded at run time). */
#include "systemd_cgroup.h"
#include "dbus.h"
#include "util.h"
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
/* runc waits as long for a unit to start or stop. */
#define SD_JOB_TIMEOUT_MS 30000

/* ---- path rules ---------------------------------------------------------------------- */

char *rlx_sd_expand_slice(const char *slice, rlx_error_t *err)
{
    size_t n = strlen(slice), sl = strlen(".slice");
    cleanup_free char *name = NULL, *prefix = xstrdup("");
    char *path = xstrdup(""), *save = NULL, *c;

    if (n <= sl || strcmp(slice + n - sl, ".slice") != 0 || strchr(slice, '/')) {
        free(path);
        rlx_error(err, 0, "invalid slice name: %s", slice);
        return NULL;
    }
    name = xstrndup(slice, n - sl);
    if (strcmp(name, "-") == 0)
        return path;
    /* test--a.slice and -test.slice have an empty component: refused, as by runc and systemd. */
    if (name[0] == '-' || name[strlen(name) - 1] == '-' || strstr(name, "--")) {
        free(path);
        rlx_error(err, 0, "invalid slice name: %s", slice);
        return NULL;
    }
    for (c = strtok_r(name, "-", &save); c; c = strtok_r(NULL, "-", &save)) {
        char *p = xasprintf("%s/%s%s.slice", path, prefix, c), *q = xasprintf("%s%s-", prefix, c);
        free(path);
        free(prefix);
        path = p;
        prefix = q;
    }
    return path;
}

int rlx_sd_check_path_form(const char *cgroups_path, rlx_error_t *err)
{
    const char *c1 = cgroups_path ? strchr(cgroups_path, ':') : NULL, *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (cgroups_path == NULL || *cgroups_path == '\0' || (c2 && strchr(c2 + 1, ':') == NULL))
        return 0;
    return rlx_error(err, 0,
                     "linux.cgroupsPath: expected cgroupsPath to be of format \"slice:prefix:name\" for "
                     "systemd cgroups, got \"%s\" instead",
                     cgroups_path);
}

int rlx_sd_parse_path(const char *cgroups_path, const char *id, struct rlx_sd_unit *u, rlx_error_t *err)
{
    cleanup_free char *slice_path = NULL;
    /* the bundle's properties, parsed first as runc does, stay */
    u->slice = u->unit = u->cgroup_dir = NULL;
    if (rlx_sd_check_path_form(cgroups_path, err) < 0)
        return -1;
    if (cgroups_path == NULL || *cgroups_path == '\0') {
        u->slice = xstrdup("system.slice");
        u->unit = xasprintf("runlxc-%s.scope", id);
    } else {
        const char *c1 = strchr(cgroups_path, ':'), *c2 = strchr(c1 + 1, ':');
        u->slice = c1 == cgroups_path ? xstrdup("system.slice") : xstrndup(cgroups_path, (size_t)(c1 - cgroups_path));
        {
            cleanup_free char *prefix = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
            const char *name = c2 + 1;
            size_t nl = strlen(name);
            if (nl >= 6 && strcmp(name + nl - 6, ".slice") == 0) {
                /* A slice cannot take a process: systemd hands a slice's properties to its cgroup
                 * code alone, so runc's PIDs= for such a unit is refused by systemd (only
                 * libcontainer's callers that pass no pid, as kubelet does, get a slice), while
                 * liblxc must put init in a leaf. Refused here, before anything is made. */
                rlx_sd_unit_free(u);
                return rlx_error(err, 0, "linux.cgroupsPath: '%s': a slice as the container's unit cannot hold its "
                                 "process (systemd sets PIDs only on scopes; runc fails the same way): give a scope name",
                                 cgroups_path);
            }
            if (*name == '\0' || strchr(name, '/') || strchr(prefix, '/')) {
                rlx_sd_unit_free(u);
                return rlx_error(err, 0, "linux.cgroupsPath: '%s': invalid unit name", cgroups_path);
            }
            u->unit = xasprintf("%s-%s.scope", prefix, name);
        }
    }
    slice_path = rlx_sd_expand_slice(u->slice, err);
    if (slice_path == NULL) {
        rlx_sd_unit_free(u);
        return rlx_error_wrap(err, "linux.cgroupsPath");
    }
    u->cgroup_dir = xasprintf("%s/%s", slice_path[0] ? slice_path + 1 : "", u->unit);
    if (slice_path[0] == '\0')
        memmove(u->cgroup_dir, u->cgroup_dir + 1, strlen(u->cgroup_dir));
    return 0;
}

/* ASCII letters only, as runc's checkPropertyName */
static bool sd_property_name(const char *name)
{
    size_t n = 0;
    for (; isalpha((unsigned char)name[n]) && isascii((unsigned char)name[n]); n++)
        ;
    return name[n] == '\0';
}

int rlx_sd_unit_add_annotations(struct rlx_sd_unit *u, struct json_object *annotations, rlx_error_t *err)
{
    static const char prefix[] = "org.systemd.property.";
    if (annotations == NULL)
        return 0;
    json_object_object_foreach(annotations, key, val) {
        const char *name, *text = json_object_get_string(val);
        struct rlx_sd_prop p = {0};
        rlx_error_t perr = NULL;
        size_t len;
        if (strncmp(key, prefix, strlen(prefix)) != 0)
            continue;
        name = key + strlen(prefix);
        len = strlen(name);
        if (len < 3 || !sd_property_name(name))
            return rlx_error(err, 0, "annotation %s name incorrect: %s", key,
                             len < 3 ? "too short" : "contains non-alphabetic character");
        if (rlx_gv_parse(text ? text : "", &p.value, &perr) < 0) {
            rlx_error(err, 0, "annotation %s=%s value parse error: %s", key, text ? text : "", rlx_error_text(&perr));
            rlx_error_release(&perr);
            return -1;
        }
        if (len > 3 && strcmp(name + len - 3, "Sec") == 0 && islower((unsigned char)name[len - 4])) {
            double sec = 0;
            bool number = rlx_gv_number(&p.value, &sec);
            if (!number || sec < 0) {
                rlx_gv_free(&p.value);
                return rlx_error(err, 0, "annotation %s=%s value parse error: %s", key, text,
                                 number ? "negative time" : "not a number");
            }
            rlx_gv_free(&p.value);
            p.value.type = 't';
            p.value.v.u = (uint64_t)(sec * 1000000);
            p.name = xasprintf("%.*sUSec", (int)(len - 3), name);
        } else {
            p.name = xstrdup(name);
        }
        u->props = xrealloc(u->props, (u->n_props + 1) * sizeof(*u->props));
        u->props[u->n_props++] = p;
    }
    return 0;
}

void rlx_sd_unit_free(struct rlx_sd_unit *u)
{
    free(u->slice);
    free(u->unit);
    free(u->cgroup_dir);
    for (size_t i = 0; i < u->n_props; i++) {
        free(u->props[i].name);
        rlx_gv_free(&u->props[i].value);
    }
    free(u->props);
    memset(u, 0, sizeof(*u));
}

/* ---- the connection ------------------------------------------------------------------ */

struct rlx_sd {
    struct rlx_bus *bus;
    int version;
};

static bool systemd_booted(void)
{
    struct stat st;
    return lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

bool rlx_sd_available(void)
{
    return systemd_booted() && rlx_bus_loadable();
}

int rlx_sd_version(const struct rlx_sd *sd)
{
    return sd->version;
}

struct rlx_sd *rlx_sd_open(rlx_error_t *err)
{
    struct rlx_bus_error e = {0};
    struct rlx_sd *sd;
    char *v = NULL;

    if (!systemd_booted()) {
        rlx_error(err, 0, "--systemd-cgroup: systemd is not running on this host (no /run/systemd/system); "
                          "cannot use the systemd cgroup driver");
        return NULL;
    }
    sd = xcalloc(1, sizeof(*sd));
    sd->bus = rlx_bus_open(err);
    if (sd->bus == NULL) {
        free(sd);
        return NULL;
    }
    if (rlx_bus_get_string(sd->bus, SD_PATH, SD_MANAGER, "Version", &v, &e) < 0) {
        rlx_error(err, 0, "--systemd-cgroup: systemd does not answer over D-Bus (%s): %s", rlx_bus_library(sd->bus),
                  e.message);
        rlx_bus_error_free(&e);
        rlx_sd_close(sd);
        return NULL;
    }
    /* "252.39-1~deb12u2", "v245.4-1.fc32", "219" */
    sd->version = atoi(v + strspn(v, "\"v"));
    free(v);
    return sd;
}

void rlx_sd_close(struct rlx_sd *sd)
{
    if (sd == NULL)
        return;
    rlx_bus_close(sd->bus);
    free(sd);
}

/* ---- properties ---------------------------------------------------------------------- */

/* One (sv) entry of a property array; a failed append fails the call that sends it. */
static void prop_open(struct rlx_bus_msg *m, const char *name, const char *type)
{
    rlx_bus_open_container(m, 'r', "sv");
    rlx_bus_append_s(m, name);
    rlx_bus_open_container(m, 'v', type);
}

static void prop_close(struct rlx_bus_msg *m)
{
    rlx_bus_close_container(m);
    rlx_bus_close_container(m);
}

#define TRY(x)                                                                                                        \
    do {                                                                                                              \
        if (r >= 0)                                                                                                   \
            r = (x);                                                                                                  \
    } while (0)

static int prop_t(struct rlx_bus_msg *m, const char *name, uint64_t v)
{
    prop_open(m, name, "t");
    rlx_bus_append_t(m, v);
    prop_close(m);
    return 0;
}

static int prop_b(struct rlx_bus_msg *m, const char *name, bool v)
{
    prop_open(m, name, "b");
    rlx_bus_append_b(m, v);
    prop_close(m);
    return 0;
}

static int prop_s(struct rlx_bus_msg *m, const char *name, const char *v)
{
    prop_open(m, name, "s");
    rlx_bus_append_s(m, v);
    prop_close(m);
    return 0;
}

/* "0-3,8" -> the byte array systemd's AllowedCPUs= takes (bit n of byte n/8 for CPU n). */
/* A bundle's property value (org.systemd.property.*) as what it parsed to. */
static void append_gv(struct rlx_bus_msg *m, const struct rlx_gv *v)
{
    union { uint8_t y; int16_t n; uint16_t q; int32_t i; uint32_t u; int64_t x; uint64_t t; double d; int b; } c;
    switch (v->type) {
    case 'a': {
        char elem[2] = {v->elem, '\0'};
        rlx_bus_open_container(m, 'a', elem);
        for (size_t i = 0; i < v->n; i++)
            append_gv(m, &v->items[i]);
        rlx_bus_close_container(m);
        return;
    }
    case 's': rlx_bus_append_s(m, v->v.s); return;
    case 'y': c.y = (uint8_t)v->v.u; break;
    case 'n': c.n = (int16_t)v->v.i; break;
    case 'q': c.q = (uint16_t)v->v.u; break;
    case 'i': c.i = (int32_t)v->v.i; break;
    case 'u': c.u = (uint32_t)v->v.u; break;
    case 'x': c.x = v->v.i; break;
    case 't': c.t = v->v.u; break;
    case 'd': c.d = v->v.d; break;
    case 'b': c.b = v->v.b; break;
    }
    rlx_bus_append_fixed(m, v->type, &c);
}

static void prop_gv(struct rlx_bus_msg *m, const struct rlx_sd_prop *p)
{
    char sig[3];
    prop_open(m, p->name, rlx_gv_signature(&p->value, sig));
    append_gv(m, &p->value);
    prop_close(m);
}

static int prop_cpuset(struct rlx_bus_msg *m, const char *name, const char *list)
{
    uint8_t bits[1024] = {0};
    size_t len = 0;
    const char *p = list;
    while (*p) {
        char *end;
        unsigned long a = strtoul(p, &end, 10), b = a;
        if (end == p)
            return -EINVAL;
        if (*end == '-')
            b = strtoul(end + 1, &end, 10);
        if (b < a || b >= sizeof(bits) * 8)
            return -EINVAL;
        for (unsigned long i = a; i <= b; i++)
            bits[i / 8] |= (uint8_t)(1u << (i % 8));
        len = len > b / 8 + 1 ? len : b / 8 + 1;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return -EINVAL;
    }
    prop_open(m, name, "ay");
    rlx_bus_append_bytes(m, bits, len);
    prop_close(m);
    return 0;
}

static bool set_nonzero(int64_t v)
{
    return v != RLX_UNSET && v != 0;
}

/* runc's mapping of resources to unit properties (genV1ResourcesProperties,
 * genV2ResourcesProperties), each sent only to a systemd that knows it; the cgroup files are
 * written afterwards anyway, so an older systemd only lacks the value in its unit. */
static int add_resources(const struct rlx_sd *sd, struct rlx_bus_msg *m, const struct rlx_resources *res,
                         const struct rlx_cgroup_layout *l)
{
    bool v2 = l->mode == RLX_CGROUP_V2;
    int ver = sd->version, r = 0;
    if (v2) {
        if (set_nonzero(res->mem_limit) && ver >= 231)
            TRY(prop_t(m, "MemoryMax", res->mem_limit < 0 ? UINT64_MAX : (uint64_t)res->mem_limit));
        if (set_nonzero(res->mem_reservation) && ver >= 231)
            TRY(prop_t(m, "MemoryLow", res->mem_reservation < 0 ? UINT64_MAX : (uint64_t)res->mem_reservation));
        if (set_nonzero(res->mem_swap) && ver >= 232) {
            if (res->mem_swap < 0)
                TRY(prop_t(m, "MemorySwapMax", UINT64_MAX));
            else if (res->mem_limit > 0 && res->mem_swap >= res->mem_limit)
                TRY(prop_t(m, "MemorySwapMax", (uint64_t)(res->mem_swap - res->mem_limit)));
        }
        if (set_nonzero(res->cpu_shares) && ver >= 232) {
            int64_t s = res->cpu_shares < 2 ? 2 : res->cpu_shares > 262144 ? 262144 : res->cpu_shares;
            TRY(prop_t(m, "CPUWeight", (uint64_t)(1 + ((s - 2) * 9999) / 262142)));
        }
    } else {
        if (set_nonzero(res->mem_limit))
            TRY(prop_t(m, "MemoryLimit", res->mem_limit < 0 ? UINT64_MAX : (uint64_t)res->mem_limit));
        if (set_nonzero(res->cpu_shares))
            TRY(prop_t(m, "CPUShares", (uint64_t)res->cpu_shares));
        if (set_nonzero(res->blkio_weight))
            TRY(prop_t(m, "BlockIOWeight", (uint64_t)res->blkio_weight));
    }
    {
        uint64_t period = set_nonzero(res->cpu_period) ? (uint64_t)res->cpu_period : 0;
        int64_t quota = res->cpu_quota == RLX_UNSET ? 0 : res->cpu_quota;
        if (period && ver >= 242)
            TRY(prop_t(m, "CPUQuotaPeriodUSec", period));
        if ((quota != 0 || period != 0) && ver >= 213) {
            uint64_t per_sec = UINT64_MAX;
            if (quota > 0) {
                /* systemd keeps whole percents of a CPU: round up to 10 ms per second so the
                 * scope's quota is never below the one written to the files. */
                per_sec = (uint64_t)quota * 1000000 / (period ? period : 100000);
                if (per_sec % 10000)
                    per_sec = (per_sec / 10000 + 1) * 10000;
            }
            TRY(prop_t(m, "CPUQuotaPerSecUSec", per_sec));
        }
    }
    if (res->pids_limit != RLX_UNSET && (res->pids_limit > 0 || res->pids_limit == -1) && ver >= 227)
        TRY(prop_t(m, "TasksMax", res->pids_limit < 0 ? UINT64_MAX : (uint64_t)res->pids_limit));
    if (ver >= 244) {
        if (res->cpu_cpus && *res->cpu_cpus)
            TRY(prop_cpuset(m, "AllowedCPUs", res->cpu_cpus));
        if (res->cpu_mems && *res->cpu_mems)
            TRY(prop_cpuset(m, "AllowedMemoryNodes", res->cpu_mems));
    }
    return r;
}

static void add_devices(struct rlx_bus_msg *m, const struct rlx_sd_device *d, size_t n)
{
    prop_s(m, "DevicePolicy", "strict");
    prop_open(m, "DeviceAllow", "a(ss)");
    rlx_bus_open_container(m, 'a', "(ss)");
    for (size_t i = 0; i < n; i++) {
        rlx_bus_open_container(m, 'r', "ss");
        rlx_bus_append_s(m, d[i].path);
        rlx_bus_append_s(m, d[i].access);
        rlx_bus_close_container(m);
    }
    rlx_bus_close_container(m);
    prop_close(m);
}

/* ---- units --------------------------------------------------------------------------- */

/* A manager method whose arguments are strings; its reply's object path in *path if asked. */
static int manager_call(struct rlx_sd *sd, const char *method, const char *a1, const char *a2, char **path,
                        struct rlx_bus_error *e)
{
    struct rlx_bus_msg *m = rlx_bus_method(sd->bus, SD_PATH, SD_MANAGER, method);
    rlx_bus_append_s(m, a1);
    if (a2)
        rlx_bus_append_s(m, a2);
    return rlx_bus_call(m, path, e);
}

static char *unit_object(struct rlx_sd *sd, const char *unit)
{
    struct rlx_bus_error e = {0};
    char *path = NULL;
    if (manager_call(sd, "GetUnit", unit, NULL, &path, &e) < 0)
        rlx_bus_error_free(&e);
    return path;
}

char *rlx_sd_active_state(struct rlx_sd *sd, const char *unit)
{
    struct rlx_bus_error e = {0};
    cleanup_free char *obj = unit_object(sd, unit);
    char *state = NULL;
    if (obj == NULL)
        return NULL;
    if (rlx_bus_get_string(sd->bus, obj, "org.freedesktop.systemd1.Unit", "ActiveState", &state, &e) < 0) {
        rlx_bus_error_free(&e);
        state = NULL;
    }
    return state;
}

static bool job_pending(struct rlx_sd *sd, const char *job)
{
    struct rlx_bus_error e = {0};
    char *state = NULL;
    bool pending = job && rlx_bus_get_string(sd->bus, job, "org.freedesktop.systemd1.Job", "State", &state, &e) == 0;
    free(state);
    rlx_bus_error_free(&e);
    return pending;
}

/* Polls the unit's state while its job is queued or running (a scope in a new slice waits for
 * the slices' jobs first): a JobRemoved match would need an event loop for what takes a few
 * milliseconds. */
static int wait_state(struct rlx_sd *sd, const char *unit, const char *job, bool start, rlx_error_t *err)
{
    for (int ms = 0;; ms += 5) {
        cleanup_free char *s = rlx_sd_active_state(sd, unit);
        bool failed = s == NULL || strcmp(s, "failed") == 0;
        if (start) {
            if (!failed && strcmp(s, "active") == 0)
                return 0;
            if (failed || !job_pending(sd, job)) {
                /* The job may have ended between the two reads: the state now says how. */
                if (!failed) {
                    free(s);
                    s = rlx_sd_active_state(sd, unit);
                    if (s && strcmp(s, "active") == 0)
                        return 0;
                }
                return rlx_error(err, 0, "--systemd-cgroup: systemd did not start unit %s (%s)", unit,
                                 s ? s : "not loaded");
            }
        } else if (failed || strcmp(s, "inactive") == 0) {
            return 0;
        }
        if (ms >= SD_JOB_TIMEOUT_MS)
            return rlx_error(err, ETIMEDOUT, "--systemd-cgroup: waiting for systemd to %s unit %s",
                             start ? "start" : "stop", unit);
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
}

static void reset_failed(struct rlx_sd *sd, const char *unit)
{
    struct rlx_bus_error e = {0};
    if (manager_call(sd, "ResetFailedUnit", unit, NULL, NULL, &e) < 0)
        rlx_bus_error_free(&e);
}

static int start_once(struct rlx_sd *sd, const struct rlx_sd_unit *u, pid_t pid, const struct rlx_resources *res,
                      const struct rlx_cgroup_layout *l, const struct rlx_sd_device *devices, size_t n_devices,
                      char **job, struct rlx_bus_error *e)
{
    struct rlx_bus_msg *m = rlx_bus_method(sd->bus, SD_PATH, SD_MANAGER, "StartTransientUnit");
    cleanup_free char *desc = xasprintf("runlxc container %s", u->unit);
    bool v2 = l->mode == RLX_CGROUP_V2;

    rlx_bus_append_s(m, u->unit);
    rlx_bus_append_s(m, "replace");
    rlx_bus_open_container(m, 'a', "(sv)");
    prop_s(m, "Description", desc);
    prop_s(m, "Slice", u->slice);
    /* Delegate= on scopes exists since systemd 218. */
    prop_b(m, "Delegate", true);
    prop_b(m, "DefaultDependencies", false);
    prop_open(m, "PIDs", "au");
    rlx_bus_open_container(m, 'a', "u");
    rlx_bus_append_u(m, (uint32_t)pid);
    rlx_bus_close_container(m);
    prop_close(m);
    prop_b(m, "MemoryAccounting", true);
    prop_b(m, "CPUAccounting", true);
    if (v2 && sd->version >= 230)
        prop_b(m, "IOAccounting", true);
    else if (!v2)
        prop_b(m, "BlockIOAccounting", true);
    if (sd->version >= 227)
        prop_b(m, "TasksAccounting", true);
    if (add_resources(sd, m, res, l) < 0) {
        rlx_bus_discard(m);
        e->message = xstrdup("linux.resources.cpu: invalid cpus or mems list");
        return -1;
    }
    if (devices)
        add_devices(m, devices, n_devices);
    for (size_t i = 0; i < u->n_props; i++)
        prop_gv(m, &u->props[i]);
    rlx_bus_close_container(m);
    /* no auxiliary units: a(sa(sv)) empty */
    rlx_bus_open_container(m, 'a', "(sa(sv))");
    rlx_bus_close_container(m);
    return rlx_bus_call(m, job, e);
}

int rlx_sd_start_scope(struct rlx_sd *sd, const struct rlx_sd_unit *u, pid_t pid, const struct rlx_resources *r,
                       const struct rlx_cgroup_layout *l, const struct rlx_sd_device *devices, size_t n_devices,
                       rlx_error_t *err)
{
    struct rlx_bus_error e = {0};
    cleanup_free char *job = NULL;
    int ret = start_once(sd, u, pid, r, l, devices, n_devices, &job, &e);
    if (ret < 0 && rlx_bus_error_is(&e, "org.freedesktop.systemd1.UnitExists")) {
        /* As runc: a failed unit of that name left behind is reset, then tried once more. */
        rlx_bus_error_free(&e);
        reset_failed(sd, u->unit);
        ret = start_once(sd, u, pid, r, l, devices, n_devices, &job, &e);
    }
    if (ret < 0) {
        /* systemd does not say which property it refused: name the bundle's own */
        cleanup_free char *given = NULL;
        for (size_t i = 0; i < u->n_props; i++) {
            char *prev = given;
            given = xasprintf("%s%s%s", prev ? prev : "", prev ? ", " : "", u->props[i].name);
            free(prev);
        }
        rlx_error(err, 0, "--systemd-cgroup: start unit %s in %s: %s%s%s%s", u->unit, u->slice, e.message,
                  given ? " (with these properties from org.systemd.property.* annotations: " : "",
                  given ? given : "", given ? ")" : "");
        rlx_bus_error_free(&e);
        return -1;
    }
    if (wait_state(sd, u->unit, job, true, err) < 0) {
        reset_failed(sd, u->unit);
        return -1;
    }
    return 0;
}

int rlx_sd_set_resources(struct rlx_sd *sd, const char *unit, const struct rlx_resources *res,
                         const struct rlx_cgroup_layout *l, rlx_error_t *err)
{
    struct rlx_bus_error e = {0};
    struct rlx_bus_msg *m = rlx_bus_method(sd->bus, SD_PATH, SD_MANAGER, "SetUnitProperties");
    int r;
    rlx_bus_append_s(m, unit);
    rlx_bus_append_b(m, true);
    rlx_bus_open_container(m, 'a', "(sv)");
    r = add_resources(sd, m, res, l);
    rlx_bus_close_container(m);
    if (r < 0) {
        rlx_bus_discard(m);
        return rlx_error(err, 0, "--systemd-cgroup: set properties of unit %s: linux.resources.cpu: invalid cpus or mems list",
                         unit);
    }
    if (rlx_bus_call(m, NULL, &e) < 0) {
        rlx_error(err, 0, "--systemd-cgroup: set properties of unit %s: %s", unit, e.message);
        rlx_bus_error_free(&e);
        return -1;
    }
    return 0;
}

int rlx_sd_stop_unit(struct rlx_sd *sd, const char *unit, rlx_error_t *err)
{
    struct rlx_bus_error e = {0};
    int r = manager_call(sd, "StopUnit", unit, "replace", NULL, &e);
    if (r < 0 && !rlx_bus_error_is(&e, "org.freedesktop.systemd1.NoSuchUnit")) {
        rlx_error(err, 0, "--systemd-cgroup: stop unit %s: %s", unit, e.message);
        rlx_bus_error_free(&e);
        return -1;
    }
    rlx_bus_error_free(&e);
    r = r < 0 ? 0 : wait_state(sd, unit, NULL, false, err);
    /* A scope whose processes were killed may end "failed": let systemd forget it. */
    reset_failed(sd, unit);
    return r;
}

/* ---- devices ------------------------------------------------------------------------- */

/* The name /proc/devices gives a major ("pts" for 136), for DeviceAllow=char-NAME. */
static char *major_name(char type, long major)
{
    cleanup_file FILE *f = fopen("/proc/devices", "re");
    char line[256], name[128];
    bool in = false;
    long maj;
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "Character", 9) == 0 || strncmp(line, "Block", 5) == 0) {
            in = (line[0] == 'C') == (type == 'c');
            continue;
        }
        if (in && sscanf(line, "%ld %127s", &maj, name) == 2 && maj == major)
            return xstrdup(name);
    }
    return NULL;
}

/* "c 1:3 rwm" -> "/dev/char/1:3" (systemd parses that without a node there), "c 136:* rwm"
 * -> "char-pts", "c *:* m" -> "char-*", as runc's systemd device rules do. NULL for a rule
 * systemd cannot express (a major /proc/devices does not name). */
static char *rule_to_device(const char *rule, char access[4])
{
    char type, maj[24], min[24], acc[4];
    if (sscanf(rule, "%c %23[^:]:%23s %3s", &type, maj, min, acc) != 4 || (type != 'c' && type != 'b'))
        return NULL;
    snprintf(access, 4, "%s", acc);
    if (strcmp(maj, "*") == 0)
        return xasprintf("%s-*", type == 'c' ? "char" : "block");
    if (strcmp(min, "*") == 0) {
        cleanup_free char *name = major_name(type, atol(maj));
        return name ? xasprintf("%s-%s", type == 'c' ? "char" : "block", name) : NULL;
    }
    return xasprintf("/dev/%s/%s:%s", type == 'c' ? "char" : "block", maj, min);
}

struct rlx_sd_device *rlx_sd_devices_from_rules(char **rules, const bool *allow, size_t n, size_t *n_out, bool *all)
{
    struct rlx_sd_device *out = NULL;
    size_t cnt = 0;
    *all = true;   /* the cgroup's default: everything allowed */
    for (size_t i = 0; i < n; i++) {
        char access[4];
        if (strcmp(rules[i], "a") == 0) {
            rlx_sd_devices_free(out, cnt);
            out = NULL;
            cnt = 0;
            *all = allow[i];
            continue;
        }
        {
            char *path = rule_to_device(rules[i], access);
            if (path == NULL)
                continue;
            if (!allow[i]) {
                for (size_t k = 0; k < cnt; k++)
                    if (strcmp(out[k].path, path) == 0 && strcmp(out[k].access, access) == 0) {
                        free(out[k].path);
                        memmove(&out[k], &out[k + 1], (cnt - k - 1) * sizeof(*out));
                        cnt--;
                        break;
                    }
                free(path);
                continue;
            }
            if (*all) {
                free(path);
                continue;
            }
            out = xrealloc(out, (cnt + 1) * sizeof(*out));
            out[cnt].path = path;
            memcpy(out[cnt].access, access, 4);
            cnt++;
        }
    }
    *n_out = cnt;
    return out;
}

void rlx_sd_devices_free(struct rlx_sd_device *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(d[i].path);
    free(d);
}
