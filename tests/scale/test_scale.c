/* test_scale.c — the pieces of a sharded run that need no files: which task (--shard and the
 * Slurm variables, their precedence and malformed values), the exact statistics (stable std,
 * exact sums, quantiles against a sort-based reference, bit-identical merges in any grouping,
 * the saved state round trip and its malformed forms, float16/bfloat16 values) and the JSON
 * reader (values, escapes, malformed text with line and column). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"
#include "task/rc_task.h"
#include "tap.h"
#include "stats/rc_stats.h"

/* ---- a fake environment ---- */
static const char *const *g_env;
static const char *fake_getenv(const char *name)
{
    for (int i = 0; g_env && g_env[i]; i += 2)
        if (!strcmp(g_env[i], name)) return g_env[i + 1];
    return NULL;
}

static int select_env(const char *arg, const char *const *env, rc_task_id *id, rc_err *err)
{
    g_env = env;
    rc_err_clear(err);
    return rc_task_id_select(arg, fake_getenv, id, err);
}

static void test_task_id(void)
{
    rc_task_id id;
    rc_err err;
    const char *array[] = {"SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_TASK_COUNT", "4", "SLURM_PROCID", "0",
                           "SLURM_NTASKS", "1", NULL};
    tap_ok(select_env("3/8", array, &id, &err) == RC_OK && id.index == 3 && id.count == 8 &&
               !strcmp(id.source, "--shard"), "--shard wins over the Slurm variables");
    tap_ok(select_env(NULL, array, &id, &err) == RC_OK && id.index == 2 && id.count == 4 &&
               !strcmp(id.source, "SLURM_ARRAY_TASK_ID"), "array id/count win over PROCID/NTASKS");
    const char *minmax[] = {"SLURM_ARRAY_TASK_ID", "6", "SLURM_ARRAY_TASK_MIN", "4", "SLURM_ARRAY_TASK_MAX", "7", NULL};
    tap_ok(select_env(NULL, minmax, &id, &err) == RC_OK && id.index == 2 && id.count == 4,
           "array 4-7, task 6: index 2 of 4 from MIN/MAX");
    const char *step[] = {"SLURM_ARRAY_TASK_ID", "5", "SLURM_ARRAY_TASK_MIN", "1", "SLURM_ARRAY_TASK_MAX", "7",
                          "SLURM_ARRAY_TASK_STEP", "2", NULL};
    tap_ok(select_env(NULL, step, &id, &err) == RC_OK && id.index == 2 && id.count == 4,
           "array 1-7:2, task 5: index 2 of 4");
    const char *procid[] = {"SLURM_PROCID", "3", "SLURM_NTASKS", "5", "SLURM_STEP_ID", "0", NULL};
    tap_ok(select_env(NULL, procid, &id, &err) == RC_OK && id.index == 3 && id.count == 5 &&
               !strcmp(id.source, "SLURM_PROCID"), "PROCID/NTASKS without an array");
    const char *single[] = {"SLURM_PROCID", "0", "SLURM_NTASKS", "1", "SLURM_STEP_ID", "0", NULL};
    tap_ok(select_env(NULL, single, &id, &err) == RC_OK && id.count == 0, "one Slurm task is an ordinary run");
    tap_ok(select_env("0/1", single, &id, &err) == RC_OK && id.count == 1, "--shard 0/1 is a sharded run of one task");
    tap_ok(select_env(NULL, NULL, &id, &err) == RC_OK && id.count == 0, "no variables: not sharded");
    /* what Slurm gives a batch script: PROCID 0, NTASKS only with --ntasks, never a STEP_ID */
    const char *batch[] = {"SLURM_PROCID", "0", "SLURM_JOB_ID", "7", NULL};
    tap_ok(select_env(NULL, batch, &id, &err) == RC_OK && id.count == 0,
           "a batch script without --ntasks (PROCID, no NTASKS) is an ordinary run");
    const char *batch_n[] = {"SLURM_PROCID", "0", "SLURM_NTASKS", "4", "SLURM_NPROCS", "4", NULL};
    tap_ok(select_env(NULL, batch_n, &id, &err) == RC_OK && id.count == 0,
           "a batch script of a 4-task job, outside srun, converts everything, not a quarter");
    static const char *const bad_args[] = {"4/4", "-1/4", "1/0", "1", "a/4", "1/4x", "/4", "1/10000", ""};
    int all_bad = 1;
    for (size_t i = 0; i < sizeof bad_args / sizeof bad_args[0]; i++) {
        int r = select_env(bad_args[i], NULL, &id, &err);
        all_bad &= r == RC_E_USAGE && strstr(err.msg, "--shard") && strstr(err.msg, "I/N");
        if (r != RC_E_USAGE) tap_diag("--shard '%s' accepted", bad_args[i]);
    }
    tap_ok(all_bad, "malformed or out-of-range --shard values are usage errors naming the option");
    const char *beyond[] = {"SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_COUNT", "4", NULL};
    tap_ok(select_env(NULL, beyond, &id, &err) == RC_E_USAGE && strstr(err.msg, "SLURM_ARRAY_TASK_ID"),
           "array id beyond the count is refused, naming the variable");
    const char *nocount[] = {"SLURM_ARRAY_TASK_ID", "1", NULL};
    tap_ok(select_env(NULL, nocount, &id, &err) == RC_E_USAGE && strstr(err.msg, "SLURM_ARRAY_TASK_COUNT"),
           "array id without a count or MIN/MAX is refused");
    const char *badrank[] = {"SLURM_PROCID", "x", "SLURM_NTASKS", "4", "SLURM_STEP_ID", "0", NULL};
    tap_ok(select_env(NULL, badrank, &id, &err) == RC_E_USAGE && strstr(err.msg, "SLURM_PROCID"),
           "a non-numeric SLURM_PROCID is refused");
}

/* ---- statistics ---- */

static void summary_of(const float *x, int64_t n, rc_stats_summary *sm)
{
    rc_stats s;
    rc_stats_init(&s, 1, RC_QUANTILES_EXACT);
    rc_stats_add_f32(&s, x, n, NULL);
    rc_stats_compact(&s);
    rc_stats_summarize(&s, 0, sm);
    rc_stats_free(&s);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* numpy.quantile's default method on a sorted copy, written out independently. */
static double ref_quantile(const float *sorted, int64_t n, double p)
{
    double h = (double)(n - 1) * p;
    int64_t lo = (int64_t)floor(h), hi = lo + 1 < n ? lo + 1 : n - 1;
    double g = h - (double)lo, a = sorted[lo], b = sorted[hi];
    return g >= 0.5 ? b - (b - a) * (1 - g) : a + (b - a) * g;
}

static uint64_t g_rng = 88172645463325252ull;
static double next_unit(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return (double)(g_rng >> 11) * 0x1p-53;
}

static void test_stats_values(void)
{
    rc_stats_summary sm;
    const float big[] = {10000.0f, 10001.0f, 10002.0f};
    summary_of(big, 3, &sm);
    tap_ok(sm.mean == 10001.0 && sm.std == sqrt(2.0 / 3.0) && fabs(sm.std - 0.8165) < 1e-4,
           "std of [10000, 10001, 10002] as float32 is sqrt(2/3) = 0.8165 (got %.17g)", sm.std);
    const float cancel[] = {1e30f, 1.0f, -1e30f};
    summary_of(cancel, 3, &sm);
    tap_ok(sm.mean == 1.0 / 3.0, "sums are exact: mean of [1e30, 1, -1e30] is 1/3 (got %.17g)", sm.mean);
    const float tiny[] = {0x1p-149f, 0x1p-149f, 0x1p-148f, 3.4028235e38f};
    summary_of(tiny, 4, &sm);
    tap_ok(sm.min == 0x1p-149 && sm.max == 3.4028235e38f && sm.mean == ((double)3.4028235e38f + 0x1p-147) / 4,
           "subnormals and FLT_MAX are summed exactly");
    const float same[] = {-2.5f, -2.5f, -2.5f, -2.5f};
    summary_of(same, 4, &sm);
    tap_ok(sm.std == 0.0 && sm.constant && sm.q[2] == -2.5, "a constant column: std 0, flagged");
    const float inf[] = {1.0f, INFINITY, 2.0f};
    summary_of(inf, 3, &sm);
    tap_ok(sm.count == 3 && isnan(sm.mean) && isnan(sm.std) && sm.max == INFINITY && sm.q[0] == 1.0 + 1.0 * 0.02,
           "an infinite value: mean and std null, order statistics still exact");
    rc_stats empty;
    rc_stats_init(&empty, 2, RC_QUANTILES_EXACT);
    rc_stats_compact(&empty);
    rc_stats_summarize(&empty, 1, &sm);
    tap_ok(sm.count == 0 && isnan(sm.mean) && isnan(sm.min) && isnan(sm.q[0]) && !sm.constant,
           "an empty column has count 0 and NaN figures");
    rc_stats_free(&empty);

    /* Quantiles, min, max against a sorted copy; values with many repeats and both signs. */
    enum { N = 20000 };
    float *x = malloc(sizeof(float) * N), *sorted = malloc(sizeof(float) * N);
    for (int i = 0; i < N; i++) x[i] = (float)(next_unit() < 0.3 ? floor(next_unit() * 20) - 10 : (next_unit() - 0.4) * 1e3);
    memcpy(sorted, x, sizeof(float) * N);
    qsort(sorted, N, sizeof *sorted, cmp_float);
    int ok_q = 1;
    for (int n = 1; n <= N; n = n < 10 ? n + 1 : n * 7) {
        memcpy(sorted, x, sizeof(float) * (size_t)n);
        qsort(sorted, (size_t)n, sizeof *sorted, cmp_float);
        summary_of(x, n, &sm);
        ok_q &= sm.min == sorted[0] && sm.max == sorted[n - 1];
        for (int q = 0; q < RC_STATS_NQ; q++) {
            double want = ref_quantile(sorted, n, rc_stats_quantiles[q]);
            if (sm.q[q] != want) {
                ok_q = 0;
                tap_diag("n %d %s: %.17g, expected %.17g", n, rc_stats_quantile_names[q], sm.q[q], want);
            }
        }
    }
    tap_ok(ok_q, "quantiles, min and max equal a sort-based reference for n = 1..%d", N);

    /* Merging in any grouping and order gives the same bits as one pass. */
    rc_stats whole;
    rc_stats_init(&whole, 1, RC_QUANTILES_EXACT);
    rc_stats_add_f32(&whole, x, N, NULL);
    rc_stats_compact(&whole);
    rc_stats_summary w;
    rc_stats_summarize(&whole, 0, &w);
    int ok_merge = 1;
    for (int trial = 0; trial < 5; trial++) {
        rc_stats acc = {0};
        int end = N;
        while (end > 0) { /* pieces taken from the back: a different order than the single pass */
            int len = 1 + (int)(next_unit() * (trial == 0 ? 3 : 4000));
            int start = end - len < 0 ? 0 : end - len;
            rc_stats piece;
            rc_stats_init(&piece, 1, RC_QUANTILES_EXACT);
            rc_stats_add_f32(&piece, x + start, end - start, NULL);
            rc_stats_merge(&acc, &piece);
            rc_stats_free(&piece);
            end = start;
        }
        rc_stats_compact(&acc);
        rc_stats_summary a;
        rc_stats_summarize(&acc, 0, &a);
        ok_merge &= memcmp(&a, &w, sizeof a) == 0;
        rc_stats_free(&acc);
    }
    tap_ok(ok_merge, "merges in any grouping and order equal one pass bit for bit");

    /* The saved state reads back to the same figures; damaged states are refused. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rc_err err;
    rc_err_clear(&err);
    int saved = rc_stats_save(&whole, f, &err) == RC_OK;
    fclose(f);
    rc_stats back;
    f = fmemopen(buf, len, "rb");
    int loaded = rc_stats_load(&back, f, &err) == RC_OK;
    fclose(f);
    rc_stats_summary b;
    if (loaded) rc_stats_summarize(&back, 0, &b);
    tap_ok(saved && loaded && memcmp(&b, &w, sizeof b) == 0, "saved state loads back to the same figures");
    if (loaded) rc_stats_free(&back);
    f = fmemopen(buf, len - 5, "rb");
    tap_ok(rc_stats_load(&back, f, &err) == RC_E_IO && strstr(err.msg, "expected"), "a truncated state is refused: %s",
           err.msg);
    fclose(f);
    /* swap the first two runs' keys: no longer increasing */
    size_t off = 8 * (2 + 2 + RC_STATS_SUM_LIMBS + RC_STATS_SQ_LIMBS + 1); /* D, mode, column header, R */
    uint8_t tmp[8];
    memcpy(tmp, buf + off, 8);
    memcpy(buf + off, buf + off + 16, 8);
    memcpy(buf + off + 16, tmp, 8);
    f = fmemopen(buf, len, "rb");
    tap_ok(rc_stats_load(&back, f, &err) == RC_E_IO && strstr(err.msg, "increasing"),
           "a state with unordered values is refused: %s", err.msg);
    fclose(f);
    free(buf);
    rc_stats_free(&whole);
    free(x);
    free(sorted);
}

static void test_half(void)
{
    /* IEEE half and bfloat16 bit patterns with their values. */
    const uint16_t h[] = {0x3c00, 0xc000, 0x0001, 0x7bff, 0x8000, 0x0400, 0x3555};
    const double hv[] = {1.0, -2.0, 0x1p-24, 65504.0, -0.0, 0x1p-14, 0x1.554p-2};
    int ok = 1;
    for (int i = 0; i < 7; i++) {
        rc_stats s;
        rc_stats_summary sm;
        rc_stats_init(&s, 1, RC_QUANTILES_EXACT);
        rc_stats_add_half(&s, &h[i], 1, NULL, 0);
        rc_stats_compact(&s);
        rc_stats_summarize(&s, 0, &sm);
        ok &= sm.min == hv[i] && signbit(sm.min) == signbit(hv[i]);
        if (sm.min != hv[i]) tap_diag("half 0x%04x: %a, expected %a", h[i], sm.min, hv[i]);
        rc_stats_free(&s);
    }
    tap_ok(ok, "float16 values (normal, subnormal, signed zero, max) are taken exactly");
    const uint16_t bf[] = {0x3f80, 0xc0a0};
    const uint8_t valid[] = {1, 1};
    rc_stats s;
    rc_stats_summary sm;
    rc_stats_init(&s, 1, RC_QUANTILES_EXACT);
    rc_stats_add_half(&s, bf, 2, valid, 1);
    rc_stats_compact(&s);
    rc_stats_summarize(&s, 0, &sm);
    tap_ok(sm.min == -5.0 && sm.max == 1.0 && sm.mean == -2.0, "bfloat16 values are the upper float32 bits");
    rc_stats_free(&s);
}

/* ---- JSON reader ---- */

static void test_json(void)
{
    const char *text = "{\"a\": [1, -2.5e3, true, false, null], \"s\": \"q\\\"\\\\\\/\\n\\u00e9\\ud83d\\ude00\","
                       " \"big\": 9007199254740993, \"o\": {\"k\": {}}, \"e\": []}";
    rc_jv *v = NULL;
    rc_err err;
    rc_err_clear(&err);
    int parsed = rc_json_read_text(text, strlen(text), &v, &err) == RC_OK;
    const rc_jv *a = rc_jv_get(v, "a");
    int64_t big = 0;
    tap_ok(parsed && a && a->n == 5 && a->items[0].number == 1 && a->items[1].number == -2500 &&
               a->items[2].type == RC_JV_BOOL && a->items[2].boolean && a->items[4].type == RC_JV_NULL,
           "numbers, booleans and null");
    tap_ok(parsed && !strcmp(rc_jv_get_string(v, "s"), "q\"\\/\n\xc3\xa9\xf0\x9f\x98\x80"),
           "escapes and surrogate pairs become UTF-8");
    tap_ok(parsed && rc_jv_get_int(v, "big", &big) == 0 && big == 9007199254740993LL,
           "integers beyond 2^53 read back exactly");
    tap_ok(parsed && rc_jv_get(rc_jv_get(v, "o"), "k")->type == RC_JV_OBJECT && rc_jv_get(v, "e")->n == 0 &&
               !rc_jv_get(v, "missing") && rc_jv_get_int(v, "s", &big) == -1,
           "nested and empty containers; missing keys and wrong types are NULL / -1");
    rc_jv_free(v);
    static const struct { const char *text, *want; } bad[] = {
        {"{\"a\": 1,}", "line 1 column 9: expected a key string"},
        {"[1 2]", "expected ',' or ']'"},
        {"{\"a\" 1}", "expected ':'"},
        {"\"abc", "expected a closing '\"'"},
        {"[1]\n x", "line 2 column 2: expected the end of the text"},
        {"\"\\u12\"", "expected a valid escape"},
        {"\"\\udc00\"", "no lone low surrogate"},
        {"\"a\\u0000b\"", "no \\u0000"},
        {"01", "expected the end of the text"},
        {"-", "expected a value"},
        {"1.", "a digit after '.'"},
        {"[tru]", "expected a value"},
        {"\"tab\there\"", "no control character"},
        {"", "expected a value"},
    };
    int ok = 1;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = NULL;
        rc_err_clear(&err);
        int r = rc_json_read_text(bad[i].text, strlen(bad[i].text), &v, &err);
        if (r != RC_E_IO || !strstr(err.msg, bad[i].want)) {
            ok = 0;
            tap_diag("'%s': got %d '%s', expected '%s'", bad[i].text, r, err.msg, bad[i].want);
        }
        rc_jv_free(v);
    }
    char deep[200];
    memset(deep, '[', 100);
    deep[100] = 0;
    rc_err_clear(&err);
    ok &= rc_json_read_text(deep, 100, &v, &err) == RC_E_IO && strstr(err.msg, "64 nested") != NULL;
    tap_ok(ok, "malformed JSON is refused with line, column, what was expected and found");
}

int main(void)
{
    test_task_id();
    test_stats_values();
    test_half();
    test_json();
    return tap_done();
}
