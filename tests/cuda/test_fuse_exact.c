/* test_fuse_exact.c — the CUDA fuse kernel (kernels/fuse.cu) against the CPU backend
 * (rc_fuse_cpu) on the same jobs, comparing every output BYTE and every valid flag (docs/SPEC.md
 * §4: the backends give the same bits).  Output buffers are poisoned differently for
 * each backend, so an element one of them leaves unwritten fails too.  Cases: one sample,
 * grid on the samples, long gaps against max_gap, antipodal / tiny-angle / zero quaternions,
 * float16 and bfloat16 rounding ties, nearest ties, extreme int64 timestamps, empty streams,
 * empty jobs, many episodes in one batch, and one long episode; then the kernel's tiles: T
 * around multiples of the tile's rows, jobs with more stream blocks than one pass takes, rows
 * wider than a thread block, many widths and window jobs in one batch, and the jobs the
 * launcher refuses (blocks not back to back).  Needs a CUDA device: without
 * one the first check fails and the program bails out (run by `make check-gpu`). */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "gpu_common.h"

#define MAX_JOBS 512
#define MAX_COLS 24

/* The inputs of one case; everything is freed by case_free. */
typedef struct fcase {
    rc_fuse_job jobs[MAX_JOBS];
    rc_fuse_col cols[MAX_JOBS][MAX_COLS];
    int n_jobs;
    void *owned[MAX_JOBS * (MAX_COLS * 2 + 1)];
    int n_owned;
} fcase;

static void *own(fcase *c, size_t n, size_t size)
{
    void *p = xcalloc(n, size);
    if (c->n_owned >= (int)(sizeof c->owned / sizeof c->owned[0])) TAP_BAIL("test case too large");
    c->owned[c->n_owned++] = p;
    return p;
}

static void case_free(fcase *c)
{
    for (int i = 0; i < c->n_owned; i++) free(c->owned[i]);
    free(c);
}

static fcase *case_new(void) { return xcalloc(1, sizeof(fcase)); }

/* S strictly increasing times from t0, steps in [dt_min, dt_max]. */
static int64_t *make_times(fcase *c, int64_t S, int64_t t0, int64_t dt_min, int64_t dt_max)
{
    int64_t *t = own(c, (size_t)S, sizeof *t);
    for (int64_t i = 0; i < S; i++) t[i] = i ? t[i - 1] + rng_range(dt_min, dt_max) : t0;
    return t;
}

static float *make_values(fcase *c, int64_t S, int32_t D, float lo, float hi)
{
    float *x = own(c, (size_t)(S * D), sizeof *x);
    for (int64_t i = 0; i < S * D; i++) x[i] = rng_float(lo, hi);
    return x;
}

/* A new job with grid [T] from t0 by step, width and dtype; blocks are added by add_col. */
static rc_fuse_job *add_job(fcase *c, int64_t T, int64_t t0, int64_t step, rc_dtype dtype,
                            int64_t max_gap_ns, int with_valid)
{
    if (c->n_jobs >= MAX_JOBS) TAP_BAIL("more than %d jobs in a case", MAX_JOBS);
    rc_fuse_job *j = &c->jobs[c->n_jobs];
    int64_t *grid = own(c, (size_t)T, sizeof *grid);
    for (int64_t k = 0; k < T; k++) /* in uint64: the extreme-time grid spans 2^64 ns */
        grid[k] = (int64_t)((uint64_t)t0 + (uint64_t)k * (uint64_t)step);
    memset(j, 0, sizeof *j);
    j->cols = c->cols[c->n_jobs];
    j->grid = grid;
    j->T = T;
    j->dtype = dtype;
    j->max_gap_ns = max_gap_ns;
    j->valid = with_valid ? (uint8_t *)1 : NULL; /* marker: run_case allocates */
    c->n_jobs++;
    return j;
}

static void add_col(rc_fuse_job *j, const int64_t *t, const float *x, int64_t S, int32_t D,
                    rc_method m, rc_quat_order q)
{
    if (j->n_cols >= MAX_COLS) TAP_BAIL("more than %d blocks in a job", MAX_COLS);
    rc_fuse_col *cl = (rc_fuse_col *)&j->cols[j->n_cols++];
    cl->src.t_ns = t;
    cl->src.x = x;
    cl->src.S = S;
    cl->src.D = D;
    cl->method = m;
    cl->quat = q;
    cl->col = j->width;
    j->width += D;
}

/* A window block (the job's only one): N slots of D columns, no mask. */
static void add_window_col(rc_fuse_job *j, const int64_t *t, const float *x, int64_t S, int32_t D, int32_t N)
{
    add_col(j, t, x, S, D, RC_METHOD_WINDOW, RC_QUAT_WXYZ);
    ((rc_fuse_col *)j->cols)[j->n_cols - 1].window = N;
    j->width += (N - 1) * D;
}

/* A stream for block method m: S samples from about t0 at steps in [dt_min, dt_max]; slerp
 * rows are random (unnormalised) quaternions, other rows values in [-100, 100]. */
static void add_stream(fcase *c, rc_fuse_job *j, rc_method m, int32_t D, int64_t S, int64_t t0,
                       int64_t dt_min, int64_t dt_max)
{
    int64_t *t = S > 0 ? make_times(c, S, t0, dt_min, dt_max) : NULL;
    float *x = S > 0 ? make_values(c, S, D, m == RC_METHOD_SLERP ? -1.0f : -100.0f,
                                   m == RC_METHOD_SLERP ? 1.0f : 100.0f) : NULL;
    add_col(j, t, x, S, D, m, (rc_quat_order)rng_range(0, 1));
}

/* Runs the case on both backends and compares bytes; one TAP line per case. */
static void run_case(rc_backend *cpu, rc_backend *gpu, fcase *c, const char *name)
{
    rc_fuse_job *jc = xcalloc((size_t)c->n_jobs, sizeof *jc), *jg = xcalloc((size_t)c->n_jobs, sizeof *jg);
    int ok = 1;
    int64_t elems = 0;
    rc_err err;
    rc_err_clear(&err);
    for (int i = 0; i < c->n_jobs; i++) {
        size_t n_out = (size_t)(c->jobs[i].T * c->jobs[i].width) * (size_t)rc_dtype_size(c->jobs[i].dtype);
        jc[i] = jg[i] = c->jobs[i];
        jc[i].out = xcalloc(n_out, 1);
        jg[i].out = xcalloc(n_out, 1);
        memset(jc[i].out, 0x5A, n_out);
        memset(jg[i].out, 0xA5, n_out);
        if (c->jobs[i].valid) {
            jc[i].valid = xcalloc((size_t)c->jobs[i].T, 1);
            jg[i].valid = xcalloc((size_t)c->jobs[i].T, 1);
            memset(jc[i].valid, 0x5A, (size_t)c->jobs[i].T);
            memset(jg[i].valid, 0xA5, (size_t)c->jobs[i].T);
        }
        elems += c->jobs[i].T * c->jobs[i].width;
    }
    if (rc_backend_fuse(cpu, jc, c->n_jobs, &err) != RC_OK) {
        tap_ok(0, "%s: cpu fuse runs", name);
        tap_diag("%s", err.msg);
        ok = -1;
    } else if (rc_backend_fuse(gpu, jg, c->n_jobs, &err) != RC_OK) {
        tap_ok(0, "%s: cuda fuse runs", name);
        tap_diag("%s", err.msg);
        ok = -1;
    }
    for (int i = 0; ok >= 0 && i < c->n_jobs; i++) {
        char what[160];
        size_t es = (size_t)rc_dtype_size(c->jobs[i].dtype);
        snprintf(what, sizeof what, "%s: job %d (T %lld, width %d, dtype %d) out", name, i,
                 (long long)c->jobs[i].T, c->jobs[i].width, (int)c->jobs[i].dtype);
        ok &= same_bytes(jc[i].out, jg[i].out, (size_t)(c->jobs[i].T * c->jobs[i].width) * es, es, what);
        if (c->jobs[i].valid) {
            snprintf(what, sizeof what, "%s: job %d valid", name, i);
            ok &= same_bytes(jc[i].valid, jg[i].valid, (size_t)c->jobs[i].T, 1, what);
        }
    }
    if (ok >= 0)
        tap_ok(ok, "%s: %d job(s), %lld elements: cpu and cuda bytes identical", name, c->n_jobs,
               (long long)elems);
    for (int i = 0; i < c->n_jobs; i++) {
        free(jc[i].out);
        free(jg[i].out);
        if (c->jobs[i].valid) {
            free(jc[i].valid);
            free(jg[i].valid);
        }
    }
    free(jc);
    free(jg);
    case_free(c);
}

/* ---- cases ---- */

static void case_one_sample(rc_backend *cpu, rc_backend *gpu)
{
    fcase *c = case_new();
    int64_t *t = make_times(c, 1, 1000, 1, 1);
    float *x = make_values(c, 1, 4, -2.0f, 2.0f);
    for (int m = RC_METHOD_LINEAR; m <= RC_METHOD_SLERP; m++) {
        rc_fuse_job *j = add_job(c, 5, 998, 1, RC_DTYPE_F32, 0, 1); /* before, at, after */
        add_col(j, t, x, 1, 4, (rc_method)m, RC_QUAT_WXYZ);
    }
    run_case(cpu, gpu, c, "one sample");
}

static void case_grid_on_samples(rc_backend *cpu, rc_backend *gpu)
{
    fcase *c = case_new();
    int64_t S = 400, *t = own(c, (size_t)S, sizeof(int64_t));
    for (int64_t i = 0; i < S; i++) t[i] = 5000000 + i * 2000000; /* every grid point is a sample */
    float *x = make_values(c, S, 6, -100.0f, 100.0f), *q = make_values(c, S, 4, -1.0f, 1.0f);
    for (int d = RC_DTYPE_F32; d <= RC_DTYPE_BF16; d++) {
        rc_fuse_job *j = add_job(c, 2 * S + 3, 3000000, 1000000, (rc_dtype)d, 0, 1);
        add_col(j, t, x, S, 6, RC_METHOD_LINEAR, RC_QUAT_WXYZ);
        add_col(j, t, x, S, 6, RC_METHOD_NEAREST, RC_QUAT_WXYZ);
        add_col(j, t, x, S, 6, RC_METHOD_PREVIOUS, RC_QUAT_WXYZ);
        add_col(j, t, q, S, 4, RC_METHOD_SLERP, RC_QUAT_XYZW);
    }
    run_case(cpu, gpu, c, "grid on samples, nearest ties at midpoints");
}

static void case_long_gaps(rc_backend *cpu, rc_backend *gpu)
{
    fcase *c = case_new();
    int64_t S = 300, *t = own(c, (size_t)S, sizeof(int64_t));
    for (int64_t i = 0; i < S; i++) /* 2 ms steps, with a 50..500 ms hole every 37 samples */
        t[i] = i ? t[i - 1] + (i % 37 ? 2000000 : rng_range(50000000, 500000000)) : 0;
    float *x = make_values(c, S, 3, -5.0f, 5.0f);
    for (int64_t gap = 0; gap <= 20000000; gap += 10000000) { /* 0 (span test only), 10 ms, 20 ms */
        rc_fuse_job *j = add_job(c, 4000, -7000000, 1000003, RC_DTYPE_F32, gap, 1);
        add_col(j, t, x, S, 3, RC_METHOD_LINEAR, RC_QUAT_WXYZ);
        add_col(j, t, x, S, 3, RC_METHOD_PREVIOUS, RC_QUAT_WXYZ);
    }
    run_case(cpu, gpu, c, "long gaps against max_gap, grid past both ends");
}

/* Quaternion pairs that stress slerp: antipodal, nearly antipodal, equal, a tiny angle, 180
 * degrees, zero, unnormalised, huge components. */
static void case_quaternions(rc_backend *cpu, rc_backend *gpu)
{
    static const float pairs[][8] = {
        {1, 0, 0, 0, -1, 0, 0, 0},
        {0.5f, 0.5f, 0.5f, 0.5f, -0.5f, -0.5f, -0.5f, -0.5f},
        {0.5f, 0.5f, 0.5f, 0.5f, -0.5f, -0.5f, -0.5f, -0.50001f},
        {0.7071068f, 0.7071068f, 0, 0, 0.7071068f, 0.7071068f, 0, 0},
        {1, 0, 0, 0, 1, 1e-7f, 0, 0},
        {1, 0, 0, 0, 0.99999994f, 3e-4f, 0, 0},
        {1, 0, 0, 0, 0, 1, 0, 0},
        {0, 0, 1, 0, 0, 0, 0, 1},
        {1, 0, 0, 0, 0, 0, 0, 0},
        {3, 4, 0, 0, -4, 3, 0, 0},
        {1e30f, 1e30f, 0, 0, 1e-30f, 0, 1e-30f, 0},
        {0.1f, -0.2f, 0.3f, -0.9f, -0.1f, 0.21f, -0.29f, 0.9f},
    };
    fcase *c = case_new();
    int n = (int)(sizeof pairs / sizeof pairs[0]);
    for (int p = 0; p < n; p++) {
        int64_t *t = make_times(c, 2, 0, 1000, 1000);
        float *x = own(c, 8, sizeof(float));
        memcpy(x, pairs[p], sizeof pairs[p]);
        rc_fuse_job *j = add_job(c, 1002, -1, 1, (rc_dtype)(p % 3), 0, 1);
        add_col(j, t, x, 2, 4, RC_METHOD_SLERP, p % 2 ? RC_QUAT_XYZW : RC_QUAT_WXYZ);
        add_col(j, t, x, 2, 4, RC_METHOD_LINEAR, RC_QUAT_WXYZ);
    }
    {   /* a long random walk of unit quaternions with frequent sign flips */
        int64_t S = 5000, *t = make_times(c, S, 0, 100000, 9000000);
        float *q = own(c, (size_t)S * 4, sizeof(float));
        for (int64_t i = 0; i < S; i++) {
            float s = (rng_u64() & 1) ? -1.0f : 1.0f, nn = 0;
            for (int k = 0; k < 4; k++) {
                q[i * 4 + k] = rng_float(-1.0f, 1.0f);
                nn += q[i * 4 + k] * q[i * 4 + k];
            }
            for (int k = 0; k < 4; k++) q[i * 4 + k] = s * q[i * 4 + k] / sqrtf(nn);
        }
        rc_fuse_job *j = add_job(c, 20000, 0, (t[S - 1] + 19999) / 20000, RC_DTYPE_F32, 5000000, 1);
        add_col(j, t, q, S, 4, RC_METHOD_SLERP, RC_QUAT_WXYZ);
    }
    run_case(cpu, gpu, c, "slerp: antipodal, tiny angle, zero and random quaternions");
}

/* Values on and around float16 / bfloat16 rounding boundaries, held exactly (previous). */
static void case_half_rounding(rc_backend *cpu, rc_backend *gpu)
{
    static const uint32_t bits[] = {
        0x3F801000u, 0x3F803000u, 0x3F801001u, 0x3F800FFFu, /* f16 ties to even and neighbours */
        0x3F808000u, 0x3F818000u, 0x3F808001u, 0x3F807FFFu, /* bf16 ties to even and neighbours */
        0x477FE000u, 0x477FEFFFu, 0x477FF000u, 0x477FF001u, /* 65504, ..., 65520 (f16 overflow) */
        0x33000000u, 0x33000001u, 0x33400000u, 0x33C00000u, /* 2^-25 and f16 subnormal ties */
        0x387FC000u, 0x38800000u, 0x387FE000u, 0x00000001u, /* around the f16 normal limit, f32 denormal */
        0x7F7FFFFFu, 0x7F800000u, 0xFF800000u, 0x7FC00000u, /* FLT_MAX, +-Inf, NaN */
        0xFFC00001u, 0x7F800001u, 0x80000000u, 0x00000000u, /* NaN payloads, -0, +0 */
        0xC77FF000u, 0xBF801000u, 0x807FFFFFu, 0x7F7F8000u, /* negatives, bf16 overflow tie */
    };
    fcase *c = case_new();
    int32_t D = (int32_t)(sizeof bits / sizeof bits[0]);
    int64_t S = 64, *t = make_times(c, S, 0, 10, 10);
    float *x = own(c, (size_t)(S * D), sizeof(float));
    for (int64_t i = 0; i < S; i++)
        for (int32_t k = 0; k < D; k++) {
            uint32_t b = bits[(k + i) % D];
            memcpy(&x[i * D + k], &b, 4);
        }
    for (int d = RC_DTYPE_F32; d <= RC_DTYPE_BF16; d++) {
        rc_fuse_job *j = add_job(c, 10 * S, 0, 1, (rc_dtype)d, 0, 1);
        add_col(j, t, x, S, D, RC_METHOD_PREVIOUS, RC_QUAT_WXYZ);
        add_col(j, t, x, S, D, RC_METHOD_LINEAR, RC_QUAT_WXYZ); /* Inf - Inf, NaN through fmaf */
        add_col(j, t, x, S, D, RC_METHOD_NEAREST, RC_QUAT_WXYZ);
    }
    run_case(cpu, gpu, c, "float16/bfloat16 rounding ties, overflow, subnormals, NaN, Inf, -0");
}

static void case_extreme_times(rc_backend *cpu, rc_backend *gpu)
{
    fcase *c = case_new();
    int64_t *t = own(c, 4, sizeof(int64_t));
    t[0] = INT64_MIN + 5;
    t[1] = -1;
    t[2] = 1;
    t[3] = INT64_MAX - 5;
    float *x = make_values(c, 4, 2, -1.0f, 1.0f);
    rc_fuse_job *j = add_job(c, 4000, INT64_MIN + 1, (int64_t)(UINT64_MAX / 4001), RC_DTYPE_F32, 0, 1);
    add_col(j, t, x, 4, 2, RC_METHOD_LINEAR, RC_QUAT_WXYZ);
    add_col(j, t, x, 4, 2, RC_METHOD_NEAREST, RC_QUAT_WXYZ);
    j = add_job(c, 9, -4, 1, RC_DTYPE_F32, 1, 1); /* max_gap 1 ns: only the samples are valid */
    add_col(j, t, x, 4, 2, RC_METHOD_LINEAR, RC_QUAT_WXYZ);
    run_case(cpu, gpu, c, "timestamps 2^63 apart (no int64 overflow in differences)");
}

static void case_empty(rc_backend *cpu, rc_backend *gpu)
{
    fcase *c = case_new();
    int64_t *t = make_times(c, 10, 0, 5, 5);
    float *x = make_values(c, 10, 3, 0.0f, 1.0f);
    rc_fuse_job *j = add_job(c, 0, 0, 1, RC_DTYPE_F32, 0, 1); /* T = 0 */
    add_col(j, t, x, 10, 3, RC_METHOD_LINEAR, RC_QUAT_WXYZ);
    j = add_job(c, 30, -3, 2, RC_DTYPE_F16, 0, 1); /* a stream with no samples: NaN, invalid */
    add_col(j, t, x, 10, 3, RC_METHOD_LINEAR, RC_QUAT_WXYZ);
    add_col(j, NULL, NULL, 0, 2, RC_METHOD_LINEAR, RC_QUAT_WXYZ);
    add_job(c, 7, 0, 1, RC_DTYPE_F32, 0, 0); /* no blocks at all, valid NULL */
    add_job(c, 0, 0, 1, RC_DTYPE_BF16, 0, 0);
    run_case(cpu, gpu, c, "T = 0 jobs, a stream without samples, a job without blocks");
}

/* A random job: 1..4 streams at random rates and methods, grid over their union. */
static void random_job(fcase *c, int64_t T_max)
{
    int n_streams = (int)rng_range(1, 4);
    int64_t T = rng_range(0, T_max), step = rng_range(1000000, 20000000);
    rc_fuse_job *j = add_job(c, T, rng_range(-50000000, 50000000), step, (rc_dtype)rng_range(0, 2),
                             rng_range(0, 3) * 10000000, (int)rng_range(0, 4) != 0);
    for (int s = 0; s < n_streams; s++) {
        rc_method m = (rc_method)rng_range(RC_METHOD_LINEAR, RC_METHOD_SLERP);
        int32_t D = m == RC_METHOD_SLERP ? 4 : (int32_t)rng_range(1, 12);
        int64_t S = rng_range(1, T / 2 + 2), dt_max = rng_range(100000, 60000000);
        int64_t *t = make_times(c, S, rng_range(-20000000, 20000000), 1, dt_max);
        float *x = make_values(c, S, D, -1000.0f, 1000.0f);
        add_col(j, t, x, S, D, m, (rc_quat_order)rng_range(0, 1));
    }
}

static void case_many_episodes(rc_backend *cpu, rc_backend *gpu)
{
    fcase *c = case_new();
    for (int e = 0; e < 300; e++) random_job(c, big(600));
    run_case(cpu, gpu, c, "300 random episodes in one batch");
}

static void case_long_episode(rc_backend *cpu, rc_backend *gpu)
{
    fcase *c = case_new();
    int64_t T = big(250000), step = 2000000; /* 500 s at 500 Hz */
    int64_t Sj = big(260000), Si = big(105000), Sc = big(15500), Sq = big(52000);
    int64_t *tj = make_times(c, Sj, 0, 1800000, 2200000), *ti = make_times(c, Si, 100, 4500000, 5500000);
    int64_t *tc = make_times(c, Sc, 0, 30000000, 36000000), *tq = make_times(c, Sq, 7, 9000000, 11000000);
    float *xj = make_values(c, Sj, 14, -3.2f, 3.2f), *xi = make_values(c, Si, 6, -20.0f, 20.0f);
    float *xc = make_values(c, Sc, 32, -1.0f, 1.0f), *xq = make_values(c, Sq, 4, -1.0f, 1.0f);
    for (int d = RC_DTYPE_F32; d <= RC_DTYPE_BF16; d += 2) {
        rc_fuse_job *j = add_job(c, T, 0, step, (rc_dtype)d, 40000000, 1);
        add_col(j, tj, xj, Sj, 14, RC_METHOD_LINEAR, RC_QUAT_WXYZ);
        add_col(j, ti, xi, Si, 6, RC_METHOD_LINEAR, RC_QUAT_WXYZ);
        add_col(j, tq, xq, Sq, 4, RC_METHOD_SLERP, RC_QUAT_XYZW);
        add_col(j, tc, xc, Sc, 32, RC_METHOD_PREVIOUS, RC_QUAT_WXYZ);
        add_col(j, tc, xc, Sc, 32, RC_METHOD_NEAREST, RC_QUAT_WXYZ);
    }
    run_case(cpu, gpu, c, "a long episode (250000 rows, or 25000 small) of five streams");
}

/* ---- the tiles of fuse_kernel: a thread block of 256 threads per tile of FUSE_ROWS rows (64;
 * the cases also cover 32), the stream blocks taken FUSE_CHUNK (4) per pass ---- */

/* T = 1, R - 1, R, R + 1, 3R + 5 for R = 32 and 64, with T = 0 jobs between non-empty ones; the
 * grid runs past both ends of the streams and max_gap cuts some brackets. */
static void case_tile_edges(rc_backend *cpu, rc_backend *gpu)
{
    static const int64_t Ts[] = {1, 0, 31, 32, 33, 0, 0, 63, 64, 65, 101, 0, 127, 128, 129, 197, 2, 0};
    fcase *c = case_new();
    for (int i = 0; i < (int)(sizeof Ts / sizeof Ts[0]); i++) {
        int64_t S = rng_range(2, 300), span = S * 1000; /* samples about 1 us apart */
        int64_t T = Ts[i], step = T > 1 ? (span + 4000) / (T - 1) : 1;
        rc_fuse_job *j = add_job(c, T, -2000, step, (rc_dtype)(i % 3), 1050, i % 4 != 3);
        add_stream(c, j, RC_METHOD_LINEAR, (int32_t)(1 + i % 5), S, 0, 900, 1100);
        add_stream(c, j, RC_METHOD_SLERP, 4, S / 2 + 1, 300, 1800, 2200);
        add_stream(c, j, (rc_method)(RC_METHOD_NEAREST + i % 2), (int32_t)(7 + i), S, -500, 800, 1300);
    }
    run_case(cpu, gpu, c, "tiles: T = 0, 1, R - 1, R, R + 1, 3R + 5 (R = 32, 64) in one batch");
}

/* 20 blocks (several passes of blocks per tile): every method, slerp with D = 4 and D = 3 (NaN
 * inside the stream), an unknown method (NaN inside), a stream without samples, a block of
 * D = 0, D from 1 to 130; each stream at its own rate; all three dtypes. */
static void case_many_blocks(rc_backend *cpu, rc_backend *gpu)
{
    static const struct { int m; int32_t D; } blocks[20] = {
        {RC_METHOD_LINEAR, 1},   {RC_METHOD_NEAREST, 3}, {RC_METHOD_SLERP, 4},    {RC_METHOD_PREVIOUS, 33},
        {RC_METHOD_LINEAR, 130}, {RC_METHOD_NEAREST, 1}, {RC_METHOD_PREVIOUS, 3}, {RC_METHOD_SLERP, 4},
        {RC_METHOD_LINEAR, 33},  {-1, 3},                {RC_METHOD_SLERP, 3},    {9, 2},
        {RC_METHOD_LINEAR, 0},   {RC_METHOD_NEAREST, 130}, {RC_METHOD_PREVIOUS, 1}, {RC_METHOD_SLERP, 4},
        {RC_METHOD_LINEAR, 3},   {RC_METHOD_NEAREST, 33}, {RC_METHOD_PREVIOUS, 4}, {RC_METHOD_LINEAR, 1},
    };
    static const int64_t Ts[] = {197, 70, 1, 64};
    fcase *c = case_new();
    for (int i = 0; i < (int)(sizeof Ts / sizeof Ts[0]); i++) {
        int64_t T = Ts[i], step = 7919;
        rc_fuse_job *j = add_job(c, T, -50000, step, (rc_dtype)(i % 3), i % 2 ? 0 : 9000, 1);
        for (int b = 0; b < 20; b++) {
            int64_t dt = rng_range(500, 30000);
            if (blocks[b].m < 0 && i % 2 == 0) { /* a stream without samples: NaN, every row invalid */
                add_col(j, NULL, NULL, 0, blocks[b].D, RC_METHOD_LINEAR, RC_QUAT_WXYZ);
                continue;
            }
            rc_method m = blocks[b].m < 0 ? RC_METHOD_LINEAR : (rc_method)blocks[b].m;
            add_stream(c, j, m, blocks[b].D, T * step / dt + 2, rng_range(-60000, 60000), dt / 2, dt * 3 / 2);
        }
    }
    run_case(cpu, gpu, c, "20 blocks per job: every method, D = 0 to 130, no samples, unknown method");
}

/* Rows wider than the 256 threads of a block: one block of D = 257, 300 and 1000, and two
 * blocks of 200 + 100 columns. */
static void case_wide_rows(rc_backend *cpu, rc_backend *gpu)
{
    static const int32_t Ds[] = {257, 300, 1000};
    fcase *c = case_new();
    for (int i = 0; i < 3; i++)
        for (int d = RC_DTYPE_F32; d <= RC_DTYPE_BF16; d++) {
            rc_fuse_job *j = add_job(c, i == 2 ? 3 : 130, -3000, 997, (rc_dtype)d, 0, 1);
            add_stream(c, j, (rc_method)(d % 3), Ds[i], 150, 0, 500, 1500);
        }
    rc_fuse_job *j = add_job(c, 77, -3000, 1999, RC_DTYPE_F32, 2000, 1);
    add_stream(c, j, RC_METHOD_LINEAR, 200, 80, 0, 1000, 3000);
    add_stream(c, j, RC_METHOD_NEAREST, 100, 80, 0, 1000, 3000);
    run_case(cpu, gpu, c, "rows wider than a thread block (D = 257, 300, 1000; 200 + 100)");
}

/* The column counts of the open-input tests (1, 2, 3, 5, 6, 16, 31, 33, 1000): each alone under
 * linear, nearest and previous in every dtype, as a window job of N = 3, and all nine side by
 * side in one job with a slerp block among them. */
static void case_input_widths(rc_backend *cpu, rc_backend *gpu)
{
    static const int32_t Ds[] = {1, 2, 3, 5, 6, 16, 31, 33, 1000};
    fcase *c = case_new();
    for (int i = 0; i < 9; i++) {
        for (int m = RC_METHOD_LINEAR; m <= RC_METHOD_PREVIOUS; m++) {
            rc_fuse_job *j = add_job(c, 90, -2500, 1000, (rc_dtype)((i + m) % 3), 0, 1);
            add_stream(c, j, (rc_method)m, Ds[i], 70, 0, 700, 1900);
        }
        rc_fuse_job *j = add_job(c, 60, -1000, 1000, RC_DTYPE_F32, 0, 1);
        int64_t *t = make_times(c, 50, 0, 500, 2000);
        add_window_col(j, t, make_values(c, 50, Ds[i], -10.0f, 10.0f), 50, Ds[i], 3);
    }
    rc_fuse_job *j = add_job(c, 150, -5000, 997, RC_DTYPE_F32, 3000, 1);
    for (int i = 0; i < 9; i++) {
        add_stream(c, j, (rc_method)(i % 3), Ds[i], 120, (int64_t)i * 300, 600, 1800);
        if (i == 4) add_stream(c, j, RC_METHOD_SLERP, 4, 100, 0, 900, 2100);
    }
    run_case(cpu, gpu, c, "widths 1, 2, 3, 5, 6, 16, 31, 33, 1000: alone, as windows, and in one job");
}

/* 250 jobs of 1 to 22 blocks (random methods, D from 0 to 130), T from 0 to 300, every dtype,
 * with window jobs among them: many tile shapes and widths in one launch. */
static void case_mixed_widths(rc_backend *cpu, rc_backend *gpu)
{
    static const int32_t Ds[] = {0, 1, 2, 3, 5, 8, 17, 33, 64, 130};
    fcase *c = case_new();
    for (int e = 0; e < 250; e++) {
        int64_t T = rng_range(0, 9) == 0 ? 0 : rng_range(1, big(300)), step = rng_range(1000, 5000);
        rc_fuse_job *j = add_job(c, T, rng_range(-20000, 20000), step, (rc_dtype)rng_range(0, 2),
                                 rng_range(0, 2) * 4000, (int)rng_range(0, 4) != 0);
        int64_t span = T * step + 1;
        if (rng_range(0, 9) == 0) { /* a window job: its only block */
            int32_t D = (int32_t)rng_range(1, 9);
            int64_t S = rng_range(0, T + 2);
            int64_t *t = S > 0 ? make_times(c, S, rng_range(-20000, 20000), 1, 2 * span / S + 1) : NULL;
            float *x = S > 0 ? make_values(c, S, D, -10.0f, 10.0f) : NULL;
            add_window_col(j, t, x, S, D, (int32_t)rng_range(1, 6));
            continue;
        }
        int n_blocks = (int)rng_range(1, 22);
        for (int b = 0; b < n_blocks; b++) {
            rc_method m = (rc_method)rng_range(RC_METHOD_LINEAR, RC_METHOD_SLERP);
            int32_t D = m == RC_METHOD_SLERP ? 4 : Ds[rng_range(0, 9)];
            int64_t S = rng_range(1, T + 3), dt = span / S + 1;
            add_stream(c, j, m, D, S, rng_range(-30000, 30000), dt / 2 + 1, dt * 2);
        }
    }
    run_case(cpu, gpu, c, "250 jobs of 1 to 22 blocks of D = 0 to 130, window jobs among them");
}

/* The kernel takes a pass of consecutive blocks as one range of columns, so the cuda backend
 * refuses blocks that are not back to back from column 0 to width (no caller builds such jobs;
 * the cpu backend writes them anyway). */
static void case_blocks_refused(rc_backend *gpu)
{
    fcase *c = case_new();
    rc_err err;
    int64_t *t = make_times(c, 10, 0, 5, 5);
    float *x = make_values(c, 10, 3, 0.0f, 1.0f);
    rc_fuse_job *j = add_job(c, 4, 0, 10, RC_DTYPE_F32, 0, 0);
    add_col(j, t, x, 10, 3, RC_METHOD_LINEAR, RC_QUAT_WXYZ);
    add_col(j, t, x, 10, 3, RC_METHOD_NEAREST, RC_QUAT_WXYZ);
    float *out = own(c, (size_t)(j->T * j->width), sizeof(float));
    j->out = out;
    rc_fuse_col *cl = (rc_fuse_col *)j->cols;
    cl[0].col = 3; /* swapped */
    cl[1].col = 0;
    rc_err_clear(&err);
    tap_ok(rc_backend_fuse(gpu, j, 1, &err) == RC_E_INTERNAL && strstr(err.msg, "back to back"),
           "cuda: blocks out of column order are refused (RC_E_INTERNAL)");
    tap_diag("%s", err.msg);
    cl[0].col = 0;
    cl[1].col = 3;
    j->width = 7; /* one column no block writes */
    rc_err_clear(&err);
    tap_ok(rc_backend_fuse(gpu, j, 1, &err) == RC_E_INTERNAL && strstr(err.msg, "fill width"),
           "cuda: blocks that do not fill the width are refused (RC_E_INTERNAL)");
    tap_diag("%s", err.msg);
    case_free(c);
}

int main(void)
{
    rc_backend *cpu = NULL, *gpu = NULL;
    open_backends(&cpu, &gpu);
    case_one_sample(cpu, gpu);
    case_grid_on_samples(cpu, gpu);
    case_long_gaps(cpu, gpu);
    case_quaternions(cpu, gpu);
    case_half_rounding(cpu, gpu);
    case_extreme_times(cpu, gpu);
    case_empty(cpu, gpu);
    case_many_episodes(cpu, gpu);
    case_long_episode(cpu, gpu);
    case_tile_edges(cpu, gpu);
    case_many_blocks(cpu, gpu);
    case_wide_rows(cpu, gpu);
    case_mixed_widths(cpu, gpu);
    case_input_widths(cpu, gpu);
    case_blocks_refused(gpu);
    rc_backend_close(cpu);
    rc_backend_close(gpu);
    return tap_done();
}
