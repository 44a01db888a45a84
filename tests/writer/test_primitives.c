/* test_primitives.c — SHA-256 (FIPS 180-2 / NIST test vectors), the JSON writer (escaping,
 * nesting, numbers read back exactly), the split hash and the stats merge (merged = whole,
 * whatever the split; checked against a two-pass long double reference). */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"
#include "spec/rc_spec.h"
#include "tap.h"
#include "writer/rc_writer.h"
#include "stats/rc_stats.h"

static void test_sha256(void)
{
    char hex[65];
    rc_sha256_of("", 0, hex);
    tap_ok(!strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "sha256 of \"\"");
    rc_sha256_of("abc", 3, hex);
    tap_ok(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "sha256 of \"abc\"");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    rc_sha256_of(m448, strlen(m448), hex);
    tap_ok(!strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"), "sha256 of the 448-bit message");
    /* One million 'a', fed in uneven pieces to cross block boundaries at every offset. */
    rc_sha256 c;
    uint8_t d[32];
    char piece[997];
    memset(piece, 'a', sizeof piece);
    rc_sha256_init(&c);
    size_t left = 1000000, step = 1;
    while (left) {
        size_t n = step < left ? step : left;
        rc_sha256_update(&c, piece, n);
        left -= n;
        step = step % 997 + 1;
    }
    rc_sha256_final(&c, d);
    rc_sha256_hex(d, hex);
    tap_ok(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
           "sha256 of one million 'a' in uneven pieces");
}

/* Writes a document into memory and returns it (caller frees). */
__attribute__((noinline)) static char *json_doc(double *doubles, int n_doubles)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rc_json j;
    rc_json_init(&j, f);
    rc_json_object_begin(&j);
    rc_json_key(&j, "s");
    rc_json_string(&j, "q\"b\\n\nt\tc\x01\x1f/é");
    rc_json_key(&j, "nest");
    rc_json_array_begin(&j);
    rc_json_object_begin(&j);
    rc_json_object_end(&j);
    rc_json_array_begin(&j);
    rc_json_array_end(&j);
    rc_json_int(&j, INT64_MIN);
    rc_json_uint(&j, UINT64_MAX);
    rc_json_bool(&j, 1);
    rc_json_null(&j);
    rc_json_double(&j, NAN);
    rc_json_double(&j, -INFINITY);
    rc_json_array_end(&j);
    rc_json_key(&j, "d");
    rc_json_array_begin(&j);
    for (int i = 0; i < n_doubles; i++) rc_json_double(&j, doubles[i]);
    rc_json_array_end(&j);
    rc_json_object_end(&j);
    int rc = rc_json_finish(&j);
    fclose(f);
    tap_ok(rc == 0, "rc_json_finish reports success");
    return buf;
}

static void test_json(void)
{
    double v[] = {0.1, 1.0 / 3.0, -2.5e-308, 4.9e-324, 1.7976931348623157e308, 123456789.0, -0.0};
    int nv = (int)(sizeof v / sizeof v[0]);
    char *doc = json_doc(v, nv);
    tap_ok(strstr(doc, "\"s\": \"q\\\"b\\\\n\\nt\\tc\\u0001\\u001f/é\"") != NULL, "strings escaped per RFC 8259");
    tap_ok(strstr(doc, "-9223372036854775808") && strstr(doc, "18446744073709551615"), "int64/uint64 extremes");
    tap_ok(strstr(doc, "{}") && strstr(doc, "[]"), "empty object and array");
    tap_ok(strstr(doc, "true,") && strstr(doc, "null,\n") != NULL, "bool and null");
    const char *after_inf = strstr(doc, "null,\n    null,\n    null\n  ]");
    tap_ok(after_inf != NULL, "null, NaN and -Inf all written as null");
    const char *p = strstr(doc, "\"d\": [");
    int exact = p != NULL;
    if (p) p += 6;
    for (int i = 0; p && i < nv; i++) {
        char *end;
        double got = strtod(p, &end);
        if (memcmp(&got, &v[i], sizeof got) != 0) {
            exact = 0;
            tap_diag("double %d: wrote %a, read back %a", i, v[i], got);
        }
        p = strchr(end, i + 1 < nv ? ',' : ']');
        if (p) p++;
    }
    tap_ok(exact, "doubles read back bit for bit (%%.17g)");
    /* Nesting must balance: an unbalanced document is an error. */
    rc_json j;
    FILE *f = fopen("/dev/null", "w");
    rc_json_init(&j, f);
    rc_json_array_begin(&j);
    tap_ok(rc_json_finish(&j) == -1, "an unclosed array is reported by rc_json_finish");
    rc_json_init(&j, f);
    for (int i = 0; i < 100; i++) rc_json_array_begin(&j);
    for (int i = 0; i < 100; i++) rc_json_array_end(&j);
    tap_ok(rc_json_finish(&j) == -1, "nesting deeper than 63 is reported, not overflowed");
    fclose(f);
    free(doc);
}

static void test_split(void)
{
    char id[32];
    int val = 0, same = 1;
    for (int i = 0; i < 10000; i++) {
        snprintf(id, sizeof id, "ep-%06d", i);
        const char *s = rc_split_of(id, 42, 0.1);
        val += !strcmp(s, "val");
        same &= !strcmp(s, rc_split_of(id, 42, 0.1));
        if (!strcmp(rc_split_of(id, 42, 0.0), "val")) same = 0;
    }
    tap_ok(same, "split is deterministic and val_fraction 0 gives all train");
    /* Binomial(10000, 0.1): sd 30, so +-150 is a 5-sigma band. */
    tap_ok(val > 850 && val < 1150, "val fraction close to 0.1 over 10k ids (%d val)", val);
    int moved = 0;
    for (int i = 0; i < 1000; i++) {
        snprintf(id, sizeof id, "ep-%06d", i);
        moved += strcmp(rc_split_of(id, 42, 0.5), rc_split_of(id, 43, 0.5)) != 0;
    }
    tap_ok(moved > 350 && moved < 650, "the seed changes the split (%d of 1000 moved)", moved);
    tap_ok(!strcmp(rc_split_of("x", 1, 1.0), "val"), "val_fraction 1 gives val");
    /* Independent reference: first 8 bytes of SHA-256(01 00 00 00 00 00 00 00 'e' 'p' '1'). */
    uint8_t msg[11] = {1, 0, 0, 0, 0, 0, 0, 0, 'e', 'p', '1'};
    rc_sha256 c;
    uint8_t d[32];
    rc_sha256_init(&c);
    rc_sha256_update(&c, msg, sizeof msg);
    rc_sha256_final(&c, d);
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--) x = x << 8 | d[i];
    double u = (double)x / 18446744073709551616.0;
    tap_ok(!strcmp(rc_split_of("ep1", 1, u + 1e-9), "val") && !strcmp(rc_split_of("ep1", 1, u - 1e-9), "train"),
           "split threshold sits at SHA-256(seed LE || id)[0..8] / 2^64 = %.9f", u);
}

static uint64_t rng = 88172645463325252ull;
static double next_unit(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) * 0x1p-53;
}

static int close_rel(double a, double b, double tol)
{
    return fabs(a - b) <= tol * fmax(fabs(a), fabs(b)) || a == b;
}

static void test_stats(void)
{
    enum { T = 5000, D = 3 };
    float *x = malloc(sizeof(float) * T * D);
    uint8_t *valid = malloc(T);
    for (int i = 0; i < T * D; i++) x[i] = (float)(1000.0 + 3.0 * next_unit() - (i % D == 2 ? 2000.0 : 0.0));
    for (int i = 0; i < T; i++) valid[i] = next_unit() < 0.9;
    rc_stats whole;
    rc_stats_init(&whole, D, RC_QUANTILES_EXACT);
    rc_stats_add_f32(&whole, x, T, valid);
    rc_stats_compact(&whole);
    int ok_ref = 1;
    for (int j = 0; j < D; j++) {
        long double s = 0, ss = 0, mn = INFINITY, mx = -INFINITY;
        int64_t n = 0;
        for (int k = 0; k < T; k++)
            if (valid[k]) {
                s += x[k * D + j];
                n++;
                if (x[k * D + j] < mn) mn = x[k * D + j];
                if (x[k * D + j] > mx) mx = x[k * D + j];
            }
        long double mean = s / n;
        for (int k = 0; k < T; k++)
            if (valid[k]) ss += (x[k * D + j] - mean) * (x[k * D + j] - mean);
        double sd = (double)sqrtl(ss / n);
        rc_stats_summary sm;
        rc_stats_summarize(&whole, j, &sm);
        ok_ref &= sm.count == n && close_rel(sm.mean, (double)mean, 1e-12) && close_rel(sm.std, sd, 1e-9) &&
                  sm.min == (double)mn && sm.max == (double)mx;
        if (!ok_ref) tap_diag("col %d: mean %.17g vs %.17g, std %.17g vs %.17g", j, sm.mean, (double)mean, sm.std, sd);
    }
    tap_ok(ok_ref, "exact stats match a two-pass long double reference");
    /* Merged per-piece stats equal the whole bit for bit, for several splits. */
    const int cuts[][4] = {{1, 2, 3, T}, {T / 2, T / 2 + 1, T - 1, T}, {0, 0, 1, T}, {17, 1000, 4999, T}};
    int ok_merge = 1;
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        rc_stats acc;
        rc_stats_init(&acc, D, RC_QUANTILES_EXACT);
        int start = 0;
        for (int p = 0; p < 4; p++) {
            rc_stats piece;
            rc_stats_init(&piece, D, RC_QUANTILES_EXACT);
            rc_stats_add_f32(&piece, x + (size_t)start * D, cuts[c][p] - start, valid + start);
            rc_stats_merge(&acc, &piece);
            rc_stats_free(&piece);
            start = cuts[c][p];
        }
        rc_stats_compact(&acc);
        for (int j = 0; j < D; j++) {
            rc_stats_summary a, w;
            rc_stats_summarize(&acc, j, &a);
            rc_stats_summarize(&whole, j, &w);
            ok_merge &= memcmp(&a, &w, sizeof a) == 0;
        }
        rc_stats_free(&acc);
    }
    tap_ok(ok_merge, "merged stats equal the whole bit for bit, whatever the split");
    rc_stats one;
    rc_stats_init(&one, 1, RC_QUANTILES_EXACT);
    float v = 2.5f;
    rc_stats_add_f32(&one, &v, 1, NULL);
    rc_stats_compact(&one);
    rc_stats_summary sm;
    rc_stats_summarize(&one, 0, &sm);
    tap_ok(sm.count == 1 && sm.mean == 2.5 && sm.std == 0.0 && sm.constant, "one value: std 0, flagged constant");
    rc_stats_free(&one);
    rc_stats_free(&whole);
    free(x);
    free(valid);
}

static void test_manifest_errors(void)
{
    rc_err err;
    rc_manifest *m = rc_manifest_new();
    rc_err_clear(&err);
    rc_status st = rc_manifest_write(m, "/nonexistent-rc-dir/manifest.json", "ab", "v", "cpu", &err);
    tap_ok(st == RC_E_IO && !strcmp(err.file, "/nonexistent-rc-dir/manifest.json") && strstr(err.msg, "cannot create"),
           "manifest in a missing folder: RC_E_IO naming the file: %s", err.msg);
    rc_manifest_free(m);
    rc_manifest_free(NULL);
}

static void test_elem(void)
{
    static const char *names[] = {"uint8", "uint16", "int32", "uint32", "int64", "float16", "bfloat16", "float32"};
    static const int sizes[] = {1, 2, 4, 4, 8, 2, 2, 4};
    int ok = 1;
    for (int e = 0; e < 8; e++) ok &= !strcmp(rc_elem_name((rc_elem)e), names[e]) && rc_elem_size((rc_elem)e) == sizes[e];
    tap_ok(ok, "element names and sizes");
    tap_ok(rc_elem_size((rc_elem)99) == 0, "unknown element has size 0");
}

int main(void)
{
    test_sha256();
    test_json();
    test_split();
    test_stats();
    test_manifest_errors();
    test_elem();
    return tap_done();
}
