/* The JSON documents of a one-layer image: config, OCI manifest, and the platform naming
 * (Go's GOARCH spelling, which every engine matches against). */
#ifndef RUNLXC_CONVERT_IMGMETA_H
#define RUNLXC_CONVERT_IMGMETA_H
#include <stddef.h>
#include <json-c/json.h>

#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define REF_NAME_ANNOTATION "org.opencontainers.image.ref.name"

/* "amd64", "arm64", "arm", ...; *variant is "v7" etc. or NULL. Taken from the build, not
 * uname: a 32-bit userland on a 64-bit kernel is a 32-bit image. */
const char *imgmeta_arch(const char **variant);

/* The image config: architecture, os, config (a copy of cfg, or {} when NULL), rootfs
 * diff_ids, history, created. Returns a new string. */
char *imgmeta_config(struct json_object *cfg, const char *diff_id, const char *created);

/* A descriptor {mediaType, digest, size}. */
struct json_object *imgmeta_descriptor(const char *media_type, const char *digest, unsigned long long size);

/* The OCI manifest referencing the config blob and one gzip layer. Returns a new string. */
char *imgmeta_manifest(const char *config_digest, size_t config_size, const char *layer_digest,
                       unsigned long long layer_size);

/* Serialized compactly (the bytes that are hashed). The returned string is owned by obj. */
const char *imgmeta_json(struct json_object *obj);

#endif
