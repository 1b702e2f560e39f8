/* process.json of runlxc exec --process. */
#include "spec.h"
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json_tokener *tok = json_tokener_new();
    struct json_object *o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
    rlx_error_t err = NULL;
    struct rlx_process p;
    memset(&p, 0, sizeof(p));
    if (o) {
        rlx_spec_parse_process(&p, o, &err);
        rlx_error_release(&err);
        rlx_process_free(&p);
        json_object_put(o);
    }
    json_tokener_free(tok);
    return 0;
}
