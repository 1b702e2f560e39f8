/* The systemd cgroup driver: path rules (runc's), and the few D-Bus calls runlxc makes to
 * systemd's manager through sd-bus loaded at run time. */
#include "systemd_cgroup.h"
#include "util.h"
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#ifdef HAVE_SYSTEMD_SD_BUS_H
#include <systemd/sd-bus.h>
#else
/* The calls runlxc makes, as libsystemd.so.0 exports them (sd-bus is stable ABI since 221). */
typedef struct sd_bus sd_bus;
typedef struct sd_bus_message sd_bus_message;
typedef struct {
    const char *name;
    const char *message;
    int _need_free;
} sd_bus_error;
#define SD_BUS_ERROR_NULL {NULL, NULL, 0}
int sd_bus_new(sd_bus **ret);
int sd_bus_set_address(sd_bus *bus, const char *address);
int sd_bus_start(sd_bus *bus);
int sd_bus_open_system(sd_bus **ret);
sd_bus *sd_bus_flush_close_unref(sd_bus *bus);
int sd_bus_message_new_method_call(sd_bus *bus, sd_bus_message **m, const char *destination, const char *path,
                                   const char *interface, const char *member);
int sd_bus_message_append(sd_bus_message *m, const char *types, ...);
int sd_bus_message_open_container(sd_bus_message *m, char type, const char *contents);
int sd_bus_message_close_container(sd_bus_message *m);
int sd_bus_message_append_array(sd_bus_message *m, char type, const void *ptr, size_t size);
int sd_bus_call(sd_bus *bus, sd_bus_message *m, uint64_t usec, sd_bus_error *ret_error, sd_bus_message **reply);
int sd_bus_message_read(sd_bus_message *m, const char *types, ...);
sd_bus_message *sd_bus_message_unref(sd_bus_message *m);
void sd_bus_error_free(sd_bus_error *e);
int sd_bus_error_has_name(const sd_bus_error *e, const char *name);
int sd_bus_get_property_string(sd_bus *bus, const char *destination, const char *path, const char *interface,
                               const char *member, sd_bus_error *ret_error, char **ret);
int sd_bus_call_method(sd_bus *bus, const char *destination, const char *path, const char *interface,
                       const char *member, sd_bus_error *ret_error, sd_bus_message **reply, const char *types, ...);
#endif

#define SD_DEST "org.freedesktop.systemd1"
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
    memset(u, 0, sizeof(*u));
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
                /* runc then makes a slice unit with no process of its own; liblxc must put init
                 * in a leaf, and a slice cannot take a process. */
                rlx_sd_unit_free(u);
                return rlx_error(err, 0, "linux.cgroupsPath: '%s': a slice as the container's unit is not supported "
                                 "by runlxc (give a scope name)", cgroups_path);
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

void rlx_sd_unit_free(struct rlx_sd_unit *u)
{
    free(u->slice);
    free(u->unit);
    free(u->cgroup_dir);
    memset(u, 0, sizeof(*u));
}

/* ---- sd-bus, loaded at run time ------------------------------------------------------ */

#define SD_FUNCS(X)                                                                                                   \
    X(sd_bus_new) X(sd_bus_set_address) X(sd_bus_start) X(sd_bus_open_system) X(sd_bus_flush_close_unref)             \
    X(sd_bus_message_new_method_call) X(sd_bus_message_append) X(sd_bus_message_open_container)                       \
    X(sd_bus_message_close_container) X(sd_bus_message_append_array) X(sd_bus_call) X(sd_bus_message_read)            \
    X(sd_bus_message_unref) X(sd_bus_error_free) X(sd_bus_error_has_name) X(sd_bus_get_property_string)               \
    X(sd_bus_call_method)

static struct {
#define SD_FIELD(n) __typeof__(n) *n;
    SD_FUNCS(SD_FIELD)
} api;
static void *api_lib;

static int load_api(rlx_error_t *err)
{
    void *h;
    if (api_lib)
        return 0;
    h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    if (h == NULL)
        return rlx_error(err, 0, "--systemd-cgroup: cannot load libsystemd.so.0 (%s)", dlerror());
#define SD_LOAD(n)                                                                                                    \
    if ((api.n = (__typeof__(api.n))dlsym(h, #n)) == NULL) {                                                          \
        dlclose(h);                                                                                                   \
        return rlx_error(err, 0, "--systemd-cgroup: libsystemd.so.0 has no %s (sd-bus is public from systemd 221)", \
                         #n);                                                                                         \
    }
    SD_FUNCS(SD_LOAD)
    api_lib = h;
    return 0;
}

struct rlx_sd {
    sd_bus *bus;
    int version;
};

static bool systemd_booted(void)
{
    struct stat st;
    return lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

bool rlx_sd_available(void)
{
    rlx_error_t e = NULL;
    bool ok = systemd_booted() && load_api(&e) == 0;
    rlx_error_release(&e);
    return ok;
}

int rlx_sd_version(const struct rlx_sd *sd)
{
    return sd->version;
}

static const char *bus_text(const sd_bus_error *e, int r)
{
    return e && e->message ? e->message : strerror(-r);
}

struct rlx_sd *rlx_sd_open(rlx_error_t *err)
{
    sd_bus_error e = SD_BUS_ERROR_NULL;
    struct rlx_sd *sd;
    char *v = NULL;
    int r;

    if (!systemd_booted()) {
        rlx_error(err, 0, "--systemd-cgroup: systemd is not running on this host (no /run/systemd/system); "
                          "cannot use the systemd cgroup driver");
        return NULL;
    }
    if (load_api(err) < 0)
        return NULL;
    sd = xcalloc(1, sizeof(*sd));
    /* systemd's own socket, as systemctl uses it as root: no dbus-daemon needed. */
    r = api.sd_bus_new(&sd->bus);
    if (r >= 0)
        r = api.sd_bus_set_address(sd->bus, "unix:path=/run/systemd/private");
    if (r >= 0)
        r = api.sd_bus_start(sd->bus);
    if (r < 0) {
        if (sd->bus)
            api.sd_bus_flush_close_unref(sd->bus);
        sd->bus = NULL;
        r = api.sd_bus_open_system(&sd->bus);
    }
    if (r < 0) {
        rlx_error(err, -r, "--systemd-cgroup: cannot connect to systemd over D-Bus");
        rlx_sd_close(sd);
        return NULL;
    }
    r = api.sd_bus_get_property_string(sd->bus, SD_DEST, SD_PATH, SD_MANAGER, "Version", &e, &v);
    if (r < 0) {
        rlx_error(err, 0, "--systemd-cgroup: systemd does not answer over D-Bus: %s", bus_text(&e, r));
        api.sd_bus_error_free(&e);
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
    if (sd->bus)
        api.sd_bus_flush_close_unref(sd->bus);
    free(sd);
}

/* ---- properties ---------------------------------------------------------------------- */

#define TRY(x)                                                                                                        \
    do {                                                                                                              \
        if (r >= 0)                                                                                                   \
            r = (x);                                                                                                  \
    } while (0)

static int prop_t(sd_bus_message *m, const char *name, uint64_t v)
{
    return api.sd_bus_message_append(m, "(sv)", name, "t", v);
}

static int prop_b(sd_bus_message *m, const char *name, bool v)
{
    return api.sd_bus_message_append(m, "(sv)", name, "b", (int)v);
}

static int prop_s(sd_bus_message *m, const char *name, const char *v)
{
    return api.sd_bus_message_append(m, "(sv)", name, "s", v);
}

/* "0-3,8" -> the byte array systemd's AllowedCPUs= takes (bit n of byte n/8 for CPU n). */
static int prop_cpuset(sd_bus_message *m, const char *name, const char *list)
{
    uint8_t bits[1024] = {0};
    size_t len = 0;
    const char *p = list;
    int r = 0;
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
    TRY(api.sd_bus_message_open_container(m, 'r', "sv"));
    TRY(api.sd_bus_message_append(m, "s", name));
    TRY(api.sd_bus_message_open_container(m, 'v', "ay"));
    TRY(api.sd_bus_message_append_array(m, 'y', bits, len));
    TRY(api.sd_bus_message_close_container(m));
    TRY(api.sd_bus_message_close_container(m));
    return r;
}

static bool set_nonzero(int64_t v)
{
    return v != RLX_UNSET && v != 0;
}

/* runc's mapping of resources to unit properties (genV1ResourcesProperties,
 * genV2ResourcesProperties), each sent only to a systemd that knows it; the cgroup files are
 * written afterwards anyway, so an older systemd only lacks the value in its unit. */
static int add_resources(const struct rlx_sd *sd, sd_bus_message *m, const struct rlx_resources *res,
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

static int add_devices(sd_bus_message *m, const struct rlx_sd_device *d, size_t n)
{
    int r = 0;
    TRY(prop_s(m, "DevicePolicy", "strict"));
    TRY(api.sd_bus_message_open_container(m, 'r', "sv"));
    TRY(api.sd_bus_message_append(m, "s", "DeviceAllow"));
    TRY(api.sd_bus_message_open_container(m, 'v', "a(ss)"));
    TRY(api.sd_bus_message_open_container(m, 'a', "(ss)"));
    for (size_t i = 0; i < n; i++)
        TRY(api.sd_bus_message_append(m, "(ss)", d[i].path, d[i].access));
    TRY(api.sd_bus_message_close_container(m));
    TRY(api.sd_bus_message_close_container(m));
    TRY(api.sd_bus_message_close_container(m));
    return r;
}

/* ---- units --------------------------------------------------------------------------- */

static char *unit_object(struct rlx_sd *sd, const char *unit)
{
    sd_bus_error e = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    const char *path = NULL;
    char *out = NULL;
    if (api.sd_bus_call_method(sd->bus, SD_DEST, SD_PATH, SD_MANAGER, "GetUnit", &e, &reply, "s", unit) >= 0 &&
        api.sd_bus_message_read(reply, "o", &path) >= 0)
        out = xstrdup(path);
    api.sd_bus_error_free(&e);
    api.sd_bus_message_unref(reply);
    return out;
}

char *rlx_sd_active_state(struct rlx_sd *sd, const char *unit)
{
    sd_bus_error e = SD_BUS_ERROR_NULL;
    cleanup_free char *obj = unit_object(sd, unit);
    char *state = NULL;
    if (obj == NULL)
        return NULL;
    if (api.sd_bus_get_property_string(sd->bus, SD_DEST, obj, "org.freedesktop.systemd1.Unit", "ActiveState", &e,
                                       &state) < 0)
        state = NULL;
    api.sd_bus_error_free(&e);
    return state;
}

static bool job_pending(struct rlx_sd *sd, const char *job)
{
    sd_bus_error e = SD_BUS_ERROR_NULL;
    char *state = NULL;
    bool pending = job && api.sd_bus_get_property_string(sd->bus, SD_DEST, job, "org.freedesktop.systemd1.Job",
                                                         "State", &e, &state) >= 0;
    free(state);
    api.sd_bus_error_free(&e);
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
    sd_bus_error e = SD_BUS_ERROR_NULL;
    api.sd_bus_call_method(sd->bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", &e, NULL, "s", unit);
    api.sd_bus_error_free(&e);
}

static int start_once(struct rlx_sd *sd, const struct rlx_sd_unit *u, pid_t pid, const struct rlx_resources *res,
                      const struct rlx_cgroup_layout *l, const struct rlx_sd_device *devices, size_t n_devices,
                      char **job, sd_bus_error *e)
{
    const char *path = NULL;
    sd_bus_message *m = NULL, *reply = NULL;
    cleanup_free char *desc = xasprintf("runlxc container %s", u->unit);
    bool v2 = l->mode == RLX_CGROUP_V2;
    int r;

    r = api.sd_bus_message_new_method_call(sd->bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit");
    TRY(api.sd_bus_message_append(m, "ss", u->unit, "replace"));
    TRY(api.sd_bus_message_open_container(m, 'a', "(sv)"));
    TRY(prop_s(m, "Description", desc));
    TRY(prop_s(m, "Slice", u->slice));
    /* Delegate= on scopes exists since systemd 218. */
    TRY(prop_b(m, "Delegate", true));
    TRY(prop_b(m, "DefaultDependencies", false));
    TRY(api.sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t)pid));
    TRY(prop_b(m, "MemoryAccounting", true));
    TRY(prop_b(m, "CPUAccounting", true));
    if (v2 && sd->version >= 230)
        TRY(prop_b(m, "IOAccounting", true));
    else if (!v2)
        TRY(prop_b(m, "BlockIOAccounting", true));
    if (sd->version >= 227)
        TRY(prop_b(m, "TasksAccounting", true));
    if (r >= 0)
        r = add_resources(sd, m, res, l);
    if (devices)
        TRY(add_devices(m, devices, n_devices));
    TRY(api.sd_bus_message_close_container(m));
    TRY(api.sd_bus_message_append(m, "a(sa(sv))", 0));
    TRY(api.sd_bus_call(sd->bus, m, 0, e, &reply));
    TRY(api.sd_bus_message_read(reply, "o", &path));
    if (r >= 0)
        *job = xstrdup(path);
    api.sd_bus_message_unref(reply);
    api.sd_bus_message_unref(m);
    return r;
}

int rlx_sd_start_scope(struct rlx_sd *sd, const struct rlx_sd_unit *u, pid_t pid, const struct rlx_resources *r,
                       const struct rlx_cgroup_layout *l, const struct rlx_sd_device *devices, size_t n_devices,
                       rlx_error_t *err)
{
    sd_bus_error e = SD_BUS_ERROR_NULL;
    cleanup_free char *job = NULL;
    int ret = start_once(sd, u, pid, r, l, devices, n_devices, &job, &e);
    if (ret < 0 && api.sd_bus_error_has_name(&e, "org.freedesktop.systemd1.UnitExists")) {
        /* As runc: a failed unit of that name left behind is reset, then tried once more. */
        api.sd_bus_error_free(&e);
        reset_failed(sd, u->unit);
        ret = start_once(sd, u, pid, r, l, devices, n_devices, &job, &e);
    }
    if (ret < 0) {
        rlx_error(err, 0, "--systemd-cgroup: start unit %s in %s: %s", u->unit, u->slice, bus_text(&e, ret));
        api.sd_bus_error_free(&e);
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
    sd_bus_error e = SD_BUS_ERROR_NULL;
    sd_bus_message *m = NULL, *reply = NULL;
    int r = api.sd_bus_message_new_method_call(sd->bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "SetUnitProperties");
    TRY(api.sd_bus_message_append(m, "sb", unit, 1));
    TRY(api.sd_bus_message_open_container(m, 'a', "(sv)"));
    if (r >= 0)
        r = add_resources(sd, m, res, l);
    TRY(api.sd_bus_message_close_container(m));
    TRY(api.sd_bus_call(sd->bus, m, 0, &e, &reply));
    if (r < 0)
        rlx_error(err, 0, "--systemd-cgroup: set properties of unit %s: %s", unit, bus_text(&e, r));
    api.sd_bus_error_free(&e);
    api.sd_bus_message_unref(reply);
    api.sd_bus_message_unref(m);
    return r < 0 ? -1 : 0;
}

int rlx_sd_stop_unit(struct rlx_sd *sd, const char *unit, rlx_error_t *err)
{
    sd_bus_error e = SD_BUS_ERROR_NULL;
    int r = api.sd_bus_call_method(sd->bus, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit", &e, NULL, "ss", unit, "replace");
    if (r < 0 && !api.sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit")) {
        rlx_error(err, 0, "--systemd-cgroup: stop unit %s: %s", unit, bus_text(&e, r));
        api.sd_bus_error_free(&e);
        return -1;
    }
    api.sd_bus_error_free(&e);
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
