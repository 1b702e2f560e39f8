#include "seccomp_profile.h"
#include "seccomp_enosys.h"
#include "probe.h"
#include "spec.h"
#include "syscalls.h"
#include "util.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef SECCOMP_FILTER_FLAG_TSYNC
#define SECCOMP_FILTER_FLAG_TSYNC (1UL << 0)
#endif
#ifndef SECCOMP_FILTER_FLAG_LOG
#define SECCOMP_FILTER_FLAG_LOG (1UL << 1)
#endif
#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif

const char *const rlx_seccomp_actions[] = {
    "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
#ifdef SCMP_ACT_NOTIFY
    "SCMP_ACT_NOTIFY",
#endif
    NULL};
const char *const rlx_seccomp_operators[] = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ",
    "SCMP_CMP_NE", NULL};
const char *const rlx_seccomp_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", NULL};

static const char *const known_archs[] = {
    "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
    "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
    "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", NULL};

/* "SCMP_ARCH_X86_64" -> libseccomp's token, 0 if unknown. */
static uint32_t arch_token(const char *oci)
{
    char lower[64];
    size_t i;
    if (strncmp(oci, "SCMP_ARCH_", 10) != 0 || strlen(oci) >= sizeof(lower) + 10)
        return 0;
    for (i = 0; oci[10 + i]; i++)
        lower[i] = (char)tolower((unsigned char)oci[10 + i]);
    lower[i] = '\0';
    return seccomp_arch_resolve_name(lower);
}

struct json_object *rlx_seccomp_archs_json(void)
{
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; known_archs[i]; i++)
        if (arch_token(known_archs[i]) != 0)
            json_object_array_add(a, json_object_new_string(known_archs[i]));
    return a;
}

static int parse_action(struct json_object *o, const char *action_key, const char *errno_key, const char *path,
                        uint32_t *out, rlx_error_t *err)
{
    cleanup_free char *act = NULL;
    int64_t eret = EPERM;
    bool has_errno;
    if (spec_get_string(o, action_key, path, true, &act, err) < 0)
        return -1;
    has_errno = json_object_object_get_ex(o, errno_key, NULL);
    if (has_errno && spec_get_int64(o, errno_key, path, &eret, err) < 0)
        return -1;
    if (strcmp(act, "SCMP_ACT_ALLOW") == 0)
        *out = SCMP_ACT_ALLOW;
    else if (strcmp(act, "SCMP_ACT_ERRNO") == 0)
        *out = SCMP_ACT_ERRNO((uint16_t)eret);
    else if (strcmp(act, "SCMP_ACT_KILL") == 0 || strcmp(act, "SCMP_ACT_KILL_THREAD") == 0)
        *out = SCMP_ACT_KILL_THREAD;
    else if (strcmp(act, "SCMP_ACT_KILL_PROCESS") == 0) {
        /* libseccomp refuses an action the running kernel lacks (and runc fails with it):
         * say which, naming the field */
        if (!rlx_probe_seccomp_action(0x80000000U /* SECCOMP_RET_KILL_PROCESS */))
            return rlx_error(err, 0, "%s.%s: this kernel has no SCMP_ACT_KILL_PROCESS (Linux 4.14)", path, action_key);
        *out = SCMP_ACT_KILL_PROCESS;
    }
    else if (strcmp(act, "SCMP_ACT_TRAP") == 0)
        *out = SCMP_ACT_TRAP;
    else if (strcmp(act, "SCMP_ACT_TRACE") == 0)
        *out = SCMP_ACT_TRACE((uint16_t)eret);
    else if (strcmp(act, "SCMP_ACT_LOG") == 0) {
        if (!rlx_probe_seccomp_action(0x7ffc0000U /* SECCOMP_RET_LOG */))
            return rlx_error(err, 0, "%s.%s: this kernel has no SCMP_ACT_LOG (Linux 4.14)", path, action_key);
        *out = SCMP_ACT_LOG;
    }
    else if (strcmp(act, "SCMP_ACT_NOTIFY") == 0) {
#ifdef SCMP_ACT_NOTIFY
        if (strcmp(action_key, "defaultAction") == 0)
            return rlx_error(err, 0, "%s.%s: SCMP_ACT_NOTIFY cannot be the default action", path, action_key);
        if (!rlx_probe_seccomp_notify())
            return rlx_error(err, 0, "%s.%s: this kernel has no seccomp user notification (Linux 5.0)", path, action_key);
        *out = SCMP_ACT_NOTIFY;
#else
        return rlx_error(err, 0, "%s.%s: SCMP_ACT_NOTIFY needs libseccomp 2.5 or later", path, action_key);
#endif
    }
    else
        return rlx_error(err, 0, "%s.%s: unknown action '%s'", path, action_key, act);
    return 0;
}

static int parse_op(const char *op, enum scmp_compare *out)
{
    static const struct { const char *n; enum scmp_compare c; } ops[] = {
        {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
        {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (strcmp(op, ops[i].n) == 0) {
            *out = ops[i].c;
            return 0;
        }
    return -1;
}

/* One rule's argument conditions. Several conditions on the same argument cannot be ANDed
 * by libseccomp, so (as runc does) each then becomes a rule of its own. */
static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, struct json_object *args, const char *path,
                    rlx_error_t *err)
{
    struct scmp_arg_cmp cmp[6];
    unsigned n = 0, seen = 0;
    bool split = false;
    int r;
    for (size_t i = 0; args && i < json_object_array_length(args); i++) {
        struct json_object *a = json_object_array_get_idx(args, i);
        cleanup_free char *ap = xasprintf("%s.args[%zu]", path, i);
        cleanup_free char *op = NULL;
        int64_t idx = -1, value = 0, value2 = 0;
        enum scmp_compare c;
        if (spec_get_int64(a, "index", ap, &idx, err) < 0 || spec_get_int64(a, "value", ap, &value, err) < 0 ||
            spec_get_int64(a, "valueTwo", ap, &value2, err) < 0 || spec_get_string(a, "op", ap, true, &op, err) < 0)
            return -1;
        if (idx < 0 || idx > 5)
            return rlx_error(err, 0, "%s.index: %lld is not an argument index (0-5)", ap, (long long)idx);
        if (parse_op(op, &c) < 0)
            return rlx_error(err, 0, "%s.op: unknown operator '%s'", ap, op);
        if (n >= 6)
            return rlx_error(err, 0, "%s: more than 6 argument conditions", path);
        if (seen & (1u << idx))
            split = true;
        seen |= 1u << idx;
        cmp[n++] = (struct scmp_arg_cmp){(unsigned)idx, c, (scmp_datum_t)value, (scmp_datum_t)value2};
    }
    if (split) {
        for (unsigned i = 0; i < n; i++)
            if ((r = seccomp_rule_add_array(ctx, action, nr, 1, &cmp[i])) < 0)
                return rlx_error(err, -r, "%s: add rule", path);
        return 0;
    }
    r = seccomp_rule_add_array(ctx, action, nr, n, cmp);
    /* A rule whose action is the default action is refused (EACCES) and is a no-op anyway. */
    if (r < 0 && r != -EACCES)
        return rlx_error(err, -r, "%s: add rule", path);
    return 0;
}

static int build_ctx(scmp_filter_ctx ctx, struct json_object *sc, uint32_t def, unsigned *flags, rlx_error_t *err)
{
    struct json_object *v;
    int r;
    if ((r = spec_get_typed(sc, "architectures", "linux.seccomp", json_type_array, &v, err)) < 0)
        return -1;
    for (size_t i = 0; r > 0 && i < json_object_array_length(v); i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(v, i));
        uint32_t tok = name ? arch_token(name) : 0;
        int rr;
        if (tok == 0)
            return rlx_error(err, 0, "linux.seccomp.architectures[%zu]: unknown architecture '%s'", i, name ? name : "");
        rr = seccomp_arch_add(ctx, tok);
        if (rr < 0 && rr != -EEXIST)
            return rlx_error(err, -rr, "linux.seccomp.architectures[%zu]: %s", i, name);
    }
    if ((r = spec_get_typed(sc, "flags", "linux.seccomp", json_type_array, &v, err)) < 0)
        return -1;
    for (size_t i = 0; r > 0 && i < json_object_array_length(v); i++) {
        const char *f = json_object_get_string(json_object_array_get_idx(v, i));
        if (f && strcmp(f, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
            *flags |= SECCOMP_FILTER_FLAG_TSYNC;
        else if (f && strcmp(f, "SECCOMP_FILTER_FLAG_LOG") == 0)
            *flags |= SECCOMP_FILTER_FLAG_LOG;
        else if (f && strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
            *flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
        else
            return rlx_error(err, 0, "linux.seccomp.flags[%zu]: unknown or unsupported flag '%s'", i, f ? f : "");
    }
    if ((r = spec_get_typed(sc, "syscalls", "linux.seccomp", json_type_array, &v, err)) < 0)
        return -1;
    for (size_t i = 0; r > 0 && i < json_object_array_length(v); i++) {
        struct json_object *rule = json_object_array_get_idx(v, i), *names, *args = NULL;
        cleanup_free char *path = xasprintf("linux.seccomp.syscalls[%zu]", i);
        uint32_t action;
        size_t known = 0, total;
        if (json_object_get_type(rule) != json_type_object)
            return rlx_error(err, 0, "%s: expected an object", path);
        if (spec_get_typed(rule, "names", path, json_type_array, &names, err) <= 0)
            return rlx_error(err, 0, "%s.names: required array of syscall names", path);
        if (spec_get_typed(rule, "args", path, json_type_array, &args, err) < 0)
            return -1;
        if (parse_action(rule, "action", "errnoRet", path, &action, err) < 0)
            return -1;
        total = json_object_array_length(names);
#ifdef SCMP_ACT_NOTIFY
        if (action == SCMP_ACT_NOTIFY) {
            /* runlxc-init hands the listener to runlxc with sendmsg(2): a notified sendmsg
             * would wait for an agent that has not got the listener yet. */
            for (size_t k = 0; k < total; k++)
                if (strcmp(json_object_get_string(json_object_array_get_idx(names, k)) ?: "", "sendmsg") == 0)
                    return rlx_error(err, 0, "%s.names[%zu]: SCMP_ACT_NOTIFY cannot be used for sendmsg, which "
                                     "passes the listener to the agent", path, k);
            *flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        }
#endif
        for (size_t k = 0; k < total; k++) {
            const char *name = json_object_get_string(json_object_array_get_idx(names, k));
            int nr = name ? seccomp_syscall_resolve_name(name) : __NR_SCMP_ERROR;
            cleanup_free char *np = xasprintf("%s.names[%zu]", path, k);
            /* Profiles list syscalls newer than this libseccomp: skip those, as runc does, but a
             * rule in which nothing is known is a mistake worth reporting. */
            if (nr == __NR_SCMP_ERROR)
                continue;
            known++;
            if (action == def)
                continue;
            if (add_rule(ctx, action, nr, args, np, err) < 0)
                return -1;
        }
        if (total > 0 && known == 0)
            return rlx_error(err, 0, "%s.names: unknown syscall '%s'", path,
                             json_object_get_string(json_object_array_get_idx(names, 0)));
    }
    return 0;
}

/* The architectures of runc's -ENOSYS stub with the highest syscall number the profile
 * names for each (seccomp_enosys.c). runc adds no stub when the default action lets calls
 * through (allow, log, trace) or already is ENOSYS. Unlike runc, a profile without
 * "architectures" gets the stub for the native one: runc's would give clone3 the default
 * action there, and glibc's threads fail with EPERM instead of falling back to clone. */
static size_t enosys_archs(struct json_object *sc, uint32_t def, struct rlx_enosys_arch *out, size_t max)
{
    struct json_object *archs = NULL, *rules = NULL;
    uint32_t toks[64];
    size_t n_toks = 0, n = 0;
    if (def == SCMP_ACT_ALLOW || def == SCMP_ACT_LOG || (def & 0xffff0000U) == SCMP_ACT_TRACE(0) ||
        def == SCMP_ACT_ERRNO(ENOSYS))
        return 0;
    json_object_object_get_ex(sc, "architectures", &archs);
    json_object_object_get_ex(sc, "syscalls", &rules);
    for (size_t i = 0; archs && i < json_object_array_length(archs) && n_toks < 64; i++)
        toks[n_toks++] = arch_token(json_object_get_string(json_object_array_get_idx(archs, i)) ?: "");
    if (n_toks == 0)
        toks[n_toks++] = seccomp_arch_native();
    for (size_t a = 0; a < n_toks; a++) {
        bool x32 = toks[a] == SCMP_ARCH_X32;
        uint32_t audit = x32 ? SCMP_ARCH_X86_64 : toks[a];
        size_t at = 0;
        long hi = -1;
        while (at < n && out[at].audit != audit)
            at++;
        if (at == n) {
            if (n == max)
                continue;
            out[n++] = (struct rlx_enosys_arch){audit, -1, -1};
        }
        for (size_t r = 0; rules && r < json_object_array_length(rules); r++) {
            struct json_object *names = NULL;
            json_object_object_get_ex(json_object_array_get_idx(rules, r), "names", &names);
            for (size_t k = 0; names && k < json_object_array_length(names); k++) {
                int nr = seccomp_syscall_resolve_name_arch(toks[a],
                                                           json_object_get_string(json_object_array_get_idx(names, k)) ?: "");
                if (nr >= 0 && nr > hi)
                    hi = nr;
            }
        }
        if (x32)
            out[at].highest_x32 = hi;
        else
            out[at].highest = hi;
    }
    return n;
}

/* listenerPath and listenerMetadata: where the listener of SCMP_ACT_NOTIFY rules goes (runc
 * 1.1's seccomp agent protocol). Rules that notify need somewhere to send it. */
static int listener_target(struct json_object *sc, struct rlx_seccomp_prog *out, rlx_error_t *err)
{
    if (spec_get_string(sc, "listenerPath", "linux.seccomp", false, &out->listener_path, err) < 0 ||
        spec_get_string(sc, "listenerMetadata", "linux.seccomp", false, &out->listener_metadata, err) < 0)
        return -1;
    if (out->listener_path && !*out->listener_path) {
        free(out->listener_path);
        out->listener_path = NULL;
    }
    if ((out->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) && out->listener_path == NULL)
        return rlx_error(err, 0, "linux.seccomp.listenerPath: required by the SCMP_ACT_NOTIFY rules");
    if (out->listener_path && out->listener_path[0] != '/')
        return rlx_error(err, 0, "linux.seccomp.listenerPath: '%s' must be an absolute path", out->listener_path);
    return 0;
}

int rlx_seccomp_build(struct json_object *sc, struct rlx_seccomp_prog *out, rlx_error_t *err)
{
    scmp_filter_ctx ctx;
    uint32_t def;
    int fd = -1, r = -1;
    struct rlx_enosys_arch archs[32];
    struct stat st;

    memset(out, 0, sizeof(*out));
    if (parse_action(sc, "defaultAction", "defaultErrnoRet", "linux.seccomp", &def, err) < 0)
        return -1;
    ctx = seccomp_init(def);
    if (ctx == NULL)
        return rlx_error(err, 0, "linux.seccomp: libseccomp cannot make a filter with this default action");
    /* The BPF is loaded by runlxc-init, not by libseccomp: no_new_privs is the spec's business. */
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    if (build_ctx(ctx, sc, def, &out->flags, err) < 0 || listener_target(sc, out, err) < 0)
        goto out;
    fd = rlx_memfd_create("runlxc-seccomp", 1 /* MFD_CLOEXEC */);
    if (fd < 0) {
        char tmpl[] = "/tmp/runlxc-seccomp.XXXXXX";
        fd = mkostemp(tmpl, O_CLOEXEC);
        if (fd >= 0)
            unlink(tmpl);
    }
    if (fd < 0) {
        rlx_error(err, errno, "linux.seccomp: temporary file for the filter");
        goto out;
    }
    if ((r = seccomp_export_bpf(ctx, fd)) < 0) {
        rlx_error(err, -r, "linux.seccomp: export the filter");
        r = -1;
        goto out;
    }
    r = -1;
    if (fstat(fd, &st) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
        rlx_error(err, errno, "linux.seccomp: read the filter");
        goto out;
    }
    out->len = (size_t)st.st_size;
    out->bpf = xmalloc(out->len);
    if (read(fd, out->bpf, out->len) != (ssize_t)out->len) {
        rlx_error(err, errno, "linux.seccomp: read the filter");
        goto out;
    }
    r = rlx_seccomp_enosys_patch(archs, enosys_archs(sc, def, archs, 32), &out->bpf, &out->len);
out:
    if (fd >= 0)
        close(fd);
    seccomp_release(ctx);
    if (r < 0)
        rlx_seccomp_prog_free(out);
    return r;
}

void rlx_seccomp_prog_free(struct rlx_seccomp_prog *p)
{
    free(p->bpf);
    free(p->listener_path);
    free(p->listener_metadata);
    p->bpf = NULL;
    p->listener_path = p->listener_metadata = NULL;
    p->len = 0;
}
