/* rc_attrs.h — attributes that describe an episode's outputs (docs/FORMAT.md, "Output
 * attributes"), written onto groups and datasets of the shard's open episode: strings and
 * string lists (fixed-length, NUL-padded UTF-8, like every string of a shard), and int64 or
 * float64 scalars and arrays.  Attributes change no dataset and no content digest.  A zarr
 * store keeps them as JSON in the .zattrs of the output's arrays and groups. */
#ifndef RC_ATTRS_H
#define RC_ATTRS_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_error.h"
#include "writer/rc_shard.h"

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

#endif
