/* The two destination formats of rlx_image_write. Both take a canonical rootfs path and a
 * parsed destination, and leave nothing behind on failure. */
#ifndef RUNLXC_CONVERT_WRITERS_H
#define RUNLXC_CONVERT_WRITERS_H
#include "image.h"

int ocilayout_write(const char *root, const char *dir, const char *tag, struct json_object *cfg,
                    struct rlx_image_stats *st, rlx_error_t *err);
int dockerarchive_write(const char *root, const char *file, const char *repotag, struct json_object *cfg,
                        struct rlx_image_stats *st, rlx_error_t *err);

#endif
