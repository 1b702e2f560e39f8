/* ps: the container's processes (host pids) as JSON, or `ps -ef` rows filtered to them. */
#include "cli.h"
#include "cgroup.h"
#include "state.h"
#include "util.h"
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_ps(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    const char *format = "table";
    struct rlx_state st;
    cleanup_free pid_t *pids = NULL;
    size_t n = 0;
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
        if (c != 'f')
            return rlx_error(err, 0, "ps: unknown option '%s'", argv[optind - 1]);
        format = optarg;
    }
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        return rlx_error(err, 0, "ps: --format must be table or json, not '%s'", format);
    if (cli_expect_args("ps", argc - optind, 1, -1, "[--format table|json] ID [PS_ARGS...]", err) < 0)
        return -1;
    if (rlx_state_load(g->root, argv[optind], &st, err) < 0)
        return -1;
    pids = rlx_cgroup_pids(st.cgroup_paths, &n);
    rlx_state_free(&st);
    if (strcmp(format, "json") == 0) {
        printf("[");
        for (size_t i = 0; i < n; i++)
            printf("%s%d", i ? "," : "", pids[i]);
        printf("]\n");
        return 0;
    }
    {
        /* Like runc: run ps with the given arguments (default -ef) and keep the header and
         * the rows whose PID column belongs to the container. */
        cleanup_free char *cmd = xstrdup("ps");
        FILE *p;
        char line[4096];
        int pid_col = -1;
        if (argc - optind > 1)
            for (int i = optind + 1; i < argc; i++) {
                char *next = xasprintf("%s '%s'", cmd, argv[i]);
                free(cmd);
                cmd = next;
            }
        else {
            free(cmd);
            cmd = xstrdup("ps -ef");
        }
        p = popen(cmd, "r");
        if (p == NULL)
            return rlx_error(err, 0, "ps: cannot run %s", cmd);
        while (fgets(line, sizeof(line), p)) {
            char copy[4096], *tok, *save = NULL;
            int col = 0;
            long pid = -1;
            snprintf(copy, sizeof(copy), "%s", line);
            for (tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save), col++) {
                if (pid_col < 0 && strcmp(tok, "PID") == 0) {
                    pid_col = col;
                    break;
                }
                if (col == pid_col) {
                    pid = strtol(tok, NULL, 10);
                    break;
                }
            }
            if (pid < 0 && pid_col >= 0 && strstr(line, "PID")) {
                fputs(line, stdout);
                continue;
            }
            for (size_t i = 0; i < n; i++)
                if (pids[i] == pid)
                    fputs(line, stdout);
        }
        if (pclose(p) != 0 && pid_col < 0)
            return rlx_error(err, 0, "ps: %s failed or printed no PID column", cmd);
    }
    return 0;
}
