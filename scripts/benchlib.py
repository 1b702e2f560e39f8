"""Shared by the CPU benchmarks (bench-cycle-cpu.sh, bench-liblxc-floor.sh). The harness is the
subreaper of every command it runs, so a command's CPU counts the command and every process it
leaves behind (container init, monitors) once reaped, as ../shared/bench/timeit.c counts it."""
import ctypes, os, resource

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def cpu_ms():
    """user+sys of every reaped descendant so far, in ms"""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * 1000


def reap():
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def rounds(runtimes, runs, warmup):
    """(counted, order) per round: the runtimes interleaved, the start rotated every round"""
    for it in range(runs + warmup):
        k = it % len(runtimes)
        yield it >= warmup, runtimes[k:] + runtimes[:k], it
