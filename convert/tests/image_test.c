/* Tests of rlx_image_write (TAP). A fixture rootfs with every kind of entry is written as an
 * OCI layout and as a docker-archive, read back with the built runlxc-unpack and compared;
 * the blobs are re-hashed, the index and archive members checked, skopeo asked to inspect
 * both, and failures checked to leave nothing behind.
 *
 *   image_test                      the TAP suite (root: mknod, chown, security.* xattrs)
 *   image_test --write ROOTFS DEST  only writes ROOTFS as the image DEST (Cmd /bin/sh), for
 *                                   the engine tests in tests/integration/convert-image.bats */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "convert/image.h"
#include "runlxc/lib/util.h"
#include "tests/unit/tap.h"

#ifndef UNPACK_BIN
#define UNPACK_BIN "runlxc-unpack"
#endif

static char T[PATH_MAX]; /* scratch root */

/* Output of a shell command (stdout), NULL on non-zero exit. */
static char *sh_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sh_out(const char *fmt, ...)
{
    va_list ap;
    char *cmd, *buf = NULL;
    size_t cap = 0, len = 0;
    FILE *p;
    int st;

    va_start(ap, fmt);
    if (vasprintf(&cmd, fmt, ap) < 0)
        abort();
    va_end(ap);
    p = popen(cmd, "r");
    free(cmd);
    if (!p)
        return NULL;
    buf = xmalloc(1);
    for (;;) {
        if (len + 4096 + 1 > cap)
            buf = xrealloc(buf, cap = cap * 2 + 8192);
        size_t n = fread(buf + len, 1, 4096, p);
        if (n == 0)
            break;
        len += n;
    }
    buf[len] = 0;
    st = pclose(p);
    if (st != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    va_list ap;
    char *cmd;
    int st;
    va_start(ap, fmt);
    if (vasprintf(&cmd, fmt, ap) < 0)
        abort();
    va_end(ap);
    st = system(cmd);
    free(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static void put(const char *rel, const char *data, size_t len, mode_t mode)
{
    cleanup_free char *p = xasprintf("%s/rootfs/%s", T, rel);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0 || write_all(fd, data, len) < 0 || fchmod(fd, mode) < 0 || close(fd) < 0) {
        fprintf(stderr, "fixture %s: %s\n", p, strerror(errno));
        exit(2);
    }
}

static void must(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fixture: %s: %s\n", what, strerror(errno));
        exit(2);
    }
}

/* VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE with cap_net_raw permitted: what
 * `setcap cap_net_raw+ep` writes. */
static const unsigned char caps[20] = { 0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00 };

static void make_fixture(void)
{
    char r[PATH_MAX + 64];
    char *big = xmalloc(1 << 20);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct timespec ts[2] = { { 1500000000, 0 }, { 1500000000, 0 } };
    int s;

    snprintf(r, sizeof(r), "%s/rootfs", T);
    must(sh("mkdir -p %s/etc %s/bin %s/data/sub/deep %s/dev %s/tmp %s/shared %s/mnt", r, r, r, r, r, r, r) == 0, "mkdir");
    put("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 30, 0644);
    /* incompressible, so that gzip cannot shrink it below the file size limit of
     * test_failure_cleanup */
    for (size_t i = 0, x = 12345; i < (1 << 20); i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        big[i] = (char)(x >> 56);
    }
    put("data/big", big, 1 << 20, 0640);
    free(big);
    put("data/empty", "", 0, 0600);
    put("data/h1", "hard linked\n", 12, 0644);
    must(sh("ln %s/data/h1 %s/data/sub/h2", r, r) == 0, "hard link");
    must(sh("ln -s /etc/passwd %s/etc/abs && ln -s ../../.. %s/data/sub/up", r, r) == 0, "symlinks");
    must(sh("mkfifo -m 0620 %s/dev/fifo && mknod -m 0666 %s/dev/null c 1 3", r, r) == 0, "fifo, device");
    must(snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/data/sock", r) < (int)sizeof(sa.sun_path), "socket path");
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    must(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0, "socket");
    close(s);
    put("data/xa", "x\n", 2, 0644);
    {
        cleanup_free char *p = xasprintf("%s/data/xa", r);
        must(lsetxattr(p, "user.runlxc.test", "hello\0world", 11, 0) == 0, "user xattr");
    }
    put("bin/ping", "#!/bin/sh\n", 10, 0755);
    {
        cleanup_free char *p = xasprintf("%s/bin/ping", r);
        must(lsetxattr(p, "security.capability", caps, sizeof(caps), 0) == 0, "security.capability");
    }
    put("bin/suid", "#!/bin/sh\n", 10, 04755);
    put("bin/sgid", "#!/bin/sh\n", 10, 02711);
    must(sh("chmod 1777 %s/tmp && chmod 2775 %s/shared && chmod 0700 %s/data/sub/deep", r, r, r) == 0, "modes");
    put("data/owned", "1234\n", 5, 0644);
    must(sh("chown 1234:1234 %s/data/owned && chown 1234:5678 %s/data/sub && chown -h 1234:1234 %s/etc/abs", r, r, r) == 0,
         "owners");
    /* a name past ustar's 100 bytes: needs the pax path header */
    put("data/sub/deep/a-file-name-long-enough-that-the-whole-relative-path-exceeds-one-hundred-bytes-of-ustar-name.txt",
        "long\n", 5, 0644);
    /* names are bytes: UTF-8 and not */
    put("data/caf\xc3\xa9", "utf8\n", 5, 0644);
    put("data/bad\xff\xfe", "binary\n", 7, 0644);
    {
        cleanup_free char *p = xasprintf("%s/data/h1", r);
        must(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW) == 0, "mtime");
    }
}

/* find's view of a tree: every entry below it but the root, sockets left out (they are not
 * stored), directory sizes left out (they depend on the filesystem). */
static char *listing(const char *dir)
{
    return sh_out("cd '%s' && find . -mindepth 1 ! -type s \\( -type d -printf '%%p %%y %%m %%U %%G - %%l\\n' -o "
                  "-printf '%%p %%y %%m %%U %%G %%s %%l\\n' \\) | LC_ALL=C sort", dir);
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

static ssize_t xattr(const char *path, const char *name, char *buf, size_t len)
{
    return lgetxattr(path, name, buf, len);
}

/* What the unpacked rootfs at ub must show beyond the find listing. */
static void check_tree(const char *what, const char *ub)
{
    cleanup_free char *src = xasprintf("%s/rootfs", T), *dst = xasprintf("%s/rootfs", ub);
    cleanup_free char *ls = listing(src), *ld = listing(dst);
    cleanup_free char *h1 = xasprintf("%s/data/h1", dst), *h2 = xasprintf("%s/data/sub/h2", dst);
    cleanup_free char *dev = xasprintf("%s/dev/null", dst), *sock = xasprintf("%s/data/sock", dst);
    cleanup_free char *xa = xasprintf("%s/data/xa", dst), *ping = xasprintf("%s/bin/ping", dst);
    cleanup_free char *big_s = xasprintf("%s/data/big", src), *big_d = xasprintf("%s/data/big", dst);
    char buf[64];
    ssize_t n;
    struct stat st;

    TAP_OK(ls && ld && strlen(ls) > 200, "%s: both trees listed", what);
    TAP_STREQ(ld, ls, "%s: names, types, modes (suid/sgid/sticky), owners, sizes, link targets match", what);
    TAP_OK(same_file(h1, h2), "%s: the hard link pair shares one inode", what);
    TAP_OK(lstat(dev, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3,
           "%s: dev/null is the char device 1:3", what);
    TAP_OK(lstat(sock, &st) < 0 && errno == ENOENT, "%s: the socket is not in the image", what);
    n = xattr(xa, "user.runlxc.test", buf, sizeof(buf));
    TAP_OK(n == 11 && !memcmp(buf, "hello\0world", 11), "%s: user.* xattr with a NUL in it kept (%zd bytes)", what, n);
    n = xattr(ping, "security.capability", buf, sizeof(buf));
    TAP_OK(n == (ssize_t)sizeof(caps) && !memcmp(buf, caps, sizeof(caps)), "%s: security.capability kept", what);
    TAP_OK(lstat(h1, &st) == 0 && st.st_mtime == 1500000000, "%s: mtime kept", what);
    TAP_OK(sh("cmp -s '%s' '%s'", big_s, big_d) == 0, "%s: 1 MiB file content identical", what);
}

static int write_img(const char *rootfs, const char *dest, struct rlx_image_stats *st, char **msg)
{
    cleanup_error rlx_error_t err = NULL;
    struct json_object *cfg = json_tokener_parse("{\"Cmd\":[\"/bin/sh\"],\"Env\":[\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]}");
    int r = rlx_image_write(rootfs, cfg, "Conv_Test", dest, st, &err);
    json_object_put(cfg);
    if (msg)
        *msg = r < 0 ? xstrdup(rlx_error_text(&err)) : NULL;
    else if (r < 0)
        fprintf(stderr, "# %s\n", rlx_error_text(&err));
    return r;
}

static char *file_sha(const char *path, bool gunzip)
{
    cleanup_free char *o = sh_out("%s '%s' | sha256sum", gunzip ? "gzip -dc" : "cat", path);
    return o && strlen(o) >= 64 ? xasprintf("sha256:%.64s", o) : NULL;
}

/* Entries of a directory, sorted, space separated. */
static char *dir_list(const char *dir)
{
    return sh_out("ls -A '%s' | LC_ALL=C sort | tr '\\n' ' '", dir);
}

static char *blob_list(const char *layout)
{
    cleanup_free char *d = xasprintf("%s/blobs/sha256", layout);
    return dir_list(d);
}

static const char *jstr(struct json_object *o, const char *k)
{
    struct json_object *v;
    return o && json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

static unsigned long lines(const char *s)
{
    unsigned long n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

static void test_oci(void)
{
    struct rlx_image_stats st;
    cleanup_free char *rootfs = xasprintf("%s/rootfs", T), *layout = xasprintf("%s/out/layout", T);
    cleanup_free char *dest = xasprintf("oci:%s:v1", layout), *ls = listing(rootfs);
    cleanup_free char *blob = NULL, *sha = NULL, *gsha = NULL, *names = NULL, *index = NULL, *blobs = NULL;
    cleanup_free char *bundle = xasprintf("%s/b-oci", T), *cfgp = NULL;
    struct json_object *cfg, *rootfs_o, *ids;

    TAP_OK(write_img(rootfs, dest, &st, NULL) == 0, "oci: written");
    TAP_OK(st.sockets_skipped == 1, "oci: one socket skipped and counted (%llu)", st.sockets_skipped);
    TAP_OK(st.entries == lines(ls), "oci: one entry per file, directory and link (%llu, find sees %lu)", st.entries, lines(ls));
    blob = xasprintf("%s/blobs/sha256/%s", layout, st.layer_digest + 7);
    sha = file_sha(blob, false);
    gsha = file_sha(blob, true);
    TAP_STREQ(sha, st.layer_digest, "oci: the layer blob's sha256 is its name and the reported digest");
    TAP_STREQ(gsha, st.diff_id, "oci: the gunzipped layer's sha256 is the diff_id");
    names = sh_out("gzip -dc '%s' | tar tf - 2>/dev/null | LC_ALL=C sort | head -3 | tr '\\n' ' '", blob);
    TAP_STREQ(names, "bin/ bin/ping bin/sgid ", "oci: names are relative, without ./ and without a root entry");
    cfgp = xasprintf("%s/blobs/sha256/%s", layout, st.config_digest + 7);
    cfg = json_object_from_file(cfgp);
    TAP_STREQ(jstr(cfg, "os"), "linux", "oci: config os");
    TAP_OK(jstr(cfg, "architecture") && !strstr("x86_64 aarch64 i686 armv7l", jstr(cfg, "architecture")),
           "oci: config architecture in Go's naming (%s)", jstr(cfg, "architecture"));
    TAP_OK(json_object_object_get_ex(cfg, "rootfs", &rootfs_o) && json_object_object_get_ex(rootfs_o, "diff_ids", &ids) &&
               json_object_array_length(ids) == 1 &&
               !strcmp(json_object_get_string(json_object_array_get_idx(ids, 0)), st.diff_id),
           "oci: config rootfs.diff_ids is the layer's diff_id");
    if (cfg)
        json_object_put(cfg);
    index = sh_out("cat '%s/index.json'", layout);
    TAP_OK(index && strstr(index, "\"org.opencontainers.image.ref.name\":\"v1\"") && strstr(index, st.manifest_digest),
           "oci: index.json names the manifest v1");
    blobs = dir_list(layout);
    TAP_STREQ(blobs, "blobs index.json oci-layout ", "oci: the layout holds blobs, index.json, oci-layout and nothing else");
    free(blobs);
    blobs = sh_out("ls -A '%s/blobs/sha256' | grep -vE '^[0-9a-f]{64}$' | wc -l", layout);
    TAP_STREQ(blobs, "0\n", "oci: no temporary file left among the blobs");
    TAP_OK(sh("'%s' oci:%s:v1 '%s' >/dev/null", UNPACK_BIN, layout, bundle) == 0, "oci: runlxc-unpack oci:DIR:v1");
    check_tree("oci", bundle);
    if (sh("command -v skopeo >/dev/null") == 0)
        TAP_OK(sh("skopeo inspect oci:%s:v1 >/dev/null", layout) == 0, "oci: skopeo inspect accepts it");
    else
        TAP_SKIP("oci: skopeo not installed");
}

/* Index entries whose ref.name is tag ("" counts the unnamed ones). */
static int count_tag(const char *layout, const char *tag)
{
    cleanup_free char *p = xasprintf("%s/index.json", layout);
    struct json_object *idx = json_object_from_file(p), *m, *ann, *name;
    int n = 0;

    if (!idx || !json_object_object_get_ex(idx, "manifests", &m))
        return -1;
    for (size_t i = 0; i < (size_t)json_object_array_length(m); i++) {
        struct json_object *d = json_object_array_get_idx(m, i);
        const char *t = json_object_object_get_ex(d, "annotations", &ann) &&
                                json_object_object_get_ex(ann, "org.opencontainers.image.ref.name", &name)
                            ? json_object_get_string(name) : "";
        n += !strcmp(t, tag);
    }
    json_object_put(idx);
    return n;
}

static void test_oci_tags(void)
{
    struct rlx_image_stats st;
    cleanup_free char *rootfs = xasprintf("%s/rootfs", T), *layout = xasprintf("%s/out/layout", T);
    cleanup_free char *d2 = xasprintf("oci:%s:v2", layout), *d1 = xasprintf("oci:%s:v1", layout);
    cleanup_free char *d0 = xasprintf("oci:%s", layout), *p = xasprintf("%s/data/empty", rootfs);
    cleanup_free char *b2 = xasprintf("%s/b-v2", T);

    TAP_OK(write_img(rootfs, d2, &st, NULL) == 0 && count_tag(layout, "v1") == 1 && count_tag(layout, "v2") == 1,
           "oci: a second tag is added to the existing layout");
    must(truncate(p, 3) == 0, "change the rootfs");
    TAP_OK(write_img(rootfs, d1, &st, NULL) == 0 && count_tag(layout, "v1") == 1 && count_tag(layout, "v2") == 1,
           "oci: writing v1 again replaces the v1 entry");
    TAP_OK(sh("'%s' oci:%s:v2 '%s' >/dev/null && test ! -s '%s/rootfs/data/empty'", UNPACK_BIN, layout, b2, b2) == 0,
           "oci: v2 still reads back as it was written");
    must(truncate(p, 0) == 0, "restore the rootfs");
    TAP_OK(write_img(rootfs, d0, &st, NULL) == 0 && count_tag(layout, "") == 1,
           "oci:DIR without a tag writes an entry without ref.name (as skopeo does)");
    TAP_OK(write_img(rootfs, d0, &st, NULL) == 0 && count_tag(layout, "") == 1,
           "oci:DIR again replaces the unnamed entry (one image without a tag, as readers expect)");
}

static void test_docker(void)
{
    struct rlx_image_stats st;
    cleanup_free char *rootfs = xasprintf("%s/rootfs", T), *file = xasprintf("%s/out/img.tar", T);
    cleanup_free char *dest = xasprintf("docker-archive:%s:localhost/conv:v1", file);
    cleanup_free char *members = NULL, *want = NULL, *lsha = NULL, *manifest = NULL, *bundle = xasprintf("%s/b-docker", T);
    cleanup_free char *out = xasprintf("%s/out", T), *outls = NULL;

    TAP_OK(write_img(rootfs, dest, &st, NULL) == 0, "docker-archive: written");
    TAP_OK(st.sockets_skipped == 1, "docker-archive: one socket skipped and counted");
    members = sh_out("tar tf '%s' 2>/dev/null | LC_ALL=C sort | tr '\\n' ' '", file);
    if (strcmp(st.diff_id + 7, st.config_digest + 7) < 0) /* in the order of `sort` */
        want = xasprintf("%.64s/layer.tar %.64s.json manifest.json ", st.diff_id + 7, st.config_digest + 7);
    else
        want = xasprintf("%.64s.json %.64s/layer.tar manifest.json ", st.config_digest + 7, st.diff_id + 7);
    TAP_STREQ(members, want, "docker-archive: members are <diff_id>/layer.tar, <config>.json, manifest.json");
    lsha = sh_out("tar xOf '%s' '%.64s/layer.tar' | sha256sum | cut -c1-64", file, st.diff_id + 7);
    free(want);
    want = xasprintf("%.64s\n", st.diff_id + 7);
    TAP_STREQ(lsha, want, "docker-archive: layer.tar is uncompressed and its sha256 is the diff_id");
    TAP_STREQ(st.layer_digest, st.diff_id, "docker-archive: the reported layer digest is the diff_id");
    manifest = sh_out("tar xOf '%s' manifest.json", file);
    TAP_OK(manifest && strstr(manifest, "\"RepoTags\":[\"localhost/conv:v1\"]"), "docker-archive: RepoTags from FILE:NAME:TAG (%s)",
           manifest ? manifest : "none");
    outls = dir_list(out);
    TAP_STREQ(outls, "img.tar layout ", "docker-archive: no temporary file left beside FILE");
    TAP_OK(sh("'%s' docker-archive:%s '%s' >/dev/null", UNPACK_BIN, file, bundle) == 0, "docker-archive: runlxc-unpack");
    check_tree("docker-archive", bundle);
    if (sh("command -v skopeo >/dev/null") == 0)
        TAP_OK(sh("skopeo inspect docker-archive:%s >/dev/null", file) == 0, "docker-archive: skopeo inspect accepts it");
    else
        TAP_SKIP("docker-archive: skopeo not installed");
}

static void test_docker_names(void)
{
    struct rlx_image_stats st;
    cleanup_free char *rootfs = xasprintf("%s/rootfs", T), *file = xasprintf("%s/out/n.tar", T);
    cleanup_free char *d0 = xasprintf("docker-archive:%s", file), *d1 = xasprintf("docker-archive:%s:web", file);
    cleanup_free char *d2 = xasprintf("docker-archive:%s:Bad/Name:1", file), *m = NULL, *msg = NULL;

    TAP_OK(write_img(rootfs, d0, &st, NULL) == 0 && (m = sh_out("tar xOf '%s' manifest.json", file)) &&
               strstr(m, "\"RepoTags\":[\"conv_test:latest\"]"),
           "docker-archive: without NAME the default name, made valid, with tag latest (%s)", m ? m : "none");
    free(m);
    m = NULL;
    TAP_OK(write_img(rootfs, d1, &st, NULL) == 0 && (m = sh_out("tar xOf '%s' manifest.json", file)) &&
               strstr(m, "\"RepoTags\":[\"web:latest\"]"),
           "docker-archive: NAME without TAG gets latest");
    TAP_OK(write_img(rootfs, d2, &st, &msg) < 0 && msg && strstr(msg, "Bad/Name"), "docker-archive: an invalid name is refused (%s)",
           msg ? msg : "accepted");
    unlink(file);
}

/* Failing calls: the message names the object, nothing appears at the destination. */
static void test_bad_input(void)
{
    struct rlx_image_stats st;
    cleanup_free char *rootfs = xasprintf("%s/rootfs", T), *missing = xasprintf("%s/nope", T);
    cleanup_free char *afile = xasprintf("%s/rootfs/etc/passwd", T), *toroot = xasprintf("%s/toroot", T);
    cleanup_free char *dl = xasprintf("oci:%s/bad-layout:x", T), *dlp = xasprintf("%s/bad-layout", T);
    cleanup_free char *msg = NULL, *dnf = NULL, *dnd = NULL;

    TAP_OK(write_img(missing, dl, &st, &msg) < 0 && strstr(msg, missing) && strstr(msg, "No such file"),
           "a missing rootfs is refused, naming it (%s)", msg);
    free(msg);
    TAP_OK(write_img(afile, dl, &st, &msg) < 0 && strstr(msg, afile) && strstr(msg, "Not a directory"),
           "a rootfs that is a file is refused (%s)", msg);
    free(msg);
    must(symlink("/", toroot) == 0, "symlink to /");
    TAP_OK(write_img(toroot, dl, &st, &msg) < 0 && strstr(msg, "host"), "a rootfs resolving to / is refused (%s)", msg);
    free(msg);
    TAP_OK(write_img(rootfs, "docker://busybox", &st, &msg) < 0 && strstr(msg, "\"docker\""),
           "an unknown transport is refused, naming it (%s)", msg);
    free(msg);
    TAP_OK(write_img(rootfs, "/tmp/x", &st, &msg) < 0 && strstr(msg, "no transport"), "a destination without transport is refused (%s)", msg);
    free(msg);
    TAP_OK(write_img(rootfs, "oci::v1", &st, &msg) < 0 && strstr(msg, "empty path"), "oci: with an empty DIR is refused (%s)", msg);
    free(msg);
    TAP_OK(write_img(rootfs, "oci:/tmp/x:a/b", &st, &msg) < 0 && strstr(msg, "a/b"), "an oci tag with '/' is refused (%s)", msg);
    free(msg);
    dnd = xasprintf("oci:%s/layout/under", afile);
    TAP_OK(write_img(rootfs, dnd, &st, &msg) < 0 && strstr(msg, afile) && strstr(msg, "Not a directory"),
           "oci: a DIR below a file is refused, naming the path (%s)", msg);
    free(msg);
    dnf = xasprintf("docker-archive:%s/no/such/dir/x.tar", T);
    TAP_OK(write_img(rootfs, dnf, &st, &msg) < 0 && strstr(msg, "/no/such/dir/x.tar") && strstr(msg, "No such file"),
           "docker-archive: a FILE in a missing directory is refused (%s)", msg);
    free(msg);
    msg = NULL;
    TAP_OK(access(dlp, F_OK) < 0, "nothing was created by the refused calls");
}

/* A write that fails half way (RLIMIT_FSIZE: EFBIG on the 1 MiB file) removes what it made:
 * a new layout whole, the new blobs of an existing one (its index untouched), the temp FILE. */
static void test_failure_cleanup(void)
{
    cleanup_free char *rootfs = xasprintf("%s/rootfs", T), *layout = xasprintf("%s/out/layout", T);
    cleanup_free char *fresh = xasprintf("%s/out/fresh", T), *out = xasprintf("%s/out", T);
    cleanup_free char *before_idx = sh_out("cat '%s/index.json'", layout), *before_blobs = blob_list(layout);
    cleanup_free char *after_idx = NULL, *after_blobs = NULL, *outls = NULL;
    const char *dests[3];
    cleanup_free char *d0 = xasprintf("oci:%s/sub:t", fresh), *d1 = xasprintf("oci:%s:big", layout);
    cleanup_free char *d2 = xasprintf("docker-archive:%s/big.tar", out);

    dests[0] = d0, dests[1] = d1, dests[2] = d2;
    for (int i = 0; i < 3; i++) {
        pid_t pid = fork();
        int status = 0;
        if (pid == 0) {
            struct rlimit rl = { 256 * 1024, 256 * 1024 };
            struct rlx_image_stats st;
            char *msg = NULL;
            signal(SIGXFSZ, SIG_IGN);
            setrlimit(RLIMIT_FSIZE, &rl);
            if (write_img(rootfs, dests[i], &st, &msg) == 0)
                _exit(10);
            _exit(strstr(msg, "File too large") ? 0 : 11);
        }
        waitpid(pid, &status, 0);
        TAP_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s fails with EFBIG past the file size limit (status %d)",
               dests[i], WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    TAP_OK(access(fresh, F_OK) < 0, "oci: the layout directories the failed call created are removed");
    after_idx = sh_out("cat '%s/index.json'", layout);
    TAP_STREQ(after_idx, before_idx, "oci: the existing layout's index.json is untouched");
    after_blobs = blob_list(layout);
    TAP_STREQ(after_blobs, before_blobs, "oci: no blob or temp file added to the existing layout");
    outls = dir_list(out);
    TAP_STREQ(outls, "img.tar layout ", "docker-archive: no partial FILE nor temp file left");
}

/* A mount below the rootfs (a tmpfs in a private mount namespace) is stored as an empty
 * directory and counted, its contents are not archived. */
static void test_mounts(void)
{
    cleanup_free char *rootfs = xasprintf("%s/rootfs", T), *file = xasprintf("%s/mnt.tar", T);
    cleanup_free char *mnt = xasprintf("%s/rootfs/mnt", T), *names = NULL, *lfile = NULL;
    int status = 0;
    pid_t pid = fork();

    if (pid == 0) {
        struct rlx_image_stats st;
        cleanup_free char *dest = xasprintf("docker-archive:%s", file), *inside = xasprintf("%s/inside", mnt);
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("tmpfs", mnt, "tmpfs", 0, "size=1m") < 0)
            _exit(20);
        if (creat(inside, 0644) < 0)
            _exit(21);
        if (write_img(rootfs, dest, &st, NULL) < 0)
            _exit(22);
        _exit(st.mounts_skipped == 1 ? 0 : 23);
    }
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 20) {
        TAP_SKIP("mount points: no private mount namespace here");
        return;
    }
    TAP_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "mount points: written, one mount point counted (status %d)",
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    lfile = sh_out("tar tf '%s' 2>/dev/null | grep /layer.tar", file);
    if (lfile)
        lfile[strcspn(lfile, "\n")] = 0;
    names = lfile ? sh_out("tar xOf '%s' '%s' | tar tf - 2>/dev/null | grep '^mnt'", file, lfile) : NULL;
    TAP_STREQ(names, "mnt/\n", "mount points: the mount point is stored, what is mounted on it is not");
    unlink(file);
}

static int write_only(int argc, char **argv)
{
    struct rlx_image_stats st;
    cleanup_error rlx_error_t err = NULL;
    struct json_object *cfg = json_object_new_object(), *cmd = json_object_new_array(), *env = json_object_new_array();
    struct timespec t0, t1;
    int r;

    if (argc < 4) {
        fprintf(stderr, "usage: image_test --write ROOTFS DEST [CMD ARG...]\n");
        return 2;
    }
    for (int i = 4; i < argc; i++)
        json_object_array_add(cmd, json_object_new_string(argv[i]));
    if (argc == 4)
        json_object_array_add(cmd, json_object_new_string("/bin/sh"));
    json_object_array_add(env, json_object_new_string("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    json_object_object_add(cfg, "Env", env);
    json_object_object_add(cfg, "Cmd", cmd);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = rlx_image_write(argv[2], cfg, "conv", argv[3], &st, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    json_object_put(cfg);
    if (r < 0) {
        fprintf(stderr, "image_test: %s\n", rlx_error_text(&err));
        return 1;
    }
    printf("entries=%llu bytes=%llu layer_bytes=%llu sockets_skipped=%llu mounts_skipped=%llu seconds=%.3f\n"
           "layer_digest=%s\ndiff_id=%s\nconfig_digest=%s\nmanifest_digest=%s\n",
           st.entries, st.bytes, st.layer_bytes, st.sockets_skipped, st.mounts_skipped,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, st.layer_digest, st.diff_id,
           st.config_digest, st.manifest_digest);
    return 0;
}

int main(int argc, char **argv)
{
    cleanup_free char *tls = NULL, *out = NULL;

    if (argc > 1 && !strcmp(argv[1], "--write"))
        return write_only(argc, argv);
    if (geteuid() != 0) {
        TAP_SKIP("image writer: needs root (mknod, chown, security.capability)");
        return tap_done();
    }
    snprintf(T, sizeof(T), "/tmp/convert-image-test.XXXXXX");
    if (!mkdtemp(T))
        return perror("mkdtemp"), 2;
    out = xasprintf("%s/out", T);
    must(mkdir(out, 0755) == 0, "mkdir out");
    make_fixture();
    test_bad_input();
    test_oci();
    test_oci_tags();
    test_docker();
    test_docker_names();
    test_failure_cleanup();
    test_mounts();
    tls = dir_list(T);
    TAP_STREQ(tls, "b-docker b-oci b-v2 out rootfs toroot ", "nothing was written beside the destinations");
    if (!getenv("KEEP"))
        rm_rf(T);
    else
        printf("# kept %s\n", T);
    return tap_done();
}
