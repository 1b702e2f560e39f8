#include "stats.h"
#include "cgroup.h"
#include "util.h"
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool read_u64(char **paths, const char *file, uint64_t *out)
{
    cleanup_free char *p = rlx_cgroup_find_file(paths, file);
    cleanup_free char *t = NULL;
    rlx_error_t e = NULL;
    if (p == NULL)
        return false;
    t = read_file(p, NULL, &e);
    rlx_error_release(&e);
    if (t == NULL)
        return false;
    *out = strncmp(t, "max", 3) == 0 ? UINT64_MAX : strtoull(t, NULL, 10);
    return true;
}

/* "key value" lines (memory.stat, cpu.stat, memory.events, oom_control) into a JSON object. */
static struct json_object *read_kv(char **paths, const char *file)
{
    cleanup_free char *p = rlx_cgroup_find_file(paths, file);
    cleanup_file FILE *f = p ? fopen(p, "re") : NULL;
    struct json_object *o;
    char key[128];
    unsigned long long v;
    if (f == NULL)
        return NULL;
    o = json_object_new_object();
    while (fscanf(f, "%127s %llu", key, &v) == 2)
        json_object_object_add(o, key, json_object_new_uint64(v));
    return o;
}

static uint64_t kv_get(struct json_object *o, const char *k)
{
    struct json_object *v;
    return o && json_object_object_get_ex(o, k, &v) ? json_object_get_uint64(v) : 0;
}

static void add_u64(struct json_object *o, const char *k, uint64_t v)
{
    json_object_object_add(o, k, json_object_new_uint64(v));
}

static struct json_object *cpu_stats(char **paths)
{
    struct json_object *cpu = json_object_new_object(), *usage = json_object_new_object(), *thr = json_object_new_object();
    struct json_object *stat = read_kv(paths, "cpu.stat"), *acct = read_kv(paths, "cpuacct.stat");
    uint64_t total;
    if (read_u64(paths, "cpuacct.usage", &total)) {
        long tick = sysconf(_SC_CLK_TCK);
        cleanup_free char *pp = rlx_cgroup_find_file(paths, "cpuacct.usage_percpu");
        cleanup_file FILE *f = pp ? fopen(pp, "re") : NULL;
        struct json_object *percpu = json_object_new_array();
        unsigned long long v;
        add_u64(usage, "total_usage", total);
        while (f && fscanf(f, "%llu", &v) == 1)
            json_object_array_add(percpu, json_object_new_uint64(v));
        json_object_object_add(usage, "percpu_usage", percpu);
        add_u64(usage, "usage_in_kernelmode", kv_get(acct, "system") * (1000000000ULL / (uint64_t)tick));
        add_u64(usage, "usage_in_usermode", kv_get(acct, "user") * (1000000000ULL / (uint64_t)tick));
    } else if (stat) {
        add_u64(usage, "total_usage", kv_get(stat, "usage_usec") * 1000);
        add_u64(usage, "usage_in_kernelmode", kv_get(stat, "system_usec") * 1000);
        add_u64(usage, "usage_in_usermode", kv_get(stat, "user_usec") * 1000);
    }
    add_u64(thr, "periods", kv_get(stat, "nr_periods"));
    add_u64(thr, "throttled_periods", kv_get(stat, "nr_throttled"));
    add_u64(thr, "throttled_time", kv_get(stat, "throttled_time") ? kv_get(stat, "throttled_time")
                                                                  : kv_get(stat, "throttled_usec") * 1000);
    json_object_object_add(cpu, "usage", usage);
    json_object_object_add(cpu, "throttling", thr);
    json_object_put(stat);
    json_object_put(acct);
    return cpu;
}

static struct json_object *mem_entry(char **paths, const char *usage, const char *max, const char *limit,
                                     const char *failcnt)
{
    struct json_object *o = json_object_new_object();
    uint64_t v;
    if (read_u64(paths, usage, &v))
        add_u64(o, "usage", v);
    if (max && read_u64(paths, max, &v))
        add_u64(o, "max_usage", v);
    if (read_u64(paths, limit, &v))
        add_u64(o, "limit", v);
    if (failcnt && read_u64(paths, failcnt, &v))
        add_u64(o, "failcnt", v);
    return o;
}

static struct json_object *memory_stats(char **paths)
{
    struct json_object *m = json_object_new_object(), *raw = read_kv(paths, "memory.stat");
    bool v1 = false;
    {
        cleanup_free char *p = rlx_cgroup_find_file(paths, "memory.usage_in_bytes");
        v1 = p != NULL;
    }
    if (v1) {
        add_u64(m, "cache", kv_get(raw, "cache"));
        json_object_object_add(m, "usage", mem_entry(paths, "memory.usage_in_bytes", "memory.max_usage_in_bytes",
                                                     "memory.limit_in_bytes", "memory.failcnt"));
        json_object_object_add(m, "swap", mem_entry(paths, "memory.memsw.usage_in_bytes", "memory.memsw.max_usage_in_bytes",
                                                    "memory.memsw.limit_in_bytes", "memory.memsw.failcnt"));
        json_object_object_add(m, "kernel", mem_entry(paths, "memory.kmem.usage_in_bytes", "memory.kmem.max_usage_in_bytes",
                                                      "memory.kmem.limit_in_bytes", "memory.kmem.failcnt"));
    } else {
        add_u64(m, "cache", kv_get(raw, "file"));
        json_object_object_add(m, "usage", mem_entry(paths, "memory.current", "memory.peak", "memory.max", NULL));
        json_object_object_add(m, "swap", mem_entry(paths, "memory.swap.current", "memory.swap.peak", "memory.swap.max", NULL));
    }
    if (raw)
        json_object_object_add(m, "raw", raw);
    return m;
}

static struct json_object *blkio_stats(char **paths)
{
    struct json_object *b = json_object_new_object(), *arr = json_object_new_array();
    cleanup_free char *p = rlx_cgroup_find_file(paths, "blkio.throttle.io_service_bytes");
    cleanup_file FILE *f = p ? fopen(p, "re") : NULL;
    unsigned maj, min;
    char op[32];
    unsigned long long v;
    char line[256];
    while (f && fgets(line, sizeof(line), f)) {
        struct json_object *e;
        if (sscanf(line, "%u:%u %31s %llu", &maj, &min, op, &v) != 4)
            continue;
        e = json_object_new_object();
        add_u64(e, "major", maj);
        add_u64(e, "minor", min);
        json_object_object_add(e, "op", json_object_new_string(op));
        add_u64(e, "value", v);
        json_object_array_add(arr, e);
    }
    json_object_object_add(b, "ioServiceBytesRecursive", arr);
    return b;
}

struct json_object *rlx_stats_collect(char **paths)
{
    struct json_object *d = json_object_new_object(), *pids = json_object_new_object();
    uint64_t v;
    json_object_object_add(d, "cpu", cpu_stats(paths));
    json_object_object_add(d, "memory", memory_stats(paths));
    if (read_u64(paths, "pids.current", &v))
        add_u64(pids, "current", v);
    if (read_u64(paths, "pids.max", &v))
        add_u64(pids, "limit", v == UINT64_MAX ? 0 : v);
    json_object_object_add(d, "pids", pids);
    json_object_object_add(d, "blkio", blkio_stats(paths));
    return d;
}

uint64_t rlx_stats_oom_kills(char **paths)
{
    struct json_object *o = read_kv(paths, "memory.oom_control");
    uint64_t n;
    if (o == NULL)
        o = read_kv(paths, "memory.events");
    n = kv_get(o, "oom_kill");
    json_object_put(o);
    return n;
}

void rlx_oom_watch_open(struct rlx_oom_watch *w, char **paths)
{
    cleanup_free char *control = NULL;
    cleanup_close int fd = -1;
    char *slash;
    *w = (struct rlx_oom_watch){-1, rlx_cgroup_find_file(paths, "memory.oom_control"), 0};
    /* the event_control of the memory hierarchy: the one beside memory.oom_control */
    if (w->oom_control && (slash = strrchr(w->oom_control, '/')) != NULL)
        control = xasprintf("%.*s/cgroup.event_control", (int)(slash - w->oom_control), w->oom_control);
    if (control && (fd = open(w->oom_control, O_RDONLY | O_CLOEXEC)) >= 0 &&
        (w->efd = eventfd(0, EFD_CLOEXEC)) >= 0) {
        char line[64];
        snprintf(line, sizeof(line), "%d %d", w->efd, fd);
        rlx_error_t e = NULL;
        if (write_file(control, line, &e) == 0)
            return;
        rlx_error_release(&e);
        close(w->efd);
        w->efd = -1;
    }
    free(w->oom_control);
    w->oom_control = NULL;
    w->kills = rlx_stats_oom_kills(paths);
}

bool rlx_oom_watch_wait(struct rlx_oom_watch *w, char **paths, int ms)
{
    uint64_t n;
    if (w->efd < 0) {
        nanosleep(&(struct timespec){ms / 1000, (long)(ms % 1000) * 1000000}, NULL);
        n = rlx_stats_oom_kills(paths);
        if (n <= w->kills)
            return false;
        w->kills = n;
        return true;
    }
    if (poll(&(struct pollfd){w->efd, POLLIN, 0}, 1, ms) != 1 || read(w->efd, &n, sizeof(n)) != sizeof(n))
        return false;
    /* The kernel also signals the eventfd when the cgroup goes away: that is no OOM, and
     * nothing more will come. */
    if (access(w->oom_control, F_OK) == 0)
        return true;
    close(w->efd);
    w->efd = -1;
    w->kills = UINT64_MAX;
    return false;
}

void rlx_oom_watch_close(struct rlx_oom_watch *w)
{
    if (w->efd >= 0)
        close(w->efd);
    free(w->oom_control);
    w->efd = -1;
    w->oom_control = NULL;
}
