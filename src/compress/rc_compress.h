/* rc_compress.h — the public header of src/compress: the zstd HDF5 filter and chunk compressor of
 * the shards, and JPEG frames through libjpeg-turbo. */
#ifndef RC_COMPRESS_H
#define RC_COMPRESS_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#include "common/rc_common.h"

/* rc_zstd_filter — the zstd HDF5 filter (id 32015, cd_values[0] = level), registered
 * in-process for reading and writing, and the chunk compressor the shard writer uses.  The same
 * filter is built as an HDF5 plugin (plugins/) so h5py reads our shards via HDF5_PLUGIN_PATH. */
#define RC_H5Z_FILTER_ZSTD 32015

/* Registers the filter with the HDF5 library of this process (idempotent). */
rc_status rc_zstd_filter_register(rc_err *err);

/* H5Dread of all of ds as mem_type into buf, with the zstd decoder bounded by ds's own chunk
 * size (its chunk shape times its element size): a chunk that decodes to more fails the read
 * before the larger buffer is allocated; a chunk shape over the memory budget fails at once.
 * Returns H5Dread's result. */
herr_t rc_zstd_filter_read(hid_t ds, hid_t mem_type, void *buf);

/* Compresses src[n] into one zstd frame that records its content size; *dst (rc_malloc'd,
 * caller frees) holds *dst_n bytes.  Deterministic for a given level and input. */
rc_status rc_zstd_compress_chunk(const void *src, size_t n, int level, void **dst, size_t *dst_n,
                                 rc_err *err);

/* rc_jpeg — one camera frame to and from JPEG through libjpeg-turbo (TurboJPEG API).
 * Frames are uint8 [H, W, C], channels last: C = 1 (greyscale) or 3 (RGB); JPEG stores no
 * alpha.  Encoding is deterministic for a given libjpeg-turbo build, quality and frame (4:2:0
 * chroma for RGB, the accurate integer DCT).  Decoding reads the header first and refuses a
 * frame whose declared size or colour layout is not the expected [H, W, C] before decoding a
 * pixel, so memory is bounded by the caller's frame; corrupt or truncated data is an error
 * (libjpeg's warnings, such as a premature end of data, count as errors).  Thread-safe: every
 * call uses its own TurboJPEG handle.  Errors are RC_E_INPUT for the data, RC_E_USAGE for bad
 * arguments, RC_E_NOMEM; their messages start with the caller's `what` (e.g. "stream cam_high
 * frame 17"), the caller's rc_err scope naming the file and episode. */
#define RC_JPEG_MAX_DIM 16384 /* each side of a frame, as the image resize */

/* Encodes px [H, W, C] at quality 1..100 into *out (rc_malloc'd, caller frees with rc_free),
 * *out_n bytes. */
rc_status rc_jpeg_encode(const uint8_t *px, int32_t H, int32_t W, int32_t C, int quality, uint8_t **out,
                         size_t *out_n, const char *what, rc_err *err);

/* Decodes the n bytes at jpg into px [H, W, C] (the expected size, H * W * C bytes).  For a
 * padded layout (fixed-size rows holding the JPEG bytes and a length, as ALOHA's compressed
 * HDF5 files), pass the row and its length: n must be in 1 .. row length, checked by the
 * caller. */
rc_status rc_jpeg_decode(const uint8_t *jpg, size_t n, int32_t H, int32_t W, int32_t C, uint8_t *px,
                         const char *what, rc_err *err);

/* The JPEG byte count of one zero-padded row of row_len bytes from its stored length (ALOHA
 * writes compress_len as float32): RC_E_INPUT unless it is a whole number from 1 to row_len. */
rc_status rc_jpeg_padded_len(double stored, size_t row_len, size_t *n, const char *what, rc_err *err);

/* Reads only the header: declared width, height and channels (1 for greyscale, 3 for colour;
 * 0 for a layout the decoder refuses, such as CMYK).  For scans and messages. */
rc_status rc_jpeg_peek(const uint8_t *jpg, size_t n, int32_t *H, int32_t *W, int32_t *C, const char *what,
                       rc_err *err);

#endif
