/* The runlxc -> runlxc-init wire format: frames read from the socket (rlx_msg_recv) and the
 * records of MSG_CONFIG as runlxc-init parses them (its parse_cfg, included from its file). */
#define main runlxc_init_main
#include "../../runlxc/init/runlxc-init.c"
#undef main
#include <stdint.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int sv[2];
    char *payload = NULL;
    size_t len = 0, pos = 0;
    const char *v;
    bool has_arg = false;
    char tag;
    /* a frame as it would arrive */
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
        if (size < 65536 && write(sv[0], data, size) == (ssize_t)size) {
            shutdown(sv[0], SHUT_WR);
            if (rlx_msg_recv(sv[1], &payload, &len, NULL, NULL) > 0)
                free(payload);
        }
        close(sv[0]);
        close(sv[1]);
    }
    /* the records themselves: runlxc-init refuses a config without arguments (and exits) */
    while ((tag = rlx_rec_next((const char *)data, size, &pos, &v)) != 0)
        has_arg |= tag == REC_ARG;
    if (has_arg) {
        struct init_cfg c;
        parse_cfg(&c, (const char *)data, size);
    }
    return 0;
}
