/* Prints the no_new_privs bit as /proc/PID/status shows it since Linux 4.10 ("NoNewPrivs:
 * N"), read with prctl(PR_GET_NO_NEW_PRIVS) so that the question has an answer on every
 * kernel with the bit (3.5+). Static: it runs in the tests' busybox containers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#ifndef PR_GET_NO_NEW_PRIVS
#define PR_GET_NO_NEW_PRIVS 39
#endif

int main(void)
{
    int r = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    if (r < 0) {
        printf("NoNewPrivs: %s\n", strerror(errno));
        return 1;
    }
    printf("NoNewPrivs: %d\n", r);
    return 0;
}
