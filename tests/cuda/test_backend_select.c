/* test_backend_select.c — rc_backend_open's rules (docs/SPEC.md §2), on any machine:
 *   - a bad backend name or thread count is a usage error naming what was expected;
 *   - `cuda` either opens a backend that IS cuda, or fails with RC_E_BACKEND and one of the
 *     documented reasons (not compiled in / no CUDA device / kernel image not usable): it
 *     never hands back the CPU (the predecessor's silent fallback);
 *   - `auto` picks cuda exactly when `cuda` opens, and otherwise says why in its reason;
 *   - the cpu backend dispatches to rc_fuse_cpu / rc_voxelize_cpu: the same bytes as calling
 *     them directly, for 1 and 4 threads (frames run in parallel in rc_backend_voxelize). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/rc_backend.h"
#include "tap.h"

static void test_usage(void)
{
    rc_backend *b = (rc_backend *)&b; /* must come back NULL */
    rc_err err;
    rc_err_clear(&err);
    tap_ok(rc_backend_open("gpu", 0, &b, NULL, 0, &err) == RC_E_USAGE && b == NULL &&
               strstr(err.msg, "expected auto, cpu or cuda, found 'gpu'"),
           "an unknown backend name is a usage error (%s)", err.msg);
    tap_ok(rc_backend_open("cpu", -2, &b, NULL, 0, &err) == RC_E_USAGE && b == NULL,
           "a negative thread count is a usage error (%s)", err.msg);
}

/* Returns 1 when `cuda` opened (this machine runs the kernels). */
static int test_cuda_strict(char *why_cuda, size_t n)
{
    rc_backend *b = NULL;
    char reason[1200] = "";
    rc_err err;
    rc_err_clear(&err);
    rc_status st = rc_backend_open("cuda", 0, &b, reason, sizeof reason, &err);
    if (st == RC_OK) {
        tap_ok(!strcmp(rc_backend_name(b), "cuda"), "cuda opened, and the backend is cuda (%s)", reason);
        rc_backend_close(b);
        return 1;
    }
    snprintf(why_cuda, n, "%s", err.msg);
#ifdef RC_HAVE_CUDA
    int documented = !strncmp(err.msg, "no CUDA device: ", 16) ||
                     !strncmp(err.msg, "kernel image not usable on ", 27);
#else
    int documented = !strncmp(err.msg, "CUDA backend not compiled in", 28);
#endif
    tap_ok(st == RC_E_BACKEND && b == NULL && documented,
           "cuda cannot run here: RC_E_BACKEND with the reason, no backend handed back (%s)", err.msg);
    tap_ok(rc_status_exit_code(st) == 4, "that failure exits 4");
    return 0;
}

static void test_auto(int cuda_runs, const char *why_cuda)
{
    rc_backend *b = NULL;
    char reason[1200] = "";
    rc_err err;
    rc_err_clear(&err);
    if (!tap_ok(rc_backend_open("auto", 0, &b, reason, sizeof reason, &err) == RC_OK, "auto opens"))
        return;
    if (cuda_runs)
        tap_ok(!strcmp(rc_backend_name(b), "cuda") && strstr(reason, "auto chose cuda: "),
               "auto picks cuda where cuda runs (%s)", reason);
    else
        tap_ok(!strcmp(rc_backend_name(b), "cpu") && strstr(reason, "auto chose cpu: ") &&
                   strstr(reason, why_cuda),
               "auto picks cpu and gives cuda's reason (%s)", reason);
    rc_backend_close(b);
}

/* A small fuse job and three voxel frames through the cpu backend vs the ops directly. */
static void test_cpu_dispatch(int threads)
{
    enum { S = 50, T = 120, N = 900 };
    static int64_t t[S], grid[T], off[4] = {0, 400, 400, N};
    static float x[S * 3], pts[N * 3], out_a[T * 3], out_b[T * 3];
    static uint8_t va[T], vb[T];
    static uint32_t ga[3][64], gb[3][64];
    const double range[3][2] = {{0, 4}, {0, 4}, {0, 4}}, size[3] = {1, 1, 1};
    rc_backend *b = NULL;
    rc_vox_params p;
    rc_vox_frame fa[3], fb[3];
    rc_err err;
    rc_err_clear(&err);
    for (int i = 0; i < S; i++) t[i] = 1000 * i + (i * 37) % 500;
    for (int i = 0; i < S * 3; i++) x[i] = (float)((i * 7919) % 1000) / 37.0f;
    for (int k = 0; k < T; k++) grid[k] = 400 * k - 300;
    for (int i = 0; i < N * 3; i++) pts[i] = (float)((i * 104729) % 5000) / 1000.0f - 0.5f;
    rc_fuse_col col = {{t, x, S, 3}, RC_METHOD_LINEAR, RC_QUAT_WXYZ, 0};
    rc_fuse_job ja = {&col, 1, grid, T, 3, RC_DTYPE_F32, out_a, va, 600}, jb = ja;
    jb.out = out_b;
    jb.valid = vb;
    if (rc_backend_open("cpu", threads, &b, NULL, 0, &err) != RC_OK) TAP_BAIL("cpu: %s", err.msg);
    rc_fuse_cpu(&ja, 1);
    tap_ok(rc_backend_fuse(b, &jb, 1, &err) == RC_OK && !memcmp(out_a, out_b, sizeof out_a) &&
               !memcmp(va, vb, sizeof va),
           "cpu backend (%d threads): fuse gives rc_fuse_cpu's bytes", threads);
    if (rc_vox_params_init(&p, RC_VOX_COUNT, 0, range, size, 3, 0, 0)) TAP_BAIL("rc_vox_params_init");
    memset(fa, 0, sizeof fa);
    memset(fb, 0, sizeof fb);
    for (int f = 0; f < 3; f++) {
        fa[f].dense = ga[f];
        fb[f].dense = gb[f];
        rc_voxelize_cpu(&p, pts + off[f] * 3, off[f + 1] - off[f], &fa[f]);
    }
    int same = rc_backend_voxelize(b, &p, pts, off, 3, fb, &err) == RC_OK && !memcmp(ga, gb, sizeof ga);
    for (int f = 0; f < 3; f++) same &= fa[f].dropped_range == fb[f].dropped_range;
    tap_ok(same, "cpu backend (%d threads): 3 frames (one empty) give rc_voxelize_cpu's bytes", threads);
    rc_backend_close(b);
}

int main(void)
{
    char why_cuda[1100] = "";
    test_usage();
    int cuda_runs = test_cuda_strict(why_cuda, sizeof why_cuda);
    test_auto(cuda_runs, why_cuda);
    test_cpu_dispatch(1);
    test_cpu_dispatch(4);
    return tap_done();
}
