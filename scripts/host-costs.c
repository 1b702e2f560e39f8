/* host-costs: what this host charges for the operations a container start is made of, so that
 * run-to-exit figures from different machines can be read side by side. On a nested
 * (paravirtualized) guest a page fault or a fork can cost ten times what it costs on bare
 * metal, and then the number of processes and fresh pages a runtime touches, not its system
 * calls, decides its time (docs/reliability.md §3).
 *   scripts/host-costs [ROUNDS]     (default 5; prints the median of the rounds) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGES 2000
#define FORKS 200

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* us per first write of a fresh anonymous page; with cow, of a page shared with a child */
static double fault_us(int cow)
{
    char *p = mmap(NULL, PAGES * 4096L, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    double t0, t1;
    int pipe_fd[2] = {-1, -1};
    pid_t child = -1;
    if (p == MAP_FAILED)
        return -1;
    if (cow) {
        for (int i = 0; i < PAGES; i++)
            p[i * 4096L] = 1;
        /* the child holds the pages shared until its pipe closes; without it the writes below
         * would not be copy-on-write faults at all, so that is a failure, not a figure */
        if (pipe(pipe_fd) < 0 || (child = fork()) < 0) {
            int e = errno;
            if (pipe_fd[0] >= 0) {
                close(pipe_fd[0]);
                close(pipe_fd[1]);
            }
            munmap(p, PAGES * 4096L);
            errno = e;
            return -1;
        }
        if (child == 0) {
            char c;
            close(pipe_fd[1]);
            _exit(read(pipe_fd[0], &c, 1) < 0);
        }
    }
    t0 = now_us();
    for (int i = 0; i < PAGES; i++)
        p[i * 4096L] = 2;
    t1 = now_us();
    if (cow) {
        close(pipe_fd[0]);
        close(pipe_fd[1]);
        waitpid(child, NULL, 0);
    }
    munmap(p, PAGES * 4096L);
    return (t1 - t0) / PAGES;
}

static double syscall_us(void)
{
    double t0 = now_us();
    for (int i = 0; i < 20000; i++)
        getppid();
    return (now_us() - t0) / 20000;
}

/* us per fork + _exit + waitpid of this small process; with exec, the child execs itself */
static double fork_us(const char *self, int exec)
{
    double t0 = now_us();
    for (int i = 0; i < FORKS; i++) {
        pid_t c = fork();
        if (c < 0)
            return -1;
        if (c == 0) {
            if (exec)
                execl(self, self, "--exit", (char *)NULL);
            _exit(0);
        }
        waitpid(c, NULL, 0);
    }
    return (now_us() - t0) / FORKS;
}

/* a measurement that could not be made is an error, never a figure */
static int failed(const char *what)
{
    perror(what);
    return 1;
}

int main(int argc, char **argv)
{
    static const char *const names[] = {"system call (getppid)", "page fault, fresh anonymous page",
                                        "page fault, copy-on-write after fork", "fork + exit + wait",
                                        "fork + exec of this program + exit + wait"};
    int rounds = 5;
    double r[5][64];
    if (argc > 1 && strcmp(argv[1], "--exit") == 0)
        return 0;
    if (argc > 1 && ((rounds = atoi(argv[1])) < 1 || rounds > 64)) {
        fprintf(stderr, "usage: host-costs [ROUNDS (1-64)]\n");
        return 2;
    }
    for (int k = 0; k < rounds; k++) {
        r[0][k] = syscall_us();
        if ((r[1][k] = fault_us(0)) < 0)
            return failed(names[1]);
        if ((r[2][k] = fault_us(1)) < 0)
            return failed(names[2]);
        if ((r[3][k] = fork_us(argv[0], 0)) < 0)
            return failed(names[3]);
        if ((r[4][k] = fork_us("/proc/self/exe", 1)) < 0)
            return failed(names[4]);
    }
    for (int m = 0; m < 5; m++) {
        qsort(r[m], rounds, sizeof(double), by_value);
        printf("%-44s %8.2f us\n", names[m], r[m][rounds / 2]);
    }
    return 0;
}
