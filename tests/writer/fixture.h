/* fixture.h — the datasets of the writer tests' fixture shard and the formula of their values,
 * which tests/writer/test_shard_read.py restates independently (same table, same formulas):
 * element i of a dataset with seed s holds
 *   uint8  (i*31 + s) % 251          uint16 (i*977 + s) % 65521      uint32 (i*2654435761 + s) mod 2^32
 *   int32  (i*7919 + s) % 200003 - 100000                           int64  (i*1000003 + s) * 1000 - 2^40
 *   float32 ((i*37 + s) % 1000) / 8 - 60                             float16 ((i*7 + s) % 2048 - 1024) / 16
 *   bfloat16: the top 16 bits of float32 ((i*13 + s) % 256 - 128) / 4
 * (all exact in their type).  Dims straddle the 1 MiB chunk boundary of docs/FORMAT.md. */
#ifndef RC_TEST_FIXTURE_H
#define RC_TEST_FIXTURE_H

#include <stdint.h>
#include <string.h>

#include "writer/rc_writer.h"

typedef struct fixture_ds {
    const char *episode;
    const char *rel_path;
    rc_elem elem;
    int rank;
    uint64_t dims[RC_SHARD_MAX_RANK];
    uint32_t seed;
} fixture_ds;

static const fixture_ds g_fixture[] = {
    {"ep-000000", "state/data", RC_ELEM_F32, 2, {4097, 64}, 1},      /* 4096 rows/chunk: 2 chunks */
    {"ep-000000", "state/t", RC_ELEM_I64, 1, {4097}, 2},
    {"ep-000000", "state/valid", RC_ELEM_U8, 1, {4097}, 3},
    {"ep-000000", "camera/data", RC_ELEM_U8, 4, {3, 16, 16, 3}, 4},
    {"ep-000000", "half/data", RC_ELEM_F16, 2, {1000, 3}, 5},
    {"ep-000000", "brain/data", RC_ELEM_BF16, 2, {777, 5}, 6},
    {"ep-000000", "count/data", RC_ELEM_U32, 3, {5, 2, 2}, 7},
    {"ep-000000", "index/data", RC_ELEM_I32, 1, {1}, 8},           /* one row */
    {"ep-000000", "wide/data", RC_ELEM_U16, 1, {10}, 9},
    {"ep-000001", "state/data", RC_ELEM_F32, 2, {1, 64}, 10},      /* one row */
    {"ep-000001", "big/data", RC_ELEM_U8, 2, {3, 600000}, 11},     /* 1 row/chunk */
    {"ep-000001", "exact/data", RC_ELEM_I32, 1, {262144}, 12},     /* exactly one full chunk */
    {"ep-000001", "over/data", RC_ELEM_I32, 1, {262145}, 13},      /* one full chunk + 1 row */
    {"ep-000001", "voxel/grid/data", RC_ELEM_F16, 4, {2, 4, 5, 6}, 14},
    {"ep-000001", "voxel/mean/data", RC_ELEM_F32, 5, {3, 4, 3, 2, 4}, 15},   /* rank 5 */
    {"ep-000001", "voxel/sparse/coords", RC_ELEM_I32, 2, {0, 3}, 16},      /* empty */
};
#define FIXTURE_N (sizeof g_fixture / sizeof g_fixture[0])
#define FIXTURE_LEVEL 5
#define FIXTURE_SPEC "version: 1\n# fixture spec \"quoted\"\ninput: {dir: raw}\n"

static uint64_t fixture_count(const fixture_ds *d)
{
    uint64_t n = 1;
    for (int k = 0; k < d->rank; k++) n *= d->dims[k];
    return n;
}

static uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* Fills out[count * elem size] with the dataset's values (formulas above). */
static void fixture_fill(const fixture_ds *d, void *out)
{
    uint64_t n = fixture_count(d), s = d->seed;
    for (uint64_t i = 0; i < n; i++) {
        switch (d->elem) {
        case RC_ELEM_U8: ((uint8_t *)out)[i] = (uint8_t)((i * 31 + s) % 251); break;
        case RC_ELEM_U16: ((uint16_t *)out)[i] = (uint16_t)((i * 977 + s) % 65521); break;
        case RC_ELEM_U32: ((uint32_t *)out)[i] = (uint32_t)(i * 2654435761u + s); break;
        case RC_ELEM_I32: ((int32_t *)out)[i] = (int32_t)((i * 7919 + s) % 200003) - 100000; break;
        case RC_ELEM_I64: ((int64_t *)out)[i] = (int64_t)(i * 1000003 + s) * 1000 - ((int64_t)1 << 40); break;
        case RC_ELEM_F32: ((float *)out)[i] = (float)((i * 37 + s) % 1000) / 8.0f - 60.0f; break;
        case RC_ELEM_F16: {
            /* v = k/16 with |k| <= 1024: build the half's bits from v's float32 bits. */
            float v = ((float)((i * 7 + s) % 2048) - 1024.0f) / 16.0f;
            uint32_t b = f32_bits(v);
            uint16_t h;
            if (v == 0.0f) {
                h = 0;
            } else {
                uint32_t e = ((b >> 23) & 0xff) - 127 + 15;
                h = (uint16_t)(((b >> 16) & 0x8000) | (e << 10) | ((b >> 13) & 0x3ff));
            }
            ((uint16_t *)out)[i] = h;
            break;
        }
        case RC_ELEM_BF16:
            ((uint16_t *)out)[i] = (uint16_t)(f32_bits(((float)((i * 13 + s) % 256) - 128.0f) / 4.0f) >> 16);
            break;
        }
    }
}

#endif
