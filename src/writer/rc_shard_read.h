/* rc_shard_read.h — reads a shard back for `inspect` (and for checks of finished shards): root
 * attributes and provenance, episodes with their attributes, and every dataset's type, shape,
 * chunking, filter and decoded-content digest; the episode digest is recomputed from the decoded
 * data (rc_digest_int.h), independently of the content_sha256 attribute stored by the writer. */
#ifndef RC_SHARD_READ_H
#define RC_SHARD_READ_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_error.h"
#include "writer/rc_shard.h"

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

#endif
