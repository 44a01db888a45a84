/* test_compare.c — the pieces of verify that decide equality and read the manifest back: the
 * element comparison (ULP distances of float32, float16 and bfloat16 against hand-derived bit
 * patterns, NaN, signed zeros, infinities, tolerance bounds, integers), the value formatting,
 * and the common JSON reader verify reads manifests with (escapes, surrogate pairs, malformed
 * texts with their line and column). */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "common/rc_common.h"
#include "verify/verify_int.h"

static verify_cmp cmp_f32(uint32_t a, uint32_t b, uint64_t tol)
{
    return verify_elem_compare(RC_ELEM_F32, &a, &b, 0, tol);
}

static verify_cmp cmp_u16(rc_elem e, uint16_t a, uint16_t b, uint64_t tol)
{
    return verify_elem_compare(e, &a, &b, 0, tol);
}

static void test_float32(void)
{
    verify_cmp c = cmp_f32(0x3f800000u, 0x3f800000u, 0); /* 1.0 vs 1.0 */
    tap_ok(c.equal && c.has_ulp && c.ulp == 0, "f32: equal bits are equal, 0 ulp");
    c = cmp_f32(0x3f800000u, 0x3f800001u, 0); /* 1.0 vs the next float up */
    tap_ok(!c.equal && c.has_ulp && c.ulp == 1, "f32: 1.0 and its successor differ by 1 ulp at tolerance 0");
    c = cmp_f32(0x3f800000u, 0x3f800001u, 1);
    tap_ok(c.equal, "f32: ... and are equal at tolerance 1");
    c = cmp_f32(0x3f800000u, 0x3f7ffffdu, 2); /* 1.0 vs three floats down */
    tap_ok(!c.equal && c.ulp == 3, "f32: 3 ulp below 1.0 is outside tolerance 2 (ulp %llu)", (unsigned long long)c.ulp);
    c = cmp_f32(0x00000000u, 0x80000000u, 0); /* +0 vs -0 */
    tap_ok(!c.equal && c.ulp == 0, "f32: +0 and -0 differ in bits at tolerance 0, 0 ulp apart");
    c = cmp_f32(0x00000000u, 0x80000000u, 1);
    tap_ok(c.equal, "f32: +0 and -0 are equal at tolerance 1");
    c = cmp_f32(0x00000001u, 0x80000001u, 0); /* +/- smallest subnormal */
    tap_ok(!c.equal && c.ulp == 2, "f32: +/- smallest subnormal are 2 ulp apart (across zero)");
    c = cmp_f32(0x7f800000u, 0x7f7fffffu, 1); /* +inf vs FLT_MAX */
    tap_ok(c.equal && c.ulp == 1, "f32: +inf is 1 ulp past FLT_MAX");
    c = cmp_f32(0x3f800000u, 0xbf800000u, 0); /* 1.0 vs -1.0 */
    tap_ok(!c.equal && c.ulp == 2ull * 0x3f800000u, "f32: 1.0 vs -1.0 is 2 * 0x3f800000 ulp");
    c = cmp_f32(0x7fc00000u, 0x7fc00001u, 0); /* two NaNs, different payloads */
    tap_ok(c.equal && !c.has_ulp, "f32: NaN equals NaN whatever the payload");
    c = cmp_f32(0x7fc00000u, 0x3f800000u, UINT64_MAX);
    tap_ok(!c.equal && !c.has_ulp, "f32: NaN never equals a number, at any tolerance");
    c = cmp_f32(0xff800000u, 0x7f800000u, 0);
    tap_ok(!c.equal && c.ulp == 2ull * 0x7f800000u, "f32: -inf vs +inf: not NaN, far apart");
}

static void test_half_widths(void)
{
    verify_cmp c = cmp_u16(RC_ELEM_F16, 0x3c00, 0x3c01, 0); /* 1.0 vs 1 + 2^-10 */
    tap_ok(!c.equal && c.ulp == 1, "f16: 1.0 and 1 + 2^-10 differ by 1 (half) ulp");
    c = cmp_u16(RC_ELEM_F16, 0x7c01, 0x7e00, 0);
    tap_ok(c.equal, "f16: two NaNs are equal");
    c = cmp_u16(RC_ELEM_F16, 0x7c00, 0x7bff, 1);
    tap_ok(c.equal && c.ulp == 1, "f16: +inf is 1 ulp past 65504");
    c = cmp_u16(RC_ELEM_F16, 0x7c00, 0x7c01, 100);
    tap_ok(!c.equal && !c.has_ulp, "f16: inf (0x7c00) vs NaN (0x7c01) never equal");
    c = cmp_u16(RC_ELEM_BF16, 0x3f80, 0x3f82, 1); /* 1.0 vs 1 + 2^-6 */
    tap_ok(!c.equal && c.ulp == 2, "bf16: 1.0 and 1 + 2^-6 are 2 (bfloat16) ulp apart");
    c = cmp_u16(RC_ELEM_BF16, 0x3f80, 0x3f82, 2);
    tap_ok(c.equal, "bf16: ... equal at tolerance 2");
    c = cmp_u16(RC_ELEM_BF16, 0x7f81, 0x7fc0, 0);
    tap_ok(c.equal, "bf16: two NaNs are equal");
    c = cmp_u16(RC_ELEM_BF16, 0x7f80, 0x7f81, 5);
    tap_ok(!c.equal && !c.has_ulp, "bf16: inf vs NaN never equal");
    /* The same 16 bits as a uint16 are integers: no ULPs, no NaN. */
    c = cmp_u16(RC_ELEM_U16, 0x7f81, 0x7fc0, 1000);
    tap_ok(!c.equal && !c.has_ulp, "u16: integers ignore the tolerance");
}

static void test_integers(void)
{
    uint8_t a8[2] = {0, 255}, b8[2] = {0, 254};
    tap_ok(verify_elem_compare(RC_ELEM_U8, a8, b8, 0, 0).equal &&
               !verify_elem_compare(RC_ELEM_U8, a8, b8, 1, 1).equal,
           "u8: element 0 equal, element 1 (255 vs 254) differs even at tolerance 1");
    int64_t a64 = INT64_MIN, b64 = INT64_MIN + 1;
    tap_ok(!verify_elem_compare(RC_ELEM_I64, &a64, &b64, 0, 0).equal, "i64: INT64_MIN vs INT64_MIN + 1 differ");
    int32_t a32 = -7, b32 = -7;
    tap_ok(verify_elem_compare(RC_ELEM_I32, &a32, &b32, 0, 0).equal, "i32: -7 equals -7");
    uint32_t u32a = 4000000000u, u32b = 4000000001u;
    tap_ok(!verify_elem_compare(RC_ELEM_U32, &u32a, &u32b, 0, 0).equal, "u32: large values compared unsigned");
}

static void expect_format(rc_elem e, const void *data, const char *want, const char *what)
{
    char buf[96];
    verify_elem_format(e, data, 0, buf, sizeof buf);
    tap_ok(!strcmp(buf, want), "format %s: \"%s\" (got \"%s\")", what, want, buf);
}

static void test_format(void)
{
    uint32_t f = 0x3f000000u;
    expect_format(RC_ELEM_F32, &f, "0.5 (0x3f000000)", "f32 0.5");
    uint16_t h = 0x3c00, hs = 0x0001, b = 0xbf80;
    expect_format(RC_ELEM_F16, &h, "1 (0x3c00)", "f16 1.0");
    expect_format(RC_ELEM_F16, &hs, "5.96046448e-08 (0x0001)", "f16 smallest subnormal 2^-24");
    expect_format(RC_ELEM_BF16, &b, "-1 (0xbf80)", "bf16 -1.0");
    int64_t i = -42;
    expect_format(RC_ELEM_I64, &i, "-42", "i64 -42");
    uint32_t u = 4000000000u;
    expect_format(RC_ELEM_U32, &u, "4000000000", "u32 4e9");
}

static void test_json(void)
{
    rc_err err;
    rc_jv *j = NULL;
    const char *ok_text = "{\"a\": [1, -2.5e3, true, false, null], \"s\": \"x\\\"\\\\\\/\\n\\u00e9\\ud83d\\ude00\","
                          " \"o\": {}, \"e\": []}";
    rc_err_clear(&err);
    rc_status st = rc_json_read_text(ok_text, strlen(ok_text), &j, &err);
    tap_ok(st == RC_OK, "json: a valid document parses (%s)", err.msg);
    if (st == RC_OK) {
        const rc_jv *a = rc_jv_get(j, "a"), *s = rc_jv_get(j, "s");
        tap_ok(a && a->type == RC_JV_ARRAY && a->n == 5 && a->items[1].number == -2500.0 && a->items[2].boolean == 1 &&
                   a->items[3].type == RC_JV_BOOL && a->items[3].boolean == 0 && a->items[4].type == RC_JV_NULL,
               "json: array of numbers, booleans and null in order");
        tap_ok(s && s->type == RC_JV_STRING && !strcmp(s->text, "x\"\\/\n\xc3\xa9\xf0\x9f\x98\x80"),
               "json: escapes, \\u00e9 and a surrogate pair decode to UTF-8");
        tap_ok(rc_jv_get(j, "missing") == NULL, "json: an absent key is NULL");
    }
    rc_jv_free(j);

    static const struct { const char *text, *where; } bad[] = {
        {"", "line 1 column 1"},
        {"{\"a\": 1,}", "line 1 column 9"},
        {"{\"a\" 1}", "line 1 column 6"},
        {"[1, 2]\n x", "line 2 column 2"},
        {"\"\\ud800\"", "surrogate"},
        {"\"abc", "a closing '\"'"},
        {"[01]", "expected ',' or ']'"},
        {"[1.]", "a digit after '.'"},
        {"[nan]", "expected a value"},
        {"\"a\tb\"", "control character"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rc_err_clear(&err);
        j = NULL;
        st = rc_json_read_text(bad[i].text, strlen(bad[i].text), &j, &err);
        tap_ok(st == RC_E_IO && !j && strstr(err.msg, bad[i].where), "json: malformed text %zu refused, message has '%s' (%s)",
               i, bad[i].where, err.msg);
    }
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    rc_err_clear(&err);
    st = rc_json_read_text(deep, sizeof deep, &j, &err);
    tap_ok(st == RC_E_IO && strstr(err.msg, "nested"), "json: 100 nested arrays refused (%s)", err.msg);
}

int main(void)
{
    test_float32();
    test_half_widths();
    test_integers();
    test_format();
    test_json();
    return tap_done();
}
