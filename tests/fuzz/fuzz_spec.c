/* config.json: parsing (every field's validation) and the translation to LXC keys, as create
 * does it, in the modern and the 1.0 dialect on a hybrid layout. */
#include "spec.h"
#include "lxcconf.h"
#include "dialect.h"
#include "../unit/layout.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    rlx_error_t err = NULL;
    struct rlx_spec *s;
    memcpy(text, data, size);
    text[size] = '\0';
    s = rlx_spec_parse(text, "/b", &err);
    rlx_error_release(&err);
    if (s) {
        static const char *const versions[] = {"5.0.2", "1.0.11"};
        struct rlx_cgroup_layout l;
        make_layout(&l, L_HYBRID);
        for (int v = 0; v < 2; v++) {
            struct rlx_dialect d = rlx_dialect_for_version(versions[v]);
            struct rlx_lxc_ctx ctx = {.id = "fuzz", .state_dir = "/run/runlxc/fuzz", .root = "/run/runlxc",
                                      .self_exe = "/usr/bin/runlxc", .log_level = "ERROR", .dialect = &d, .layout = &l};
            struct rlx_lxcconf c = {0};
            rlx_lxcconf_build(&c, s, &ctx, &err);
            rlx_error_release(&err);
            free(rlx_lxcconf_format(&c));
            rlx_lxcconf_free(&c);
        }
        rlx_cgroup_layout_free(&l);
        rlx_spec_free(s);
    }
    free(text);
    return 0;
}
