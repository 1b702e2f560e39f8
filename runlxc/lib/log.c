#include "context.h"
#include "util.h"
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <string.h>

void rlx_log(const struct rlx_global *g, const char *level, const char *fmt, ...)
{
    cleanup_free char *msg = NULL, *now = NULL;
    va_list ap;
    bool is_error = strcmp(level, "error") == 0, is_warning = strcmp(level, "warning") == 0;

    if (!is_error && !is_warning && !g->debug)
        return;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    if (msg == NULL)
        return;
    /* Warnings reach the user too: what they name (a failed poststop hook, cgroups that may
     * remain) is something to act on. */
    if (is_error || is_warning)
        fprintf(stderr, "runlxc: %s%s\n", is_warning ? "warning: " : "", msg);
    if (g->log_path == NULL || *g->log_path == '\0')
        return;
    {
        cleanup_close int fd = open(g->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        cleanup_free char *line = NULL;
        if (fd < 0)
            return;
        now = now_rfc3339();
        if (g->log_format && strcmp(g->log_format, "json") == 0) {
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, "level", json_object_new_string(level));
            json_object_object_add(o, "msg", json_object_new_string(msg));
            json_object_object_add(o, "time", json_object_new_string(now));
            line = xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
            json_object_put(o);
        } else {
            line = xasprintf("time=\"%s\" level=%s msg=\"%s\"\n", now, level, msg);
        }
        write_all(fd, line, strlen(line));
    }
}
