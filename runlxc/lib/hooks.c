#include "hooks.h"
#include "util.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

/* Runs one hook; a failure is described without a prefix: rlx_hooks_run names the hook as runc
 * does ("error running createRuntime hook #1: ..."), which scripts and runc's tests look for. */
static int run_one(const struct rlx_hook *h, const char *state_json, rlx_error_t *err)
{
    int in[2];
    pid_t pid;
    int status = 0;
    struct timespec start, now;

    if (pipe2(in, O_CLOEXEC) < 0)
        return rlx_error(err, errno, "pipe");
    pid = fork();
    if (pid < 0) {
        close(in[0]);
        close(in[1]);
        return rlx_error(err, errno, "fork");
    }
    if (pid == 0) {
        char *const empty[] = {NULL};
        char *const argv0[] = {h->path, NULL};
        dup2(in[0], 0);
        execve(h->path, h->args && h->args[0] ? h->args : argv0, h->env ? h->env : empty);
        _exit(127);
    }
    close(in[0]);
    /* A hook that does not read its stdin must not block us. */
    signal(SIGPIPE, SIG_IGN);
    write_all(in[1], state_json, strlen(state_json));
    close(in[1]);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        pid_t r = waitpid(pid, &status, h->timeout > 0 ? WNOHANG : 0);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return rlx_error(err, errno, "wait for %s", h->path);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (h->timeout > 0 && now.tv_sec - start.tv_sec >= h->timeout) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return rlx_error(err, 0, "%s timed out after %d s", h->path, h->timeout);
        }
        nanosleep(&(struct timespec){0, 2000000}, NULL);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status))
        return rlx_error(err, 0, "%s exited with status %d", h->path, WEXITSTATUS(status));
    /* runc's words (Go's "signal: bad system call"): tests and scripts look for them */
    char name[64];
    snprintf(name, sizeof(name), "%s", strsignal(WTERMSIG(status)));
    name[0] = (char)tolower((unsigned char)name[0]);
    return rlx_error(err, 0, "%s killed by signal %d: signal: %s", h->path, WTERMSIG(status), name);
}

int rlx_hooks_run(const struct rlx_hook *hooks, size_t n, const char *kind, const char *state_json,
                  rlx_error_t *err)
{
    for (size_t i = 0; i < n; i++)
        if (run_one(&hooks[i], state_json, err) < 0)
            return rlx_error_wrap(err, "error running %s hook #%zu: hooks.%s[%zu]", kind, i, kind, i);
    return 0;
}
