#include "seccomp_lxc.h"
#include "../runlxc/lib/util.h"
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* LXC's action words -> OCI; errno N carries its number. 0 when unknown. */
static const char *oci_action(const char *word, const char *arg, int *errno_ret)
{
    *errno_ret = -1;
    if (strcasecmp(word, "kill") == 0)
        return "SCMP_ACT_KILL";
    if (strcasecmp(word, "allow") == 0)
        return "SCMP_ACT_ALLOW";
    if (strcasecmp(word, "trap") == 0)
        return "SCMP_ACT_TRAP";
    if (strcasecmp(word, "errno") == 0 && arg && isdigit((unsigned char)*arg)) {
        *errno_ret = atoi(arg);
        return "SCMP_ACT_ERRNO";
    }
    return NULL;
}

static bool is_native_section(const char *s)
{
    return strcasecmp(s, "all") == 0 || strcasecmp(s, "x86_64") == 0 || strcasecmp(s, "amd64") == 0;
}

static char *strip_comment(char *l)
{
    char *hash = strchr(l, '#'), *e;
    if (hash)
        *hash = '\0';
    while (*l == ' ' || *l == '\t')
        l++;
    e = l + strlen(l);
    while (e > l && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return l;
}

static struct json_object *rule(const char *name, const char *action, int errno_ret)
{
    struct json_object *r = json_object_new_object(), *names = json_object_new_array();
    json_object_array_add(names, json_object_new_string(name));
    json_object_object_add(r, "names", names);
    json_object_object_add(r, "action", json_object_new_string(action));
    if (errno_ret >= 0)
        json_object_object_add(r, "errnoRet", json_object_new_int(errno_ret));
    return r;
}

/* "[0,1,SCMP_CMP_EQ]" or "[1,1,SCMP_CMP_MASKED_EQ,1]" -> an OCI argument condition */
static struct json_object *arg_condition(const char *w)
{
    unsigned idx;
    unsigned long long v, v2 = 0;
    char op[32];
    int n = sscanf(w, "[%u,%llu,%31[A-Z_],%llu]", &idx, &v, op, &v2);
    struct json_object *a;
    if (n < 3)
        return NULL;
    a = json_object_new_object();
    json_object_object_add(a, "index", json_object_new_int((int)idx));
    json_object_object_add(a, "value", json_object_new_uint64(v));
    json_object_object_add(a, "valueTwo", json_object_new_uint64(v2));
    json_object_object_add(a, "op", json_object_new_string(op));
    return a;
}

struct json_object *rlx_seccomp_from_lxc(const char *path, char *reason, size_t len, rlx_error_t *err)
{
    cleanup_file FILE *f = fopen(path, "re");
    struct json_object *out = NULL, *rules, *archs;
    char *line = NULL;
    size_t cap = 0;
    int version = 0, lineno = 0;
    bool deny = true, in_native = true, skipped = false, policy_done = false;
    const char *default_action = "SCMP_ACT_ALLOW", *rule_default = "SCMP_ACT_KILL";
    int default_errno = -1;

    *reason = '\0';
    if (f == NULL) {
        rlx_error(err, errno, "lxc.seccomp.profile %s", path);
        return NULL;
    }
    out = json_object_new_object();
    rules = json_object_new_array();
    archs = json_object_new_array();
    json_object_array_add(archs, json_object_new_string("SCMP_ARCH_X86_64"));
    json_object_array_add(archs, json_object_new_string("SCMP_ARCH_X86"));
    json_object_array_add(archs, json_object_new_string("SCMP_ARCH_X32"));
    while (getline(&line, &cap, f) > 0) {
        char *l = strip_comment(line), *w[8] = {0};
        int nw = 0, errno_ret;
        char *save = NULL;
        const char *act;
        lineno++;
        if (*l == '\0')
            continue;
        if (version == 0) {
            version = atoi(l);
            if (version != 1 && version != 2)
                break;
            if (version == 1) {
                deny = false;
                default_action = "SCMP_ACT_KILL";
            }
            continue;
        }
        for (char *t = strtok_r(l, " \t", &save); t && nw < 8; t = strtok_r(NULL, " \t", &save))
            w[nw++] = t;
        if (version == 2 && !policy_done && (strcasecmp(w[0], "denylist") == 0 || strcasecmp(w[0], "blacklist") == 0 ||
                                                  strcasecmp(w[0], "allowlist") == 0 || strcasecmp(w[0], "whitelist") == 0)) {
            deny = w[0][0] == 'd' || w[0][0] == 'b' || w[0][0] == 'D' || w[0][0] == 'B';
            if (deny) {
                default_action = "SCMP_ACT_ALLOW";
                rule_default = "SCMP_ACT_KILL";
            } else {
                default_action = "SCMP_ACT_KILL";
                rule_default = "SCMP_ACT_ALLOW";
            }
            if (nw > 1 && (act = oci_action(w[1], w[2], &errno_ret)) != NULL) {
                default_action = act;
                default_errno = errno_ret;
            }
            policy_done = true;
            continue;
        }
        policy_done = true;
        if (version == 1) {
            char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, atoi(w[0]));
            if (name) {
                json_object_array_add(rules, rule(name, "SCMP_ACT_ALLOW", -1));
                free(name);
            }
            continue;
        }
        if (w[0][0] == '[') {
            cleanup_free char *sec = xstrdup(w[0] + 1);
            char *close = strchr(sec, ']');
            if (close)
                *close = '\0';
            in_native = is_native_section(sec);
            skipped |= !in_native;
            continue;
        }
        if (!in_native)
            continue;
        if (strcmp(w[0], "reject_force_umount") == 0) {
            /* LXC: umount2(target, MNT_FORCE) fails with EACCES */
            struct json_object *r = rule("umount2", "SCMP_ACT_ERRNO", EACCES), *args = json_object_new_array();
            json_object_array_add(args, arg_condition("[1,1,SCMP_CMP_MASKED_EQ,1]"));
            json_object_object_add(r, "args", args);
            json_object_array_add(rules, r);
            continue;
        }
        if (nw > 1 && w[1][0] != '[') {
            if (strcasecmp(w[1], "notify") == 0 || strcasecmp(w[1], "trace") == 0) {
                snprintf(reason, len, "%s:%d: action '%s' has no OCI equivalent without a listener", path, lineno, w[1]);
                json_object_put(out);
                json_object_put(rules);
                json_object_put(archs);
                free(line);
                return NULL;
            }
            act = oci_action(w[1], w[2], &errno_ret);
            if (act == NULL) {
                rlx_error(err, 0, "lxc.seccomp.profile %s:%d: unknown action '%s'", path, lineno, w[1]);
                goto fail;
            }
        } else {
            act = rule_default;
            errno_ret = -1;
        }
        {
            struct json_object *r = rule(w[0], act, errno_ret), *args = NULL;
            for (int i = 1; i < nw; i++) {
                struct json_object *a = w[i][0] == '[' ? arg_condition(w[i]) : NULL;
                if (w[i][0] != '[')
                    continue;
                if (a == NULL) {
                    json_object_put(r);
                    rlx_error(err, 0, "lxc.seccomp.profile %s:%d: argument condition '%s'", path, lineno, w[i]);
                    goto fail;
                }
                if (args == NULL)
                    args = json_object_new_array();
                json_object_array_add(args, a);
            }
            if (args)
                json_object_object_add(r, "args", args);
            json_object_array_add(rules, r);
        }
    }
    free(line);
    line = NULL;
    if (version != 1 && version != 2) {
        rlx_error(err, 0, "lxc.seccomp.profile %s: not an LXC seccomp profile (first line must be 1 or 2)", path);
        goto fail;
    }
    json_object_object_add(out, "defaultAction", json_object_new_string(default_action));
    if (default_errno >= 0)
        json_object_object_add(out, "defaultErrnoRet", json_object_new_int(default_errno));
    json_object_object_add(out, "architectures", archs);
    json_object_object_add(out, "syscalls", rules);
    if (skipped)
        snprintf(reason, len, "sections for other architectures left out");
    return out;
fail:
    free(line);
    json_object_put(out);
    json_object_put(rules);
    json_object_put(archs);
    return NULL;
}
