/* rc_voxmap.c — open-addressing hash map from dense voxel index to first-appearance slot. */
#include <stddef.h>

#include "common/rc_common.h"
#include "ops/rc_voxmap_int.h"

/* Fibonacci hashing: the top bits of key * 2^64/phi spread neighbouring voxels apart. */
static uint64_t voxmap_hash(int64_t key) { return ((uint64_t)key * 0x9E3779B97F4A7C15ull) >> 17; }

int rc_voxmap_init(rc_voxmap *m, int64_t max_entries)
{
    uint64_t cap = 16;
    while (cap < 2 * (uint64_t)(max_entries > 0 ? max_entries : 1)) cap <<= 1;
    m->e = rc_malloc(cap * sizeof *m->e);
    m->mask = cap - 1;
    if (!m->e) return -1;
    for (uint64_t i = 0; i < cap; i++) m->e[i].key = -1;
    return 0;
}

int64_t rc_voxmap_get(const rc_voxmap *m, int64_t key)
{
    for (uint64_t h = voxmap_hash(key) & m->mask;; h = (h + 1) & m->mask) {
        if (m->e[h].key == key) return m->e[h].slot;
        if (m->e[h].key < 0) return -1;
    }
}

void rc_voxmap_put(rc_voxmap *m, int64_t key, int64_t slot)
{
    uint64_t h = voxmap_hash(key) & m->mask;
    while (m->e[h].key >= 0) h = (h + 1) & m->mask;
    m->e[h].key = key;
    m->e[h].slot = slot;
}

void rc_voxmap_free(rc_voxmap *m)
{
    rc_free(m->e);
    m->e = NULL;
}
