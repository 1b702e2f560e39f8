/* Unit tests for the runlxc <-> runlxc-init wire: records, framing, fd passing, credentials. */
#include "tap.h"
#include "initmsg.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    struct rlx_buf b = {0};
    size_t pos = 0;
    const char *v;
    char tag;
    int sv[2], fd, got_fd;
    pid_t pid;
    char *data;
    size_t len;
    struct stat a, c;

    rlx_buf_add(&b, REC_ARG, "sh");
    rlx_buf_add(&b, REC_ARG, "");
    rlx_buf_addf(&b, REC_UID, "%d", 1000);
    tag = rlx_rec_next(b.data, b.len, &pos, &v);
    TAP_OK(tag == REC_ARG && strcmp(v, "sh") == 0, "first record");
    tag = rlx_rec_next(b.data, b.len, &pos, &v);
    TAP_OK(tag == REC_ARG && *v == '\0', "an empty value survives");
    tag = rlx_rec_next(b.data, b.len, &pos, &v);
    TAP_OK(tag == REC_UID && strcmp(v, "1000") == 0, "formatted record");
    TAP_OK(rlx_rec_next(b.data, b.len, &pos, &v) == 0, "end of records");
    TAP_OK(rlx_rec_next("a\0b", 2, &(size_t){0}, &v) != 0 && rlx_rec_next("ab", 2, &(size_t){0}, &v) == 0,
           "a record without its terminator is not read");

    TAP_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &(int){1}, sizeof(int));
    fd = open("/", O_RDONLY);
    TAP_OK(rlx_msg_send(sv[1], MSG_CONFIG, b.data, b.len, fd) == 0, "send with an fd");
    TAP_OK(rlx_msg_recv(sv[0], &data, &len, &got_fd, &pid) == MSG_CONFIG && len == b.len &&
           memcmp(data, b.data, len) == 0, "receive the same payload");
    fstat(fd, &a);
    TAP_OK(got_fd >= 0 && fstat(got_fd, &c) == 0 && a.st_ino == c.st_ino, "the fd arrives");
    TAP_OK(pid == getpid(), "credentials give the sender's pid");
    free(data);
    close(got_fd);
    {
        /* A payload larger than a socket buffer needs a reader on the other side. */
        size_t big = 1 << 20;
        char *p = malloc(big);
        memset(p, 'x', big);
        if (fork() == 0) {
            rlx_msg_send(sv[1], MSG_STATE, p, big, -1);
            _exit(0);
        }
        TAP_OK(rlx_msg_recv(sv[0], &data, &len, NULL, NULL) == MSG_STATE && len == big && data[big - 1] == 'x',
               "a 1 MiB message is framed whole");
        free(data);
        free(p);
    }
    close(sv[1]);
    TAP_OK(rlx_msg_recv(sv[0], &data, &len, NULL, NULL) == 0, "EOF when the peer is gone");
    rlx_buf_free(&b);
    return tap_done();
}
