/* test_sketch.c — the quantile sketch (rc_quantile_sketch_int.h) and the statistics built on it:
 * buckets (every float32 kind: normals, subnormals, +-0, +-inf, NaN) hold their values within
 * the stated width and sort like them; quantiles on adversarial columns stay within the bound of
 * docs/FORMAT.md of a sort-based numpy reference, min and max exact; any partition and merge
 * order saves the same bytes as one pass; memory does not grow with the rows; the saved state
 * round-trips and its malformed forms are refused. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/rc_quantile_sketch_int.h"
#include "stats/rc_stats.h"
#include "tap.h"

static uint64_t g_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_u64(void)
{
    g_state ^= g_state << 13;
    g_state ^= g_state >> 7;
    g_state ^= g_state << 17;
    return g_state;
}
static double uniform(void) { return (double)(next_u64() >> 11) * 0x1p-53; }

static float float_of(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static uint32_t bits_of(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

/* ---- buckets ---- */

static uint32_t order_of(uint32_t b) { return (b & 0x80000000u) ? ~b : b | 0x80000000u; }

static void test_buckets(void)
{
    int ok_in = 1, ok_width = 1, ok_name = 1, ok_order = 1;
    uint32_t prev_key = 0, prev = 0;
    for (int i = 0; i < 2000000; i++) {
        /* every 4th value a subnormal or zero, else any bit pattern */
        uint32_t b = (uint32_t)next_u64();
        if (i % 4 == 0) b &= i % 8 == 0 ? 0x807fffffu : 0x80000000u | (0x7fffffu >> (next_u64() % 24));
        float x = float_of(b);
        uint32_t key = rc_qsketch_bucket(b), lo, hi;
        ok_name &= rc_qsketch_is_bucket(key);
        rc_qsketch_bucket_range(key, &lo, &hi);
        float l = float_of(lo), h = float_of(hi);
        if (isnan(x)) {
            ok_in &= isnan(l) && isnan(h);
            continue;
        }
        if (!(l <= x && x <= h)) {
            if (ok_in) tap_diag("bits 0x%08x: %a not in [%a, %a]", b, x, l, h);
            ok_in = 0;
        }
        /* all members within 2^-10 of the bucket's smallest magnitude; exact when the value has at
         * most 10 significant bits below the leading one */
        double small = fmin(fabs((double)l), fabs((double)h));
        if ((double)h - (double)l > 0x1p-10 * small) {
            if (ok_width) tap_diag("bucket [%a, %a] wider than 2^-10", l, h);
            ok_width = 0;
        }
        if (fabsf(x) >= 0x1p-149f && fabsf(x) < 0x1p-139f) ok_width &= l == h;
        /* order: of two values, the larger (by order key: -0 below +0) has the larger or same bucket */
        if (order_of(b) >= prev) ok_order &= key >= prev_key;
        else ok_order &= key <= prev_key;
        prev = order_of(b);
        prev_key = key;
    }
    tap_ok(ok_in, "every float32 value (normal, subnormal, +-0, +-inf) lies in its bucket's range; NaNs in the NaN "
           "bucket");
    tap_ok(ok_width, "buckets are at most 2^-10 wide relative to their smallest magnitude; small subnormals exact");
    tap_ok(ok_name, "bucket names are canonical bucket keys");
    tap_ok(ok_order, "bucket keys sort like the values");
    uint32_t lo, hi;
    rc_qsketch_bucket_range(rc_qsketch_bucket(bits_of(-0.0f)), &lo, &hi);
    int zeros = lo == 0x80000000u && hi == 0x80000000u && rc_qsketch_bucket(0x80000000u) < rc_qsketch_bucket(0);
    rc_qsketch_bucket_range(rc_qsketch_bucket(bits_of(INFINITY)), &lo, &hi);
    zeros &= lo == 0x7f800000u && hi == 0x7f800000u;
    tap_ok(zeros, "-0, +0 and +inf are buckets of one value each, -0 below +0");
}

/* ---- quantiles ---- */

/* Sorts by value, -0 before +0 (numpy treats them as equal; the statistics' min is -0). */
static int cmp_f(const void *a, const void *b)
{
    uint32_t x = order_of(bits_of(*(const float *)a)), y = order_of(bits_of(*(const float *)b));
    return x < y ? -1 : x > y;
}

/* numpy.quantile(x, p) (method linear) on sorted x, and the bound docs/FORMAT.md gives for the
 * sketch: 2^-11 ((1-g)|a| + g|b|) plus a few units of rounding in the interpolation. */
static double numpy_quantile(const float *s, int64_t n, double p, double *bound)
{
    double pos = p * (double)(n - 1);
    int64_t i = (int64_t)pos;
    double g = pos - (double)i;
    double a = s[i], b = s[i + 1 < n ? i + 1 : i];
    *bound = 0x1p-11 * ((1 - g) * fabs(a) + g * fabs(b)) + 4 * 0x1p-52 * fmax(fabs(a), fabs(b));
    return g < 0.5 ? a + (b - a) * g : b - (b - a) * (1 - g);
}

typedef enum { HEAVY, CAUCHY, EQUAL, SUBNORMAL, ZEROS, TWO, INTS, WIDE, INF, N_KINDS } kind;
static const char *const g_kind[] = {"heavy-tailed (Pareto)", "Cauchy", "all-equal", "subnormal", "+-0 and tiny",
                                     "two-valued", "integer-valued", "all magnitudes", "with +-inf"};

static float draw(kind k)
{
    double u = uniform(), sign = next_u64() & 1 ? -1 : 1;
    switch (k) {
    case HEAVY: return (float)(sign * pow(1 - u, -1.5));
    case CAUCHY: return (float)tan(3.14159265358979 * (u - 0.5));
    case EQUAL: return 3.7f;
    case SUBNORMAL: return u < 0.9 ? float_of((uint32_t)(next_u64() & 0x807fffffu)) : (float)(sign * u);
    case ZEROS: return u < 0.4 ? -0.0f : u < 0.8 ? 0.0f : (float)(sign * 1e-30 * u);
    case TWO: return u < 0.3 ? -1.5f : 1e6f;
    case INTS: return (float)(int)(2001 * u) - 1000;
    case WIDE: return (float)(sign * pow(10.0, 76 * u - 38));
    case INF: return u < 0.02 ? (float)(sign * INFINITY) : (float)(sign * u);
    default: return 0;
    }
}

static void test_quantiles(void)
{
    static const int64_t sizes[] = {1, 2, 3, 10, 101, 10007};
    float *x = malloc(10007 * sizeof *x), *s = malloc(10007 * sizeof *s);
    for (int k = 0; k < N_KINDS; k++) {
        int good = 1;
        double worst = 0; /* largest error over the bound */
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            int64_t n = sizes[z];
            for (int64_t i = 0; i < n; i++) x[i] = draw((kind)k);
            memcpy(s, x, (size_t)n * sizeof *s);
            qsort(s, (size_t)n, sizeof *s, cmp_f);
            rc_stats st;
            rc_stats_init(&st, 1, RC_QUANTILES_SKETCH);
            rc_stats_add_f32(&st, x, n, NULL);
            rc_stats_summary sm;
            rc_stats_summarize(&st, 0, &sm);
            good &= sm.min == s[0] && sm.max == s[n - 1] && !signbit(sm.min) == !signbit(s[0]);
            for (int q = 0; q < RC_STATS_NQ; q++) {
                double bound, want = numpy_quantile(s, n, rc_stats_quantiles[q], &bound), err = fabs(sm.q[q] - want);
                int fine = isfinite(want) ? err <= bound : (isnan(want) ? isnan(sm.q[q]) : sm.q[q] == want);
                if (!fine) tap_diag("%s n %lld %s: %.9g, numpy %.9g (bound %.3g)", g_kind[k], (long long)n,
                                    rc_stats_quantile_names[q], sm.q[q], want, bound);
                if (isfinite(want) && bound > 0) worst = fmax(worst, err / bound);
                good &= fine && (sm.q[q] >= sm.min || isnan(sm.q[q])) && (sm.q[q] <= sm.max || isnan(sm.q[q]));
            }
            good &= k != EQUAL || (sm.q[0] == 3.7f && sm.q[4] == 3.7f && sm.constant);
            rc_stats_free(&st);
        }
        tap_ok(good, "%s columns: quantiles within the documented bound of numpy's (worst %.2f of it), min and max "
               "exact", g_kind[k], worst);
    }
    free(x);
    free(s);
}

/* ---- merging, memory, the saved state ---- */

static char *save(const rc_stats *s, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    rc_err err;
    rc_err_clear(&err);
    int bad = rc_stats_save(s, f, &err) != RC_OK;
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void test_merge(void)
{
    enum { D = 3, N = 30000 };
    float *rows = malloc((size_t)N * D * sizeof *rows);
    uint8_t *valid = malloc(N);
    for (int64_t i = 0; i < N; i++) {
        valid[i] = next_u64() % 5 != 0;
        rows[i * D + 0] = draw(CAUCHY);
        rows[i * D + 1] = draw(SUBNORMAL);
        rows[i * D + 2] = draw(ZEROS);
    }
    rc_stats whole;
    rc_stats_init(&whole, D, RC_QUANTILES_SKETCH);
    rc_stats_add_f32(&whole, rows, N, valid);
    size_t len_whole = 0, len = 0;
    char *ref = save(&whole, &len_whole);
    int same = ref != NULL;
    for (int trial = 0; trial < 20 && same; trial++) {
        /* random pieces, merged into groups, the groups merged in reverse */
        rc_stats group[4];
        for (int g = 0; g < 4; g++) rc_stats_init(&group[g], 0, RC_QUANTILES_SKETCH);
        for (int64_t at = 0; at < N;) {
            int64_t len_piece = 1 + (int64_t)(next_u64() % 3000);
            if (len_piece > N - at) len_piece = N - at;
            rc_stats piece;
            rc_stats_init(&piece, D, RC_QUANTILES_SKETCH);
            rc_stats_add_f32(&piece, rows + at * D, len_piece, valid + at);
            same &= rc_stats_merge(&group[next_u64() % 4], &piece) == 0;
            rc_stats_free(&piece);
            at += len_piece;
        }
        rc_stats all;
        rc_stats_init(&all, 0, RC_QUANTILES_SKETCH);
        for (int g = 3; g >= 0; g--) {
            same &= rc_stats_merge(&all, &group[g]) == 0;
            rc_stats_free(&group[g]);
        }
        char *got = save(&all, &len);
        same &= got && len == len_whole && memcmp(got, ref, len) == 0;
        free(got);
        rc_stats_free(&all);
    }
    tap_ok(same, "any partition and merge order saves the same bytes as one pass (20 random partitions)");

    rc_stats exact;
    rc_stats_init(&exact, D, RC_QUANTILES_EXACT);
    tap_ok(rc_stats_merge(&exact, &whole) < 0, "a sketch does not merge into exact statistics");
    rc_stats_free(&exact);

    /* round trip, then malformed states */
    rc_stats back;
    rc_err err;
    rc_err_clear(&err);
    FILE *f = fmemopen(ref, len_whole, "rb");
    int loaded = rc_stats_load(&back, f, &err) == RC_OK;
    fclose(f);
    char *again = loaded ? save(&back, &len) : NULL;
    tap_ok(again && len == len_whole && !memcmp(again, ref, len) && back.quantiles == RC_QUANTILES_SKETCH,
           "a saved sketch loads back to the same state");
    free(again);
    if (loaded) rc_stats_free(&back);
    size_t col0 = 8 * 2, runs0 = col0 + 8 * (2 + RC_STATS_SUM_LIMBS + RC_STATS_SQ_LIMBS + 3);
    char *bad = malloc(len_whole);
    memcpy(bad, ref, len_whole);
    bad[runs0] ^= 1; /* the first bucket key no longer canonical (or no longer the min's bucket) */
    f = fmemopen(bad, len_whole, "rb");
    tap_ok(rc_stats_load(&back, f, &err) == RC_E_IO && strstr(err.msg, "column 0"),
           "a changed bucket key is refused: %s", err.msg);
    fclose(f);
    memcpy(bad, ref, len_whole);
    size_t minkey = col0 + 8 * (2 + RC_STATS_SUM_LIMBS + RC_STATS_SQ_LIMBS);
    memcpy(bad + minkey, ref + minkey + 8, 8); /* min = max */
    f = fmemopen(bad, len_whole, "rb");
    tap_ok(rc_stats_load(&back, f, &err) == RC_E_IO && strstr(err.msg, "min and max"),
           "a min outside the first bucket is refused: %s", err.msg);
    fclose(f);
    memcpy(bad, ref, len_whole);
    bad[2] = 1; /* D = 3 + 2^16 columns: more than the file can hold, refused before allocating */
    f = fmemopen(bad, len_whole, "rb");
    tap_ok(rc_stats_load(&back, f, &err) == RC_E_IO && strstr(err.msg, "too few"),
           "a column count larger than the file can hold is refused: %s", err.msg);
    fclose(f);
    memcpy(bad, ref, len_whole);
    bad[8] = 7; /* mode: a sketch of 7 bits */
    f = fmemopen(bad, len_whole, "rb");
    tap_ok(rc_stats_load(&back, f, &err) == RC_E_IO && strstr(err.msg, "quantile mode"),
           "a sketch of other bits is refused: %s", err.msg);
    fclose(f);
    free(bad);
    free(ref);
    rc_stats_free(&whole);
    free(rows);
    free(valid);
}

static void test_memory(void)
{
    /* values over binades 2^-4 .. 2^4, both signs: 16 full tables at most, however many rows */
    const size_t table = RC_QSKETCH_BLOCKS * (sizeof(rc_qsketch_block *) + sizeof(rc_qsketch_block));
    size_t at[3];
    int64_t rows[3] = {10000, 100000, 1000000};
    rc_qsketch sk;
    memset(&sk, 0, sizeof sk);
    int64_t done = 0;
    for (int r = 0; r < 3; r++) {
        for (; done < rows[r]; done++) {
            float x = (float)((next_u64() & 1 ? -1 : 1) * pow(2.0, 8 * uniform() - 4));
            rc_qsketch_add(&sk, bits_of(x));
        }
        at[r] = rc_qsketch_bytes(&sk);
    }
    tap_ok(at[0] == at[2] && at[2] <= sizeof sk + 16 * table + sizeof(rc_qsketch_chunk),
           "memory does not grow with the rows: %zu bytes at 10^4 rows, %zu at 10^6", at[0], at[2]);
    rc_qsketch_free(&sk);
    size_t one = 0;
    for (uint32_t b = 0x800000u; b < 0x7f800000u; b += 0x800000u) /* one value in every normal binade */
        rc_qsketch_add(&sk, b), rc_qsketch_add(&sk, b | 0x80000000u);
    for (uint32_t p = 0; p < 23; p++) /* and every subnormal one */
        rc_qsketch_add(&sk, 1u << p), rc_qsketch_add(&sk, 1u << p | 0x80000000u);
    one = rc_qsketch_bytes(&sk);
    for (uint32_t b = 0; b < 0x7f800000u; b += 1u << (23 - RC_QSKETCH_BITS)) /* every bucket, both signs */
        rc_qsketch_add(&sk, b), rc_qsketch_add(&sk, b | 0x80000000u);
    for (uint32_t b = 1; b < 0x800000u; b++) /* every subnormal */
        rc_qsketch_add(&sk, b), rc_qsketch_add(&sk, b | 0x80000000u);
    /* every normal binade full; subnormal binades below 2^(10-149) have fewer buckets than blocks.
     * Blocks come in chunks of RC_QSKETCH_CHUNK: the last one may be part used. */
    size_t all = rc_qsketch_bytes(&sk);
    const size_t chunk_share = sizeof(rc_qsketch_chunk) / RC_QSKETCH_CHUNK; /* a block and its link's share */
    const size_t ones = 2 * RC_QSKETCH_BINADES, chunks = (ones + RC_QSKETCH_CHUNK - 1) / RC_QSKETCH_CHUNK;
    tap_ok(one == sizeof sk + ones * RC_QSKETCH_BLOCKS * sizeof(rc_qsketch_block *) + chunks * sizeof(rc_qsketch_chunk) &&
               all >= sizeof sk + 2 * 254 * table &&
               all <= sizeof sk + 2 * RC_QSKETCH_BINADES * (table + RC_QSKETCH_BLOCKS * chunk_share) +
                          sizeof(rc_qsketch_chunk),
           "one value per binade takes one block each (%zu bytes); the worst case is 2 x %d full tables (%zu bytes "
           "per column)", one, RC_QSKETCH_BINADES, rc_qsketch_bytes(&sk));
    rc_qsketch_free(&sk);
}

static int sum_counts(void *ctx, uint32_t key, uint64_t count)
{
    (void)key;
    *(uint64_t *)ctx += count;
    return 0;
}

/* Counts past 2^32 carry into the block's high halves, by increment, by add_key and by merge. */
static void test_wide_counts(void)
{
    rc_qsketch a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    uint32_t one = bits_of(1.0f), key = rc_qsketch_bucket(one);
    int good = rc_qsketch_add_key(&a, key, UINT32_MAX) == 0 && rc_qsketch_add(&a, one) == 0 &&
               rc_qsketch_add(&a, one) == 0; /* 2^32 + 1 */
    good &= rc_qsketch_add_key(&b, key, 3ull << 32) == 0 && rc_qsketch_add(&b, bits_of(2.0f)) == 0;
    good &= rc_qsketch_merge(&a, &b) == 0 && rc_qsketch_merge(&a, &b) == 0;
    uint64_t total = 0;
    rc_qsketch_each(&a, sum_counts, &total);
    tap_ok(good && total == (1ull << 32) + 1 + 2 * ((3ull << 32) + 1),
           "counts carry past 2^32 (increment, add_key, merge): %llu", (unsigned long long)total);
    rc_qsketch_free(&a);
    rc_qsketch_free(&b);
}

/* The reference for rc_qsketch_rank_keys: the bucket of each rank, found by summing every bucket
 * in key order (rc_qsketch_each). */
typedef struct bucket_list {
    uint32_t key[1 << 16];
    uint64_t end[1 << 16]; /* values up to and including this bucket */
    int n;
} bucket_list;

static int list_bucket(void *ctx, uint32_t key, uint64_t count)
{
    bucket_list *l = ctx;
    if (l->n == (int)(sizeof l->key / sizeof *l->key)) return 1;
    l->end[l->n] = (l->n ? l->end[l->n - 1] : 0) + count;
    l->key[l->n++] = key;
    return 0;
}

/* Rank lookup passes blocks over by their sums: it must name the same buckets as a walk bucket
 * by bucket, for every kind of column, at every rank a quantile asks for, at the first and last
 * rank of buckets, and beyond the count. */
static void test_rank_keys(void)
{
    static bucket_list l;
    int good = 1, checked = 0;
    for (int k = 0; k < N_KINDS; k++) {
        rc_qsketch sk;
        memset(&sk, 0, sizeof sk);
        int64_t n = 1 + (int64_t)(next_u64() % 40000);
        for (int64_t i = 0; i < n; i++) rc_qsketch_add(&sk, bits_of(draw((kind)k)));
        l.n = 0;
        rc_qsketch_each(&sk, list_bucket, &l);
        uint64_t rank[64];
        int m = 0;
        for (int i = 0; i < 20; i++) rank[m++] = next_u64() % (uint64_t)n;
        for (int i = 0; i < 20; i++) { /* the ends of buckets */
            int b = (int)(next_u64() % (uint64_t)l.n);
            rank[m++] = l.end[b] - 1;
            if (l.end[b] < (uint64_t)n) rank[m++] = l.end[b];
        }
        rank[m++] = 0;
        rank[m++] = (uint64_t)n - 1;
        for (int i = 1; i < m; i++) /* increasing */
            for (int j = i; j > 0 && rank[j - 1] > rank[j]; j--) {
                uint64_t t = rank[j];
                rank[j] = rank[j - 1];
                rank[j - 1] = t;
            }
        uint32_t key[64];
        good &= rc_qsketch_rank_keys(&sk, rank, m, key) == UINT64_MAX;
        for (int i = 0, b = 0; i < m; i++, checked++) {
            while (l.end[b] <= rank[i]) b++;
            good &= key[i] == l.key[b];
        }
        uint64_t beyond[2] = {(uint64_t)n - 1, (uint64_t)n};
        good &= rc_qsketch_rank_keys(&sk, beyond, 2, key) == (uint64_t)n && key[0] == l.key[l.n - 1];
        rc_qsketch_free(&sk);
    }
    tap_ok(good, "rank lookup by block sums names the same buckets as a walk bucket by bucket (%d ranks over %d "
           "kinds of column); a rank beyond the count is reported", checked, (int)N_KINDS);
}

int main(void)
{
    test_buckets();
    test_quantiles();
    test_merge();
    test_memory();
    test_wide_counts();
    test_rank_keys();
    return tap_done();
}
