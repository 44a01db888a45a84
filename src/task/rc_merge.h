/* rc_merge.h — `merge-manifests OUTPUT_DIR`: joins the task manifests of a sharded run into
 * manifest.json, as one task would have written it (same episodes in input order, same digests,
 * statistics combined exactly from the tasks' states); shards keep their task names. */
#ifndef RC_MERGE_H
#define RC_MERGE_H

#include <stdint.h>

#include "common/rc_error.h"

typedef struct rc_merge_result {
    int tasks;
    int64_t episodes, shards, skipped;
} rc_merge_result;

/* Reads every manifest-tIIII-of-NNNN.json of output_dir and writes output_dir/manifest.json
 * (temporary name, fsync, rename).  Refused with RC_E_IO, naming what is wrong, when a task is
 * missing, the tasks disagree (task count, spec, plan, outputs), an episode is listed twice or
 * not at all, a listed shard or state file is missing or altered. */
rc_status rc_merge_manifests(const char *output_dir, rc_merge_result *res, rc_err *err);

#endif
