#include "spec.h"
#include "util.h"
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/capability.h>
#include <sys/resource.h>

const char *const rlx_hook_names[RLX_HOOK_KINDS] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static const char *json_type_label(json_type t)
{
    switch (t) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double: return "a number";
    case json_type_int: return "an integer";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    case json_type_string: return "a string";
    }
    return "?";
}

int spec_get_typed(struct json_object *o, const char *key, const char *path, int type,
                   struct json_object **out, rlx_error_t *err)
{
    struct json_object *v = NULL;
    *out = NULL;
    if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL)
        return 0;
    if (json_object_get_type(v) != (json_type)type)
        return rlx_error(err, 0, "%s%s%s: expected %s, got %s", path, *path ? "." : "", key,
                         json_type_label(type), json_type_label(json_object_get_type(v)));
    *out = v;
    return 1;
}

int spec_get_string(struct json_object *o, const char *key, const char *path, bool required,
                    char **out, rlx_error_t *err)
{
    struct json_object *v;
    int r = spec_get_typed(o, key, path, json_type_string, &v, err);
    if (r < 0)
        return -1;
    if (r == 0) {
        if (required)
            return rlx_error(err, 0, "%s%s%s: required field is missing", path, *path ? "." : "", key);
        return 0;
    }
    free(*out);
    *out = xstrdup(json_object_get_string(v));
    return 1;
}

int spec_get_bool(struct json_object *o, const char *key, const char *path, bool *out, rlx_error_t *err)
{
    struct json_object *v;
    int r = spec_get_typed(o, key, path, json_type_boolean, &v, err);
    if (r > 0)
        *out = json_object_get_boolean(v);
    return r;
}

int spec_get_int64(struct json_object *o, const char *key, const char *path, int64_t *out,
                   rlx_error_t *err)
{
    struct json_object *v = NULL;
    if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL)
        return 0;
    if (json_object_get_type(v) != json_type_int)
        return rlx_error(err, 0, "%s.%s: expected an integer, got %s", path, key,
                         json_type_label(json_object_get_type(v)));
    errno = 0;
    *out = json_object_get_int64(v);
    if (errno == EINVAL || errno == ERANGE)
        return rlx_error(err, 0, "%s.%s: integer out of range", path, key);
    return 1;
}

int spec_get_strv(struct json_object *o, const char *key, const char *path, char ***out,
                  rlx_error_t *err)
{
    struct json_object *arr;
    int r = spec_get_typed(o, key, path, json_type_array, &arr, err);
    if (r <= 0)
        return r;
    size_t n = json_object_array_length(arr);
    char **v = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        if (e == NULL || json_object_get_type(e) != json_type_string) {
            strv_free(v);
            return rlx_error(err, 0, "%s.%s[%zu]: expected a string", path, key, i);
        }
        v[i] = xstrdup(json_object_get_string(e));
    }
    strv_free(*out);
    *out = v;
    return 1;
}

static const struct { const char *name; int resource; } rlimit_table[] = {
    {"RLIMIT_AS", RLIMIT_AS}, {"RLIMIT_CORE", RLIMIT_CORE}, {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA}, {"RLIMIT_FSIZE", RLIMIT_FSIZE}, {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE}, {"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS}, {"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_STACK", RLIMIT_STACK},
};

const char *rlx_rlimit_name(int resource)
{
    for (size_t k = 0; k < sizeof(rlimit_table) / sizeof(rlimit_table[0]); k++)
        if (rlimit_table[k].resource == resource)
            return rlimit_table[k].name;
    return NULL;
}

static int parse_rlimits(struct rlx_process *p, struct json_object *arr, rlx_error_t *err)
{
    size_t n = json_object_array_length(arr);
    p->rlimits = xcalloc(n, sizeof(*p->rlimits));
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        cleanup_free char *path = xasprintf("process.rlimits[%zu]", i);
        cleanup_free char *type = NULL;
        int64_t soft = 0, hard = 0;
        size_t k;
        if (json_object_get_type(e) != json_type_object)
            return rlx_error(err, 0, "%s: expected an object", path);
        if (spec_get_string(e, "type", path, true, &type, err) < 0)
            return -1;
        if (spec_get_int64(e, "soft", path, &soft, err) <= 0 || spec_get_int64(e, "hard", path, &hard, err) <= 0)
            return rlx_error(err, 0, "%s: soft and hard are required integers", path);
        for (k = 0; k < sizeof(rlimit_table) / sizeof(rlimit_table[0]); k++)
            if (strcmp(rlimit_table[k].name, type) == 0)
                break;
        if (k == sizeof(rlimit_table) / sizeof(rlimit_table[0]))
            return rlx_error(err, 0, "%s.type: unknown rlimit '%s'", path, type);
        for (size_t j = 0; j < p->n_rlimits; j++)
            if (p->rlimits[j].resource == rlimit_table[k].resource)
                return rlx_error(err, 0, "%s.type: rlimit '%s' given twice", path, type);
        p->rlimits[p->n_rlimits].resource = rlimit_table[k].resource;
        p->rlimits[p->n_rlimits].soft = (uint64_t)soft;
        p->rlimits[p->n_rlimits].hard = (uint64_t)hard;
        p->n_rlimits++;
    }
    return 0;
}

static int parse_caps(struct rlx_process *p, struct json_object *caps, rlx_error_t *err)
{
    static const char *const set_names[RLX_CAP_SETS] = {
        "bounding", "effective", "inheritable", "permitted", "ambient"};
    int last = cap_max_bits() - 1;

    p->has_caps = true;
    for (int s = 0; s < RLX_CAP_SETS; s++) {
        struct json_object *arr;
        int r = spec_get_typed(caps, set_names[s], "process.capabilities", json_type_array, &arr, err);
        if (r < 0)
            return -1;
        if (r == 0)
            continue;
        for (size_t i = 0; i < json_object_array_length(arr); i++) {
            struct json_object *e = json_object_array_get_idx(arr, i);
            char lower[64];
            cap_value_t cap;
            const char *name;
            if (json_object_get_type(e) != json_type_string)
                return rlx_error(err, 0, "process.capabilities.%s[%zu]: expected a string", set_names[s], i);
            name = json_object_get_string(e);
            snprintf(lower, sizeof(lower), "%s", name);
            for (char *c = lower; *c; c++)
                *c = tolower((unsigned char)*c);
            if (cap_from_name(lower, &cap) < 0)
                return rlx_error(err, 0, "process.capabilities.%s[%zu]: unknown capability '%s'",
                                 set_names[s], i, name);
            /* Capabilities the running kernel does not know are skipped, as runc does. */
            if (cap > last)
                continue;
            p->caps[s] |= UINT64_C(1) << cap;
        }
    }
    return 0;
}

/* process.user: ids in the container's user namespace, umask, additional groups. */
static int parse_user(struct rlx_process *p, struct json_object *v, rlx_error_t *err)
{
    struct json_object *gids;
    int64_t i64 = 0;
    int r;
    if (spec_get_int64(v, "uid", "process.user", &i64, err) < 0)
        return -1;
    if (i64 < 0 || i64 > UINT32_MAX - 1)
        return rlx_error(err, 0, "process.user.uid: %lld out of range", (long long)i64);
    p->uid = (uid_t)i64;
    i64 = 0;
    if (spec_get_int64(v, "gid", "process.user", &i64, err) < 0)
        return -1;
    if (i64 < 0 || i64 > UINT32_MAX - 1)
        return rlx_error(err, 0, "process.user.gid: %lld out of range", (long long)i64);
    p->gid = (gid_t)i64;
    if (spec_get_int64(v, "umask", "process.user", &i64, err) > 0)
        p->umask = (int)(i64 & 07777);
    if ((r = spec_get_typed(v, "additionalGids", "process.user", json_type_array, &gids, err)) < 0)
        return -1;
    if (r > 0) {
        p->n_additional_gids = json_object_array_length(gids);
        p->additional_gids = xcalloc(p->n_additional_gids, sizeof(gid_t));
        for (size_t i = 0; i < p->n_additional_gids; i++) {
            struct json_object *g = json_object_array_get_idx(gids, i);
            if (json_object_get_type(g) != json_type_int || json_object_get_int64(g) < 0)
                return rlx_error(err, 0, "process.user.additionalGids[%zu]: expected a gid", i);
            p->additional_gids[i] = (gid_t)json_object_get_int64(g);
        }
    }
    return 0;
}

int rlx_spec_parse_process(struct rlx_process *p, struct json_object *o, rlx_error_t *err)
{
    struct json_object *v;
    int64_t i64;
    int r;

    p->umask = -1;
    if (spec_get_bool(o, "terminal", "process", &p->terminal, err) < 0)
        return -1;
    if ((r = spec_get_typed(o, "consoleSize", "process", json_type_object, &v, err)) < 0)
        return -1;
    if (r > 0) {
        int64_t h = 0, w = 0;
        if (spec_get_int64(v, "height", "process.consoleSize", &h, err) < 0 ||
            spec_get_int64(v, "width", "process.consoleSize", &w, err) < 0)
            return -1;
        p->console_height = (unsigned)h;
        p->console_width = (unsigned)w;
    }
    if ((r = spec_get_strv(o, "args", "process", &p->args, err)) < 0)
        return -1;
    if (r == 0 || p->args[0] == NULL)
        return rlx_error(err, 0, "process.args: must contain at least one element");
    if (p->args[0][0] == '\0')
        return rlx_error(err, 0, "process.args[0]: must not be empty");
    if (spec_get_strv(o, "env", "process", &p->env, err) < 0)
        return -1;
    for (size_t i = 0; p->env && p->env[i]; i++)
        if (strchr(p->env[i], '=') == NULL || p->env[i][0] == '=')
            return rlx_error(err, 0, "process.env[%zu]: '%s' is not KEY=VALUE", i, p->env[i]);
    if (spec_get_string(o, "cwd", "process", true, &p->cwd, err) < 0)
        return -1;
    if (p->cwd[0] != '/')
        return rlx_error(err, 0, "process.cwd: '%s' must be an absolute path", p->cwd);
    if ((r = spec_get_typed(o, "user", "process", json_type_object, &v, err)) < 0 ||
        (r > 0 && parse_user(p, v, err) < 0))
        return -1;
    if ((r = spec_get_typed(o, "rlimits", "process", json_type_array, &v, err)) < 0)
        return -1;
    if (r > 0 && parse_rlimits(p, v, err) < 0)
        return -1;
    if ((r = spec_get_typed(o, "capabilities", "process", json_type_object, &v, err)) < 0)
        return -1;
    if (r > 0 && parse_caps(p, v, err) < 0)
        return -1;
    if (spec_get_bool(o, "noNewPrivileges", "process", &p->no_new_privileges, err) < 0)
        return -1;
    if ((r = spec_get_int64(o, "oomScoreAdj", "process", &i64, err)) < 0)
        return -1;
    if (r > 0) {
        if (i64 < -1000 || i64 > 1000)
            return rlx_error(err, 0, "process.oomScoreAdj: %lld not in [-1000, 1000]", (long long)i64);
        p->has_oom_score_adj = true;
        p->oom_score_adj = (int)i64;
    }
    if (spec_get_string(o, "apparmorProfile", "process", false, &p->apparmor_profile, err) < 0 ||
        spec_get_string(o, "selinuxLabel", "process", false, &p->selinux_label, err) < 0)
        return -1;
    return 0;
}

static int parse_mounts(struct rlx_spec *s, struct json_object *arr, rlx_error_t *err)
{
    s->n_mounts = json_object_array_length(arr);
    s->mounts = xcalloc(s->n_mounts, sizeof(*s->mounts));
    for (size_t i = 0; i < s->n_mounts; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        struct rlx_mount *m = &s->mounts[i];
        cleanup_free char *path = xasprintf("mounts[%zu]", i);
        if (json_object_get_type(e) != json_type_object)
            return rlx_error(err, 0, "%s: expected an object", path);
        if (spec_get_string(e, "destination", path, true, &m->destination, err) < 0 ||
            spec_get_string(e, "type", path, false, &m->type, err) < 0 ||
            spec_get_string(e, "source", path, false, &m->source, err) < 0 ||
            spec_get_strv(e, "options", path, &m->options, err) < 0)
            return -1;
        if (m->destination[0] != '/')
            return rlx_error(err, 0, "%s.destination: '%s' must be an absolute path", path, m->destination);
        if (path_has_dotdot(m->destination))
            return rlx_error(err, 0, "%s.destination: '%s' must not contain '..'", path, m->destination);
    }
    return 0;
}

int spec_parse_hooks(struct rlx_hook **out, size_t *n, struct json_object *arr, const char *path,
                     rlx_error_t *err)
{
    *n = json_object_array_length(arr);
    *out = xcalloc(*n, sizeof(**out));
    for (size_t i = 0; i < *n; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        struct rlx_hook *h = &(*out)[i];
        cleanup_free char *p = xasprintf("%s[%zu]", path, i);
        int64_t t = 0;
        if (json_object_get_type(e) != json_type_object)
            return rlx_error(err, 0, "%s: expected an object", p);
        if (spec_get_string(e, "path", p, true, &h->path, err) < 0 ||
            spec_get_strv(e, "args", p, &h->args, err) < 0 ||
            spec_get_strv(e, "env", p, &h->env, err) < 0 ||
            spec_get_int64(e, "timeout", p, &t, err) < 0)
            return -1;
        if (h->path[0] != '/')
            return rlx_error(err, 0, "%s.path: '%s' must be an absolute path", p, h->path);
        if (json_object_object_get_ex(e, "timeout", NULL) && t <= 0)
            return rlx_error(err, 0, "%s.timeout: must be greater than zero", p);
        h->timeout = (int)t;
    }
    return 0;
}

/* As runc (specconv): a bind mount's relative source names a path in the bundle directory. */
static void bind_sources_from_bundle(struct rlx_spec *s, const char *bundle)
{
    for (size_t i = 0; bundle && i < s->n_mounts; i++) {
        struct rlx_mount *m = &s->mounts[i];
        if (m->source && m->source[0] != '/' && rlx_mount_is_bind(m)) {
            char *abs = strcmp(m->source, ".") == 0 ? xstrdup(bundle) : xasprintf("%s/%s", bundle, m->source);
            free(m->source);
            m->source = abs;
        }
    }
}

/* config.json as a JSON object, or an error with the line and column json-c stopped at. */
static struct json_object *parse_document(const char *text, rlx_error_t *err)
{
    struct json_tokener *tok = json_tokener_new();
    struct json_object *root = json_tokener_parse_ex(tok, text, (int)strlen(text));
    if (root == NULL || json_tokener_get_error(tok) != json_tokener_success) {
        enum json_tokener_error je = json_tokener_get_error(tok);
        size_t off = json_tokener_get_parse_end(tok), line = 1, col = 1;
        if (je == json_tokener_continue)
            je = json_tokener_error_parse_eof;
        for (size_t i = 0; i < off && text[i]; i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        json_tokener_free(tok);
        json_object_put(root);
        rlx_error(err, 0, "config.json: syntax error at line %zu, column %zu: %s", line, col,
                  json_tokener_error_desc(je));
        return NULL;
    }
    json_tokener_free(tok);
    if (json_object_get_type(root) != json_type_object) {
        json_object_put(root);
        rlx_error(err, 0, "config.json: top level must be an object");
        return NULL;
    }
    return root;
}

/* A required object member: missing is an error naming it (with why, for "linux"). */
static int get_required_object(struct json_object *root, const char *key, const char *why, struct json_object **v,
                               rlx_error_t *err)
{
    int r = spec_get_typed(root, key, "", json_type_object, v, err);
    if (r == 0)
        return rlx_error(err, 0, "%s: required field is missing%s", key, why);
    return r < 0 ? -1 : 0;
}

/* root.path, relative to the bundle unless absolute. */
static int parse_root(struct rlx_spec *s, struct json_object *root, const char *bundle, rlx_error_t *err)
{
    struct json_object *v;
    if (get_required_object(root, "root", "", &v, err) < 0)
        return -1;
    if (spec_get_string(v, "path", "root", true, &s->root_path, err) < 0 ||
        spec_get_bool(v, "readonly", "root", &s->root_readonly, err) < 0)
        return -1;
    if (s->root_path[0] != '/' && bundle != NULL) {
        char *abs = xasprintf("%s/%s", bundle, s->root_path);
        free(s->root_path);
        s->root_path = abs;
    }
    return 0;
}

static int parse_hooks(struct rlx_spec *s, struct json_object *root, rlx_error_t *err)
{
    struct json_object *v;
    int r = spec_get_typed(root, "hooks", "", json_type_object, &v, err);
    if (r < 0)
        return -1;
    for (int k = 0; r > 0 && k < RLX_HOOK_KINDS; k++) {
        struct json_object *arr;
        cleanup_free char *path = xasprintf("hooks.%s", rlx_hook_names[k]);
        int rr = spec_get_typed(v, rlx_hook_names[k], "hooks", json_type_array, &arr, err);
        if (rr < 0 || (rr > 0 && spec_parse_hooks(&s->hooks[k], &s->n_hooks[k], arr, path, err) < 0))
            return -1;
    }
    return 0;
}

static int parse_annotations(struct rlx_spec *s, struct json_object *root, rlx_error_t *err)
{
    struct json_object *v;
    int r = spec_get_typed(root, "annotations", "", json_type_object, &v, err);
    if (r <= 0)
        return r;
    json_object_object_foreach(v, key, val) {
        if (json_object_get_type(val) != json_type_string)
            return rlx_error(err, 0, "annotations.%s: expected a string", key);
    }
    s->annotations = v;
    return 0;
}

/* The sections in the order their errors are reported. */
static int parse_sections(struct rlx_spec *s, struct json_object *root, const char *bundle, rlx_error_t *err)
{
    struct json_object *v;
    int r;
    if (spec_get_string(root, "ociVersion", "", true, &s->oci_version, err) < 0 || parse_root(s, root, bundle, err) < 0)
        return -1;
    if (spec_get_string(root, "hostname", "", false, &s->hostname, err) < 0 ||
        spec_get_string(root, "domainname", "", false, &s->domainname, err) < 0)
        return -1;
    if (get_required_object(root, "process", "", &v, err) < 0 || rlx_spec_parse_process(&s->process, v, err) < 0)
        return -1;
    if ((r = spec_get_typed(root, "mounts", "", json_type_array, &v, err)) < 0 || (r > 0 && parse_mounts(s, v, err) < 0))
        return -1;
    bind_sources_from_bundle(s, bundle);
    if (parse_hooks(s, root, err) < 0 || parse_annotations(s, root, err) < 0)
        return -1;
    if (get_required_object(root, "linux", " (runlxc runs Linux containers)", &v, err) < 0)
        return -1;
    return spec_parse_linux(s, v, err);
}

struct rlx_spec *rlx_spec_parse(const char *text, const char *bundle, rlx_error_t *err)
{
    struct json_object *root = parse_document(text, err);
    struct rlx_spec *s;
    if (root == NULL)
        return NULL;
    s = xcalloc(1, sizeof(*s));
    s->root = root;
    if (parse_sections(s, root, bundle, err) < 0) {
        rlx_spec_free(s);
        return NULL;
    }
    return s;
}

struct rlx_spec *rlx_spec_load(const char *bundle, rlx_error_t *err)
{
    cleanup_free char *path = xasprintf("%s/config.json", bundle);
    cleanup_free char *text = read_file(path, NULL, err);
    struct rlx_spec *s;
    if (text == NULL)
        return NULL;
    s = rlx_spec_parse(text, bundle, err);
    return s;
}

const char *rlx_spec_annotation(const struct rlx_spec *s, const char *key)
{
    struct json_object *v;
    if (s->annotations == NULL || !json_object_object_get_ex(s->annotations, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

bool rlx_spec_has_namespace(const struct rlx_spec *s, int flag)
{
    return rlx_spec_namespace(s, flag) != NULL;
}

const struct rlx_namespace *rlx_spec_namespace(const struct rlx_spec *s, int flag)
{
    for (size_t i = 0; i < s->n_namespaces; i++)
        if (s->namespaces[i].flag == flag)
            return &s->namespaces[i];
    return NULL;
}

const struct rlx_default_device rlx_default_devices[] = {
    {"/dev/null", 1, 3}, {"/dev/random", 1, 8}, {"/dev/full", 1, 7},
    {"/dev/tty", 5, 0},  {"/dev/zero", 1, 5},   {"/dev/urandom", 1, 9},
};
const size_t rlx_n_default_devices = sizeof(rlx_default_devices) / sizeof(rlx_default_devices[0]);

bool rlx_mount_is_bind(const struct rlx_mount *m)
{
    return (m->type && strcmp(m->type, "bind") == 0) || strv_has(m->options, "bind") ||
           strv_has(m->options, "rbind");
}

/* Destinations are absolute and without '..' (parse_mounts); only repeated or trailing
 * slashes can make the same path look different. */
static bool same_path(const char *a, const char *b)
{
    for (;;) {
        while (*a == '/' && (a[1] == '/' || a[1] == '\0'))
            a++;
        while (*b == '/' && (b[1] == '/' || b[1] == '\0'))
            b++;
        if (*a != *b)
            return false;
        if (*a == '\0')
            return true;
        a++;
        b++;
    }
}

void rlx_spec_insert_mount(struct rlx_spec *s, size_t at, const char *destination, const char *type,
                           const char *source, char *const *options)
{
    s->mounts = xrealloc(s->mounts, (s->n_mounts + 1) * sizeof(*s->mounts));
    memmove(s->mounts + at + 1, s->mounts + at, (s->n_mounts - at) * sizeof(*s->mounts));
    s->n_mounts++;
    memset(&s->mounts[at], 0, sizeof(s->mounts[at]));
    s->mounts[at].destination = xstrdup(destination);
    s->mounts[at].type = xstrdup(type);
    s->mounts[at].source = xstrdup(source);
    for (size_t i = 0; options[i]; i++)
        strv_push(&s->mounts[at].options, options[i]);
}

const struct rlx_mount *rlx_spec_mount_at(const struct rlx_spec *s, const char *destination)
{
    const struct rlx_mount *r = NULL;
    for (size_t i = 0; i < s->n_mounts; i++)
        if (same_path(s->mounts[i].destination, destination))
            r = &s->mounts[i];
    return r;
}

const struct rlx_mount *rlx_spec_dev_mount(const struct rlx_spec *s)
{
    return rlx_spec_mount_at(s, "/dev");
}

bool rlx_spec_sets_up_dev(const struct rlx_spec *s)
{
    for (size_t i = 0; i < s->n_mounts; i++)
        if (same_path(s->mounts[i].destination, "/dev") && rlx_mount_is_bind(&s->mounts[i]))
            return false;
    return true;
}

const struct rlx_device *rlx_spec_device(const struct rlx_spec *s, const char *path)
{
    for (size_t i = 0; i < s->n_devices; i++)
        if (same_path(s->devices[i].path, path))
            return &s->devices[i];
    return NULL;
}

unsigned long rlx_mount_flags(char *const *options)
{
    static const struct { const char *name; unsigned long set, clear; } table[] = {
        {"ro", MS_RDONLY, 0}, {"rw", 0, MS_RDONLY}, {"nosuid", MS_NOSUID, 0}, {"suid", 0, MS_NOSUID},
        {"nodev", MS_NODEV, 0}, {"dev", 0, MS_NODEV}, {"noexec", MS_NOEXEC, 0}, {"exec", 0, MS_NOEXEC},
        {"sync", MS_SYNCHRONOUS, 0}, {"async", 0, MS_SYNCHRONOUS}, {"dirsync", MS_DIRSYNC, 0},
        {"mand", MS_MANDLOCK, 0}, {"nomand", 0, MS_MANDLOCK}, {"noatime", MS_NOATIME, 0},
        {"atime", 0, MS_NOATIME}, {"nodiratime", MS_NODIRATIME, 0}, {"diratime", 0, MS_NODIRATIME},
        {"relatime", MS_RELATIME, 0}, {"norelatime", 0, MS_RELATIME},
        {"strictatime", MS_STRICTATIME, 0}, {"nostrictatime", 0, MS_STRICTATIME},
    };
    unsigned long f = 0;
    for (size_t i = 0; options && options[i]; i++)
        for (size_t j = 0; j < sizeof(table) / sizeof(table[0]); j++)
            if (strcmp(options[i], table[j].name) == 0)
                f = (f | table[j].set) & ~table[j].clear;
    return f;
}

void rlx_hooks_free(struct rlx_hook *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].path);
        strv_free(h[i].args);
        strv_free(h[i].env);
    }
    free(h);
}

void rlx_resources_free(struct rlx_resources *r)
{
    free(r->cpu_cpus);
    free(r->cpu_mems);
    for (int k = 0; k < 4; k++)
        free(r->throttle[k]);
    free(r->devices);
    for (size_t i = 0; i < r->n_hugepages; i++)
        free(r->hugepages[i].page_size);
    free(r->hugepages);
    free(r->weight_devices);
    for (size_t i = 0; i < r->n_net_priorities; i++)
        free(r->net_priorities[i].name);
    free(r->net_priorities);
    memset(r, 0, sizeof(*r));
}

void rlx_process_free(struct rlx_process *p)
{
    strv_free(p->args);
    strv_free(p->env);
    free(p->cwd);
    free(p->additional_gids);
    free(p->rlimits);
    free(p->apparmor_profile);
    free(p->selinux_label);
    memset(p, 0, sizeof(*p));
}

void rlx_spec_free(struct rlx_spec *s)
{
    if (s == NULL)
        return;
    free(s->oci_version);
    free(s->root_path);
    free(s->hostname);
    free(s->domainname);
    rlx_process_free(&s->process);
    for (size_t i = 0; i < s->n_mounts; i++) {
        free(s->mounts[i].destination);
        free(s->mounts[i].type);
        free(s->mounts[i].source);
        free(s->mounts[i].resolved);
        strv_free(s->mounts[i].options);
    }
    free(s->mounts);
    for (int k = 0; k < RLX_HOOK_KINDS; k++)
        rlx_hooks_free(s->hooks[k], s->n_hooks[k]);
    for (size_t i = 0; i < s->n_namespaces; i++)
        free(s->namespaces[i].path);
    free(s->namespaces);
    free(s->uid_mappings);
    free(s->gid_mappings);
    for (size_t i = 0; i < s->n_devices; i++)
        free(s->devices[i].path);
    free(s->devices);
    free(s->cgroups_path);
    rlx_resources_free(&s->resources);
    strv_free(s->sysctl);
    strv_free(s->masked_paths);
    strv_free(s->readonly_paths);
    free(s->rootfs_propagation);
    free(s->mount_label);
    json_object_put(s->root);
    free(s);
}
