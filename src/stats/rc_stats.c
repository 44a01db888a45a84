/* rc_stats.c — per-column statistics (rc_stats.h).  Sums are kept as wide fixed-point integers,
 * the values as a histogram (rc_quantile_sketch_int.h) or a sorted multiset of order keys; every
 * reported figure is a function of that integer state alone, so it does not depend on how values
 * were split or ordered.
 *
 * Order key of a float32 with bits b: b | 2^31 when the sign is clear, ~b when it is set.
 * Unsigned order of keys is the numeric order of the values (-0 just below +0, NaNs beyond
 * the infinities). */
#include "config.h"
#include "stats/rc_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"

const double rc_stats_quantiles[RC_STATS_NQ] = {0.01, 0.10, 0.50, 0.90, 0.99};
const char *const rc_stats_quantile_names[RC_STATS_NQ] = {"q01", "q10", "q50", "q90", "q99"};

#define SUM_SCALE 149 /* x * 2^149 is an integer for every float32 x */
#define WIDE 12       /* limbs of the products in the variance */

static uint32_t key_of_bits(uint32_t b) { return (b & 0x80000000u) ? ~b : b | 0x80000000u; }
static uint32_t bits_of_key(uint32_t k) { return (k & 0x80000000u) ? k & 0x7fffffffu : ~k; }

static float float_of_key(uint32_t k)
{
    uint32_t b = bits_of_key(k);
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

/* ---- wide integers: little-endian uint64 limbs, two's complement where signed ---- */

/* limbs += m << shift (or -= when negative); the result wraps modulo 2^(64 n). */
static void wide_add_shifted(uint64_t *limbs, int n, uint64_t m, unsigned shift, int negative)
{
    int idx = (int)(shift / 64);
    unsigned off = shift % 64;
    uint64_t part[2] = {m << off, off ? m >> (64 - off) : 0};
    if (!negative) {
        unsigned carry = 0;
        for (int i = idx; i < n && (i < idx + 2 || carry); i++) {
            uint64_t add = i < idx + 2 ? part[i - idx] : 0;
            uint64_t v = limbs[i] + add;
            unsigned c1 = v < add;
            uint64_t w = v + carry;
            carry = c1 | (w < v);
            limbs[i] = w;
        }
    } else {
        unsigned borrow = 0;
        for (int i = idx; i < n && (i < idx + 2 || borrow); i++) {
            uint64_t sub = i < idx + 2 ? part[i - idx] : 0;
            uint64_t v = limbs[i] - sub;
            unsigned b1 = limbs[i] < sub;
            uint64_t w = v - borrow;
            borrow = b1 | (v < borrow);
            limbs[i] = w;
        }
    }
}

static void wide_add(uint64_t *a, const uint64_t *b, int n)
{
    unsigned carry = 0;
    for (int i = 0; i < n; i++) {
        uint64_t v = a[i] + b[i];
        unsigned c1 = v < b[i];
        uint64_t w = v + carry;
        carry = c1 | (w < v);
        a[i] = w;
    }
}

static void wide_sub(uint64_t *a, const uint64_t *b, int n)
{
    unsigned borrow = 0;
    for (int i = 0; i < n; i++) {
        uint64_t v = a[i] - b[i];
        unsigned b1 = a[i] < b[i];
        uint64_t w = v - borrow;
        borrow = b1 | (v < borrow);
        a[i] = w;
    }
}

/* out[WIDE] = a[na] * b[nb] (unsigned; na + nb <= WIDE). */
static void wide_mul(uint64_t *out, const uint64_t *a, int na, const uint64_t *b, int nb)
{
    memset(out, 0, WIDE * sizeof *out);
    for (int i = 0; i < na; i++) {
        unsigned __int128 carry = 0;
        for (int j = 0; j < nb; j++) {
            unsigned __int128 p = (unsigned __int128)a[i] * b[j] + out[i + j] + carry;
            out[i + j] = (uint64_t)p;
            carry = p >> 64;
        }
        for (int k = i + nb; carry && k < WIDE; k++) {
            unsigned __int128 p = (unsigned __int128)out[k] + carry;
            out[k] = (uint64_t)p;
            carry = p >> 64;
        }
    }
}

/* The unsigned integer a[n] times 2^exp2, rounded once to the nearest double (ties to even). */
static double wide_to_double(const uint64_t *a, int n, int exp2)
{
    int top = n - 1;
    while (top >= 0 && a[top] == 0) top--;
    if (top < 0) return 0.0;
    int p = top * 64 + 63 - __builtin_clzll(a[top]); /* index of the highest set bit */
    if (p < 64) return ldexp((double)a[0], exp2); /* uint64 -> double rounds to nearest, ties to even */
    /* t = bits p..p-63; sticky = any bit below p-63 */
    int lo = p - 63, li = lo / 64, lb = lo % 64;
    uint64_t t = a[li] >> lb;
    if (lb) t |= a[li + 1] << (64 - lb);
    int sticky = lb ? (a[li] & ((1ull << lb) - 1)) != 0 : 0;
    for (int i = 0; i < li && !sticky; i++) sticky = a[i] != 0;
    uint64_t mant = t >> 11, rem = t & 0x7ff;
    if (rem > 0x400 || (rem == 0x400 && (sticky || (mant & 1)))) mant++;
    return ldexp((double)mant, lo + 11 + exp2);
}

/* ---- accumulation ---- */

/* sum, sumsq = c's sums with the per-shift accumulators folded in (they may be c's own). */
static void fold_sums(const rc_stats_col *c, uint64_t *sum, uint64_t *sumsq)
{
    if (sum != c->sum) memcpy(sum, c->sum, sizeof c->sum);
    if (sumsq != c->sumsq) memcpy(sumsq, c->sumsq, sizeof c->sumsq);
    for (unsigned s = 0; c->acc_n && s < RC_STATS_SHIFTS; s++) {
        int64_t a = c->acc_sum[s];
        unsigned __int128 q = c->acc_sq[s];
        if (a) wide_add_shifted(sum, RC_STATS_SUM_LIMBS, a < 0 ? -(uint64_t)a : (uint64_t)a, s, a < 0);
        if (q) {
            wide_add_shifted(sumsq, RC_STATS_SQ_LIMBS, (uint64_t)q, 2 * s, 0);
            wide_add_shifted(sumsq, RC_STATS_SQ_LIMBS, (uint64_t)(q >> 64), 2 * s + 64, 0);
        }
    }
}

/* Folds the accumulators into c's sums and empties them. */
static void flush_sums(rc_stats_col *c)
{
    fold_sums(c, c->sum, c->sumsq);
    memset(c->acc_sum, 0, sizeof c->acc_sum);
    memset(c->acc_sq, 0, sizeof c->acc_sq);
    c->acc_n = 0;
}

int rc_stats_init(rc_stats *s, int32_t D, rc_quantiles q)
{
    memset(s, 0, sizeof *s);
    s->D = D;
    s->quantiles = q;
    if (D == 0) return 0;
    s->col = rc_calloc((size_t)D, sizeof *s->col);
    return s->col ? 0 : -1;
}

void rc_stats_free(rc_stats *s)
{
    for (int32_t j = 0; s->col && j < s->D; j++) {
        rc_free(s->col[j].runs);
        rc_free(s->col[j].pending);
        rc_qsketch_free(&s->col[j].sketch);
    }
    rc_free(s->col);
    memset(s, 0, sizeof *s);
}

static int grow_runs(rc_stats_run **v, size_t *cap, size_t want)
{
    if (want <= *cap) return 0;
    size_t c = *cap ? *cap : 256;
    while (c < want) c *= 2;
    rc_stats_run *p = rc_realloc(*v, c * sizeof *p);
    if (!p) return -1;
    *v = p;
    *cap = c;
    return 0;
}

static int cmp_run(const void *a, const void *b)
{
    uint32_t x = ((const rc_stats_run *)a)->key, y = ((const rc_stats_run *)b)->key;
    return (x > y) - (x < y);
}

/* Sorts the pending values of c into its runs. */
static int compact_col(rc_stats_col *c)
{
    if (c->n_pending == 0) return 0;
    qsort(c->pending, c->n_pending, sizeof *c->pending, cmp_run);
    size_t m = 0; /* combine equal keys in place */
    for (size_t i = 0; i < c->n_pending; i++) {
        if (m && c->pending[m - 1].key == c->pending[i].key)
            c->pending[m - 1].count += c->pending[i].count;
        else
            c->pending[m++] = c->pending[i];
    }
    rc_stats_run *out = rc_malloc((c->n_runs + m) * sizeof *out);
    if (!out) return -1;
    size_t i = 0, k = 0, n = 0;
    while (i < c->n_runs || k < m) {
        if (k == m || (i < c->n_runs && c->runs[i].key < c->pending[k].key)) out[n++] = c->runs[i++];
        else if (i == c->n_runs || c->pending[k].key < c->runs[i].key) out[n++] = c->pending[k++];
        else {
            out[n] = c->runs[i++];
            out[n++].count += c->pending[k++].count;
        }
    }
    rc_free(c->runs);
    c->runs = out;
    c->n_runs = n;
    c->cap_runs = c->n_runs + m;
    c->n_pending = 0;
    return 0;
}

/* Queues one run; sorts the queue in when it has grown as large as the runs (amortized). */
static int push_pending(rc_stats_col *c, uint32_t key, uint64_t count)
{
    if (c->n_pending == c->cap_pending && grow_runs(&c->pending, &c->cap_pending, c->n_pending + 1) < 0)
        return -1;
    c->pending[c->n_pending].key = key;
    c->pending[c->n_pending++].count = count;
    if (c->n_pending >= 65536 && c->n_pending >= c->n_runs) return compact_col(c);
    return 0;
}

/* Sketch mode: the exact min and max by order key, and the histogram. */
static int sketch_value(rc_stats_col *c, uint32_t b)
{
    uint32_t k = key_of_bits(b);
    if (c->count == 1 || k < c->min_key) c->min_key = k;
    if (c->count == 1 || k > c->max_key) c->max_key = k;
    return rc_qsketch_add(&c->sketch, b);
}

/* Adds the value with bits b to c's sums (or counts it as not finite). */
static inline void add_sums(rc_stats_col *c, uint32_t b)
{
    uint32_t e = (b >> 23) & 0xff, frac = b & 0x7fffff;
    if (e == 0xff) {
        c->nonfinite++;
        return;
    }
    uint64_t m = e ? frac | 0x800000u : frac;
    unsigned shift = e ? e - 1 : 0; /* x * 2^149 = m << shift */
    c->acc_sum[shift] += (b >> 31) ? -(int64_t)m : (int64_t)m;
    c->acc_sq[shift] += m * m;
    if (++c->acc_n >= 1ull << 32) flush_sums(c);
}

static int add_value(rc_stats_col *c, float x, rc_quantiles q)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    c->count++;
    add_sums(c, b);
    return q == RC_QUANTILES_SKETCH ? sketch_value(c, b) : push_pending(c, key_of_bits(b), 1);
}

/* The sketch's loop over one column (x[k * stride], rows with valid[k] == 0 left out): the
 * same as add_value per value, with the count and the extremes kept in registers. */
static int add_sketch_column(rc_stats_col *c, const float *x, int64_t T, int32_t stride, const uint8_t *valid)
{
    int64_t count = c->count;
    uint32_t lo = count ? c->min_key : UINT32_MAX, hi = count ? c->max_key : 0;
    int bad = 0;
    for (int64_t k = 0; k < T && !bad; k++) {
        if (valid && !valid[k]) continue;
        uint32_t b;
        memcpy(&b, &x[k * stride], sizeof b);
        uint32_t key = key_of_bits(b);
        lo = key < lo ? key : lo;
        hi = key > hi ? key : hi;
        count++;
        add_sums(c, b);
        bad = rc_qsketch_add(&c->sketch, b) < 0;
    }
    c->count = count; /* after a failure (out of memory) the state is only fit to be freed */
    if (count) c->min_key = lo, c->max_key = hi;
    return bad ? -1 : 0;
}

int rc_stats_add_f32(rc_stats *s, const float *rows, int64_t T, const uint8_t *valid)
{
    /* column by column: one column's histogram blocks stay in cache */
    for (int32_t j = 0; j < s->D; j++) {
        if (s->quantiles == RC_QUANTILES_SKETCH) {
            if (add_sketch_column(&s->col[j], rows + j, T, s->D, valid) < 0) return -1;
            continue;
        }
        for (int64_t k = 0; k < T; k++)
            if ((!valid || valid[k]) && add_value(&s->col[j], rows[k * s->D + j], RC_QUANTILES_EXACT) < 0) return -1;
    }
    return 0;
}

float rc_half_to_f32(uint16_t h, int bfloat16)
{
    uint32_t b;
    if (bfloat16) {
        b = (uint32_t)h << 16;
    } else {
        uint32_t sign = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 0x1f, f = h & 0x3ff;
        if (e == 0x1f) b = sign | 0x7f800000u | (f << 13);
        else if (e) b = sign | ((e + 112) << 23) | (f << 13);
        else if (!f) b = sign;
        else { /* subnormal half: f * 2^-24, normal as float32 */
            int sh = 0;
            while (!(f & 0x400)) { f <<= 1; sh++; }
            b = sign | ((uint32_t)(113 - sh) << 23) | ((f & 0x3ff) << 13);
        }
    }
    float x;
    memcpy(&x, &b, sizeof x);
    return x;
}

int rc_stats_add_half(rc_stats *s, const uint16_t *rows, int64_t T, const uint8_t *valid, int bfloat16)
{
    for (int64_t k = 0; k < T; k++) {
        if (valid && !valid[k]) continue;
        for (int32_t j = 0; j < s->D; j++)
            if (add_value(&s->col[j], rc_half_to_f32(rows[k * s->D + j], bfloat16), s->quantiles) < 0) return -1;
    }
    return 0;
}

int rc_stats_merge(rc_stats *a, const rc_stats *b)
{
    if (a->D == 0 && b->D > 0 && rc_stats_init(a, b->D, b->quantiles) < 0) return -1;
    if (b->D > 0 && a->quantiles != b->quantiles) return -1;
    for (int32_t j = 0; j < a->D && j < b->D; j++) {
        rc_stats_col *x = &a->col[j];
        const rc_stats_col *y = &b->col[j];
        if (a->quantiles == RC_QUANTILES_SKETCH && y->count) {
            if (!x->count || y->min_key < x->min_key) x->min_key = y->min_key;
            if (!x->count || y->max_key > x->max_key) x->max_key = y->max_key;
            if (rc_qsketch_merge(&x->sketch, &y->sketch) < 0) return -1;
        }
        x->count += y->count;
        x->nonfinite += y->nonfinite;
        uint64_t sum[RC_STATS_SUM_LIMBS], sumsq[RC_STATS_SQ_LIMBS];
        fold_sums(y, sum, sumsq);
        wide_add(x->sum, sum, RC_STATS_SUM_LIMBS);
        wide_add(x->sumsq, sumsq, RC_STATS_SQ_LIMBS);
        for (size_t i = 0; i < y->n_runs; i++)
            if (push_pending(x, y->runs[i].key, y->runs[i].count) < 0) return -1;
        for (size_t i = 0; i < y->n_pending; i++)
            if (push_pending(x, y->pending[i].key, y->pending[i].count) < 0) return -1;
    }
    return 0;
}

int rc_stats_compact(rc_stats *s)
{
    for (int32_t j = 0; j < s->D; j++)
        if (compact_col(&s->col[j]) < 0) return -1;
    return 0;
}

int rc_stats_copy(rc_stats *dst, const rc_stats *src)
{
    if (rc_stats_init(dst, src->D, src->quantiles) < 0 || rc_stats_merge(dst, src) < 0 || rc_stats_compact(dst) < 0) {
        rc_stats_free(dst);
        return -1;
    }
    return 0;
}

/* ---- figures ---- */

/* Sketch mode: the values of ranks rank[n] (0-based, any order) in the sorted values,
 * approximated in one pass over the buckets (docs/FORMAT.md "Quantile sketch"): the exact min and
 * max at ranks 0 and count-1, else the midpoint of the range of the bucket holding the rank, cut
 * to [min, max]. */
static void sketch_values(const rc_stats_col *c, const uint64_t *rank, int n, double *out)
{
    uint32_t sorted_key[2 * RC_STATS_NQ], key[2 * RC_STATS_NQ];
    uint64_t sorted[2 * RC_STATS_NQ];
    int order[2 * RC_STATS_NQ];
    for (int i = 0; i < n; i++) { /* insertion sort of the (few) ranks */
        int k = i;
        for (; k > 0 && rank[order[k - 1]] > rank[i]; k--) order[k] = order[k - 1];
        order[k] = i;
    }
    for (int i = 0; i < n; i++) sorted[i] = rank[order[i]];
    uint64_t found = rc_qsketch_rank_keys(&c->sketch, sorted, n, sorted_key);
    for (int i = 0; i < n; i++) key[order[i]] = sorted_key[i];
    double mn = float_of_key(c->min_key), mx = float_of_key(c->max_key);
    for (int i = 0; i < n; i++) {
        if (rank[i] == 0 || rank[i] >= found) { /* (beyond the count: cannot happen) */
            out[i] = rank[i] == 0 ? mn : NAN;
            continue;
        }
        if (rank[i] + 1 == (uint64_t)c->count) {
            out[i] = mx;
            continue;
        }
        uint32_t lo_bits, hi_bits;
        rc_qsketch_bucket_range(key[i], &lo_bits, &hi_bits);
        float lo_f, hi_f;
        memcpy(&lo_f, &lo_bits, sizeof lo_f);
        memcpy(&hi_f, &hi_bits, sizeof hi_f);
        double lo = lo_f, hi = hi_f;
        if (lo < mn) lo = mn;
        if (hi > mx) hi = mx;
        out[i] = lo == hi ? lo : lo / 2 + hi / 2; /* float32 halves are exact in double */
    }
}

/* The value of rank r (0-based) in the sorted multiset. */
static double value_at(const rc_stats_col *c, uint64_t r)
{
    for (size_t i = 0; i < c->n_runs; i++) {
        if (r < c->runs[i].count) return float_of_key(c->runs[i].key);
        r -= c->runs[i].count;
    }
    return NAN;
}

/* numpy's default ("linear") quantiles at rc_stats_quantiles[], with the same float64 steps as
 * numpy 1.24's _lerp. */
static void quantiles(const rc_stats_col *c, rc_quantiles mode, double *q)
{
    uint64_t n = (uint64_t)c->count, rank[2 * RC_STATS_NQ];
    double g[RC_STATS_NQ], v[2 * RC_STATS_NQ];
    for (int k = 0; k < RC_STATS_NQ; k++) {
        double h = (double)(n - 1) * rc_stats_quantiles[k];
        double fl = floor(h);
        rank[2 * k] = (uint64_t)fl;
        rank[2 * k + 1] = rank[2 * k] + 1 < n ? rank[2 * k] + 1 : n - 1;
        g[k] = h - fl;
    }
    if (mode == RC_QUANTILES_SKETCH) sketch_values(c, rank, 2 * RC_STATS_NQ, v);
    else
        for (int i = 0; i < 2 * RC_STATS_NQ; i++) v[i] = value_at(c, rank[i]);
    for (int k = 0; k < RC_STATS_NQ; k++) {
        double a = v[2 * k], b = v[2 * k + 1], d = b - a;
        q[k] = g[k] >= 0.5 ? b - d * (1 - g[k]) : a + d * g[k];
    }
}

void rc_stats_summarize(const rc_stats *s, int32_t j, rc_stats_summary *out)
{
    const rc_stats_col *c = &s->col[j];
    memset(out, 0, sizeof *out);
    out->count = c->count;
    out->mean = out->std = out->min = out->max = NAN;
    for (int q = 0; q < RC_STATS_NQ; q++) out->q[q] = NAN;
    if (c->count == 0) return;
    int sketch = s->quantiles == RC_QUANTILES_SKETCH;
    out->min = float_of_key(sketch ? c->min_key : c->runs[0].key);
    out->max = float_of_key(sketch ? c->max_key : c->runs[c->n_runs - 1].key);
    quantiles(c, s->quantiles, out->q);
    out->constant = sketch ? c->min_key == c->max_key : c->n_runs == 1;
    if (c->nonfinite) return;
    /* mean = S / n with S rounded once; variance = (n Q - S^2) / n^2, numerator exact. */
    uint64_t mag[RC_STATS_SUM_LIMBS], sumsq[RC_STATS_SQ_LIMBS];
    fold_sums(c, mag, sumsq);
    int neg = (mag[RC_STATS_SUM_LIMBS - 1] >> 63) != 0;
    if (neg) { /* two's complement negate */
        uint64_t zero[RC_STATS_SUM_LIMBS] = {0};
        wide_sub(zero, mag, RC_STATS_SUM_LIMBS);
        memcpy(mag, zero, sizeof mag);
    }
    double n = (double)c->count;
    double sum = wide_to_double(mag, RC_STATS_SUM_LIMBS, -SUM_SCALE);
    out->mean = (neg ? -sum : sum) / n;
    uint64_t nq[WIDE], s2[WIDE], cnt = (uint64_t)c->count;
    wide_mul(nq, sumsq, RC_STATS_SQ_LIMBS, &cnt, 1);
    wide_mul(s2, mag, RC_STATS_SUM_LIMBS, mag, RC_STATS_SUM_LIMBS);
    wide_sub(nq, s2, WIDE);
    out->std = sqrt(wide_to_double(nq, WIDE, -2 * SUM_SCALE) / (n * n));
    out->constant = out->std == 0.0;
}

static void write_column_array(rc_json *j, const char *key, const rc_stats_summary *sm, int32_t D, int field)
{
    rc_json_key(j, key);
    rc_json_array_begin(j);
    for (int32_t c = 0; c < D; c++) {
        const rc_stats_summary *x = &sm[c];
        switch (field) {
        case 0: rc_json_int(j, x->count); break;
        case 1: rc_json_double(j, x->mean); break;
        case 2: rc_json_double(j, x->std); break;
        case 3: rc_json_double(j, x->min); break;
        case 4: rc_json_double(j, x->max); break;
        case 5: rc_json_bool(j, x->constant); break;
        default: rc_json_double(j, x->q[field - 6]); break;
        }
    }
    rc_json_array_end(j);
}

void rc_stats_write_summaries(rc_json *j, const rc_stats_summary *sm, int32_t D)
{
    static const char *const names[] = {"count", "mean", "std", "min", "max"};
    for (int f = 0; f < 5; f++) write_column_array(j, names[f], sm, D, f);
    for (int q = 0; q < RC_STATS_NQ; q++) write_column_array(j, rc_stats_quantile_names[q], sm, D, 6 + q);
    write_column_array(j, "constant", sm, D, 5);
}

/* ---- serialized state ---- */

/* The quantile mode as stored: 0 for the exact multiset, else the sketch's mantissa bits. */
static uint64_t mode_code(rc_quantiles q) { return q == RC_QUANTILES_EXACT ? 0 : RC_QSKETCH_BITS; }

typedef struct run_io {
    FILE *f;
    uint64_t n; /* runs seen */
    int bad;
} run_io;

static int count_run(void *ctx, uint32_t key, uint64_t count)
{
    (void)key, (void)count;
    ((run_io *)ctx)->n++;
    return 0;
}

static int put_run(void *ctx, uint32_t key, uint64_t count)
{
    run_io *io = ctx;
    io->bad |= rc_le_put_u64(io->f, key) | rc_le_put_u64(io->f, count);
    return io->bad;
}

rc_status rc_stats_save(const rc_stats *s, FILE *f, rc_err *err)
{
    rc_status st = RC_OK;
    int bad = rc_le_put_u64(f, (uint64_t)s->D) | rc_le_put_u64(f, mode_code(s->quantiles));
    for (int32_t j = 0; j < s->D && !bad; j++) {
        const rc_stats_col *c = &s->col[j];
        RC_FAIL_IF(c->n_pending, err, RC_E_INTERNAL, "statistics saved before being compacted");
        bad |= rc_le_put_u64(f, (uint64_t)c->count) | rc_le_put_u64(f, (uint64_t)c->nonfinite);
        uint64_t sum[RC_STATS_SUM_LIMBS], sumsq[RC_STATS_SQ_LIMBS];
        fold_sums(c, sum, sumsq);
        for (int i = 0; i < RC_STATS_SUM_LIMBS; i++) bad |= rc_le_put_u64(f, sum[i]);
        for (int i = 0; i < RC_STATS_SQ_LIMBS; i++) bad |= rc_le_put_u64(f, sumsq[i]);
        if (s->quantiles == RC_QUANTILES_SKETCH) {
            run_io io = {f, 0, 0};
            rc_qsketch_each(&c->sketch, count_run, &io);
            bad |= rc_le_put_u64(f, c->min_key) | rc_le_put_u64(f, c->max_key) | rc_le_put_u64(f, io.n);
            if (!bad) rc_qsketch_each(&c->sketch, put_run, &io);
            bad |= io.bad;
            continue;
        }
        bad |= rc_le_put_u64(f, c->n_runs);
        for (size_t i = 0; i < c->n_runs && !bad; i++)
            bad |= rc_le_put_u64(f, c->runs[i].key) | rc_le_put_u64(f, c->runs[i].count);
    }
    RC_FAIL_IF(bad, err, RC_E_IO, "writing the statistics state failed");
done:
    return st;
}

/* Sketch mode: the exact min and max keys; checked against the buckets once those are read. */
static rc_status load_extremes(rc_stats_col *c, FILE *f, int32_t j, rc_err *err)
{
    rc_status st = RC_OK;
    uint64_t mn = 0, mx = 0;
    RC_FAIL_IF(rc_le_get_u64(f, &mn) < 0 || rc_le_get_u64(f, &mx) < 0, err, RC_E_IO,
               "column %d: expected the min and max keys, found the end of the file", (int)j);
    RC_FAIL_IF(mn > UINT32_MAX || mx > UINT32_MAX || (c->count && mn > mx) || (!c->count && (mn || mx)), err,
               RC_E_IO, "column %d: expected 32-bit min and max keys with min <= max (0 when empty)", (int)j);
    c->min_key = (uint32_t)mn;
    c->max_key = (uint32_t)mx;
done:
    return st;
}

rc_status rc_stats_load(rc_stats *s, FILE *f, rc_err *err)
{
    rc_status st = RC_OK;
    uint64_t D = 0, v = 0, code = 0;
    memset(s, 0, sizeof *s);
    RC_FAIL_IF(rc_le_get_u64(f, &D) < 0 || D > (1u << 20), err, RC_E_IO,
               "expected a column count (at most 2^20), found %s", D ? "a larger one" : "the end of the file");
    RC_FAIL_IF(rc_le_get_u64(f, &code) < 0 || (code != 0 && code != RC_QSKETCH_BITS), err, RC_E_IO,
               "expected the quantile mode 0 (exact) or %d (sketch bits), found %s", RC_QSKETCH_BITS,
               code ? "another" : "the end of the file");
    rc_quantiles mode = code ? RC_QUANTILES_SKETCH : RC_QUANTILES_EXACT;
    /* a column takes at least its header (count, nonfinite, S, Q, runs: 19 u64) in the file and
     * about 11 KB in memory: no more columns than the bytes left can hold */
    long here = ftell(f), end = -1;
    if (here >= 0 && fseek(f, 0, SEEK_END) == 0) end = ftell(f);
    RC_FAIL_IF(end < 0 || fseek(f, here, SEEK_SET) != 0, err, RC_E_IO, "the statistics state cannot be sized");
    RC_FAIL_IF(D * 19 * 8 > (uint64_t)(end - here), err, RC_E_IO,
               "expected %llu columns, found %ld bytes left (too few for them)", (unsigned long long)D, end - here);
    RC_FAIL_IF(rc_stats_init(s, (int32_t)D, mode) < 0, err, RC_E_NOMEM, "out of memory for statistics");
    for (int32_t j = 0; j < s->D; j++) {
        rc_stats_col *c = &s->col[j];
        int bad = rc_le_get_u64(f, &v);
        c->count = (int64_t)v;
        bad |= rc_le_get_u64(f, &v);
        c->nonfinite = (int64_t)v;
        for (int i = 0; i < RC_STATS_SUM_LIMBS; i++) bad |= rc_le_get_u64(f, &c->sum[i]);
        for (int i = 0; i < RC_STATS_SQ_LIMBS; i++) bad |= rc_le_get_u64(f, &c->sumsq[i]);
        RC_FAIL_IF(bad || c->count < 0 || c->nonfinite < 0 || c->nonfinite > c->count, err, RC_E_IO,
                   "column %d: expected a column header with 0 <= nonfinite <= count, found %s", (int)j,
                   bad ? "the end of the file" : "other counts");
        if (mode == RC_QUANTILES_SKETCH) RC_TRY(load_extremes(c, f, j, err));
        RC_FAIL_IF(rc_le_get_u64(f, &v) < 0 || v > (uint64_t)c->count, err, RC_E_IO,
                   "column %d: expected at most count runs, found %s", (int)j,
                   v > (uint64_t)c->count ? "more runs than values" : "the end of the file");
        if (mode == RC_QUANTILES_EXACT)
            RC_FAIL_IF(grow_runs(&c->runs, &c->cap_runs, v) < 0, err, RC_E_NOMEM, "out of memory for statistics");
        uint64_t total = 0, prev = 0, first = 0;
        for (uint64_t i = 0; i < v; i++) {
            uint64_t key = 0, cnt = 0;
            RC_FAIL_IF(rc_le_get_u64(f, &key) < 0 || rc_le_get_u64(f, &cnt) < 0, err, RC_E_IO,
                       "column %d: expected %llu runs, found the end of the file", (int)j, (unsigned long long)v);
            RC_FAIL_IF(key > UINT32_MAX || cnt == 0 || (i && key <= prev) || cnt > (uint64_t)c->count - total, err,
                       RC_E_IO, "column %d run %llu: expected increasing 32-bit keys with counts > 0 summing to count",
                       (int)j, (unsigned long long)i);
            total += cnt;
            prev = key;
            if (i == 0) first = key;
            if (mode == RC_QUANTILES_EXACT) {
                c->runs[i].key = (uint32_t)key;
                c->runs[i].count = cnt;
                continue;
            }
            RC_FAIL_IF(!rc_qsketch_is_bucket((uint32_t)key), err, RC_E_IO,
                       "column %d run %llu: expected a sketch bucket key, found 0x%08llx", (int)j,
                       (unsigned long long)i, (unsigned long long)key);
            RC_FAIL_IF(rc_qsketch_add_key(&c->sketch, (uint32_t)key, cnt) < 0, err, RC_E_NOMEM,
                       "out of memory for statistics");
        }
        c->n_runs = mode == RC_QUANTILES_EXACT ? v : 0;
        RC_FAIL_IF(total != (uint64_t)c->count, err, RC_E_IO,
                   "column %d: expected runs counting %lld values, found %llu", (int)j, (long long)c->count,
                   (unsigned long long)total);
        RC_FAIL_IF(mode == RC_QUANTILES_SKETCH && c->count &&
                       (rc_qsketch_bucket(bits_of_key(c->min_key)) != first ||
                        rc_qsketch_bucket(bits_of_key(c->max_key)) != prev),
                   err, RC_E_IO, "column %d: expected the min and max in the first and last buckets", (int)j);
    }
done:
    if (st != RC_OK) rc_stats_free(s);
    return st;
}
