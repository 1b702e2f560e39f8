/* runlxc convert's LXC config reader and its translation to an OCI config. */
#include "lxcfile.h"
#include "translate.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[] = "/tmp/fuzz-lxcconfig.XXXXXX";
    static int fd = -1;
    struct rlx_lxc_config cfg;
    struct rlx_conv cv;
    rlx_error_t err = NULL;
    if (fd < 0 && (fd = mkstemp(path)) < 0)
        abort();
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    if (rlx_lxc_config_read(path, &cfg, &err) == 0) {
        if (rlx_convert(&cfg, "fuzz", &cv, &err) == 0)
            rlx_conv_free(&cv);
        rlx_lxc_config_free(&cfg);
    }
    rlx_error_release(&err);
    return 0;
}
