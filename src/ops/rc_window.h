/* rc_window.h — window packing (docs/SPEC.md §4, `method: window`): for step t_k the last N
 * samples with t <= t_k, oldest first and the most recent in the last slot, zero-padded with a
 * per-slot mask where fewer than N exist.  Values are copied, never computed, so both
 * backends give the same bits through rc_store.  Compiled by gcc (rc_fuse_cpu) and nvcc
 * (fuse_kernel): a window job is one more kind of job inside the one fuse launch
 * (docs/KERNELS.md). */
#ifndef RC_WINDOW_H
#define RC_WINDOW_H

#include "ops/rc_numeric.h"

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

#endif
