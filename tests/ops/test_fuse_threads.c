/* test_fuse_threads.c — rc_fuse_cpu gives the same bytes with 1, 2 and 3 OpenMP threads
 * (docs/SPEC.md §4: results do not depend on the thread count), for several jobs at once, every
 * method and every output dtype.  The valid check makes sure the gap rule is exercised. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "ops/rc_ops.h"
#include "tap.h"

#define N_JOBS 3

static uint64_t g_rng = 0x243F6A8885A308D3ull;

/* xorshift64*: a fixed sequence, so every run builds the same jobs */
static uint64_t rnd(void)
{
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return g_rng * 2685821657736338717ull;
}
static float rnd_f(void) { return (float)((double)(rnd() >> 11) / 9007199254740992.0 * 2.0 - 1.0); }

typedef struct series_buf {
    int64_t t[300];
    float x[300 * 4];
} series_buf;

static void make_series(series_buf *b, rc_series *s, int64_t S, int32_t D, int64_t t0)
{
    int64_t t = t0;
    for (int64_t i = 0; i < S; i++) {
        t += 1 + (int64_t)(rnd() % 20000000);
        b->t[i] = t;
        for (int32_t j = 0; j < D; j++) b->x[i * D + j] = rnd_f() * 100.0f;
    }
    s->t_ns = b->t;
    s->x = b->x;
    s->S = S;
    s->D = D;
}

static void run(rc_fuse_job *jobs, int threads)
{
#ifdef _OPENMP
    omp_set_num_threads(threads);
#else
    (void)threads;
#endif
    rc_fuse_cpu(jobs, N_JOBS);
}

int main(void)
{
    static series_buf bufs[N_JOBS][4];
    static int64_t grids[N_JOBS][5000];
    rc_fuse_col cols[N_JOBS][4];
    rc_fuse_job jobs[N_JOBS];
    const rc_method methods[4] = {RC_METHOD_LINEAR, RC_METHOD_NEAREST, RC_METHOD_PREVIOUS, RC_METHOD_SLERP};
    const int32_t dims[4] = {3, 2, 1, 4};
    const int64_t T[N_JOBS] = {5000, 17, 1234};

    for (int j = 0; j < N_JOBS; j++) {
        int32_t width = 0;
        for (int c = 0; c < 4; c++) {
            make_series(&bufs[j][c], &cols[j][c].src, 100 + (int64_t)(rnd() % 200), dims[c], 0);
            cols[j][c].method = methods[c];
            cols[j][c].quat = RC_QUAT_WXYZ;
            cols[j][c].col = width;
            width += dims[c];
        }
        for (int64_t k = 0; k < T[j]; k++) grids[j][k] = -1000000 + k * 700000;
        memset(&jobs[j], 0, sizeof jobs[j]);
        jobs[j].cols = cols[j];
        jobs[j].n_cols = 4;
        jobs[j].grid = grids[j];
        jobs[j].T = T[j];
        jobs[j].width = width;
        jobs[j].max_gap_ns = 15000000;
    }
#ifndef _OPENMP
    tap_diag("built without OpenMP: every run is single-threaded");
#endif
    const rc_dtype dtypes[3] = {RC_DTYPE_F32, RC_DTYPE_F16, RC_DTYPE_BF16};
    for (int d = 0; d < 3; d++) {
        void *out[3][N_JOBS];
        uint8_t *valid[3][N_JOBS];
        for (int r = 0; r < 3; r++) {
            for (int j = 0; j < N_JOBS; j++) {
                size_t n = (size_t)(jobs[j].T * jobs[j].width) * (size_t)rc_dtype_size(dtypes[d]);
                out[r][j] = malloc(n);
                valid[r][j] = malloc((size_t)jobs[j].T);
                if (!out[r][j] || !valid[r][j]) TAP_BAIL("out of memory");
                /* a different fill per run: equal results mean every byte was written */
                memset(out[r][j], r * 0x11, n);
                memset(valid[r][j], 0x77, (size_t)jobs[j].T);
                jobs[j].dtype = dtypes[d];
                jobs[j].out = out[r][j];
                jobs[j].valid = valid[r][j];
            }
            run(jobs, r + 1);
        }
        for (int j = 0; j < N_JOBS; j++) {
            size_t n = (size_t)(jobs[j].T * jobs[j].width) * (size_t)rc_dtype_size(dtypes[d]);
            int same = memcmp(out[0][j], out[1][j], n) == 0 && memcmp(out[0][j], out[2][j], n) == 0 &&
                       memcmp(valid[0][j], valid[1][j], (size_t)jobs[j].T) == 0 &&
                       memcmp(valid[0][j], valid[2][j], (size_t)jobs[j].T) == 0;
            tap_ok(same, "dtype %d job %d (T=%lld): 1, 2 and 3 threads give the same bytes", d, j,
                   (long long)jobs[j].T);
            int64_t n_valid = 0;
            for (int64_t k = 0; k < jobs[j].T; k++) n_valid += valid[0][j][k] == 1;
            tap_ok((n_valid > 0 && n_valid < jobs[j].T) || jobs[j].T < 100,
                   "dtype %d job %d: valid mixes 0 and 1 (%lld of %lld)", d, j, (long long)n_valid,
                   (long long)jobs[j].T);
            for (int r = 0; r < 3; r++) {
                free(out[r][j]);
                free(valid[r][j]);
            }
        }
    }
    return tap_done();
}
