/* rc_zarr_int.h — the zarr layout of a shard (output.format: zarr, docs/FORMAT.md): one Zarr v2
 * store per shard in the diffusion_policy ReplayBuffer layout, data/<output> time-first over
 * the shard's episodes and meta/episode_ends, chunks compressed with numcodecs' zstd codec.
 * The shard writer (rc_shard.c) hands it each logical dataset and the episode digest it
 * computed; the shard reader (rc_shard_read.c) reads it back as the same logical datasets. */
#ifndef RC_ZARR_INT_H
#define RC_ZARR_INT_H

#include <stdint.h>

#include "common/rc_error.h"
#include "writer/rc_shard.h"
#include "writer/rc_shard_read.h"

/* Root attribute "format" of a zarr shard. */
#define RC_ZARR_FORMAT "robocache-zarr"

typedef struct rc_zarr rc_zarr;

/* Creates final_path's temporary sibling folder (final_path.tmp.PID). */
rc_status rc_zarr_create(const char *final_path, const rc_shard_info *info, rc_zarr **out, rc_err *err);
rc_status rc_zarr_episode_begin(rc_zarr *z, const char *id, const char *source_file, const char *source_group,
                                int64_t steps, rc_err *err);
/* Appends the rows of logical dataset rel_path of the open episode: from data, or (data NULL)
 * decoded from chunks zc[c] / zc_n[c] of rc_shard_chunk_rows rows each. */
rc_status rc_zarr_put(rc_zarr *z, const char *rel_path, rc_elem elem, int rank, const uint64_t *dims,
                      const void *data, void *const *zc, const size_t *zc_n, rc_err *err);
rc_status rc_zarr_episode_end(rc_zarr *z, const char hex[65], rc_err *err);
uint64_t rc_zarr_bytes(const rc_zarr *z);
/* Writes the arrays' last, partial chunks: rc_zarr_bytes is then the store's chunk bytes. */
rc_status rc_zarr_seal(rc_zarr *z, rc_err *err);
/* Writes the last chunks and the metadata, fsyncs and renames the folder; frees z. */
rc_status rc_zarr_commit(rc_zarr *z, rc_err *err);
void rc_zarr_abort(rc_zarr *z); /* removes the temporary folder; accepts NULL */

/* Reading back (rc_zarr_read.c), behind rc_shard_reader. */
typedef struct rc_zarr_reader rc_zarr_reader;
/* Fills *root (root->stored_bytes: the bytes of every chunk file of the store). */
rc_status rc_zarr_reader_open(const char *path, rc_zarr_reader **out, rc_shard_root *root, rc_err *err);
size_t rc_zarr_reader_n_episodes(const rc_zarr_reader *r);
rc_status rc_zarr_reader_episode(rc_zarr_reader *r, size_t i, rc_shard_episode *ep, rc_err *err);
rc_status rc_zarr_reader_data(rc_zarr_reader *r, const char *id, const char *rel_path, rc_shard_dataset *d,
                              void **data, rc_err *err);
int rc_zarr_reader_has(rc_zarr_reader *r, const char *id, const char *rel_path);
void rc_zarr_reader_close(rc_zarr_reader *r);

/* Zarr's dtype string of e ("<f4", "|u1", ...; bfloat16 is "<u2"), and back (-1: none of ours). */
const char *rc_zarr_dtype(rc_elem e);

#endif
