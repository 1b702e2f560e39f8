#include "lxcfile.h"
#include "../runlxc/lib/util.h"
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_INCLUDE_DEPTH 32

/* lxc-update-config's renames (LXC 2.1). Keys 2.1 dropped (lxc.rootfs.backend, lxc.pivotdir,
 * lxc.kmsg) keep their names: the translation reports them. */
static const struct { const char *old, *new; bool prefix; } renames[] = {
    {"lxc.aa_profile", "lxc.apparmor.profile", false},
    {"lxc.aa_allow_incomplete", "lxc.apparmor.allow_incomplete", false},
    {"lxc.console", "lxc.console.path", false},
    {"lxc.devttydir", "lxc.tty.dir", false},
    {"lxc.haltsignal", "lxc.signal.halt", false},
    {"lxc.rebootsignal", "lxc.signal.reboot", false},
    {"lxc.stopsignal", "lxc.signal.stop", false},
    {"lxc.id_map", "lxc.idmap", false},
    {"lxc.init_cmd", "lxc.init.cmd", false},
    {"lxc.init_uid", "lxc.init.uid", false},
    {"lxc.init_gid", "lxc.init.gid", false},
    {"lxc.logfile", "lxc.log.file", false},
    {"lxc.loglevel", "lxc.log.level", false},
    {"lxc.syslog", "lxc.log.syslog", false},
    {"lxc.mount", "lxc.mount.fstab", false},
    {"lxc.pts", "lxc.pty.max", false},
    {"lxc.tty", "lxc.tty.max", false},
    {"lxc.rootfs", "lxc.rootfs.path", false},
    {"lxc.se_context", "lxc.selinux.context", false},
    {"lxc.seccomp", "lxc.seccomp.profile", false},
    {"lxc.utsname", "lxc.uts.name", false},
    {"lxc.limit.", "lxc.prlimit.", true},
};

char *rlx_lxc_modern_key(const char *key, int *net)
{
    for (size_t i = 0; i < sizeof(renames) / sizeof(renames[0]); i++) {
        size_t n = strlen(renames[i].old);
        if (renames[i].prefix ? strncmp(key, renames[i].old, n) == 0 : strcmp(key, renames[i].old) == 0)
            return xasprintf("%s%s", renames[i].new, key + n);
    }
    if (strncmp(key, "lxc.network.", 12) == 0) {
        const char *k = key + 12;
        /* each lxc.network.type starts the next interface, as in LXC 1.0 */
        if (strcmp(k, "type") == 0)
            (*net)++;
        if (strcmp(k, "ipv4") == 0)
            k = "ipv4.address";
        else if (strcmp(k, "ipv6") == 0)
            k = "ipv6.address";
        return xasprintf("lxc.net.%d.%s", *net < 0 ? 0 : *net, k);
    }
    return NULL;
}

struct reader {
    struct rlx_lxc_config *c;
    char *stack[MAX_INCLUDE_DEPTH];
    int depth;
    int net;
};

static int read_one(struct reader *r, const char *path, rlx_error_t *err);

static int include_dir(struct reader *r, const char *dir, rlx_error_t *err)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort), ret = 0;
    if (n < 0)
        return rlx_error(err, errno, "lxc.include: %s", dir);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]->d_name);
        if (ret == 0 && len > 5 && strcmp(names[i]->d_name + len - 5, ".conf") == 0) {
            cleanup_free char *p = xasprintf("%s/%s", dir, names[i]->d_name);
            ret = read_one(r, p, err);
        }
        free(names[i]);
    }
    free(names);
    return ret;
}

static int add_item(struct reader *r, const char *path, int lineno, char *key, char *value, rlx_error_t *err)
{
    struct rlx_lxc_item *it;
    char *modern = rlx_lxc_modern_key(key, &r->net);
    size_t len = strlen(value);

    if (len > 1 && (value[0] == '"' || value[0] == '\'') && value[len - 1] == value[0]) {
        value[len - 1] = '\0';
        value++;
    }
    if (strcmp(modern ? modern : key, "lxc.include") == 0) {
        struct stat st;
        free(modern);
        if (stat(value, &st) < 0)
            return rlx_error(err, errno, "%s:%d: lxc.include %s", path, lineno, value);
        return S_ISDIR(st.st_mode) ? include_dir(r, value, err) : read_one(r, value, err);
    }
    r->c->items = xrealloc(r->c->items, (r->c->n + 1) * sizeof(*r->c->items));
    it = &r->c->items[r->c->n++];
    it->key = modern ? modern : xstrdup(key);
    it->given_key = xstrdup(key);
    it->value = xstrdup(value);
    it->file = xstrdup(path);
    it->line = lineno;
    if (modern)
        r->c->legacy = true;
    return 0;
}

static int read_one(struct reader *r, const char *path, rlx_error_t *err)
{
    cleanup_free char *real = realpath(path, NULL);
    cleanup_file FILE *f = NULL;
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, ret = 0;

    if (real == NULL)
        return rlx_error(err, errno, "LXC config %s", path);
    for (int i = 0; i < r->depth; i++)
        if (strcmp(r->stack[i], real) == 0)
            return rlx_error(err, ELOOP, "LXC config %s: include loop (%s includes it again)", real,
                             r->stack[r->depth - 1]);
    if (r->depth == MAX_INCLUDE_DEPTH)
        return rlx_error(err, ELOOP, "LXC config %s: includes nested deeper than %d", real, MAX_INCLUDE_DEPTH);
    f = fopen(real, "re");
    if (f == NULL)
        return rlx_error(err, errno, "LXC config %s", real);
    {
        /* a device or fifo named by an include would be read forever */
        struct stat st;
        if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode))
            return rlx_error(err, EINVAL, "LXC config %s: not a regular file", real);
    }
    r->stack[r->depth++] = real;
    while (ret == 0 && getline(&line, &cap, f) > 0) {
        char *l = str_trim(line), *eq;
        lineno++;
        if (*l == '\0' || *l == '#')
            continue;
        eq = strchr(l, '=');
        if (eq == NULL) {
            ret = rlx_error(err, 0, "%s:%d: '%s' is not KEY = VALUE", real, lineno, l);
            break;
        }
        *eq = '\0';
        ret = add_item(r, real, lineno, str_trim(l), str_trim(eq + 1), err);
    }
    r->depth--;
    free(line);
    return ret;
}

int rlx_lxc_config_read(const char *path, struct rlx_lxc_config *c, rlx_error_t *err)
{
    struct reader r = {.c = c, .net = -1};
    memset(c, 0, sizeof(*c));
    if (read_one(&r, path, err) < 0) {
        rlx_lxc_config_free(c);
        return -1;
    }
    return 0;
}

void rlx_lxc_config_free(struct rlx_lxc_config *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].key);
        free(c->items[i].given_key);
        free(c->items[i].value);
        free(c->items[i].file);
    }
    free(c->items);
    memset(c, 0, sizeof(*c));
}

char *rlx_lxc_config_format(const struct rlx_lxc_config *c)
{
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    for (size_t i = 0; m && i < c->n; i++)
        fprintf(m, "%s = %s\n", c->items[i].key, c->items[i].value);
    if (m)
        fclose(m);
    return out;
}

const char *rlx_lxc_config_get(const struct rlx_lxc_config *c, const char *key)
{
    const char *v = NULL;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->items[i].key, key) == 0)
            v = c->items[i].value;
    return v;
}
