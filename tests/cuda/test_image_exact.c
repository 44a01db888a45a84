/* test_image_exact.c — the CUDA image resize (kernels/image.cu) against the CPU backend
 * (rc_image_resize_cpu) on the same batches, comparing every output BYTE (docs/KERNELS.md,
 * "image resize": the backends give the same bytes).  Output buffers are poisoned differently
 * for each backend, so a byte one of them leaves unwritten fails too.  Cases: random
 * geometries, crops, channel counts and step lists with repeated and unused frames; 1x1
 * frames, upscales, the identity size, crops on every border, output sides around the kernel's
 * tile (31..33 columns, 15..17 rows), the 2048-tap limit on each axis, constant and checkerboard
 * frames; camera batches (480x640x3 -> 224x224, area and bilinear, 256 frames: more than one
 * device chunk, and a 30 Hz camera on a 50 Hz timeline, each frame used by one or two steps);
 * an empty batch; and the checks both backends make before resizing.  Needs a CUDA device:
 * without one the first check fails and the program bails out (run by `make check-gpu`). */
#include "config.h"

#include <stdio.h>

#include "gpu_common.h"

static const char *interp_name(rc_interp i) { return i == RC_INTERP_AREA ? "area" : "bilinear"; }

/* Runs g on frames [S] with steps source [T] on both backends; one check. */
static void run_case(rc_backend *cpu, rc_backend *gpu, const rc_image_geom *g, const uint8_t *frames, int64_t S,
                     const int64_t *source, int64_t T, const char *what)
{
    rc_err e1, e2;
    int64_t n = T * rc_image_out_bytes(g);
    uint8_t *a = xcalloc((size_t)(n > 0 ? n : 1), 1), *b = xcalloc((size_t)(n > 0 ? n : 1), 1);
    rc_image_batch ba = {frames, S, source, T, a}, bb = {frames, S, source, T, b};
    rc_err_clear(&e1);
    rc_err_clear(&e2);
    memset(a, 0x5A, (size_t)n);
    memset(b, 0xA5, (size_t)n);
    rc_status s1 = rc_backend_image_resize(cpu, g, &ba, &e1);
    rc_status s2 = rc_backend_image_resize(gpu, g, &bb, &e2);
    if (s1 != RC_OK || s2 != RC_OK) {
        tap_ok(0, "%s: both backends run (cpu: %s; cuda: %s)", what, e1.msg, e2.msg);
    } else {
        tap_ok(same_bytes(a, b, (size_t)n, 1, what), "%s %dx%dx%d crop [%d %d %d %d] -> %dx%d %s, %lld steps: same bytes",
               what, g->H, g->W, g->C, g->crop_y, g->crop_x, g->crop_h, g->crop_w, g->out_h, g->out_w,
               interp_name(g->interp), (long long)T);
    }
    free(a);
    free(b);
}

static uint8_t *random_frames(int64_t S, const rc_image_geom *g)
{
    int64_t n = S * rc_image_in_bytes(g);
    uint8_t *f = xcalloc((size_t)n, 1);
    for (int64_t i = 0; i < n; i++) f[i] = (uint8_t)(rng_u64() >> 56);
    return f;
}

static rc_image_geom geom(int32_t H, int32_t W, int32_t C, int32_t oh, int32_t ow, rc_interp interp)
{
    rc_image_geom g = {H, W, C, 0, 0, H, W, oh, ow, interp};
    return g;
}

/* One frame, one step. */
static void run_one(rc_backend *cpu, rc_backend *gpu, const rc_image_geom *g, const char *what)
{
    int64_t src = 0;
    uint8_t *f = random_frames(1, g);
    run_case(cpu, gpu, g, f, 1, &src, 1, what);
    free(f);
}

static void set_random(rc_backend *cpu, rc_backend *gpu)
{
    for (int i = 0; i < 40; i++) {
        static const int32_t cs[3] = {1, 3, 4};
        rc_image_geom g = geom((int32_t)rng_range(1, 200), (int32_t)rng_range(1, 200), cs[rng_range(0, 2)],
                               (int32_t)rng_range(1, 120), (int32_t)rng_range(1, 120),
                               i % 2 ? RC_INTERP_BILINEAR : RC_INTERP_AREA);
        g.crop_h = (int32_t)rng_range(1, g.H);
        g.crop_w = (int32_t)rng_range(1, g.W);
        g.crop_y = (int32_t)rng_range(0, g.H - g.crop_h);
        g.crop_x = (int32_t)rng_range(0, g.W - g.crop_w);
        int64_t S = rng_range(1, 6), T = rng_range(0, 12);
        int64_t *src = xcalloc((size_t)(T > 0 ? T : 1), sizeof *src);
        for (int64_t k = 0; k < T; k++) src[k] = rng_range(0, S - 1);
        uint8_t *f = random_frames(S, &g);
        char what[64];
        snprintf(what, sizeof what, "random %d", i);
        run_case(cpu, gpu, &g, f, S, src, T, what);
        free(f);
        free(src);
    }
}

static void set_edges(rc_backend *cpu, rc_backend *gpu)
{
    for (int it = 0; it < 2; it++) {
        rc_interp in = it ? RC_INTERP_BILINEAR : RC_INTERP_AREA;
        rc_image_geom g = geom(1, 1, 3, 1, 1, in);
        run_one(cpu, gpu, &g, "1x1");
        g = geom(1, 1, 4, 37, 53, in);
        run_one(cpu, gpu, &g, "1x1 upscaled");
        g = geom(3, 5, 1, 700, 333, in);
        run_one(cpu, gpu, &g, "tall upscale");
        g = geom(57, 91, 3, 57, 91, in);
        run_one(cpu, gpu, &g, "identity size");
        g = geom(60, 80, 3, 17, 23, in);
        g.crop_y = 41, g.crop_x = 59, g.crop_h = 19, g.crop_w = 21;
        run_one(cpu, gpu, &g, "crop at the bottom-right border");
        g.crop_y = 0, g.crop_x = 0;
        run_one(cpu, gpu, &g, "crop at the top-left border");
        g.crop_y = 0, g.crop_x = 79, g.crop_h = 60, g.crop_w = 1;
        run_one(cpu, gpu, &g, "crop of the last column");
        for (int32_t ow = 31; ow <= 33; ow++)
            for (int32_t oh = 15; oh <= 17; oh++) {
                g = geom(97, 101, 3, oh, ow, in);
                run_one(cpu, gpu, &g, "around the tile");
            }
        g = geom(70, 65, 4, 140, 65, in);
        run_one(cpu, gpu, &g, "two tile columns and a one-pixel third");
        g = geom(2048, 2, 1, 1, 2, in);
        run_one(cpu, gpu, &g, "2048 rows into one (the tap limit)");
        g = geom(2, in == RC_INTERP_AREA ? 2048 : 1024, 3, 2, 1, in);
        run_one(cpu, gpu, &g, "a row into one pixel (2048 or 1024 taps)");
        g = geom(1500, 1500, 1, 1, 3, in);
        run_one(cpu, gpu, &g, "extreme shrink: the shared rows of one output row");
        g = geom(45, 77, 3, 13, 29, in);
        {
            int64_t src = 0;
            uint8_t *f = random_frames(1, &g);
            memset(f, 255, (size_t)rc_image_in_bytes(&g));
            run_case(cpu, gpu, &g, f, 1, &src, 1, "constant 255");
            for (int64_t i = 0; i < rc_image_in_bytes(&g); i++) f[i] = ((i / 3 + i / (3 * 77)) & 1) ? 255 : 0;
            run_case(cpu, gpu, &g, f, 1, &src, 1, "checkerboard");
            free(f);
        }
    }
}

static void set_camera(rc_backend *cpu, rc_backend *gpu)
{
    int64_t S = big(256);
    for (int it = 0; it < 2; it++) {
        rc_interp in = it ? RC_INTERP_BILINEAR : RC_INTERP_AREA;
        rc_image_geom g = geom(480, 640, 3, 224, 224, in);
        uint8_t *f = random_frames(S, &g);
        int64_t T = S * 50 / 30, *src = xcalloc((size_t)T, sizeof *src);
        int64_t *all = xcalloc((size_t)S, sizeof *all);
        for (int64_t k = 0; k < S; k++) all[k] = S - 1 - k; /* every frame, backwards */
        run_case(cpu, gpu, &g, f, S, all, S, "camera batch, every frame once");
        for (int64_t k = 0; k < T; k++) src[k] = k * 30 / 50;
        run_case(cpu, gpu, &g, f, S, src, T, "30 Hz camera on a 50 Hz timeline");
        g.crop_x = 80, g.crop_w = 480, g.out_h = 96, g.out_w = 96;
        run_case(cpu, gpu, &g, f, S, src, T, "square crop to 96x96");
        free(f);
        free(src);
        free(all);
    }
}

static void set_checks(rc_backend *cpu, rc_backend *gpu)
{
    rc_image_geom g = geom(8, 8, 3, 4, 4, RC_INTERP_AREA);
    uint8_t *f = random_frames(2, &g), out[4 * 4 * 3 * 2];
    int64_t none = 0, bad[2] = {1, 2};
    run_case(cpu, gpu, &g, f, 2, &none, 0, "empty batch");
    rc_image_batch b = {f, 2, bad, 2, out};
    rc_err e;
    rc_backend *both[2] = {cpu, gpu};
    for (int i = 0; i < 2; i++) {
        rc_err_clear(&e);
        tap_ok(rc_backend_image_resize(both[i], &g, &b, &e) == RC_E_INTERNAL && strstr(e.msg, "frame 2 of 2"),
               "%s: a step reading past the frames is refused (%s)", rc_backend_name(both[i]), e.msg);
        rc_image_geom g2 = g;
        g2.crop_h = 9;
        rc_err_clear(&e);
        b.source = &none;
        b.T = 1;
        tap_ok(rc_backend_image_resize(both[i], &g2, &b, &e) == RC_E_INTERNAL && strstr(e.msg, "crop"),
               "%s: a crop outside the frame is refused (%s)", rc_backend_name(both[i]), e.msg);
        b.source = bad;
        b.T = 2;
    }
    free(f);
}

int main(void)
{
    rc_backend *cpu = NULL, *gpu = NULL;
    open_backends(&cpu, &gpu);
    set_random(cpu, gpu);
    set_edges(cpu, gpu);
    set_camera(cpu, gpu);
    set_checks(cpu, gpu);
    rc_backend_close(cpu);
    rc_backend_close(gpu);
    return tap_done();
}
