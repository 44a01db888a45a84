/* rc_describe.h — what each output of an episode holds, in words a reader needs: its kind and
 * rate, and for fuse and resample outputs the name and source (stream, column) of every column,
 * for voxel outputs the grid.  Written as attributes beside the datasets (docs/FORMAT.md,
 * "Output attributes"); the manifest's features and the warnings use the same names. */
#ifndef RC_DESCRIBE_H
#define RC_DESCRIBE_H

#include <stdint.h>

#include "common/rc_error.h"
#include "reader/rc_reader.h"
#include "spec/rc_spec.h"
#include "writer/rc_shard.h"

/* The columns of a fuse or resample output (the last axis of its data): names[i] is the input's
 * `names` attribute for that column where there is one, else "<stream>[<j>]"; stream[i] and
 * column[i] say where it comes from.  One allocation: rc_free(cols->names) frees all. */
typedef struct rc_columns {
    int32_t n;
    char **names;
    const char **stream;  /* the spec's stream names */
    int64_t *column;
} rc_columns;

/* "fuse", "resample", "window" (resample with method window), "image" or "voxelize". */
const char *rc_describe_kind(const rc_spec_stage *sg);
/* Columns of fuse or resample stage sg (not image) as ep's streams have them. */
rc_status rc_describe_columns(const rc_spec_stage *sg, const rc_episode *ep, rc_columns *cols, rc_err *err);
/* Writes the attributes of every output of ep onto the shard's open episode (after its
 * datasets). */
rc_status rc_describe_episode(const rc_spec *spec, const rc_episode *ep, rc_shard *sh, rc_err *err);

#endif
