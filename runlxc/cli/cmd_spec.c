/* spec: writes the config.json `runc spec` writes (terminal, sh, the same mounts, namespaces,
 * masks), so that scripts and test suites written against runc's default work unchanged;
 * only the hostname is runlxc's own, as crun's is crun. --rootless applies runc's rootless
 * changes. What this kernel lacks (ambient capabilities, no_new_privs) is left out, so the
 * result runs here as is. */
#include "cli.h"
#include <stddef.h>
#include "probe.h"
#include "spec_default.h"
#include "util.h"
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* runc's specconv.ToRootless: no network namespace, a user namespace mapping root to the
 * caller, /sys bound from the host, no uid=/gid= mount options, no resources. */
static void make_rootless(struct json_object *spec)
{
    struct json_object *linux_obj, *nss, *mounts, *kept = json_object_new_array();
    char map[96];

    json_object_object_get_ex(spec, "linux", &linux_obj);
    json_object_object_get_ex(linux_obj, "namespaces", &nss);
    for (size_t i = 0; i < json_object_array_length(nss); i++) {
        struct json_object *ns = json_object_array_get_idx(nss, i), *t;
        const char *type = json_object_object_get_ex(ns, "type", &t) ? json_object_get_string(t) : "";
        if (strcmp(type, "network") != 0 && strcmp(type, "user") != 0)
            json_object_array_add(kept, json_object_get(ns));
    }
    json_object_array_add(kept, json_tokener_parse("{\"type\": \"user\"}"));
    json_object_object_add(linux_obj, "namespaces", kept);
    snprintf(map, sizeof(map), "[{\"containerID\": 0, \"hostID\": %u, \"size\": 1}]", (unsigned)geteuid());
    json_object_object_add(linux_obj, "uidMappings", json_tokener_parse(map));
    snprintf(map, sizeof(map), "[{\"containerID\": 0, \"hostID\": %u, \"size\": 1}]", (unsigned)getegid());
    json_object_object_add(linux_obj, "gidMappings", json_tokener_parse(map));
    json_object_object_del(linux_obj, "resources");

    json_object_object_get_ex(spec, "mounts", &mounts);
    for (size_t i = 0; i < json_object_array_length(mounts); i++) {
        struct json_object *m = json_object_array_get_idx(mounts, i), *d, *opts, *clean;
        if (json_object_object_get_ex(m, "destination", &d) && strcmp(json_object_get_string(d), "/sys") == 0) {
            json_object_array_put_idx(mounts, i, json_tokener_parse(
                "{\"destination\": \"/sys\", \"type\": \"none\", \"source\": \"/sys\","
                " \"options\": [\"rbind\", \"nosuid\", \"noexec\", \"nodev\", \"ro\"]}"));
            continue;
        }
        if (!json_object_object_get_ex(m, "options", &opts))
            continue;
        clean = json_object_new_array();
        for (size_t j = 0; j < json_object_array_length(opts); j++) {
            const char *o = json_object_get_string(json_object_array_get_idx(opts, j));
            if (strncmp(o, "uid=", 4) != 0 && strncmp(o, "gid=", 4) != 0)
                json_object_array_add(clean, json_object_new_string(o));
        }
        json_object_object_add(m, "options", clean);
    }
}

int cmd_spec(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    static const struct option opts[] = {
        {"bundle", required_argument, NULL, 'b'}, {"rootless", no_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
    const char *bundle = ".", *text;
    bool rootless = false;
    cleanup_free char *path = NULL;
    cleanup_close int fd = -1;
    struct json_object *spec;
    int c, r;
    (void)g;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "b:", opts, NULL)) != -1) {
        if (c == 'b')
            bundle = optarg;
        else if (c == 'r')
            rootless = true;
        else
            return rlx_error(err, 0, "spec: unknown option '%s'", argv[optind - 1]);
    }
    if (argc > optind)
        return rlx_error(err, 0, "spec: unexpected argument '%s'", argv[optind]);
    path = xasprintf("%s/config.json", bundle);
    spec = rlx_spec_default_json();
    if (spec == NULL)
        return rlx_error(err, 0, "spec: the built-in default does not parse");
    if (rootless)
        make_rootless(spec);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        json_object_put(spec);
        if (errno == EEXIST)
            return rlx_error(err, 0, "spec: %s exists; remove it first", path);
        return rlx_error(err, errno, "spec: create %s", path);
    }
    text = json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    r = dprintf(fd, "%s\n", text);
    json_object_put(spec);
    if (r < 0)
        return rlx_error(err, errno, "spec: write %s", path);
    return 0;
}
