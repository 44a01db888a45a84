/* rc_zstd_filter.h — the zstd HDF5 filter (id 32015, cd_values[0] = level), registered
 * in-process for reading and writing, and the chunk compressor the shard writer uses.  The same
 * filter is built as an HDF5 plugin (plugins/) so h5py reads our shards via HDF5_PLUGIN_PATH. */
#ifndef RC_ZSTD_FILTER_H
#define RC_ZSTD_FILTER_H

#include <hdf5.h>
#include <stddef.h>

#include "common/rc_error.h"

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

#endif
