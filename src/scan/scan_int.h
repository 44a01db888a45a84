/* scan_int.h — private to src/scan: the percentile helpers the figures share, and the camera
 * figures (rc_scan_camera.c) that rc_scan_episode_figures adds for image streams. */
#ifndef RC_SCAN_INT_H
#define RC_SCAN_INT_H

#include "scan/rc_scan.h"

/* qsort order of int64_t. */
int rc_scan_cmp_i64(const void *a, const void *b);
/* Nearest-rank percentile p (0 < p <= 1) of sorted v[n], n >= 1. */
int64_t rc_scan_rank_of(const int64_t *v, int64_t n, double p);

/* Dropped frames (steps over 1.5 median steps, s->step_p50_ns already set) and, with
 * data_passes, frozen frames (identical to the one before) of image stream sd into s. */
void rc_scan_camera_frames(const rc_stream_data *sd, int data_passes, rc_scan_stream *s);
/* For each image stage of spec, on the grid of se's span at the spec's rate (se->steps > 0):
 * the dt_ns distribution, frames used and invalid steps, into its stream's figures. */
rc_status rc_scan_camera_dt(const rc_spec *spec, const rc_episode *ep, rc_scan_episode *se, rc_err *err);

#endif
