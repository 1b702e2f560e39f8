/* Errors travel as an out-parameter (crun style): the first failure is recorded with the
 * errno that caused it and a message naming the object; callers return -1 upward. */
#ifndef RUNLXC_ERROR_H
#define RUNLXC_ERROR_H

struct rlx_error {
    int errnum;   /* errno of the failing call, 0 when the input itself was wrong */
    char *msg;
};
typedef struct rlx_error *rlx_error_t;

/* Records an error (unless one is already recorded) and returns -1. */
int rlx_error(rlx_error_t *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes the recorded message with more context ("create: ..."). Returns -1. */
int rlx_error_wrap(rlx_error_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The full text: "msg: strerror(errnum)" or just "msg". Owned by the error. */
const char *rlx_error_text(rlx_error_t *err);
void rlx_error_release(rlx_error_t *err);

#endif
