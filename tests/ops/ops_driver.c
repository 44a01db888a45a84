/* ops_driver.c — runs one ops case for the Python tests: reads a binary case file, calls the
 * CPU backend (rc_fuse_cpu, rc_voxelize_cpu, rc_image_resize_cpu and its axis tables) or the
 * conversions of rc_ops.h, writes the raw result.  Not a test itself; tests/ops/ops_case.py defines the format (little-endian):
 *   u32 magic 0x504F4352 ("RCOP"), u32 op, then the op's fields (see ops_case.py).
 * Output buffers are filled with 0xA5 first, so a result that skips zeroing shows up.
 * Usage: ops_driver CASE_IN RESULT_OUT; exit 0 on success, 2 on a malformed case. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "ops/rc_ops.h"

#define CASE_MAGIC 0x504F4352u

static FILE *g_in, *g_out;
static void *g_bufs[4096]; /* every buffer, freed at exit (leak-clean under sanitizers) */
static int g_nbufs;

static void die(const char *what)
{
    fprintf(stderr, "ops_driver: %s\n", what);
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
static void *buf(int64_t n, size_t elem)
{
    if (n < 0) die("negative size in case");
    void *p = malloc((size_t)(n > 0 ? n : 1) * elem);
    if (!p) die("out of memory");
    memset(p, 0xA5, (size_t)(n > 0 ? n : 1) * elem);
    if (g_nbufs == (int)(sizeof g_bufs / sizeof g_bufs[0])) die("too many buffers in case");
    g_bufs[g_nbufs++] = p;
    return p;
}

/* op 1: i32 n_cols, i32 dtype, i64 T, i64 max_gap_ns, i32 threads, i64 grid[T], then per block
 * i32 method, i32 quat, i32 D, i64 S, i64 t[S], f32 x[S*D].  Writes out[T*width], u8 valid[T]. */
static void op_fuse(void)
{
    rc_fuse_job job;
    memset(&job, 0, sizeof job);
    job.n_cols = rd_i32();
    job.dtype = (rc_dtype)rd_i32();
    job.T = rd_i64();
    job.max_gap_ns = rd_i64();
    int threads = rd_i32();
    int64_t *grid = buf(job.T, 8);
    rd(grid, (size_t)job.T * 8);
    job.grid = grid;
    rc_fuse_col *cols = buf(job.n_cols, sizeof *cols);
    for (int32_t c = 0; c < job.n_cols; c++) {
        cols[c].method = (rc_method)rd_i32();
        cols[c].quat = (rc_quat_order)rd_i32();
        cols[c].src.D = rd_i32();
        cols[c].src.S = rd_i64();
        int64_t *t = buf(cols[c].src.S, 8);
        float *x = buf(cols[c].src.S * cols[c].src.D, 4);
        rd(t, (size_t)cols[c].src.S * 8);
        rd(x, (size_t)(cols[c].src.S * cols[c].src.D) * 4);
        cols[c].src.t_ns = t;
        cols[c].src.x = x;
        cols[c].col = job.width;
        job.width += cols[c].src.D;
    }
    job.cols = cols;
    size_t out_bytes = (size_t)(job.T * job.width) * (size_t)rc_dtype_size(job.dtype);
    job.out = buf((int64_t)out_bytes, 1);
    job.valid = buf(job.T, 1);
#ifdef _OPENMP
    if (threads > 0) omp_set_num_threads(threads);
#else
    (void)threads;
#endif
    rc_fuse_cpu(&job, 1);
    wr(job.out, out_bytes);
    wr(job.valid, (size_t)job.T);
}

/* op 4 (window): i32 dtype, i32 N, i32 D, i64 T, i32 threads, i64 grid[T], i64 S, i64 t[S],
 * f32 x[S*D].  Runs one window job; writes out[T*N*D] of dtype, u8 mask[T*N], u8 valid[T]. */
static void op_window(void)
{
    rc_fuse_job job;
    rc_fuse_col col;
    memset(&job, 0, sizeof job);
    memset(&col, 0, sizeof col);
    job.dtype = (rc_dtype)rd_i32();
    col.window = rd_i32();
    col.src.D = rd_i32();
    job.T = rd_i64();
    int threads = rd_i32();
    if (col.window < 1 || col.src.D < 1) die("window case needs N, D >= 1");
    int64_t *grid = buf(job.T, 8);
    rd(grid, (size_t)job.T * 8);
    col.src.S = rd_i64();
    int64_t *t = buf(col.src.S, 8);
    float *x = buf(col.src.S * col.src.D, 4);
    rd(t, (size_t)col.src.S * 8);
    rd(x, (size_t)(col.src.S * col.src.D) * 4);
    col.src.t_ns = t;
    col.src.x = x;
    col.method = RC_METHOD_WINDOW;
    job.grid = grid;
    job.cols = &col;
    job.n_cols = 1;
    job.width = col.window * col.src.D;
    size_t out_bytes = (size_t)(job.T * job.width) * (size_t)rc_dtype_size(job.dtype);
    job.out = buf((int64_t)out_bytes, 1);
    job.mask = buf(job.T * col.window, 1);
    job.valid = buf(job.T, 1);
#ifdef _OPENMP
    if (threads > 0) omp_set_num_threads(threads);
#else
    (void)threads;
#endif
    rc_fuse_cpu(&job, 1);
    wr(job.out, out_bytes);
    wr(job.mask, (size_t)(job.T * col.window));
    wr(job.valid, (size_t)job.T);
}

/* op 2: i64 n, f32 v[n].  Writes u16 f16[n], u16 bf16[n]. */
static void op_convert(void)
{
    int64_t n = rd_i64();
    float *v = buf(n, 4);
    uint16_t *h = buf(n, 2), *b = buf(n, 2);
    rd(v, (size_t)n * 4);
    for (int64_t i = 0; i < n; i++) {
        h[i] = rc_f32_to_f16(v[i]);
        b[i] = rc_f32_to_bf16(v[i]);
    }
    wr(h, (size_t)n * 2);
    wr(b, (size_t)n * 2);
}

/* op 3: i32 mode, i32 sparse, i32 C, i32 max_points, i32 max_voxels, f64 range[3][2],
 * f64 size[3], i64 N, f32 points[N*C].  Writes i32 init_rc; when 0: i32 n[3], f32 min[3],
 * f32 size[3], i32 vox_rc, i64 n_voxels, dropped_range, dropped_points, dropped_voxels, then
 * dense | sparse coords[N*3] + values[N(*C)] | points coords[MV*3] + voxels + num_points[MV]. */
static void op_voxelize(void)
{
    int32_t mode = rd_i32(), sparse = rd_i32(), C = rd_i32(), mp = rd_i32(), mv = rd_i32();
    double range[3][2], size[3];
    rd(range, sizeof range);
    rd(size, sizeof size);
    int64_t N = rd_i64();
    if (C < 1) die("C < 1 in case");
    float *pts = buf(N * C, 4);
    rd(pts, (size_t)(N * C) * 4);
    rc_vox_params p;
    int32_t rc = rc_vox_params_init(&p, (rc_vox_mode)mode, sparse, range, size, C, mp, mv);
    wr(&rc, 4);
    if (rc != 0) return;
    wr(p.n, sizeof p.n);
    wr(p.min, sizeof p.min);
    wr(p.size, sizeof p.size);
    rc_vox_frame f;
    memset(&f, 0, sizeof f);
    int64_t cells = (int64_t)p.n[0] * p.n[1] * p.n[2];
    size_t vsize = mode == RC_VOX_MEAN ? (size_t)C * 4 : mode == RC_VOX_COUNT ? 4 : 1;
    size_t dense_bytes = 0, values_bytes = 0;
    if (mode == RC_VOX_POINTS) {
        f.coords = buf((int64_t)mv * 3, 4);
        f.voxels = buf((int64_t)mv * mp * C, 4);
        f.num_points = buf(mv, 4);
    } else if (sparse) {
        f.coords = buf(N * 3, 4);
        values_bytes = (size_t)N * vsize;
        f.values = buf((int64_t)values_bytes, 1);
    } else {
        dense_bytes = (size_t)cells * vsize;
        f.dense = buf((int64_t)dense_bytes, 1);
    }
    int32_t vrc = rc_voxelize_cpu(&p, pts, N, &f);
    wr(&vrc, 4);
    wr(&f.n_voxels, 8);
    wr(&f.dropped_range, 8);
    wr(&f.dropped_points, 8);
    wr(&f.dropped_voxels, 8);
    if (mode == RC_VOX_POINTS) {
        wr(f.coords, (size_t)mv * 12);
        wr(f.voxels, (size_t)mv * (size_t)mp * (size_t)C * 4);
        wr(f.num_points, (size_t)mv * 4);
    } else if (sparse) {
        wr(f.coords, (size_t)N * 12);
        wr(f.values, values_bytes);
    } else {
        wr(f.dense, dense_bytes);
    }
}

/* op 5 (image resize, rc_image_resize_cpu): i32 H, W, C, crop_y, crop_x, crop_h, crop_w, out_h,
 * out_w, interp, threads; i64 S; u8 frames[S*H*W*C]; i64 T; i64 source[T].  Writes i32 status:
 * 0 then u8 out[T*out_h*out_w*C], or 1 (rc_image_geom_check refused the geometry) then i32 len
 * and its message. */
static void op_image(void)
{
    rc_image_geom g;
    rc_image_batch b;
    char msg[512];
    int32_t *fields[9] = {&g.H, &g.W, &g.C, &g.crop_y, &g.crop_x, &g.crop_h, &g.crop_w, &g.out_h, &g.out_w};
    for (int i = 0; i < 9; i++) *fields[i] = rd_i32();
    g.interp = (rc_interp)rd_i32();
    int threads = rd_i32();
    b.S = rd_i64();
    int64_t in_bytes = (int64_t)g.H * g.W * g.C;
    uint8_t *frames = buf(b.S * in_bytes, 1);
    rd(frames, (size_t)(b.S * in_bytes));
    b.frames = frames;
    b.T = rd_i64();
    int64_t *source = buf(b.T, 8);
    rd(source, (size_t)b.T * 8);
    b.source = source;
    for (int64_t k = 0; k < b.T; k++)
        if (source[k] < 0 || source[k] >= b.S) die("source index out of range in case");
    int32_t status = rc_image_geom_check(&g, msg, sizeof msg) != 0;
    wr(&status, 4);
    if (status) {
        int32_t len = (int32_t)strlen(msg);
        wr(&len, 4);
        wr(msg, (size_t)len);
        return;
    }
    int64_t out_bytes = b.T * (int64_t)g.out_h * g.out_w * g.C;
    b.out = buf(out_bytes, 1);
#ifdef _OPENMP
    if (threads > 0) omp_set_num_threads(threads);
#endif
    (void)threads;
    if (rc_image_resize_cpu(&g, &b) != 0) die("rc_image_resize_cpu: out of memory");
    wr(b.out, (size_t)out_bytes);
}

/* op 6 (the taps of one resize axis, rc_resize_axis_init): i32 n_in, n_out, interp.  Writes
 * i32 status (0 built, 1 refused), then on 0 i32 K, i32 first[n_out], u16 w[n_out*K]. */
static void op_axis(void)
{
    rc_resize_axis a;
    int32_t n_in = rd_i32(), n_out = rd_i32();
    rc_interp interp = (rc_interp)rd_i32();
    int32_t status = rc_resize_axis_init(&a, n_in, n_out, interp) != 0;
    wr(&status, 4);
    if (status) return;
    wr(&a.K, 4);
    wr(a.first, (size_t)n_out * 4);
    wr(a.w, (size_t)n_out * (size_t)a.K * 2);
    rc_resize_axis_free(&a);
}

int main(int argc, char **argv)
{
    if (argc != 3) die("usage: ops_driver CASE_IN RESULT_OUT");
    g_in = fopen(argv[1], "rb");
    if (!g_in) die("cannot open the case file");
    uint32_t magic, op;
    rd(&magic, 4);
    rd(&op, 4);
    if (magic != CASE_MAGIC) die("bad magic: expected RCOP");
    g_out = fopen(argv[2], "wb");
    if (!g_out) die("cannot open the result file");
    if (op == 1) op_fuse();
    else if (op == 2) op_convert();
    else if (op == 3) op_voxelize();
    else if (op == 4) op_window();
    else if (op == 5) op_image();
    else if (op == 6) op_axis();
    else die("unknown op");
    if (fclose(g_out) != 0) die("cannot close the result file");
    fclose(g_in);
    for (int i = 0; i < g_nbufs; i++) free(g_bufs[i]);
    return 0;
}
