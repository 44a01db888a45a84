/* bench_image.c — the image resize (kernels/image.cu through rc_cuda_image_resize, the backend's
 * launcher): a batch of B distinct 480x640 RGB frames to 224x224, area and bilinear, one call
 * per batch as an image stage makes it (host buffers in and out; CUPTI separates the kernels
 * from the copies).  Frames are smooth gradients with noise, so neither all-equal nor random;
 * the first frames' output is compared with the CPU backend byte for byte before timing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/rc_cuda_int.h"
#include "bench.h"
#include "common/rc_common.h"
#include "ops/rc_ops.h"

#define CHECK_FRAMES 4 /* frames the CPU backend redoes for the byte comparison */

typedef struct image_set {
    rc_image_geom g;
    rc_image_batch b;
    uint8_t *frames, *out;
    int64_t *source;
} image_set;

static void set_free(image_set *s)
{
    rc_free(s->frames);
    rc_free(s->out);
    rc_free(s->source);
}

static int set_build(image_set *s, int64_t B, uint64_t seed)
{
    bench_rng r = {seed};
    int64_t in = rc_image_in_bytes(&s->g), out = rc_image_out_bytes(&s->g);
    s->frames = rc_malloc((size_t)(B * in));
    s->out = rc_malloc((size_t)(B * out));
    s->source = rc_malloc((size_t)B * sizeof *s->source);
    if (!s->frames || !s->out || !s->source) return -1;
    for (int64_t f = 0; f < B; f++) {
        uint8_t *p = s->frames + f * in;
        int32_t shift = (int32_t)(bench_rng_u64(&r) % 64);
        for (int32_t y = 0; y < s->g.H; y++)
            for (int32_t x = 0; x < s->g.W; x++)
                for (int32_t c = 0; c < s->g.C; c++) {
                    uint32_t v = (uint32_t)((x + shift) * (c + 1) / 3 + y / 2) + (uint32_t)(bench_rng_u64(&r) & 15);
                    p[((int64_t)y * s->g.W + x) * s->g.C + c] = (uint8_t)v;
                }
        s->source[f] = f;
    }
    s->b = (rc_image_batch){s->frames, B, s->source, B, s->out};
    return 0;
}

static int call_image(void *ctx)
{
    image_set *s = ctx;
    rc_err err;
    rc_err_clear(&err);
    if (rc_cuda_image_resize(g_bench_cuda, &s->g, &s->b, &err) == RC_OK) return 0;
    char msg[2048];
    rc_err_format(&err, msg, sizeof msg);
    fprintf(stderr, "rc-bench: rc_cuda_image_resize: %s\n", msg);
    return -1;
}

static void params_image(rc_json *j, void *ctx)
{
    image_set *s = ctx;
    rc_json_key(j, "B");
    rc_json_int(j, s->b.T);
    rc_json_key(j, "in");
    rc_json_array_begin(j);
    rc_json_int(j, s->g.H);
    rc_json_int(j, s->g.W);
    rc_json_int(j, s->g.C);
    rc_json_array_end(j);
    rc_json_key(j, "out");
    rc_json_array_begin(j);
    rc_json_int(j, s->g.out_h);
    rc_json_int(j, s->g.out_w);
    rc_json_array_end(j);
    rc_json_key(j, "interpolation");
    rc_json_string(j, s->g.interp == RC_INTERP_AREA ? "area" : "bilinear");
}

/* The first CHECK_FRAMES frames again on the CPU backend; 1 when the bytes agree. */
static int check_first_frames(const image_set *s)
{
    int64_t n = s->b.T < CHECK_FRAMES ? s->b.T : CHECK_FRAMES, out = rc_image_out_bytes(&s->g);
    uint8_t *cpu = rc_malloc((size_t)(n * out));
    if (!cpu) return -1;
    memset(cpu, 0xA5, (size_t)(n * out));
    rc_image_batch b = {s->frames, n, s->source, n, cpu};
    int same = rc_image_resize_cpu(&s->g, &b) == 0 && !memcmp(cpu, s->out, (size_t)(n * out));
    rc_free(cpu);
    return same;
}

int bench_image(const bench_opts *o)
{
    static const rc_interp interps[] = {RC_INTERP_AREA, RC_INTERP_BILINEAR};
    int rc = 0;
    int64_t B = o->quick ? 16 : 256;
    for (int i = 0; i < 2; i++) {
        image_set s;
        bench_case c;
        memset(&s, 0, sizeof s);
        memset(&c, 0, sizeof c);
        s.g = (rc_image_geom){480, 640, 3, 0, 0, 480, 640, 224, 224, interps[i]};
        snprintf(c.name, sizeof c.name, "image/%s/B%lld-480x640x3-224x224", i ? "bilinear" : "area", (long long)B);
        if (!bench_selected(o, c.name)) continue;
        if (set_build(&s, B, 0x1A6E0000u + (uint64_t)i)) {
            fprintf(stderr, "rc-bench: out of host memory for %s\n", c.name);
            set_free(&s);
            return -1;
        }
        c.group = "image";
        c.bytes = (double)B * (double)(rc_image_in_bytes(&s.g) + rc_image_out_bytes(&s.g));
        c.items = (double)B;
        c.items_unit = "frames";
        c.checked = -1;
        int r = call_image(&s);
        if (r == 0) c.checked = check_first_frames(&s);
        if (r == 0) r = bench_run_case(o, &c, call_image, &s, params_image);
        rc |= r;
        set_free(&s);
    }
    return rc;
}
