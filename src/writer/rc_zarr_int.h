/* rc_zarr_int.h — the zarr layout of a shard (output.format: zarr, docs/FORMAT.md): one Zarr v2
 * store per shard in the diffusion_policy ReplayBuffer layout, data/<output> time-first over
 * the shard's episodes and meta/episode_ends, chunks compressed with numcodecs' zstd codec.
 * The shard writer (rc_shard.c) hands it each logical dataset and the episode digest it
 * computed; the shard reader (rc_shard_read.c) reads it back as the same logical datasets. */
#ifndef RC_ZARR_INT_H
#define RC_ZARR_INT_H

#include <stdint.h>

#include "common/rc_common.h"
#include "writer/rc_writer.h"

/* Root attribute "format" of a zarr shard. */
#define RC_ZARR_FORMAT "robocache-zarr"

typedef struct rc_zarr rc_zarr;

/* Creates final_path's temporary sibling folder (final_path.tmp.PID). */
rc_status rc_zarr_create(const char *final_path, const rc_shard_info *info, rc_zarr **out, rc_err *err);
rc_status rc_zarr_episode_begin(rc_zarr *z, const char *id, const char *source_file, const char *source_group,
                                int64_t steps, rc_err *err);
/* Appends the rows of logical dataset rel_path of the open episode: from data, or (data NULL)
 * decoded from chunks zc[c] / zc_n[c] of zc_rows rows each.  chunk_rows: the rows per chunk of
 * the store's array (used when the dataset is first seen). */
rc_status rc_zarr_put(rc_zarr *z, const char *rel_path, rc_elem elem, int rank, const uint64_t *dims,
                      uint64_t chunk_rows, const void *data, void *const *zc, const size_t *zc_n, uint64_t zc_rows,
                      rc_err *err);
rc_status rc_zarr_episode_end(rc_zarr *z, const char hex[65], rc_err *err);
/* Attribute `name` (JSON text) of logical object rel_path: kept from the store's first episode
 * (attributes describe an output, the same in every episode) and written at commit into the
 * .zattrs of the dataset's array, or of group robocache/<rel_path> for an output group. */
rc_status rc_zarr_attr(rc_zarr *z, const char *rel_path, const char *name, const char *json, rc_err *err);
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

/* Reads the JSON file path (metadata: at most 64 MiB) into *out (rc_jv_free). */
struct rc_jv;
rc_status rc_zarr_read_json(const char *path, struct rc_jv **out, rc_err *err);

/* Zarr's dtype string of e ("<f4", "|u1", ...; bfloat16 is "<u2"), and back (-1: none of ours). */
const char *rc_zarr_dtype(rc_elem e);

#endif
