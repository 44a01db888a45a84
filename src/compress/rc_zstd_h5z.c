/* rc_zstd_h5z.c — the zstd HDF5 filter function (docs/SPEC.md §6: id 32015, cd_values[0] = the
 * compression level, the id and convention registered with The HDF Group for zstd).  Forward it
 * compresses a chunk into one zstd frame that records its content size; in reverse it decodes any
 * zstd stream, sizing the output from the frame header or, when the header does not say or the
 * chunk holds several frames, by streaming.  A decoded chunk never exceeds the chunk's own size: set_local records it as
 * cd_values[1] when a dataset is created, and the converter also bounds each read by the
 * dataset's real chunk shape (rc_zstd_h5z_bound), which covers files without cd_values[1] and
 * files that lie in it.  A stream that decodes past the bound fails the read before its output is
 * allocated.  It depends on HDF5 and libzstd only, so the plugin build can use it unchanged. */
#include "compress/rc_zstd_h5z_int.h"

#include <stdint.h>
#include <string.h>
#include <zstd.h>

/* HDF5 addresses a chunk with 32 bits: no valid chunk decodes to more than this. */
#define MAX_CHUNK_BYTES ((unsigned long long)UINT32_MAX)

/* The bound the calling thread has set for its current read (0: none set).  HDF5 runs a
 * filter in the thread that called H5Dread. */
static _Thread_local unsigned long long read_bound;

void rc_zstd_h5z_bound(unsigned long long chunk_bytes) { read_bound = chunk_bytes; }

/* Decodes a stream whose frame header does not give the content size: grows the output as
 * ZSTD_decompressStream asks for room, never past limit bytes.  Returns the decoded size, or 0
 * on failure (including a stream that decodes to more than limit). */
static size_t decode_streaming(const void *src, size_t n, size_t limit, void **out)
{
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    size_t cap = n * 4 > ZSTD_DStreamOutSize() ? n * 4 : ZSTD_DStreamOutSize();
    if (cap > limit) cap = limit ? limit : 1;
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
            if (cap >= limit) goto done; /* more output than the chunk holds */
            size_t grown = cap > limit / 2 ? limit : cap * 2;
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

/* Decodes *buf[nbytes] into a new buffer of at most limit bytes. */
static size_t decode(size_t limit, size_t nbytes, size_t *buf_size, void **buf)
{
    unsigned long long size = ZSTD_getFrameContentSize(*buf, nbytes);
    void *out = NULL;
    size_t got;
    if (size == ZSTD_CONTENTSIZE_ERROR) return 0;
    /* Several frames (another writer's chunk): the first header gives only the first size. */
    if (size != ZSTD_CONTENTSIZE_UNKNOWN && ZSTD_findFrameCompressedSize(*buf, nbytes) != nbytes)
        size = ZSTD_CONTENTSIZE_UNKNOWN;
    if (size == ZSTD_CONTENTSIZE_UNKNOWN) {
        got = decode_streaming(*buf, nbytes, limit, &out);
        if (got == 0) return 0;
    } else {
        if (size > limit) return 0;
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

/* The most bytes a chunk of this filter may decode to: the smallest of HDF5's chunk maximum,
 * cd_values[1] (the chunk size recorded at creation) and the calling thread's bound. */
static size_t decode_limit(size_t cd_nelmts, const unsigned int cd_values[])
{
    unsigned long long limit = MAX_CHUNK_BYTES;
    if (cd_nelmts > 1 && cd_values[1] < limit) limit = cd_values[1];
    if (read_bound && read_bound < limit) limit = read_bound;
    return limit < SIZE_MAX ? (size_t)limit : SIZE_MAX;
}

/* H5Z_func_t: returns the valid bytes now in *buf, or 0 for failure (HDF5's convention). */
static size_t zstd_filter(unsigned int flags, size_t cd_nelmts, const unsigned int cd_values[],
                          size_t nbytes, size_t *buf_size, void **buf)
{
    if (flags & H5Z_FLAG_REVERSE) return decode(decode_limit(cd_nelmts, cd_values), nbytes, buf_size, buf);
    /* cd_values[0] holds the level as an unsigned int; zstd's negative levels wrap around. */
    int level = cd_nelmts > 0 ? (int)cd_values[0] : ZSTD_CLEVEL_DEFAULT;
    return encode(level, nbytes, buf_size, buf);
}

/* H5Z_set_local_func_t: at dataset creation, cd_values becomes [level, chunk bytes]. */
static herr_t zstd_set_local(hid_t dcpl, hid_t type, hid_t space)
{
    (void)space;
    unsigned flags, cd[2] = {(unsigned)ZSTD_CLEVEL_DEFAULT, 0};
    size_t n_cd = 2;
    hsize_t dims[H5S_MAX_RANK];
    int rank = H5Pget_chunk(dcpl, H5S_MAX_RANK, dims);
    size_t elem = H5Tget_size(type);
    if (rank < 1 || elem == 0) return -1;
    /* Variable-length elements are stored in the chunk in another size than elem: leave
     * cd_values as given (the converter still bounds such reads itself). */
    if (H5Tdetect_class(type, H5T_VLEN) > 0 || H5Tis_variable_str(type) > 0) return 0;
    if (H5Pget_filter_by_id2(dcpl, (H5Z_filter_t)32015, &flags, &n_cd, cd, 0, NULL, NULL) < 0) return -1;
    unsigned long long bytes = elem;
    for (int k = 0; k < rank; k++) {
        if (dims[k] && bytes > MAX_CHUNK_BYTES / dims[k]) return -1;
        bytes *= dims[k];
    }
    cd[1] = (unsigned)bytes;
    return H5Pmodify_filter(dcpl, (H5Z_filter_t)32015, flags, 2, cd);
}

const H5Z_class2_t rc_zstd_h5z_class = {
    H5Z_CLASS_T_VERS,
    (H5Z_filter_t)32015,
    1, /* encoder present */
    1, /* decoder present */
    "zstd (robocache)",
    NULL, /* can_apply: any type, any chunk */
    zstd_set_local,
    zstd_filter,
};
