/* killat N CMD [ARGS...]: runs CMD and kills it with SIGKILL when it enters its Nth system
 * call (counted from the first after its execve), before that call runs. N = 0 only counts:
 * CMD runs to its end and the number of system calls it made goes to stderr as
 * "killat: N syscalls" (to the file $KILLAT_COUNT if set). Only CMD's own process is traced, not the processes it forks: a
 * runtime killed by an engine's timeout or OOM dies alone, and whatever it forked must then
 * fend for itself, which is what the reliability harness checks.
 *
 * This is strace's `-e inject=all:signal=KILL:when=N` with one counter over every system
 * call: strace counts invocations per system call number, so its `when=N` is the Nth call of
 * each number, not the Nth call overall.
 * With KILLAT_VICTIM=PID, the Nth system call kills PID instead (a daemon CMD depends on, such
 * as lxcfs) and CMD runs on untraced to its end.
 * Exit status: CMD's (128+signal when signalled). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long target, entries = 0, victim = 0;
    int status, sig = 0;
    pid_t pid;
    char *end;

    if (argc < 3 || (target = strtol(argv[1], &end, 10)) < 0 || *end) {
        fprintf(stderr, "usage: killat N CMD [ARGS...]\n");
        return 2;
    }
    if (getenv("KILLAT_VICTIM") && (victim = strtol(getenv("KILLAT_VICTIM"), &end, 10)) <= 0) {
        fprintf(stderr, "killat: KILLAT_VICTIM must be a pid\n");
        return 2;
    }
    pid = fork();
    if (pid < 0)
        return perror("fork"), 2;
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        raise(SIGSTOP);
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
        return 2;
    /* EXITKILL: if this tool dies, CMD dies too instead of running on untraced. */
    ptrace(PTRACE_SETOPTIONS, pid, NULL,
           (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL));
    int started = 0, in_syscall = 0;
    for (;;) {
        if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig) < 0 && errno != ESRCH)
            return perror("ptrace"), 2;
        sig = 0;
        if (waitpid(pid, &status, 0) != pid)
            return perror("waitpid"), 2;
        if (WIFEXITED(status) || WIFSIGNALED(status))
            break;
        if (!WIFSTOPPED(status))
            continue;
        if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
            /* Entry and exit stops alternate; an execve's exit stop comes after its event. */
            in_syscall = !in_syscall;
            if (!started || !in_syscall)
                continue;
            if (++entries == target && victim) {
                kill((pid_t)victim, SIGKILL);
                ptrace(PTRACE_DETACH, pid, NULL, NULL);
                waitpid(pid, &status, 0);
                break;
            }
            if (entries == target) {
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                break;
            }
        } else if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
            /* Counting starts at CMD's own image: the execve's exit stop follows. */
            if (!started) {
                started = 1;
                in_syscall = 1;
            }
        } else if (WSTOPSIG(status) != SIGTRAP) {
            sig = WSTOPSIG(status);   /* a real signal: deliver it */
        }
    }
    if (target == 0) {
        /* CMD's stderr may outlive it in the container it made: a pipe would never close. */
        const char *out = getenv("KILLAT_COUNT");
        FILE *f = out ? fopen(out, "w") : stderr;
        if (f) {
            fprintf(f, "killat: %ld syscalls\n", entries);
            if (f != stderr)
                fclose(f);
        }
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
