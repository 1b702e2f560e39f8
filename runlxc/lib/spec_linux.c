/* The "linux" section of config.json. */
#include "spec.h"
#include "syscalls.h"
#include "util.h"
#include <errno.h>
#include <json-c/json.h>
#include <sched.h>
#include <string.h>


static const struct { const char *name; int flag; } ns_table[] = {
    {"pid", CLONE_NEWPID}, {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS}, {"ipc", CLONE_NEWIPC},
    {"uts", CLONE_NEWUTS}, {"user", CLONE_NEWUSER}, {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

static int parse_namespaces(struct rlx_spec *s, struct json_object *arr, rlx_error_t *err)
{
    size_t n = json_object_array_length(arr);
    s->namespaces = xcalloc(n, sizeof(*s->namespaces));
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        cleanup_free char *path = xasprintf("linux.namespaces[%zu]", i);
        cleanup_free char *type = NULL;
        struct rlx_namespace ns_new = {0}, *ns = &ns_new;
        size_t k;
        if (json_object_get_type(e) != json_type_object)
            return rlx_error(err, 0, "%s: expected an object", path);
        if (spec_get_string(e, "type", path, true, &type, err) < 0 ||
            spec_get_string(e, "path", path, false, &ns->path, err) < 0) {
            free(ns->path);
            return -1;
        }
        for (k = 0; k < sizeof(ns_table) / sizeof(ns_table[0]); k++)
            if (strcmp(ns_table[k].name, type) == 0)
                break;
        /* Owned by the spec from here on, so that every error path frees it. */
        s->namespaces[s->n_namespaces++] = ns_new;
        ns = &s->namespaces[s->n_namespaces - 1];
        if (k == sizeof(ns_table) / sizeof(ns_table[0]))
            return rlx_error(err, 0, "%s.type: unknown namespace type '%s'", path, type);
        if (rlx_spec_has_namespace(s, ns_table[k].flag))
            return rlx_error(err, 0, "%s.type: namespace '%s' listed twice", path, type);
        if (ns->path && ns->path[0] != '/')
            return rlx_error(err, 0, "%s.path: '%s' must be an absolute path", path, ns->path);
        if (ns->path && !path_exists(ns->path))
            return rlx_error(err, errno, "%s.path: namespace file '%s'", path, ns->path);
        ns->flag = ns_table[k].flag;
        ns->name = ns_table[k].name;
    }
    return 0;
}

static int parse_idmaps(struct rlx_idmap **out, size_t *n, struct json_object *arr, const char *path,
                        rlx_error_t *err)
{
    *n = json_object_array_length(arr);
    *out = xcalloc(*n, sizeof(**out));
    for (size_t i = 0; i < *n; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        cleanup_free char *p = xasprintf("%s[%zu]", path, i);
        int64_t c = -1, h = -1, sz = -1;
        if (spec_get_int64(e, "containerID", p, &c, err) < 0 || spec_get_int64(e, "hostID", p, &h, err) < 0 ||
            spec_get_int64(e, "size", p, &sz, err) < 0)
            return -1;
        if (c < 0 || h < 0 || sz <= 0)
            return rlx_error(err, 0, "%s: containerID, hostID and size are required", p);
        (*out)[i] = (struct rlx_idmap){(uint32_t)c, (uint32_t)h, (uint32_t)sz};
    }
    return 0;
}

static int parse_devices(struct rlx_spec *s, struct json_object *arr, rlx_error_t *err)
{
    size_t n = json_object_array_length(arr);
    s->devices = xcalloc(n, sizeof(*s->devices));
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        struct rlx_device *d = &s->devices[i];
        cleanup_free char *path = xasprintf("linux.devices[%zu]", i);
        cleanup_free char *type = NULL;
        int64_t v;
        s->n_devices++;
        if (spec_get_string(e, "type", path, true, &type, err) < 0 ||
            spec_get_string(e, "path", path, true, &d->path, err) < 0)
            return -1;
        if (strlen(type) != 1 || strchr("cbup", type[0]) == NULL)
            return rlx_error(err, 0, "%s.type: '%s' is not one of c, b, u, p", path, type);
        d->type = type[0];
        if (d->path[0] != '/' || path_has_dotdot(d->path))
            return rlx_error(err, 0, "%s.path: '%s' must be absolute and without '..'", path, d->path);
        d->major = d->minor = 0;
        if (d->type != 'p' && (spec_get_int64(e, "major", path, &d->major, err) <= 0 ||
                               spec_get_int64(e, "minor", path, &d->minor, err) <= 0))
            return rlx_error(err, 0, "%s: major and minor are required for type '%c'", path, d->type);
        if (spec_get_int64(e, "fileMode", path, &v, err) > 0) {
            d->has_mode = true;
            d->mode = (mode_t)v;
        }
        if (spec_get_int64(e, "uid", path, &v, err) > 0) {
            d->has_uid = true;
            d->uid = (uid_t)v;
        }
        if (spec_get_int64(e, "gid", path, &v, err) > 0) {
            d->has_gid = true;
            d->gid = (gid_t)v;
        }
        if (*err)
            return -1;
    }
    return 0;
}

static int get_opt_int64(struct json_object *o, const char *key, const char *path, int64_t *out,
                         rlx_error_t *err)
{
    *out = RLX_UNSET;
    return spec_get_int64(o, key, path, out, err) < 0 ? -1 : 0;
}

static int parse_throttle(struct rlx_resources *r, int idx, struct json_object *blk, const char *key,
                          rlx_error_t *err)
{
    struct json_object *arr;
    int rr = spec_get_typed(blk, key, "linux.resources.blockIO", json_type_array, &arr, err);
    if (rr <= 0)
        return rr;
    r->n_throttle[idx] = json_object_array_length(arr);
    r->throttle[idx] = xcalloc(r->n_throttle[idx], sizeof(struct rlx_throttle));
    for (size_t i = 0; i < r->n_throttle[idx]; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        cleanup_free char *p = xasprintf("linux.resources.blockIO.%s[%zu]", key, i);
        struct rlx_throttle *t = &r->throttle[idx][i];
        int64_t rate = -1;
        if (spec_get_int64(e, "major", p, &t->major, err) <= 0 || spec_get_int64(e, "minor", p, &t->minor, err) <= 0 ||
            spec_get_int64(e, "rate", p, &rate, err) <= 0 || rate < 0)
            return rlx_error(err, 0, "%s: major, minor and a non-negative rate are required", p);
        t->rate = (uint64_t)rate;
    }
    return 0;
}

/* runc's device permissions: the set of r, w and m the string names, in any order and
 * repeated; other letters are ignored (runc accepts "rwa" as "rw"), but an access that
 * grants nothing is refused (runc fails such a rule at create). NULL or "" is "rwm". */
static int device_access(char out[4], const char *access)
{
    size_t n = 0;
    if (access == NULL || *access == '\0')
        access = "rwm";
    for (const char *c = "rwm"; *c; c++)
        if (strchr(access, *c))
            out[n++] = *c;
    out[n] = '\0';
    return n ? 0 : -1;
}

/* blockIO.weightDevice: per-device weight and/or leafWeight; a device entry with neither is
 * skipped at apply time, as runc skips zero weights. */
static int parse_weight_devices(struct rlx_resources *r, struct json_object *blk, rlx_error_t *err)
{
    struct json_object *arr;
    int rr = spec_get_typed(blk, "weightDevice", "linux.resources.blockIO", json_type_array, &arr, err);
    if (rr <= 0)
        return rr;
    r->n_weight_devices = json_object_array_length(arr);
    r->weight_devices = xcalloc(r->n_weight_devices, sizeof(*r->weight_devices));
    for (size_t i = 0; i < r->n_weight_devices; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        cleanup_free char *p = xasprintf("linux.resources.blockIO.weightDevice[%zu]", i);
        struct rlx_weight_device *w = &r->weight_devices[i];
        if (spec_get_int64(e, "major", p, &w->major, err) <= 0 || spec_get_int64(e, "minor", p, &w->minor, err) <= 0)
            return rlx_error(err, 0, "%s: major and minor are required", p);
        if (get_opt_int64(e, "weight", p, &w->weight, err) < 0 || get_opt_int64(e, "leafWeight", p, &w->leaf_weight, err) < 0)
            return -1;
        /* 0 is runc's "leave as is" (resources.c) */
        if ((w->weight != RLX_UNSET && w->weight != 0 && (w->weight < 10 || w->weight > 1000)) ||
            (w->leaf_weight != RLX_UNSET && w->leaf_weight != 0 && (w->leaf_weight < 10 || w->leaf_weight > 1000)))
            return rlx_error(err, 0, "%s: weight and leafWeight must be between 10 and 1000", p);
    }
    return 0;
}

/* network: classID (net_cls.classid) and priorities (net_prio.ifpriomap lines). */
static int parse_network(struct rlx_resources *r, struct json_object *net, rlx_error_t *err)
{
    const char *p = "linux.resources.network";
    struct json_object *arr;
    int rr;
    if (get_opt_int64(net, "classID", p, &r->net_classid, err) < 0)
        return -1;
    if (r->net_classid != RLX_UNSET && (r->net_classid < 0 || r->net_classid > UINT32_MAX))
        return rlx_error(err, 0, "%s.classID: must be a 32-bit unsigned integer", p);
    if ((rr = spec_get_typed(net, "priorities", p, json_type_array, &arr, err)) <= 0)
        return rr;
    r->n_net_priorities = json_object_array_length(arr);
    r->net_priorities = xcalloc(r->n_net_priorities, sizeof(*r->net_priorities));
    for (size_t i = 0; i < r->n_net_priorities; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        cleanup_free char *ep = xasprintf("%s.priorities[%zu]", p, i);
        int64_t prio = -1;
        if (spec_get_string(e, "name", ep, true, &r->net_priorities[i].name, err) < 0 ||
            spec_get_int64(e, "priority", ep, &prio, err) <= 0 || prio < 0 || prio > UINT32_MAX)
            return rlx_error(err, 0, "%s: name and a non-negative priority are required", ep);
        if (strpbrk(r->net_priorities[i].name, " \n/") || !*r->net_priorities[i].name)
            return rlx_error(err, 0, "%s.name: '%s' is not an interface name", ep, r->net_priorities[i].name);
        r->net_priorities[i].priority = (uint32_t)prio;
    }
    return 0;
}

static int parse_memory(struct rlx_resources *r, struct json_object *v, rlx_error_t *err)
{
    const char *p = "linux.resources.memory";
    if (get_opt_int64(v, "limit", p, &r->mem_limit, err) < 0 ||
        get_opt_int64(v, "reservation", p, &r->mem_reservation, err) < 0 ||
        get_opt_int64(v, "swap", p, &r->mem_swap, err) < 0 ||
        get_opt_int64(v, "kernel", p, &r->mem_kernel, err) < 0 ||
        get_opt_int64(v, "kernelTCP", p, &r->mem_kernel_tcp, err) < 0 ||
        get_opt_int64(v, "swappiness", p, &r->mem_swappiness, err) < 0 ||
        spec_get_bool(v, "disableOOMKiller", p, &r->mem_disable_oom_killer, err) < 0)
        return -1;
    /* 0 is runc's "leave as is" (resources.c) */
    if (r->mem_limit != RLX_UNSET && r->mem_limit != -1 && r->mem_limit != 0 && r->mem_limit < 4096 * 2)
        return rlx_error(err, 0, "%s.limit: %lld bytes is too small", p, (long long)r->mem_limit);
    if (r->mem_swappiness != RLX_UNSET && (r->mem_swappiness < 0 || r->mem_swappiness > 100))
        return rlx_error(err, 0, "%s.swappiness: must be between 0 and 100", p);
    return 0;
}

static int parse_cpu(struct rlx_resources *r, struct json_object *v, rlx_error_t *err)
{
    const char *p = "linux.resources.cpu";
    if (get_opt_int64(v, "shares", p, &r->cpu_shares, err) < 0 ||
        get_opt_int64(v, "quota", p, &r->cpu_quota, err) < 0 ||
        get_opt_int64(v, "period", p, &r->cpu_period, err) < 0 ||
        get_opt_int64(v, "realtimeRuntime", p, &r->cpu_rt_runtime, err) < 0 ||
        get_opt_int64(v, "realtimePeriod", p, &r->cpu_rt_period, err) < 0 ||
        spec_get_string(v, "cpus", p, false, &r->cpu_cpus, err) < 0 ||
        spec_get_string(v, "mems", p, false, &r->cpu_mems, err) < 0)
        return -1;
    /* unsigned in the runtime spec: runc's decoder refuses a negative one */
    if (r->cpu_shares != RLX_UNSET && r->cpu_shares < 0)
        return rlx_error(err, 0, "%s.shares: must not be negative", p);
    if (r->cpu_period != RLX_UNSET && r->cpu_period < 0)
        return rlx_error(err, 0, "%s.period: must not be negative", p);
    if (r->cpu_rt_period != RLX_UNSET && r->cpu_rt_period < 0)
        return rlx_error(err, 0, "%s.realtimePeriod: must not be negative", p);
    return 0;
}

static int parse_pids(struct rlx_resources *r, struct json_object *v, rlx_error_t *err)
{
    if (spec_get_int64(v, "limit", "linux.resources.pids", &r->pids_limit, err) <= 0)
        return rlx_error(err, 0, "linux.resources.pids.limit: required integer");
    return 0;
}

static int parse_blkio(struct rlx_resources *r, struct json_object *v, rlx_error_t *err)
{
    const char *p = "linux.resources.blockIO";
    if (get_opt_int64(v, "weight", p, &r->blkio_weight, err) < 0 ||
        get_opt_int64(v, "leafWeight", p, &r->blkio_leaf_weight, err) < 0 ||
        parse_throttle(r, 0, v, "throttleReadBpsDevice", err) < 0 ||
        parse_throttle(r, 1, v, "throttleWriteBpsDevice", err) < 0 ||
        parse_throttle(r, 2, v, "throttleReadIOPSDevice", err) < 0 ||
        parse_throttle(r, 3, v, "throttleWriteIOPSDevice", err) < 0)
        return -1;
    if (r->blkio_weight != RLX_UNSET && r->blkio_weight != 0 && (r->blkio_weight < 10 || r->blkio_weight > 1000))
        return rlx_error(err, 0, "%s.weight: must be between 10 and 1000", p);
    if (r->blkio_leaf_weight != RLX_UNSET && r->blkio_leaf_weight != 0 &&
        (r->blkio_leaf_weight < 10 || r->blkio_leaf_weight > 1000))
        return rlx_error(err, 0, "%s.leafWeight: must be between 10 and 1000", p);
    return parse_weight_devices(r, v, err);
}

static int parse_device_rule(struct rlx_device_rule *d, struct json_object *e, const char *p, rlx_error_t *err)
{
    cleanup_free char *type = NULL, *access = NULL;
    d->major = d->minor = -1;
    if (spec_get_bool(e, "allow", p, &d->allow, err) <= 0)
        return rlx_error(err, 0, "%s.allow: required boolean", p);
    if (spec_get_string(e, "type", p, false, &type, err) < 0 || spec_get_string(e, "access", p, false, &access, err) < 0 ||
        spec_get_int64(e, "major", p, &d->major, err) < 0 || spec_get_int64(e, "minor", p, &d->minor, err) < 0)
        return -1;
    d->type = type ? type[0] : 'a';
    if (type && (strlen(type) != 1 || strchr("acb", type[0]) == NULL))
        return rlx_error(err, 0, "%s.type: '%s' is not one of a, c, b", p, type);
    if (device_access(d->access, access) < 0)
        return rlx_error(err, 0, "%s.access: '%s' has none of r, w, m", p, access);
    return 0;
}

static int parse_device_rules(struct rlx_resources *r, struct json_object *arr, rlx_error_t *err)
{
    r->n_devices = json_object_array_length(arr);
    r->devices = xcalloc(r->n_devices, sizeof(*r->devices));
    for (size_t i = 0; i < r->n_devices; i++) {
        cleanup_free char *p = xasprintf("linux.resources.devices[%zu]", i);
        if (parse_device_rule(&r->devices[i], json_object_array_get_idx(arr, i), p, err) < 0)
            return -1;
    }
    return 0;
}

static int parse_hugepages(struct rlx_resources *r, struct json_object *arr, rlx_error_t *err)
{
    r->n_hugepages = json_object_array_length(arr);
    r->hugepages = xcalloc(r->n_hugepages, sizeof(*r->hugepages));
    for (size_t i = 0; i < r->n_hugepages; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        cleanup_free char *p = xasprintf("linux.resources.hugepageLimits[%zu]", i);
        int64_t lim = -1;
        if (spec_get_string(e, "pageSize", p, true, &r->hugepages[i].page_size, err) < 0 ||
            spec_get_int64(e, "limit", p, &lim, err) <= 0)
            return rlx_error(err, 0, "%s: pageSize and limit are required", p);
        r->hugepages[i].limit = (uint64_t)lim;
    }
    return 0;
}

static int parse_rdma(struct rlx_resources *r, struct json_object *v, rlx_error_t *err)
{
    (void)r;
    if (json_object_object_length(v) > 0)
        return rlx_error(err, 0, "linux.resources.rdma: not supported by runlxc");
    return 0;
}

/* The sections of linux.resources, in the order their errors are reported. */
static const struct {
    const char *key;
    enum json_type type;
    int (*parse)(struct rlx_resources *r, struct json_object *v, rlx_error_t *err);
} resource_sections[] = {
    {"memory", json_type_object, parse_memory},     {"cpu", json_type_object, parse_cpu},
    {"pids", json_type_object, parse_pids},         {"blockIO", json_type_object, parse_blkio},
    {"devices", json_type_array, parse_device_rules}, {"hugepageLimits", json_type_array, parse_hugepages},
    {"network", json_type_object, parse_network},   {"rdma", json_type_object, parse_rdma},
};

int rlx_spec_parse_resources(struct rlx_resources *r, struct json_object *res, rlx_error_t *err)
{
    r->mem_limit = r->mem_reservation = r->mem_swap = r->mem_kernel = r->mem_kernel_tcp = r->mem_swappiness = RLX_UNSET;
    r->cpu_shares = r->cpu_quota = r->cpu_period = r->cpu_rt_runtime = r->cpu_rt_period = RLX_UNSET;
    r->pids_limit = r->blkio_weight = r->blkio_leaf_weight = r->net_classid = RLX_UNSET;
    if (res == NULL)
        return 0;
    for (size_t i = 0; i < sizeof(resource_sections) / sizeof(resource_sections[0]); i++) {
        struct json_object *v;
        int rr = spec_get_typed(res, resource_sections[i].key, "linux.resources", resource_sections[i].type, &v, err);
        if (rr < 0 || (rr > 0 && resource_sections[i].parse(r, v, err) < 0))
            return -1;
    }
    if (spec_get_typed(res, "unified", "linux.resources", json_type_object, &r->unified, err) < 0)
        return -1;
    return 0;
}

static int check_abs_list(char **v, const char *what, rlx_error_t *err)
{
    for (size_t i = 0; v && v[i]; i++)
        if (v[i][0] != '/' || path_has_dotdot(v[i]))
            return rlx_error(err, 0, "%s[%zu]: '%s' must be absolute and without '..'", what, i, v[i]);
    return 0;
}

int spec_parse_linux(struct rlx_spec *s, struct json_object *lx, rlx_error_t *err)
{
    struct json_object *v;
    int r;

    if ((r = spec_get_typed(lx, "namespaces", "linux", json_type_array, &v, err)) < 0)
        return -1;
    if (r > 0 && parse_namespaces(s, v, err) < 0)
        return -1;
    if ((r = spec_get_typed(lx, "uidMappings", "linux", json_type_array, &v, err)) < 0)
        return -1;
    if (r > 0 && parse_idmaps(&s->uid_mappings, &s->n_uid_mappings, v, "linux.uidMappings", err) < 0)
        return -1;
    if ((r = spec_get_typed(lx, "gidMappings", "linux", json_type_array, &v, err)) < 0)
        return -1;
    if (r > 0 && parse_idmaps(&s->gid_mappings, &s->n_gid_mappings, v, "linux.gidMappings", err) < 0)
        return -1;
    if ((r = spec_get_typed(lx, "devices", "linux", json_type_array, &v, err)) < 0)
        return -1;
    if (r > 0 && parse_devices(s, v, err) < 0)
        return -1;
    if (spec_get_string(lx, "cgroupsPath", "linux", false, &s->cgroups_path, err) < 0)
        return -1;
    if (s->cgroups_path && path_has_dotdot(s->cgroups_path))
        return rlx_error(err, 0, "linux.cgroupsPath: '%s' must not contain '..'", s->cgroups_path);
    if ((r = spec_get_typed(lx, "resources", "linux", json_type_object, &v, err)) < 0)
        return -1;
    if (rlx_spec_parse_resources(&s->resources, r > 0 ? v : NULL, err) < 0)
        return -1;
    if ((r = spec_get_typed(lx, "sysctl", "linux", json_type_object, &v, err)) < 0)
        return -1;
    if (r > 0) {
        json_object_object_foreach(v, key, val) {
            cleanup_free char *kv = NULL;
            if (json_object_get_type(val) != json_type_string)
                return rlx_error(err, 0, "linux.sysctl.%s: expected a string", key);
            if (strchr(key, '/') || path_has_dotdot(key))
                return rlx_error(err, 0, "linux.sysctl.%s: invalid sysctl name", key);
            kv = xasprintf("%s=%s", key, json_object_get_string(val));
            strv_push(&s->sysctl, kv);
        }
    }
    if (spec_get_strv(lx, "maskedPaths", "linux", &s->masked_paths, err) < 0 ||
        spec_get_strv(lx, "readonlyPaths", "linux", &s->readonly_paths, err) < 0 ||
        check_abs_list(s->masked_paths, "linux.maskedPaths", err) < 0 ||
        check_abs_list(s->readonly_paths, "linux.readonlyPaths", err) < 0)
        return -1;
    if (spec_get_string(lx, "rootfsPropagation", "linux", false, &s->rootfs_propagation, err) < 0 ||
        spec_get_string(lx, "mountLabel", "linux", false, &s->mount_label, err) < 0)
        return -1;
    if (s->rootfs_propagation) {
        static const char *const ok[] = {"shared", "slave", "private", "unbindable", "rshared", "rslave",
                                         "rprivate", "runbindable", NULL};
        size_t i;
        for (i = 0; ok[i]; i++)
            if (strcmp(ok[i], s->rootfs_propagation) == 0)
                break;
        if (ok[i] == NULL)
            return rlx_error(err, 0, "linux.rootfsPropagation: unknown propagation '%s'", s->rootfs_propagation);
    }
    if ((r = spec_get_typed(lx, "seccomp", "linux", json_type_object, &s->seccomp, err)) < 0)
        return -1;
    s->has_seccomp = r > 0;
    if ((r = spec_get_typed(lx, "intelRdt", "linux", json_type_object, &v, err)) < 0)
        return -1;
    if (r > 0)
        return rlx_error(err, 0, "linux.intelRdt: Intel RDT is not supported by runlxc");
    return 0;
}
