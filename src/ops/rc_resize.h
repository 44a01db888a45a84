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

/* Horizontal pass, one channel of one output column: src points at channel c of the source
 * pixel first[o] of the row (consecutive pixels C bytes apart), w at the output's K weights.
 * acc = sum w[k] * src[k C] <= 255 * 2^14; mid = (acc + 2^5) >> 6, at most 255 * 2^8. */
RC_RESIZE_HD uint16_t rc_resize_h_tap(const uint8_t *src, int32_t C, const uint16_t *w, int32_t K)
{
    uint32_t acc = 0;
    for (int32_t k = 0; k < K; k++) acc += (uint32_t)w[k] * src[(int64_t)k * C];
    return rc_resize_h_round(acc);
}

/* Vertical pass, one element: mid points at the element in the intermediate row first[o]
 * (consecutive rows `stride` elements apart), w at the output's K weights.
 * acc = sum w[k] * mid[k stride] <= 65280 * 2^14 < 2^31; out = (acc + 2^21) >> 22, clamped
 * to 255 (the bound makes the clamp a no-op; it is part of the rule all the same). */
RC_RESIZE_HD uint8_t rc_resize_v_tap(const uint16_t *mid, int64_t stride, const uint16_t *w, int32_t K)
{
    uint32_t acc = 0;
    for (int32_t k = 0; k < K; k++) acc += (uint32_t)w[k] * mid[(int64_t)k * stride];
    return rc_resize_v_round(acc);
}

#endif
