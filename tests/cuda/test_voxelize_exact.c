/* test_voxelize_exact.c — the CUDA voxelizer (kernels/voxelize.cu) against the CPU backend
 * (rc_voxelize_cpu) on the same frames, for every mode and layout (occupancy, count, mean as
 * dense and sparse; points), comparing every output BYTE and the drop counters.  Output
 * buffers are poisoned differently for each backend, so bytes one of them leaves unwritten
 * fail too.  Point sets: random with points outside the range, points on voxel faces and on
 * the range's borders, NaN and Inf coordinates and values, signed zeros, heavy truncation in
 * points mode, big frames (150k points), empty frames, frames with every point dropped, 600
 * frames (the sparse layouts' batched chunks), heavy contention on a few voxels, and a grid of
 * 4e18 cells (64-bit sort keys; 4 frames per batched chunk).
 * Needs a CUDA device: without one the first check fails and the program bails out. */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "gpu_common.h"

/* The frames of one point set: frame f is pts[off[f] .. off[f+1]) rows of C floats. */
typedef struct pset {
    float *pts;
    int64_t *off; /* [F + 1] */
    int64_t F;
    int32_t C;
} pset;

/* Byte sizes of one frame's output buffers for p's mode and layout. */
typedef struct fbuf {
    size_t dense_n, coords_n, values_n, voxels_n, np_n; /* bytes */
} fbuf;

static fbuf sizes_for(const rc_vox_params *p, int64_t N)
{
    fbuf s = {0, 0, 0, 0, 0};
    size_t C = (size_t)p->C, elem = p->mode == RC_VOX_OCCUPANCY ? 1 : p->mode == RC_VOX_COUNT ? 4 : 4 * C;
    if (p->mode == RC_VOX_POINTS) {
        s.coords_n = (size_t)p->max_voxels * 3 * 4;
        s.voxels_n = (size_t)p->max_voxels * (size_t)p->max_points * C * 4;
        s.np_n = (size_t)p->max_voxels * 4;
    } else if (p->sparse) {
        s.coords_n = (size_t)N * 3 * 4;
        s.values_n = (size_t)N * elem;
    } else {
        s.dense_n = (size_t)p->n[0] * (size_t)p->n[1] * (size_t)p->n[2] * elem;
    }
    return s;
}

static void *poisoned(size_t n, int poison)
{
    void *b = xcalloc(n ? n : 1, 1);
    memset(b, poison, n ? n : 1);
    return b;
}

static void frame_alloc(rc_vox_frame *fr, const fbuf *s, int poison)
{
    fr->dense = poisoned(s->dense_n, poison);
    fr->coords = poisoned(s->coords_n, poison);
    fr->values = poisoned(s->values_n, poison);
    fr->voxels = poisoned(s->voxels_n, poison);
    fr->num_points = poisoned(s->np_n, poison);
    fr->n_voxels = fr->dropped_range = fr->dropped_points = fr->dropped_voxels = -7 * poison;
}

static void frame_free(rc_vox_frame *fr)
{
    free(fr->dense);
    free(fr->coords);
    free(fr->values);
    free(fr->voxels);
    free(fr->num_points);
}

static const char *mode_name(const rc_vox_params *p)
{
    static const char *names[] = {"occupancy", "count", "mean", "points"};
    return names[p->mode];
}

/* Runs the point set through both backends with p; one TAP line. */
static void run_set(rc_backend *cpu, rc_backend *gpu, const rc_vox_params *p, const pset *ps,
                    const char *name)
{
    rc_vox_frame *fc = xcalloc((size_t)ps->F, sizeof *fc), *fg = xcalloc((size_t)ps->F, sizeof *fg);
    int ok = 1;
    int64_t voxels = 0;
    char what[200];
    rc_err err;
    rc_err_clear(&err);
    for (int64_t f = 0; f < ps->F; f++) {
        fbuf s = sizes_for(p, ps->off[f + 1] - ps->off[f]);
        frame_alloc(&fc[f], &s, 0x5A);
        frame_alloc(&fg[f], &s, 0xA5);
    }
    if (rc_backend_voxelize(cpu, p, ps->pts, ps->off, ps->F, fc, &err) != RC_OK) {
        tap_diag("cpu: %s", err.msg);
        ok = 0;
    } else if (rc_backend_voxelize(gpu, p, ps->pts, ps->off, ps->F, fg, &err) != RC_OK) {
        tap_diag("cuda: %s", err.msg);
        ok = 0;
    }
    for (int64_t f = 0; ok && f < ps->F; f++) {
        fbuf s = sizes_for(p, ps->off[f + 1] - ps->off[f]);
        size_t vs = p->mode == RC_VOX_OCCUPANCY ? 1 : 4;
        snprintf(what, sizeof what, "%s %s %s frame %lld", name, mode_name(p),
                 p->sparse ? "sparse" : "dense", (long long)f);
        ok &= same_bytes(fc[f].dense, fg[f].dense, s.dense_n, vs, what);
        ok &= same_bytes(fc[f].coords, fg[f].coords, s.coords_n, 4, what);
        ok &= same_bytes(fc[f].values, fg[f].values, s.values_n, vs, what);
        ok &= same_bytes(fc[f].voxels, fg[f].voxels, s.voxels_n, 4, what);
        ok &= same_bytes(fc[f].num_points, fg[f].num_points, s.np_n, 4, what);
        if (fc[f].n_voxels != fg[f].n_voxels || fc[f].dropped_range != fg[f].dropped_range ||
            fc[f].dropped_points != fg[f].dropped_points || fc[f].dropped_voxels != fg[f].dropped_voxels) {
            tap_diag("%s: counters (n_voxels, dropped range/points/voxels) cpu %lld %lld %lld %lld, "
                     "cuda %lld %lld %lld %lld", what, (long long)fc[f].n_voxels,
                     (long long)fc[f].dropped_range, (long long)fc[f].dropped_points,
                     (long long)fc[f].dropped_voxels, (long long)fg[f].n_voxels,
                     (long long)fg[f].dropped_range, (long long)fg[f].dropped_points,
                     (long long)fg[f].dropped_voxels);
            ok = 0;
        }
        voxels += fc[f].n_voxels;
    }
    tap_ok(ok, "%s: %s%s, %lld frame(s), %lld voxels listed: cpu and cuda bytes identical", name,
           mode_name(p), p->mode == RC_VOX_POINTS ? "" : p->sparse ? " sparse" : " dense",
           (long long)ps->F, (long long)voxels);
    for (int64_t f = 0; f < ps->F; f++) {
        frame_free(&fc[f]);
        frame_free(&fg[f]);
    }
    free(fc);
    free(fg);
}

static void pset_free(pset *ps)
{
    free(ps->pts);
    free(ps->off);
}

/* Every mode and layout over one point set. */
static void run_all_modes(rc_backend *cpu, rc_backend *gpu, const pset *ps, const double range[3][2],
                          const double size[3], int32_t max_points, int32_t max_voxels, const char *name)
{
    for (int m = RC_VOX_OCCUPANCY; m <= RC_VOX_POINTS; m++)
        for (int sparse = 0; sparse <= (m == RC_VOX_POINTS ? 0 : 1); sparse++) {
            rc_vox_params p;
            if (rc_vox_params_init(&p, (rc_vox_mode)m, sparse, range, size, ps->C, max_points, max_voxels))
                TAP_BAIL("%s: rc_vox_params_init rejected the test grid", name);
            run_set(cpu, gpu, &p, ps, name);
        }
}

/* F frames of the given sizes, coordinates uniform in [lo, hi) per axis, extra columns random. */
static pset random_set(int64_t F, const int64_t *n, int32_t C, const float lo[3], const float hi[3])
{
    pset ps;
    int64_t total = 0;
    ps.F = F;
    ps.C = C;
    ps.off = xcalloc((size_t)F + 1, sizeof *ps.off);
    ps.off[0] = 0;
    for (int64_t f = 0; f < F; f++) ps.off[f + 1] = ps.off[f] + n[f];
    total = ps.off[F];
    ps.pts = xcalloc((size_t)(total * C), sizeof(float));
    for (int64_t i = 0; i < total; i++)
        for (int32_t c = 0; c < C; c++)
            ps.pts[i * C + c] = c < 3 ? rng_float(lo[c], hi[c]) : rng_float(-50.0f, 50.0f);
    return ps;
}

static void set_random(rc_backend *cpu, rc_backend *gpu)
{
    const double range[3][2] = {{-10, 10}, {-10, 10}, {-2, 2}}, size[3] = {0.5, 0.5, 0.25};
    const float lo[3] = {-12, -12, -3}, hi[3] = {12, 12, 3};
    const int64_t n[4] = {5000, 0, 3000, 7};
    pset ps = random_set(4, n, 4, lo, hi);
    run_all_modes(cpu, gpu, &ps, range, size, 6, 400, "random, 4 frames (one empty)");
    pset_free(&ps);
}

/* Points exactly on voxel faces (min + k*size with size 0.1, not exact in binary), on the range's
 * minimum and maximum, just inside the maximum, signed zeros, in an odd number of columns. */
static void set_borders(rc_backend *cpu, rc_backend *gpu)
{
    const double range[3][2] = {{-1, 1}, {0, 2}, {-0.3, 0.3}}, size[3] = {0.1, 0.1, 0.1};
    const int64_t n = 4000;
    pset ps;
    ps.F = 1;
    ps.C = 5;
    ps.off = xcalloc(2, sizeof *ps.off);
    ps.off[0] = 0;
    ps.off[1] = n;
    ps.pts = xcalloc((size_t)(n * ps.C), sizeof(float));
    for (int64_t i = 0; i < n; i++) {
        float *q = ps.pts + i * ps.C;
        for (int a = 0; a < 3; a++) {
            float mn = (float)range[a][0], mx = (float)range[a][1];
            int64_t k = rng_range(-1, (int64_t)round((range[a][1] - range[a][0]) / size[a]) + 1);
            switch (rng_range(0, 5)) {
            case 0: q[a] = mn; break;
            case 1: q[a] = mx; break;
            case 2: q[a] = nextafterf(mx, -INFINITY); break;
            case 3: q[a] = (float)(range[a][0] + (double)k * size[a]); break;
            case 4: q[a] = mn + (float)k * (float)size[a]; break;
            default: q[a] = (rng_u64() & 1) ? -0.0f : 0.0f;
            }
        }
        q[3] = (rng_u64() & 1) ? -0.0f : 0.0f; /* signed zeros: both backends sum from +0.0 */
        q[4] = rng_float(-1.0f, 1.0f) * 1e-38f; /* float32 subnormals summed in double */
    }
    run_all_modes(cpu, gpu, &ps, range, size, 3, 50, "points on voxel faces and range borders");
    pset_free(&ps);
}

static void set_nonfinite(rc_backend *cpu, rc_backend *gpu)
{
    const double range[3][2] = {{0, 8}, {0, 8}, {0, 8}}, size[3] = {1, 1, 1};
    const float lo[3] = {0, 0, 0}, hi[3] = {8, 8, 8};
    const int64_t n[1] = {3000};
    pset ps = random_set(1, n, 4, lo, hi);
    for (int64_t i = 0; i < n[0]; i += 3) {
        float *q = ps.pts + i * ps.C;
        switch (i % 7) {
        case 0: q[rng_range(0, 2)] = NAN; break;
        case 1: q[rng_range(0, 2)] = INFINITY; break;
        case 2: q[rng_range(0, 2)] = -INFINITY; break;
        case 3: q[3] = NAN; break;               /* a kept point with a NaN value */
        case 4: q[3] = INFINITY; break;
        case 5: q[3] = 3e38f; break;             /* sums past float range, fine in double */
        default: q[rng_range(0, 2)] = 1e30f; break;
        }
    }
    run_all_modes(cpu, gpu, &ps, range, size, 8, 600, "NaN, Inf and huge coordinates and values");
    pset_free(&ps);
}

/* 20000 points in a few dozen voxels: points mode drops most, by both limits. */
static void set_truncation(rc_backend *cpu, rc_backend *gpu)
{
    const double range[3][2] = {{0, 4}, {0, 4}, {0, 4}}, size[3] = {1, 1, 1};
    const float lo[3] = {0, 0, 0}, hi[3] = {4, 4, 2.5f};
    const int64_t n[2] = {20000, 37};
    pset ps = random_set(2, n, 3, lo, hi);
    run_all_modes(cpu, gpu, &ps, range, size, 5, 25, "20000 points in 48 voxels, max 5 points x 25 voxels");
    run_all_modes(cpu, gpu, &ps, range, size, 4000, 64, "same points, limits never reached");
    pset tail = ps; /* offsets need not start at 0 */
    tail.F = 1;
    tail.off = ps.off + 1;
    run_all_modes(cpu, gpu, &tail, range, size, 5, 25, "one frame starting at point 20000");
    pset_free(&ps);
}

static void set_big(rc_backend *cpu, rc_backend *gpu)
{
    const double range[3][2] = {{-50, 50}, {-50, 50}, {-3, 5}}, size[3] = {0.5, 0.5, 0.4};
    const float lo[3] = {-55, -55, -3.5f}, hi[3] = {55, 55, 5.5f};
    const int64_t n[2] = {big(150000), big(120001)};
    pset ps = random_set(2, n, 4, lo, hi);
    run_all_modes(cpu, gpu, &ps, range, size, 32, 12000, "big frames (150000 and 120001 points, or a tenth small)");
    pset_free(&ps);
}

static void set_all_dropped(rc_backend *cpu, rc_backend *gpu)
{
    const double range[3][2] = {{0, 1}, {0, 1}, {0, 1}}, size[3] = {0.25, 0.25, 0.25};
    const float lo[3] = {2, -3, 0}, hi[3] = {3, -2, 1};
    const int64_t n[1] = {500};
    pset ps = random_set(1, n, 3, lo, hi);
    run_all_modes(cpu, gpu, &ps, range, size, 4, 4, "every point outside the range");
    pset_free(&ps);
}

/* 600 frames of 0 to 4000 points (every seventh empty), every mode on a small grid; then the
 * sparse layouts on a grid of 2^24 cells, where 32-bit keys allow 255 frames per batched chunk,
 * so the batches cross chunk boundaries.  Under RC_TEST_SMALL, 30 frames: dense and points
 * mode take one frame at a time, which the sanitizers make slow. */
static void set_many_frames(rc_backend *cpu, rc_backend *gpu)
{
    const double range[3][2] = {{-4, 4}, {-4, 4}, {-1, 1}}, size[3] = {0.5, 0.5, 0.5};
    const double fine[3] = {8.0 / 256, 8.0 / 256, 2.0 / 256};
    const float lo[3] = {-5, -5, -1.5f}, hi[3] = {5, 5, 1.5f};
    int F = getenv("RC_TEST_SMALL") ? 30 : 600;
    int64_t *n = xcalloc((size_t)F, sizeof *n);
    for (int f = 0; f < F; f++) n[f] = f % 7 == 3 ? 0 : rng_range(1, big(4000));
    pset ps = random_set(F, n, 4, lo, hi);
    char name[96];
    snprintf(name, sizeof name, "%d frames of 0..%lld points", F, (long long)big(4000));
    run_all_modes(cpu, gpu, &ps, range, size, 4, 40, name);
    snprintf(name, sizeof name, "%d frames on 2^24 cells (batched chunks of 255 frames)", F);
    for (int m = RC_VOX_OCCUPANCY; m <= RC_VOX_MEAN; m++) {
        rc_vox_params p;
        if (rc_vox_params_init(&p, (rc_vox_mode)m, 1, range, fine, ps.C, 1, 1))
            TAP_BAIL("many frames: rc_vox_params_init rejected the 2^24-cell grid");
        run_set(cpu, gpu, &p, &ps, name);
    }
    free(n);
    pset_free(&ps);
}

/* 200000 points (a tenth under RC_TEST_SMALL), 90% of them in 3 voxels and in runs of equal voxels, as a dense ground plane
 * near the sensor gives: warps whose lanes share a voxel. */
static void set_contention(rc_backend *cpu, rc_backend *gpu)
{
    const double range[3][2] = {{0, 16}, {0, 16}, {0, 4}}, size[3] = {0.5, 0.5, 0.5};
    const float lo[3] = {-1, -1, -1}, hi[3] = {17, 17, 5};
    const int64_t n[2] = {big(200000), 4099};
    pset ps = random_set(2, n, 4, lo, hi);
    for (int64_t i = 0; i < ps.off[2]; i++) {
        float *q = ps.pts + i * ps.C;
        if (rng_range(0, 9) == 0) continue;
        int v = (int)((i / 37) % 3); /* runs of 37 points in one voxel */
        q[0] = 3.1f + 0.4f * (float)v + 0.01f * rng_float(0.0f, 1.0f);
        q[1] = 7.2f + 0.01f * rng_float(0.0f, 1.0f);
        q[2] = 1.1f;
    }
    run_all_modes(cpu, gpu, &ps, range, size, 64, 100, "90% of the points in 3 voxels");
    pset_free(&ps);
}

/* A grid of 1e9 x 1e9 x 4 cells: 64-bit sort keys, and (frame, voxel) keys that allow only 4
 * frames per batched chunk.  Dense grids of that size cannot exist,
 * so the sparse layouts and points mode only. */
static void set_huge_grid(rc_backend *cpu, rc_backend *gpu)
{
    const double range[3][2] = {{0, 1e6}, {0, 1e6}, {0, 4}}, size[3] = {1e-3, 1e-3, 1};
    const float lo[3] = {-1e3f, -1e3f, -1}, hi[3] = {1.001e6f, 1.001e6f, 5};
    const int64_t n[9] = {3000, 0, 17, 2500, 1, 900, 4000, 33, 1200};
    pset ps = random_set(9, n, 3, lo, hi);
    for (int64_t i = 0; i < ps.off[9]; i += 5) /* repeats: voxels with several points */
        memcpy(ps.pts + i * ps.C, ps.pts + (i / 2) * ps.C, 3 * sizeof(float));
    for (int m = RC_VOX_OCCUPANCY; m <= RC_VOX_POINTS; m++) {
        rc_vox_params p;
        if (rc_vox_params_init(&p, (rc_vox_mode)m, 1, range, size, ps.C, 3, 5000))
            TAP_BAIL("huge grid: rc_vox_params_init rejected the test grid");
        run_set(cpu, gpu, &p, &ps, "1e9 x 1e9 x 4 grid, 9 frames");
    }
    pset_free(&ps);
}

int main(void)
{
    rc_backend *cpu = NULL, *gpu = NULL;
    open_backends(&cpu, &gpu);
    set_random(cpu, gpu);
    set_borders(cpu, gpu);
    set_nonfinite(cpu, gpu);
    set_truncation(cpu, gpu);
    set_big(cpu, gpu);
    set_all_dropped(cpu, gpu);
    set_many_frames(cpu, gpu);
    set_contention(cpu, gpu);
    set_huge_grid(cpu, gpu);
    rc_backend_close(cpu);
    rc_backend_close(gpu);
    return tap_done();
}
