/* config.json -> typed struct. Every error names the JSON path of the offending field. */
#ifndef RUNLXC_SPEC_H
#define RUNLXC_SPEC_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "error.h"

struct json_object;

enum rlx_hook_kind {
    RLX_HOOK_PRESTART, RLX_HOOK_CREATE_RUNTIME, RLX_HOOK_CREATE_CONTAINER,
    RLX_HOOK_START_CONTAINER, RLX_HOOK_POSTSTART, RLX_HOOK_POSTSTOP, RLX_HOOK_KINDS
};
extern const char *const rlx_hook_names[RLX_HOOK_KINDS];

struct rlx_hook {
    char *path;
    char **args;
    char **env;
    int timeout;           /* seconds; 0 = none */
};

struct rlx_mount {
    char *destination;
    char *type;
    char *source;          /* a bind mount's relative source is resolved against the bundle */
    char **options;
    char *resolved;        /* destination with the rootfs's symlinks followed (rlx_mounts_prepare) */
};

struct rlx_rlimit {
    int resource;
    uint64_t soft, hard;
};

enum rlx_capset { RLX_CAP_BOUNDING, RLX_CAP_EFFECTIVE, RLX_CAP_INHERITABLE, RLX_CAP_PERMITTED,
                  RLX_CAP_AMBIENT, RLX_CAP_SETS };

struct rlx_process {
    bool terminal;
    unsigned console_height, console_width;
    char **args;
    char **env;
    char *cwd;
    uid_t uid;
    gid_t gid;
    gid_t *additional_gids;
    size_t n_additional_gids;
    int umask;             /* -1 = unset */
    struct rlx_rlimit *rlimits;
    size_t n_rlimits;
    bool has_caps;
    uint64_t caps[RLX_CAP_SETS];
    bool no_new_privileges;
    bool has_oom_score_adj;
    int oom_score_adj;
    char *apparmor_profile;
    char *selinux_label;
};

struct rlx_namespace {
    int flag;              /* CLONE_NEW* */
    const char *name;      /* static: "pid", "network", ... */
    char *path;            /* join this namespace, or NULL for a new one */
};

struct rlx_device {
    char type;             /* c b u p */
    char *path;
    int64_t major, minor;
    bool has_mode, has_uid, has_gid;
    mode_t mode;
    uid_t uid;
    gid_t gid;
};

struct rlx_device_rule {
    bool allow;
    char type;             /* a c b */
    int64_t major, minor;  /* -1 = any */
    char access[4];
};

struct rlx_throttle {
    int64_t major, minor;
    uint64_t rate;
};

/* blockIO.weightDevice[]: weight and leafWeight are RLX_UNSET when not given. */
struct rlx_weight_device {
    int64_t major, minor, weight, leaf_weight;
};

/* network.priorities[]: one net_prio.ifpriomap line. */
struct rlx_net_priority {
    char *name;
    uint32_t priority;
};

struct rlx_idmap {
    uint32_t container_id, host_id, size;
};

#define RLX_UNSET INT64_MIN
struct rlx_resources {
    int64_t mem_limit, mem_reservation, mem_swap, mem_kernel, mem_kernel_tcp, mem_swappiness;
    bool mem_disable_oom_killer;
    int64_t cpu_shares, cpu_quota, cpu_period, cpu_rt_runtime, cpu_rt_period;
    char *cpu_cpus, *cpu_mems;
    int64_t pids_limit;
    int64_t blkio_weight, blkio_leaf_weight;
    struct rlx_throttle *throttle[4];   /* read_bps, write_bps, read_iops, write_iops */
    size_t n_throttle[4];
    struct rlx_device_rule *devices;
    size_t n_devices;
    struct rlx_weight_device *weight_devices;
    size_t n_weight_devices;
    struct { char *page_size; uint64_t limit; } *hugepages;
    size_t n_hugepages;
    int64_t net_classid;                /* RLX_UNSET when not given */
    struct rlx_net_priority *net_priorities;
    size_t n_net_priorities;
    struct json_object *unified;        /* cgroup v2 key/values, kept as JSON */
};

struct rlx_spec {
    char *oci_version;
    char *root_path;       /* absolute (resolved against the bundle) */
    bool root_readonly;
    char *hostname;
    char *domainname;
    struct rlx_process process;
    struct rlx_mount *mounts;
    size_t n_mounts;
    struct rlx_hook *hooks[RLX_HOOK_KINDS];
    size_t n_hooks[RLX_HOOK_KINDS];
    struct json_object *annotations;    /* object or NULL */
    /* linux */
    struct rlx_namespace *namespaces;
    size_t n_namespaces;
    struct rlx_idmap *uid_mappings, *gid_mappings;
    size_t n_uid_mappings, n_gid_mappings;
    struct rlx_device *devices;
    size_t n_devices;
    char *cgroups_path;
    struct rlx_resources resources;
    char **sysctl;         /* key=value pairs */
    char **masked_paths;
    char **readonly_paths;
    char *rootfs_propagation;
    char *mount_label;
    bool has_seccomp;
    struct json_object *seccomp;
    struct json_object *root;           /* the whole document */
};

/* Parses config.json text. bundle is used to resolve a relative root.path. */
struct rlx_spec *rlx_spec_parse(const char *text, const char *bundle, rlx_error_t *err);
struct rlx_spec *rlx_spec_load(const char *bundle, rlx_error_t *err);
void rlx_spec_free(struct rlx_spec *s);
/* "RLIMIT_NOFILE" for RLIMIT_NOFILE: the name process.rlimits[].type gives; NULL if unknown */
const char *rlx_rlimit_name(int resource);
/* The "process" object alone (runlxc exec --process FILE); errors name process.* paths. */
int rlx_spec_parse_process(struct rlx_process *p, struct json_object *o, rlx_error_t *err);
void rlx_process_free(struct rlx_process *p);
/* A LinuxResources object (config.json's linux.resources, or runlxc update -r). NULL: all unset. */
int rlx_spec_parse_resources(struct rlx_resources *r, struct json_object *o, rlx_error_t *err);
void rlx_resources_free(struct rlx_resources *r);
bool rlx_spec_has_namespace(const struct rlx_spec *s, int flag);
/* The string value of annotation key, or NULL. */
const char *rlx_spec_annotation(const struct rlx_spec *s, const char *key);
/* The LXC network runlxc convert carries over: "lxc.net.N.KEY = VALUE" lines for liblxc to set
 * up in the container's own new network namespace (design note 18). */
#define RLX_LXC_NET_ANNOTATION "org.runlxc.lxc.net"
const struct rlx_namespace *rlx_spec_namespace(const struct rlx_spec *s, int flag);

/* The device nodes runc creates in every /dev the runtime fills (libcontainer/specconv's
 * AllowedDevices that have a path): character devices, mode 0666, owned by root. */
struct rlx_default_device {
    const char *path;
    int major, minor;
};
extern const struct rlx_default_device rlx_default_devices[];
extern const size_t rlx_n_default_devices;
/* runc's needsSetupDev: the runtime fills /dev (nodes, symlinks, ptmx) unless a bind mount
 * provides it. */
bool rlx_spec_sets_up_dev(const struct rlx_spec *s);
/* The linux.devices entry for path, or NULL (a spec entry replaces a default node). */
const struct rlx_device *rlx_spec_device(const struct rlx_spec *s, const char *path);
/* The last mount at destination (paths compared with repeated and trailing '/' ignored), or NULL. */
const struct rlx_mount *rlx_spec_mount_at(const struct rlx_spec *s, const char *destination);
/* Inserts a mount at index `at` of mounts (n_mounts appends); options is NULL-terminated. */
void rlx_spec_insert_mount(struct rlx_spec *s, size_t at, const char *destination, const char *type,
                           const char *source, char *const *options);
/* The /dev mount of mounts (the last one there), or NULL. */
const struct rlx_mount *rlx_spec_dev_mount(const struct rlx_spec *s);
bool rlx_mount_is_bind(const struct rlx_mount *m);
/* The MS_* flags a mount's options set (runc's parseMountOptions), kept by a later remount. */
unsigned long rlx_mount_flags(char *const *options);

/* Internals shared by spec.c and spec_linux.c (json helpers that name the path). */
int spec_get_string(struct json_object *o, const char *key, const char *path, bool required,
                    char **out, rlx_error_t *err);
int spec_get_bool(struct json_object *o, const char *key, const char *path, bool *out, rlx_error_t *err);
int spec_get_int64(struct json_object *o, const char *key, const char *path, int64_t *out,
                   rlx_error_t *err);
int spec_get_strv(struct json_object *o, const char *key, const char *path, char ***out,
                  rlx_error_t *err);
int spec_get_typed(struct json_object *o, const char *key, const char *path, int type,
                   struct json_object **out, rlx_error_t *err);
int spec_parse_linux(struct rlx_spec *s, struct json_object *linux_obj, rlx_error_t *err);
int spec_parse_hooks(struct rlx_hook **out, size_t *n, struct json_object *arr, const char *path,
                     rlx_error_t *err);
/* Frees n hooks as spec_parse_hooks made them (a partly filled array too). */
void rlx_hooks_free(struct rlx_hook *h, size_t n);

#endif
