/* runlxc-unpack's tar entry handling (paths, whiteouts, links, types) on a scratch rootfs:
 * the input is one uncompressed layer, applied as runlxc-unpack applies layers. Anything
 * written outside the scratch rootfs aborts (a canary directory beside it is checked). */
#include "layer.h"
#include "pipeline.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[] = "/tmp/fuzz-tar.XXXXXX";

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)))
        n++;
    if (d)
        closedir(d);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    char blob[128], rootfs[128], canary[128], cmd[256];
    struct image img;
    struct layer_desc l;
    struct pipeline pl;
    struct applier ap;
    err_t e = {0};
    int fd, rootfd;

    if (!ready) {
        if (!mkdtemp(base))
            abort();
        ready = 1;
    }
    snprintf(blob, sizeof(blob), "%s/layer.tar", base);
    snprintf(rootfs, sizeof(rootfs), "%s/rootfs", base);
    snprintf(canary, sizeof(canary), "%s/canary", base);
    mkdir(canary, 0755);
    mkdir(rootfs, 0755);
    fd = open(blob, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size)
        abort();
    memset(&img, 0, sizeof(img));
    memset(&l, 0, sizeof(l));
    l.what = (char *)"layer 1/1 fuzz";
    l.diff_id = (char *)"sha256:0000000000000000000000000000000000000000000000000000000000000000";
    l.comp = COMP_NONE;
    l.size = (int64_t)size;
    l.blob.fd = fd;
    l.blob.off = 0;
    l.blob.size = (off_t)size;
    img.layers = &l;
    img.nlayers = 1;
    rootfd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    applier_init(&ap, rootfd, 1, 10000, 64 << 20);
    if (pipeline_start(&pl, &img, 64 << 20, &e) == 0) {
        layer_apply(&ap, &l, &pl, &e);
        pipeline_stop(&pl);
    }
    applier_fini(&ap);
    close(fd);
    /* the only things beside the rootfs are ours: blob, rootfs, canary (and . ..) */
    if (count_entries(base) != 5 || count_entries(canary) != 2)
        abort();
    snprintf(cmd, sizeof(cmd), "rm -rf %s", rootfs);
    if (system(cmd) != 0)
        abort();
    return 0;
}
