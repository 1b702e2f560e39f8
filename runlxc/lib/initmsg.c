#include "initmsg.h"
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

void rlx_buf_add(struct rlx_buf *b, char tag, const char *value)
{
    size_t n = strlen(value);
    if (b->len + n + 2 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 2)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (d == NULL)
            abort();
        b->data = d;
        b->cap = cap;
    }
    b->data[b->len++] = tag;
    memcpy(b->data + b->len, value, n + 1);
    b->len += n + 1;
}

void rlx_buf_addf(struct rlx_buf *b, char tag, const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    rlx_buf_add(b, tag, s);
    free(s);
}

void rlx_buf_free(struct rlx_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char rlx_rec_next(const char *data, size_t len, size_t *pos, const char **value)
{
    const char *end;
    char tag;
    if (*pos >= len)
        return 0;
    tag = data[*pos];
    end = memchr(data + *pos + 1, '\0', len - *pos - 1);
    if (end == NULL)
        return 0;
    *value = data + *pos + 1;
    *pos = (size_t)(end - data) + 1;
    return tag;
}

int rlx_sendmsg_fd(int sock, struct iovec *iov, size_t n_iov, int fd)
{
    struct msghdr mh;
    union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
    memset(&mh, 0, sizeof(mh));
    mh.msg_iov = iov;
    mh.msg_iovlen = n_iov;
    if (fd >= 0) {
        struct cmsghdr *c;
        memset(&ctl, 0, sizeof(ctl));
        mh.msg_control = ctl.buf;
        mh.msg_controllen = sizeof(ctl.buf);
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    for (;;) {
        ssize_t w = sendmsg(sock, &mh, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        return w < 0 ? -1 : (int)w;
    }
}

int rlx_msg_send(int sock, char type, const void *data, size_t len, int fd)
{
    uint32_t n = (uint32_t)len;
    char hdr[5];
    struct iovec iov[2];
    size_t total = sizeof(hdr) + len, sent;
    int w;

    memcpy(hdr, &n, 4);
    hdr[4] = type;
    iov[0].iov_base = hdr;
    iov[0].iov_len = sizeof(hdr);
    iov[1].iov_base = (void *)data;
    iov[1].iov_len = len;
    w = rlx_sendmsg_fd(sock, iov, len ? 2 : 1, fd);
    if (w < 0)
        return -1;
    /* A partial write: the rest goes without ancillary data. */
    for (sent = (size_t)w; sent < total; sent += (size_t)w) {
        const char *p = sent < sizeof(hdr) ? hdr + sent : (const char *)data + (sent - sizeof(hdr));
        size_t left = sent < sizeof(hdr) ? sizeof(hdr) - sent : total - sent;
        struct iovec rest = {(void *)p, left};
        w = rlx_sendmsg_fd(sock, &rest, 1, -1);
        if (w < 0)
            return -1;
    }
    return 0;
}

void rlx_msg_fail(int sock, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rlx_msg_send(sock, MSG_ERROR, msg, strlen(msg), -1);
    _exit(1);
}

static int read_full(int sock, char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(sock, buf + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

int rlx_msg_recv(int sock, char **data, size_t *len, int *fd, pid_t *pid)
{
    char hdr[5];
    uint32_t n;
    struct iovec iov = {hdr, sizeof(hdr)};
    struct msghdr mh;
    union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))]; } ctl;
    ssize_t r;

    if (fd)
        *fd = -1;
    if (pid)
        *pid = 0;
    *data = NULL;
    memset(&mh, 0, sizeof(mh));
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl.buf;
    mh.msg_controllen = sizeof(ctl.buf);
    do
        r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return 0;
    if (r < 0)
        return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int got;
            memcpy(&got, CMSG_DATA(c), sizeof(int));
            if (fd && *fd < 0)
                *fd = got;
            else
                close(got);
        } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS && pid) {
            struct ucred cred;
            memcpy(&cred, CMSG_DATA(c), sizeof(cred));
            *pid = cred.pid;
        }
    }
    if (r < (ssize_t)sizeof(hdr) && read_full(sock, hdr + r, sizeof(hdr) - (size_t)r) < 0)
        goto fail;
    memcpy(&n, hdr, 4);
    if (n > (64u << 20)) {
        errno = EMSGSIZE;
        goto fail;
    }
    *data = malloc((size_t)n + 1);
    if (*data == NULL || read_full(sock, *data, n) < 0)
        goto fail;
    (*data)[n] = '\0';
    if (len)
        *len = n;
    return (unsigned char)hdr[4];
fail:
    free(*data);
    *data = NULL;
    if (fd && *fd >= 0) {
        close(*fd);
        *fd = -1;
    }
    return -1;
}
