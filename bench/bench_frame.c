/* bench_frame.c — one real LiDAR sweep through rc_cuda_voxelize, as a converter meets its data
 * frame by frame: points mode (pillars of 0.16 x 0.16 m, at most 32 points per voxel and 16,000
 * voxels) and sparse count (0.1 x 0.1 x 0.2 m), both over x, y in [-51.2, 51.2), z in [-5, 3),
 * with page-locked host buffers in and out.  Kernel time from CUPTI as in every case; then the
 * whole launcher call again with tracing off (host wall around the call: "call_pinned_ms").  The
 * output is compared with the CPU backend byte for byte.  The sweeps are files named by --frame,
 * in KITTI's velodyne layout (little-endian float32 x, y, z, intensity per point, no header);
 * bench/frames.py writes them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/rc_cuda_int.h"
#include "bench.h"
#include "common/rc_common.h"

#define FRAME_COLS 4
#define FRAME_MAX_POINTS (4 << 20) /* a sweep larger than any LiDAR's is refused */
#define FRAME_MAX_POINTS_PER_VOXEL 32
#define FRAME_MAX_VOXELS 16000

/* Page-locked host memory for the whole-call timings: page-aligned, registered with the driver
 * as the pipeline's slots are; NULL when either step fails (a bench that cannot pin says so). */
static void *pinned_alloc(size_t n)
{
    size_t size = (n + 4095) / 4096 * 4096 + (n == 0) * 4096; /* aligned_alloc: whole pages */
    void *p = aligned_alloc(4096, size);
    if (!p) return NULL;
    if (!rc_cuda_host_register(p, size)) {
        free(p);
        return NULL;
    }
    return p;
}

static void pinned_free(void *p)
{
    if (!p) return;
    rc_cuda_host_unregister(p);
    free(p);
}

/* The case tag of a sweep file: its name up to the first '.', letters, digits, '-' and '_' only
 * (bench/peers/torch_ops.py names its cases the same way). */
static void frame_tag(const char *path, char *out, size_t n)
{
    const char *base = strrchr(path, '/');
    size_t k = 0;
    for (base = base ? base + 1 : path; *base && *base != '.' && k + 1 < n && k < 40; base++) {
        char ch = *base;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
            ch == '_')
            out[k++] = ch;
    }
    if (k == 0) k = (size_t)snprintf(out, n, "frame");
    out[k] = '\0';
}

/* The sweep of path into page-locked memory: *pts (freed with pinned_free) and *N. */
static int frame_load(const char *path, float **pts, int64_t *N)
{
    FILE *fp = fopen(path, "rb");
    long size = -1;
    *pts = NULL;
    if (fp && fseek(fp, 0, SEEK_END) == 0) size = ftell(fp);
    if (!fp || size <= 0 || size % (FRAME_COLS * 4) || size / (FRAME_COLS * 4) > FRAME_MAX_POINTS ||
        fseek(fp, 0, SEEK_SET)) {
        fprintf(stderr, "rc-bench: %s: expected a KITTI sweep of 1 .. %d points of %d float32 (a size that is "
                        "a positive multiple of %d bytes), found %ld bytes\n",
                path, FRAME_MAX_POINTS, FRAME_COLS, FRAME_COLS * 4, size);
        if (fp) fclose(fp);
        return -1;
    }
    *N = size / (FRAME_COLS * 4);
    *pts = pinned_alloc((size_t)size);
    if (!*pts || fread(*pts, 1, (size_t)size, fp) != (size_t)size) {
        fprintf(stderr, "rc-bench: %s: %s\n", path, *pts ? "short read" : "no page-locked memory");
        pinned_free(*pts);
        *pts = NULL;
        fclose(fp);
        return -1;
    }
    fclose(fp);
    return 0;
}

typedef struct frame_ctx {
    bench_vox_set s;
    const char *source; /* the file's name */
} frame_ctx;

static void params_frame(rc_json *j, void *ctx)
{
    frame_ctx *f = ctx;
    bench_vox_params_json(j, &f->s);
    rc_json_key(j, "source");
    rc_json_string(j, f->source);
    rc_json_key(j, "host_buffers");
    rc_json_string(j, "page-locked");
}

/* One mode on the loaded sweep: the checked, CUPTI-timed case with the untraced call times. */
static int run_frame_mode(const bench_opts *o, frame_ctx *f, int points_mode, const char *tag)
{
    const double range[3][2] = {{-51.2, 51.2}, {-51.2, 51.2}, {-5.0, 3.0}};
    const double pillar[3] = {0.16, 0.16, 8.0}, fine[3] = {0.1, 0.1, 0.2};
    bench_vox_set *s = &f->s;
    rc_vox_frame out;
    bench_case c;
    char grid[64];
    double *wall = NULL;
    int rc = 0;
    memset(&c, 0, sizeof c);
    memset(&out, 0, sizeof out);
    if (rc_vox_params_init(&s->p, points_mode ? RC_VOX_POINTS : RC_VOX_COUNT, !points_mode, range,
                           points_mode ? pillar : fine, FRAME_COLS, FRAME_MAX_POINTS_PER_VOXEL, FRAME_MAX_VOXELS))
        return -1;
    snprintf(grid, sizeof grid, "%dx%dx%d", s->p.n[0], s->p.n[1], s->p.n[2]);
    snprintf(c.name, sizeof c.name, "frame/%s/%s-%lldpts/%s", points_mode ? "points" : "count", tag,
             (long long)s->N, grid);
    if (!bench_selected(o, c.name)) return 0;
    s->grid_name = grid;
    s->frames = &out;
    wall = rc_calloc((size_t)o->runs, sizeof *wall);
    if (!wall || bench_vox_frame_alloc(&out, &s->p, s->N, pinned_alloc)) {
        fprintf(stderr, "rc-bench: out of (page-locked) host memory for %s\n", c.name);
        rc = -1;
    }
    c.group = "frame";
    c.items = (double)s->N;
    c.items_unit = "points";
    c.checked = -1;
    if (rc == 0) rc = bench_vox_call(s);
    if (rc == 0) c.checked = bench_vox_check_frame0(s);
    c.bytes = bench_vox_bytes(s);
    /* the whole call, untraced: CUPTI's records of each kernel and copy cost host time */
    if (g_bench_cupti_ok) bench_cupti_pause();
    for (int i = 0; rc == 0 && i < o->warmup + o->runs; i++) {
        double t0 = bench_now_ms();
        rc = bench_vox_call(s);
        if (i >= o->warmup) wall[i - o->warmup] = bench_now_ms() - t0;
    }
    if (g_bench_cupti_ok) bench_cupti_resume();
    c.extra_key = "call_pinned_ms";
    c.extra_ms = wall;
    c.extra_n = o->runs;
    /* f starts with its bench_vox_set: bench_vox_call takes f for it */
    if (rc == 0) rc = bench_run_case(o, &c, bench_vox_call, f, params_frame);
    bench_vox_frame_free(&out, pinned_free);
    rc_free(wall);
    return rc;
}

int bench_frame(const bench_opts *o)
{
    int rc = 0;
    for (int i = 0; i < o->n_frames; i++) {
        frame_ctx f;
        char tag[48];
        int64_t off[2];
        memset(&f, 0, sizeof f);
        frame_tag(o->frames[i], tag, sizeof tag);
        f.source = strrchr(o->frames[i], '/') ? strrchr(o->frames[i], '/') + 1 : o->frames[i];
        if (frame_load(o->frames[i], &f.s.pts, &f.s.N)) {
            rc = -1;
            continue;
        }
        off[0] = 0;
        off[1] = f.s.N;
        f.s.offsets = off;
        f.s.F = 1;
        f.s.cloud = tag;
        rc |= run_frame_mode(o, &f, 1, tag);
        rc |= run_frame_mode(o, &f, 0, tag);
        pinned_free(f.s.pts);
    }
    return rc;
}
