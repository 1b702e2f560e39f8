/* Image metadata. Untrusted JSON is size-limited before parsing and every descriptor's blob is
 * checked against its digest and size before its content is believed. */
#include <errno.h>
#include <string.h>

#include "layout.h"

#define MAX_METADATA (16u << 20)
#define MAX_INDEX_DEPTH 8

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define REF_NAME "org.opencontainers.image.ref.name"

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static json_object *jget(json_object *o, const char *key, json_type t)
{
    json_object *v;
    if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, t))
        return NULL;
    return v;
}

static json_object *parse_json(const char *buf, size_t len, const char *what, err_t *e)
{
    struct json_tokener *tok = json_tokener_new();
    json_object *o;
    enum json_tokener_error jerr;
    if (!tok)
        abort();
    o = json_tokener_parse_ex(tok, buf, (int)len);
    jerr = json_tokener_get_error(tok);
    if (!o || jerr != json_tokener_success) {
        err_set(e, "%s: invalid JSON: %s", what,
                o ? "trailing data" : json_tokener_error_desc(jerr == json_tokener_success ? json_tokener_continue : jerr));
        if (o)
            json_object_put(o);
        json_tokener_free(tok);
        return NULL;
    }
    json_tokener_free(tok);
    if (!json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        err_set(e, "%s: not a JSON object", what);
        return NULL;
    }
    return o;
}

int platform_parse(const char *s, char **buf, struct platform *p, err_t *e)
{
    char *a, *v;
    *buf = xstrdup(s);
    a = strchr(*buf, '/');
    if (!a || a == *buf || !a[1])
        return err_set(e, "platform \"%s\" is not OS/ARCH[/VARIANT]", s);
    *a++ = 0;
    v = strchr(a, '/');
    if (v)
        *v++ = 0;
    p->os = *buf;
    p->arch = a;
    p->variant = v && *v ? v : NULL;
    return 0;
}

int layer_media_compression(const char *mt, enum compression *c)
{
    static const struct { const char *mt; enum compression c; } t[] = {
        { "application/vnd.oci.image.layer.v1.tar", COMP_NONE },
        { "application/vnd.oci.image.layer.v1.tar+gzip", COMP_GZIP },
        { "application/vnd.oci.image.layer.v1.tar+zstd", COMP_ZSTD },
        { "application/vnd.oci.image.layer.nondistributable.v1.tar", COMP_NONE },
        { "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", COMP_GZIP },
        { "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", COMP_ZSTD },
        { "application/vnd.docker.image.rootfs.diff.tar.gzip", COMP_GZIP },
        { "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", COMP_GZIP },
        { "application/vnd.docker.image.rootfs.diff.tar.zstd", COMP_ZSTD },
        { "application/vnd.docker.image.rootfs.diff.tar", COMP_NONE },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (!strcmp(mt, t[i].mt)) {
            *c = t[i].c;
            return 0;
        }
    return -1;
}

/* Reads a descriptor's blob and parses it as JSON, verifying digest and size. */
static json_object *read_desc_json(struct source *s, json_object *desc, const char *kind, char **digest_out, err_t *e)
{
    const char *digest = jstr(desc, "digest");
    json_object *sz = jget(desc, "size", json_type_int);
    struct blobref b;
    _cleanup_free_ char *buf = NULL, *what = NULL;
    size_t len;
    json_object *o;

    if (!digest) {
        err_set(e, "%s descriptor without a digest", kind);
        return NULL;
    }
    what = xasprintf("%s %s", kind, digest);
    if (digest_check(digest, e) < 0 || source_blob(s, digest, &b, e) < 0 ||
        blob_read_all(&b, what, digest, sz ? json_object_get_int64(sz) : -1, MAX_METADATA, &buf, &len, e) < 0)
        return NULL;
    o = parse_json(buf, len, what, e);
    if (o && digest_out)
        *digest_out = xstrdup(digest);
    return o;
}

static int platform_match(json_object *desc, const struct platform *p)
{
    json_object *pl = jget(desc, "platform", json_type_object);
    const char *os, *arch, *var;
    if (!pl)
        return 0;
    os = jstr(pl, "os");
    arch = jstr(pl, "architecture");
    var = jstr(pl, "variant");
    if (!os || !arch || strcmp(os, p->os) || strcmp(arch, p->arch))
        return 0;
    if (p->variant && (!var || strcmp(var, p->variant)))
        return 0;
    return 1;
}

static int is_index_type(const char *mt)
{
    return mt && (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST));
}

/* Picks the manifest for the platform among an index's entries. */
static json_object *pick_platform(json_object *manifests, const struct platform *p, const char *what, err_t *e)
{
    size_t n = (size_t)json_object_array_length(manifests);
    if (n == 1 && !jget(json_object_array_get_idx(manifests, 0), "platform", json_type_object))
        return json_object_array_get_idx(manifests, 0);
    for (size_t i = 0; i < n; i++) {
        json_object *d = json_object_array_get_idx(manifests, i);
        if (platform_match(d, p))
            return d;
    }
    err_set(e, "%s has no manifest for platform %s/%s%s%s", what, p->os, p->arch,
            p->variant ? "/" : "", p->variant ? p->variant : "");
    return NULL;
}

static int parse_config(struct source *s, json_object *manifest, struct image *img, err_t *e)
{
    json_object *cdesc = jget(manifest, "config", json_type_object);
    json_object *layers = jget(manifest, "layers", json_type_array);
    json_object *rootfs, *diff_ids;
    size_t n;

    if (!cdesc || !layers)
        return err_set(e, "%s: no config or layers", img->desc);
    /* a runnable image's config is an image config: an artifact's (or a layer) is not */
    if (jstr(cdesc, "mediaType") && strcmp(jstr(cdesc, "mediaType"), MT_OCI_CONFIG) &&
        strcmp(jstr(cdesc, "mediaType"), MT_DOCKER_CONFIG))
        return err_set(e, "%s: the config descriptor has media type %s, not an image config (%s)", img->desc,
                       jstr(cdesc, "mediaType"), MT_OCI_CONFIG);
    img->config = read_desc_json(s, cdesc, "config", &img->config_digest, e);
    if (!img->config)
        return -1;
    rootfs = jget(img->config, "rootfs", json_type_object);
    diff_ids = jget(rootfs, "diff_ids", json_type_array);
    if (!diff_ids)
        return err_set(e, "config %s: no rootfs.diff_ids", img->config_digest);
    n = (size_t)json_object_array_length(layers);
    if ((size_t)json_object_array_length(diff_ids) != n)
        return err_set(e, "config %s lists %zu diff_ids for %zu layers", img->config_digest,
                       (size_t)json_object_array_length(diff_ids), n);
    img->layers = xcalloc(n, sizeof(*img->layers));
    img->nlayers = n;
    for (size_t i = 0; i < n; i++) {
        struct layer_desc *l = &img->layers[i];
        json_object *d = json_object_array_get_idx(layers, i);
        json_object *did = json_object_array_get_idx(diff_ids, i);
        json_object *sz = jget(d, "size", json_type_int);
        const char *digest = jstr(d, "digest"), *mt = jstr(d, "mediaType");
        if (!digest || !mt || !json_object_is_type(did, json_type_string))
            return err_set(e, "%s: layer %zu: missing digest, mediaType or diff_id", img->desc, i + 1);
        l->what = xasprintf("layer %zu/%zu %s", i + 1, n, digest);
        if (digest_check(digest, e) < 0)
            return err_prefix(e, "%s", l->what);
        if (digest_check(json_object_get_string(did), e) < 0)
            return err_prefix(e, "%s: diff_id", l->what);
        if (layer_media_compression(mt, &l->comp) < 0)
            return err_set(e, "%s: unsupported media type %s", l->what, mt);
        l->digest = xstrdup(digest);
        l->media_type = xstrdup(mt);
        l->diff_id = xstrdup(json_object_get_string(did));
        l->size = sz ? json_object_get_int64(sz) : -1;
        if (l->size < 0)
            return err_set(e, "%s: descriptor without a size", l->what);
        if (source_blob(s, digest, &l->blob, e) < 0)
            return -1;
        if ((int64_t)l->blob.size != l->size)
            return err_set(e, "%s: blob is %lld bytes, descriptor says %lld", l->what,
                           (long long)l->blob.size, (long long)l->size);
    }
    return 0;
}

static void list_tags(json_object *manifests, char *buf, size_t len)
{
    size_t n = (size_t)json_object_array_length(manifests), o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n && o + 2 < len; i++) {
        const char *t = jstr(jget(json_object_array_get_idx(manifests, i), "annotations", json_type_object), REF_NAME);
        if (t)
            o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "", t);
    }
    if (o >= len)
        buf[len - 1] = 0;
}

static int resolve_oci(struct source *s, const struct platform *p, struct image *img, err_t *e)
{
    struct blobref b;
    _cleanup_free_ char *buf = NULL;
    size_t len;
    json_object *index, *manifests, *desc = NULL, *cur = NULL;
    int ret = -1;

    if (source_file(s, "oci-layout", &b, e) < 0)
        return err_prefix(e, "not an OCI image layout");
    if (source_file(s, "index.json", &b, e) < 0 ||
        blob_read_all(&b, "index.json", NULL, -1, MAX_METADATA, &buf, &len, e) < 0)
        return -1;
    index = parse_json(buf, len, "index.json", e);
    if (!index)
        return -1;
    manifests = jget(index, "manifests", json_type_array);
    if (!manifests) {
        err_set(e, "index.json: no manifests");
        goto out;
    }
    if (s->digest) {
        for (size_t i = 0; i < (size_t)json_object_array_length(manifests) && !desc; i++) {
            json_object *d = json_object_array_get_idx(manifests, i);
            const char *dg = jstr(d, "digest");
            if (dg && !strcmp(dg, s->digest))
                desc = d;
        }
        if (!desc) {
            /* not listed: still addressable by digest, media type learnt from its content */
            desc = json_object_new_object();
            json_object_object_add(desc, "digest", json_object_new_string(s->digest));
            json_object_object_add(index, "runlxc-unpack.synthetic", desc);
        }
    } else {
        const char *tag = s->ref ? s->ref : NULL;
        json_object *cands = json_object_new_array();
        size_t n = (size_t)json_object_array_length(manifests);
        json_object_object_add(index, "runlxc-unpack.candidates", cands);
        for (size_t i = 0; i < n; i++) {
            json_object *d = json_object_array_get_idx(manifests, i);
            const char *t = jstr(jget(d, "annotations", json_type_object), REF_NAME);
            if ((tag && t && !strcmp(t, tag)) || (!tag && t && !strcmp(t, "latest")))
                json_object_array_add(cands, json_object_get(d));
        }
        if (!tag && json_object_array_length(cands) == 0 && n == 1)
            json_object_array_add(cands, json_object_get(json_object_array_get_idx(manifests, 0)));
        if (json_object_array_length(cands) == 0) {
            char tags[1024];
            list_tags(manifests, tags, sizeof(tags));
            err_set(e, "%s: no image tagged \"%s\" (tags: %s)", s->path, tag ? tag : "latest", tags[0] ? tags : "none");
            goto out;
        }
        desc = json_object_array_length(cands) == 1 ? json_object_array_get_idx(cands, 0)
                                                    : pick_platform(cands, p, "index.json", e);
        if (!desc)
            goto out;
    }
    for (int depth = 0;; depth++) {
        _cleanup_free_ char *digest = NULL, *what = NULL, *mt = NULL;
        json_object *next;
        if (depth > MAX_INDEX_DEPTH) {
            err_set(e, "image indexes nested deeper than %d", MAX_INDEX_DEPTH);
            goto out;
        }
        mt = jstr(desc, "mediaType") ? xstrdup(jstr(desc, "mediaType")) : NULL;
        /* desc may live inside cur: read the next document before dropping the current one */
        next = read_desc_json(s, desc, is_index_type(mt) ? "index" : "manifest", &digest, e);
        if (cur)
            json_object_put(cur);
        cur = next;
        if (!cur)
            goto out;
        /* the document's own word must agree with the descriptor's (OCI image spec: mediaType) */
        if (mt && jstr(cur, "mediaType") && strcmp(mt, jstr(cur, "mediaType"))) {
            err_set(e, "%s %s: its mediaType %s contradicts the descriptor's %s", is_index_type(mt) ? "index" : "manifest",
                    digest, jstr(cur, "mediaType"), mt);
            goto out;
        }
        if (!mt && jstr(cur, "mediaType"))
            mt = xstrdup(jstr(cur, "mediaType"));
        if (is_index_type(mt) || (!mt && jget(cur, "manifests", json_type_array))) {
            json_object *m = jget(cur, "manifests", json_type_array);
            what = xasprintf("index %s", digest);
            if (!m) {
                err_set(e, "%s: no manifests", what);
                goto out;
            }
            desc = pick_platform(m, p, what, e);
            if (!desc)
                goto out;
            continue;
        }
        if (mt && strcmp(mt, MT_OCI_MANIFEST) && strcmp(mt, MT_DOCKER_MANIFEST)) {
            err_set(e, "manifest %s: unsupported media type %s", digest, mt);
            goto out;
        }
        img->desc = xasprintf("manifest %s", digest);
        ret = parse_config(s, cur, img, e);
        break;
    }
out:
    if (cur)
        json_object_put(cur);
    json_object_put(index);
    return ret;
}

static int repo_tag_match(const char *have, const char *want)
{
    static const char *prefixes[] = { "", "docker.io/", "docker.io/library/", "library/" };
    for (size_t i = 0; i < 4; i++) {
        size_t pl = strlen(prefixes[i]);
        for (size_t j = 0; j < 4; j++) {
            size_t ql = strlen(prefixes[j]);
            const char *h = have, *w = want;
            if (strncmp(h, prefixes[i], pl) || strncmp(w, prefixes[j], ql))
                continue;
            if (!strcmp(h + pl, w + ql))
                return 1;
        }
    }
    return 0;
}

/* A member named blobs/sha256/HEX or HEX.json carries its digest in its name. */
static char *digest_from_name(const char *name)
{
    const char *base = strrchr(name, '/');
    size_t hl;
    base = base ? base + 1 : name;
    hl = strspn(base, "0123456789abcdef");
    if (hl == 64 && (base[64] == 0 || !strcmp(base + 64, ".json")) &&
        (base[64] == '.' || !strncmp(name, "blobs/sha256/", 13)))
        return xasprintf("sha256:%.64s", base);
    return NULL;
}

static int resolve_docker(struct source *s, struct image *img, err_t *e)
{
    struct blobref b;
    _cleanup_free_ char *buf = NULL, *cbuf = NULL;
    size_t len;
    json_object *root = NULL, *entry = NULL, *layers, *diff_ids;
    const char *cfgname;
    char tmp[300];
    int ret = -1;

    if (source_file(s, "manifest.json", &b, e) < 0 ||
        blob_read_all(&b, "manifest.json", NULL, -1, MAX_METADATA, &buf, &len, e) < 0)
        return -1;
    {
        struct json_tokener *tok = json_tokener_new();
        root = json_tokener_parse_ex(tok, buf, (int)len);
        json_tokener_free(tok);
    }
    if (!root || !json_object_is_type(root, json_type_array) || json_object_array_length(root) == 0) {
        err_set(e, "manifest.json: not a non-empty JSON array");
        goto out;
    }
    if (!s->ref) {
        if (json_object_array_length(root) != 1) {
            err_set(e, "%s holds %zu images: name one as docker-archive:FILE:NAME:TAG", s->path,
                    (size_t)json_object_array_length(root));
            goto out;
        }
        entry = json_object_array_get_idx(root, 0);
    } else {
        _cleanup_free_ char *want = NULL;
        const char *slash = strrchr(s->ref, '/');
        want = strchr(slash ? slash : s->ref, ':') ? xstrdup(s->ref) : xasprintf("%s:latest", s->ref);
        for (size_t i = 0; i < (size_t)json_object_array_length(root) && !entry; i++) {
            json_object *tags = jget(json_object_array_get_idx(root, i), "RepoTags", json_type_array);
            for (size_t j = 0; tags && j < (size_t)json_object_array_length(tags); j++) {
                json_object *t = json_object_array_get_idx(tags, j);
                if (json_object_is_type(t, json_type_string) && repo_tag_match(json_object_get_string(t), want)) {
                    entry = json_object_array_get_idx(root, i);
                    break;
                }
            }
        }
        if (!entry) {
            err_set(e, "%s has no image %s", s->path, want);
            goto out;
        }
    }
    cfgname = jstr(entry, "Config");
    layers = jget(entry, "Layers", json_type_array);
    if (!cfgname || !layers) {
        err_set(e, "manifest.json: entry without Config or Layers");
        goto out;
    }
    img->config_digest = digest_from_name(cfgname);
    img->desc = xasprintf("docker-archive image %s", printable(cfgname, tmp, sizeof(tmp)));
    if (source_file(s, cfgname, &b, e) < 0 ||
        blob_read_all(&b, img->desc, img->config_digest, -1, MAX_METADATA, &cbuf, &len, e) < 0)
        goto out;
    img->config = parse_json(cbuf, len, img->desc, e);
    if (!img->config)
        goto out;
    diff_ids = jget(jget(img->config, "rootfs", json_type_object), "diff_ids", json_type_array);
    if (!diff_ids || json_object_array_length(diff_ids) != json_object_array_length(layers)) {
        err_set(e, "%s: rootfs.diff_ids missing or not matching the %zu layers", img->desc,
                (size_t)json_object_array_length(layers));
        goto out;
    }
    img->nlayers = (size_t)json_object_array_length(layers);
    img->layers = xcalloc(img->nlayers, sizeof(*img->layers));
    for (size_t i = 0; i < img->nlayers; i++) {
        struct layer_desc *l = &img->layers[i];
        json_object *ln = json_object_array_get_idx(layers, i), *did = json_object_array_get_idx(diff_ids, i);
        if (!json_object_is_type(ln, json_type_string) || !json_object_is_type(did, json_type_string)) {
            err_set(e, "%s: layer %zu: bad Layers or diff_ids entry", img->desc, i + 1);
            goto out;
        }
        l->what = xasprintf("layer %zu/%zu %s", i + 1, img->nlayers, printable(json_object_get_string(ln), tmp, sizeof(tmp)));
        if (digest_check(json_object_get_string(did), e) < 0) {
            err_prefix(e, "%s: diff_id", l->what);
            goto out;
        }
        l->diff_id = xstrdup(json_object_get_string(did));
        l->digest = digest_from_name(json_object_get_string(ln));
        /* skopeo names a layer after its diff_id, which is checked on the uncompressed stream */
        if (l->digest && !strcmp(l->digest, l->diff_id)) {
            free(l->digest);
            l->digest = NULL;
        }
        l->comp = COMP_ANY;
        l->size = -1;
        if (source_file(s, json_object_get_string(ln), &l->blob, e) < 0) {
            err_prefix(e, "%s", l->what);
            goto out;
        }
    }
    ret = 0;
out:
    if (root)
        json_object_put(root);
    return ret;
}

int image_resolve(struct source *s, const struct platform *p, struct image *img, err_t *e)
{
    memset(img, 0, sizeof(*img));
    if (s->kind == SRC_DOCKER_ARCHIVE)
        return resolve_docker(s, img, e);
    return resolve_oci(s, p, img, e);
}

void image_free(struct image *img)
{
    for (size_t i = 0; i < img->nlayers; i++) {
        free(img->layers[i].what);
        free(img->layers[i].digest);
        free(img->layers[i].media_type);
        free(img->layers[i].diff_id);
    }
    free(img->layers);
    free(img->desc);
    free(img->config_digest);
    if (img->config)
        json_object_put(img->config);
    memset(img, 0, sizeof(*img));
}
