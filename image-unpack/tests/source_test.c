/* Transport parsing, digest checks, media types, platforms and the archive member index. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tests/unit/tap.h"
#include "../layout.h"
#include "../source.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void parse(const char *spec, int kind, const char *path, const char *ref, const char *digest)
{
    struct source s;
    err_t e;
    int r = source_parse(spec, &s, &e);
    if (kind < 0) {
        TAP_OK(r < 0, "\"%s\" refused", spec);
    } else {
        TAP_OK(r == 0 && (int)s.kind == kind, "\"%s\" parsed as %s", spec, source_kind_name(kind));
        TAP_STREQ(s.path, path, "\"%s\" path", spec);
        TAP_OK(ref ? s.ref && !strcmp(s.ref, ref) : !s.ref, "\"%s\" ref %s (got %s)", spec, ref ? ref : "none", s.ref ? s.ref : "none");
        TAP_OK(digest ? s.digest && !strcmp(s.digest, digest) : !s.digest, "\"%s\" digest", spec);
    }
    source_close(&s);
}

/* Minimal ustar writer for the index test. */
static void tar_hdr(int fd, const char *name, char type, size_t size, const char *link)
{
    char h[512];
    unsigned sum = 0;
    memset(h, 0, sizeof(h));
    snprintf(h, 100, "%s", name);
    snprintf(h + 100, 8, "%07o", 0644);
    snprintf(h + 124, 12, "%011zo", size);
    h[156] = type;
    if (link)
        snprintf(h + 157, 100, "%s", link);
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memset(h + 148, ' ', 8);
    for (int i = 0; i < 512; i++)
        sum += (unsigned char)h[i];
    snprintf(h + 148, 8, "%06o", sum);
    write(fd, h, 512);
}

static void tar_data(int fd, const char *d)
{
    char pad[512] = { 0 };
    size_t n = strlen(d);
    write(fd, d, n);
    write(fd, pad, (512 - n % 512) % 512);
}

int main(void)
{
    enum compression c;
    struct platform p;
    char *buf = NULL;
    err_t e;

    parse("oci:/a/layout:tag", SRC_OCI, "/a/layout", "tag", NULL);
    parse("oci:/a/layout", SRC_OCI, "/a/layout", NULL, NULL);
    parse("oci:/a:b/layout:v1.2", SRC_OCI, "/a:b/layout", "v1.2", NULL);
    parse("oci:lay@sha256:" D64, SRC_OCI, "lay", NULL, "sha256:" D64);
    parse("oci:lay@sha256:abc", -1, NULL, NULL, NULL);
    parse("oci-archive:/x/img.tar:latest", SRC_OCI_ARCHIVE, "/x/img.tar", "latest", NULL);
    parse("docker-archive:/x/d.tar", SRC_DOCKER_ARCHIVE, "/x/d.tar", NULL, NULL);
    parse("docker-archive:/x/d.tar:reg:5000/name:tag", SRC_DOCKER_ARCHIVE, "/x/d.tar", "reg:5000/name:tag", NULL);
    parse("/plain/layout:tag", SRC_OCI, "/plain/layout", "tag", NULL);
    parse("docker://busybox", -1, NULL, NULL, NULL);
    parse("oci::tag", -1, NULL, NULL, NULL);

    TAP_OK(digest_check("sha256:" D64, &e) == 0, "valid digest");
    TAP_OK(digest_check("sha256:" D64 "0", &e) < 0, "too long digest refused");
    TAP_OK(digest_check("sha256:../../../../etc/passwd", &e) < 0, "path in digest refused");
    TAP_OK(digest_check("sha512:" D64 D64, &e) < 0, "unverifiable algorithm refused");
    TAP_OK(digest_check("sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", &e) < 0,
           "uppercase hex refused");

    TAP_OK(layer_media_compression("application/vnd.oci.image.layer.v1.tar+zstd", &c) == 0 && c == COMP_ZSTD, "zstd layer type");
    TAP_OK(layer_media_compression("application/vnd.oci.image.layer.v1.tar", &c) == 0 && c == COMP_NONE, "plain layer type");
    TAP_OK(layer_media_compression("application/vnd.docker.image.rootfs.diff.tar.gzip", &c) == 0 && c == COMP_GZIP, "docker layer type");
    TAP_OK(layer_media_compression("application/vnd.oci.image.layer.v1.tar+bzip2", &c) < 0, "unknown layer type");

    TAP_OK(platform_parse("linux/arm64/v8", &buf, &p, &e) == 0 && !strcmp(p.os, "linux") && !strcmp(p.arch, "arm64") &&
           p.variant && !strcmp(p.variant, "v8"), "platform with variant");
    free(buf);
    TAP_OK(platform_parse("linux/amd64", &buf, &p, &e) == 0 && !p.variant, "platform without variant");
    free(buf);
    TAP_OK(platform_parse("linux", &buf, &p, &e) < 0, "platform without arch refused");
    free(buf);

    {
        char path[] = "/tmp/source_test.XXXXXX";
        int fd = mkstemp(path);
        struct tar_member *m = NULL;
        size_t n = 0;
        char zero[1024] = { 0 };
        tar_hdr(fd, "./index.json", '0', 5, NULL);
        tar_data(fd, "hello");
        tar_hdr(fd, "dir/", '5', 0, NULL);
        tar_hdr(fd, "dir/link", '2', 0, "../index.json");
        tar_hdr(fd, "hard", '1', 0, "./index.json");
        write(fd, zero, sizeof(zero));
        TAP_OK(tar_index(fd, &m, &n, &e) == 0, "tar index built");
        TAP_OK(n == 3, "three file-like members (got %zu)", n);
        TAP_OK(n >= 1 && !strcmp(m[0].name, "index.json") && m[0].off == 512 && m[0].size == 5, "member name normalised, data offset and size");
        TAP_OK(n >= 2 && m[1].link && !strcmp(m[1].link, "../index.json"), "symlink target kept");
        {
            struct source s;
            struct blobref b;
            memset(&s, 0, sizeof(s));
            s.kind = SRC_OCI_ARCHIVE;
            s.path = xstrdup(path);
            s.fd = fd;
            s.members = m;
            s.nmembers = n;
            TAP_OK(source_file(&s, "dir/link", &b, &e) == 0 && b.off == 512 && b.size == 5, "symlink member resolved in the archive");
            TAP_OK(source_file(&s, "hard", &b, &e) == 0 && b.off == 512, "hardlink member resolved");
            TAP_OK(source_file(&s, "missing", &b, &e) < 0, "missing member reported");
            source_close(&s);
        }
        unlink(path);
    }
    {
        char path[] = "/tmp/source_test.XXXXXX";
        int fd = mkstemp(path);
        struct tar_member *m = NULL;
        size_t n = 0;
        tar_hdr(fd, "big", '0', 1 << 20, NULL);
        TAP_OK(tar_index(fd, &m, &n, &e) < 0, "member past the end of the archive refused: %s", e.msg);
        close(fd);
        unlink(path);
    }
    return tap_done();
}
