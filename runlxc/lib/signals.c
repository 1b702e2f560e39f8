#include "signals.h"
#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct { const char *name; int sig; } sigtab[] = {
    {"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"ILL", SIGILL}, {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"IOT", SIGIOT}, {"BUS", SIGBUS}, {"FPE", SIGFPE}, {"KILL", SIGKILL},
    {"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},
    {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU}, {"URG", SIGURG}, {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
    {"POLL", SIGPOLL}, {"PWR", SIGPWR}, {"SYS", SIGSYS},
};

int rlx_signal_parse(const char *s)
{
    char *end;
    long n;
    if (s == NULL || *s == '\0')
        return -1;
    if (isdigit((unsigned char)*s)) {
        n = strtol(s, &end, 10);
        return *end == '\0' && n > 0 && n < NSIG ? (int)n : -1;
    }
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (size_t i = 0; i < sizeof(sigtab) / sizeof(sigtab[0]); i++)
        if (strcasecmp(s, sigtab[i].name) == 0)
            return sigtab[i].sig;
    if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
        int base = toupper((unsigned char)s[3]) == 'I' ? SIGRTMIN : SIGRTMAX;
        long off = 0;
        if (s[5] == '+' || s[5] == '-') {
            off = strtol(s + 5, &end, 10);
            if (*end != '\0')
                return -1;
        } else if (s[5] != '\0') {
            return -1;
        }
        n = base + off;
        return n >= SIGRTMIN && n <= SIGRTMAX ? (int)n : -1;
    }
    return -1;
}
