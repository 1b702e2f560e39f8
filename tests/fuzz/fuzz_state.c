/* <root>/<id>/state.json as state, delete and the rest load it (a damaged one must give an
 * error naming it, never a crash). */
#include "state.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char root[] = "/tmp/fuzz-state.XXXXXX";
    static int ready;
    char path[128];
    FILE *f;
    struct rlx_state st;
    rlx_error_t err = NULL;
    if (!ready) {
        if (!mkdtemp(root))
            abort();
        snprintf(path, sizeof(path), "%s/c1", root);
        mkdir(path, 0700);
        ready = 1;
    }
    snprintf(path, sizeof(path), "%s/c1/state.json", root);
    f = fopen(path, "w");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    if (rlx_state_load(root, "c1", &st, &err) == 0) {
        (void)rlx_state_status("/nonexistent", &st);
        rlx_state_free(&st);
    }
    rlx_error_release(&err);
    return 0;
}
