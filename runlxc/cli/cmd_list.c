/* list: every container under --root, as runc lists them: in name order (runc reads the state
 * directory sorted), OWNER the user name of the state directory's owner, and the table laid
 * out as Go's tabwriter lays runc's out, so scripts that cut columns read both alike. */
#include "cli.h"
#include <stddef.h>
#include "state.h"
#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int visible(const struct dirent *de)
{
    return de->d_name[0] != '.';
}

/* runc: the name from the password database, "#UID" when there is none. The last answer is
 * kept: the containers of one root nearly always share their owner, and every lookup reads
 * /etc/passwd again (the most of list's cost per container, beside state.json). */
struct owner_cache {
    uid_t uid;
    char *name;
};

static char *owner_of(const char *dir, struct owner_cache *cache)
{
    struct stat st;
    struct passwd pw, *res = NULL;
    char buf[4096];
    if (stat(dir, &st) < 0)
        return xstrdup("");
    if (cache->name == NULL || cache->uid != st.st_uid) {
        free(cache->name);
        cache->uid = st.st_uid;
        cache->name = getpwuid_r(st.st_uid, &pw, buf, sizeof(buf), &res) == 0 && res != NULL
                          ? xstrdup(res->pw_name) : xasprintf("#%u", (unsigned)st.st_uid);
    }
    return xstrdup(cache->name);
}

static const char *field(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

/* Go's tabwriter as runc sets it up (minwidth 12, padding 3): each column but the last is as
 * wide as its widest cell plus 3, and at least 12. */
static void print_table(struct json_object *arr)
{
    static const char *const keys[] = {"id", "pid", "status", "bundle", "created", "owner"};
    static const char *const heads[] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
    enum { COLS = sizeof(keys) / sizeof(keys[0]) };
    size_t width[COLS], n = json_object_array_length(arr);

    for (size_t c = 0; c < COLS; c++) {
        size_t w = strlen(heads[c]);
        for (size_t i = 0; i < n; i++) {
            size_t l = strlen(field(json_object_array_get_idx(arr, i), keys[c]));
            if (l > w)
                w = l;
        }
        width[c] = w + 3 < 12 ? 12 : w + 3;
    }
    for (size_t i = 0; i <= n; i++) {
        struct json_object *o = i ? json_object_array_get_idx(arr, i - 1) : NULL;
        for (size_t c = 0; c < COLS; c++) {
            const char *v = o ? field(o, keys[c]) : heads[c];
            if (c + 1 < COLS)
                printf("%-*s", (int)width[c], v);
            else
                printf("%s\n", v);
        }
    }
}

int cmd_list(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'}, {"quiet", no_argument, NULL, 'q'}, {NULL, 0, NULL, 0}};
    const char *format = "table";
    bool quiet = false;
    struct json_object *arr;
    struct dirent **names = NULL;
    struct owner_cache owners = {0, NULL};
    int c, n;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "f:q", opts, NULL)) != -1) {
        if (c == 'f')
            format = optarg;
        else if (c == 'q')
            quiet = true;
        else
            return rlx_error(err, 0, "list: unknown option '%s'", argv[optind - 1]);
    }
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        return rlx_error(err, 0, "list: --format must be table or json, not '%s'", format);
    arr = json_object_new_array();
    n = scandir(g->root, &names, visible, by_name);
    for (int i = 0; i < n; i++) {
        struct rlx_state st;
        rlx_error_t e = NULL;
        cleanup_free char *dir = rlx_state_dir(g->root, names[i]->d_name);
        if (rlx_state_load(g->root, names[i]->d_name, &st, &e) == 0) {
            free(st.owner);
            st.owner = owner_of(dir, &owners);
            json_object_array_add(arr, rlx_state_to_json(&st, rlx_state_status(dir, &st)));
            rlx_state_free(&st);
        }
        rlx_error_release(&e);
        free(names[i]);
    }
    free(names);
    free(owners.name);
    if (strcmp(format, "json") == 0)
        printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    else if (quiet)
        for (size_t i = 0; i < json_object_array_length(arr); i++)
            printf("%s\n", field(json_object_array_get_idx(arr, i), "id"));
    else
        print_table(arr);
    json_object_put(arr);
    return 0;
}
