/* D-Bus calls to systemd through sd-bus or libdbus-1, whichever loads (dbus.h). */
#include "dbus.h"
#include "util.h"
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PRIVATE "unix:path=/run/systemd/private"
/* Longer than runc's wait for a job; a call itself returns at once. */
#define CALL_TIMEOUT_MS 30000

/* ---- sd-bus -------------------------------------------------------------------------- */

#ifdef HAVE_SYSTEMD_SD_BUS_H
#include <systemd/sd-bus.h>
#else
/* The calls runlxc makes, as libsystemd.so.0 exports them (sd-bus is stable ABI since 221). */
typedef struct sd_bus sd_bus;
typedef struct sd_bus_message sd_bus_message;
typedef struct {
    const char *name;
    const char *message;
    int _need_free;
} sd_bus_error;
#define SD_BUS_ERROR_NULL {NULL, NULL, 0}
int sd_bus_new(sd_bus **ret);
int sd_bus_set_address(sd_bus *bus, const char *address);
int sd_bus_start(sd_bus *bus);
int sd_bus_open_system(sd_bus **ret);
sd_bus *sd_bus_flush_close_unref(sd_bus *bus);
int sd_bus_message_new_method_call(sd_bus *bus, sd_bus_message **m, const char *destination, const char *path,
                                   const char *interface, const char *member);
int sd_bus_message_open_container(sd_bus_message *m, char type, const char *contents);
int sd_bus_message_close_container(sd_bus_message *m);
int sd_bus_message_append_basic(sd_bus_message *m, char type, const void *p);
int sd_bus_message_append_array(sd_bus_message *m, char type, const void *ptr, size_t size);
int sd_bus_call(sd_bus *bus, sd_bus_message *m, uint64_t usec, sd_bus_error *ret_error, sd_bus_message **reply);
int sd_bus_message_read(sd_bus_message *m, const char *types, ...);
sd_bus_message *sd_bus_message_unref(sd_bus_message *m);
void sd_bus_error_free(sd_bus_error *e);
int sd_bus_get_property_string(sd_bus *bus, const char *destination, const char *path, const char *interface,
                               const char *member, sd_bus_error *ret_error, char **ret);
#endif

#define SD_FUNCS(X)                                                                                                   \
    X(sd_bus_new) X(sd_bus_set_address) X(sd_bus_start) X(sd_bus_open_system) X(sd_bus_flush_close_unref)             \
    X(sd_bus_message_new_method_call) X(sd_bus_message_open_container) X(sd_bus_message_close_container)              \
    X(sd_bus_message_append_basic) X(sd_bus_message_append_array) X(sd_bus_call) X(sd_bus_message_read)              \
    X(sd_bus_message_unref) X(sd_bus_error_free) X(sd_bus_get_property_string)

/* ---- libdbus-1 ----------------------------------------------------------------------- */

/* libdbus-1.so.3's ABI (stable since 1.0): the two structs callers allocate are given room to
 * spare; libdbus writes only its own fields. */
typedef struct DBusConnection DBusConnection;
typedef struct DBusMessage DBusMessage;
typedef uint32_t dbus_bool_t;
typedef struct {
    const char *name;
    const char *message;
    unsigned int dummy_bits;
    void *padding1;
    void *spare[4];
} DBusError;
typedef struct {
    void *opaque[32];
} DBusMessageIter;
enum { DBUS_BUS_SYSTEM = 1 };
#define DBUS_TYPE_INVALID 0
#define DBUS_TYPE_STRUCT 'r'

dbus_bool_t dbus_error_is_set(const DBusError *e);
void dbus_error_init(DBusError *e);
void dbus_error_free(DBusError *e);
DBusConnection *dbus_connection_open_private(const char *address, DBusError *e);
DBusConnection *dbus_bus_get_private(int type, DBusError *e);
void dbus_connection_set_exit_on_disconnect(DBusConnection *c, dbus_bool_t exit);
void dbus_connection_close(DBusConnection *c);
void dbus_connection_unref(DBusConnection *c);
DBusMessage *dbus_message_new_method_call(const char *dest, const char *path, const char *iface, const char *method);
void dbus_message_unref(DBusMessage *m);
void dbus_message_iter_init_append(DBusMessage *m, DBusMessageIter *it);
dbus_bool_t dbus_message_iter_append_basic(DBusMessageIter *it, int type, const void *value);
dbus_bool_t dbus_message_iter_append_fixed_array(DBusMessageIter *it, int type, const void *value, int n);
dbus_bool_t dbus_message_iter_open_container(DBusMessageIter *it, int type, const char *sig, DBusMessageIter *sub);
dbus_bool_t dbus_message_iter_close_container(DBusMessageIter *it, DBusMessageIter *sub);
DBusMessage *dbus_connection_send_with_reply_and_block(DBusConnection *c, DBusMessage *m, int ms, DBusError *e);
dbus_bool_t dbus_message_iter_init(DBusMessage *m, DBusMessageIter *it);
int dbus_message_iter_get_arg_type(DBusMessageIter *it);
void dbus_message_iter_recurse(DBusMessageIter *it, DBusMessageIter *sub);
void dbus_message_iter_get_basic(DBusMessageIter *it, void *value);

#define DBUS_FUNCS(X)                                                                                                 \
    X(dbus_error_is_set) X(dbus_error_init) X(dbus_error_free) X(dbus_connection_open_private)                        \
    X(dbus_bus_get_private) X(dbus_connection_set_exit_on_disconnect) X(dbus_connection_close)                        \
    X(dbus_connection_unref) X(dbus_message_new_method_call) X(dbus_message_unref) X(dbus_message_iter_init_append)   \
    X(dbus_message_iter_append_basic) X(dbus_message_iter_append_fixed_array) X(dbus_message_iter_open_container)     \
    X(dbus_message_iter_close_container) X(dbus_connection_send_with_reply_and_block) X(dbus_message_iter_init)       \
    X(dbus_message_iter_get_arg_type) X(dbus_message_iter_recurse) X(dbus_message_iter_get_basic)

/* ---- loading ------------------------------------------------------------------------- */

/* Filled once per process by load(): the library's functions are constant after that. */
static struct {
#define FIELD(n) __typeof__(n) *n;
    SD_FUNCS(FIELD) DBUS_FUNCS(FIELD)
} api;
static void *sd_lib, *dbus_lib;

/* dlopens soname and fills every function of the list; NULL with why set on failure. */
#define LOAD_ALL(handle, soname, FUNCS, why)                                                                          \
    do {                                                                                                              \
        void *h_ = dlopen(soname, RTLD_NOW | RTLD_LOCAL);                                                             \
        why = NULL;                                                                                                   \
        if (h_ == NULL) {                                                                                             \
            why = xasprintf("cannot load %s (%s)", soname, dlerror());                                                \
            break;                                                                                                    \
        }                                                                                                             \
        FUNCS(LOAD_ONE)                                                                                               \
        if (why == NULL)                                                                                              \
            handle = h_;                                                                                              \
        else                                                                                                          \
            dlclose(h_);                                                                                              \
    } while (0)
#define LOAD_ONE(n)                                                                                                   \
    if (why == NULL && (api.n = (__typeof__(api.n))dlsym(h_, #n)) == NULL)                                            \
        why = xasprintf("%s has no %s", soname_of(#n), #n);

static const char *soname_of(const char *fn)
{
    return strncmp(fn, "sd_", 3) == 0 ? "libsystemd.so.0" : "libdbus-1.so.3";
}

static char *load_sd(void)
{
    char *why = NULL;
    if (sd_lib == NULL)
        LOAD_ALL(sd_lib, "libsystemd.so.0", SD_FUNCS, why);
    return why;
}

static char *load_dbus(void)
{
    char *why = NULL;
    if (dbus_lib == NULL)
        LOAD_ALL(dbus_lib, "libdbus-1.so.3", DBUS_FUNCS, why);
    return why;
}

/* ---- the two backends ---------------------------------------------------------------- */

struct rlx_bus {
    bool sd;                    /* sd-bus, else libdbus-1 */
    sd_bus *sd_bus;
    DBusConnection *dbus;
};

#define MAX_DEPTH 8
struct rlx_bus_msg {
    struct rlx_bus *b;
    bool failed;                /* an append failed: the call is not sent */
    sd_bus_message *sd_msg;
    DBusMessage *dbus_msg;
    DBusMessageIter it[MAX_DEPTH + 1];
    int depth;
};

static void set_error(struct rlx_bus_error *e, const char *name, const char *message)
{
    e->name = name ? xstrdup(name) : NULL;
    e->message = xstrdup(message ? message : "unknown error");
}

bool rlx_bus_loadable(void)
{
    cleanup_free char *sd_why = load_sd();
    cleanup_free char *dbus_why = sd_why ? load_dbus() : NULL;
    return sd_why == NULL || dbus_why == NULL;
}

static struct rlx_bus *open_sd(rlx_error_t *err)
{
    struct rlx_bus *b = xcalloc(1, sizeof(*b));
    int r;
    b->sd = true;
    r = api.sd_bus_new(&b->sd_bus);
    if (r >= 0)
        r = api.sd_bus_set_address(b->sd_bus, SD_PRIVATE);
    if (r >= 0)
        r = api.sd_bus_start(b->sd_bus);
    if (r < 0) {
        if (b->sd_bus)
            api.sd_bus_flush_close_unref(b->sd_bus);
        b->sd_bus = NULL;
        r = api.sd_bus_open_system(&b->sd_bus);
    }
    if (r < 0) {
        rlx_error(err, -r, "--systemd-cgroup: cannot connect to systemd over D-Bus (sd-bus)");
        rlx_bus_close(b);
        return NULL;
    }
    return b;
}

static struct rlx_bus *open_dbus(rlx_error_t *err)
{
    struct rlx_bus *b = xcalloc(1, sizeof(*b));
    DBusError e;
    api.dbus_error_init(&e);
    b->dbus = api.dbus_connection_open_private(SD_PRIVATE, &e);
    if (b->dbus == NULL) {
        api.dbus_error_free(&e);
        api.dbus_error_init(&e);
        b->dbus = api.dbus_bus_get_private(DBUS_BUS_SYSTEM, &e);
    }
    if (b->dbus == NULL) {
        rlx_error(err, 0, "--systemd-cgroup: cannot connect to systemd over D-Bus (libdbus-1): %s",
                  e.message ? e.message : "unknown error");
        api.dbus_error_free(&e);
        free(b);
        return NULL;
    }
    /* libdbus would _exit the process when systemd closes the connection. */
    api.dbus_connection_set_exit_on_disconnect(b->dbus, 0);
    return b;
}

struct rlx_bus *rlx_bus_open(rlx_error_t *err)
{
    const char *want = getenv("RUNLXC_DBUS");
    cleanup_free char *sd_why = NULL, *dbus_why = NULL;
    if (want && *want && strcmp(want, "sd-bus") != 0 && strcmp(want, "libdbus") != 0) {
        rlx_error(err, 0, "RUNLXC_DBUS: '%s' is neither sd-bus nor libdbus", want);
        return NULL;
    }
    if (!want || !*want || strcmp(want, "sd-bus") == 0) {
        sd_why = load_sd();
        if (sd_why == NULL)
            return open_sd(err);
        if (want && *want) {
            rlx_error(err, 0, "--systemd-cgroup: %s", sd_why);
            return NULL;
        }
    }
    dbus_why = load_dbus();
    if (dbus_why == NULL)
        return open_dbus(err);
    if (sd_why)
        rlx_error(err, 0, "--systemd-cgroup: no D-Bus library: %s (sd-bus is public from systemd 221), and %s", sd_why,
                  dbus_why);
    else
        rlx_error(err, 0, "--systemd-cgroup: %s", dbus_why);
    return NULL;
}

void rlx_bus_close(struct rlx_bus *b)
{
    if (b == NULL)
        return;
    if (b->sd_bus)
        api.sd_bus_flush_close_unref(b->sd_bus);
    if (b->dbus) {
        api.dbus_connection_close(b->dbus);
        api.dbus_connection_unref(b->dbus);
    }
    free(b);
}

const char *rlx_bus_library(const struct rlx_bus *b)
{
    return b->sd ? "sd-bus" : "libdbus-1";
}

struct rlx_bus_msg *rlx_bus_method(struct rlx_bus *b, const char *path, const char *iface, const char *member)
{
    struct rlx_bus_msg *m = xcalloc(1, sizeof(*m));
    m->b = b;
    if (b->sd) {
        if (api.sd_bus_message_new_method_call(b->sd_bus, &m->sd_msg, SD_DEST, path, iface, member) < 0)
            m->failed = true;
    } else {
        m->dbus_msg = api.dbus_message_new_method_call(SD_DEST, path, iface, member);
        if (m->dbus_msg == NULL)
            m->failed = true;
        else
            api.dbus_message_iter_init_append(m->dbus_msg, &m->it[0]);
    }
    return m;
}

int rlx_bus_open_container(struct rlx_bus_msg *m, char type, const char *contents)
{
    if (m->failed)
        return -1;
    if (m->b->sd)
        m->failed = api.sd_bus_message_open_container(m->sd_msg, type, contents) < 0;
    else if (m->depth == MAX_DEPTH)
        m->failed = true;
    else {
        /* libdbus names a struct's container without a signature. */
        m->failed = !api.dbus_message_iter_open_container(&m->it[m->depth], type,
                                                          type == DBUS_TYPE_STRUCT ? NULL : contents,
                                                          &m->it[m->depth + 1]);
        if (!m->failed)
            m->depth++;
    }
    return m->failed ? -1 : 0;
}

int rlx_bus_close_container(struct rlx_bus_msg *m)
{
    if (m->failed)
        return -1;
    if (m->b->sd)
        m->failed = api.sd_bus_message_close_container(m->sd_msg) < 0;
    else if (m->depth == 0)
        m->failed = true;
    else {
        m->failed = !api.dbus_message_iter_close_container(&m->it[m->depth - 1], &m->it[m->depth]);
        m->depth--;
    }
    return m->failed ? -1 : 0;
}

/* sd-bus takes a string itself and every other basic by address; libdbus takes all by
 * address (a string as char **). */
static int append_basic(struct rlx_bus_msg *m, char type, const void *sd_value, const void *dbus_value)
{
    if (m->failed)
        return -1;
    if (m->b->sd)
        m->failed = api.sd_bus_message_append_basic(m->sd_msg, type, sd_value) < 0;
    else
        m->failed = !api.dbus_message_iter_append_basic(&m->it[m->depth], type, dbus_value);
    return m->failed ? -1 : 0;
}

int rlx_bus_append_fixed(struct rlx_bus_msg *m, char type, const void *v)
{
    return append_basic(m, type, v, v);
}

int rlx_bus_append_s(struct rlx_bus_msg *m, const char *v)
{
    return append_basic(m, 's', v, &v);
}

int rlx_bus_append_b(struct rlx_bus_msg *m, bool v)
{
    int sd_v = v;
    dbus_bool_t dbus_v = v;
    return append_basic(m, 'b', &sd_v, &dbus_v);
}

int rlx_bus_append_t(struct rlx_bus_msg *m, uint64_t v)
{
    return append_basic(m, 't', &v, &v);
}

int rlx_bus_append_u(struct rlx_bus_msg *m, uint32_t v)
{
    return append_basic(m, 'u', &v, &v);
}

int rlx_bus_append_bytes(struct rlx_bus_msg *m, const uint8_t *p, size_t n)
{
    /* sd-bus makes the array itself; libdbus fills one opened around the bytes. */
    if (m->b->sd) {
        if (!m->failed)
            m->failed = api.sd_bus_message_append_array(m->sd_msg, 'y', p, n) < 0;
        return m->failed ? -1 : 0;
    }
    if (rlx_bus_open_container(m, 'a', "y") < 0)
        return -1;
    m->failed = !api.dbus_message_iter_append_fixed_array(&m->it[m->depth], 'y', &p, (int)n);
    return m->failed ? -1 : rlx_bus_close_container(m);
}

void rlx_bus_discard(struct rlx_bus_msg *m)
{
    if (m->sd_msg)
        api.sd_bus_message_unref(m->sd_msg);
    if (m->dbus_msg)
        api.dbus_message_unref(m->dbus_msg);
    free(m);
}

static int call_sd(struct rlx_bus_msg *m, char **path, struct rlx_bus_error *e)
{
    sd_bus_error se = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    const char *p = NULL;
    int r = api.sd_bus_call(m->b->sd_bus, m->sd_msg, 0, &se, &reply);
    if (r >= 0 && path && (r = api.sd_bus_message_read(reply, "o", &p)) >= 0)
        *path = xstrdup(p);
    if (r < 0)
        set_error(e, se.name, se.message ? se.message : strerror(-r));
    api.sd_bus_error_free(&se);
    if (reply)
        api.sd_bus_message_unref(reply);
    return r < 0 ? -1 : 0;
}

/* The reply's first argument, a string or object path, or inside a variant (a property). */
static const char *dbus_first_string(DBusMessage *reply)
{
    DBusMessageIter it, sub;
    const char *s = NULL;
    if (!api.dbus_message_iter_init(reply, &it))
        return NULL;
    if (api.dbus_message_iter_get_arg_type(&it) == 'v') {
        api.dbus_message_iter_recurse(&it, &sub);
        it = sub;
    }
    if (api.dbus_message_iter_get_arg_type(&it) != 's' && api.dbus_message_iter_get_arg_type(&it) != 'o')
        return NULL;
    api.dbus_message_iter_get_basic(&it, &s);
    return s;
}

static int call_dbus(struct rlx_bus_msg *m, char **path, struct rlx_bus_error *e)
{
    DBusError de;
    DBusMessage *reply;
    int r = 0;
    api.dbus_error_init(&de);
    reply = api.dbus_connection_send_with_reply_and_block(m->b->dbus, m->dbus_msg, CALL_TIMEOUT_MS, &de);
    if (reply == NULL) {
        set_error(e, de.name, de.message);
        r = -1;
    } else if (path) {
        const char *p = dbus_first_string(reply);
        if (p)
            *path = xstrdup(p);
        else {
            set_error(e, NULL, "the reply holds no object path");
            r = -1;
        }
    }
    api.dbus_error_free(&de);
    if (reply)
        api.dbus_message_unref(reply);
    return r;
}

int rlx_bus_call(struct rlx_bus_msg *m, char **path, struct rlx_bus_error *e)
{
    int r;
    if (m->failed || (!m->b->sd && m->depth != 0)) {
        set_error(e, NULL, "cannot build the D-Bus message");
        r = -1;
    } else {
        r = m->b->sd ? call_sd(m, path, e) : call_dbus(m, path, e);
    }
    rlx_bus_discard(m);
    return r;
}

int rlx_bus_get_string(struct rlx_bus *b, const char *path, const char *iface, const char *prop, char **out,
                       struct rlx_bus_error *e)
{
    struct rlx_bus_msg *m;
    if (b->sd) {
        sd_bus_error se = SD_BUS_ERROR_NULL;
        int r = api.sd_bus_get_property_string(b->sd_bus, SD_DEST, path, iface, prop, &se, out);
        if (r < 0)
            set_error(e, se.name, se.message ? se.message : strerror(-r));
        api.sd_bus_error_free(&se);
        return r < 0 ? -1 : 0;
    }
    m = rlx_bus_method(b, path, "org.freedesktop.DBus.Properties", "Get");
    rlx_bus_append_s(m, iface);
    rlx_bus_append_s(m, prop);
    /* the variant's string comes back the way an object path does */
    return rlx_bus_call(m, out, e);
}

bool rlx_bus_error_is(const struct rlx_bus_error *e, const char *name)
{
    return e->name && strcmp(e->name, name) == 0;
}

void rlx_bus_error_free(struct rlx_bus_error *e)
{
    free(e->name);
    free(e->message);
    e->name = e->message = NULL;
}
