/* GVariant text format, the subset a systemd unit property takes (see gvariant.h). The
 * grammar followed is GLib's (gvariant-text): type keywords (uint64 5), type annotations
 * (@as []), untyped integers as int32 and untyped reals as double, quoted strings with
 * backslash escapes, arrays whose elements share one type. */
#include "gvariant.h"
#include "util.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *word; char type; } keywords[] = {
    {"boolean", 'b'}, {"byte", 'y'}, {"int16", 'n'}, {"uint16", 'q'}, {"int32", 'i'}, {"uint32", 'u'},
    {"int64", 'x'}, {"uint64", 't'}, {"double", 'd'}, {"string", 's'},
};

static bool basic(char t)
{
    return t != '\0' && strchr("bynqiuxtds", t) != NULL;
}

static int fail(rlx_error_t *err, const char *what, const char *at)
{
    return rlx_error(err, 0, "%s at '%.20s'", what, at);
}

static const char *skip_ws(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

static int parse_value(const char **pp, const char *hint, struct rlx_gv *out, rlx_error_t *err);

static int parse_number(const char **pp, char type, struct rlx_gv *out, rlx_error_t *err)
{
    const char *p = *pp, *q = p;
    char *end;
    bool real;
    while (isalnum((unsigned char)*q) || *q == '.' || *q == '+' || *q == '-')
        q++;
    real = type == 'd' ||
           (type == '\0' && strncmp(p + (*p == '-'), "0x", 2) != 0 && strpbrk(p, ".eE") && strpbrk(p, ".eE") < q);
    if (type == 'b' || type == 's')
        return fail(err, "expected a boolean or string, not a number", p);
    errno = 0;
    if (real) {
        out->type = 'd';
        out->v.d = strtod(p, &end);
    } else {
        static const char types[] = "ynqiuxt";
        static const long long lo[] = {0, INT16_MIN, 0, INT32_MIN, 0, INT64_MIN, 0};
        static const unsigned long long hi[] = {UINT8_MAX, INT16_MAX, UINT16_MAX, INT32_MAX, UINT32_MAX, INT64_MAX,
                                                UINT64_MAX};
        size_t k;
        out->type = type ? type : 'i';
        k = (size_t)(strchr(types, out->type) - types);
        if (strchr("yqut", out->type)) {
            if (*p == '-')
                return fail(err, "a negative number for an unsigned type", p);
            out->v.u = strtoull(p, &end, 0);
            if (errno == 0 && out->v.u > hi[k])
                errno = ERANGE;
        } else {
            out->v.i = strtoll(p, &end, 0);
            if (errno == 0 && (out->v.i < lo[k] || (out->v.i > 0 && (unsigned long long)out->v.i > hi[k])))
                errno = ERANGE;
        }
    }
    if (end != q || end == p)
        return fail(err, "not a number", p);
    if (errno == ERANGE)
        return fail(err, type ? "number out of range for its type" : "number out of range for int32 (give a type: uint64 N)",
                    p);
    *pp = q;
    return 0;
}

static int parse_string(const char **pp, char type, struct rlx_gv *out, rlx_error_t *err)
{
    const char *p = *pp;
    char quote = *p++, *s;
    size_t n = 0;
    if (type && type != 's')
        return fail(err, "expected a number or boolean, not a string", *pp);
    s = xmalloc(strlen(p) + 1);
    for (; *p && *p != quote; p++) {
        if (*p == '\\' && p[1]) {
            static const char from[] = "ntrbfv", to[] = "\n\t\r\b\f\v";
            const char *e = strchr(from, *++p);
            s[n++] = e ? to[e - from] : *p;
        } else {
            s[n++] = *p;
        }
    }
    s[n] = '\0';
    if (*p != quote) {
        free(s);
        return fail(err, "unterminated string", *pp);
    }
    out->type = 's';
    out->v.s = s;
    *pp = p + 1;
    return 0;
}

static int parse_array(const char **pp, char elem, struct rlx_gv *out, rlx_error_t *err)
{
    const char *p = skip_ws(*pp + 1);
    char hint[2] = {elem, '\0'};
    out->type = 'a';
    out->elem = elem;
    while (*p != ']') {
        struct rlx_gv item = {0};
        if (out->n > 0) {
            if (*p != ',')
                return fail(err, "expected ',' or ']'", p);
            p = skip_ws(p + 1);
        }
        if (parse_value(&p, hint, &item, err) < 0) {
            rlx_gv_free(&item);
            return -1;
        }
        out->items = xrealloc(out->items, (out->n + 1) * sizeof(*out->items));
        out->items[out->n++] = item;
        if (!basic(item.type))
            return fail(err, "arrays of arrays are not supported", *pp);
        if (hint[0] == '\0')
            hint[0] = out->elem = item.type;
        else if (item.type != hint[0])
            return fail(err, "array elements of different types", *pp);
        p = skip_ws(p);
    }
    if (out->elem == '\0')
        return fail(err, "an empty array needs its type (@as [])", *pp);
    *pp = p + 1;
    return 0;
}

/* hint: the type the context expects ("" for none, "t", "as"). */
static int parse_value(const char **pp, const char *hint, struct rlx_gv *out, rlx_error_t *err)
{
    const char *p = skip_ws(*pp);
    memset(out, 0, sizeof(*out));
    if (*p == '@') {
        char type[3] = {0};
        size_t len = strcspn(p + 1, " \t\n[");
        if (len == 0 || len > 2 || (len == 1 && !basic(p[1])) || (len == 2 && (p[1] != 'a' || !basic(p[2]))))
            return fail(err, "unsupported type annotation", p);
        if (*hint && strncmp(hint, p + 1, len) != 0)
            return fail(err, "type annotation contradicts the expected type", p);
        memcpy(type, p + 1, len);
        *pp = p + 1 + len;
        return parse_value(pp, type, out, err);
    }
    if (isalpha((unsigned char)*p)) {
        size_t len = 0;
        while (isalnum((unsigned char)p[len]))
            len++;
        if ((len == 4 && strncmp(p, "true", 4) == 0) || (len == 5 && strncmp(p, "false", 5) == 0)) {
            if (*hint && *hint != 'b')
                return fail(err, "expected a number or string, not a boolean", p);
            out->type = 'b';
            out->v.b = len == 4;
            *pp = p + len;
            return 0;
        }
        for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
            if (strlen(keywords[i].word) == len && strncmp(p, keywords[i].word, len) == 0) {
                char type[2] = {keywords[i].type, '\0'};
                if (*hint && (hint[0] != type[0] || hint[1]))
                    return fail(err, "type keyword contradicts the expected type", p);
                *pp = p + len;
                if (!isspace((unsigned char)**pp))
                    return fail(err, "expected a value after the type keyword", *pp);
                return parse_value(pp, type, out, err);
            }
        }
        return fail(err, "unsupported value (only booleans, numbers, strings and arrays of them)", p);
    }
    *pp = p;
    if (*p == '[') {
        if (*hint && *hint != 'a')
            return fail(err, "expected a single value, not an array", p);
        return parse_array(pp, *hint ? hint[1] : '\0', out, err);
    }
    if (*hint == 'a')
        return fail(err, "expected an array", p);
    if (*p == '\'' || *p == '"')
        return parse_string(pp, *hint, out, err);
    if (isdigit((unsigned char)*p) || *p == '-' || *p == '+' || *p == '.')
        return parse_number(pp, *hint, out, err);
    return fail(err, *p ? "unsupported value (only booleans, numbers, strings and arrays of them)" : "expected a value",
                p);
}

int rlx_gv_parse(const char *text, struct rlx_gv *out, rlx_error_t *err)
{
    const char *p = text;
    if (parse_value(&p, "", out, err) < 0) {
        rlx_gv_free(out);
        return -1;
    }
    p = skip_ws(p);
    if (*p) {
        rlx_gv_free(out);
        return fail(err, "unexpected text after the value", p);
    }
    return 0;
}

void rlx_gv_free(struct rlx_gv *v)
{
    if (v->type == 's')
        free(v->v.s);
    for (size_t i = 0; i < v->n; i++)
        rlx_gv_free(&v->items[i]);
    free(v->items);
    memset(v, 0, sizeof(*v));
}

const char *rlx_gv_signature(const struct rlx_gv *v, char buf[3])
{
    buf[0] = v->type;
    buf[1] = v->type == 'a' ? v->elem : '\0';
    buf[2] = '\0';
    return buf;
}

bool rlx_gv_number(const struct rlx_gv *v, double *out)
{
    switch (v->type) {
    case 'y': case 'q': case 'u': case 't':
        *out = (double)v->v.u;
        return true;
    case 'n': case 'i': case 'x':
        *out = (double)v->v.i;
        return true;
    case 'd':
        *out = v->v.d;
        return true;
    default:
        return false;
    }
}
