/* rc_writer.h — the public header of src/writer: shards written and read back in each output
 * format, the element types, the attributes that describe outputs, the features the manifest
 * lists, and the manifest written and read back. */
#ifndef RC_WRITER_H
#define RC_WRITER_H

#include <stdint.h>
#include <stddef.h>

#include "common/rc_common.h"
#include "spec/rc_spec.h"

/* rc_elem — the element types of output datasets, their sizes and their names in shards and
 * manifests.  float16 is IEEE half; bfloat16 is stored as 16-bit unsigned integers with the
 * dataset attribute dtype = "bfloat16" (HDF5 has no bfloat16). */
typedef enum rc_elem {
    RC_ELEM_U8 = 0, RC_ELEM_U16, RC_ELEM_I32, RC_ELEM_U32, RC_ELEM_I64,
    RC_ELEM_F16, RC_ELEM_BF16, RC_ELEM_F32
} rc_elem;

int rc_elem_size(rc_elem e);         /* bytes; 0 for no element type */
const char *rc_elem_name(rc_elem e); /* "uint8", ..., "float16", "bfloat16", "float32" */

/* rc_shard — writes one output shard (docs/SPEC.md §6): created under a temporary name,
 * filled episode by episode with zstd-chunked datasets, then fsync'd and renamed (commit) or
 * removed (abort), so a shard exists whole or not at all.  Object time stamps are off and the
 * file layout is fixed, so equal content gives equal bytes.  In the robomimic layout the same
 * logical datasets live under /data/demo_N (rc_mimic_int.h), with the same digest. */

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

/* rc_attrs — attributes that describe an episode's outputs (docs/FORMAT.md, "Output
 * attributes"), written onto groups and datasets of the shard's open episode: strings and
 * string lists (fixed-length, NUL-padded UTF-8, like every string of a shard), and int64 or
 * float64 scalars and arrays.  Attributes change no dataset and no content digest.  A zarr
 * store keeps them as JSON in the .zattrs of the output's arrays and groups. */

/* Each writes attribute `name` on the object at rel_path below the open episode (a group such as
 * "observation" or a dataset such as "observation/t"), which must exist. */
rc_status rc_attr_put_str(rc_shard *sh, const char *rel_path, const char *name, const char *value,
                          rc_err *err);
/* A 1-D array of n strings, each padded to the longest (n = 0: values[0] as a scalar). */
rc_status rc_attr_put_strs(rc_shard *sh, const char *rel_path, const char *name,
                           const char *const *values, size_t n, rc_err *err);
/* rank 0 (a scalar, dims unused), 1 or 2 with dims[rank]. */
rc_status rc_attr_put_i64(rc_shard *sh, const char *rel_path, const char *name, const int64_t *values,
                          int rank, const uint64_t *dims, rc_err *err);
rc_status rc_attr_put_f64(rc_shard *sh, const char *rel_path, const char *name, const double *values,
                          int rank, const uint64_t *dims, rc_err *err);

/* rc_shard_read — reads a shard back for `inspect` (and for checks of finished shards): root
 * attributes and provenance, episodes with their attributes, and every dataset's type, shape,
 * chunking, filter and decoded-content digest; the episode digest is recomputed from the decoded
 * data (rc_digest_int.h), independently of the content_sha256 attribute stored by the writer. */
typedef struct rc_shard_root {
    char format[64];
    int64_t format_version;
    char tool_version[128];
    char spec_sha256[80];
    char backend[192];     /* "cpu" or "cuda (DEVICE NAME (sm_XY))", as rc_pipeline writes it */
    char created_from[80];
    char *pipeline; /* /meta/pipeline text; owned, freed by rc_shard_reader_close */
    uint64_t stored_bytes; /* a zarr store: its chunk bytes (chunks span episodes, so its
                            * datasets report 0); 0 for an HDF5 shard: sum its datasets' */
} rc_shard_root;

typedef struct rc_shard_dataset {
    char rel_path[512];       /* relative to the episode group */
    rc_elem elem;
    int rank;                 /* 1..RC_SHARD_MAX_RANK */
    uint64_t dims[RC_SHARD_MAX_RANK];
    uint64_t chunk[RC_SHARD_MAX_RANK]; /* all 0 when not chunked */
    unsigned filter_id;       /* first filter of the pipeline; 0 when none */
    int zstd_level;           /* cd_values[0] when filter_id is 32015, else -1 */
    char sha256_hex[65];      /* of the decoded bytes */
    uint64_t stored_bytes;    /* in the file (its compressed chunks); summed over a shard's
                               * episodes, what the manifest records as the shard's bytes */
} rc_shard_dataset;

typedef struct rc_shard_episode {
    char id[256];
    char source_file[1024];
    char source_group[512];
    int64_t steps;
    char stored_sha256[80];   /* the content_sha256 attribute */
    char computed_sha256[65]; /* recomputed from the decoded datasets */
    rc_shard_dataset *datasets; /* [n_datasets], byte order of rel_path; owned */
    size_t n_datasets;
} rc_shard_episode;

typedef struct rc_shard_reader rc_shard_reader;

/* Opens path and reads the root.  RC_E_IO when the file cannot be opened as HDF5 or is not a
 * robocache shard of format_version 1 (err says which attribute was expected and what was found). */
rc_status rc_shard_reader_open(const char *path, rc_shard_reader **out, const rc_shard_root **root,
                               rc_err *err);
size_t rc_shard_reader_n_episodes(const rc_shard_reader *r);
/* Reads and decodes episode i (in byte order of ids) into *ep (caller releases with
 * rc_shard_episode_free).  RC_E_INPUT when a dataset cannot be decoded or is not of our types. */
rc_status rc_shard_reader_episode(rc_shard_reader *r, size_t i, rc_shard_episode *ep, rc_err *err);
void rc_shard_episode_free(rc_shard_episode *ep);
/* Reads the decoded elements of dataset rel_path of episode id (row-major, little-endian, as
 * rc_shard_reader_episode describes it in *d) into *data (rc_malloc'd, caller frees; NULL when
 * the dataset has no elements).  RC_E_INPUT when the dataset is missing, not of our types or
 * cannot be decoded. */
rc_status rc_shard_reader_data(rc_shard_reader *r, const char *id, const char *rel_path,
                               rc_shard_dataset *d, void **data, rc_err *err);
/* Whether episode id has a link rel_path (an optional dataset such as "<stage>/valid"). */
int rc_shard_reader_has(rc_shard_reader *r, const char *id, const char *rel_path);
void rc_shard_reader_close(rc_shard_reader *r); /* accepts NULL */

/* rc_features — the manifest's `features` and `fps` (docs/FORMAT.md): one entry per output
 * (kind, dtype, shape per step, column names, rate_hz), read back from the describing
 * attributes of one episode of a written shard, so a run, a resumed run and merge-manifests
 * all list what the shards actually hold. */
typedef struct rc_features rc_features;

/* The outputs of /episodes/<episode_id> of the shard at path (groups with a `kind` attribute,
 * in name order); fps is the rate_hz of the first that is not a voxelize output (the timeline's
 * rate; null when there is none). */
rc_status rc_features_read(const char *path, const char *episode_id, rc_features **out, rc_err *err);
void rc_features_free(rc_features *f); /* accepts NULL */
/* Name of column c of output `output` (its `names` attribute), or NULL. */
const char *rc_features_column(const rc_features *f, const char *output, int64_t c);
/* Writes the manifest keys "fps" and "features" (f NULL: null and {}). */
void rc_features_write_json(rc_json *j, const rc_features *f);
/* Writes output's column names as a JSON array, or null when it has none. */
void rc_features_write_names(rc_json *j, const rc_features *f, const char *output);

/* rc_manifest — train/manifest.json (docs/SPEC.md §6): shards, episodes (id, shard, split,
 * steps, content digest), skipped episodes with reasons, stats per output, spec digest, tool
 * version, backend.  Written atomically (temporary name, fsync, rename). */
typedef struct rc_manifest rc_manifest;

rc_manifest *rc_manifest_new(void); /* NULL out of memory */
void rc_manifest_free(rc_manifest *m);
rc_status rc_manifest_add_shard(rc_manifest *m, const char *name, uint64_t bytes,
                                int64_t n_episodes, rc_err *err);
rc_status rc_manifest_add_episode(rc_manifest *m, const char *id, const char *shard,
                                  const char *split, int64_t steps, const char *sha256_hex,
                                  const char *source_file, rc_err *err);
/* An interrupted run's manifest (docs/FORMAT.md, "complete": false): the episodes recorded for
 * shard `discarded` (NULL: none), which the run removed unfinished, are dropped. */
void rc_manifest_mark_incomplete(rc_manifest *m, const char *discarded);
rc_status rc_manifest_add_skipped(rc_manifest *m, const char *source_file, const char *episode,
                                  const char *reason, rc_err *err);
/* The statistics of one output as the manifest holds them: an object made by stats/
 * (rc_stats_manifest_figures) that writes the fields of its JSON object and is freed with the manifest. */
typedef struct rc_manifest_figures {
    void *ctx;
    void (*write)(rc_json *j, const void *ctx);
    void (*free)(void *ctx);
} rc_manifest_figures;
/* Adds the stats of output `name`; the manifest owns fig from now on (freed on failure too). */
rc_status rc_manifest_add_stats(rc_manifest *m, const char *name, rc_manifest_figures fig, rc_err *err);
/* Takes f (the outputs' features, rc_features_read) for the keys "fps" and "features" and the
 * column names of the stats; replaces any earlier. */
void rc_manifest_set_features(rc_manifest *m, rc_features *f);
const rc_features *rc_manifest_features(const rc_manifest *m); /* NULL: none set */
/* Sets the features from the first episode's shard (in folder dir); nothing without episodes. */
rc_status rc_manifest_read_features(rc_manifest *m, const char *dir, rc_err *err);
/* Episodes added with this split ("train", "val"). */
int64_t rc_manifest_split_count(const rc_manifest *m, const char *split);
/* Warns that the train split is empty (when there are episodes), and the val split when want_val
 * is set (a val_fraction above 0); the manifest's "empty_splits" says the same. */
void rc_manifest_warn_empty_splits(const rc_manifest *m, int want_val);
/* fn(j, ctx) is called while the manifest is written, after "stats", to add top-level keys
 * (a task manifest's "task"); it writes keys and values with j. */
typedef void (*rc_manifest_extra_fn)(rc_json *j, const void *ctx);
void rc_manifest_set_extra(rc_manifest *m, rc_manifest_extra_fn fn, const void *ctx);
rc_status rc_manifest_write(const rc_manifest *m, const char *path, const char *spec_sha256_hex,
                            const char *tool_version, const char *backend, rc_err *err);
/* Writes buf[len] to path as the manifest is written (a temporary name beside it, fsync,
 * rename, fsync of the folder), for a file that goes with a manifest (a task's statistics
 * state).  RC_E_IO naming the step; on failure nothing is left under either name. */
rc_status rc_manifest_write_file(const char *path, const void *buf, size_t len, rc_err *err);

/* rc_manifest_read — reads a manifest back (docs/FORMAT.md, "Manifest"): the one reader of
 * what rc_manifest writes (above), for verify and merge-manifests.  It checks the format and the
 * lists every reader relies on, names the field that is wrong, and keeps the parsed document
 * for sections only some readers use (a task manifest's "task"). */
typedef struct rc_mf_shard {
    const char *name;            /* a file inside the output folder */
    int64_t bytes, episodes;     /* -1 when absent */
} rc_mf_shard;

typedef struct rc_mf_episode {
    const char *id, *shard, *split;
    int64_t steps;
    const char *content_sha256, *source_file; /* NULL when absent */
} rc_mf_episode;

typedef struct rc_mf_skipped {
    const char *source_file, *episode, *reason;
} rc_mf_skipped;

/* A manifest as read.  Every string points into root. */
typedef struct rc_manifest_doc {
    rc_jv *root;
    const char *spec_sha256, *tool_version, *backend; /* NULL when absent */
    rc_mf_shard *shards;
    size_t n_shards;
    rc_mf_episode *episodes;     /* manifest order */
    size_t n_episodes;
    rc_mf_skipped *skipped;
    size_t n_skipped;
    int incomplete;              /* "complete": false: written by an interrupted run */
} rc_manifest_doc;

/* Reads path (format robocache-manifest, version 1).  RC_E_IO, scoped to path, when it is
 * missing, larger than 1 GiB, not JSON (line and column named), or a field above is missing or
 * of the wrong type; shard names must stay inside the folder. */
rc_status rc_manifest_read(const char *path, rc_manifest_doc *out, rc_err *err);
void rc_manifest_doc_free(rc_manifest_doc *d); /* accepts a zeroed d */

#endif
