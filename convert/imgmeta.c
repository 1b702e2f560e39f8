#include <string.h>

#include "imgmeta.h"
#include "util.h"

const char *imgmeta_arch(const char **variant)
{
    *variant = NULL;
#if defined(__x86_64__)
    return "amd64";
#elif defined(__i386__)
    return "386";
#elif defined(__aarch64__)
    *variant = "v8";
    return "arm64";
#elif defined(__arm__)
#if defined(__ARM_ARCH) && __ARM_ARCH >= 7
    *variant = "v7";
#elif defined(__ARM_ARCH) && __ARM_ARCH == 6
    *variant = "v6";
#else
    *variant = "v5";
#endif
    return "arm";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return "ppc64le";
#elif defined(__powerpc64__)
    return "ppc64";
#elif defined(__s390x__)
    return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
    return "riscv64";
#elif defined(__loongarch64)
    return "loong64";
#elif defined(__mips64) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return "mips64le";
#elif defined(__mips64)
    return "mips64";
#elif defined(__mips__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return "mipsle";
#elif defined(__mips__)
    return "mips";
#else
#error "unknown architecture: add its GOARCH name to imgmeta_arch"
#endif
}

const char *imgmeta_json(struct json_object *obj)
{
    return json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* A deep copy through text: json_object_deep_copy needs json-c 0.13, CentOS 7 has 0.11. */
static struct json_object *copy_json(struct json_object *o)
{
    return o ? json_tokener_parse(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN)) : NULL;
}

char *imgmeta_config(struct json_object *cfg, const char *diff_id, const char *created)
{
    struct json_object *root = json_object_new_object(), *rootfs = json_object_new_object();
    struct json_object *ids = json_object_new_array(), *hist = json_object_new_array();
    struct json_object *h = json_object_new_object(), *c = copy_json(cfg);
    const char *variant, *arch = imgmeta_arch(&variant);
    char *out;

    json_object_object_add(root, "created", json_object_new_string(created));
    json_object_object_add(root, "architecture", json_object_new_string(arch));
    if (variant)
        json_object_object_add(root, "variant", json_object_new_string(variant));
    json_object_object_add(root, "os", json_object_new_string("linux"));
    json_object_object_add(root, "config", c ? c : json_object_new_object());
    json_object_array_add(ids, json_object_new_string(diff_id));
    json_object_object_add(rootfs, "type", json_object_new_string("layers"));
    json_object_object_add(rootfs, "diff_ids", ids);
    json_object_object_add(root, "rootfs", rootfs);
    json_object_object_add(h, "created", json_object_new_string(created));
    json_object_object_add(h, "created_by", json_object_new_string("runlxc convert"));
    json_object_array_add(hist, h);
    json_object_object_add(root, "history", hist);
    out = xstrdup(imgmeta_json(root));
    json_object_put(root);
    return out;
}

struct json_object *imgmeta_descriptor(const char *media_type, const char *digest, unsigned long long size)
{
    struct json_object *d = json_object_new_object();
    json_object_object_add(d, "mediaType", json_object_new_string(media_type));
    json_object_object_add(d, "digest", json_object_new_string(digest));
    json_object_object_add(d, "size", json_object_new_int64((int64_t)size));
    return d;
}

char *imgmeta_manifest(const char *config_digest, size_t config_size, const char *layer_digest,
                       unsigned long long layer_size)
{
    struct json_object *m = json_object_new_object(), *layers = json_object_new_array();
    char *out;

    json_object_object_add(m, "schemaVersion", json_object_new_int(2));
    json_object_object_add(m, "mediaType", json_object_new_string(MT_MANIFEST));
    json_object_object_add(m, "config", imgmeta_descriptor(MT_CONFIG, config_digest, config_size));
    json_object_array_add(layers, imgmeta_descriptor(MT_LAYER_GZIP, layer_digest, layer_size));
    json_object_object_add(m, "layers", layers);
    out = xstrdup(imgmeta_json(m));
    json_object_put(m);
    return out;
}
