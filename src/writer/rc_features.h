/* rc_features.h — the manifest's `features` and `fps` (docs/FORMAT.md): one entry per output
 * (kind, dtype, shape per step, column names, rate_hz), read back from the describing
 * attributes of one episode of a written shard, so a run, a resumed run and merge-manifests
 * all list what the shards actually hold. */
#ifndef RC_FEATURES_H
#define RC_FEATURES_H

#include <stdint.h>

#include "common/rc_error.h"
#include "common/rc_json.h"

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

#endif
