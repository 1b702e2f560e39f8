/* linux.seccomp -> a BPF program built with libseccomp. runlxc builds and verifies the
 * filter (so bad profiles fail `create` with the JSON path); runlxc-init only loads it. */
#ifndef RUNLXC_SECCOMP_H
#define RUNLXC_SECCOMP_H
#include <stddef.h>
#include "error.h"

struct json_object;

struct rlx_seccomp_prog {
    unsigned char *bpf;     /* struct sock_filter[] */
    size_t len;             /* bytes */
    unsigned int flags;     /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
    /* SCMP_ACT_NOTIFY rules: loading the filter gives a listener fd for the agent here. */
    char *listener_path;
    char *listener_metadata;
};

int rlx_seccomp_build(struct json_object *seccomp, struct rlx_seccomp_prog *out, rlx_error_t *err);
void rlx_seccomp_prog_free(struct rlx_seccomp_prog *p);
/* features: the names this build understands (NULL-terminated static arrays). */
extern const char *const rlx_seccomp_actions[];
extern const char *const rlx_seccomp_operators[];
extern const char *const rlx_seccomp_flags[];
/* Architectures libseccomp knows, for features. */
struct json_object *rlx_seccomp_archs_json(void);

#endif
