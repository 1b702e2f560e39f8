/* safepath: name normalisation and confinement, with openat2 and with the fallback walk. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../tests/unit/tap.h"
#include "../pathset.h"
#include "../safepath.h"

static void norm(const char *in, const char *want)
{
    char *out = NULL;
    err_t e;
    int r = sp_normalize(in, &out, &e);
    if (want) {
        TAP_OK(r == 0, "normalize \"%s\" accepted", in);
        TAP_STREQ(out, want, "normalize \"%s\"", in);
    } else {
        TAP_OK(r < 0, "normalize \"%s\" refused", in);
    }
    free(out);
}

static int keep_cb(void *ctx, const char *p)
{
    return pathset_has(ctx, p);
}

static int exists_at(int dirfd, const char *p)
{
    struct stat st;
    return fstatat(dirfd, p, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void confinement(int allow_openat2)
{
    char tmpl[] = "/tmp/safepath_test.XXXXXX";
    char *top = mkdtemp(tmpl);
    char path[512];
    struct rootfs r;
    int topfd, fd;
    const char *base;
    const char *mode = allow_openat2 ? "openat2" : "walk";

    snprintf(path, sizeof(path), "%s/root", top);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/outside", top);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/outside/sentinel", top);
    close(open(path, O_CREAT | O_WRONLY, 0644));
    topfd = open(top, O_PATH | O_DIRECTORY);
    rootfs_init(&r, openat(topfd, "root", O_PATH | O_DIRECTORY), allow_openat2);
    symlinkat("/", r.rootfd, "abs");
    symlinkat("../outside", r.rootfd, "rel");
    symlinkat(".", r.rootfd, "dot");
    close(openat(r.rootfd, "file", O_CREAT | O_WRONLY | O_PATH, 0644));
    fd = openat(r.rootfd, "file", O_CREAT | O_WRONLY, 0644);
    close(fd);

    fd = sp_open_dir(&r, "a/b/c", 1);
    TAP_OK(fd >= 0, "%s: missing directories are created", mode);
    if (fd >= 0)
        close(fd);
    TAP_OK(exists_at(r.rootfd, "a/b/c"), "%s: a/b/c exists inside the root", mode);
    errno = 0;
    fd = sp_open_dir(&r, "abs", 0);
    TAP_OK(fd < 0 && (errno == ELOOP || errno == ENOTDIR), "%s: absolute symlink not followed (errno %d)", mode, errno);
    fd = sp_open_dir(&r, "rel/x", 1);
    TAP_OK(fd < 0, "%s: relative symlink to outside not followed", mode);
    TAP_OK(!exists_at(topfd, "outside/x"), "%s: nothing created outside through the symlink", mode);
    fd = sp_open_dir(&r, "dot/a", 0);
    TAP_OK(fd < 0, "%s: even a symlink to \".\" is refused", mode);
    errno = 0;
    fd = sp_open_dir(&r, "file/x", 1);
    TAP_OK(fd < 0 && errno == ENOTDIR, "%s: a file as a parent is ENOTDIR", mode);

    fd = sp_parent(&r, "a/b/c/leaf", 1, &base);
    TAP_OK(fd >= 0 && !strcmp(base, "leaf"), "%s: parent of a/b/c/leaf resolved", mode);
    TAP_OK(sp_parent(&r, "a/b/c/other", 1, &base) == fd, "%s: parent cache reused", mode);
    TAP_OK(sp_parent(&r, "top", 1, &base) == r.rootfd && !strcmp(base, "top"), "%s: top-level parent is the root", mode);
    fd = sp_parent(&r, "abs/etc/passwd", 1, &base);
    TAP_OK(fd < 0, "%s: parent through a symlink refused", mode);

    /* a long path, longer than PATH_MAX, still resolves (component walk) */
    {
        char *lp = malloc(6000), *o = lp;
        for (int i = 0; i < 50; i++)
            o += sprintf(o, "%s%0100d", i ? "/" : "", i);
        fd = sp_open_dir(&r, lp, 1);
        TAP_OK(fd >= 0, "%s: %zu-byte path created component by component", mode, strlen(lp));
        if (fd >= 0)
            close(fd);
        free(lp);
    }

    /* clear_dir keeps marked paths (and their subtrees' marked entries) */
    {
        struct pathset ps;
        int d;
        pathset_init(&ps);
        mkdirat(r.rootfd, "opq", 0755);
        mkdirat(r.rootfd, "opq/keepdir", 0755);
        close(openat(r.rootfd, "opq/keepdir/new", O_CREAT | O_WRONLY, 0644));
        close(openat(r.rootfd, "opq/keepdir/old", O_CREAT | O_WRONLY, 0644));
        close(openat(r.rootfd, "opq/old", O_CREAT | O_WRONLY, 0644));
        symlinkat("../../outside", r.rootfd, "opq/link");
        pathset_add(&ps, "opq/keepdir");
        pathset_add(&ps, "opq/keepdir/new");
        d = openat(r.rootfd, "opq", O_PATH | O_DIRECTORY);
        TAP_OK(sp_clear_dir(d, "opq", keep_cb, &ps) == 0, "%s: clear_dir succeeds", mode);
        close(d);
        TAP_OK(exists_at(r.rootfd, "opq/keepdir/new") && !exists_at(r.rootfd, "opq/keepdir/old") &&
               !exists_at(r.rootfd, "opq/old") && !exists_at(r.rootfd, "opq/link"),
               "%s: clear_dir removed exactly the unmarked entries", mode);
        TAP_OK(exists_at(topfd, "outside/sentinel"), "%s: symlink removed, not followed", mode);
        pathset_clear(&ps);
    }

    /* remove_all on a tree with a symlink to outside and deep nesting */
    {
        int d = sp_open_dir(&r, "del", 1), cur = dup(d);
        for (int i = 0; i < 3000; i++) {
            int n;
            mkdirat(cur, "d", 0700);
            n = openat(cur, "d", O_PATH | O_DIRECTORY);
            close(cur);
            cur = n;
        }
        symlinkat("/", cur, "rootlink");
        close(cur);
        symlinkat("../../outside", d, "out");
        close(d);
        TAP_OK(sp_remove_all(r.rootfd, "del") == 0, "%s: remove_all of a 3000-deep tree", mode);
        TAP_OK(!exists_at(r.rootfd, "del"), "%s: tree is gone", mode);
        TAP_OK(exists_at(topfd, "outside/sentinel"), "%s: outside untouched", mode);
    }
    rootfs_fini(&r);
    close(topfd);
    {
        int t = open("/tmp", O_PATH | O_DIRECTORY);
        sp_remove_all(t, strrchr(top, '/') + 1);
        close(t);
    }
}

int main(void)
{
    struct pathset ps;

    norm("./a/b", "a/b");
    norm("/abs/x", "abs/x");
    norm("a//b/./c/", "a/b/c");
    norm(".", "");
    norm("./", "");
    norm("...", "...");
    norm("a/..b", "a/..b");
    norm("../x", NULL);
    norm("a/../b", NULL);
    norm("a/..", NULL);
    norm("/..", NULL);

    pathset_init(&ps);
    for (int i = 0; i < 5000; i++) {
        char b[32];
        snprintf(b, sizeof(b), "p/%d", i);
        pathset_add(&ps, b);
    }
    TAP_OK(ps.n == 5000 && pathset_has(&ps, "p/0") && pathset_has(&ps, "p/4999") && !pathset_has(&ps, "p/5000"),
           "pathset holds 5000 entries and nothing else");
    pathset_clear(&ps);

    confinement(1);
    confinement(0);
    return tap_done();
}
