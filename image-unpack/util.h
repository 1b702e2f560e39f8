/* Error reporting and cleanup helpers shared by every runlxc-unpack source file. */
#ifndef RUNLXC_UNPACK_UTIL_H
#define RUNLXC_UNPACK_UTIL_H
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* Headers older than glibc 2.14 lack O_PATH; kernels older than 2.6.39 ignore the unknown bit
 * and open read-only, which is all we need from a directory fd. */
#include <fcntl.h>
#ifndef O_PATH
#define O_PATH 010000000
#endif

/* Errors travel up as a message buffer so the outermost caller can name the blob and the
 * entry: inner layers set the reason, outer layers prefix their context. */
typedef struct {
    char msg[4096];
} err_t;

int err_set(err_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int err_errno(err_t *e, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prepends "CONTEXT: " to the message already in e. */
int err_prefix(err_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Printable form of an untrusted name for error messages (control bytes escaped, truncated). */
const char *printable(const char *s, char *buf, size_t len);

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd) { if (*fd >= 0) close(*fd); }
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))

/* Full read/write loops: short counts are only EOF, never an interrupted call. */
ssize_t read_full_at(int fd, void *buf, size_t len, off_t off);
int write_full(int fd, const void *buf, size_t len);

#endif
