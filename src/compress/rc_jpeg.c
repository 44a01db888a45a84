/* rc_jpeg.c — JPEG encode and decode of one camera frame through libjpeg-turbo's TurboJPEG API
 * (see rc_compress.h): the output buffer of an encode is sized up front (tjBufSize, no
 * reallocation inside the library), and a decode checks the header against the expected frame
 * before any pixel is decoded, stops on libjpeg's warnings and caps progressive scans. */
#include <math.h>
#include <turbojpeg.h>

#include "common/rc_common.h"
#include "compress/rc_compress.h"

static int dims_ok(int32_t H, int32_t W, int32_t C)
{
    return H >= 1 && H <= RC_JPEG_MAX_DIM && W >= 1 && W <= RC_JPEG_MAX_DIM && (C == 1 || C == 3);
}

rc_status rc_jpeg_encode(const uint8_t *px, int32_t H, int32_t W, int32_t C, int quality, uint8_t **out,
                         size_t *out_n, const char *what, rc_err *err)
{
    rc_status st = RC_OK;
    tjhandle tj = NULL;
    int samp = C == 1 ? TJSAMP_GRAY : TJSAMP_420;
    unsigned long cap = 0, size = 0;
    uint8_t *buf = NULL;
    *out = NULL;
    *out_n = 0;
    RC_FAIL_IF(!dims_ok(H, W, C), err, RC_E_USAGE,
               "%s: cannot encode a %dx%dx%d frame as JPEG (1 or 3 channels, sides 1 to %d)", what, H, W, C,
               RC_JPEG_MAX_DIM);
    RC_FAIL_IF(quality < 1 || quality > 100, err, RC_E_USAGE, "%s: JPEG quality %d is not in 1..100", what, quality);
    cap = tjBufSize(W, H, samp);
    RC_FAIL_IF(cap == (unsigned long)-1, err, RC_E_USAGE, "%s: no JPEG size bound for %dx%d", what, H, W);
    buf = rc_malloc(cap);
    tj = tjInitCompress();
    RC_FAIL_IF(!buf || !tj, err, RC_E_NOMEM, "%s: out of memory for a %lu-byte JPEG encoder", what, cap);
    size = cap;
    RC_FAIL_IF(tjCompress2(tj, px, W, 0, H, C == 1 ? TJPF_GRAY : TJPF_RGB, &buf, &size, samp, quality,
                           TJFLAG_NOREALLOC | TJFLAG_ACCURATEDCT) != 0,
               err, RC_E_INTERNAL, "%s: JPEG encoding failed: %s", what, tjGetErrorStr2(tj));
    *out = buf;
    *out_n = size;
    buf = NULL;
done:
    if (tj) tjDestroy(tj);
    rc_free(buf);
    return st;
}

rc_status rc_jpeg_padded_len(double stored, size_t row_len, size_t *n, const char *what, rc_err *err)
{
    rc_status st = RC_OK;
    *n = 0;
    RC_FAIL_IF(!(stored >= 1.0 && stored <= (double)row_len && stored == floor(stored)), err, RC_E_INPUT,
               "%s: compress_len %g is not a whole number of bytes from 1 to the row's %zu", what, stored, row_len);
    *n = (size_t)stored;
done:
    return st;
}

/* The header of jpg: sides and channels (0: a colour layout we do not decode). */
static rc_status read_header(tjhandle tj, const uint8_t *jpg, size_t n, int32_t *H, int32_t *W, int32_t *C,
                             const char *what, rc_err *err)
{
    rc_status st = RC_OK;
    int w = 0, h = 0, samp = 0, cs = 0;
    RC_FAIL_IF(n == 0, err, RC_E_INPUT, "%s: empty JPEG frame (0 bytes)", what);
    RC_FAIL_IF(tjDecompressHeader3(tj, jpg, (unsigned long)n, &w, &h, &samp, &cs) != 0, err, RC_E_INPUT,
               "%s: not a readable JPEG frame (%zu bytes): %s", what, n, tjGetErrorStr2(tj));
    RC_FAIL_IF(w < 1 || h < 1, err, RC_E_INPUT, "%s: not a readable JPEG frame (%zu bytes): no frame header",
               what, n);
    *H = h;
    *W = w;
    *C = cs == TJCS_GRAY ? 1 : (cs == TJCS_YCbCr || cs == TJCS_RGB) ? 3 : 0;
done:
    return st;
}

rc_status rc_jpeg_peek(const uint8_t *jpg, size_t n, int32_t *H, int32_t *W, int32_t *C, const char *what,
                       rc_err *err)
{
    rc_status st = RC_OK;
    tjhandle tj = tjInitDecompress();
    RC_FAIL_IF(!tj, err, RC_E_NOMEM, "%s: out of memory for a JPEG decoder", what);
    RC_TRY(read_header(tj, jpg, n, H, W, C, what, err));
done:
    if (tj) tjDestroy(tj);
    return st;
}

rc_status rc_jpeg_decode(const uint8_t *jpg, size_t n, int32_t H, int32_t W, int32_t C, uint8_t *px,
                         const char *what, rc_err *err)
{
    rc_status st = RC_OK;
    int32_t h = 0, w = 0, c = 0;
    tjhandle tj = NULL;
    RC_FAIL_IF(!dims_ok(H, W, C), err, RC_E_USAGE,
               "%s: cannot decode JPEG into a %dx%dx%d frame (1 or 3 channels, sides 1 to %d)", what, H, W, C,
               RC_JPEG_MAX_DIM);
    tj = tjInitDecompress();
    RC_FAIL_IF(!tj, err, RC_E_NOMEM, "%s: out of memory for a JPEG decoder", what);
    RC_TRY(read_header(tj, jpg, n, &h, &w, &c, what, err));
    RC_FAIL_IF(h != H || w != W || c != C, err, RC_E_INPUT,
               "%s: JPEG frame declares %dx%d with %s, expected %dx%dx%d", what, h, w,
               c == 1 ? "1 channel" : c == 3 ? "3 channels" : "an unsupported colour space (CMYK/YCCK)", H, W, C);
    RC_FAIL_IF(tjDecompress2(tj, jpg, (unsigned long)n, px, W, 0, H, C == 1 ? TJPF_GRAY : TJPF_RGB,
                             TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS | TJFLAG_ACCURATEDCT) != 0,
               err, RC_E_INPUT, "%s: corrupt JPEG frame (%zu bytes, %dx%dx%d): %s", what, n, H, W, C,
               tjGetErrorStr2(tj));
done:
    if (tj) tjDestroy(tj);
    return st;
}
