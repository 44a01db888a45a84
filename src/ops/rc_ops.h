/* rc_ops.h — the public header of src/ops: the data contracts of the ops that the CPU backend
 * (src/ops/) and the CUDA backend (kernels/) both fill, and the per-element arithmetic both
 * compile (gcc and nvcc).  It includes only the C library and spec/rc_spec.h (for the kinds;
 * plain C as well), so nvcc compiles all of it. */
#ifndef RC_OPS_H
#define RC_OPS_H

#include <stdint.h>
#include <string.h>
#include <math.h>

#include "spec/rc_spec.h"

/* rc_ops — the three operations of docs/SPEC.md §4 (resample, fuse, voxelize) as plain data
 * contracts shared by the CPU backend (src/ops/) and the CUDA backend (kernels/).  A job struct
 * describes one episode's work; both backends fill the same output buffers with the same bits.
 * Per-element arithmetic lives once, in the rc_numeric section, compiled by both gcc and nvcc. */

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
 * A window job (the resample of one stream with method window, the rc_window section) has one
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

/* rc_image — the image resize op (crop, then resize, of uint8 [H, W, C] frames) as a plain
 * data contract shared by the CPU backend (src/ops/rc_image_resize_cpu.c) and the CUDA backend
 * (kernels/image.cu).  The arithmetic is integers only and is stated in docs/KERNELS.md
 * ("image resize"): the taps and weights of each axis come from rc_resize_axis_init (one
 * function, run on the host for both backends), the per-pixel sums and roundings from
 * the rc_resize section (compiled by gcc and nvcc), so both backends give the same bytes. */

/* Fixed point: each output's weights are non-negative integers summing to exactly
 * 2^RC_RESIZE_WEIGHT_BITS; the horizontal pass keeps RC_RESIZE_MID_BITS fractional bits in a
 * uint16 intermediate (at most 255 * 2^8 = 65280). */
#define RC_RESIZE_WEIGHT_BITS 14
#define RC_RESIZE_MID_BITS 8

#define RC_IMAGE_MAX_DIM 16384 /* any frame, crop or output side */
#define RC_IMAGE_MAX_C 4       /* channels: 1 (grey, depth as uint8), 3 (RGB), 4 (RGBA) */
#define RC_IMAGE_MAX_TAPS 2048 /* source pixels one output pixel reads on one axis */

/* The taps of one axis, n_in source pixels to n_out output pixels: output o reads source
 * pixels first[o] .. first[o] + K - 1 with weights w[o * K + 0 .. K-1].  K is the largest tap
 * count of the axis; an output with fewer taps has zero weights in the unused places, and
 * first[o] <= n_in - K, so every read is inside the axis.  first is non-decreasing. */
typedef struct rc_resize_axis {
    int32_t n_in, n_out, K;
    int32_t *first; /* [n_out] */
    uint16_t *w;    /* [n_out, K] */
} rc_resize_axis;

/* The geometry of one image stage: source frames [H, W, C]; the crop window (rows y .. y+h-1,
 * columns x .. x+w-1, inside the frame; no crop is 0, 0, H, W); the output [out_h, out_w, C]. */
typedef struct rc_image_geom {
    int32_t H, W, C;
    int32_t crop_y, crop_x, crop_h, crop_w;
    int32_t out_h, out_w;
    rc_interp interp;
} rc_image_geom;

/* One episode's frames and the source frame of each output step: out[k] = resize(crop(
 * frames[source[k]])).  A frame used by several steps is resized once and copied. */
typedef struct rc_image_batch {
    const uint8_t *frames;  /* [S, H, W, C] */
    int64_t S;
    const int64_t *source;  /* [T], each in [0, S) */
    int64_t T;
    uint8_t *out;           /* [T, out_h, out_w, C] */
} rc_image_batch;

/* 0 when g is usable: 1 <= H, W, crop sides, out sides <= RC_IMAGE_MAX_DIM; 1 <= C <=
 * RC_IMAGE_MAX_C; the crop inside the frame; a known interp; no axis needing more than
 * RC_IMAGE_MAX_TAPS taps per output.  Otherwise -1 and a sentence in msg. */
int rc_image_geom_check(const rc_image_geom *g, char *msg, int msg_n);

/* The taps of an n_in -> n_out axis (docs/KERNELS.md states the rule).  Returns 0, or -1 when
 * a size is outside [1, RC_IMAGE_MAX_DIM] or memory runs out (a is then empty).  Freed by
 * rc_resize_axis_free (accepts an empty or freed axis). */
int rc_resize_axis_init(rc_resize_axis *a, int32_t n_in, int32_t n_out, rc_interp interp);
void rc_resize_axis_free(rc_resize_axis *a);

/* Bytes of one source frame and of one output frame of g. */
static inline int64_t rc_image_in_bytes(const rc_image_geom *g) { return (int64_t)g->H * g->W * g->C; }
static inline int64_t rc_image_out_bytes(const rc_image_geom *g) { return (int64_t)g->out_h * g->out_w * g->C; }

/* The step that first uses each frame: first_step[s] = the smallest k with source[k] == s, or
 * -1.  first_step has S entries.  Both backends resize exactly the frames with a first step. */
void rc_image_first_steps(const rc_image_batch *b, int64_t *first_step);

/* The steps that reuse a frame get its bytes: out[k] = out[first_step[source[k]]] for every k that
 * is not itself a first step (those are resized). */
void rc_image_copy_repeats(const rc_image_batch *b, const int64_t *first_step, int64_t out_bytes);

/* CPU backend: the whole batch, OpenMP over the distinct frames; g checked, every source[k] in
 * [0, S).  Returns 0, or -1 when memory runs out. */
int rc_image_resize_cpu(const rc_image_geom *g, const rc_image_batch *b);

/* rc_numeric — the per-element arithmetic of docs/SPEC.md §4, written once and compiled by both
 * gcc (CPU backend, src/ops/, built with -ffp-contract=off) and nvcc (CUDA backend, kernels/,
 * built with -fmad=false, IEEE float division/sqrt, no flush-to-zero).  Every function is pure:
 * it uses only + - * / sqrt, integer operations, the correctly rounded fmaf (__fmaf_rn on the
 * device) and floorf, so both compilers produce the same bits.  docs/KERNELS.md states the
 * formulas in words; this file is the definition.
 *
 * Contents: bracket search and edge rules, the resample rule (rc_resample_pair) and its
 * linear/nearest/previous elements, slerp of a
 * quaternion row (own atan and sin series in double), the valid rule, float16/bfloat16
 * conversion, output stores, the voxel index rule and the voxel mean.
 *
 * Every computed value must reach an output through rc_store (or rc_vox_mean_store): the
 * element functions return NaNs with whatever sign/payload the hardware produced, which differ
 * between x86 and the GPU; the stores make them one canonical NaN. */
#ifdef __CUDACC__
#define RC_HD __host__ __device__ __forceinline__
#else
#define RC_HD static inline
#endif

#if defined(__CUDA_ARCH__)
#define RC_FMAF(a, b, c) __fmaf_rn((a), (b), (c))
#else
#define RC_FMAF(a, b, c) fmaf((a), (b), (c))
#endif

/* Slerp switches to normalised linear interpolation when the angle between the (normalised,
 * same-hemisphere) quaternions is below this many radians: nlerp then differs from slerp by
 * about angle^3/27 rad (< 1e-13), far below a float32 ulp, and avoids 0/0 at angle 0. */
#define RC_SLERP_NLERP_ANGLE 1e-4

/* ---- bit casts ---- */

RC_HD uint32_t rc_f32_bits(float f)
{
#if defined(__CUDA_ARCH__)
    return __float_as_uint(f);
#else
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
#endif
}

/* ---- time: bracket, edge rules, weights ---- */

/* The largest i with t[i] <= tk, clamped to [0, S-1] (tk < t[0] gives 0).  t strictly
 * increasing, S >= 1.  Callers apply the edge rules below before using t[i+1]. */
RC_HD int64_t rc_bracket(const int64_t *t, int64_t S, int64_t tk)
{
    int64_t lo = 0, hi = S - 1; /* invariant: answer in [lo, hi] */
    if (tk < t[0]) return 0;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo + 1) / 2;
        if (t[mid] <= tk) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

/* Edge rules (numpy.interp): tk < t[0] holds sample 0, tk >= t[S-1] holds sample S-1.
 * Returns the index to hold, or -1 when tk lies inside a bracket [t[i], t[i+1]). */
RC_HD int64_t rc_edge_hold(const int64_t *t, int64_t S, int64_t tk)
{
    if (tk < t[0]) return 0;
    if (tk >= t[S - 1]) return S - 1;
    return -1;
}

/* t1 - t0 for t0 <= t1 as an exact unsigned count: no int64 overflow even when the two
 * timestamps are 2^63 apart. */
RC_HD uint64_t rc_dt(int64_t t0, int64_t t1) { return (uint64_t)t1 - (uint64_t)t0; }

/* w = (double)(tk - t[i]) / (double)(t[i+1] - t[i]), each difference exact in uint64 and
 * rounded once to double, then one correctly rounded double division. */
RC_HD double rc_weight(const int64_t *t, int64_t i, int64_t tk)
{
    return (double)rc_dt(t[i], tk) / (double)rc_dt(t[i], t[i + 1]);
}

/* ---- resample elements (t[i] <= tk < t[i+1], i.e. rc_edge_hold returned -1) ---- */

/* linear: y = fmaf((float)w, x1 - x0, x0). */
RC_HD float rc_lerp_elem(float x0, float x1, double w)
{
    return RC_FMAF((float)w, x1 - x0, x0);
}

/* nearest: index of the closer of t[i], t[i+1]; a tie goes to the earlier (i). */
RC_HD int64_t rc_nearest_index(const int64_t *t, int64_t i, int64_t tk)
{
    return rc_dt(tk, t[i + 1]) < rc_dt(t[i], tk) ? i + 1 : i;
}

/* The resample rule: which samples make grid step tk, decided once per (stream, step) and
 * shared by the CPU reference, the CUDA kernel and the image path.  An edge hold (every method)
 * or nearest/previous copies sample `row`; linear interpolates rows `row` and `row + 1` with
 * weight w; any other method gives NaN (slerp goes through rc_slerp_row). */
typedef enum rc_pair_kind { RC_PAIR_COPY = 0, RC_PAIR_LERP, RC_PAIR_NAN } rc_pair_kind;

typedef struct rc_pair {
    rc_pair_kind kind;
    int64_t row;
    double w;       /* RC_PAIR_LERP: rc_weight */
} rc_pair;

/* The pair of method m at tk, i = rc_bracket(t, S, tk), S >= 1: edge rules first. */
RC_HD rc_pair rc_resample_pair(const int64_t *t, int64_t S, rc_method m, int64_t i, int64_t tk)
{
    rc_pair p = {RC_PAIR_NAN, 0, 0.0};
    int64_t h = rc_edge_hold(t, S, tk);
    if (h >= 0) {
        p.kind = RC_PAIR_COPY;
        p.row = h;
    } else if (m == RC_METHOD_LINEAR) {
        p.kind = RC_PAIR_LERP;
        p.row = i;
        p.w = rc_weight(t, i, tk);
    } else if (m == RC_METHOD_NEAREST) {
        p.kind = RC_PAIR_COPY;
        p.row = rc_nearest_index(t, i, tk);
    } else if (m == RC_METHOD_PREVIOUS) {
        p.kind = RC_PAIR_COPY;
        p.row = i;
    }
    return p;
}

/* Column j of the row pair p makes of x ([S, D] row-major). */
RC_HD float rc_pair_elem(const rc_pair *p, const float *x, int32_t D, int32_t j)
{
    if (p->kind == RC_PAIR_COPY) return x[p->row * D + j];
    if (p->kind == RC_PAIR_LERP) return rc_lerp_elem(x[p->row * D + j], x[(p->row + 1) * D + j], p->w);
    return NAN;
}

/* ---- slerp ---- */

/* atan(y) for 0 <= y <= 1: two half-angle reductions, atan(y) = 2 atan(y / (1 + sqrt(1 + y^2))),
 * bring y to <= tan(pi/16) ~ 0.199, then the odd Taylor series to y^27 (next term < 1e-20),
 * summed by Horner from the smallest term. */
RC_HD double rc_atan01(double y)
{
    double r = y / (1.0 + sqrt(1.0 + y * y));
    r = r / (1.0 + sqrt(1.0 + r * r));
    double r2 = r * r, p = 1.0 / 27.0;
    for (int k = 12; k >= 0; k--) p = 1.0 / (double)(2 * k + 1) - r2 * p;
    return 4.0 * (r * p);
}

/* sin(x) for 0 <= x <= pi/2: x (1 - x^2/(2*3) (1 - x^2/(4*5) (1 - ... (1 - x^2/(24*25))))),
 * i.e. the Taylor series to x^25 (next term < 1e-20) in nested form. */
RC_HD double rc_sin_q1(double x)
{
    double x2 = x * x, p = 1.0;
    for (int k = 12; k >= 1; k--) p = 1.0 - x2 / (double)((2 * k) * (2 * k + 1)) * p;
    return x * p;
}

/* Slerp of the 4-column rows q0 = x[i], q1 = x[i+1] at weight w, in double:
 *   a = q0/|q0|, b = q1/|q1|; if a.b < 0 then b = -b (shortest arc);
 *   theta = 2 atan(|a-b| / |a+b|)  (the angle between a and b, accurate at every angle);
 *   theta < RC_SLERP_NLERP_ANGLE: r = a + w (b - a)        (nlerp)
 *   otherwise:                    r = sin((1-w) theta) a + sin(w theta) b
 *   y = (float)(r / |r|).
 * The division by sin(theta) of textbook slerp is replaced by the final normalisation (the same
 * quaternion, exactly unit before rounding).  Slerp is symmetric in the four components, so
 * the same code serves wxyz and xyzw rows and writes y in the input order.  A zero or
 * non-finite quaternion gives NaN. */
RC_HD void rc_slerp4(const float *q0, const float *q1, double w, float *y)
{
    double a[4], b[4], n0 = 0.0, n1 = 0.0, d = 0.0;
    for (int c = 0; c < 4; c++) {
        a[c] = q0[c];
        b[c] = q1[c];
        n0 += a[c] * a[c];
        n1 += b[c] * b[c];
    }
    n0 = sqrt(n0);
    n1 = sqrt(n1);
    for (int c = 0; c < 4; c++) {
        a[c] /= n0;
        b[c] /= n1;
        d += a[c] * b[c];
    }
    if (d < 0.0)
        for (int c = 0; c < 4; c++) b[c] = -b[c];
    double dm = 0.0, dp = 0.0;
    for (int c = 0; c < 4; c++) {
        dm += (a[c] - b[c]) * (a[c] - b[c]);
        dp += (a[c] + b[c]) * (a[c] + b[c]);
    }
    /* same hemisphere: |a+b| >= |a-b|, so the ratio is in [0, 1] */
    double theta = 2.0 * rc_atan01(sqrt(dm) / sqrt(dp));
    double r[4], nr = 0.0;
    if (theta < RC_SLERP_NLERP_ANGLE) {
        for (int c = 0; c < 4; c++) r[c] = a[c] + w * (b[c] - a[c]);
    } else {
        double s0 = rc_sin_q1((1.0 - w) * theta), s1 = rc_sin_q1(w * theta);
        for (int c = 0; c < 4; c++) r[c] = s0 * a[c] + s1 * b[c];
    }
    for (int c = 0; c < 4; c++) nr += r[c] * r[c];
    nr = sqrt(nr);
    for (int c = 0; c < 4; c++) y[c] = (float)(r[c] / nr);
}

/* The slerp row at tk (x is [S, 4]); i = rc_bracket(t, S, tk).  Edge holds copy the held
 * sample unchanged, as every method does. */
RC_HD void rc_slerp_row(const int64_t *t, const float *x, int64_t S, int64_t i, int64_t tk,
                        float *y)
{
    int64_t h = rc_edge_hold(t, S, tk);
    if (h >= 0) {
        for (int c = 0; c < 4; c++) y[c] = x[h * 4 + c];
        return;
    }
    rc_slerp4(x + i * 4, x + (i + 1) * 4, rc_weight(t, i, tk), y);
}

/* The whole resampled row y[0..D) at tk, any method (slerp needs D == 4). */
RC_HD void rc_resample_row(const int64_t *t, const float *x, int64_t S, int32_t D, rc_method m,
                           int64_t tk, float *y)
{
    int64_t i = rc_bracket(t, S, tk);
    if (m == RC_METHOD_SLERP) {
        rc_slerp_row(t, x, S, i, tk, y);
        return;
    }
    rc_pair p = rc_resample_pair(t, S, m, i, tk);
    for (int32_t j = 0; j < D; j++) y[j] = rc_pair_elem(&p, x, D, j);
}

/* ---- valid rule ---- */

/* 1 when stream (t, S) may be used at tk: t[0] <= tk <= t[S-1] and, when max_gap_ns > 0 and
 * t[i] <= tk < t[i+1], t[i+1] - t[i] <= max_gap_ns.  tk == t[S-1] is valid. */
RC_HD int rc_valid_at(const int64_t *t, int64_t S, int64_t i, int64_t tk, int64_t max_gap_ns)
{
    if (tk < t[0] || tk > t[S - 1]) return 0;
    if (max_gap_ns > 0 && tk < t[S - 1] && rc_dt(t[i], t[i + 1]) > (uint64_t)max_gap_ns) return 0;
    return 1;
}

/* ---- float32 -> float16 / bfloat16, round to nearest even ---- */

/* IEEE binary16: subnormals kept, |f| >= 65520 -> Inf, NaN -> 0x7E00 (sign dropped). */
RC_HD uint16_t rc_f32_to_f16(float f)
{
    uint32_t u = rc_f32_bits(f);
    uint32_t sign = (u >> 16) & 0x8000u, a = u & 0x7FFFFFFFu;
    if (a > 0x7F800000u) return 0x7E00u;
    if (a >= 0x47800000u) return (uint16_t)(sign | 0x7C00u); /* >= 65536 and Inf */
    if (a >= 0x38800000u) {                                  /* >= 2^-14: normal */
        uint32_t m = a - 0x38000000u;                        /* rebias 127 -> 15 */
        /* a carry out of the mantissa bumps the exponent: 65520.. rounds to 0x7C00 = Inf */
        return (uint16_t)(sign | ((m + 0x0FFFu + ((m >> 13) & 1u)) >> 13));
    }
    uint32_t e = a >> 23; /* subnormal result: units of 2^-24 */
    if (e < 102) return (uint16_t)sign; /* < 2^-25 (2^-25 itself ties to 0) */
    uint32_t mm = (a & 0x7FFFFFu) | 0x800000u, s = 126 - e; /* value = mm * 2^-s units */
    return (uint16_t)(sign | ((mm + (1u << (s - 1)) - 1u + ((mm >> s) & 1u)) >> s));
}

/* bfloat16 (the top 16 bits of float32): subnormals kept, overflow to Inf by the carry,
 * NaN -> 0x7FC0 (sign dropped). */
RC_HD uint16_t rc_f32_to_bf16(float f)
{
    uint32_t u = rc_f32_bits(f);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return 0x7FC0u;
    return (uint16_t)((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

/* NaN as written to float32 outputs: one canonical quiet NaN.  x86 propagates an input NaN's
 * sign and payload through arithmetic while the GPU returns 0x7FFFFFFF, so only a canonical
 * NaN gives both backends the same bits. */
#define RC_F32_QNAN_BITS 0x7FC00000u

RC_HD int rc_f32_isnan(float f) { return (rc_f32_bits(f) & 0x7FFFFFFFu) > 0x7F800000u; }

/* out[idx] = v converted to dtype d (out is float, or uint16 bits for f16/bf16); a float32
 * NaN is stored as RC_F32_QNAN_BITS. */
RC_HD void rc_store(void *out, rc_dtype d, int64_t idx, float v)
{
    if (d == RC_DTYPE_F32) {
        if (rc_f32_isnan(v)) ((uint32_t *)out)[idx] = RC_F32_QNAN_BITS;
        else ((float *)out)[idx] = v;
    }
    else if (d == RC_DTYPE_F16) ((uint16_t *)out)[idx] = rc_f32_to_f16(v);
    else ((uint16_t *)out)[idx] = rc_f32_to_bf16(v);
}

/* ---- voxelize ---- */

/* Voxel of point p (x, y, z first): per axis f = floorf((p[a] - min[a]) / size[a]) in float32
 * (subtract, then divide, then floor).  The point is kept when 0 <= f < n[a] on all axes,
 * tested on the float (in double, exact, before any int conversion) so NaN, Inf and huge values
 * are dropped.  Returns 1 and fills ijk (x, y, z) and *dense = (ix*n_y + iy)*n_z + iz, or 0. */
RC_HD int rc_voxel_of(const float *p, const float *min, const float *size, const int32_t *n,
                      int32_t *ijk, int64_t *dense)
{
    for (int a = 0; a < 3; a++) {
        float f = floorf((p[a] - min[a]) / size[a]);
        if (!(f >= 0.0f) || !((double)f < (double)n[a])) return 0;
        ijk[a] = (int32_t)f;
    }
    *dense = ((int64_t)ijk[0] * n[1] + ijk[1]) * (int64_t)n[2] + ijk[2];
    return 1;
}

/* Mean of one column into *dst: the double sum over the voxel's points in input order, divided
 * by the count in double, rounded once to float32; NaN stored as RC_F32_QNAN_BITS. */
RC_HD void rc_vox_mean_store(float *dst, double sum, uint32_t count)
{
    rc_store(dst, RC_DTYPE_F32, 0, (float)(sum / (double)count));
}

/* rc_window — window packing (docs/SPEC.md §4, `method: window`): for step t_k the last N
 * samples with t <= t_k, oldest first and the most recent in the last slot, zero-padded with a
 * per-slot mask where fewer than N exist.  Values are copied, never computed, so both
 * backends give the same bits through rc_store.  Compiled by gcc (rc_fuse_cpu) and nvcc
 * (fuse_kernel): a window job is one more kind of job inside the one fuse launch
 * (docs/KERNELS.md). */

/* Writes row tk of a window block: out[at + m*D + j] (dtype d) for m < N, j < D, and
 * mask[m] (if mask is not NULL).  t strictly increasing (S may be 0: every slot empty).
 * Returns the number of slots filled (0 when tk precedes the first sample). */
RC_HD int32_t rc_window_row(const int64_t *t, const float *x, int64_t S, int32_t D, int32_t N,
                            int64_t tk, void *out, rc_dtype d, int64_t at, uint8_t *mask)
{
    int64_t last = (S < 1 || tk < t[0]) ? -1 : rc_bracket(t, S, tk);
    int32_t filled = 0;
    for (int32_t m = 0; m < N; m++) {
        int64_t i = last - (int64_t)(N - 1 - m);
        int ok = i >= 0;
        filled += ok;
        if (mask) mask[m] = (uint8_t)ok;
        for (int32_t j = 0; j < D; j++) rc_store(out, d, at + (int64_t)m * D + j, ok ? x[i * D + j] : 0.0f);
    }
    return filled;
}

/* rc_resize — the per-pixel integer arithmetic of the image resize (docs/KERNELS.md, "image
 * resize"), written once and compiled by gcc (src/ops/rc_image_resize_cpu.c) and nvcc
 * (kernels/image.cu).  Integers only: unsigned 32-bit sums of weight * value, then add half
 * and shift; no order of summation can change a result, so a backend may sum in the order that
 * suits it (the CPU sums a whole row at a time) as long as it rounds through rc_resize_h_round
 * and rc_resize_v_round.  The taps and weights come from rc_resize_axis_init (the rc_image section). */
#ifdef __CUDACC__
#define RC_RESIZE_HD __host__ __device__ __forceinline__
#else
#define RC_RESIZE_HD static inline
#endif

/* Shifts and halves of the two passes. */
#define RC_RESIZE_H_SHIFT (RC_RESIZE_WEIGHT_BITS - RC_RESIZE_MID_BITS)
#define RC_RESIZE_V_SHIFT (RC_RESIZE_WEIGHT_BITS + RC_RESIZE_MID_BITS)

/* The roundings of the two passes: add half, shift (and clamp to 255 after the second). */
RC_RESIZE_HD uint16_t rc_resize_h_round(uint32_t acc)
{
    return (uint16_t)((acc + (1u << (RC_RESIZE_H_SHIFT - 1))) >> RC_RESIZE_H_SHIFT);
}
RC_RESIZE_HD uint8_t rc_resize_v_round(uint32_t acc)
{
    acc = (acc + (1u << (RC_RESIZE_V_SHIFT - 1))) >> RC_RESIZE_V_SHIFT;
    return (uint8_t)(acc > 255u ? 255u : acc);
}

/* Horizontal pass, one output column of one row, every channel: src points at the source pixel
 * first[o] of the row (C bytes per pixel), w at the output's K weights; for each channel c,
 * acc = sum w[k] * src[k C + c] <= 255 * 2^14 and mid[c] = (acc + 2^5) >> 6, at most 255 * 2^8.
 * The weights are loaded once for all channels (C a constant where it is inlined). */
RC_RESIZE_HD void rc_resize_h_pixel(const uint8_t *src, int32_t C, const uint16_t *w, int32_t K, uint16_t *mid)
{
    uint32_t acc[RC_IMAGE_MAX_C] = {0, 0, 0, 0};
    for (int32_t k = 0; k < K; k++) {
        uint32_t wk = w[k];
        for (int32_t c = 0; c < C; c++) acc[c] += wk * src[(int64_t)k * C + c];
    }
    for (int32_t c = 0; c < C; c++) mid[c] = rc_resize_h_round(acc[c]);
}

/* Vertical pass, one output pixel, every channel: mid points at the pixel in the intermediate
 * row first[o] (consecutive rows `stride` elements apart, C elements per pixel), w at the
 * output's K weights; for each channel c, acc = sum w[k] * mid[k stride + c] <= 65280 * 2^14
 * < 2^31 and out[c] = (acc + 2^21) >> 22, clamped to 255 (the bound makes the clamp a no-op; it
 * is part of the rule all the same). */
RC_RESIZE_HD void rc_resize_v_pixel(const uint16_t *mid, int64_t stride, int32_t C, const uint16_t *w, int32_t K,
                                    uint8_t *out)
{
    uint32_t acc[RC_IMAGE_MAX_C] = {0, 0, 0, 0};
    for (int32_t k = 0; k < K; k++) {
        uint32_t wk = w[k];
        for (int32_t c = 0; c < C; c++) acc[c] += wk * mid[(int64_t)k * stride + c];
    }
    for (int32_t c = 0; c < C; c++) out[c] = rc_resize_v_round(acc[c]);
}

#endif
