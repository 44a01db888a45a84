/* rc_resize.c — the taps and fixed-point weights of one resize axis (area or bilinear with
 * antialias), the geometry check of an image stage, and the first step of each frame of a
 * batch.  Host code for both backends: the CUDA backend copies the tables this file builds, so
 * the weights are the same integers whichever backend runs; and the bookkeeping of a batch's
 * repeated frames, also shared.  docs/KERNELS.md ("image resize")
 * states the rule in words; this file is its definition. */
#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"
#include "ops/rc_ops.h"

/* Positions are measured in units of 1/(2 n_out) source pixel, so every filter value below is
 * an exact integer: source pixel j spans [2 j m, 2 (j+1) m) and output o spans
 * [2 o n, 2 (o+1) n) (n = n_in, m = n_out); their centres are (2j+1) m and (2o+1) n.
 *   area:     u_j = overlap of the two spans / 2 = min((o+1) n, (j+1) m) - max(o n, j m);
 *   bilinear: u_j = max(0, L - |(2j+1) m - (2o+1) n|), L = 2 max(n, m): the triangle filter
 *             of half-width one pixel, widened by n/m when downscaling (antialias). */
static int64_t unnorm(int64_t n, int64_t m, rc_interp interp, int64_t o, int64_t j)
{
    if (interp == RC_INTERP_AREA) {
        int64_t hi = (o + 1) * n < (j + 1) * m ? (o + 1) * n : (j + 1) * m;
        int64_t lo = o * n > j * m ? o * n : j * m;
        return hi > lo ? hi - lo : 0;
    }
    int64_t L = 2 * (n > m ? n : m), d = (2 * j + 1) * m - (2 * o + 1) * n;
    if (d < 0) d = -d;
    return d < L ? L - d : 0;
}

/* The source pixels [*lo, *hi) of output o with u_j > 0 (a non-empty interval: both filters
 * are positive on one interval around the output's centre, and the nearest source centre is
 * closer than the filter's half-width). */
static void span(int64_t n, int64_t m, rc_interp interp, int64_t o, int64_t *lo, int64_t *hi)
{
    int64_t j;
    if (interp == RC_INTERP_AREA) j = o * n / m;
    else { /* a start at or before the first positive tap */
        int64_t L = 2 * (n > m ? n : m);
        j = ((2 * o + 1) * n - L) / (2 * m) - 1;
        if (j < 0) j = 0;
    }
    while (j < n && unnorm(n, m, interp, o, j) <= 0) j++;
    *lo = j;
    while (j < n && unnorm(n, m, interp, o, j) > 0) j++;
    *hi = j;
}

/* The largest tap count of an n -> m axis. */
static int64_t axis_taps(int64_t n, int64_t m, rc_interp interp)
{
    int64_t K = 0, lo, hi;
    for (int64_t o = 0; o < m; o++) {
        span(n, m, interp, o, &lo, &hi);
        if (hi - lo > K) K = hi - lo;
    }
    return K;
}

int rc_resize_axis_init(rc_resize_axis *a, int32_t n_in, int32_t n_out, rc_interp interp)
{
    memset(a, 0, sizeof *a);
    if (n_in < 1 || n_in > RC_IMAGE_MAX_DIM || n_out < 1 || n_out > RC_IMAGE_MAX_DIM) return -1;
    int64_t n = n_in, m = n_out, K = axis_taps(n, m, interp);
    a->first = rc_calloc((size_t)m, sizeof *a->first);
    a->w = rc_calloc((size_t)(m * K), sizeof *a->w);
    if (!a->first || !a->w) {
        rc_resize_axis_free(a);
        return -1;
    }
    a->n_in = n_in;
    a->n_out = n_out;
    a->K = (int32_t)K;
    for (int64_t o = 0; o < m; o++) {
        int64_t lo, hi, U = 0, cum = 0, prev = 0;
        span(n, m, interp, o, &lo, &hi);
        for (int64_t j = lo; j < hi; j++) U += unnorm(n, m, interp, o, j);
        /* Taps placed so that the K reads stay inside the axis: first <= n - K. */
        int64_t first = lo < n - K ? lo : n - K;
        a->first[o] = (int32_t)first;
        uint16_t *w = a->w + o * K + (lo - first);
        /* Cumulative rounding: w_j = R(C_j) - R(C_{j-1}), C_j the sum of u up to j and
         * R(x) = floor((x 2^14 + floor(U/2)) / U); R(0) = 0 and R(U) = 2^14, so the weights
         * sum to exactly 2^14, and each is within 1 of 2^14 u_j / U. */
        for (int64_t j = lo; j < hi; j++) {
            cum += unnorm(n, m, interp, o, j);
            int64_t r = ((cum << RC_RESIZE_WEIGHT_BITS) + U / 2) / U;
            w[j - lo] = (uint16_t)(r - prev);
            prev = r;
        }
    }
    return 0;
}

void rc_resize_axis_free(rc_resize_axis *a)
{
    rc_free(a->first);
    rc_free(a->w);
    memset(a, 0, sizeof *a);
}

static int in_dim(int64_t v) { return v >= 1 && v <= RC_IMAGE_MAX_DIM; }

int rc_image_geom_check(const rc_image_geom *g, char *msg, int msg_n)
{
    const char *axis = NULL;
    int64_t taps = 0;
    if (!in_dim(g->H) || !in_dim(g->W)) {
        snprintf(msg, (size_t)msg_n, "frame %dx%d: each side must be 1 to %d pixels", g->H, g->W, RC_IMAGE_MAX_DIM);
        return -1;
    }
    if (g->C < 1 || g->C > RC_IMAGE_MAX_C) {
        snprintf(msg, (size_t)msg_n, "frame has %d channels: expected 1 to %d", g->C, RC_IMAGE_MAX_C);
        return -1;
    }
    if (!in_dim(g->crop_h) || !in_dim(g->crop_w) || g->crop_y < 0 || g->crop_x < 0 ||
        (int64_t)g->crop_y + g->crop_h > g->H || (int64_t)g->crop_x + g->crop_w > g->W) {
        snprintf(msg, (size_t)msg_n, "crop [y %d, x %d, h %d, w %d] is not inside the %dx%d frame",
                 g->crop_y, g->crop_x, g->crop_h, g->crop_w, g->H, g->W);
        return -1;
    }
    if (!in_dim(g->out_h) || !in_dim(g->out_w)) {
        snprintf(msg, (size_t)msg_n, "resize %dx%d: each side must be 1 to %d pixels", g->out_h, g->out_w,
                 RC_IMAGE_MAX_DIM);
        return -1;
    }
    if (g->interp != RC_INTERP_AREA && g->interp != RC_INTERP_BILINEAR) {
        snprintf(msg, (size_t)msg_n, "unknown interpolation %d", (int)g->interp);
        return -1;
    }
    if ((taps = axis_taps(g->crop_h, g->out_h, g->interp)) > RC_IMAGE_MAX_TAPS) axis = "rows";
    else if ((taps = axis_taps(g->crop_w, g->out_w, g->interp)) > RC_IMAGE_MAX_TAPS) axis = "columns";
    if (axis) {
        snprintf(msg, (size_t)msg_n,
                 "resize %dx%d -> %dx%d shrinks the %s too far: %lld source pixels per output pixel, at most %d",
                 g->crop_h, g->crop_w, g->out_h, g->out_w, axis, (long long)taps, RC_IMAGE_MAX_TAPS);
        return -1;
    }
    return 0;
}

void rc_image_copy_repeats(const rc_image_batch *b, const int64_t *first_step, int64_t out_bytes)
{
#pragma omp parallel for schedule(static)
    for (int64_t k = 0; k < b->T; k++) {
        int64_t f = first_step[b->source[k]];
        if (f != k) memcpy(b->out + k * out_bytes, b->out + f * out_bytes, (size_t)out_bytes);
    }
}

void rc_image_first_steps(const rc_image_batch *b, int64_t *first_step)
{
    for (int64_t s = 0; s < b->S; s++) first_step[s] = -1;
    for (int64_t k = 0; k < b->T; k++)
        if (first_step[b->source[k]] < 0) first_step[b->source[k]] = k;
}
