/* /etc/passwd and /etc/group parsing by hand: getpwnam() would consult the host's NSS. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "user.h"

static int parse_id(const char *s, unsigned long *out)
{
    char *end;
    if (!*s || strspn(s, "0123456789") != strlen(s))
        return -1;
    errno = 0;
    *out = strtoul(s, &end, 10);
    return errno || *out > 0xfffffffeUL ? -1 : 0;
}

/* Splits a colon-separated line in place into at most max fields. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    line[strcspn(line, "\n")] = 0;
    while (n < max) {
        f[n++] = p;
        p = strchr(p, ':');
        if (!p)
            break;
        *p++ = 0;
    }
    return n;
}

/* Finds the passwd line matching by name (byname) or uid. */
static int find_passwd(FILE *f, const char *name, unsigned long uid, int byname, unsigned long *ouid,
                       unsigned long *ogid, char **oname, char **ohome)
{
    char line[4096];
    if (!f)
        return -1;
    rewind(f);
    while (fgets(line, sizeof(line), f)) {
        char *fl[7] = { 0 };
        unsigned long u, g;
        if (split(line, fl, 7) < 4 || parse_id(fl[2], &u) < 0 || parse_id(fl[3], &g) < 0)
            continue;
        if (byname ? !strcmp(fl[0], name) : u == uid) {
            *ouid = u;
            *ogid = g;
            if (oname)
                *oname = xstrdup(fl[0]);
            if (ohome && fl[5])
                *ohome = xstrdup(fl[5]);
            return 0;
        }
    }
    return -1;
}

static int find_group(FILE *f, const char *name, unsigned long *ogid)
{
    char line[65536];
    if (!f)
        return -1;
    rewind(f);
    while (fgets(line, sizeof(line), f)) {
        char *fl[4];
        unsigned long g;
        if (split(line, fl, 4) < 3 || parse_id(fl[2], &g) < 0)
            continue;
        if (!strcmp(fl[0], name)) {
            *ogid = g;
            return 0;
        }
    }
    return -1;
}

static void member_groups(FILE *f, const char *user, gid_t primary, struct user_ids *out)
{
    char line[65536];
    if (!f || !user)
        return;
    rewind(f);
    while (fgets(line, sizeof(line), f)) {
        char *fl[4], *m, *save = NULL;
        unsigned long g;
        if (split(line, fl, 4) < 4 || parse_id(fl[2], &g) < 0 || (gid_t)g == primary)
            continue;
        for (m = strtok_r(fl[3], ",", &save); m; m = strtok_r(NULL, ",", &save))
            if (!strcmp(m, user)) {
                out->extra = xrealloc(out->extra, (out->nextra + 1) * sizeof(gid_t));
                out->extra[out->nextra++] = (gid_t)g;
                break;
            }
    }
}

int user_resolve(const char *spec, FILE *passwd, FILE *group, struct user_ids *out, err_t *e)
{
    _cleanup_free_ char *copy = xstrdup(spec ? spec : "");
    _cleanup_free_ char *uname = NULL;
    char *u = copy, *g = strchr(copy, ':');
    unsigned long uid = 0, gid = 0, pu, pg;
    int have_pw = 0;

    memset(out, 0, sizeof(*out));
    if (g)
        *g++ = 0;
    if (!*u) {
        if (g)
            return err_set(e, "user \"%s\": empty user part", spec);
        u = "0"; /* no User: root, as every runtime does */
    }
    if (parse_id(u, &uid) == 0) {
        if (find_passwd(passwd, NULL, uid, 0, &pu, &pg, &uname, &out->home) == 0) {
            have_pw = 1;
            gid = pg;
        }
    } else {
        if (find_passwd(passwd, u, 0, 1, &pu, &pg, &uname, &out->home) < 0)
            return err_set(e, "user \"%s\" not found in the image's /etc/passwd", u);
        have_pw = 1;
        uid = pu;
        gid = pg;
    }
    if (g) {
        if (!*g)
            return err_set(e, "user \"%s\": empty group part", spec);
        if (parse_id(g, &gid) < 0 && find_group(group, g, &gid) < 0)
            return err_set(e, "group \"%s\" not found in the image's /etc/group", g);
    } else if (!have_pw) {
        gid = 0;
    }
    out->uid = (uid_t)uid;
    out->gid = (gid_t)gid;
    if (!g)
        member_groups(group, uname, out->gid, out);
    return 0;
}

void user_ids_free(struct user_ids *u)
{
    free(u->extra);
    free(u->home);
    u->home = NULL;
    u->extra = NULL;
    u->nextra = 0;
}
