/* What the library runs with: runlxc's global options, parsed once by the CLI (cli/main.c)
 * and passed down read-only. The only global state runlxc keeps. */
#ifndef RUNLXC_CONTEXT_H
#define RUNLXC_CONTEXT_H
#include <stdbool.h>

struct rlx_global {
    const char *root;
    const char *log_path;
    const char *log_format;   /* "text" or "json" */
    bool debug;
    bool systemd_cgroup;
    const char *self_exe;
    bool lxcfs;                 /* lxcfs views for every container (--lxcfs, config file) */
    const char *lxcfs_mountpoint;
};

/* Appends a line to --log (text or runc-style JSON) and, for errors, to stderr. */
void rlx_log(const struct rlx_global *g, const char *level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
