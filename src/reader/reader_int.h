/* reader_int.h — private to src/reader: checked reads of one stream's datasets.  Each helper
 * sets the error scope to (file, episode, HDF5 path of the dataset) before it checks anything,
 * so every message names where it was found. */
#ifndef READER_INT_H
#define READER_INT_H

#include <stdint.h>

#include <hdf5.h>

#include "common/rc_error.h"

/* Where a stream lives: file, episode id and the stream group's HDF5 path. */
typedef struct rd_where {
    const char *file;
    const char *episode;
    const char *group;   /* "/episodes/<id>/<stream>" */
} rd_where;

/* Reads name (a child of g) as a [rows, cols] matrix converted to float32.  want_cols is the
 * layout's column count; min_cols > 0 adds "at least min_cols" (clouds: 3); allow_empty lets
 * rows be 0.  Checks rank, columns, numeric type and finiteness. */
rc_status rd_read_matrix(hid_t g, const char *name, const rd_where *w, int32_t want_cols,
                         int32_t min_cols, int allow_empty, float **x, int64_t *rows,
                         uint64_t *bytes, rc_err *err);
/* Reads g/t as int64 ns (units attribute, conversion of layout.md), strictly increasing
 * unless ordered is 0 (scan reports the order itself); want_n >= 0 requires that many
 * samples, want_n < 0 requires at least one. */
rc_status rd_read_times(hid_t g, const rd_where *w, int64_t want_n, int ordered, int64_t **t_ns,
                        int64_t *n, uint64_t *bytes, rc_err *err);
/* Reads g/offsets [frames + 1] (integer): starts at 0, non-decreasing (the caller checks that
 * the last equals the number of points). */
rc_status rd_read_offsets(hid_t g, const rd_where *w, int64_t frames, int64_t **offsets,
                          uint64_t *bytes, rc_err *err);

#endif
