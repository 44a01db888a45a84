/* convert_int.h — private to src/convert: the output list's append (rc_outputs.c) and the
 * image and voxelize stages (rc_convert_image.c, rc_convert_vox.c) that rc_convert.c runs. */
#ifndef RC_CONVERT_INT_H
#define RC_CONVERT_INT_H

#include "convert/rc_convert.h"
#include "ops/rc_ops.h"

/* Appends an output and takes ownership of *data (sets *data to NULL; on failure the
 * buffer is freed), so the caller's cleanup never frees it twice. */
rc_status rc_outputs_add(rc_episode_outputs *out, const char *stage, const char *dataset,
                         rc_elem elem, int rank, const uint64_t *dims, void **data, rc_err *err);

/* The stages of spec that carry an image stream, for ep on grid[T] (rc_convert_image.c): a
 * resample (method nearest) copies the nearest input frame, uint8 [T, H, W, C]; an image stage
 * runs rc_convert_image_stage on backend b. */
rc_status rc_convert_images(const rc_spec *spec, rc_backend *b, const rc_episode *ep, const int64_t *grid, int64_t T,
                            int64_t index, rc_report *rep, rc_episode_outputs *out, rc_err *err);

/* ---- the image stage (rc_convert_camera.c) ---- */

/* The geometry of image stage sg over [H, W, C] frames: no crop is the whole frame, no resize
 * the crop's size. */
void rc_image_stage_geom(const rc_spec_stage *sg, int32_t H, int32_t W, int32_t C, rc_image_geom *g);
/* Queues the frames [T, out_h, out_w, C] of image stage sg (steps taking source[k]) to be stored
 * as JPEG (rc_convert_jpeg.c): a job on out->jpeg that takes *frames, and its three outputs,
 * data uint8 [T, P] (zero-padded rows), jpeg_len int64 [T] and pixels_sha256 uint8 [32] (of
 * the frames decoded back, in step order), empty until rc_jpeg_job_finish.  scope is the error
 * scope path of the stage's stream. */
rc_status rc_jpeg_job_add(const rc_spec_stage *sg, const rc_image_geom *g, uint8_t **frames, const int64_t *source,
                          int64_t T, const char *scope, rc_episode_outputs *out, rc_err *err);
/* Image stage sg of ep on grid[T]: outputs data uint8 [T, out_h, out_w, C] (or JPEG rows), t, source_index,
 * dt_ns (int64 [T]) and valid (uint8 [T]).  A crop or resize the frames cannot take is
 * RC_E_INPUT naming the file, episode and stream. */
rc_status rc_convert_image_stage(const rc_spec_stage *sg, rc_backend *b, const rc_episode *ep, const int64_t *grid,
                                 int64_t T, int64_t index, rc_report *rep, rc_episode_outputs *out, rc_err *err);

/* Voxelize stage st of ep (rc_convert_vox.c); its packed sparse/points outputs reuse keep's
 * buffers and may be kept again, its result buffers come from scratch and go back there (either
 * may be NULL). */
rc_status rc_convert_voxelize(const rc_spec_stage *st, rc_backend *b, const rc_episode *ep,
                              int64_t index, rc_report *rep, rc_episode_outputs *out, rc_out_keep *keep,
                              rc_out_keep *scratch, rc_err *err);

/* ---- what each output holds, written as attributes (rc_describe.c) ---- */

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

#endif
