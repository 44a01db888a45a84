/* test_window_exact.c — window packing (method window, rc_ops.h) on the CUDA backend against
 * the CPU backend, every BYTE of data, mask and valid, and both against a slot-by-slot
 * reference written here from docs/SPEC.md §4 (the last N samples with t <= t_k, most recent in
 * the last slot, zero and mask 0 where none).  Window jobs share the one fuse launch with
 * ordinary fuse jobs, so the batches mix both.  Output buffers are poisoned differently per
 * backend.  Needs a CUDA device: without one the first check fails and the program bails out
 * (run by `make check-gpu`). */
#include "config.h"

#include <stdio.h>

#include "gpu_common.h"
#include "ops/rc_ops.h"

#define MAX_JOBS 256

typedef struct wcase {
    rc_fuse_job jobs[MAX_JOBS];
    rc_fuse_col cols[MAX_JOBS];
    int n_jobs;
    void *owned[MAX_JOBS * 4];
    int n_owned;
} wcase;

static void *own(wcase *c, size_t n, size_t size)
{
    void *p = xcalloc(n, size);
    if (c->n_owned >= (int)(sizeof c->owned / sizeof c->owned[0])) TAP_BAIL("test case too large");
    c->owned[c->n_owned++] = p;
    return p;
}

/* A job over a stream of S samples from t0 with steps in [dt_lo, dt_hi], on a grid of T steps
 * from g0 by gstep.  window > 0: a window job of N = window; 0: a linear fuse job. */
static void add_job(wcase *c, int64_t S, int64_t t0, int64_t dt_lo, int64_t dt_hi, int32_t D, int64_t T,
                    int64_t g0, int64_t gstep, int32_t window, rc_dtype dtype)
{
    if (c->n_jobs >= MAX_JOBS) TAP_BAIL("too many jobs");
    int64_t *t = own(c, (size_t)S, sizeof *t), *grid = own(c, (size_t)T, sizeof *grid);
    float *x = own(c, (size_t)(S * D), sizeof *x);
    for (int64_t i = 0; i < S; i++) t[i] = i ? t[i - 1] + rng_range(dt_lo, dt_hi) : t0;
    for (int64_t i = 0; i < S * D; i++) x[i] = rng_float(-100.0f, 100.0f);
    for (int64_t k = 0; k < T; k++) grid[k] = g0 + k * gstep;
    rc_fuse_job *j = &c->jobs[c->n_jobs];
    rc_fuse_col *cl = &c->cols[c->n_jobs];
    memset(j, 0, sizeof *j);
    memset(cl, 0, sizeof *cl);
    cl->src = (rc_series){t, x, S, D};
    cl->method = window > 0 ? RC_METHOD_WINDOW : RC_METHOD_LINEAR;
    cl->window = window;
    j->cols = cl;
    j->n_cols = 1;
    j->grid = grid;
    j->T = T;
    j->width = window > 0 ? window * D : D;
    j->dtype = dtype;
    c->n_jobs++;
}

/* The reference of one window job: 1 when out/mask/valid (CPU results) match it. */
static int reference_ok(const rc_fuse_job *j, const void *out, const uint8_t *mask, const uint8_t *valid)
{
    const rc_series *s = &j->cols[0].src;
    int32_t N = j->cols[0].window, D = s->D;
    size_t es = (size_t)rc_dtype_size(j->dtype);
    uint8_t want[4];
    int64_t n_le = 0; /* samples with t <= t_k, counted one by one (every grid here increases) */
    for (int64_t k = 0; k < j->T; k++) {
        while (n_le < s->S && s->t_ns[n_le] <= j->grid[k]) n_le++;
        if (valid[k] != (n_le > 0)) return 0;
        for (int32_t m = 0; m < N; m++) {
            int64_t i = n_le - N + m; /* slot N-1 holds sample n_le - 1 */
            if (mask[k * N + m] != (i >= 0)) return 0;
            for (int32_t d = 0; d < D; d++) {
                float v = i >= 0 ? s->x[i * D + d] : 0.0f;
                int64_t at = (k * N + m) * D + d;
                if (j->dtype == RC_DTYPE_F32) memcpy(want, &v, 4);
                else {
                    uint16_t h = j->dtype == RC_DTYPE_F16 ? rc_f32_to_f16(v) : rc_f32_to_bf16(v);
                    memcpy(want, &h, 2);
                }
                if (memcmp((const uint8_t *)out + (size_t)at * es, want, es)) return 0;
            }
        }
    }
    return 1;
}

static void run_case(rc_backend *cpu, rc_backend *gpu, wcase *c, const char *name)
{
    rc_fuse_job jc[MAX_JOBS], jg[MAX_JOBS];
    int ok = 1, ref = 1;
    rc_err err;
    rc_err_clear(&err);
    for (int i = 0; i < c->n_jobs; i++) {
        const rc_fuse_job *j = &c->jobs[i];
        size_t n_out = (size_t)(j->T * j->width) * (size_t)rc_dtype_size(j->dtype);
        size_t n_mask = j->cols[0].window > 0 ? (size_t)(j->T * j->cols[0].window) : 0;
        jc[i] = jg[i] = *j;
        jc[i].out = memset(xcalloc(n_out, 1), 0x5A, n_out);
        jg[i].out = memset(xcalloc(n_out, 1), 0xA5, n_out);
        jc[i].valid = memset(xcalloc((size_t)j->T, 1), 0x5A, (size_t)j->T);
        jg[i].valid = memset(xcalloc((size_t)j->T, 1), 0xA5, (size_t)j->T);
        if (n_mask) {
            jc[i].mask = memset(xcalloc(n_mask, 1), 0x5A, n_mask);
            jg[i].mask = memset(xcalloc(n_mask, 1), 0xA5, n_mask);
        }
    }
    if (rc_backend_fuse(cpu, jc, c->n_jobs, &err) != RC_OK || rc_backend_fuse(gpu, jg, c->n_jobs, &err) != RC_OK) {
        tap_ok(0, "%s: both backends run", name);
        tap_diag("%s", err.msg);
        ok = -1;
    }
    for (int i = 0; ok >= 0 && i < c->n_jobs; i++) {
        const rc_fuse_job *j = &c->jobs[i];
        size_t es = (size_t)rc_dtype_size(j->dtype);
        char what[160];
        snprintf(what, sizeof what, "%s: job %d (T %lld, N %d, D %d) data", name, i, (long long)j->T,
                 j->cols[0].window, j->cols[0].src.D);
        ok &= same_bytes(jc[i].out, jg[i].out, (size_t)(j->T * j->width) * es, es, what);
        ok &= same_bytes(jc[i].valid, jg[i].valid, (size_t)j->T, 1, "valid");
        if (j->cols[0].window > 0) {
            ok &= same_bytes(jc[i].mask, jg[i].mask, (size_t)(j->T * j->cols[0].window), 1, "mask");
            ref &= reference_ok(j, jc[i].out, jc[i].mask, jc[i].valid);
        }
    }
    if (ok >= 0) {
        tap_ok(ok, "%s: %d job(s): cpu and cuda data, mask and valid bytes identical", name, c->n_jobs);
        tap_ok(ref, "%s: the window jobs equal the slot-by-slot reference", name);
    }
    for (int i = 0; i < c->n_jobs; i++) {
        free(jc[i].out);
        free(jg[i].out);
        free(jc[i].valid);
        free(jg[i].valid);
        free(jc[i].mask);
        free(jg[i].mask);
    }
    for (int i = 0; i < c->n_owned; i++) free(c->owned[i]);
    free(c);
}

int main(void)
{
    rc_backend *cpu = NULL, *gpu = NULL;
    open_backends(&cpu, &gpu);
    wcase *c = xcalloc(1, sizeof *c); /* a 1 kHz IMU (jittered) on a 50 Hz grid, N 20 and 25 */
    add_job(c, 3000, 1000000, 800000, 1200000, 6, 150, 1000000, 20000000, 20, RC_DTYPE_F32);
    add_job(c, 3000, 1000000, 800000, 1200000, 6, 150, 1000000, 20000000, 25, RC_DTYPE_F32);
    run_case(cpu, gpu, c, "1 kHz into 50 Hz");

    c = xcalloc(1, sizeof *c); /* grid before the first and past the last sample, N > S, N = 1 */
    add_job(c, 50, 1000000000, 1000000, 3000000, 3, 40, 900000000, 5000000, 8, RC_DTYPE_F32);
    add_job(c, 5, 1000, 10, 10, 2, 8, 990, 10, 16, RC_DTYPE_F32);
    add_job(c, 1, 1000, 1, 1, 4, 3, 999, 1, 4, RC_DTYPE_F32);
    add_job(c, 200, 0, 1, 7, 5, 60, 0, 13, 1, RC_DTYPE_F32);
    run_case(cpu, gpu, c, "edges, N > S, one sample, N = 1");

    c = xcalloc(1, sizeof *c); /* float16 / bfloat16 */
    add_job(c, 500, 0, 900, 1100, 7, 40, 0, 10000, 12, RC_DTYPE_F16);
    add_job(c, 500, 0, 900, 1100, 7, 40, 0, 10000, 12, RC_DTYPE_BF16);
    run_case(cpu, gpu, c, "float16 and bfloat16");

    c = xcalloc(1, sizeof *c); /* one batch: window and fuse jobs of many episodes in one launch */
    for (int e = 0; e < 200; e++)
        add_job(c, rng_range(1, 400), rng_range(0, 1000), 500, 1500, (int32_t)rng_range(1, 9), rng_range(1, 60),
                rng_range(0, 2000), 10000, e % 3 ? (int32_t)rng_range(1, 40) : 0, (rc_dtype)rng_range(0, 2));
    run_case(cpu, gpu, c, "200 episodes mixing window and fuse jobs");

    c = xcalloc(1, sizeof *c); /* one long episode */
    add_job(c, big(600000), 0, 900000, 1100000, 6, big(600000) / 20, 0, 20000000, 32, RC_DTYPE_F32);
    run_case(cpu, gpu, c, "one long episode");
    rc_backend_close(cpu);
    rc_backend_close(gpu);
    return tap_done();
}
