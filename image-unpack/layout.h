/* From a source to the list of layers to apply: index -> (nested indexes) -> manifest -> config,
 * or docker-archive's manifest.json. Every blob read here is digest-verified. */
#ifndef RUNLXC_UNPACK_LAYOUT_H
#define RUNLXC_UNPACK_LAYOUT_H
#include <json-c/json.h>

#include "blob.h"
#include "source.h"

enum compression { COMP_ANY, COMP_NONE, COMP_GZIP, COMP_ZSTD };

struct layer_desc {
    char *what;         /* "layer N/M sha256:..." for messages */
    char *digest;       /* compressed blob digest; NULL when the source has none (docker-archive) */
    char *media_type;   /* NULL for docker-archive */
    int64_t size;       /* -1 when unknown */
    char *diff_id;      /* digest of the uncompressed tar */
    enum compression comp;
    struct blobref blob;
};

struct image {
    char *desc;         /* human-readable "manifest sha256:..." */
    char *config_digest;
    json_object *config;
    struct layer_desc *layers;
    size_t nlayers;
};

struct platform {
    const char *os, *arch, *variant; /* variant NULL: any */
};

/* Parses "os/arch[/variant]". */
int platform_parse(const char *s, char **buf, struct platform *p, err_t *e);
int image_resolve(struct source *s, const struct platform *p, struct image *img, err_t *e);
void image_free(struct image *img);
/* Maps a layer media type to the compression it promises; -1 if not a layer type we know. */
int layer_media_compression(const char *mt, enum compression *c);

#endif
