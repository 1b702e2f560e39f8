/* runlxc-convert (runlxc convert): LXC containers -> OCI bundles and images.
 *
 *   runlxc convert [--lxcpath DIR] [--copy] [--report text|json] [--allow-lossy] NAME BUNDLE_DIR
 *   runlxc convert --all [--lxcpath DIR] [--copy] [--allow-lossy] OUTDIR
 *   runlxc convert --image oci:LAYOUT[:TAG]|docker-archive:FILE [--lxcpath DIR] [--report ...]
 *                  [--allow-lossy] NAME
 *
 * The config is read as liblxc reads it (convert/lxcfile.c) and loaded by the installed
 * liblxc too, so that a config LXC would reject is rejected here. */
#include "image.h"
#include "lxcfile.h"
#include "rootfs.h"
#include "translate.h"
#include "../runlxc/lib/util.h"
#include "liblxc_load.h"
#include "dialect.h"
#include <dirent.h>
#include <libgen.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <lxc/lxccontainer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct opts {
    const char *lxcpath, *report, *image;
    bool copy, allow_lossy, all;
};

static int usage(rlx_error_t *err)
{
    return rlx_error(err, 0, "usage: runlxc convert [--lxcpath DIR] [--copy] [--report text|json] [--allow-lossy] "
                     "NAME BUNDLE_DIR | --all OUTDIR | --image oci:LAYOUT[:TAG]|docker-archive:FILE NAME");
}

/* liblxc loads the flattened config (includes resolved, keys in the 2.1+ spelling) the way it
 * loads any container's; a key or value it rejects fails here as it would fail lxc-start. */
static int validate_with_liblxc(const char *name, const char *config_path, struct rlx_lxc_config *cfg,
                                rlx_error_t *err)
{
    struct rlx_lxc_api api;
    struct rlx_dialect d;
    struct lxc_container *c;
    char tmp[] = "/tmp/runlxc-convert.XXXXXX";
    cleanup_free char *dir = NULL, *path = NULL, *text = NULL;
    int r = 0;

    if (rlx_lxc_load(&api, err) < 0)
        return -1;
    d = rlx_dialect_for_version(api.get_version());
    cfg->autodev_for_systemd_only = d.major < 2;
    if (d.kind == RLX_DIALECT_LEGACY) {
        /* liblxc 1.0-2.0 reads its own dialect and includes: give it the file itself */
        cleanup_free char *copy = xstrdup(config_path), *parent = NULL;
        parent = xstrdup(dirname(copy));
        c = api.container_new(name, dirname(parent));
        if (c == NULL || !c->is_defined(c))
            r = rlx_error(err, 0, "%s: liblxc %s does not load this config", config_path, api.get_version());
        if (c)
            api.container_put(c);
        return r;
    }
    if (mkdtemp(tmp) == NULL)
        return rlx_error(err, errno, "a scratch directory");
    dir = xasprintf("%s/%s", tmp, name);
    path = xasprintf("%s/config", dir);
    text = rlx_lxc_config_format(cfg);
    if (mkdir(dir, 0700) < 0 || write_file_atomic(path, text ? text : "", text ? strlen(text) : 0, 0600, err) < 0) {
        if (*err == NULL)
            rlx_error(err, errno, "%s", dir);
        r = -1;
    } else {
        /* liblxc logs why to stderr; keep it for the user */
        c = api.container_new(name, tmp);
        if (c == NULL || !c->is_defined(c))
            r = rlx_error(err, 0, "%s: liblxc %s rejects this config (its reason is above)", config_path,
                          api.get_version());
        if (c)
            api.container_put(c);
    }
    unlink(path);
    rmdir(dir);
    rmdir(tmp);
    {
        /* liblxc made a lock file and its directory for that lxcpath (root: under /run/lxc/lock) */
        cleanup_free char *lock = xasprintf("/run/lxc/lock%s/.%s", tmp, name), *lockdir = xasprintf("/run/lxc/lock%s", tmp);
        unlink(lock);
        rmdir(lockdir);
    }
    return r;
}

static void print_report_text(FILE *f, const char *name, const struct rlx_conv *cv)
{
    fprintf(f, "container %s: %d translated, %d recorded, %d no effect, %d lossy\n", name,
            cv->counts[CONV_TRANSLATED], cv->counts[CONV_RECORDED], cv->counts[CONV_NO_EFFECT], cv->counts[CONV_LOSSY]);
    for (size_t i = 0; i < json_object_array_length(cv->report); i++) {
        struct json_object *o = json_object_array_get_idx(cv->report, i), *v;
        const char *st = json_object_get_string(json_object_object_get(o, "status"));
        fprintf(f, "  %-10s %s = %s", st, json_object_get_string(json_object_object_get(o, "key")),
                json_object_get_string(json_object_object_get(o, "value")));
        if (json_object_object_get_ex(o, "oci", &v))
            fprintf(f, " -> %s", json_object_get_string(v));
        if (json_object_object_get_ex(o, "reason", &v))
            fprintf(f, " (%s)", json_object_get_string(v));
        fprintf(f, "  [%s:%d]\n", json_object_get_string(json_object_object_get(o, "file")),
                json_object_get_int(json_object_object_get(o, "line")));
    }
}

static struct json_object *report_json(const char *name, const struct rlx_conv *cv)
{
    struct json_object *o = json_object_new_object(), *c = json_object_new_object();
    for (int s = 0; s < 4; s++)
        json_object_object_add(c, rlx_conv_status_name((enum rlx_conv_status)s), json_object_new_int(cv->counts[s]));
    json_object_object_add(o, "container", json_object_new_string(name));
    json_object_object_add(o, "counts", c);
    json_object_object_add(o, "items", json_object_get(cv->report));
    return o;
}

/* The lossy items, compact, for an image label. */
static char *lossy_summary(const struct rlx_conv *cv)
{
    struct json_object *a = json_object_new_array();
    char *out;
    for (size_t i = 0; i < json_object_array_length(cv->report); i++) {
        struct json_object *o = json_object_array_get_idx(cv->report, i);
        if (strcmp(json_object_get_string(json_object_object_get(o, "status")), "lossy") == 0) {
            cleanup_free char *s = xasprintf("%s: %s", json_object_get_string(json_object_object_get(o, "key")),
                                             json_object_get_string(json_object_object_get(o, "reason")));
            json_object_array_add(a, json_object_new_string(s));
        }
    }
    out = xstrdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(a);
    return out;
}

static int load(const struct opts *o, const char *name, struct rlx_lxc_config *cfg, struct rlx_conv *cv,
                rlx_error_t *err)
{
    cleanup_free char *path = xasprintf("%s/%s/config", o->lxcpath, name);
    if (!path_exists(path))
        return rlx_error(err, ENOENT, "container '%s' not found in %s (no %s)", name, o->lxcpath, path);
    if (rlx_lxc_config_read(path, cfg, err) < 0)
        return -1;
    if (validate_with_liblxc(name, path, cfg, err) < 0 || rlx_convert(cfg, name, cv, err) < 0) {
        rlx_lxc_config_free(cfg);
        return -1;
    }
    return 0;
}

struct copy_arg { const char *dst; };
static int copy_view(const char *dir, void *arg, rlx_error_t *err)
{
    return rlx_rootfs_copy(dir, ((struct copy_arg *)arg)->dst, err);
}

static int write_json(const char *path, struct json_object *o, rlx_error_t *err)
{
    const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    cleanup_free char *line = xasprintf("%s\n", text);
    return write_file_atomic(path, line, strlen(line), 0644, err);
}

static int write_bundle(const struct opts *o, const char *bundle, struct rlx_conv *cv, rlx_error_t *err)
{
    cleanup_free char *config = xasprintf("%s/config.json", bundle), *report = xasprintf("%s/lxc-convert-report.json", bundle);
    cleanup_free char *rootfs = NULL;
    struct json_object *root = json_object_object_get(cv->spec, "root");
    bool made = false;
    int r = -1;

    if (mkdir(bundle, 0755) == 0) {
        made = true;
    } else if (errno != EEXIST || path_exists(config)) {
        return rlx_error(err, errno == EEXIST ? EEXIST : errno, "bundle %s: %s", bundle,
                         errno == EEXIST ? "holds a config.json already" : strerror(errno));
    }
    if (o->copy) {
        struct copy_arg a = {NULL};
        rootfs = xasprintf("%s/rootfs", bundle);
        a.dst = rootfs;
        if (rlx_rootfs_with_view(&cv->rootfs, copy_view, &a, err) < 0)
            goto out;
        json_object_object_add(root, "path", json_object_new_string("rootfs"));
    } else {
        if (strcmp(cv->rootfs.kind, "overlay") == 0) {
            rlx_error(err, 0, "rootfs overlay %s over %s: an OCI root is one directory; use --copy to copy the "
                      "merged view", cv->rootfs.upper, cv->rootfs.path);
            goto out;
        }
        rootfs = rlx_rootfs_check(&cv->rootfs, err);
        if (rootfs == NULL)
            goto out;
        json_object_object_add(root, "path", json_object_new_string(rootfs));
    }
    if (write_json(config, cv->spec, err) < 0 || write_json(report, cv->report, err) < 0)
        goto out;
    r = 0;
out:
    /* only what this run made */
    if (r < 0 && made) {
        rm_rf(bundle);
    } else if (r < 0) {
        unlink(config);
        unlink(report);
        if (o->copy)
            rm_rf(rootfs);
    }
    return r;
}

struct image_arg {
    const struct rlx_conv *cv;
    const char *name, *dest;
    struct rlx_image_stats stats;
};
static int image_view(const char *dir, void *arg, rlx_error_t *err)
{
    struct image_arg *a = arg;
    return rlx_image_write(dir, a->cv->image_config, a->name, a->dest, &a->stats, err);
}

static int report_out(const struct opts *o, const char *name, const struct rlx_conv *cv)
{
    if (strcmp(o->report, "json") == 0) {
        struct json_object *j = report_json(name, cv);
        printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(j);
    } else {
        print_report_text(stdout, name, cv);
    }
    fflush(stdout);
    return 0;
}

static int lossy_refusal(const struct opts *o, const char *name, const struct rlx_conv *cv, rlx_error_t *err)
{
    if (cv->counts[CONV_LOSSY] == 0 || o->allow_lossy)
        return 0;
    return rlx_error(err, 0, "container '%s': %d LXC setting%s would change behaviour (lossy in the report); "
                     "nothing written (--allow-lossy writes it anyway)", name, cv->counts[CONV_LOSSY],
                     cv->counts[CONV_LOSSY] == 1 ? "" : "s");
}

static int convert_one(const struct opts *o, const char *name, const char *bundle, bool quiet, struct rlx_conv *cv,
                       rlx_error_t *err)
{
    struct rlx_lxc_config cfg;
    int r;
    if (load(o, name, &cfg, cv, err) < 0)
        return -1;
    if (!quiet)
        report_out(o, name, cv);
    r = lossy_refusal(o, name, cv, err);
    if (r == 0 && o->image) {
        cleanup_free char *summary = lossy_summary(cv);
        struct image_arg a = {.cv = cv, .name = name, .dest = o->image};
        struct json_object *labels = json_object_object_get(cv->image_config, "Labels");
        json_object_object_add(labels, "org.runlxc.lxc.lossy", json_object_new_string(summary));
        r = rlx_rootfs_with_view(&cv->rootfs, image_view, &a, err);
        if (r == 0)
            fprintf(stderr, "image %s: %llu entries, %llu bytes (layer %llu bytes, %s), %llu sockets skipped\n",
                    o->image, a.stats.entries, a.stats.bytes, a.stats.layer_bytes, a.stats.layer_digest,
                    a.stats.sockets_skipped);
    } else if (r == 0) {
        r = write_bundle(o, bundle, cv, err);
    }
    rlx_lxc_config_free(&cfg);
    return r;
}

static int convert_all(const struct opts *o, const char *outdir, rlx_error_t *err)
{
    struct dirent **names = NULL;
    int n = scandir(o->lxcpath, &names, NULL, alphasort), done = 0, lossy = 0, failed = 0;
    if (n < 0)
        return rlx_error(err, errno, "lxcpath %s", o->lxcpath);
    if (mkdir(outdir, 0755) < 0 && errno != EEXIST) {
        for (int i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return rlx_error(err, errno, "output directory %s", outdir);
    }
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        cleanup_free char *cfgpath = xasprintf("%s/%s/config", o->lxcpath, name);
        cleanup_free char *bundle = xasprintf("%s/%s", outdir, name);
        struct rlx_conv cv = {0};
        rlx_error_t e = NULL;
        if (name[0] == '.' || !path_exists(cfgpath)) {
            free(names[i]);
            continue;
        }
        if (convert_one(o, name, bundle, true, &cv, &e) < 0) {
            if (cv.spec && cv.counts[CONV_LOSSY] && !o->allow_lossy) {
                printf("%-24s lossy      %d of %zu settings change behaviour (not written; --allow-lossy)\n", name,
                       cv.counts[CONV_LOSSY], json_object_array_length(cv.report));
                lossy++;
            } else {
                printf("%-24s failed     %s\n", name, rlx_error_text(&e));
                failed++;
            }
        } else if (cv.counts[CONV_LOSSY]) {
            printf("%-24s lossy      %d of %zu settings change behaviour (written: %s)\n", name,
                   cv.counts[CONV_LOSSY], json_object_array_length(cv.report), bundle);
            lossy++;
        } else {
            printf("%-24s translated %zu settings -> %s\n", name, json_object_array_length(cv.report), bundle);
            done++;
        }
        rlx_error_release(&e);
        rlx_conv_free(&cv);
        free(names[i]);
    }
    free(names);
    printf("%d containers: %d translated, %d lossy, %d failed\n", done + lossy + failed, done, lossy, failed);
    fflush(stdout);
    if (failed || (lossy && !o->allow_lossy))
        return rlx_error(err, 0, "%d failed, %d lossy", failed, o->allow_lossy ? 0 : lossy);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"lxcpath", required_argument, NULL, 'P'}, {"copy", no_argument, NULL, 'c'},
        {"report", required_argument, NULL, 'r'}, {"allow-lossy", no_argument, NULL, 'l'},
        {"all", no_argument, NULL, 'a'}, {"image", required_argument, NULL, 'i'}, {NULL, 0, NULL, 0}};
    struct opts o = {.lxcpath = "/var/lib/lxc", .report = "text"};
    rlx_error_t err = NULL;
    struct rlx_conv cv = {0};
    int c, r;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "P:", longopts, NULL)) != -1) {
        switch (c) {
        case 'P': o.lxcpath = optarg; break;
        case 'c': o.copy = true; break;
        case 'r': o.report = optarg; break;
        case 'l': o.allow_lossy = true; break;
        case 'a': o.all = true; break;
        case 'i': o.image = optarg; break;
        default:
            rlx_error(&err, 0, "convert: unknown or incomplete option '%s'", argv[optind - 1]);
            goto fail;
        }
    }
    if (strcmp(o.report, "text") != 0 && strcmp(o.report, "json") != 0) {
        rlx_error(&err, 0, "convert: --report must be text or json, not '%s'", o.report);
        goto fail;
    }
    if (o.all ? argc - optind != 1 || o.image : o.image ? argc - optind != 1 : argc - optind != 2) {
        usage(&err);
        goto fail;
    }
    if (o.image && strncmp(o.image, "oci:", 4) != 0 && strncmp(o.image, "docker-archive:", 15) != 0) {
        rlx_error(&err, 0, "convert: --image '%s': give oci:LAYOUT[:TAG] or docker-archive:FILE", o.image);
        goto fail;
    }
    r = o.all ? convert_all(&o, argv[optind], &err) : convert_one(&o, argv[optind], argv[optind + 1], false, &cv, &err);
    rlx_conv_free(&cv);
    if (r == 0)
        return 0;
fail:
    fprintf(stderr, "runlxc: %s\n", rlx_error_text(&err));
    rlx_error_release(&err);
    return 1;
}
