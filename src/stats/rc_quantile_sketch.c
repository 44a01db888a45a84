/* rc_quantile_sketch.c — the float32 histogram of rc_quantile_sketch_int.h.  Counting is O(1): the
 * sign and the binade pick a table, the kept mantissa bits a block and the count in it (tables
 * allocated on first use, blocks taken on first use from chunks of RC_QSKETCH_CHUNK, so a binade
 * with few values costs one small block).
 *
 * Binade x of a finite nonzero magnitude: a normal with biased exponent e has x = e + 22 and
 * index m = its top RC_QSKETCH_BITS fraction bits; a subnormal whose leading one is bit p
 * (0..22) has x = p and m = the RC_QSKETCH_BITS bits below that one (zero-filled when fewer).
 * Larger x or m means a larger magnitude. */
#include "config.h"
#include "stats/rc_quantile_sketch_int.h"

#include <string.h>

#include "common/rc_common.h"

#define K RC_QSKETCH_BITS
#define SIGN 0x80000000u
#define QNAN 0x7fc00000u
#define NORMAL_DROP (23 - K) /* fraction bits a normal bucket leaves out */

static uint32_t order_key(uint32_t b) { return (b & SIGN) ? ~b : b | SIGN; }
static uint32_t order_bits(uint32_t k) { return (k & SIGN) ? k & ~SIGN : ~k; }

/* Binade and index of the finite nonzero magnitude a (bits without the sign). */
static void locate(uint32_t a, unsigned *x, unsigned *m)
{
    uint32_t e = a >> 23, f = a & 0x7fffffu;
    if (e) {
        *x = e + 22;
        *m = f >> NORMAL_DROP;
        return;
    }
    unsigned p = 31u - (unsigned)__builtin_clz(f), r = f ^ (1u << p);
    *x = p;
    *m = p >= K ? r >> (p - K) : r << (K - p);
}

/* The smallest magnitude (bits) of bucket (x, m) and how many low bits its members vary in. */
static uint32_t bucket_base(unsigned x, unsigned m, unsigned *drop)
{
    if (x >= 23) {
        *drop = NORMAL_DROP;
        return (uint32_t)(x - 22) << 23 | (uint32_t)m << NORMAL_DROP;
    }
    *drop = x > K ? x - K : 0;
    return 1u << x | (x >= K ? (uint32_t)m << (x - K) : (uint32_t)m >> (K - x));
}

uint32_t rc_qsketch_bucket(uint32_t b)
{
    uint32_t s = b & SIGN, a = b & ~SIGN;
    if (a > 0x7f800000u) return order_key(s | QNAN);
    if (a == 0 || a == 0x7f800000u) return order_key(b);
    unsigned x, m, drop;
    locate(a, &x, &m);
    return order_key(s | bucket_base(x, m, &drop));
}

int rc_qsketch_is_bucket(uint32_t key)
{
    return rc_qsketch_bucket(order_bits(key)) == key;
}

void rc_qsketch_bucket_range(uint32_t key, uint32_t *lo_bits, uint32_t *hi_bits)
{
    uint32_t b = order_bits(key), s = b & SIGN, a = b & ~SIGN;
    uint32_t span = 0;
    if (a != 0 && a < 0x7f800000u) {
        unsigned x, m, drop;
        locate(a, &x, &m);
        bucket_base(x, m, &drop);
        span = (1u << drop) - 1;
    }
    /* a negative bucket's numerically smallest member is its largest magnitude */
    *lo_bits = s ? b | span : b;
    *hi_bits = s ? b : b | span;
}

static uint64_t count_of(const rc_qsketch_block *blk, unsigned i)
{
    return blk->lo[i] | (blk->hi ? (uint64_t)blk->hi[i] << 32 : 0);
}

/* Count i of blk += n (the total stays below 2^64: at most 2^63 values). */
static int block_add(rc_qsketch_block *blk, unsigned i, uint64_t n)
{
    uint64_t v = count_of(blk, i) + n;
    if ((v >> 32) && !blk->hi && !(blk->hi = rc_calloc(RC_QSKETCH_BLOCK, sizeof *blk->hi))) return -1;
    blk->lo[i] = (uint32_t)v;
    if (blk->hi) blk->hi[i] = (uint32_t)(v >> 32);
    return 0;
}

/* The block of bucket (s, x, m), made (with its table) when missing; NULL out of memory. */
static rc_qsketch_block *block_at(rc_qsketch *sk, unsigned s, unsigned x, unsigned m)
{
    rc_qsketch_block **pg = sk->page[s][x];
    if (!pg) {
        if (!(pg = rc_calloc(RC_QSKETCH_BLOCKS, sizeof *pg))) return NULL;
        sk->page[s][x] = pg;
    }
    rc_qsketch_block *blk = pg[m / RC_QSKETCH_BLOCK];
    if (!blk) {
        if (!sk->chunks || sk->used == RC_QSKETCH_CHUNK) {
            rc_qsketch_chunk *c = rc_calloc(1, sizeof *c);
            if (!c) return NULL;
            c->next = sk->chunks;
            sk->chunks = c;
            sk->used = 0;
        }
        blk = &sk->chunks->blk[sk->used++];
        pg[m / RC_QSKETCH_BLOCK] = blk;
    }
    return blk;
}

int rc_qsketch_add_key(rc_qsketch *sk, uint32_t key, uint64_t count)
{
    uint32_t b = order_bits(key), a = b & ~SIGN;
    unsigned s = b >> 31;
    if (a == 0) sk->zero[s] += count;
    else if (a == 0x7f800000u) sk->inf[s] += count;
    else if (a > 0x7f800000u) sk->nan[s] += count;
    else {
        unsigned x, m;
        locate(a, &x, &m);
        rc_qsketch_block *blk = block_at(sk, s, x, m);
        return blk ? block_add(blk, m % RC_QSKETCH_BLOCK, count) : -1;
    }
    return 0;
}

int rc_qsketch_merge(rc_qsketch *a, const rc_qsketch *b)
{
    for (unsigned s = 0; s < 2; s++) {
        a->zero[s] += b->zero[s];
        a->inf[s] += b->inf[s];
        a->nan[s] += b->nan[s];
        for (unsigned x = 0; x < RC_QSKETCH_BINADES; x++) {
            rc_qsketch_block *const *from = b->page[s][x];
            for (unsigned k = 0; from && k < RC_QSKETCH_BLOCKS; k++) {
                if (!from[k]) continue;
                rc_qsketch_block *to = block_at(a, s, x, k * RC_QSKETCH_BLOCK);
                if (!to) return -1;
                if (!from[k]->hi && !to->hi) { /* the common case: 32-bit halves, no carry out */
                    uint64_t carry = 0;
                    for (unsigned i = 0; i < RC_QSKETCH_BLOCK; i++)
                        carry |= (uint64_t)to->lo[i] + from[k]->lo[i];
                    if (!(carry >> 32)) {
                        for (unsigned i = 0; i < RC_QSKETCH_BLOCK; i++) to->lo[i] += from[k]->lo[i];
                        continue;
                    }
                }
                for (unsigned i = 0; i < RC_QSKETCH_BLOCK; i++)
                    if (block_add(to, i, count_of(from[k], i)) < 0) return -1;
            }
        }
    }
    return 0;
}

void rc_qsketch_free(rc_qsketch *sk)
{
    for (unsigned s = 0; s < 2; s++)
        for (unsigned x = 0; x < RC_QSKETCH_BINADES; x++) {
            for (unsigned k = 0; sk->page[s][x] && k < RC_QSKETCH_BLOCKS; k++)
                if (sk->page[s][x][k]) rc_free(sk->page[s][x][k]->hi);
            rc_free(sk->page[s][x]);
        }
    while (sk->chunks) {
        rc_qsketch_chunk *next = sk->chunks->next;
        rc_free(sk->chunks);
        sk->chunks = next;
    }
    memset(sk, 0, sizeof *sk);
}

/* A walk over the non-empty buckets in increasing order of key: fn per bucket, until it returns
 * nonzero; when pass is set, a block whose counts sum to t with pass(ctx, t) nonzero is passed
 * over whole (pass counted it) without a call per bucket. */
typedef struct walk {
    int (*fn)(void *ctx, uint32_t key, uint64_t count);
    int (*pass)(void *ctx, uint64_t total);
    void *ctx;
} walk;

/* One binade's buckets, m descending for negatives (ascending keys). */
static int walk_page(rc_qsketch_block *const *pg, unsigned s, unsigned x, const walk *w)
{
    for (unsigned bi = 0; bi < RC_QSKETCH_BLOCKS; bi++) {
        unsigned k = s ? RC_QSKETCH_BLOCKS - 1 - bi : bi, drop;
        const rc_qsketch_block *blk = pg[k];
        if (!blk) continue;
        if (w->pass) {
            uint64_t t = 0;
            for (unsigned i = 0; i < RC_QSKETCH_BLOCK; i++) t += count_of(blk, i);
            if (w->pass(w->ctx, t)) continue;
        }
        for (unsigned j = 0; j < RC_QSKETCH_BLOCK; j++) {
            unsigned i = s ? RC_QSKETCH_BLOCK - 1 - j : j, m = k * RC_QSKETCH_BLOCK + i;
            uint64_t n = count_of(blk, i);
            if (!n) continue;
            int r = w->fn(w->ctx, order_key((uint32_t)s << 31 | bucket_base(x, m, &drop)), n);
            if (r) return r;
        }
    }
    return 0;
}

static int walk_all(const rc_qsketch *sk, const walk *w)
{
    int r = 0;
    /* negatives, most negative first: NaN, -inf, binades downwards, -0 */
    if (sk->nan[1] && (r = w->fn(w->ctx, order_key(SIGN | QNAN), sk->nan[1]))) return r;
    if (sk->inf[1] && (r = w->fn(w->ctx, order_key(SIGN | 0x7f800000u), sk->inf[1]))) return r;
    for (unsigned i = 0; i < RC_QSKETCH_BINADES; i++) {
        unsigned x = RC_QSKETCH_BINADES - 1 - i;
        if (sk->page[1][x] && (r = walk_page(sk->page[1][x], 1, x, w))) return r;
    }
    if (sk->zero[1] && (r = w->fn(w->ctx, order_key(SIGN), sk->zero[1]))) return r;
    if (sk->zero[0] && (r = w->fn(w->ctx, order_key(0), sk->zero[0]))) return r;
    for (unsigned x = 0; x < RC_QSKETCH_BINADES; x++)
        if (sk->page[0][x] && (r = walk_page(sk->page[0][x], 0, x, w))) return r;
    if (sk->inf[0] && (r = w->fn(w->ctx, order_key(0x7f800000u), sk->inf[0]))) return r;
    if (sk->nan[0] && (r = w->fn(w->ctx, order_key(QNAN), sk->nan[0]))) return r;
    return 0;
}

int rc_qsketch_each(const rc_qsketch *sk, int (*fn)(void *ctx, uint32_t key, uint64_t count), void *ctx)
{
    walk w = {fn, NULL, ctx};
    return walk_all(sk, &w);
}

typedef struct rank_walk {
    const uint64_t *rank; /* [n], increasing */
    int n, i;             /* ranks, ranks found */
    uint64_t seen;        /* values in the buckets passed */
    uint32_t *key;        /* [n] */
} rank_walk;

static int rank_bucket(void *ctx, uint32_t key, uint64_t count)
{
    rank_walk *w = ctx;
    while (w->i < w->n && w->rank[w->i] < w->seen + count) w->key[w->i++] = key;
    w->seen += count;
    return w->i == w->n;
}

/* A block that ends before the next rank is passed over. */
static int rank_pass(void *ctx, uint64_t total)
{
    rank_walk *w = ctx;
    if (w->seen + total > w->rank[w->i]) return 0;
    w->seen += total;
    return 1;
}

uint64_t rc_qsketch_rank_keys(const rc_qsketch *sk, const uint64_t *rank, int n, uint32_t *key)
{
    rank_walk rw = {rank, n, 0, 0, key};
    walk w = {rank_bucket, rank_pass, &rw};
    if (n > 0) walk_all(sk, &w);
    return rw.i == n ? UINT64_MAX : rw.seen;
}

size_t rc_qsketch_bytes(const rc_qsketch *sk)
{
    size_t n = sizeof *sk;
    for (unsigned s = 0; s < 2; s++)
        for (unsigned x = 0; x < RC_QSKETCH_BINADES; x++) {
            if (!sk->page[s][x]) continue;
            n += RC_QSKETCH_BLOCKS * sizeof(rc_qsketch_block *);
            for (unsigned k = 0; k < RC_QSKETCH_BLOCKS; k++) {
                const rc_qsketch_block *blk = sk->page[s][x][k];
                if (blk && blk->hi) n += RC_QSKETCH_BLOCK * sizeof *blk->hi;
            }
        }
    for (const rc_qsketch_chunk *c = sk->chunks; c; c = c->next) n += sizeof *c;
    return n;
}
