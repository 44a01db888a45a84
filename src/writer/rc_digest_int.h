/* rc_digest_int.h — the episode content digest (content_sha256, docs/FORMAT.md "Content digest"),
 * shared by the shard writer, which computes it while writing, and the shard reader, which
 * recomputes it from decoded data.  One definition, so the two can only agree or both be wrong. */
#ifndef RC_DIGEST_H
#define RC_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "writer/rc_writer.h"

/* One dataset's part in the digest.  data_sha256 = SHA-256 of its decoded bytes (row-major,
 * little-endian elements, no chunk padding). */
typedef struct rc_ds_digest {
    char *rel_path;        /* relative to the episode group, e.g. "state/data"; owned */
    const char *dtype;     /* rc_elem_name(): "float32", "bfloat16", ... (static) */
    int rank;              /* 1..RC_SHARD_MAX_RANK */
    uint64_t dims[RC_SHARD_MAX_RANK];
    uint8_t data_sha256[32];
} rc_ds_digest;

/* Sorts items[n] by rel_path (byte order) and writes the episode digest as 64 hex chars. */
void rc_digest_episode(rc_ds_digest *items, size_t n, char hex[65]);

#endif
