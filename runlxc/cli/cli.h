/* The command line: one cmd_*.c per subcommand over the library in runlxc/lib/. */
#ifndef RUNLXC_CLI_H
#define RUNLXC_CLI_H
#include <stdbool.h>
#include "context.h"
#include "error.h"

struct rlx_command {
    const char *name;
    int (*run)(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
    const char *summary;
};

int cmd_create(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_start(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_run(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_state(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_kill(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_delete(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_list(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_spec(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_features(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_exec(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_update(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_events(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_lxcfs(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_check(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_console(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_ps(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_pause(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_resume(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_hook(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_unpack(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);
int cmd_convert(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err);

struct rlx_create_opts;
/* Options shared by create and run; returns the index of the first positional argument or -1. */
int cli_parse_create_opts(const char *cmd, int argc, char **argv, struct rlx_create_opts *o, bool *detach,
                          bool *keep, rlx_error_t *err);

/* Checks the positional argument count; names the command in the error. */
int cli_expect_args(const char *cmd, int have, int min, int max, const char *usage, rlx_error_t *err);
/* Runs a companion program (runlxc-unpack, runlxc-convert) in our place with our arguments;
 * returns only with the error of a failed exec. */
int cli_exec_program(const char *cmd, const char *path, char **argv, rlx_error_t *err);

#endif
