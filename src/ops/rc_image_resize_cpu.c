/* rc_image_resize_cpu.c — the CPU backend of the image resize: crop, horizontal pass into a
 * uint16 intermediate, vertical pass into the output, with the taps of rc_resize_axis_init and
 * the per-pixel arithmetic of rc_ops.h, so the bytes are the CUDA backend's.  OpenMP over the
 * distinct frames of a batch (each resized once, by one thread); the steps that reuse a frame
 * copy its output afterwards.  Nothing depends on the thread count.  The sums run in the order
 * that suits the CPU (rc_ops.h allows it: integer sums), the roundings are rc_ops.h's. */
#include "common/rc_common.h"
#include "ops/rc_ops.h"

/* Horizontal pass of one crop row into m[out_w, C], C a constant after inlining: each output
 * pixel's C sums share the loads of its weights (rc_resize_h_pixel, as the CUDA kernel). */
static inline void h_row(const uint8_t *row, const rc_resize_axis *ax, int32_t out_w, int32_t C, uint16_t *m)
{
    for (int32_t ox = 0; ox < out_w; ox++)
        rc_resize_h_pixel(row + (int64_t)ax->first[ox] * C, C, ax->w + (int64_t)ox * ax->K, ax->K, m + (int64_t)ox * C);
}

/* out = resize(crop(frame)); mid is [crop_h, out_w, C], acc [out_w * C].  The vertical pass sums
 * whole intermediate rows (tap outer, element inner: contiguous, vectorisable). */
static void resize_frame(const rc_image_geom *g, const rc_resize_axis *ax, const rc_resize_axis *ay,
                         const uint8_t *frame, uint16_t *mid, uint32_t *acc, uint8_t *out)
{
    int32_t C = g->C;
    int64_t mid_row = (int64_t)g->out_w * C;
    for (int32_t r = 0; r < g->crop_h; r++) {
        const uint8_t *row = frame + ((int64_t)(g->crop_y + r) * g->W + g->crop_x) * C;
        uint16_t *m = mid + r * mid_row;
        switch (C) { /* constant channel counts let the compiler unroll the channel loop */
        case 1: h_row(row, ax, g->out_w, 1, m); break;
        case 3: h_row(row, ax, g->out_w, 3, m); break;
        case 4: h_row(row, ax, g->out_w, 4, m); break;
        default: h_row(row, ax, g->out_w, C, m); break;
        }
    }
    for (int32_t oy = 0; oy < g->out_h; oy++) {
        const uint16_t *m = mid + (int64_t)ay->first[oy] * mid_row;
        const uint16_t *w = ay->w + (int64_t)oy * ay->K;
        uint8_t *o = out + oy * mid_row;
        for (int64_t e = 0; e < mid_row; e++) acc[e] = 0;
        for (int32_t k = 0; k < ay->K; k++) {
            const uint16_t *src = m + k * mid_row;
            uint32_t wk = w[k];
            if (wk == 0) continue; /* adds nothing */
            for (int64_t e = 0; e < mid_row; e++) acc[e] += wk * src[e];
        }
        for (int64_t e = 0; e < mid_row; e++) o[e] = rc_resize_v_round(acc[e]);
    }
}

int rc_image_resize_cpu(const rc_image_geom *g, const rc_image_batch *b)
{
    rc_resize_axis ax, ay;
    int64_t *first = rc_calloc((size_t)(b->S > 0 ? b->S : 1), sizeof *first);
    int64_t in_bytes = rc_image_in_bytes(g), out_bytes = rc_image_out_bytes(g);
    size_t mid_bytes = (size_t)g->crop_h * (size_t)g->out_w * (size_t)g->C * sizeof(uint16_t);
    size_t acc_bytes = (size_t)g->out_w * (size_t)g->C * sizeof(uint32_t);
    int failed = 0;
    int ok_x = rc_resize_axis_init(&ax, g->crop_w, g->out_w, g->interp) == 0;
    int ok_y = rc_resize_axis_init(&ay, g->crop_h, g->out_h, g->interp) == 0;
    if (!first || !ok_x || !ok_y) {
        failed = 1;
        goto done;
    }
    rc_image_first_steps(b, first);
#pragma omp parallel reduction(| : failed)
    {
        uint16_t *mid = rc_malloc(mid_bytes);
        uint32_t *acc = rc_malloc(acc_bytes);
        if (!mid || !acc) failed = 1;
#pragma omp for schedule(dynamic, 1)
        for (int64_t k = 0; k < b->T; k++)
            if (mid && acc && first[b->source[k]] == k)
                resize_frame(g, &ax, &ay, b->frames + b->source[k] * in_bytes, mid, acc, b->out + k * out_bytes);
        rc_free(mid);
        rc_free(acc);
    }
    if (!failed) rc_image_copy_repeats(b, first, out_bytes);
done:
    rc_resize_axis_free(&ax);
    rc_resize_axis_free(&ay);
    rc_free(first);
    return failed ? -1 : 0;
}
