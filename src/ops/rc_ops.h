/* rc_ops.h — the three operations of docs/SPEC.md §4 (resample, fuse, voxelize) as plain data
 * contracts shared by the CPU backend (src/ops/) and the CUDA backend (kernels/).  A job struct
 * describes one episode's work; both backends fill the same output buffers with the same bits.
 * Per-element arithmetic lives once, in rc_numeric.h, compiled by both gcc and nvcc. */
#ifndef RC_OPS_H
#define RC_OPS_H

#include <stdint.h>

#include "spec/rc_kinds.h" /* rc_method, rc_quat_order, rc_dtype, rc_vox_mode */

/* One stream of one episode: S samples at strictly increasing t_ns, D float32 columns. */
typedef struct rc_series {
    const int64_t *t_ns; /* [S] */
    const float *x;      /* [S, D] row-major */
    int64_t S;
    int32_t D;
} rc_series;

/* One stream's block of output columns in a fuse (a resample stage is a fuse of one stream). */
typedef struct rc_fuse_col {
    rc_series src;
    rc_method method;    /* linear, nearest, previous, slerp (D == 4), window */
    rc_quat_order quat;  /* slerp only */
    int32_t col;         /* first output column of this block */
    int32_t window;      /* method window only: N samples per step */
} rc_fuse_col;

/* One episode's fuse: out[k, col + j] = resample(cols[c].src, grid[k])[j] for every block,
 * converted to dtype (float16/bfloat16: round to nearest even).  valid[k] = 0 when, for any
 * block, grid[k] lies outside [t[0], t[S-1]] or its bracketing samples are more than
 * max_gap_ns apart (max_gap_ns <= 0: only the span test).  valid may be NULL.
 *
 * A window job (the resample of one stream with method window, src/ops/rc_window.h) has one
 * block, col 0, width = N * D: out is [T, N, D] and mask [T, N] uint8.  For step k, let i be
 * the last sample with t[i] <= grid[k]; slot m < N holds sample i - (N - 1 - m) (most recent
 * last, oldest first), and a slot without a sample (index < 0) is 0 with mask 0.  valid[k] is
 * 1 when the step has at least one sample.  mask is NULL for every other job. */
typedef struct rc_fuse_job {
    const rc_fuse_col *cols;
    int32_t n_cols;
    const int64_t *grid; /* [T] target timestamps, ns */
    int64_t T;
    int32_t width;       /* sum of the blocks' D */
    rc_dtype dtype;
    void *out;           /* [T, width] of dtype */
    uint8_t *valid;      /* [T] or NULL */
    int64_t max_gap_ns;
    uint8_t *mask;       /* window jobs: [T, N]; NULL otherwise */
} rc_fuse_job;

/* Voxelization parameters, already converted to float32 as the kernels use them. */
typedef struct rc_vox_params {
    rc_vox_mode mode;
    int sparse;            /* 0: dense [n_x, n_y, n_z] grid (x slowest); 1: coords + values */
    float min[3];          /* range minimum per axis, float32 */
    float size[3];         /* voxel size per axis, float32 */
    int32_t n[3];          /* grid size per axis: round((max - min) / size) */
    int32_t C;             /* point columns (>= 3) */
    int32_t max_points;    /* mode points: per voxel */
    int32_t max_voxels;    /* mode points: per frame */
} rc_vox_params;

/* One frame's voxelization result; the caller allocates the buffers its mode needs:
 *   dense occupancy : dense  = uint8 [n_x*n_y*n_z]
 *   dense count     : dense  = uint32[n_x*n_y*n_z]
 *   dense mean      : dense  = float [n_x*n_y*n_z, C]
 *   sparse (any of the three): coords = int32 [cap, 3] (z,y,x), values = uint8 [cap] |
 *                     uint32 [cap] | float [cap, C], cap >= number of points in the frame
 *   points          : coords = int32 [max_voxels, 3], voxels = float [max_voxels, max_points, C]
 *                     (zero-padded), num_points = int32 [max_voxels]
 * Non-empty voxels are numbered by the first appearance of one of their points. */
typedef struct rc_vox_frame {
    void *dense;
    int32_t *coords;
    void *values;
    float *voxels;
    int32_t *num_points;
    int64_t n_voxels;       /* out: non-empty voxels written (sparse, points) */
    int64_t dropped_range;  /* out: points outside the grid */
    int64_t dropped_points; /* out: points past max_points of their voxel (mode points) */
    int64_t dropped_voxels; /* out: points whose voxel was past max_voxels (mode points) */
} rc_vox_frame;

/* Fills p from spec values (metres, as written): n_a = round((max_a - min_a) / size_a) computed
 * in double, min/size rounded to float32.  Returns 0, or -1 when a size is <= 0, a range is
 * empty, a grid axis would have fewer than 1 or more than 2^30 cells, the grid more than 2^62
 * cells (the dense index is an int64 in every layout), C < 3, or mode points has max_points or
 * max_voxels < 1. */
int rc_vox_params_init(rc_vox_params *p, rc_vox_mode mode, int sparse, const double range[3][2],
                       const double size[3], int32_t C, int32_t max_points, int32_t max_voxels);

/* ---- CPU backend (src/ops/), OpenMP inside; results do not depend on the thread count ---- */

/* Runs n_jobs fuse jobs (episodes), parallel over jobs and rows. */
void rc_fuse_cpu(const rc_fuse_job *jobs, int n_jobs);

/* Voxelizes one frame of N points ([N, p->C] float32) into out.  Returns 0, or -1 when memory
 * for the sparse index could not be allocated. */
int rc_voxelize_cpu(const rc_vox_params *p, const float *points, int64_t N, rc_vox_frame *out);

#endif
