/* rc_manifest_read.h — reads a manifest back (docs/FORMAT.md, "Manifest"): the one reader of
 * what rc_manifest.h writes, for verify and merge-manifests.  It checks the format and the
 * lists every reader relies on, names the field that is wrong, and keeps the parsed document
 * for sections only some readers use (a task manifest's "task"). */
#ifndef RC_MANIFEST_READ_H
#define RC_MANIFEST_READ_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_error.h"
#include "common/rc_json_read.h"

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
