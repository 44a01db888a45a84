/* rc_direct_decode.c — HDF5's deflate, zstd, lz4 and shuffle filters undone in the calling
 * thread with libdeflate, libzstd and liblz4, each into a buffer of the chunk's known size. */
#include "config.h"
#include "reader/rc_direct_decode_int.h"

#include <libdeflate.h>
#include <limits.h>
#include <lz4.h>
#include <stdint.h>
#include <string.h>
#include <zstd.h>

void rd_decoders_free(rd_decoders *d)
{
    libdeflate_free_decompressor(d->inflate);
    ZSTD_freeDCtx(d->zstd);
    d->inflate = NULL;
    d->zstd = NULL;
}

int rd_inflate(rd_decoders *d, const void *src, size_t n, void *dst, size_t want)
{
    if (!d->inflate && !(d->inflate = libdeflate_alloc_decompressor())) return -1;
    /* No actual-size pointer: libdeflate succeeds only when the output is exactly want bytes. */
    return libdeflate_zlib_decompress(d->inflate, src, n, dst, want, NULL) == LIBDEFLATE_SUCCESS ? 0 : -1;
}

int rd_unzstd(rd_decoders *d, const void *src, size_t n, void *dst, size_t want)
{
    if (!d->zstd && !(d->zstd = ZSTD_createDCtx())) return -1;
    size_t got = ZSTD_decompressDCtx(d->zstd, dst, want, src, n);
    return !ZSTD_isError(got) && got == want ? 0 : -1;
}

static uint64_t be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

int rd_unlz4(const void *src, size_t n, void *dst, size_t want)
{
    const uint8_t *p = src, *end = p + n;
    uint8_t *out = dst;
    if (n < 12 || be(p, 8) != want) return -1;
    uint64_t block = be(p + 8, 4);
    p += 12;
    if (block == 0 && want > 0) return -1;
    if (block > want) block = want;
    for (size_t done = 0; done < want;) {
        size_t this_block = want - done < block ? want - done : (size_t)block;
        if (end - p < 4) return -1;
        uint64_t stored = be(p, 4);
        p += 4;
        if (stored > (uint64_t)(end - p)) return -1;
        if (stored == this_block) {
            memcpy(out + done, p, this_block);
        } else {
            if (stored > INT_MAX || this_block > INT_MAX) return -1;
            int got = LZ4_decompress_safe((const char *)p, (char *)out + done, (int)stored, (int)this_block);
            if (got < 0 || (size_t)got != this_block) return -1;
        }
        p += stored;
        done += this_block;
    }
    return 0;
}

void rd_unshuffle(const void *src, size_t n, size_t size, void *dst)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    size_t count = n / size;
    if (size <= 1 || count <= 1) {
        memcpy(d, s, n);
        return;
    }
    for (size_t j = 0; j < size; j++) {
        const uint8_t *plane = s + j * count;
        for (size_t i = 0; i < count; i++) d[i * size + j] = plane[i];
    }
    memcpy(d + count * size, s + count * size, n - count * size);
}
