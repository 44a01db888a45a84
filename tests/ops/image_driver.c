/* image_driver.c — runs one image-resize case for tests/ops/test_image_resize.py: reads a
 * binary case, calls rc_resize_axis_init (op 2) or rc_image_geom_check and
 * rc_image_resize_cpu (op 1), writes the raw result.  Not a test itself; the format
 * (little-endian) is defined by image_case() in test_image_resize.py:
 *   u32 magic 0x4D494352 ("RCIM"), u32 op, then
 *   op 1: i32 H, W, C, crop_y, crop_x, crop_h, crop_w, out_h, out_w, interp, threads; i64 S;
 *         u8 frames[S*H*W*C]; i64 T; i64 source[T]
 *         -> i32 status (0 done, 1 geometry rejected: its message on stderr), u8 out[T*out_h*out_w*C]
 *   op 2: i32 n_in, n_out, interp -> i32 status, i32 K, i32 first[n_out], u16 w[n_out*K]
 * The output buffer is filled with 0xA5 first, so a byte the op leaves unwritten shows up.
 * Usage: image_driver CASE_IN RESULT_OUT; exit 0 on success, 2 on a malformed case. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "ops/rc_image.h"

#define CASE_MAGIC 0x4D494352u

static FILE *g_in, *g_out;

static void die(const char *what)
{
    fprintf(stderr, "image_driver: %s\n", what);
    exit(2);
}
static void rd(void *p, size_t n)
{
    if (n && fread(p, 1, n, g_in) != n) die("case file truncated");
}
static void wr(const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, g_out) != n) die("cannot write result");
}
static int32_t rd_i32(void)
{
    int32_t v;
    rd(&v, 4);
    return v;
}
static int64_t rd_i64(void)
{
    int64_t v;
    rd(&v, 8);
    return v;
}
static void wr_i32(int32_t v) { wr(&v, 4); }
static void *xmalloc(int64_t n)
{
    if (n < 0 || n > ((int64_t)1 << 34)) die("size out of range in case");
    void *p = malloc((size_t)(n > 0 ? n : 1));
    if (!p) die("out of memory");
    memset(p, 0xA5, (size_t)(n > 0 ? n : 1));
    return p;
}

static void op_resize(void)
{
    rc_image_geom g;
    char msg[512];
    g.H = rd_i32();
    g.W = rd_i32();
    g.C = rd_i32();
    g.crop_y = rd_i32();
    g.crop_x = rd_i32();
    g.crop_h = rd_i32();
    g.crop_w = rd_i32();
    g.out_h = rd_i32();
    g.out_w = rd_i32();
    g.interp = (rc_interp)rd_i32();
    int threads = rd_i32();
    rc_image_batch b;
    b.S = rd_i64();
    int64_t in_bytes = (int64_t)g.H * g.W * g.C;
    uint8_t *frames = xmalloc(b.S * in_bytes);
    rd(frames, (size_t)(b.S * in_bytes));
    b.frames = frames;
    b.T = rd_i64();
    int64_t *source = xmalloc(b.T * 8);
    rd(source, (size_t)b.T * 8);
    b.source = source;
    for (int64_t k = 0; k < b.T; k++)
        if (source[k] < 0 || source[k] >= b.S) die("source index out of range in case");
    if (rc_image_geom_check(&g, msg, sizeof msg) != 0) {
        fprintf(stderr, "%s\n", msg);
        wr_i32(1);
    } else {
        int64_t out_bytes = (int64_t)b.T * g.out_h * g.out_w * g.C;
        b.out = xmalloc(out_bytes);
#ifdef _OPENMP
        if (threads > 0) omp_set_num_threads(threads);
#endif
        (void)threads;
        if (rc_image_resize_cpu(&g, &b) != 0) die("rc_image_resize_cpu: out of memory");
        wr_i32(0);
        wr(b.out, (size_t)out_bytes);
        free(b.out);
    }
    free(frames);
    free(source);
}

static void op_axis(void)
{
    rc_resize_axis a;
    int32_t n_in = rd_i32(), n_out = rd_i32();
    rc_interp interp = (rc_interp)rd_i32();
    if (rc_resize_axis_init(&a, n_in, n_out, interp) != 0) {
        wr_i32(1);
        return;
    }
    wr_i32(0);
    wr_i32(a.K);
    wr(a.first, (size_t)n_out * 4);
    wr(a.w, (size_t)n_out * (size_t)a.K * 2);
    rc_resize_axis_free(&a);
}

int main(int argc, char **argv)
{
    uint32_t magic, op;
    if (argc != 3) die("usage: image_driver CASE_IN RESULT_OUT");
    if (!(g_in = fopen(argv[1], "rb"))) die("cannot open case");
    if (!(g_out = fopen(argv[2], "wb"))) die("cannot create result");
    rd(&magic, 4);
    rd(&op, 4);
    if (magic != CASE_MAGIC) die("bad magic");
    if (op == 1) op_resize();
    else if (op == 2) op_axis();
    else die("unknown op");
    if (fclose(g_out) != 0) die("cannot write result");
    fclose(g_in);
    return 0;
}
