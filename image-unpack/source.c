/* Transports. Archives are never extracted: their members are indexed once and blobs are then
 * read in place (pread on the archive), so an oci-archive or docker-archive costs no copy and
 * no scratch space, and hostile member names never reach the filesystem. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "source.h"

const char *source_kind_name(enum source_kind k)
{
    switch (k) {
    case SRC_OCI: return "oci";
    case SRC_OCI_ARCHIVE: return "oci-archive";
    case SRC_DOCKER_ARCHIVE: return "docker-archive";
    }
    return "?";
}

/* PATH[:TAG] or PATH@DIGEST; a colon only counts after the last slash so that relative
 * paths like ./a:b/layout still work. */
static int split_oci(const char *rest, struct source *s, err_t *e)
{
    const char *slash = strrchr(rest, '/');
    const char *base = slash ? slash + 1 : rest;
    const char *at = strchr(base, '@');
    const char *colon = strchr(base, ':');

    if (at) {
        s->path = strndup(rest, (size_t)(at - rest));
        s->digest = xstrdup(at + 1);
        if (digest_check(s->digest, e) < 0)
            return err_prefix(e, "image reference");
    } else if (colon) {
        s->path = strndup(rest, (size_t)(colon - rest));
        s->ref = xstrdup(colon + 1);
        if (!*s->ref)
            return err_set(e, "empty tag in \"%s\"", rest);
    } else {
        s->path = xstrdup(rest);
    }
    if (!s->path)
        abort();
    if (!*s->path)
        return err_set(e, "empty path in image reference \"%s\"", rest);
    return 0;
}

int source_parse(const char *spec, struct source *s, err_t *e)
{
    memset(s, 0, sizeof(*s));
    s->fd = -1;
    if (!strncmp(spec, "oci:", 4)) {
        s->kind = SRC_OCI;
        return split_oci(spec + 4, s, e);
    }
    if (!strncmp(spec, "oci-archive:", 12)) {
        s->kind = SRC_OCI_ARCHIVE;
        return split_oci(spec + 12, s, e);
    }
    if (!strncmp(spec, "docker-archive:", 15)) {
        const char *rest = spec + 15, *colon = strchr(rest, ':');
        s->kind = SRC_DOCKER_ARCHIVE;
        s->path = colon ? strndup(rest, (size_t)(colon - rest)) : xstrdup(rest);
        if (!s->path)
            abort();
        if (colon && colon[1])
            s->ref = xstrdup(colon + 1);
        if (!*s->path)
            return err_set(e, "empty path in \"%s\"", spec);
        return 0;
    }
    {
        static const char *const other[] = { "docker", "docker-daemon", "containers-storage", "dir", "ostree", "sif", NULL };
        const char *colon = strchr(spec, ':');
        for (size_t i = 0; colon && other[i]; i++)
            if ((size_t)(colon - spec) == strlen(other[i]) && !strncmp(spec, other[i], strlen(other[i])))
                return err_set(e, "transport %s: is not supported (use oci:, oci-archive: or docker-archive:)", other[i]);
        if (colon && colon[1] == '/' && colon[2] == '/')
            return err_set(e, "\"%s\" looks like a URL; use oci:, oci-archive: or docker-archive:", spec);
    }
    s->kind = SRC_OCI;
    return split_oci(spec, s, e);
}

static int64_t parse_num(const unsigned char *p, size_t n, int *ok)
{
    int64_t v = 0;
    size_t i = 0;
    *ok = 1;
    if (p[0] & 0x80) { /* GNU base-256 */
        if (p[0] & 0x40) {
            *ok = 0;
            return 0;
        }
        v = p[0] & 0x3f;
        for (i = 1; i < n; i++) {
            if (v > (INT64_MAX >> 8)) {
                *ok = 0;
                return 0;
            }
            v = (v << 8) | p[i];
        }
        return v;
    }
    while (i < n && (p[i] == ' ' || p[i] == 0))
        i++;
    for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
        if (v > (INT64_MAX >> 3)) {
            *ok = 0;
            return 0;
        }
        v = v * 8 + (p[i] - '0');
    }
    return v;
}

static int checksum_ok(const unsigned char *h)
{
    int ok;
    int64_t want = parse_num(h + 148, 8, &ok);
    int64_t sum = 0;
    for (int i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    return ok && sum == want;
}

static char *norm_member(const char *n)
{
    while (n[0] == '.' && n[1] == '/')
        n += 2;
    while (*n == '/')
        n++;
    return xstrdup(n);
}

static char *read_ext(int fd, off_t off, int64_t size, err_t *e)
{
    char *buf;
    if (size < 0 || size > (1 << 20)) {
        err_set(e, "extended header of %lld bytes at offset %lld", (long long)size, (long long)off);
        return NULL;
    }
    buf = xmalloc((size_t)size + 1);
    if (read_full_at(fd, buf, (size_t)size, off) != (ssize_t)size) {
        free(buf);
        err_set(e, "truncated extended header at offset %lld", (long long)off);
        return NULL;
    }
    buf[size] = 0;
    return buf;
}

/* Applies the path/linkpath/size records of a pax header. */
static void pax_apply(const char *buf, size_t len, char **path, char **link, int64_t *size)
{
    size_t i = 0;
    while (i < len) {
        char *end;
        long rl = strtol(buf + i, &end, 10);
        const char *kv, *eq;
        size_t klen, vlen;
        if (rl <= 0 || (size_t)rl > len - i || *end != ' ')
            return;
        kv = end + 1;
        eq = memchr(kv, '=', (size_t)(buf + i + rl - kv));
        if (eq) {
            klen = (size_t)(eq - kv);
            vlen = (size_t)(buf + i + rl - 1 - (eq + 1));
            if (klen == 4 && !memcmp(kv, "path", 4)) {
                free(*path);
                *path = strndup(eq + 1, vlen);
            } else if (klen == 8 && !memcmp(kv, "linkpath", 8)) {
                free(*link);
                *link = strndup(eq + 1, vlen);
            } else if (klen == 4 && !memcmp(kv, "size", 4)) {
                *size = strtoll(eq + 1, NULL, 10);
            }
        }
        i += (size_t)rl;
    }
}

int tar_index(int fd, struct tar_member **out, size_t *n, err_t *e)
{
    struct stat st;
    off_t off = 0;
    struct tar_member *v = NULL;
    size_t cnt = 0, cap = 0;
    char *longname = NULL, *longlink = NULL, *paxpath = NULL, *paxlink = NULL;
    int64_t paxsize = -1;
    int ret = -1;

    if (fstat(fd, &st) < 0)
        return err_errno(e, errno, "stat");
    for (;;) {
        unsigned char h[512];
        int ok;
        int64_t size;
        char type;
        char name[257];
        ssize_t r = read_full_at(fd, h, 512, off);
        if (r < 0) {
            err_errno(e, errno, "read at offset %lld", (long long)off);
            goto out;
        }
        if (r < 512) {
            if (r == 0 && cnt > 0)
                break; /* missing end-of-archive blocks: tolerated, as GNU tar does */
            err_set(e, "truncated tar header at offset %lld", (long long)off);
            goto out;
        }
        {
            int zero = 1;
            for (int i = 0; i < 512 && zero; i++)
                zero = !h[i];
            if (zero)
                break;
        }
        if (!checksum_ok(h)) {
            err_set(e, "bad tar header checksum at offset %lld (not a tar archive?)", (long long)off);
            goto out;
        }
        size = parse_num(h + 124, 12, &ok);
        type = (char)h[156];
        if (!ok || size < 0) {
            err_set(e, "bad size in tar header at offset %lld", (long long)off);
            goto out;
        }
        if (type == 'x' || type == 'L' || type == 'K') {
            char *ext = read_ext(fd, off + 512, size, e);
            if (!ext)
                goto out;
            if (type == 'x') {
                pax_apply(ext, (size_t)size, &paxpath, &paxlink, &paxsize);
                free(ext);
            } else if (type == 'L') {
                free(longname);
                longname = ext;
            } else {
                free(longlink);
                longlink = ext;
            }
            off += 512 + ((size + 511) & ~(int64_t)511);
            continue;
        }
        if (paxsize >= 0)
            size = paxsize;
        if (!memcmp(h + 257, "ustar", 5) && h[345]) {
            snprintf(name, sizeof(name), "%.155s/%.100s", (char *)h + 345, (char *)h);
        } else {
            snprintf(name, sizeof(name), "%.100s", (char *)h);
        }
        if (off + 512 + size > st.st_size) {
            err_set(e, "member \"%s\" extends past the end of the archive", name);
            goto out;
        }
        if (type == '0' || type == '\0' || type == '7' || type == '1' || type == '2') {
            char lname[101];
            if (cnt == cap) {
                cap = cap ? cap * 2 : 64;
                v = xrealloc(v, cap * sizeof(*v));
            }
            v[cnt].name = norm_member(paxpath ? paxpath : longname ? longname : name);
            v[cnt].link = NULL;
            if (type == '1' || type == '2') {
                snprintf(lname, sizeof(lname), "%.100s", (char *)h + 157);
                v[cnt].link = xstrdup(paxlink ? paxlink : longlink ? longlink : lname);
                /* a hardlink names a member from the archive root, a symlink is relative */
                if (type == '1') {
                    char *t = norm_member(v[cnt].link);
                    free(v[cnt].link);
                    v[cnt].link = xasprintf("/%s", t);
                    free(t);
                }
            }
            v[cnt].off = off + 512;
            v[cnt].size = (type == '1' || type == '2') ? 0 : size;
            cnt++;
        }
        free(longname);
        free(longlink);
        free(paxpath);
        free(paxlink);
        longname = longlink = paxpath = paxlink = NULL;
        paxsize = -1;
        if (type == '2')
            size = 0; /* a symlink never carries data, whatever its size field says */
        off += 512 + ((size + 511) & ~(int64_t)511);
    }
    ret = 0;
out:
    free(longname);
    free(longlink);
    free(paxpath);
    free(paxlink);
    if (ret < 0) {
        for (size_t i = 0; i < cnt; i++) {
            free(v[i].name);
            free(v[i].link);
        }
        free(v);
        return ret;
    }
    *out = v;
    *n = cnt;
    return 0;
}

int source_open(struct source *s, err_t *e)
{
    if (s->kind == SRC_OCI) {
        s->fd = open(s->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (s->fd < 0)
            return err_errno(e, errno, "open OCI layout %s", s->path);
        return 0;
    }
    s->fd = open(s->path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0)
        return err_errno(e, errno, "open %s %s", source_kind_name(s->kind), s->path);
    if (tar_index(s->fd, &s->members, &s->nmembers, e) < 0)
        return err_prefix(e, "%s %s", source_kind_name(s->kind), s->path);
    return 0;
}

/* Lexically joins a symlink target to the directory of the member holding it. */
static char *join_link(const char *member, const char *link)
{
    char *out, *p;
    const char *slash = strrchr(member, '/');
    char *joined = link[0] == '/' ? xstrdup(link + 1)
                 : slash ? xasprintf("%.*s/%s", (int)(slash - member), member, link) : xstrdup(link);
    /* ".." may legitimately climb out of a member directory (../ID/layer.tar); resolve it here */
    out = xmalloc(strlen(joined) + 1);
    out[0] = 0;
    for (p = strtok(joined, "/"); p; p = strtok(NULL, "/")) {
        if (!strcmp(p, "."))
            continue;
        if (!strcmp(p, "..")) {
            char *s2 = strrchr(out, '/');
            if (s2)
                *s2 = 0;
            else
                out[0] = 0;
            continue;
        }
        if (out[0])
            strcat(out, "/");
        strcat(out, p);
    }
    free(joined);
    return out;
}

int source_file(struct source *s, const char *name, struct blobref *b, err_t *e)
{
    char tmp[300];
    if (s->kind == SRC_OCI) {
        struct stat st;
        int fd = openat(s->fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return err_errno(e, errno, "%s/%s", s->path, printable(name, tmp, sizeof(tmp)));
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
            close(fd);
            return err_set(e, "%s/%s: not a regular file", s->path, printable(name, tmp, sizeof(tmp)));
        }
        s->blob_fds = xrealloc(s->blob_fds, (s->nblob_fds + 1) * sizeof(int));
        s->blob_fds[s->nblob_fds++] = fd;
        b->fd = fd;
        b->off = 0;
        b->size = st.st_size;
        return 0;
    }
    {
        _cleanup_free_ char *want = norm_member(name);
        for (int hops = 0; hops < 16; hops++) {
            struct tar_member *m = NULL;
            /* the last member with a name wins, as when the archive is extracted */
            for (size_t i = s->nmembers; i-- > 0;)
                if (!strcmp(s->members[i].name, want)) {
                    m = &s->members[i];
                    break;
                }
            if (!m)
                return err_set(e, "%s %s has no member \"%s\"", source_kind_name(s->kind), s->path,
                               printable(want, tmp, sizeof(tmp)));
            if (!m->link) {
                b->fd = s->fd;
                b->off = m->off;
                b->size = m->size;
                return 0;
            }
            {
                char *next = join_link(m->name, m->link);
                free(want);
                want = next;
            }
        }
        return err_set(e, "%s %s: too many links resolving \"%s\"", source_kind_name(s->kind), s->path,
                       printable(name, tmp, sizeof(tmp)));
    }
}

int source_blob(struct source *s, const char *digest, struct blobref *b, err_t *e)
{
    _cleanup_free_ char *name = NULL;
    if (digest_check(digest, e) < 0)
        return -1;
    name = xasprintf("blobs/sha256/%s", digest + 7);
    if (source_file(s, name, b, e) < 0)
        return err_prefix(e, "blob %s", digest);
    return 0;
}

void source_close(struct source *s)
{
    for (size_t i = 0; i < s->nblob_fds; i++)
        close(s->blob_fds[i]);
    free(s->blob_fds);
    for (size_t i = 0; i < s->nmembers; i++) {
        free(s->members[i].name);
        free(s->members[i].link);
    }
    free(s->members);
    if (s->fd >= 0)
        close(s->fd);
    free(s->path);
    free(s->ref);
    free(s->digest);
    memset(s, 0, sizeof(*s));
    s->fd = -1;
}
