/* events: stats (one JSON line with --stats, else every --interval) and OOM events as JSON
 * lines, like runc; ends when the container stops. */
#include "cli.h"
#include "state.h"
#include "stats.h"
#include "util.h"
#include <getopt.h>
#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void emit(const char *type, const char *id, struct json_object *data)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "type", json_object_new_string(type));
    json_object_object_add(o, "id", json_object_new_string(id));
    if (data)
        json_object_object_add(o, "data", data);
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    fflush(stdout);
    json_object_put(o);
}

/* "5s", "500ms", "1m", "2" (seconds) -> milliseconds */
static long parse_interval(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v <= 0)
        return -1;
    if (*end == '\0' || strcmp(end, "s") == 0)
        return (long)(v * 1000);
    if (strcmp(end, "ms") == 0)
        return (long)v;
    if (strcmp(end, "m") == 0)
        return (long)(v * 60000);
    return -1;
}

int cmd_events(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    static const struct option opts[] = {
        {"stats", no_argument, NULL, 's'}, {"interval", required_argument, NULL, 'i'}, {NULL, 0, NULL, 0}};
    bool stats_once = false;
    long interval_ms = 5000;
    struct rlx_state st;
    cleanup_free char *dir = NULL;
    const char *id;
    struct rlx_oom_watch oom;
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 's')
            stats_once = true;
        else if (c == 'i') {
            interval_ms = parse_interval(optarg);
            if (interval_ms <= 0)
                return rlx_error(err, 0, "events: --interval '%s' is not a duration", optarg);
        } else
            return rlx_error(err, 0, "events: unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (cli_expect_args("events", argc - optind, 1, 1, "[--stats] [--interval D] ID", err) < 0)
        return -1;
    id = argv[optind];
    if (rlx_state_load(g->root, id, &st, err) < 0)
        return -1;
    dir = rlx_state_dir(g->root, id);
    if (strcmp(rlx_state_status(dir, &st), "stopped") == 0) {
        rlx_state_free(&st);
        return rlx_error(err, 0, "events: container '%s' is not running", id);
    }
    if (stats_once) {
        emit("stats", id, rlx_stats_collect(st.cgroup_paths));
        rlx_state_free(&st);
        return 0;
    }
    rlx_oom_watch_open(&oom, st.cgroup_paths);
    while (rlx_state_init_alive(&st)) {
        emit("stats", id, rlx_stats_collect(st.cgroup_paths));
        /* OOMs are watched for more often than stats are printed. */
        for (long waited = 0; waited < interval_ms && rlx_state_init_alive(&st); waited += 100)
            if (rlx_oom_watch_wait(&oom, st.cgroup_paths, 100))
                emit("oom", id, NULL);
    }
    rlx_oom_watch_close(&oom);
    rlx_state_free(&st);
    return 0;
}
