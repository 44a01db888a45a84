/* test_jpeg.c — rc_jpeg_encode / rc_jpeg_decode / rc_jpeg_peek (src/compress/rc_jpeg.c):
 * round trips of smooth RGB and greyscale frames at several qualities and odd sizes (the decoded
 * pixels close to the originals: a mean error bound per quality), deterministic encoding,
 * higher quality never worse; then hostile input: empty, garbage, a JPEG cut at every length
 * class (header only, mid-scan, missing end marker), flipped bytes inside the scan, and frames
 * whose header declares another size or channel count than expected (a "size lie") must fail
 * with RC_E_INPUT before writing past the caller's frame, messages naming the caller's `what`;
 * and rc_jpeg_padded_len on ALOHA's compress_len values (whole, in range, not NaN). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"
#include "compress/rc_compress.h"
#include "tap.h"

static uint8_t *smooth_frame(int32_t H, int32_t W, int32_t C, int seed)
{
    uint8_t *f = malloc((size_t)H * W * C);
    if (!f) TAP_BAIL("out of memory");
    for (int32_t y = 0; y < H; y++)
        for (int32_t x = 0; x < W; x++)
            for (int32_t c = 0; c < C; c++)
                f[((size_t)y * W + x) * C + c] = (uint8_t)(30 + 90 * x / W + (70 + seed) * y / H + 15 * c);
    return f;
}

/* Mean and max absolute difference of n bytes. */
static void diff(const uint8_t *a, const uint8_t *b, size_t n, double *mean, int *max)
{
    double s = 0;
    *max = 0;
    for (size_t i = 0; i < n; i++) {
        int d = abs((int)a[i] - (int)b[i]);
        s += d;
        if (d > *max) *max = d;
    }
    *mean = s / (double)n;
}

static void round_trip(int32_t H, int32_t W, int32_t C, int q, double mean_bound)
{
    rc_err err;
    uint8_t *f = smooth_frame(H, W, C, 1), *jpg = NULL, *jpg2 = NULL;
    size_t n = 0, n2 = 0, bytes = (size_t)H * W * C;
    uint8_t *back = malloc(bytes + 64);
    if (!back) TAP_BAIL("out of memory");
    memset(back + bytes, 0xEE, 64);
    rc_err_clear(&err);
    int ok = rc_jpeg_encode(f, H, W, C, q, &jpg, &n, "test frame", &err) == RC_OK;
    if (!tap_ok(ok && n > 0 && n < bytes + 1024, "encode %dx%dx%d q%d: %zu bytes", H, W, C, q, n)) {
        tap_diag("%s", err.msg);
    } else {
        tap_ok(rc_jpeg_encode(f, H, W, C, q, &jpg2, &n2, "test frame", &err) == RC_OK && n2 == n &&
                   !memcmp(jpg, jpg2, n),
               "encode %dx%dx%d q%d: the same bytes twice", H, W, C, q);
        int32_t h = 0, w = 0, c = 0;
        rc_status pst = rc_jpeg_peek(jpg, n, &h, &w, &c, "test frame", &err);
        tap_ok(pst == RC_OK && h == H && w == W && c == C,
               "peek %dx%dx%d q%d: the header declares %dx%dx%d", H, W, C, q, h, w, c);
        ok = rc_jpeg_decode(jpg, n, H, W, C, back, "test frame", &err) == RC_OK;
        double mean = 0;
        int max = 0;
        if (ok) diff(f, back, bytes, &mean, &max);
        tap_ok(ok && mean <= mean_bound, "decode %dx%dx%d q%d: mean error %.3f <= %.1f (max %d)", H, W, C, q, mean,
               mean_bound, max);
        int guard = 1;
        for (int i = 0; i < 64; i++) guard &= back[bytes + i] == 0xEE;
        tap_ok(guard, "decode %dx%dx%d q%d: nothing written past the frame", H, W, C, q);
    }
    rc_free(jpg);
    rc_free(jpg2);
    free(back);
    free(f);
}

/* A decode of n bytes of jpg into the expected [H, W, C] must fail with RC_E_INPUT naming what. */
static void must_fail(const uint8_t *jpg, size_t n, int32_t H, int32_t W, int32_t C, const char *label)
{
    rc_err err;
    size_t bytes = (size_t)H * W * C;
    uint8_t *px = malloc(bytes + 64);
    if (!px) TAP_BAIL("out of memory");
    memset(px + bytes, 0xEE, 64);
    rc_err_clear(&err);
    rc_status st = rc_jpeg_decode(jpg, n, H, W, C, px, "stream cam frame 7", &err);
    int guard = 1;
    for (int i = 0; i < 64; i++) guard &= px[bytes + i] == 0xEE;
    tap_ok(st == RC_E_INPUT && !strncmp(err.msg, "stream cam frame 7: ", 20) && guard, "%s: refused (%s)", label,
           err.msg);
    free(px);
}

int main(void)
{
    rc_err err;
    round_trip(480, 640, 3, 95, 2.0);
    round_trip(480, 640, 3, 75, 3.0);
    round_trip(224, 224, 3, 90, 2.5);
    round_trip(37, 53, 3, 80, 3.5); /* sides not multiples of the 16x16 MCU */
    round_trip(1, 1, 3, 90, 4.0);
    round_trip(96, 96, 1, 90, 1.5);
    round_trip(17, 9, 1, 50, 4.0);

    /* higher quality is never worse on the same frame */
    {
        uint8_t *f = smooth_frame(120, 160, 3, 2), *back = malloc(120 * 160 * 3);
        double prev = 1e9;
        int monotone = 1;
        for (int q = 30; q <= 100 && back; q += 35) {
            uint8_t *j = NULL;
            size_t n = 0;
            double mean = 0;
            int max = 0;
            if (rc_jpeg_encode(f, 120, 160, 3, q, &j, &n, "q", &err) != RC_OK ||
                rc_jpeg_decode(j, n, 120, 160, 3, back, "q", &err) != RC_OK) {
                monotone = 0;
            } else {
                diff(f, back, 120 * 160 * 3, &mean, &max);
                monotone &= mean <= prev;
                prev = mean;
            }
            rc_free(j);
        }
        tap_ok(monotone, "qualities 30, 65, 100: the error never grows with quality (last mean %.3f)", prev);
        free(back);
        free(f);
    }

    /* arguments */
    {
        uint8_t px[12] = {0}, *j = NULL;
        size_t n = 0;
        tap_ok(rc_jpeg_encode(px, 2, 2, 3, 0, &j, &n, "arg", &err) == RC_E_USAGE && !j, "quality 0 is refused");
        tap_ok(rc_jpeg_encode(px, 2, 2, 3, 101, &j, &n, "arg", &err) == RC_E_USAGE, "quality 101 is refused");
        tap_ok(rc_jpeg_encode(px, 2, 1, 4, 90, &j, &n, "arg", &err) == RC_E_USAGE, "4 channels are refused (no alpha in JPEG)");
        tap_ok(rc_jpeg_encode(px, 0, 2, 3, 90, &j, &n, "arg", &err) == RC_E_USAGE, "an empty frame is refused");
    }

    /* hostile input */
    uint8_t *f = smooth_frame(64, 80, 3, 3), *jpg = NULL, *grey = NULL;
    size_t n = 0, gn = 0;
    if (rc_jpeg_encode(f, 64, 80, 3, 85, &jpg, &n, "src", &err) != RC_OK) TAP_BAIL("%s", err.msg);
    uint8_t *g1 = smooth_frame(64, 80, 1, 3);
    if (rc_jpeg_encode(g1, 64, 80, 1, 85, &grey, &gn, "src", &err) != RC_OK) TAP_BAIL("%s", err.msg);
    free(g1);
    must_fail(jpg, 0, 64, 80, 3, "0 bytes");
    {
        uint8_t junk[4096];
        for (size_t i = 0; i < sizeof junk; i++) junk[i] = (uint8_t)(i * 131 + 7);
        must_fail(junk, sizeof junk, 64, 80, 3, "garbage without a JPEG marker");
        uint8_t zeros[512] = {0};
        must_fail(zeros, sizeof zeros, 64, 80, 3, "zero bytes (an unwritten padded row)");
    }
    must_fail(jpg, 2, 64, 80, 3, "truncated after the start marker");
    must_fail(jpg, 100, 64, 80, 3, "truncated inside the header");
    size_t sos = 0; /* the start-of-scan marker: entropy-coded data follows */
    for (size_t i = 0; i + 1 < n; i++)
        if (jpg[i] == 0xFF && jpg[i + 1] == 0xDA) {
            sos = i;
            break;
        }
    tap_ok(sos > 0 && n - sos > 200, "the encoded frame has a start-of-scan marker and %zu bytes of scan", n - sos);
    must_fail(jpg, sos, 64, 80, 3, "truncated just before the scan");
    must_fail(jpg, sos + (n - sos) / 2, 64, 80, 3, "truncated in the middle of the scan");
    must_fail(jpg, n - 2, 64, 80, 3, "missing the end marker");
    {
        /* corrupt bytes inside the entropy-coded data: plant an out-of-sequence restart marker
         * (0xFF 0xD3) in the middle of the scan, then scramble the scan */
        uint8_t *bad = malloc(n);
        if (!bad) TAP_BAIL("out of memory");
        memcpy(bad, jpg, n);
        size_t at = sos + (n - sos) / 2;
        bad[at] = 0xFF;
        bad[at + 1] = 0xD3;
        must_fail(bad, n, 64, 80, 3, "a stray marker in the scan");
        memcpy(bad, jpg, n);
        for (size_t i = sos + 20; i < n - 2; i += 7) bad[i] ^= 0x5A;
        {
            rc_err e2;
            uint8_t *px = malloc(64 * 80 * 3);
            rc_err_clear(&e2);
            rc_status st = px ? rc_jpeg_decode(bad, n, 64, 80, 3, px, "stream cam frame 7", &e2) : RC_E_NOMEM;
            /* scrambled entropy data either decodes into (wrong) pixels or fails cleanly */
            tap_ok(st == RC_OK || (st == RC_E_INPUT && strstr(e2.msg, "stream cam frame 7")),
                   "scrambled scan data: decoded or refused cleanly (%s)", st == RC_OK ? "decoded" : e2.msg);
            free(px);
        }
        free(bad);
    }
    /* size lies: the header declares something else than the stream's frame */
    must_fail(jpg, n, 64, 81, 3, "declares 80 columns, expected 81");
    must_fail(jpg, n, 32, 80, 3, "declares 64 rows, expected 32 (a smaller buffer)");
    must_fail(jpg, n, 64, 80, 1, "colour frame where greyscale is expected");
    must_fail(grey, gn, 64, 80, 3, "greyscale frame where colour is expected");
    {
        /* edit the SOF0 height field to 65000: a lie larger than the expected frame */
        uint8_t *lie = malloc(n);
        if (!lie) TAP_BAIL("out of memory");
        memcpy(lie, jpg, n);
        for (size_t i = 0; i + 8 < n; i++)
            if (lie[i] == 0xFF && lie[i + 1] == 0xC0) {
                lie[i + 5] = 65000 >> 8;
                lie[i + 6] = 65000 & 0xFF;
                break;
            }
        must_fail(lie, n, 64, 80, 3, "SOF height edited to 65000");
        int32_t h = 0, w = 0, c = 0;
        rc_status pst = rc_jpeg_peek(lie, n, &h, &w, &c, "peek", &err);
        tap_ok(pst == RC_OK && h == 65000 && w == 80,
               "peek reports the lie as declared (%dx%d)", h, w);
        free(lie);
    }
    /* ALOHA's compress_len (float32) of a padded row */
    {
        size_t len = 0;
        static const double bad[] = {0.0, -1.0, 1.5, 4097.0, 1e30};
        tap_ok(rc_jpeg_padded_len(4096.0, 4096, &len, "cam frame 3", &err) == RC_OK && len == 4096,
               "compress_len equal to the row length is taken");
        tap_ok(rc_jpeg_padded_len(1.0, 4096, &len, "cam frame 3", &err) == RC_OK && len == 1, "compress_len 1 is taken");
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
            tap_ok(rc_jpeg_padded_len(bad[i], 4096, &len, "cam frame 3", &err) == RC_E_INPUT && len == 0 &&
                       strstr(err.msg, "cam frame 3: compress_len"),
                   "compress_len %g of a 4096-byte row is refused (%s)", bad[i], err.msg);
        tap_ok(rc_jpeg_padded_len(NAN, 4096, &len, "cam", &err) == RC_E_INPUT, "compress_len NaN is refused");
    }
    rc_free(jpg);
    rc_free(grey);
    free(f);
    return tap_done();
}
