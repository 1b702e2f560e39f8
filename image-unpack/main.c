/* runlxc-unpack: command line, and the all-or-nothing handling of the bundle directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "layer.h"
#include "layout.h"
#include "pipeline.h"
#include "source.h"

#define DEFAULT_MAX_BYTES (64ULL << 30)
#define DEFAULT_MAX_ENTRIES 4000000ULL

struct cmdline {
    const char *source;
    const char *bundle;
    const char *platform;
    int rootfs_only;
    int no_openat2;
    uint64_t max_bytes, max_entries;
    struct bundle_opts bo;
};

static void usage(FILE *f)
{
    fputs("usage: runlxc-unpack [options] SOURCE BUNDLE_DIR\n"
          "       runlxc-unpack [options] --image SOURCE BUNDLE_DIR\n"
          "\n"
          "SOURCE: oci:PATH[:TAG] | oci:PATH@sha256:DIGEST | oci-archive:FILE[:TAG]\n"
          "        | docker-archive:FILE[:NAME:TAG]   (a bare PATH[:TAG] is an OCI layout)\n"
          "Writes BUNDLE_DIR/rootfs and BUNDLE_DIR/config.json; BUNDLE_DIR must not exist\n"
          "(or be an empty directory). Nothing is left behind on failure.\n"
          "\n"
          "  --platform OS/ARCH[/VARIANT]  manifest to pick from an index (default linux/amd64)\n"
          "  --arg ARG            process argument (repeat; replaces Entrypoint+Cmd)\n"
          "  --env KEY=VALUE      set or override an environment variable (repeat)\n"
          "  --rootfs-only        write BUNDLE_DIR/rootfs only, no config.json\n"
          "  --max-bytes N        limit on uncompressed layer bytes (default 64G; K/M/G suffixes)\n"
          "  --max-entries N      limit on archive entries over all layers (default 4000000)\n"
          "  --no-openat2         resolve paths with the O_NOFOLLOW walk even where openat2 exists\n"
          "  -h, --help           this help\n", f);
}

static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return -1;
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    case 't': case 'T': v <<= 40; end++; break;
    }
    if (*end)
        return -1;
    *out = v;
    return 0;
}

static int parse_cmdline(int argc, char **argv, struct cmdline *c)
{
    enum { O_PLATFORM = 256, O_ARG, O_ENV, O_ROOTFS_ONLY, O_MAXB, O_MAXE, O_NO_OPENAT2, O_IMAGE };
    static const struct option opts[] = {
        { "platform", required_argument, NULL, O_PLATFORM },
        { "arg", required_argument, NULL, O_ARG },
        { "env", required_argument, NULL, O_ENV },
        { "rootfs-only", no_argument, NULL, O_ROOTFS_ONLY },
        { "max-bytes", required_argument, NULL, O_MAXB },
        { "max-entries", required_argument, NULL, O_MAXE },
        { "no-openat2", no_argument, NULL, O_NO_OPENAT2 },
        { "image", required_argument, NULL, O_IMAGE },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int o;
    memset(c, 0, sizeof(*c));
    c->platform = "linux/amd64";
    c->max_bytes = DEFAULT_MAX_BYTES;
    c->max_entries = DEFAULT_MAX_ENTRIES;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case O_PLATFORM: c->platform = optarg; break;
        case O_ARG:
            c->bo.args = xrealloc(c->bo.args, (c->bo.nargs + 1) * sizeof(char *));
            c->bo.args[c->bo.nargs++] = optarg;
            break;
        case O_ENV:
            if (!strchr(optarg, '=') || optarg[0] == '=') {
                fprintf(stderr, "runlxc-unpack: --env wants KEY=VALUE, got \"%s\"\n", optarg);
                return -1;
            }
            c->bo.env = xrealloc(c->bo.env, (c->bo.nenv + 1) * sizeof(char *));
            c->bo.env[c->bo.nenv++] = optarg;
            break;
        case O_ROOTFS_ONLY: c->rootfs_only = 1; break;
        case O_NO_OPENAT2: c->no_openat2 = 1; break;
        case O_IMAGE: c->source = optarg; break;
        case O_MAXB:
        case O_MAXE:
            if (parse_size(optarg, o == O_MAXB ? &c->max_bytes : &c->max_entries) < 0) {
                fprintf(stderr, "runlxc-unpack: bad number \"%s\"\n", optarg);
                return -1;
            }
            break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
    }
    if (!c->source && optind < argc)
        c->source = argv[optind++];
    if (optind < argc)
        c->bundle = argv[optind++];
    if (!c->source || !c->bundle || optind != argc) {
        usage(stderr);
        return -1;
    }
    return 0;
}

struct target {
    int parentfd;
    char *tmpname;   /* scratch directory inside parentfd, renamed to finalname at the end */
    char *finalname;
};

static int target_prepare(const char *bundle, struct target *t, err_t *e)
{
    _cleanup_free_ char *c1 = xstrdup(bundle), *c2 = xstrdup(bundle);
    const char *dir = dirname(c1), *base = basename(c2);
    struct stat st;
    char *tmpl;

    t->parentfd = -1;
    t->tmpname = NULL;
    if (!strcmp(base, "/") || !strcmp(base, ".") || !strcmp(base, ".."))
        return err_set(e, "%s: not usable as a bundle directory name", bundle);
    if (lstat(bundle, &st) == 0) {
        int fd, empty = 1;
        if (!S_ISDIR(st.st_mode))
            return err_set(e, "%s already exists and is not a directory", bundle);
        fd = open(bundle, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            DIR *d = fdopendir(fd);
            struct dirent *de;
            while (d && (de = readdir(d)))
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                    empty = 0;
            if (d)
                closedir(d);
            else
                close(fd);
        }
        if (!empty)
            return err_set(e, "%s already exists and is not empty", bundle);
    } else if (errno != ENOENT) {
        return err_errno(e, errno, "%s", bundle);
    }
    t->parentfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (t->parentfd < 0)
        return err_errno(e, errno, "parent directory %s", dir);
    t->finalname = xstrdup(base);
    tmpl = xasprintf("%s/.%s.runlxc-unpack-XXXXXX", dir, base);
    if (!mkdtemp(tmpl)) {
        int saved = errno;
        free(tmpl);
        return err_errno(e, saved, "creating a scratch directory next to %s", bundle);
    }
    t->tmpname = xstrdup(strrchr(tmpl, '/') + 1);
    free(tmpl);
    if (fchmodat(t->parentfd, t->tmpname, 0755, 0) < 0)
        return err_errno(e, errno, "chmod scratch directory");
    return 0;
}

static void target_abort(struct target *t)
{
    if (t->tmpname && sp_remove_all(t->parentfd, t->tmpname) < 0)
        fprintf(stderr, "runlxc-unpack: could not remove the scratch directory %s: %s\n", t->tmpname, strerror(errno));
}

static void target_free(struct target *t)
{
    if (t->parentfd >= 0)
        close(t->parentfd);
    free(t->tmpname);
    free(t->finalname);
}

/* Signals are blocked for the whole run (see main); one still pending at the end means the
 * user asked us to stop, so the bundle must not appear. */
static int interrupted(void)
{
    sigset_t pend;
    return sigpending(&pend) == 0 &&
           (sigismember(&pend, SIGINT) || sigismember(&pend, SIGTERM) || sigismember(&pend, SIGHUP));
}

static int unpack(const struct cmdline *c, struct target *t, err_t *e)
{
    struct source src;
    struct image img;
    struct platform plat;
    struct pipeline pl;
    struct applier ap;
    _cleanup_free_ char *platbuf = NULL;
    _cleanup_close_ int bundlefd = -1;
    int rootfd, ret = -1, ap_inited = 0;

    memset(&img, 0, sizeof(img));
    memset(&pl, 0, sizeof(pl));
    if (platform_parse(c->platform, &platbuf, &plat, e) < 0)
        return -1;
    if (source_parse(c->source, &src, e) < 0) {
        source_close(&src);
        return -1;
    }
    if (source_open(&src, e) < 0 || image_resolve(&src, &plat, &img, e) < 0)
        goto out;
    if (target_prepare(c->bundle, t, e) < 0)
        goto out;
    bundlefd = openat(t->parentfd, t->tmpname, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (bundlefd < 0 || mkdirat(bundlefd, "rootfs", 0755) < 0) {
        err_errno(e, errno, "creating the rootfs directory");
        goto out;
    }
    rootfd = openat(bundlefd, "rootfs", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (rootfd < 0) {
        err_errno(e, errno, "opening the rootfs directory");
        goto out;
    }
    applier_init(&ap, rootfd, !c->no_openat2, c->max_entries, c->max_bytes);
    ap_inited = 1;
    if (pipeline_start(&pl, &img, c->max_bytes, e) < 0)
        goto out;
    for (size_t i = 0; i < img.nlayers; i++)
        if (layer_apply(&ap, &img.layers[i], &pl, e) < 0)
            goto out;
    pipeline_stop(&pl);
    if (!c->rootfs_only) {
        json_object *spec = bundle_spec(img.config, &ap.root, &c->bo, e);
        if (!spec) {
            err_prefix(e, "config.json");
            goto out;
        }
        if (bundle_write(bundlefd, spec, e) < 0) {
            json_object_put(spec);
            goto out;
        }
        json_object_put(spec);
    }
    if (interrupted()) {
        err_set(e, "interrupted by a signal");
        goto out;
    }
    /* rename() onto an empty directory replaces it atomically; onto anything else it fails */
    if (renameat(t->parentfd, t->tmpname, t->parentfd, t->finalname) < 0) {
        err_errno(e, errno, "moving the finished bundle to %s", c->bundle);
        goto out;
    }
    free(t->tmpname);
    t->tmpname = NULL;
    ret = 0;
out:
    pipeline_stop(&pl);
    if (ap_inited)
        applier_fini(&ap);
    image_free(&img);
    source_close(&src);
    return ret;
}

int main(int argc, char **argv)
{
    struct cmdline c;
    struct target t = { .parentfd = -1 };
    sigset_t sigs;
    err_t e;
    int ret;

    /* UTF-8 pax names must reach the filesystem byte for byte; in the "C" locale libarchive
     * would try to convert them to ASCII. */
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "en_US.UTF-8");
    if (parse_cmdline(argc, argv, &c) < 0)
        return 2;
    /* Entries get exactly their archived permission bits at creation. */
    umask(0);
    /* Interrupts are held pending and noticed between chunks (layer.c) so that the scratch
     * directory is always removed. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    e.msg[0] = 0;
    ret = unpack(&c, &t, &e);
    if (ret < 0) {
        target_abort(&t);
        fprintf(stderr, "runlxc-unpack: %s: %s\n", c.source, e.msg);
    }
    target_free(&t);
    free(c.bo.args);
    free(c.bo.env);
    return ret < 0 ? 1 : 0;
}
