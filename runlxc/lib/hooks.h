/* OCI hooks: each runs with the container state JSON on stdin, its own args and env, and
 * an optional timeout after which it is killed and counted as failed. */
#ifndef RUNLXC_HOOKS_H
#define RUNLXC_HOOKS_H
#include "error.h"
#include "spec.h"

/* Runs hooks in order; stops at the first failure (error names the hook). */
int rlx_hooks_run(const struct rlx_hook *hooks, size_t n, const char *kind, const char *state_json,
                  rlx_error_t *err);
#endif
