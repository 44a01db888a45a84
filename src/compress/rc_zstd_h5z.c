/* rc_zstd_h5z.c — the zstd HDF5 filter function (SPEC section 6: id 32015, cd_values[0] = the
 * compression level, the id and convention registered with The HDF Group for zstd).  Forward it
 * compresses a chunk into one zstd frame that records its content size; in reverse it decodes any
 * zstd stream, sizing the output from the frame header or, when the header does not say or the
 * chunk holds several frames, by streaming.  It depends on HDF5 and libzstd only, so the plugin
 * build can use it unchanged. */
#include "compress/rc_zstd_h5z_int.h"

#include <stdint.h>
#include <string.h>
#include <zstd.h>

/* HDF5 addresses a chunk with 32 bits: no valid chunk decodes to more than this. */
#define MAX_CHUNK_BYTES ((unsigned long long)UINT32_MAX)

/* Decodes a stream whose frame header does not give the content size: grows the output as
 * ZSTD_decompressStream asks for room.  Returns the decoded size, or 0 on failure. */
static size_t decode_streaming(const void *src, size_t n, void **out)
{
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    size_t cap = n * 4 > ZSTD_DStreamOutSize() ? n * 4 : ZSTD_DStreamOutSize();
    void *dst = H5allocate_memory(cap, 0);
    size_t result = 0;
    if (!dctx || !dst) goto done;
    ZSTD_inBuffer in = {src, n, 0};
    ZSTD_outBuffer ob = {dst, cap, 0};
    for (;;) {
        size_t r = ZSTD_decompressStream(dctx, &ob, &in);
        if (ZSTD_isError(r)) goto done;
        if (r == 0 && in.pos == in.size) break; /* last frame complete, input used up */
        if (in.pos == in.size && ob.pos < ob.size) goto done; /* truncated input */
        if (ob.pos == ob.size) {
            if (cap >= MAX_CHUNK_BYTES) goto done;
            size_t grown = cap * 2;
            void *p = H5resize_memory(dst, grown);
            if (!p) goto done;
            dst = p;
            cap = grown;
            ob.dst = dst;
            ob.size = cap;
        }
    }
    *out = dst;
    dst = NULL;
    result = ob.pos;
done:
    if (dst) H5free_memory(dst);
    ZSTD_freeDCtx(dctx);
    return result;
}

static size_t decode(size_t nbytes, size_t *buf_size, void **buf)
{
    unsigned long long size = ZSTD_getFrameContentSize(*buf, nbytes);
    void *out = NULL;
    size_t got;
    if (size == ZSTD_CONTENTSIZE_ERROR) return 0;
    /* Several frames (another writer's chunk): the first header gives only the first size. */
    if (size != ZSTD_CONTENTSIZE_UNKNOWN && ZSTD_findFrameCompressedSize(*buf, nbytes) != nbytes)
        size = ZSTD_CONTENTSIZE_UNKNOWN;
    if (size == ZSTD_CONTENTSIZE_UNKNOWN) {
        got = decode_streaming(*buf, nbytes, &out);
        if (got == 0) return 0;
    } else {
        if (size > MAX_CHUNK_BYTES) return 0;
        out = H5allocate_memory(size ? (size_t)size : 1, 0);
        if (!out) return 0;
        got = ZSTD_decompress(out, (size_t)size, *buf, nbytes);
        if (ZSTD_isError(got) || got != size) {
            H5free_memory(out);
            return 0;
        }
    }
    H5free_memory(*buf);
    *buf = out;
    *buf_size = got ? got : 1;
    return got;
}

static size_t encode(int level, size_t nbytes, size_t *buf_size, void **buf)
{
    size_t cap = ZSTD_compressBound(nbytes);
    void *out = H5allocate_memory(cap, 0);
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    size_t n = 0;
    if (!out || !cctx) goto done;
    n = ZSTD_compressCCtx(cctx, out, cap, *buf, nbytes, level);
    if (ZSTD_isError(n)) {
        n = 0;
        goto done;
    }
    H5free_memory(*buf);
    *buf = out;
    *buf_size = cap;
    out = NULL;
done:
    if (out) H5free_memory(out);
    ZSTD_freeCCtx(cctx);
    return n;
}

/* H5Z_func_t: returns the valid bytes now in *buf, or 0 for failure (HDF5's convention). */
static size_t zstd_filter(unsigned int flags, size_t cd_nelmts, const unsigned int cd_values[],
                          size_t nbytes, size_t *buf_size, void **buf)
{
    if (flags & H5Z_FLAG_REVERSE) return decode(nbytes, buf_size, buf);
    /* cd_values[0] holds the level as an unsigned int; zstd's negative levels wrap around. */
    int level = cd_nelmts > 0 ? (int)cd_values[0] : ZSTD_CLEVEL_DEFAULT;
    return encode(level, nbytes, buf_size, buf);
}

const H5Z_class2_t rc_zstd_h5z_class = {
    H5Z_CLASS_T_VERS,
    (H5Z_filter_t)32015,
    1, /* encoder present */
    1, /* decoder present */
    "zstd (robocache)",
    NULL, /* can_apply: any type, any chunk */
    NULL, /* set_local: cd_values are complete as given */
    zstd_filter,
};
