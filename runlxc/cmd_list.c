#include "cli.h"
#include <stddef.h>
#include "state.h"
#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

int cmd_list(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'}, {"quiet", no_argument, NULL, 'q'}, {NULL, 0, NULL, 0}};
    const char *format = "table";
    bool quiet = false;
    struct json_object *arr = json_object_new_array();
    DIR *d;
    struct dirent *de;
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "f:q", opts, NULL)) != -1) {
        if (c == 'f')
            format = optarg;
        else if (c == 'q')
            quiet = true;
        else {
            json_object_put(arr);
            return rlx_error(err, 0, "list: unknown option '%s'", argv[optind - 1]);
        }
    }
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
        json_object_put(arr);
        return rlx_error(err, 0, "list: --format must be table or json, not '%s'", format);
    }
    d = opendir(g->root);
    while (d && (de = readdir(d)) != NULL) {
        struct rlx_state st;
        rlx_error_t e = NULL;
        cleanup_free char *dir = NULL;
        if (de->d_name[0] == '.')
            continue;
        if (rlx_state_load(g->root, de->d_name, &st, &e) < 0) {
            rlx_error_release(&e);
            continue;
        }
        dir = rlx_state_dir(g->root, de->d_name);
        json_object_array_add(arr, rlx_state_to_json(&st, rlx_state_status(dir, &st)));
        rlx_state_free(&st);
    }
    if (d)
        closedir(d);
    if (strcmp(format, "json") == 0) {
        printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    } else {
        if (!quiet)
            printf("%-20s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
        for (size_t i = 0; i < json_object_array_length(arr); i++) {
            struct json_object *o = json_object_array_get_idx(arr, i), *v;
#define F(k) (json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "")
            if (quiet)
                printf("%s\n", F("id"));
            else {
                printf("%-20s ", F("id"));
                printf("%-8s ", F("pid"));
                printf("%-10s ", F("status"));
                printf("%-40s ", F("bundle"));
                printf("%-30s ", F("created"));
                printf("%s\n", F("owner"));
            }
#undef F
        }
    }
    json_object_put(arr);
    return 0;
}
