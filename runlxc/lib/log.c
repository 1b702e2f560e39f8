#include "context.h"
#include "util.h"
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

/* msg quoted as logrus's text formatter quotes a value (Go's %q for what it needs). */
static char *quoted(const char *msg)
{
    char *out = xmalloc(strlen(msg) * 2 + 3), *o = out;
    *o++ = '"';
    for (const char *p = msg; *p; p++) {
        if (*p == '"' || *p == '\\')
            *o++ = '\\';
        if (*p == '\n' || *p == '\t') {
            *o++ = '\\';
            *o++ = *p == '\n' ? 'n' : 't';
            continue;
        }
        *o++ = *p;
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

/* One line in runc's format: logrus text (time="..." level=... msg="...") or JSON. */
static char *log_line(const struct rlx_global *g, const char *level, const char *msg)
{
    cleanup_free char *now = now_rfc3339();
    if (g->log_format && strcmp(g->log_format, "json") == 0) {
        struct json_object *o = json_object_new_object();
        char *line;
        json_object_object_add(o, "level", json_object_new_string(level));
        json_object_object_add(o, "msg", json_object_new_string(msg));
        json_object_object_add(o, "time", json_object_new_string(now));
        line = xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        json_object_put(o);
        return line;
    }
    cleanup_free char *q = quoted(msg);
    return xasprintf("time=\"%s\" level=%s msg=%s\n", now, level, q);
}

/* Errors and warnings reach stderr as "runlxc: ..." lines and --log as runc's lines; debug
 * lines (--debug only) go where runc's logrus writes them: to --log when given, else to
 * stderr in the log format. */
void rlx_log(const struct rlx_global *g, const char *level, const char *fmt, ...)
{
    cleanup_free char *msg = NULL, *line = NULL;
    va_list ap;
    bool is_error = strcmp(level, "error") == 0, is_warning = strcmp(level, "warning") == 0;
    bool to_file = g->log_path != NULL && *g->log_path != '\0';

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
    else if (!to_file) {
        line = log_line(g, level, msg);
        write_all(STDERR_FILENO, line, strlen(line));
        return;
    }
    if (!to_file)
        return;
    cleanup_close int fd = open(g->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    line = log_line(g, level, msg);
    write_all(fd, line, strlen(line));
}
