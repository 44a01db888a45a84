/* rc_shard.h — writes one output shard (docs/SPEC.md §6): created under a temporary name,
 * filled episode by episode with zstd-chunked datasets, then fsync'd and renamed (commit) or
 * removed (abort), so a shard exists whole or not at all.  Object time stamps are off and the
 * file layout is fixed, so equal content gives equal bytes.  In the robomimic layout the same
 * logical datasets live under /data/demo_N (rc_mimic_int.h), with the same digest. */
#ifndef RC_SHARD_H
#define RC_SHARD_H

#include <stdint.h>

#include "common/rc_error.h"
#include "spec/rc_kinds.h"
#include "writer/rc_elem.h"

/* Most dimensions of an output dataset (a dense mean voxel grid is [F, nx, ny, nz, C]). */
#define RC_SHARD_MAX_RANK 8

/* Root attributes of a shard. */
typedef struct rc_shard_info {
    const char *tool_version;
    const char *spec_sha256_hex;    /* 64 hex chars */
    const char *backend;            /* "cpu" or "cuda" */
    const char *created_from_hex;   /* digest of the input shard list, 64 hex chars */
    const char *spec_text;          /* written to /meta/pipeline */
    int zstd_level;
    rc_out_format format;           /* robocache (0) or robomimic: docs/FORMAT.md */
    const char *actions;            /* robomimic: the output copied to /data/demo_N/actions; NULL = none */
} rc_shard_info;

typedef struct rc_shard rc_shard;

/* Creates final_path's temporary sibling and writes the root attributes and /meta/pipeline. */
rc_status rc_shard_create(const char *final_path, const rc_shard_info *info, rc_shard **out,
                          rc_err *err);
/* Starts /episodes/<id> with attributes source_file, source_group, steps. */
rc_status rc_shard_episode_begin(rc_shard *sh, const char *id, const char *source_file,
                                 const char *source_group, int64_t steps, rc_err *err);
/* The open episode's split ("train" or "val"), for the robomimic layout's /mask/train and
 * /mask/valid; a robocache-layout shard does not record it.  Call before rc_shard_episode_end. */
rc_status rc_shard_episode_split(rc_shard *sh, const char *split, rc_err *err);
/* Writes dataset /episodes/<id>/<rel_path> (e.g. "observation/data"; intermediate groups are
 * created) of rank 1..RC_SHARD_MAX_RANK with the given dims, chunked along the first axis and
 * zstd-compressed, and folds its decoded content into the episode digest.  dims[0] may be 0 (an
 * empty dataset; data may then be NULL); the other dims must be >= 1. */
rc_status rc_shard_put(rc_shard *sh, const char *rel_path, rc_elem elem, int rank,
                       const uint64_t *dims, const void *data, rc_err *err);
/* The pieces of rc_shard_put for callers that compress chunks elsewhere (the streaming
 * pipeline's workers): rows per chunk of a dataset (0 when its shape is not writable),
 * chunk `chunk` of data compressed exactly as rc_shard_put would (the last chunk zero-padded
 * to full size; *z is rc_malloc'd), and the dataset's part of the episode digest. */
uint64_t rc_shard_chunk_rows(rc_elem elem, int rank, const uint64_t *dims);
rc_status rc_shard_compress_chunk(rc_elem elem, int rank, const uint64_t *dims, const void *data,
                                  uint64_t chunk, int level, void **z, size_t *z_n, rc_err *err);
void rc_shard_data_sha256(rc_elem elem, int rank, const uint64_t *dims, const void *data,
                          uint8_t out[32]);
/* As rc_shard_put, with the chunks already compressed (z[c], z_n[c] for each chunk c of
 * rc_shard_chunk_rows rows, compressed at the shard's level) and the data digest given: the
 * file gets the same bytes as rc_shard_put of the same data would write. */
rc_status rc_shard_put_compressed(rc_shard *sh, const char *rel_path, rc_elem elem, int rank,
                                  const uint64_t *dims, void *const *z, const size_t *z_n,
                                  const uint8_t data_sha256[32], rc_err *err);
/* The same three with the rows per chunk asked for: rows_wanted from 1 to the rule's rows (an
 * image stage asks 1: one frame per chunk, read without its neighbours); 0 or another value
 * keeps the rule.  rc_shard_chunk_rows_as says what a request gives. */
uint64_t rc_shard_chunk_rows_as(rc_elem elem, int rank, const uint64_t *dims, uint64_t rows_wanted);
rc_status rc_shard_compress_chunk_as(rc_elem elem, int rank, const uint64_t *dims, uint64_t rows_wanted,
                                     const void *data, uint64_t chunk, int level, void **z, size_t *z_n, rc_err *err);
rc_status rc_shard_put_compressed_as(rc_shard *sh, const char *rel_path, rc_elem elem, int rank,
                                     const uint64_t *dims, uint64_t rows_wanted, void *const *z, const size_t *z_n,
                                     const uint8_t data_sha256[32], rc_err *err);
/* Writes the episode's content_sha256 attribute; hex receives it (65 bytes with the NUL). */
rc_status rc_shard_episode_end(rc_shard *sh, char hex[65], rc_err *err);
/* Compressed bytes written so far (for shard_max_bytes rollover; a zarr store holds back each
 * array's last, partial chunk until rc_shard_seal). */
uint64_t rc_shard_bytes(const rc_shard *sh);
/* Writes what the layout holds back until the end (zarr: the last chunks), so rc_shard_bytes
 * is the shard's final count; no episode may follow.  rc_shard_commit seals too. */
rc_status rc_shard_seal(rc_shard *sh, rc_err *err);
/* Closes, fsyncs, renames to the final path and fsyncs the folder; frees sh in all cases. */
rc_status rc_shard_commit(rc_shard *sh, rc_err *err);
/* Closes and removes the temporary file; frees sh.  Accepts NULL. */
void rc_shard_abort(rc_shard *sh);

#endif
