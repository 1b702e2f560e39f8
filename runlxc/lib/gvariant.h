/* Values in GLib's GVariant text format, the form runc takes systemd unit properties in
 * (`org.systemd.property.NAME` annotations, parsed by godbus's ParseVariant): what a unit
 * property needs of it, i.e. a basic value (booleans, numbers with or without a type keyword,
 * strings) or an array of them. Dictionaries, tuples, maybes and variants are refused. */
#ifndef RUNLXC_GVARIANT_H
#define RUNLXC_GVARIANT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"

struct rlx_gv {
    char type;          /* D-Bus type: b y n q i u x t d s, or 'a' */
    char elem;          /* for 'a': the elements' type */
    union {
        bool b;
        int64_t i;      /* n i x */
        uint64_t u;     /* y q u t */
        double d;
        char *s;
    } v;
    struct rlx_gv *items;   /* for 'a' */
    size_t n;
};

/* Parses text; 0, or -1 with err naming what is wrong ("expected a value at 'x'"). */
int rlx_gv_parse(const char *text, struct rlx_gv *out, rlx_error_t *err);
void rlx_gv_free(struct rlx_gv *v);
/* The D-Bus signature ("t", "as"), written into buf. */
const char *rlx_gv_signature(const struct rlx_gv *v, char buf[3]);
/* A number's value as a double (false when v is not a number), for runc's Sec -> USec. */
bool rlx_gv_number(const struct rlx_gv *v, double *out);

#endif
