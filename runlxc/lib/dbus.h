/* Method calls to systemd's manager over D-Bus, for the systemd cgroup driver. Two libraries
 * serve them, both loaded at run time so that runlxc runs where neither is installed: sd-bus
 * (libsystemd.so.0, public API from systemd 221) and, where libsystemd has no public sd-bus
 * (CentOS 7's systemd 219), libdbus-1.so.3. Only what the driver sends is offered: method
 * calls whose arguments are strings, booleans, integers, byte arrays and containers of them,
 * replies read as one object path, and string properties. */
#ifndef RUNLXC_DBUS_H
#define RUNLXC_DBUS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"

struct rlx_bus;
struct rlx_bus_msg;

/* An error reply (name and message from the peer) or a local failure (name NULL). */
struct rlx_bus_error {
    char *name;
    char *message;
};

/* True when one of the two libraries loads with every function runlxc calls. */
bool rlx_bus_loadable(void);
/* Connects to systemd: its private socket (root, no dbus-daemon needed), else the system
 * bus. RUNLXC_DBUS=sd-bus or libdbus picks the library (the tests run both); by default
 * sd-bus, and libdbus-1 where sd-bus cannot be loaded. NULL with err set. */
struct rlx_bus *rlx_bus_open(rlx_error_t *err);
void rlx_bus_close(struct rlx_bus *b);
/* "sd-bus" or "libdbus-1". */
const char *rlx_bus_library(const struct rlx_bus *b);

/* A method call to org.freedesktop.systemd1 (NULL if the library cannot make one). */
struct rlx_bus_msg *rlx_bus_method(struct rlx_bus *b, const char *path, const char *iface, const char *member);
/* Containers as sd-bus names them: 'a' (contents "(sv)"), 'r' (contents "sv"), 'v' ("t"). */
int rlx_bus_open_container(struct rlx_bus_msg *m, char type, const char *contents);
int rlx_bus_close_container(struct rlx_bus_msg *m);
int rlx_bus_append_s(struct rlx_bus_msg *m, const char *v);
int rlx_bus_append_b(struct rlx_bus_msg *m, bool v);
int rlx_bus_append_t(struct rlx_bus_msg *m, uint64_t v);
int rlx_bus_append_u(struct rlx_bus_msg *m, uint32_t v);
/* A value of a fixed-size type (y n q i u x t d b), v pointing to its C type (uint8_t, int16_t,
 * ..., double; int for b). */
int rlx_bus_append_fixed(struct rlx_bus_msg *m, char type, const void *v);
/* An "ay" array of n bytes. */
int rlx_bus_append_bytes(struct rlx_bus_msg *m, const uint8_t *p, size_t n);
/* Sends m, which it frees, and waits for the reply; with path, the reply's first argument
 * (an object path) is returned there. 0, or -1 with e filled (free it). A failed append
 * before makes the call fail without sending. */
int rlx_bus_call(struct rlx_bus_msg *m, char **path, struct rlx_bus_error *e);
/* Frees m without sending it. */
void rlx_bus_discard(struct rlx_bus_msg *m);
/* org.freedesktop.DBus.Properties.Get of a string property. */
int rlx_bus_get_string(struct rlx_bus *b, const char *path, const char *iface, const char *prop, char **out,
                       struct rlx_bus_error *e);
bool rlx_bus_error_is(const struct rlx_bus_error *e, const char *name);
void rlx_bus_error_free(struct rlx_bus_error *e);

#endif
