/* rc_digest.c — content_sha256 of an episode (docs/FORMAT.md "Content digest"): SHA-256 over
 * one record per dataset, in byte order of the dataset's path relative to the episode:
 *   rel_path, 0x00, dtype name, 0x00, rank as uint64 LE, each dim as uint64 LE,
 *   SHA-256 of the dataset's decoded bytes (32 bytes).
 * Sorting makes the digest a function of the file alone (HDF5 keeps no creation order here), so
 * anyone can recompute it with h5py; hashing each dataset first keeps the writer streaming. */
#include "config.h"
#include "writer/rc_digest_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"

static int by_rel_path(const void *a, const void *b)
{
    return strcmp(((const rc_ds_digest *)a)->rel_path, ((const rc_ds_digest *)b)->rel_path);
}

static void put_u64le(rc_sha256 *c, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
    rc_sha256_update(c, b, 8);
}

void rc_digest_episode(rc_ds_digest *items, size_t n, char hex[65])
{
    rc_sha256 c;
    uint8_t d[32];
    qsort(items, n, sizeof *items, by_rel_path);
    rc_sha256_init(&c);
    for (size_t i = 0; i < n; i++) {
        rc_sha256_update(&c, items[i].rel_path, strlen(items[i].rel_path) + 1);
        rc_sha256_update(&c, items[i].dtype, strlen(items[i].dtype) + 1);
        put_u64le(&c, (uint64_t)items[i].rank);
        for (int k = 0; k < items[i].rank; k++) put_u64le(&c, items[i].dims[k]);
        rc_sha256_update(&c, items[i].data_sha256, 32);
    }
    rc_sha256_final(&c, d);
    rc_sha256_hex(d, hex);
}
