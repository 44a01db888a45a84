/* rc_resize.h — the per-pixel integer arithmetic of the image resize (docs/KERNELS.md, "image
 * resize"), written once and compiled by gcc (src/ops/rc_image_resize_cpu.c) and nvcc
 * (kernels/image.cu).  Integers only: unsigned 32-bit sums of weight * value, then add half
 * and shift; no order of summation can change a result, so a backend may sum in the order that
 * suits it (the CPU sums a whole row at a time) as long as it rounds through rc_resize_h_round
 * and rc_resize_v_round.  The taps and weights come from rc_resize_axis_init (rc_image.h). */
#ifndef RC_RESIZE_H
#define RC_RESIZE_H

#include <stdint.h>

#include "ops/rc_image.h"

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
