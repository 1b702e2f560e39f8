/* update: new resource limits for a running (or paused, or created) container, from
 * LinuxResources JSON (-r FILE, -r - for stdin) or runc's individual flags, written to the
 * container's cgroups through the same translation create uses. */
#include "cli.h"
#include "container.h"
#include "resources.h"
#include "spec.h"
#include "util.h"
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "128m", "1g", "512k", "4096", "-1" -> bytes */
static int parse_bytes(const char *flag, const char *s, int64_t *out, rlx_error_t *err)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    long long mul = 1;
    if (end == s)
        return rlx_error(err, 0, "update: %s '%s' is not a size", flag, s);
    switch (*end) {
    case 'k': case 'K': mul = 1024LL; end++; break;
    case 'm': case 'M': mul = 1024LL * 1024; end++; break;
    case 'g': case 'G': mul = 1024LL * 1024 * 1024; end++; break;
    case 't': case 'T': mul = 1024LL * 1024 * 1024 * 1024; end++; break;
    }
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end)
        return rlx_error(err, 0, "update: %s '%s' is not a size", flag, s);
    *out = v < 0 ? -1 : v * mul;
    return 0;
}

static int parse_int(const char *flag, const char *s, int64_t *out, rlx_error_t *err)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end)
        return rlx_error(err, 0, "update: %s '%s' is not a number", flag, s);
    *out = v;
    return 0;
}

/* Every field name of runtime-spec's LinuxResources and what it contains. */
static const char *const resource_fields[] = {
    "memory", "limit", "reservation", "swap", "kernel", "kernelTCP", "swappiness", "disableOOMKiller",
    "useHierarchy", "checkBeforeUpdate", "cpu", "shares", "quota", "burst", "period", "realtimeRuntime",
    "realtimePeriod", "cpus", "mems", "idle", "pids", "blockIO", "weight", "leafWeight", "weightDevice", "major",
    "minor", "throttleReadBpsDevice", "throttleWriteBpsDevice", "throttleReadIOPSDevice",
    "throttleWriteIOPSDevice", "rate", "devices", "allow", "type", "access", "hugepageLimits", "pageSize",
    "network", "classID", "priorities", "name", "priority", "rdma", "unified", NULL,
};

/* runc decodes --resources with Go's encoding/json, which matches a field name without regard
 * to case when no key matches exactly ({"CPU": ...}, "Memory"). Keys are renamed to the
 * spec's spelling; the keys of unified (file names) and rdma (device names) are data and stay. */
static void canonical_keys(struct json_object *o)
{
    if (json_object_get_type(o) == json_type_array) {
        for (size_t i = 0; i < json_object_array_length(o); i++)
            canonical_keys(json_object_array_get_idx(o, i));
        return;
    }
    if (json_object_get_type(o) != json_type_object)
        return;
    {
        char **rename = NULL;
        json_object_object_foreach(o, key, val) {
            (void)val;
            for (size_t k = 0; resource_fields[k]; k++)
                if (strcmp(resource_fields[k], key) != 0 && strcasecmp(resource_fields[k], key) == 0)
                    strv_push(&rename, key);
        }
        for (size_t i = 0; rename && rename[i]; i++) {
            struct json_object *v = NULL;
            size_t k;
            for (k = 0; strcasecmp(resource_fields[k], rename[i]) != 0; k++)
                ;
            json_object_object_get_ex(o, rename[i], &v);
            json_object_get(v);
            json_object_object_del(o, rename[i]);
            json_object_object_add(o, resource_fields[k], v);
        }
        strv_free(rename);
    }
    json_object_object_foreach(o, key, val) {
        if (strcmp(key, "unified") != 0 && strcmp(key, "rdma") != 0)
            canonical_keys(val);
    }
}

static int load_resources_json(const char *path, struct rlx_resources *r, rlx_error_t *err)
{
    cleanup_free char *text = NULL;
    struct json_object *o;
    int ret;
    if (strcmp(path, "-") == 0) {
        text = read_file("/dev/stdin", NULL, err);
    } else {
        text = read_file(path, NULL, err);
    }
    if (text == NULL)
        return -1;
    o = json_tokener_parse(text);
    if (o == NULL || json_object_get_type(o) != json_type_object) {
        json_object_put(o);
        return rlx_error(err, 0, "update: --resources %s: not a JSON object", path);
    }
    canonical_keys(o);
    /* Fields of LinuxResources this runtime does not know are errors, never ignored. */
    {
        static const char *const known[] = {"memory", "cpu", "pids", "blockIO", "devices", "hugepageLimits",
                                            "network", "rdma", "unified", NULL};
        json_object_object_foreach(o, key, val) {
            size_t k;
            (void)val;
            for (k = 0; known[k] && strcmp(known[k], key) != 0; k++)
                ;
            if (known[k] == NULL) {
                rlx_error(err, 0, "update: --resources %s: unknown resource '%s'", path, key);
                json_object_put(o);
                return -1;
            }
        }
    }
    ret = rlx_spec_parse_resources(r, o, err);
    json_object_put(o);
    return ret;
}

static const struct option update_opts[] = {
    {"resources", required_argument, NULL, 'r'}, {"blkio-weight", required_argument, NULL, 'B'},
    {"cpu-period", required_argument, NULL, 'p'}, {"cpu-quota", required_argument, NULL, 'q'},
    {"cpu-share", required_argument, NULL, 's'}, {"cpu-rt-period", required_argument, NULL, 'P'},
    {"cpu-rt-runtime", required_argument, NULL, 'R'}, {"cpuset-cpus", required_argument, NULL, 'c'},
    {"cpuset-mems", required_argument, NULL, 'm'}, {"memory", required_argument, NULL, 'M'},
    {"memory-reservation", required_argument, NULL, 'V'}, {"memory-swap", required_argument, NULL, 'S'},
    {"pids-limit", required_argument, NULL, 'L'}, {"cpu-burst", required_argument, NULL, 'x'},
    {"cpu-idle", required_argument, NULL, 'x'}, {"l3-cache-schema", required_argument, NULL, 'x'},
    {"mem-bw-schema", required_argument, NULL, 'x'}, {"kernel-memory", required_argument, NULL, 'K'},
    {"kernel-memory-tcp", required_argument, NULL, 'T'}, {NULL, 0, NULL, 0},
};

/* One flag into r; what the flag names comes from argv (getopt's optind is past it). */
static int parse_update_flag(int c, const char *flag, struct rlx_resources *r, rlx_error_t *err)
{
    switch (c) {
    case 'B': return parse_int("--blkio-weight", optarg, &r->blkio_weight, err);
    case 'p': return parse_int("--cpu-period", optarg, &r->cpu_period, err);
    case 'q': return parse_int("--cpu-quota", optarg, &r->cpu_quota, err);
    case 's': return parse_int("--cpu-share", optarg, &r->cpu_shares, err);
    case 'P': return parse_int("--cpu-rt-period", optarg, &r->cpu_rt_period, err);
    case 'R': return parse_int("--cpu-rt-runtime", optarg, &r->cpu_rt_runtime, err);
    case 'c': free(r->cpu_cpus); r->cpu_cpus = xstrdup(optarg); return 0;
    case 'm': free(r->cpu_mems); r->cpu_mems = xstrdup(optarg); return 0;
    case 'M': return parse_bytes("--memory", optarg, &r->mem_limit, err);
    case 'V': return parse_bytes("--memory-reservation", optarg, &r->mem_reservation, err);
    case 'S': return parse_bytes("--memory-swap", optarg, &r->mem_swap, err);
    case 'K': return parse_bytes("--kernel-memory", optarg, &r->mem_kernel, err);
    case 'T': return parse_bytes("--kernel-memory-tcp", optarg, &r->mem_kernel_tcp, err);
    case 'L': return parse_int("--pids-limit", optarg, &r->pids_limit, err);
    case 'x': return rlx_error(err, 0, "update: %s is not supported by runlxc", flag);
    default: return rlx_error(err, 0, "update: unknown or incomplete option '%s'", flag);
    }
}

int cmd_update(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    struct rlx_resources r;
    const char *json_path = NULL;
    bool any_flag = false;
    int c, ret = -1;

    memset(&r, 0, sizeof(r));
    rlx_spec_parse_resources(&r, NULL, err);   /* everything unset */
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "r:", update_opts, NULL)) != -1) {
        any_flag = any_flag || c != 'r';
        if (c == 'r')
            json_path = optarg;
        else if (parse_update_flag(c, argv[optind - 1], &r, err) < 0)
            goto out;
    }
    if (cli_expect_args("update", argc - optind, 1, 1, "[--resources FILE|-] [FLAGS] ID", err) < 0)
        goto out;
    if (json_path) {
        /* As runc: with --resources the individual flags are ignored. */
        rlx_resources_free(&r);
        if (load_resources_json(json_path, &r, err) < 0)
            goto out;
    } else if (!any_flag) {
        rlx_error(err, 0, "update: nothing to update (give --resources or a resource flag)");
        goto out;
    }
    ret = rlx_container_update(g, argv[optind], &r, err);
out:
    rlx_resources_free(&r);
    return ret;
}
