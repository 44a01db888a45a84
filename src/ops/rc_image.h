/* rc_image.h — the image resize op (crop, then resize, of uint8 [H, W, C] frames) as a plain
 * data contract shared by the CPU backend (src/ops/rc_image_resize_cpu.c) and the CUDA backend
 * (kernels/image.cu).  The arithmetic is integers only and is stated in docs/KERNELS.md
 * ("image resize"): the taps and weights of each axis come from rc_resize_axis_init (one
 * function, run on the host for both backends), the per-pixel sums and roundings from
 * rc_resize.h (compiled by gcc and nvcc), so both backends give the same bytes. */
#ifndef RC_IMAGE_H
#define RC_IMAGE_H

#include <stdint.h>

#include "spec/rc_kinds.h" /* rc_interp */

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

#endif
