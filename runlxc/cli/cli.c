#include "cli.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <string.h>

int cli_expect_args(const char *cmd, int have, int min, int max, const char *usage, rlx_error_t *err)
{
    if (have < min)
        return rlx_error(err, 0, "%s: missing argument; usage: runlxc %s %s", cmd, cmd, usage);
    if (max >= 0 && have > max)
        return rlx_error(err, 0, "%s: too many arguments; usage: runlxc %s %s", cmd, cmd, usage);
    return 0;
}

int cli_exec_program(const char *cmd, const char *path, char **argv, rlx_error_t *err)
{
    const char *slash = strrchr(path, '/');
    argv[0] = (char *)(slash ? slash + 1 : path);
    execv(path, argv);
    return rlx_error(err, errno, "%s: exec %s", cmd, path);
}
