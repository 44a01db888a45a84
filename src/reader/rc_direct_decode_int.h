/* rc_direct_decode_int.h — private to src/reader: the chunk filters of HDF5 undone without HDF5, each
 * from src[n] into dst of exactly want bytes (the chunk's decoded size, known from the dataset's
 * chunk shape; nothing is sized from the stored bytes).  Each returns 0, or -1 when the stored
 * bytes do not decode to exactly want bytes. */
#ifndef RC_DIRECT_DECODE_H
#define RC_DIRECT_DECODE_H

#include <stddef.h>

/* Decoder state one thread reuses across chunks (created on first use); free with
 * rd_decoders_free. */
typedef struct rd_decoders {
    void *inflate;  /* struct libdeflate_decompressor */
    void *zstd;     /* ZSTD_DCtx */
} rd_decoders;

void rd_decoders_free(rd_decoders *d);

/* HDF5 deflate (filter 1): one zlib stream. */
int rd_inflate(rd_decoders *d, const void *src, size_t n, void *dst, size_t want);
/* zstd (filter 32015): one or more zstd frames. */
int rd_unzstd(rd_decoders *d, const void *src, size_t n, void *dst, size_t want);
/* HDF5's lz4 filter (32004): 8-byte big-endian decoded size, 4-byte big-endian block size, then
 * per block a 4-byte big-endian stored size and the block (stored raw when that size equals the
 * block's decoded size). */
int rd_unlz4(const void *src, size_t n, void *dst, size_t want);
/* Shuffle (filter 2) undone: byte j of element i comes from src[j * (n / size) + i]; the
 * n % size trailing bytes were left in place. */
void rd_unshuffle(const void *src, size_t n, size_t size, void *dst);

#endif
