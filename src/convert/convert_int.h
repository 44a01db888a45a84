/* convert_int.h — private to src/convert: the output list's append (rc_outputs.c) and the
 * image and voxelize stages (rc_convert_image.c, rc_convert_vox.c) that rc_convert.c runs. */
#ifndef RC_CONVERT_INT_H
#define RC_CONVERT_INT_H

#include "convert/rc_convert.h"

/* Appends an output and takes ownership of *data (sets *data to NULL; on failure the
 * buffer is freed), so the caller's cleanup never frees it twice. */
rc_status rc_outputs_add(rc_episode_outputs *out, const char *stage, const char *dataset,
                         rc_elem elem, int rank, const uint64_t *dims, void **data, rc_err *err);

/* The image resample stages of spec (method nearest) for ep on grid[T] (rc_convert_image.c):
 * each output frame is a copy of the nearest input frame, uint8 [T, H, W, C]. */
rc_status rc_convert_images(const rc_spec *spec, const rc_episode *ep, const int64_t *grid, int64_t T,
                            int64_t index, rc_report *rep, rc_episode_outputs *out, rc_err *err);

/* Voxelize stage st of ep (rc_convert_vox.c). */
rc_status rc_convert_voxelize(const rc_spec_stage *st, rc_backend *b, const rc_episode *ep,
                              int64_t index, rc_report *rep, rc_episode_outputs *out, rc_err *err);

#endif
