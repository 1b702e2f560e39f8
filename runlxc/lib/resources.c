/* linux.resources -> cgroup files: which controller, which file on cgroup v1 or v2, which
 * value. One table of decisions serves create (as LXC config items) and update (written to
 * the running container's cgroups), through a sink. */
#include "resources.h"
#include "util.h"
#include <errno.h>
#include <glob.h>
#include <json-c/json.h>
#include <string.h>

static bool v2_delegated(const struct rlx_cgroup_layout *l, const char *controller)
{
    cleanup_free char *path = xasprintf("%s/cgroup.subtree_control", l->h[l->unified].mountpoint);
    cleanup_free char *text = NULL;
    rlx_error_t e = NULL;
    size_t n = strlen(controller);
    text = read_file(path, NULL, &e);
    rlx_error_release(&e);
    for (const char *p = text; p && (p = strstr(p, controller)) != NULL; p += n)
        if ((p == text || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

/* Whether hierarchy h (-1: none) shows file at its root: the files only some kernels have. */
static bool root_has_file(const struct rlx_cgroup_layout *l, int h, const char *file)
{
    cleanup_free char *probe = h >= 0 ? xasprintf("%s/%s", l->h[h].mountpoint, file) : NULL;
    return probe && path_exists(probe);
}

/* Sets controller file values: v1 or v2 spelling chosen by where the controller lives.
 * A NULL spelling for the host's version means the field cannot be honoured here. */
static int cg_set(struct rlx_cg_sink *w, const char *field, const char *controller, const char *v1file,
                  const char *v2file, const char *value, rlx_error_t *err)
{
    const struct rlx_cgroup_layout *l = w->layout;
    int h = rlx_cgroup_layout_find(l, controller);
    if (h < 0)
        return rlx_error(err, 0, "%s: the %s cgroup controller is not available on this host", field, controller);
    if (l->h[h].v2) {
        if (v2file == NULL)
            return rlx_error(err, 0, "%s: not supported on cgroup v2", field);
        /* Beside v1 hierarchies liblxc enables no v2 controller: one the root does not
         * delegate has no files in the container's cgroup. */
        if (l->mode == RLX_CGROUP_HYBRID && !v2_delegated(l, controller))
            return rlx_error(err, 0, "%s: the %s controller is not enabled in %s/cgroup.subtree_control", field,
                             controller, l->h[h].mountpoint);
        return w->set(w, field, h, v2file, value, err);
    }
    if (v1file == NULL)
        return rlx_error(err, 0, "%s: not supported on cgroup v1", field);
    /* BFQ's weights are not shown at the root, its statistics are. */
    if (strncmp(v1file, "blkio.bfq.weight", 16) == 0) {
        if (!root_has_file(l, h, "blkio.bfq.io_service_bytes"))
            return rlx_error(err, 0, "%s: this kernel has no %s (no BFQ I/O scheduler)", field, v1file);
        return w->set(w, field, h, v1file, value, err);
    }
    /* Files that only some kernels (or configs) have: check at the hierarchy root. */
    if (strstr(v1file, "memsw") || strstr(v1file, "kmem") || strncmp(v1file, "blkio.", 6) == 0 ||
        strncmp(v1file, "cpu.rt_", 7) == 0 || strncmp(v1file, "hugetlb.", 8) == 0) {
        if (!root_has_file(l, h, v1file))
            return rlx_error(err, 0, "%s: this kernel has no %s", field, v1file);
    }
    return w->set(w, field, h, v1file, value, err);
}

/* A period and the budget it limits (cfs quota, rt runtime), cgroup v1 files of "cpu". */
struct cg_pair {
    const char *period_field, *period_file;
    int64_t period;
    const char *budget_field, *budget_file;
    int64_t budget;
};

/* runc's order: the period first, then the budget. The kernel checks each write against the
 * other value and the parent's limits, so a smaller period can be refused (EINVAL) while
 * the old budget stands; when a budget follows, runc writes it and then the period again. */
static int cg_set_pair(struct rlx_cg_sink *w, const struct cg_pair *p, rlx_error_t *err)
{
    char period[32], budget[32];
    bool again = false;
    snprintf(period, sizeof(period), "%lld", (long long)p->period);
    snprintf(budget, sizeof(budget), "%lld", (long long)p->budget);
    if (p->period != RLX_UNSET) {
        rlx_error_t e = NULL;
        if (cg_set(w, p->period_field, "cpu", p->period_file, NULL, period, &e) < 0) {
            if (p->budget == RLX_UNSET || e == NULL || e->errnum != EINVAL) {
                if (err && *err == NULL)
                    *err = e;
                else
                    rlx_error_release(&e);
                return -1;
            }
            rlx_error_release(&e);
            again = true;
        }
    }
    if (p->budget != RLX_UNSET && cg_set(w, p->budget_field, "cpu", p->budget_file, NULL, budget, err) < 0)
        return -1;
    if (again && cg_set(w, p->period_field, "cpu", p->period_file, NULL, period, err) < 0)
        return -1;
    return 0;
}

static char *num_or_max(int64_t v)
{
    return v < 0 ? xstrdup("max") : xasprintf("%lld", (long long)v);
}

/* runc's choice on cgroup v1: blkio.weight(_device) when the kernel has it (CFQ), else the
 * BFQ scheduler's blkio.bfq.weight(_device). */
static const char *v1_blkio_weight_file(const struct rlx_cgroup_layout *l, bool per_device)
{
    if (root_has_file(l, rlx_cgroup_layout_find(l, "blkio"), "blkio.weight"))
        return per_device ? "blkio.weight_device" : "blkio.weight";
    return per_device ? "blkio.bfq.weight_device" : "blkio.bfq.weight";
}

/* Whether the kernel has the BFQ I/O scheduler (built in or loaded): some queue offers it. */
static bool bfq_available(void)
{
    glob_t g;
    bool found = false;
    if (glob("/sys/block/*/queue/scheduler", 0, NULL, &g) != 0)
        return false;
    for (size_t i = 0; i < g.gl_pathc && !found; i++) {
        cleanup_free char *text = NULL;
        rlx_error_t e = NULL;
        text = read_file(g.gl_pathv[i], NULL, &e);
        rlx_error_release(&e);
        found = text && strstr(text, "bfq") != NULL;
    }
    globfree(&g);
    return found;
}

/* blockIO.weightDevice as "MAJ:MIN W" lines. cgroup v2: io.bfq.weight when BFQ is there
 * (the kernel shows io.bfq.weight only then), else io.weight with runc's conversion of the
 * [10, 1000] blkio range to [1, 10000]. leafWeight exists on v1 only. */
static int apply_weight_devices(const struct rlx_resources *r, struct rlx_cg_sink *w, rlx_error_t *err)
{
    const struct rlx_cgroup_layout *l = w->layout;
    bool v2 = rlx_cgroup_controller_is_v2(l, "io");
    bool bfq = v2 && bfq_available();
    char buf[96];
    for (size_t i = 0; i < r->n_weight_devices; i++) {
        const struct rlx_weight_device *d = &r->weight_devices[i];
        if (d->weight != RLX_UNSET && d->weight != 0) {
            long long wt = d->weight;
            if (v2 && !bfq)
                wt = 1 + (wt - 10) * 9999 / 990;
            snprintf(buf, sizeof(buf), "%lld:%lld %lld", (long long)d->major, (long long)d->minor, wt);
            if (cg_set(w, "linux.resources.blockIO.weightDevice", v2 ? "io" : "blkio", v1_blkio_weight_file(l, true),
                       bfq ? "io.bfq.weight" : "io.weight", buf, err) < 0)
                return -1;
        }
        if (d->leaf_weight != RLX_UNSET && d->leaf_weight != 0) {
            snprintf(buf, sizeof(buf), "%lld:%lld %lld", (long long)d->major, (long long)d->minor,
                     (long long)d->leaf_weight);
            if (cg_set(w, "linux.resources.blockIO.weightDevice", v2 ? "io" : "blkio", "blkio.leaf_weight_device",
                       NULL, buf, err) < 0)
                return -1;
        }
    }
    return 0;
}

/* network: net_cls and net_prio exist on cgroup v1 only. */
static int apply_network(const struct rlx_resources *r, struct rlx_cg_sink *w, rlx_error_t *err)
{
    char buf[128];
    if (r->net_classid != RLX_UNSET) {
        snprintf(buf, sizeof(buf), "%lld", (long long)r->net_classid);
        if (cg_set(w, "linux.resources.network.classID", "net_cls", "net_cls.classid", NULL, buf, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < r->n_net_priorities; i++) {
        snprintf(buf, sizeof(buf), "%s %u", r->net_priorities[i].name, r->net_priorities[i].priority);
        if (cg_set(w, "linux.resources.network.priorities", "net_prio", "net_prio.ifpriomap", NULL, buf, err) < 0)
            return -1;
    }
    return 0;
}

/* A number into a cgroup v1 file of the memory controller. */
static int set_v1_memory(struct rlx_cg_sink *w, const char *field, const char *v1file, int64_t v, rlx_error_t *err)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    return cg_set(w, field, "memory", v1file, NULL, buf, err);
}

/* The container's memory.limit_in_bytes now; a sink without current values (create's LXC keys,
 * for a cgroup that does not exist yet) has none, and a new cgroup has no limit. */
static uint64_t v1_current_memory_limit(struct rlx_cg_sink *w)
{
    int h = rlx_cgroup_layout_find(w->layout, "memory");
    cleanup_free char *text = h >= 0 && w->read ? w->read(w, h, "memory.limit_in_bytes") : NULL;
    return text ? strtoull(text, NULL, 10) : UINT64_MAX;
}

/* cgroup v1, as runc's setMemoryAndSwap (fs/memory.go): an unlimited memory without a swap
 * takes memsw with it where the kernel has memsw; with both given, memsw goes first when it is
 * unlimited or above the current limit, so that the kernel never sees memsw below memory. */
static int apply_memory_v1(const struct rlx_resources *r, struct rlx_cg_sink *w, rlx_error_t *err)
{
    static const char *const lim_field = "linux.resources.memory.limit", *swap_field = "linux.resources.memory.swap";
    int64_t mem = r->mem_limit, swap = r->mem_swap;
    bool swap_first = false;
    if (mem == -1 && swap == RLX_UNSET &&
        root_has_file(w->layout, rlx_cgroup_layout_find(w->layout, "memory"), "memory.memsw.limit_in_bytes"))
        swap = -1;
    if (mem != RLX_UNSET && swap != RLX_UNSET)
        swap_first = swap == -1 || v1_current_memory_limit(w) < (uint64_t)swap;
    if (swap_first && set_v1_memory(w, swap_field, "memory.memsw.limit_in_bytes", swap, err) < 0)
        return -1;
    if (mem != RLX_UNSET && set_v1_memory(w, lim_field, "memory.limit_in_bytes", mem, err) < 0)
        return -1;
    if (!swap_first && swap != RLX_UNSET && set_v1_memory(w, swap_field, "memory.memsw.limit_in_bytes", swap, err) < 0)
        return -1;
    return 0;
}

/* cgroup v2, as runc's ConvertMemorySwapToCgroupV2Value: swap.max excludes the memory that v1's
 * memsw includes, so a swap needs a memory limit, and an unlimited memory without a swap takes
 * swap with it. */
static int apply_memory_v2(const struct rlx_resources *r, struct rlx_cg_sink *w, rlx_error_t *err)
{
    int64_t mem = r->mem_limit, swap = r->mem_swap;
    cleanup_free char *v = NULL;
    if (mem != RLX_UNSET) {
        cleanup_free char *max = num_or_max(mem);
        if (cg_set(w, "linux.resources.memory.limit", "memory", NULL, "memory.max", max, err) < 0)
            return -1;
    }
    if (mem == -1 && swap == RLX_UNSET)
        swap = -1;
    if (swap == RLX_UNSET)
        return 0;
    if (swap == -1)
        v = num_or_max(-1);
    else if (mem == RLX_UNSET || mem == -1)
        return rlx_error(err, 0, "linux.resources.memory.swap: unable to set swap limit without memory limit");
    else if (swap < mem)
        return rlx_error(err, 0, "linux.resources.memory.swap: must be at least memory.limit");
    else
        v = xasprintf("%lld", (long long)(swap - mem));
    return cg_set(w, "linux.resources.memory.swap", "memory", NULL, "memory.swap.max", v, err);
}

static int apply_memory(const struct rlx_resources *r, struct rlx_cg_sink *w, rlx_error_t *err)
{
    bool v2 = rlx_cgroup_controller_is_v2(w->layout, "memory");
    if ((v2 ? apply_memory_v2 : apply_memory_v1)(r, w, err) < 0)
        return -1;
    if (r->mem_reservation != RLX_UNSET) {
        /* v1 takes -1 for "no limit" and refuses "max" */
        cleanup_free char *v = v2 ? num_or_max(r->mem_reservation) : xasprintf("%lld", (long long)r->mem_reservation);
        if (cg_set(w, "linux.resources.memory.reservation", "memory", "memory.soft_limit_in_bytes",
                   "memory.low", v, err) < 0)
            return -1;
    }
    /* memory.kernel is ignored, as runc 1.1 ignores it (rlx_resources_ignored says so). The
     * spec keeps kernelTCP (a limit of socket buffers, not kernel memory at large): applied
     * as crun applies it, on v1 where the kernel has the file; v2 has no such limit. */
    if (r->mem_kernel_tcp != RLX_UNSET && !v2 &&
        root_has_file(w->layout, rlx_cgroup_layout_find(w->layout, "memory"), "memory.kmem.tcp.limit_in_bytes") &&
        set_v1_memory(w, "linux.resources.memory.kernelTCP", "memory.kmem.tcp.limit_in_bytes", r->mem_kernel_tcp,
                      err) < 0)
        return -1;
    if (r->mem_swappiness != RLX_UNSET &&
        set_v1_memory(w, "linux.resources.memory.swappiness", "memory.swappiness", r->mem_swappiness, err) < 0)
        return -1;
    if (r->mem_disable_oom_killer)
        return cg_set(w, "linux.resources.memory.disableOOMKiller", "memory", "memory.oom_control", NULL, "1", err);
    return 0;
}

static int apply_cpu(const struct rlx_resources *r, struct rlx_cg_sink *w, rlx_error_t *err)
{
    bool v2 = rlx_cgroup_controller_is_v2(w->layout, "cpu");
    struct cg_pair rt = {"linux.resources.cpu.realtimePeriod", "cpu.rt_period_us", r->cpu_rt_period,
                         "linux.resources.cpu.realtimeRuntime", "cpu.rt_runtime_us", r->cpu_rt_runtime};
    char buf[128];
    if (r->cpu_shares != RLX_UNSET) {
        long long sh = r->cpu_shares;
        /* The cgroup v2 weight range [1, 10000] maps from shares [2, 262144] (runc's formula). */
        if (v2)
            snprintf(buf, sizeof(buf), "%lld", sh == 0 ? 100 : 1 + ((sh - 2) * 9999) / 262142);
        else
            snprintf(buf, sizeof(buf), "%lld", sh);
        if (cg_set(w, "linux.resources.cpu.shares", "cpu", "cpu.shares", "cpu.weight", buf, err) < 0)
            return -1;
    }
    if (r->cpu_quota != RLX_UNSET || r->cpu_period != RLX_UNSET) {
        if (v2) {
            /* runc (fs2/cpu.go): "max" unless a quota is given; the period only when given, the
             * kernel keeps the current one otherwise. */
            cleanup_free char *q = num_or_max(r->cpu_quota == RLX_UNSET || r->cpu_quota < 0 ? -1 : r->cpu_quota);
            if (r->cpu_period == RLX_UNSET)
                snprintf(buf, sizeof(buf), "%s", q);
            else
                snprintf(buf, sizeof(buf), "%s %lld", q, (long long)r->cpu_period);
            if (cg_set(w, "linux.resources.cpu.quota", "cpu", NULL, "cpu.max", buf, err) < 0)
                return -1;
        } else {
            struct cg_pair cfs = {"linux.resources.cpu.period", "cpu.cfs_period_us", r->cpu_period,
                                  "linux.resources.cpu.quota", "cpu.cfs_quota_us", r->cpu_quota};
            if (cg_set_pair(w, &cfs, err) < 0)
                return -1;
        }
    }
    return cg_set_pair(w, &rt, err);
}

static int apply_cpuset(const struct rlx_resources *r, struct rlx_cg_sink *w, rlx_error_t *err)
{
    if (r->cpu_cpus && *r->cpu_cpus &&
        cg_set(w, "linux.resources.cpu.cpus", "cpuset", "cpuset.cpus", "cpuset.cpus", r->cpu_cpus, err) < 0)
        return -1;
    if (r->cpu_mems && *r->cpu_mems &&
        cg_set(w, "linux.resources.cpu.mems", "cpuset", "cpuset.mems", "cpuset.mems", r->cpu_mems, err) < 0)
        return -1;
    return 0;
}

static int apply_pids(const struct rlx_resources *r, struct rlx_cg_sink *w, rlx_error_t *err)
{
    cleanup_free char *v = NULL;
    if (r->pids_limit == RLX_UNSET)
        return 0;
    v = num_or_max(r->pids_limit < 0 ? -1 : r->pids_limit);
    return cg_set(w, "linux.resources.pids.limit", "pids", "pids.max", "pids.max", v, err);
}

static int apply_blkio_throttle(const struct rlx_resources *r, struct rlx_cg_sink *w, rlx_error_t *err)
{
    static const char *const v1files[4] = {"blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
                                           "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
    static const char *const v2keys[4] = {"rbps", "wbps", "riops", "wiops"};
    bool v2 = rlx_cgroup_controller_is_v2(w->layout, "io");
    char buf[128];
    for (int k = 0; k < 4; k++)
        for (size_t i = 0; i < r->n_throttle[k]; i++) {
            const struct rlx_throttle *t = &r->throttle[k][i];
            if (v2)
                snprintf(buf, sizeof(buf), "%lld:%lld %s=%llu", (long long)t->major, (long long)t->minor, v2keys[k],
                         (unsigned long long)t->rate);
            else
                snprintf(buf, sizeof(buf), "%lld:%lld %llu", (long long)t->major, (long long)t->minor,
                         (unsigned long long)t->rate);
            if (cg_set(w, "linux.resources.blockIO.throttle", v2 ? "io" : "blkio", v1files[k], "io.max", buf, err) < 0)
                return -1;
        }
    return 0;
}

static int apply_blkio(const struct rlx_resources *r, struct rlx_cg_sink *w, rlx_error_t *err)
{
    const struct rlx_cgroup_layout *l = w->layout;
    char buf[128];
    if (r->blkio_weight != RLX_UNSET) {
        snprintf(buf, sizeof(buf), "%lld", (long long)r->blkio_weight);
        if (cg_set(w, "linux.resources.blockIO.weight", rlx_cgroup_controller_is_v2(l, "io") ? "io" : "blkio",
                   v1_blkio_weight_file(l, false), "io.bfq.weight", buf, err) < 0)
            return -1;
    }
    if (apply_weight_devices(r, w, err) < 0)
        return -1;
    if (r->blkio_leaf_weight != RLX_UNSET) {
        snprintf(buf, sizeof(buf), "%lld", (long long)r->blkio_leaf_weight);
        if (cg_set(w, "linux.resources.blockIO.leafWeight", "blkio", "blkio.leaf_weight", NULL, buf, err) < 0)
            return -1;
    }
    return apply_blkio_throttle(r, w, err);
}

static int apply_hugetlb(const struct rlx_resources *r, struct rlx_cg_sink *w, rlx_error_t *err)
{
    char buf[32];
    for (size_t i = 0; i < r->n_hugepages; i++) {
        cleanup_free char *f1 = xasprintf("hugetlb.%s.limit_in_bytes", r->hugepages[i].page_size);
        cleanup_free char *f2 = xasprintf("hugetlb.%s.max", r->hugepages[i].page_size);
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long)r->hugepages[i].limit);
        if (cg_set(w, "linux.resources.hugepageLimits", "hugetlb", f1, f2, buf, err) < 0)
            return -1;
    }
    return 0;
}

/* runc (validate.go): unified keys need a cgroup v2 host; runlxc also takes them on hybrid
 * hosts for controllers that live on the v2 hierarchy. */
static int apply_unified(const struct rlx_resources *r, struct rlx_cg_sink *w, rlx_error_t *err)
{
    const struct rlx_cgroup_layout *l = w->layout;
    if (r->unified == NULL)
        return 0;
    if (json_object_object_length(r->unified) > 0 && l->unified < 0)
        return rlx_error(err, 0, "linux.resources.unified: invalid configuration: cannot use unified on cgroup v1");
    json_object_object_foreach(r->unified, key, val) {
        cleanup_free char *ctrl = xstrdup(key);
        char *dot = strchr(ctrl, '.');
        if (json_object_get_type(val) != json_type_string)
            return rlx_error(err, 0, "linux.resources.unified.%s: expected a string", key);
        if (dot == NULL || strchr(key, '/'))
            return rlx_error(err, 0, "linux.resources.unified.%s: not a cgroup v2 file name", key);
        *dot = '\0';
        if (l->unified < 0 || (strcmp(ctrl, "cgroup") != 0 && !rlx_cgroup_controller_is_v2(l, ctrl)))
            return rlx_error(err, 0, "linux.resources.unified.%s: invalid configuration: cannot use unified on cgroup v1 "
                             "(controller '%s' is not on cgroup v2 on this host)", key, ctrl);
        if (w->set(w, "linux.resources.unified", l->unified, key, json_object_get_string(val), err) < 0)
            return -1;
    }
    return 0;
}

const char *rlx_resources_ignored(const struct rlx_resources *r)
{
    if (r->mem_kernel != RLX_UNSET && r->mem_kernel != 0)
        return "linux.resources.memory.kernel: kernel memory settings are ignored, as runc 1.1 ignores them";
    return NULL;
}

struct rlx_resources rlx_resources_for_update(const struct rlx_resources *r, const char **ignored)
{
    struct rlx_resources u = *r;    /* shallow: the arrays stay r's */
    *ignored = NULL;
    if ((r->mem_swappiness != RLX_UNSET && r->mem_swappiness != -1) || r->mem_disable_oom_killer)
        *ignored = "linux.resources.memory.swappiness and disableOOMKiller";
    else if (r->blkio_leaf_weight != RLX_UNSET && r->blkio_leaf_weight != 0)
        *ignored = "linux.resources.blockIO.leafWeight";
    else if (r->n_weight_devices || r->n_throttle[0] || r->n_throttle[1] || r->n_throttle[2] || r->n_throttle[3])
        *ignored = "linux.resources.blockIO.weightDevice and throttle*";
    else if (r->n_devices)
        *ignored = "linux.resources.devices";
    else if (r->n_hugepages)
        *ignored = "linux.resources.hugepageLimits";
    else if ((r->net_classid != RLX_UNSET && r->net_classid != 0) || r->n_net_priorities)
        *ignored = "linux.resources.network";
    u.mem_swappiness = u.blkio_leaf_weight = u.net_classid = RLX_UNSET;
    u.mem_disable_oom_killer = false;
    u.n_weight_devices = u.n_devices = u.n_hugepages = u.n_net_priorities = 0;
    for (int k = 0; k < 4; k++)
        u.n_throttle[k] = 0;
    return u;
}

/* One writer a controller, in runc's order of fields; each skips what the spec leaves unset. */
static int (*const resource_writers[])(const struct rlx_resources *, struct rlx_cg_sink *, rlx_error_t *) = {
    apply_memory, apply_cpu, apply_cpuset, apply_pids, apply_blkio, apply_hugetlb, apply_network, apply_unified,
};

/* runc 1.1 reads these zeros as "leave as is" (libcontainer/cgroups/fs, fs2 and systemd):
 * Docker writes blockIO.weight 0 into every config.json, and its update passes 0 for every
 * field the user did not name. Swappiness, hugepage limits and throttle rates of 0 are values. */
static void unset_zeros(struct rlx_resources *r)
{
    int64_t *fields[] = {&r->mem_limit, &r->mem_reservation, &r->mem_swap, &r->mem_kernel, &r->mem_kernel_tcp, &r->cpu_shares,
                         &r->cpu_quota, &r->cpu_period, &r->cpu_rt_runtime, &r->cpu_rt_period, &r->pids_limit,
                         &r->blkio_weight, &r->blkio_leaf_weight, &r->net_classid};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (*fields[i] == 0)
            *fields[i] = RLX_UNSET;
}

int rlx_resources_apply(const struct rlx_resources *r, struct rlx_cg_sink *sink, rlx_error_t *err)
{
    struct rlx_resources set = *r;     /* shallow: the arrays stay r's */
    unset_zeros(&set);
    for (size_t i = 0; i < sizeof(resource_writers) / sizeof(resource_writers[0]); i++)
        if (resource_writers[i](&set, sink, err) < 0)
            return -1;
    return 0;
}

struct file_sink {
    struct rlx_cg_sink base;
    char **paths;
};

/* The container's directory in hierarchy h, or NULL. */
static const char *file_sink_dir(const struct file_sink *s, int h)
{
    cleanup_free char *prefix = xasprintf("%s/", s->base.layout->h[h].mountpoint);
    for (size_t i = 0; s->paths && s->paths[i]; i++)
        if (strncmp(s->paths[i], prefix, strlen(prefix)) == 0)
            return s->paths[i];
    return NULL;
}

static int file_sink_set(struct rlx_cg_sink *sink, const char *field, int h, const char *file, const char *value,
                         rlx_error_t *err)
{
    const char *dir = file_sink_dir((struct file_sink *)sink, h);
    cleanup_free char *path = NULL;
    if (dir == NULL)
        return rlx_error(err, 0, "%s: the container has no cgroup in %s", field, sink->layout->h[h].mountpoint);
    path = xasprintf("%s/%s", dir, file);
    if (write_file(path, value, err) < 0)
        return rlx_error_wrap(err, "%s", field);
    return 0;
}

static char *file_sink_read(struct rlx_cg_sink *sink, int h, const char *file)
{
    const char *dir = file_sink_dir((struct file_sink *)sink, h);
    cleanup_free char *path = dir ? xasprintf("%s/%s", dir, file) : NULL;
    return path ? read_file(path, NULL, NULL) : NULL;
}

int rlx_resources_write(const struct rlx_resources *r, const struct rlx_cgroup_layout *l, char **paths,
                        rlx_error_t *err)
{
    struct file_sink sink = {{file_sink_set, l, file_sink_read}, paths};
    return rlx_resources_apply(r, &sink.base, err);
}
