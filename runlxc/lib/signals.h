/* Signal names and numbers as runc accepts them: 9, KILL, SIGKILL, sigkill, RTMIN+3. */
#ifndef RUNLXC_SIGNALS_H
#define RUNLXC_SIGNALS_H
int rlx_signal_parse(const char *s);   /* -1 if unknown */
#endif
