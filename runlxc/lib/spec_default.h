/* The config.json `runc spec` writes, as runlxc writes it (cmd_spec.c) and as runlxc convert
 * starts from: runc's defaults, hostname runlxc, and nothing this kernel lacks (ambient
 * capabilities, no_new_privs are left out where missing). */
#ifndef RUNLXC_SPEC_DEFAULT_H
#define RUNLXC_SPEC_DEFAULT_H

struct json_object;

/* A new object (the caller puts it), or NULL if the built-in text does not parse. */
struct json_object *rlx_spec_default_json(void);

#endif
