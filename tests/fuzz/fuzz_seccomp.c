/* linux.seccomp compiled to BPF with libseccomp, as create does. */
#include "seccomp_profile.h"
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json_tokener *tok = json_tokener_new();
    struct json_object *o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
    rlx_error_t err = NULL;
    if (o) {
        struct rlx_seccomp_prog prog = {0};
        rlx_seccomp_build(o, &prog, &err);
        rlx_error_release(&err);
        rlx_seccomp_prog_free(&prog);
        json_object_put(o);
    }
    json_tokener_free(tok);
    return 0;
}
