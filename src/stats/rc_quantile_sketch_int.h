/* rc_quantile_sketch_int.h — a bounded, deterministic, mergeable histogram of float32 values for the
 * quantiles of the statistics (docs/FORMAT.md "Quantile sketch").
 *
 * A value falls in the bucket named by its float32 bits with the mantissa cut to
 * RC_QSKETCH_BITS bits after the leading one (sign and exponent kept; subnormals cut the same
 * way after their own leading one, so those with at most RC_QSKETCH_BITS bits below it are
 * exact).  +0, -0, +inf, -inf each have their own bucket; NaNs have one per sign.  Every value
 * of a bucket lies within 2^-RC_QSKETCH_BITS (relative) of every other.  Counts are integers, so
 * merging is addition and does not depend on order or partition.  Memory: per (sign, binade)
 * that holds a value a table of 16 pointers, and per 64 neighbouring buckets that hold one a block
 * of 64 32-bit counts (their high halves in a second array, made when a count passes 2^32 - 1),
 * the blocks taken from chunks of RC_QSKETCH_CHUNK in the order they are first used; at most 554
 * tables and 8864 blocks plus the unused rest of one chunk (2.3 MiB; 4.5 MiB with every high
 * half), whatever the number of values.
 *
 * Buckets are named outside this file by the order key (rc_stats.c) of their smallest-magnitude
 * member (NaN: the quiet NaN 0x7fc00000 with the sign), so the sketch reads and writes as sorted
 * (key, count) runs, like the exact multiset. */
#ifndef RC_QUANTILE_SKETCH_H
#define RC_QUANTILE_SKETCH_H

#include <stddef.h>
#include <stdint.h>

#define RC_QSKETCH_BITS 10                            /* mantissa bits kept */
#define RC_QSKETCH_PAGE (1u << RC_QSKETCH_BITS)       /* buckets per binade */
#define RC_QSKETCH_BLOCK 64u                          /* counts per block */
#define RC_QSKETCH_BLOCKS (RC_QSKETCH_PAGE / RC_QSKETCH_BLOCK)
#define RC_QSKETCH_BINADES 277                        /* 23 subnormal + 254 normal */

/* 64 neighbouring counts: lo[i] + 2^32 hi[i] (hi NULL while every count is below 2^32). */
typedef struct rc_qsketch_block {
    uint32_t lo[RC_QSKETCH_BLOCK];
    uint32_t *hi;
} rc_qsketch_block;

/* Blocks are handed out RC_QSKETCH_CHUNK at a time, in the order they are first used. */
#define RC_QSKETCH_CHUNK 16u
typedef struct rc_qsketch_chunk {
    struct rc_qsketch_chunk *next;
    rc_qsketch_block blk[RC_QSKETCH_CHUNK];
} rc_qsketch_chunk;

typedef struct rc_qsketch {
    /* [sign][binade] -> [RC_QSKETCH_BLOCKS] blocks; NULL where nothing is */
    rc_qsketch_block **page[2][RC_QSKETCH_BINADES];
    uint64_t zero[2], inf[2], nan[2];      /* [sign] */
    rc_qsketch_chunk *chunks;              /* every block's chunk, the newest first */
    unsigned used;                         /* blocks handed out of the newest chunk */
} rc_qsketch;

/* The bucket name (order key) of the value with float32 bits b. */
uint32_t rc_qsketch_bucket(uint32_t b);
/* Adds count to the bucket named by order key `key`, which must be a bucket name
 * (rc_qsketch_is_bucket).  0, or -1 out of memory. */
int rc_qsketch_add_key(rc_qsketch *sk, uint32_t key, uint64_t count);
/* Counts the value with float32 bits b.  0, or -1 out of memory (nothing counted).  Inline: a
 * normal value whose block exists is one increment (unless its low half wraps: then
 * rc_qsketch_add_key carries). */
static inline int rc_qsketch_add(rc_qsketch *sk, uint32_t b)
{
    unsigned e = (b >> 23) & 0xffu, m = (b & 0x7fffffu) >> (23 - RC_QSKETCH_BITS);
    rc_qsketch_block **pg = e - 1u < 254u ? sk->page[b >> 31][e + 22] : NULL;
    rc_qsketch_block *blk = pg ? pg[m / RC_QSKETCH_BLOCK] : NULL;
    if (blk) {
        if (++blk->lo[m % RC_QSKETCH_BLOCK]) return 0;
        blk->lo[m % RC_QSKETCH_BLOCK]--; /* wrapped: undone, counted with the carry below */
    }
    return rc_qsketch_add_key(sk, rc_qsketch_bucket(b), 1);
}

/* a += b.  0, or -1 out of memory (a then holds part of b). */
int rc_qsketch_merge(rc_qsketch *a, const rc_qsketch *b);
void rc_qsketch_free(rc_qsketch *sk); /* accepts a zeroed sk; leaves it zeroed */

/* 1 when order key `key` names a bucket. */
int rc_qsketch_is_bucket(uint32_t key);
/* The float32 bits of the numerically smallest and largest members of bucket `key` (NaN buckets:
 * the canonical NaN twice). */
void rc_qsketch_bucket_range(uint32_t key, uint32_t *lo_bits, uint32_t *hi_bits);

/* Calls fn(ctx, key, count) for each non-empty bucket in increasing order of key (= of value),
 * until fn returns nonzero; returns that value, or 0. */
int rc_qsketch_each(const rc_qsketch *sk, int (*fn)(void *ctx, uint32_t key, uint64_t count), void *ctx);
/* key[i] = the bucket holding rank[i] (0-based, in the values sorted by key) for the n ranks
 * rank[], increasing; blocks before the next rank are summed, not walked bucket by bucket.
 * Returns UINT64_MAX, or the number of values when a rank is beyond it (key[] from there unset). */
uint64_t rc_qsketch_rank_keys(const rc_qsketch *sk, const uint64_t *rank, int n, uint32_t *key);
/* Bytes the sketch holds (the header, tables and blocks). */
size_t rc_qsketch_bytes(const rc_qsketch *sk);

#endif
