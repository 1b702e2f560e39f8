/* Why the first ':' splits: that is skopeo's rule (DIR and FILE cannot contain ':', a TAG may),
 * and runlxc-unpack agrees for every TAG without '/' -- which is why such TAGs are refused. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "imgref.h"
#include "util.h"

static char *dupn(const char *s, size_t n)
{
    char *r = xmalloc(n + 1);
    memcpy(r, s, n);
    r[n] = 0;
    return r;
}

static bool is_alnum_lower(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* OCI ref.name: alphanumerics separated by one of "-._:@+" (image-layout.md's grammar, less
 * the '/' components runlxc-unpack could not address). */
static bool valid_oci_tag(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > 255 || !isalnum((unsigned char)t[0]) || !isalnum((unsigned char)t[n - 1]))
        return false;
    for (const char *p = t; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("-._:@+", *p))
            return false;
    return true;
}

/* Docker's tag grammar: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
static bool valid_docker_tag(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
        return false;
    for (const char *p = t; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
            return false;
    return true;
}

/* Docker's repository name: an optional registry host[:port] component, then lowercase
 * components of alphanumerics joined by '.', '_', '__' or runs of '-'. Checked loosely in the
 * separators (what matters is that engines do not reject it at import). */
static bool valid_docker_name(const char *name)
{
    const char *p = name, *slash = strchr(name, '/');
    if (!*name || strlen(name) > 255)
        return false;
    /* a first component with '.' or ':' or "localhost" is a registry host */
    if (slash && (memchr(name, '.', (size_t)(slash - name)) || memchr(name, ':', (size_t)(slash - name)) ||
                  (slash - name == 9 && !strncmp(name, "localhost", 9)))) {
        for (; p < slash; p++)
            if (!isalnum((unsigned char)*p) && !strchr(".-:", *p))
                return false;
        p = slash + 1;
    }
    while (*p) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0 || !is_alnum_lower(p[0]) || !is_alnum_lower(p[len - 1]))
            return false;
        for (size_t i = 0; i < len; i++)
            if (!is_alnum_lower(p[i]) && !strchr("._-", p[i]))
                return false;
        p += len + (end ? 1 : 0);
        if (end && !*p)
            return false;
    }
    return true;
}

/* An LXC container name as a repository name: "Web_01.prod" -> "web_01.prod". */
static char *sanitize_name(const char *in)
{
    char *s = xstrdup(in), *o = s;
    for (const char *p = in; *p; p++) {
        char c = (char)tolower((unsigned char)*p);
        if (!is_alnum_lower(c) && !strchr("._-", c))
            c = '-';
        if (o == s && !is_alnum_lower(c))
            continue;
        *o++ = c;
    }
    while (o > s && !is_alnum_lower(o[-1]))
        o--;
    *o = 0;
    if (!*s) {
        free(s);
        s = xstrdup("image");
    }
    return s;
}

static int parse_docker_ref(const char *ref, struct imgref *r, rlx_error_t *err)
{
    const char *slash = strrchr(ref, '/'), *colon = strrchr(slash ? slash : ref, ':');
    cleanup_free char *name = colon ? dupn(ref, (size_t)(colon - ref)) : xstrdup(ref);
    const char *tag = colon ? colon + 1 : "latest";

    if (!valid_docker_name(name))
        return rlx_error(err, 0, "docker-archive: \"%s\" is not a valid image name (lower case letters, digits, "
                                 "'.', '_', '-', '/' components, optionally a registry host first)", name);
    if (!valid_docker_tag(tag))
        return rlx_error(err, 0, "docker-archive: \"%s\" is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]*, at most 128)", tag);
    r->tag = xasprintf("%s:%s", name, tag);
    return 0;
}

int imgref_parse(const char *dest, const char *default_name, struct imgref *r, rlx_error_t *err)
{
    const char *rest, *colon;

    memset(r, 0, sizeof(*r));
    if (!dest)
        return rlx_error(err, 0, "no image destination given");
    if (!strncmp(dest, "oci:", 4)) {
        r->kind = IMGREF_OCI;
        rest = dest + 4;
    } else if (!strncmp(dest, "docker-archive:", 15)) {
        r->kind = IMGREF_DOCKER_ARCHIVE;
        rest = dest + 15;
    } else {
        colon = strchr(dest, ':');
        if (colon)
            return rlx_error(err, 0, "image destination \"%s\": transport \"%.*s\" is not supported (use oci:DIR[:TAG] or "
                                     "docker-archive:FILE[:NAME[:TAG]])", dest, (int)(colon - dest), dest);
        return rlx_error(err, 0, "image destination \"%s\" has no transport (use oci:DIR[:TAG] or "
                                 "docker-archive:FILE[:NAME[:TAG]])", dest);
    }
    colon = strchr(rest, ':');
    r->path = colon ? dupn(rest, (size_t)(colon - rest)) : xstrdup(rest);
    if (!*r->path)
        return rlx_error(err, 0, "image destination \"%s\": empty path", dest);
    if (r->kind == IMGREF_OCI) {
        if (!colon)
            return 0; /* as skopeo: an entry without a ref.name annotation */
        if (!valid_oci_tag(colon + 1))
            return rlx_error(err, 0, "image destination \"%s\": \"%s\" is not a valid tag (letters, digits and "
                                     "\"-._:@+\" between them; no '/')", dest, colon + 1);
        r->tag = xstrdup(colon + 1);
        return 0;
    }
    if (colon && colon[1])
        return parse_docker_ref(colon + 1, r, err);
    if (default_name) {
        cleanup_free char *name = sanitize_name(default_name);
        return parse_docker_ref(name, r, err);
    }
    return 0;
}

void imgref_free(struct imgref *r)
{
    free(r->path);
    free(r->tag);
    r->path = r->tag = NULL;
}
