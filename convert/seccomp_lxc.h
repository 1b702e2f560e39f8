/* LXC's seccomp profile format (lxc.seccomp.profile) as an OCI linux.seccomp object.
 *   version 1: "1", then the numbers of the allowed syscalls
 *   version 2: "2", a policy line (denylist/blacklist or allowlist/whitelist, optionally with
 *              the default action), reject_force_umount, [arch] sections, and
 *              "NAME [ACTION] [[INDEX,VALUE,OP(,VALUETWO)]...]" lines
 * Sections for other architectures than this host's are left out (they filter nothing here). */
#ifndef RUNLXC_CONVERT_SECCOMP_LXC_H
#define RUNLXC_CONVERT_SECCOMP_LXC_H
#include <stddef.h>
#include "../runlxc/lib/error.h"

struct json_object;

/* A new object; NULL with reason set when the profile uses what OCI cannot express (notify,
 * trace), NULL with *err set when the file cannot be read or parsed. A non-fatal remark
 * (sections left out) may be left in reason with a non-NULL result. */
struct json_object *rlx_seccomp_from_lxc(const char *path, char *reason, size_t len, rlx_error_t *err);

#endif
