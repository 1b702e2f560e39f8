#include "error.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rlx_error(rlx_error_t *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    char *base = NULL;

    if (err == NULL || *err != NULL)
        return -1;
    va_start(ap, fmt);
    if (vasprintf(&base, fmt, ap) < 0)
        base = NULL;
    va_end(ap);
    *err = calloc(1, sizeof(**err));
    if (*err == NULL) {
        free(base);
        return -1;
    }
    (*err)->errnum = errnum;
    if (base != NULL && errnum != 0) {
        if (asprintf(&(*err)->msg, "%s: %s", base, strerror(errnum)) < 0)
            (*err)->msg = NULL;
        free(base);
    } else {
        (*err)->msg = base;
    }
    return -1;
}

int rlx_error_wrap(rlx_error_t *err, const char *fmt, ...)
{
    va_list ap;
    char *prefix = NULL, *joined = NULL;

    if (err == NULL || *err == NULL)
        return -1;
    va_start(ap, fmt);
    if (vasprintf(&prefix, fmt, ap) < 0)
        prefix = NULL;
    va_end(ap);
    if (prefix != NULL && asprintf(&joined, "%s: %s", prefix, (*err)->msg ? (*err)->msg : "") >= 0) {
        free((*err)->msg);
        (*err)->msg = joined;
    }
    free(prefix);
    return -1;
}

const char *rlx_error_text(rlx_error_t *err)
{
    if (err == NULL || *err == NULL)
        return "";
    return (*err)->msg ? (*err)->msg : "out of memory";
}

void rlx_error_release(rlx_error_t *err)
{
    if (err == NULL || *err == NULL)
        return;
    free((*err)->msg);
    free(*err);
    *err = NULL;
}
