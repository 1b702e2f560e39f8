/* runlxc: an OCI runtime with runc's command line, built on liblxc.
 * Global flags come before the subcommand; each subcommand lives in its own cmd_*.c. */
#include "cli.h"
#include "liblxc_load.h"
#include "lxcfs.h"
#include "util.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct rlx_command commands[] = {
    {"create", cmd_create, "create a container from a bundle (waits for start)"},
    {"start", cmd_start, "start the user process of a created container"},
    {"run", cmd_run, "create and start a container"},
    {"exec", cmd_exec, "run a new process inside a running container"},
    {"state", cmd_state, "print the OCI state of a container"},
    {"kill", cmd_kill, "send a signal to the container's init (or all processes)"},
    {"delete", cmd_delete, "delete a container and everything it holds"},
    {"list", cmd_list, "list containers"},
    {"ps", cmd_ps, "list the processes of a container"},
    {"console", cmd_console, "attach to a container's tty (annotation org.runlxc.ttys)"},
    {"pause", cmd_pause, "freeze every process of a container"},
    {"resume", cmd_resume, "thaw a paused container"},
    {"update", cmd_update, "change the resource limits of a container"},
    {"events", cmd_events, "print stats and OOM events of a container as JSON lines"},
    {"lxcfs", cmd_lxcfs, "start lxcfs, re-bind its views after a restart (remount, watch)"},
    {"check", cmd_check, "show what this host can do (kernel features, found by trying them)"},
    {"spec", cmd_spec, "write a default config.json"},
    {"features", cmd_features, "print what this runtime supports on this host"},
    {"unpack", cmd_unpack, "unpack an OCI or Docker image into a bundle"},
    {"convert", cmd_convert, "turn LXC containers into OCI bundles or images"},
    {"hook", cmd_hook, NULL},   /* internal: liblxc hook callback */
};

static void usage(FILE *f)
{
    fprintf(f, "usage: runlxc [--root DIR] [--log FILE] [--log-format text|json] [--debug] [--systemd-cgroup] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (commands[i].summary)
            fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

/* Matches "--name VALUE" and "--name=VALUE"; advances *i past what it consumed. */
static const char *flag_value(int argc, char **argv, int *i, const char *name, bool *matched)
{
    size_t n = strlen(name);
    *matched = false;
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=') {
        *matched = true;
        return argv[*i] + n + 1;
    }
    if (argv[*i][n] != '\0')
        return NULL;
    *matched = true;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

/* /etc/runlxc/runlxc.conf (or $RUNLXC_CONFIG): "key = value" lines, '#' comments.
 *   lxcfs = true|false          lxcfs views for every container unless its annotation says no
 *   lxcfs_mountpoint = /path    where lxcfs is mounted (default /var/lib/lxcfs)
 * Flags given on the command line override it. */
static int load_config_file(struct rlx_global *g, rlx_error_t *err)
{
    const char *path = getenv("RUNLXC_CONFIG") ? getenv("RUNLXC_CONFIG") : "/etc/runlxc/runlxc.conf";
    FILE *f = fopen(path, "re");
    char line[4096];
    int n = 0;
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        char *k = line, *v, *end;
        n++;
        while (*k == ' ' || *k == '\t')
            k++;
        if (*k == '#' || *k == '\n' || *k == '\0')
            continue;
        v = strchr(k, '=');
        if (v == NULL) {
            fclose(f);
            return rlx_error(err, 0, "%s:%d: expected key = value", path, n);
        }
        *v++ = '\0';
        for (end = v + strlen(v); end > v && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'); end--)
            end[-1] = '\0';
        while (*v == ' ' || *v == '\t')
            v++;
        for (end = k + strlen(k); end > k && (end[-1] == ' ' || end[-1] == '\t'); end--)
            end[-1] = '\0';
        if (strcmp(k, "lxcfs") == 0 && (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)) {
            g->lxcfs = strcmp(v, "true") == 0;
        } else if (strcmp(k, "lxcfs_mountpoint") == 0 && v[0] == '/') {
            g->lxcfs_mountpoint = xstrdup(v);
        } else {
            fclose(f);
            return rlx_error(err, 0, "%s:%d: unknown key or bad value '%s = %s'", path, n, k, v);
        }
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    struct rlx_global g = {.root = "/run/runlxc", .log_format = "text", .lxcfs_mountpoint = RLX_LXCFS_DEFAULT_MOUNTPOINT};
    char self[PATH_MAX];
    rlx_error_t err = NULL;
    int i, r;

    if (load_config_file(&g, &err) < 0)
        goto fail;
    if (realpath("/proc/self/exe", self) != NULL)
        g.self_exe = self;
    else
        g.self_exe = "runlxc";
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i], *v;
        bool m;
        if (strcmp(a, "--debug") == 0) {
            g.debug = true;
        } else if (strcmp(a, "--lxcfs") == 0) {
            g.lxcfs = true;
        } else if ((v = flag_value(argc, argv, &i, "--lxcfs-mountpoint", &m)) != NULL || m) {
            if (v == NULL || v[0] != '/') {
                rlx_error(&err, 0, "--lxcfs-mountpoint needs an absolute path");
                goto fail;
            }
            g.lxcfs_mountpoint = v;
        } else if (strcmp(a, "--systemd-cgroup") == 0) {
            g.systemd_cgroup = true;
        } else if (strcmp(a, "--version") == 0 || strcmp(a, "-v") == 0) {
            const char *lxc = rlx_lxc_version();
            printf("runlxc version %s\nspec: 1.2.0\nliblxc: %s\n", PACKAGE_VERSION, lxc ? lxc : "(cannot be loaded)");
            return 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if ((v = flag_value(argc, argv, &i, "--root", &m)) != NULL || m) {
            if (v == NULL || *v == '\0') {
                rlx_error(&err, 0, "--root needs a directory");
                goto fail;
            }
            g.root = v;
        } else if ((v = flag_value(argc, argv, &i, "--log", &m)) != NULL || m) {
            g.log_path = v;
        } else if ((v = flag_value(argc, argv, &i, "--log-format", &m)) != NULL || m) {
            if (v == NULL || (strcmp(v, "text") != 0 && strcmp(v, "json") != 0)) {
                rlx_error(&err, 0, "--log-format must be text or json");
                goto fail;
            }
            g.log_format = v;
        } else if ((v = flag_value(argc, argv, &i, "--criu", &m)) != NULL || m) {
            /* obsolete in runc; accepted and ignored */
        } else if ((v = flag_value(argc, argv, &i, "--rootless", &m)) != NULL || m) {
            if (v && strcmp(v, "true") == 0) {
                rlx_error(&err, 0, "--rootless: rootless containers are not supported by runlxc");
                goto fail;
            }
        } else {
            rlx_error(&err, 0, "unknown global option '%s'", a);
            goto fail;
        }
    }
    if (g.root[0] != '/') {
        char abs[PATH_MAX];
        if (realpath(".", abs) == NULL) {
            rlx_error(&err, 0, "--root: cannot resolve '%s'", g.root);
            goto fail;
        }
        g.root = xasprintf("%s/%s", abs, g.root);
    }
    /* runc (urfave/cli) answers no command with its help, successfully */
    if (i >= argc) {
        usage(stdout);
        return 0;
    }
    for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
        if (strcmp(commands[c].name, argv[i]) != 0)
            continue;
        if (g.debug) {
            const char *lxc = rlx_lxc_version();
            rlx_log(&g, "debug", "command %s (runlxc %s, liblxc %s)", argv[i], PACKAGE_VERSION, lxc ? lxc : "not loaded");
        }
        r = commands[c].run(&g, argc - i, argv + i, &err);
        if (r < 0) {
            rlx_log(&g, "error", "%s", rlx_error_text(&err));
            rlx_error_release(&err);
            /* runc: a failing exec exits 255, so it cannot be mistaken for the process's status. */
            return strcmp(commands[c].name, "exec") == 0 ? 255 : 1;
        }
        return 0;
    }
    /* runc's words and status (urfave/cli's CommandNotFound: 3) */
    rlx_log(&g, "error", "No help topic for '%s'", argv[i]);
    return 3;
fail:
    rlx_log(&g, "error", "%s", rlx_error_text(&err));
    rlx_error_release(&err);
    return 1;
}
