/* Decompression and verification run in a thread of their own, one layer after another, and
 * hand the uncompressed tar stream to the applier through a bounded queue: layer N+1 is
 * decompressed while layer N is written, and memory stays bounded whatever the layer size. */
#ifndef RUNLXC_UNPACK_PIPELINE_H
#define RUNLXC_UNPACK_PIPELINE_H
#include <pthread.h>
#include <stdint.h>

#include "layout.h"

#define CHUNK_SIZE (256u << 10)
#define QUEUE_CHUNKS 32

enum chunk_kind { CHUNK_DATA, CHUNK_END };

struct chunk {
    struct chunk *next;
    enum chunk_kind kind;
    size_t len;
    int failed;          /* CHUNK_END: the layer failed verification or decompression */
    char *msg;           /* CHUNK_END: why */
    char data[];
};

struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t nonempty, nonfull;
    struct chunk *head, *tail;
    size_t n;
    struct chunk *spare;  /* recycled data chunks: no malloc/mmap/page faults per chunk */
    int cancel;
    pthread_t thread;
    int started;
    const struct image *img;
    uint64_t max_bytes;  /* total uncompressed bytes over all layers */
};

int pipeline_start(struct pipeline *p, const struct image *img, uint64_t max_bytes, err_t *e);
/* Blocks for the next chunk; the consumer hands it back with pipeline_recycle(). */
struct chunk *pipeline_pop(struct pipeline *p);
void pipeline_recycle(struct pipeline *p, struct chunk *c);
/* Stops the producer (if running) and waits for it; frees queued chunks. */
void pipeline_stop(struct pipeline *p);

#endif
