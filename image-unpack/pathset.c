/* Open-addressing string set; FNV-1a hashing, linear probing, grows at 50% load. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pathset.h"
#include "util.h"

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

void pathset_init(struct pathset *s)
{
    s->slots = NULL;
    s->cap = s->n = 0;
}

void pathset_clear(struct pathset *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i]);
    free(s->slots);
    pathset_init(s);
}

static void insert_slot(char **slots, size_t cap, char *p)
{
    size_t i = hash(p) & (cap - 1);
    while (slots[i])
        i = (i + 1) & (cap - 1);
    slots[i] = p;
}

void pathset_add(struct pathset *s, const char *path)
{
    if (pathset_has(s, path))
        return;
    if ((s->n + 1) * 2 > s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 1024;
        char **ns = xcalloc(ncap, sizeof(*ns));
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i])
                insert_slot(ns, ncap, s->slots[i]);
        free(s->slots);
        s->slots = ns;
        s->cap = ncap;
    }
    insert_slot(s->slots, s->cap, xstrdup(path));
    s->n++;
}

int pathset_has(const struct pathset *s, const char *path)
{
    size_t i;
    if (!s->cap)
        return 0;
    i = hash(path) & (s->cap - 1);
    while (s->slots[i]) {
        if (!strcmp(s->slots[i], path))
            return 1;
        i = (i + 1) & (s->cap - 1);
    }
    return 0;
}
