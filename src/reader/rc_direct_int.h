/* rc_direct_int.h — whole-dataset reads that bypass HDF5's data path: HDF5 is asked only where the
 * stored bytes are (a plan), then the bytes are read with pread and the chunk filters (deflate,
 * shuffle, zstd 32015, lz4 32004) decoded here, straight into the caller's buffer.  The result
 * is bit-identical to H5Dread(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf).
 *
 * Locking: rc_direct_plan_make calls HDF5 (H5D/H5P/H5F/H5T queries; HDF5 serialises them with
 * its global lock).  rc_direct_exec makes no HDF5 call: it uses only the plan, the file
 * descriptor HDF5 opened and a per-thread rc_direct_ctx, so several threads may execute plans at
 * once (each with its own ctx), outside the lock.  The descriptor belongs to HDF5's open file: the
 * file must stay open until every exec of its plans has returned.
 *
 * What cannot be decoded here falls back to H5Dread, and each fallback is counted under the
 * reason it took (rc_direct_counts): other filters (fletcher32, szip, ...), types HDF5 must
 * convert (another byte order or width, compound, variable length), unallocated chunks or
 * storage (fill values), compact, virtual and external storage, files open for writing (HDF5's
 * caches may hold newer data than the disk) or on another driver than sec2,
 * declared sizes that do not fit the dataset's shape, and stored bytes that do not decode. */
#ifndef RC_DIRECT_H
#define RC_DIRECT_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "reader/rc_reader.h"

/* Why a read took the H5Dread path; RC_DIRECT_OK: it did not. */
typedef enum rc_direct_why {
    RC_DIRECT_OK = 0,
    RC_DIRECT_OFF,         /* the direct path is switched off (rc_direct_enable) */
    RC_DIRECT_DRIVER,      /* the file is not open read-only on the sec2 (POSIX) driver */
    RC_DIRECT_LAYOUT,      /* compact or virtual layout, or external raw-data files */
    RC_DIRECT_TYPE,        /* the stored type is not the memory type: HDF5 converts */
    RC_DIRECT_FILTER,      /* a filter other than deflate, shuffle, zstd and lz4, or two codecs */
    RC_DIRECT_UNALLOCATED, /* storage or a chunk not written: HDF5 supplies fill values */
    RC_DIRECT_SIZES,       /* declared sizes or places that do not fit the shape or the file */
    RC_DIRECT_DECODE,      /* a short read, or stored bytes that did not decode to the chunk */
    RC_DIRECT_N_WHY
} rc_direct_why;

/* A short name for the report: "ok", "off", "driver", "layout", "type", "filter", ... */
const char *rc_direct_why_name(rc_direct_why why);

#define RC_DIRECT_MAX_FILTERS 8

/* Where a dataset's bytes are and how to decode them: made under the HDF5 lock, used without it. */
typedef struct rc_direct_plan {
    int fd;                 /* HDF5's descriptor of the file (sec2 driver) */
    int rank;
    uint64_t dims[H5S_MAX_RANK];
    size_t elem;            /* bytes per element, the same stored and in memory */
    size_t total;           /* bytes of the whole dataset in memory */
    int chunked;
    uint64_t offset;        /* contiguous: file offset of the data */
    uint64_t chunk[H5S_MAX_RANK]; /* chunked: chunk shape */
    size_t chunk_bytes;     /* decoded bytes of one (full) chunk */
    int n_filters;          /* in the order they were applied when writing */
    int filter_id[RC_DIRECT_MAX_FILTERS];
    unsigned filter_cd0[RC_DIRECT_MAX_FILTERS]; /* shuffle: element size */
    uint64_t n_chunks;      /* every chunk of the grid, in row-major order of chunk index */
    struct rc_direct_chunk {
        uint64_t offset;    /* file offset of the stored chunk */
        uint64_t stored;    /* its stored bytes */
        unsigned skip;      /* filter mask: bit i set = filter i was not applied */
    } *chunks;
    size_t max_stored;      /* the largest stored chunk */
} rc_direct_plan;

/* Per-thread decoding state (decoders, scratch buffers grown as needed). */
typedef struct rc_direct_ctx rc_direct_ctx;

rc_direct_ctx *rc_direct_ctx_new(void); /* NULL when out of memory */
void rc_direct_ctx_free(rc_direct_ctx *ctx);

/* Under the HDF5 lock.  Fills *plan for a whole-dataset read of dset as mem_type into a buffer
 * of buf_bytes and returns RC_DIRECT_OK, or returns why the read must use H5Dread (*plan is
 * then empty).  Every declared size and place is checked against the shape and the file size
 * before anything is allocated from it. */
rc_direct_why rc_direct_plan_make(hid_t dset, hid_t mem_type, size_t buf_bytes, rc_direct_plan *plan);
void rc_direct_plan_free(rc_direct_plan *plan);

/* No HDF5 call: reads and decodes the plan's dataset into buf (plan->total bytes); ctx may be
 * NULL for a contiguous plan (!plan->chunked).  Returns 0, or
 * -1 when a read came short or a chunk did not decode to its size (buf is then undefined and the
 * caller reads with H5Dread; RC_DIRECT_DECODE) or when ctx could not grow (errno ENOMEM). */
int rc_direct_exec(rc_direct_ctx *ctx, const rc_direct_plan *plan, void *buf);

/* The reader's entry point, in place of H5Dread(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT,
 * buf): plans and executes in the calling thread, falls back to H5Dread when it must, counts
 * the outcome and returns H5Dread's convention (negative on failure). */
herr_t rc_direct_read(hid_t dset, hid_t mem_type, void *buf, size_t buf_bytes);

/* A byte range of the input file. */
typedef struct rc_direct_range {
    uint64_t off, len;
} rc_direct_range;

/* Pure: keeps of r[0..n) only the parts inside [0, file_size) (empty ones dropped, ends clipped),
 * sorted by offset, overlapping or touching ranges merged into one; returns the count left (<= n,
 * in place).  Read-ahead uses it on a plan's chunk places, which a file may list in any order. */
size_t rc_direct_ranges_merge(rc_direct_range *r, size_t n, uint64_t file_size);

/* Read-ahead over sorted, merged ranges: rc_direct_ahead_to asks the kernel
 * (posix_fadvise WILLNEED) to start reading the bytes of the ranges below offset upto not asked
 * for yet, at most `most` of them per call (a file whose chunks lie last first would otherwise
 * have a whole dataset asked for at its first chunk), so the device has a deep queue while the
 * caller copies or decodes what came before. */
typedef struct rc_direct_ahead {
    int fd;
    const rc_direct_range *r;
    size_t n, i;       /* ranges; the first not wholly asked for */
    uint64_t asked;    /* bytes of r[i] asked for */
} rc_direct_ahead;

void rc_direct_ahead_to(rc_direct_ahead *a, uint64_t upto, uint64_t most);

/* Process-wide switch of the direct path (on by default); off, every read is an H5Dread. */
void rc_direct_enable(int on);

/* Threads that decode one large filtered chunked dataset in rc_direct_exec (1 by default: the
 * calling thread alone), clamped to [1, RC_DIRECT_MAX_THREADS]. */
#define RC_DIRECT_MAX_THREADS RC_READER_MAX_DECODE_THREADS
void rc_direct_set_threads(int n);

/* How many threads rc_direct_exec gives plan: 1 unless it is filtered, chunked into several
 * chunks and at least 4 MiB decoded; at most one per chunk, and their scratch at most 256 MiB. */
int rc_direct_threads_for(const rc_direct_plan *plan);

/* Reads and bytes (in memory) per path since the start or the last reset. */
typedef struct rc_direct_counts {
    uint64_t reads[RC_DIRECT_N_WHY];
    uint64_t bytes[RC_DIRECT_N_WHY];
} rc_direct_counts;

void rc_direct_counts_get(rc_direct_counts *out);
void rc_direct_counts_reset(void);

#endif
