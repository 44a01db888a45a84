/* reader_int.h — private to src/reader: checked reads of one stream's datasets, the times of
 * layouts that store none, and the /data/demo_N episode list.  Each helper sets the error scope
 * to (file, episode, HDF5 path of the dataset) before it checks anything, so every message names
 * where it was found. */
#ifndef READER_INT_H
#define READER_INT_H

#include <stdint.h>

#include <hdf5.h>

#include "common/rc_common.h"
#include "spec/rc_spec.h"

/* Where a stream lives: file, episode id and the stream group's HDF5 path. */
typedef struct rd_where {
    const char *file;
    const char *episode;
    const char *group;   /* "/episodes/<id>/<stream>" */
    int vector_ok;       /* a 1-D dataset [S] reads as [S, 1] (layouts other than robocache-raw) */
} rd_where;

/* Reads name (a child of g) as a [rows, cols] matrix converted to float32.  want_cols is the
 * layout's column count (0: any, *cols says how many); min_cols > 0 adds "at least min_cols"
 * (clouds: 3); allow_empty lets rows be 0.  Checks rank, columns, numeric type and finiteness. */
rc_status rd_read_matrix(hid_t g, const char *name, const rd_where *w, int32_t want_cols,
                         int32_t min_cols, int allow_empty, float **x, int64_t *rows, int32_t *cols,
                         uint64_t *bytes, rc_err *err);
/* Reads column `column` of the 2-D float dataset name (a child of g) as times in float64 seconds,
 * converted once to int64 ns (llround(s * 1e9), as for robocache-raw float seconds), finite and
 * strictly increasing, at least one.  Its bytes are counted by the stream that owns the dataset. */
rc_status rd_read_column_times(hid_t g, const char *name, const rd_where *w, int32_t column,
                               int64_t **t_ns, int64_t *n, rc_err *err);
/* Reads name (a child of g) as uint8 image frames [S, H, W, C], S >= 1, kept as stored;
 * want_c > 0 requires C = want_c. */
rc_status rd_read_images(hid_t g, const char *name, const rd_where *w, int32_t want_c, uint8_t **u8,
                         int64_t *S, int32_t *H, int32_t *W, int32_t *C, uint64_t *bytes, rc_err *err);
/* 1 when name (a child of g) is a uint8 dataset of that rank (reader_jpeg.c): rank 4 holds
 * frames [S, H, W, C], rank 2 JPEG frames in zero-padded rows [S, P], as ALOHA's compressed
 * files store cameras. */
int rd_is_uint8_rank(hid_t g, const char *name, int rank);
/* 1 when it is uint8 [S, P] with the string attribute encoding = "jpeg" (a robocache-raw camera). */
int rd_is_jpeg_encoded(hid_t g, const char *name);
/* Reads and decodes those rows into uint8 frames [S, H, W, C] (the first frame's size; every
 * frame must have it); want_c > 0 requires C = want_c.  A bad frame is RC_E_INPUT naming the
 * stream and the frame index. */
rc_status rd_read_jpeg_rows(hid_t g, const char *name, const rd_where *w, const char *stream, int32_t want_c,
                            uint8_t **u8, int64_t *S, int32_t *H, int32_t *W, int32_t *C, uint64_t *bytes, rc_err *err);
/* Times of a layout that stores none: t[i] = llround(i * 1e9 / rate_hz) ns, i < n. */
rc_status rd_rate_times(double rate_hz, int64_t n, int64_t **t_ns, rc_err *err);
/* The episode groups under /data (robomimic, robosuite), sorted by name with their numbers
 * compared as numbers (demo_9 before demo_10).  filter_key non-empty keeps only the episodes
 * listed in the string dataset /mask/<filter_key> (robomimic's train/valid split keys). */
rc_status rd_list_demos(hid_t fid, const char *file, const char *filter_key, char ***ids, int64_t *n,
                        rc_err *err);
/* Reads g/t as int64 ns (units attribute, conversion of layout.md), strictly increasing
 * unless ordered is 0 (scan reports the order itself); want_n >= 0 requires that many
 * samples, want_n < 0 requires at least one. */
rc_status rd_read_times(hid_t g, const rd_where *w, int64_t want_n, int ordered, int64_t **t_ns,
                        int64_t *n, uint64_t *bytes, rc_err *err);
/* The string attribute name of obj (one string, fixed or variable length, trailing spaces
 * removed) into out[n]; the caller checks that it exists. */
rc_status rd_string_attr(hid_t obj, const char *name, char *out, size_t n, rc_err *err);
/* The streams episode group ep of a file in format fmt holds (reader_discover.c), merged with
 * what layout knows of them, into *out (name, path, kind, columns, quaternion, width).  w names
 * the episode for errors. */
rc_status rd_discover(hid_t ep, const rc_layout *layout, const rd_where *w, rc_layout *out, rc_err *err);
/* "a, b, c": the stream names of a table, into buf[n]. */
void rd_stream_list(const rc_layout *t, char *buf, size_t n);
/* Reads g/offsets [frames + 1] (integer): starts at 0, non-decreasing (the caller checks that
 * the last equals the number of points). */
rc_status rd_read_offsets(hid_t g, const rd_where *w, int64_t frames, int64_t **offsets,
                          uint64_t *bytes, rc_err *err);
/* Requires every link on path (relative to base, or absolute) to be a hard link: no external
 * link, soft link or user-defined link.  Checked before anything follows the path; a link
 * that does not exist ends the check (the caller reports what is missing). */
rc_status rd_inside_path(hid_t base, const char *path, rc_err *err);
/* Requires dset's data to be stored in this file: no external storage, no virtual layout. */
rc_status rd_inside_storage(hid_t dset, rc_err *err);
/* The rows (first dimension) dataset name, a child of g, declares, read from its dataspace
 * only; -1 when it is missing, reached through a link or not a simple dataset of that rank (the
 * read that follows reports why). */
int64_t rd_declared_rows(hid_t g, const char *name, int rank);
/* Requires name (what: "a file name", "an episode name", ...) to be UTF-8: it is written into
 * manifest.json.  RC_E_INPUT otherwise, with the offset of the first bad byte. */
rc_status rd_utf8_name(const char *what, const char *name, rc_err *err);

/* Most bytes of one column name read from an input's `names` attribute. */
#define RD_NAME_MAX 255
/* The `names` attribute of dataset dset (below loc): n non-empty strings of at most RD_NAME_MAX
 * bytes, packed into one allocation (*names[n], one rc_free); *names is NULL when the attribute
 * is absent or unusable (then a warning says why). */
rc_status rd_read_names(hid_t loc, const char *dset, const rd_where *w, int32_t n, char ***names, rc_err *err);

#endif
