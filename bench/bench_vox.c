/* bench_vox.c — voxelize through rc_cuda_voxelize, the backend's launcher: every mode
 * (occupancy, count, mean: dense grids; points: hard voxelization) on uniform clouds of 100k to
 * 100M points and grids 256x256x32 and 512x512x64, a real-looking LiDAR scene (dense ground
 * plane near the sensor, objects, far walls partly outside the grid), and a batch of 64 LiDAR
 * frames x 120k points into per-frame sparse counts and into points mode.  Clouds up to 1M points are compared with
 * the CPU backend byte for byte; --dump writes the scene clouds for the PyTorch peer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/rc_cuda_int.h"
#include "bench.h"
#include "common/rc_common.h"

#define C_COLS 4 /* x, y, z, intensity */
#define POINTS_MAX_POINTS 32
#define POINTS_MAX_VOXELS 100000
#define BATCH_MAX_VOXELS 16000 /* points mode on the LiDAR batch: PointPillars' voxels per frame */
#define CHECK_MAX_POINTS 1000000

typedef bench_vox_set vox_set;

static const char *const g_mode_name[] = {"occupancy", "count", "mean", "points"};

/* Grid g: 0 = 256 x 256 x 32, 1 = 512 x 512 x 64, both over x, y in [-51.2, 51.2), z in [-3, 3.4). */
static int grid_params(rc_vox_params *p, int g, rc_vox_mode mode, int sparse)
{
    const double range[3][2] = {{-51.2, 51.2}, {-51.2, 51.2}, {-3.0, 3.4}};
    const double size[2][3] = {{0.4, 0.4, 0.2}, {0.2, 0.2, 0.1}};
    return rc_vox_params_init(p, mode, sparse, range, size[g], C_COLS, POINTS_MAX_POINTS,
                              POINTS_MAX_VOXELS);
}

static void gen_uniform(float *pts, int64_t N, bench_rng *r)
{
    for (int64_t i = 0; i < N; i++) {
        float *q = pts + i * C_COLS;
        q[0] = -51.2f + 102.4f * bench_rng_unit(r);
        q[1] = -51.2f + 102.4f * bench_rng_unit(r);
        q[2] = -3.0f + 6.4f * bench_rng_unit(r);
        q[3] = bench_rng_unit(r);
    }
}

/* A LiDAR-like scene: 65% ground plane (z = -1.7 +- 3 cm) with density falling off with range,
 * 25% on a dozen box-shaped objects, 10% on far walls (40-70 m: partly outside the grid). */
static void gen_scene(float *pts, int64_t N, bench_rng *r)
{
    float box[12][3];
    for (int b = 0; b < 12; b++) {
        float a = 6.2831853f * bench_rng_unit(r), d = 5.0f + 30.0f * bench_rng_unit(r);
        box[b][0] = d * cosf(a);
        box[b][1] = d * sinf(a);
        box[b][2] = 0.5f + 2.0f * bench_rng_unit(r); /* height */
    }
    for (int64_t i = 0; i < N; i++) {
        float *q = pts + i * C_COLS, u = bench_rng_unit(r), a = 6.2831853f * bench_rng_unit(r);
        if (u < 0.65f) {
            float rr = 2.0f + 48.0f * bench_rng_unit(r) * bench_rng_unit(r);
            q[0] = rr * cosf(a);
            q[1] = rr * sinf(a);
            q[2] = -1.7f + 0.03f * bench_rng_gauss(r);
        } else if (u < 0.90f) {
            int b = (int)(bench_rng_unit(r) * 12.0f) % 12;
            q[0] = box[b][0] + 2.0f * (bench_rng_unit(r) - 0.5f);
            q[1] = box[b][1] + 2.0f * (bench_rng_unit(r) - 0.5f);
            q[2] = -1.7f + box[b][2] * bench_rng_unit(r);
        } else {
            float rr = 40.0f + 30.0f * bench_rng_unit(r);
            q[0] = rr * cosf(a);
            q[1] = rr * sinf(a);
            q[2] = -1.7f + 4.0f * bench_rng_unit(r);
        }
        q[3] = bench_rng_unit(r);
    }
}

int bench_vox_frame_alloc(rc_vox_frame *f, const rc_vox_params *p, int64_t n, void *(*alloc)(size_t))
{
    size_t cells = (size_t)p->n[0] * (size_t)p->n[1] * (size_t)p->n[2];
    size_t elem = p->mode == RC_VOX_OCCUPANCY ? 1 : p->mode == RC_VOX_COUNT ? 4 : 4 * (size_t)p->C;
    size_t cap = (size_t)(n > 0 ? n : 1);
    memset(f, 0, sizeof *f);
    if (p->mode == RC_VOX_POINTS) {
        f->coords = alloc((size_t)p->max_voxels * 3 * sizeof(int32_t));
        f->voxels = alloc((size_t)p->max_voxels * (size_t)p->max_points * (size_t)p->C * sizeof(float));
        f->num_points = alloc((size_t)p->max_voxels * sizeof(int32_t));
        return f->coords && f->voxels && f->num_points ? 0 : -1;
    }
    if (p->sparse) {
        f->coords = alloc(cap * 3 * sizeof(int32_t));
        f->values = alloc(cap * elem);
        return f->coords && f->values ? 0 : -1;
    }
    f->dense = alloc(cells * elem);
    return f->dense ? 0 : -1;
}

void bench_vox_frame_free(rc_vox_frame *f, void (*release)(void *))
{
    release(f->dense);
    release(f->coords);
    release(f->values);
    release(f->voxels);
    release(f->num_points);
}

int bench_vox_call(void *ctx)
{
    vox_set *s = ctx;
    rc_err err;
    rc_err_clear(&err);
    if (rc_cuda_voxelize(g_bench_cuda, &s->p, s->pts, s->offsets, s->F, s->frames, &err) == RC_OK)
        return 0;
    char msg[2048];
    rc_err_format(&err, msg, sizeof msg);
    fprintf(stderr, "rc-bench: rc_cuda_voxelize: %s\n", msg);
    return -1;
}

void bench_vox_params_json(rc_json *j, void *ctx)
{
    vox_set *s = ctx;
    rc_json_key(j, "mode");
    rc_json_string(j, g_mode_name[s->p.mode]);
    rc_json_key(j, "layout");
    rc_json_string(j, s->p.mode == RC_VOX_POINTS ? "points" : s->p.sparse ? "sparse" : "dense");
    rc_json_key(j, "grid");
    rc_json_string(j, s->grid_name);
    rc_json_key(j, "cloud");
    rc_json_string(j, s->cloud);
    rc_json_key(j, "points");
    rc_json_int(j, s->N);
    rc_json_key(j, "frames");
    rc_json_int(j, s->F);
    rc_json_key(j, "C");
    rc_json_int(j, s->p.C);
    if (s->p.mode == RC_VOX_POINTS) {
        rc_json_key(j, "max_points");
        rc_json_int(j, s->p.max_points);
        rc_json_key(j, "max_voxels");
        rc_json_int(j, s->p.max_voxels);
    }
    rc_json_key(j, "n_voxels_frame0");
    rc_json_int(j, s->frames[0].n_voxels);
    rc_json_key(j, "dropped_range_frame0");
    rc_json_int(j, s->frames[0].dropped_range);
}

static int same_bytes(const void *a, const void *b, size_t n) { return n == 0 || !memcmp(a, b, n); }

/* Frame 0 again on the CPU backend; 1 when every output byte and count agrees. */
int bench_vox_check_frame0(const vox_set *s)
{
    const rc_vox_params *p = &s->p;
    const rc_vox_frame *g = &s->frames[0];
    int64_t n = s->offsets[1] - s->offsets[0];
    size_t cells = (size_t)p->n[0] * (size_t)p->n[1] * (size_t)p->n[2];
    size_t elem = p->mode == RC_VOX_OCCUPANCY ? 1 : p->mode == RC_VOX_COUNT ? 4 : 4 * (size_t)p->C;
    rc_vox_frame c;
    int same;
    if (bench_vox_frame_alloc(&c, p, n, rc_malloc)) return -1;
    if (c.dense) memset(c.dense, 0, cells * elem); /* the CPU backend fills only non-empty cells */
    if (rc_voxelize_cpu(p, s->pts, n, &c)) {
        bench_vox_frame_free(&c, rc_free);
        return -1;
    }
    same = c.n_voxels == g->n_voxels && c.dropped_range == g->dropped_range &&
           c.dropped_points == g->dropped_points && c.dropped_voxels == g->dropped_voxels;
    if (p->mode == RC_VOX_POINTS)
        same = same && same_bytes(c.coords, g->coords, (size_t)c.n_voxels * 3 * sizeof(int32_t)) &&
               same_bytes(c.num_points, g->num_points, (size_t)c.n_voxels * sizeof(int32_t)) &&
               same_bytes(c.voxels, g->voxels,
                          (size_t)c.n_voxels * (size_t)p->max_points * (size_t)p->C * sizeof(float));
    else if (p->sparse)
        same = same && same_bytes(c.coords, g->coords, (size_t)c.n_voxels * 3 * sizeof(int32_t)) &&
               same_bytes(c.values, g->values, (size_t)c.n_voxels * elem);
    else
        same = same && same_bytes(c.dense, g->dense, cells * elem);
    bench_vox_frame_free(&c, rc_free);
    return same;
}

/* Fewest bytes: the points read once, the output written once (dense grid, sparse rows for
 * the voxels found, or the points-mode buffers). */
double bench_vox_bytes(const vox_set *s)
{
    const rc_vox_params *p = &s->p;
    double cells = (double)p->n[0] * p->n[1] * p->n[2];
    double elem = p->mode == RC_VOX_OCCUPANCY ? 1 : p->mode == RC_VOX_COUNT ? 4 : 4.0 * p->C;
    double out = 0;
    if (p->mode == RC_VOX_POINTS)
        out = (double)p->max_voxels * (16.0 + 4.0 * p->C * p->max_points) * (double)s->F;
    else if (p->sparse)
        for (int64_t f = 0; f < s->F; f++) out += (double)s->frames[f].n_voxels * (12.0 + elem);
    else
        out = cells * elem * (double)s->F;
    return (double)s->N * 4.0 * p->C + out;
}

static int run_vox(const bench_opts *o, vox_set *s, const char *name)
{
    bench_case c;
    int rc = 0;
    int64_t f;
    memset(&c, 0, sizeof c);
    if (!bench_selected(o, name)) return 0;
    s->frames = rc_calloc((size_t)s->F, sizeof *s->frames);
    if (!s->frames) return -1;
    for (f = 0; f < s->F && rc == 0; f++)
        rc = bench_vox_frame_alloc(&s->frames[f], &s->p, s->offsets[f + 1] - s->offsets[f], rc_malloc);
    if (rc) fprintf(stderr, "rc-bench: out of host memory for %s\n", name);
    c.group = "voxelize";
    snprintf(c.name, sizeof c.name, "%s", name);
    c.items = (double)s->N;
    c.items_unit = "points";
    c.checked = -1;
    if (rc == 0) rc = bench_vox_call(s);
    if (rc == 0 && s->offsets[1] - s->offsets[0] <= CHECK_MAX_POINTS) c.checked = bench_vox_check_frame0(s);
    c.bytes = bench_vox_bytes(s);
    if (rc == 0) rc = bench_run_case(o, &c, bench_vox_call, s, bench_vox_params_json);
    for (f = 0; f < s->F; f++) bench_vox_frame_free(&s->frames[f], rc_free);
    rc_free(s->frames);
    s->frames = NULL;
    return rc;
}

static int dump_cloud(const bench_opts *o, const char *file, const float *pts, int64_t N)
{
    char path[4096];
    FILE *fp;
    if (!o->dump) return 0;
    snprintf(path, sizeof path, "%s/%s", o->dump, file);
    fp = fopen(path, "wb");
    if (!fp || fwrite(pts, sizeof(float) * C_COLS, (size_t)N, fp) != (size_t)N || fclose(fp)) {
        fprintf(stderr, "rc-bench: cannot write %s\n", path);
        if (fp) fclose(fp);
        return -1;
    }
    return 0;
}

/* Every mode of one cloud (one frame, or F equal frames) on grid g. */
static int run_modes(const bench_opts *o, vox_set *s, int g, int sparse, int points_mode_too,
                     const char *cloud_tag)
{
    static const char *const gname[] = {"256x256x32", "512x512x64"};
    int rc = 0;
    for (int m = 0; m < (points_mode_too ? 4 : 3); m++) {
        char name[160];
        if (grid_params(&s->p, g, (rc_vox_mode)m, sparse)) return -1;
        s->grid_name = gname[g];
        snprintf(name, sizeof name, "voxelize/%s/%s/%s/%s", g_mode_name[m],
                 m == 3 ? "points" : sparse ? "sparse" : "dense", cloud_tag, gname[g]);
        rc |= run_vox(o, s, name);
    }
    return rc;
}

int bench_voxelize(const bench_opts *o)
{
    static const int64_t Ns[] = {100000, 1000000, 10000000, 100000000};
    int rc = 0, n_n = o->quick ? 2 : 4;
    int64_t nmax = o->quick ? Ns[1] : Ns[3], off[65];
    int64_t frames = o->quick ? 8 : 64, per_frame = 120000;
    vox_set s;
    bench_rng r = {0xC10D};
    float *pts = rc_malloc((size_t)nmax * C_COLS * sizeof(float));
    if (!pts) return -1;
    memset(&s, 0, sizeof s);
    s.pts = pts;
    s.offsets = off;
    s.F = 1;
    /* uniform clouds, all points inside the grid */
    gen_uniform(pts, nmax, &r);
    s.cloud = "uniform";
    for (int i = 0; i < n_n; i++) {
        char tag[64];
        s.N = Ns[i];
        off[0] = 0;
        off[1] = s.N;
        snprintf(tag, sizeof tag, "uniform-%lldpts", (long long)s.N);
        /* 100M points on the larger grid only: the smaller adds nothing but minutes */
        for (int g = (s.N >= 100000000 ? 1 : 0); g < (o->quick ? 1 : 2); g++)
            rc |= run_modes(o, &s, g, 0, 1, tag);
    }
    /* a real-looking scene: heavy contention on the ground plane */
    s.N = o->quick ? 1000000 : 10000000;
    gen_scene(pts, s.N, &r);
    rc |= dump_cloud(o, "scene.f32", pts, s.N);
    off[0] = 0;
    off[1] = s.N;
    s.cloud = "scene";
    {
        char tag[64];
        snprintf(tag, sizeof tag, "scene-%lldpts", (long long)s.N);
        rc |= run_modes(o, &s, o->quick ? 0 : 1, 0, 1, tag);
    }
    /* a batch of LiDAR frames into per-frame sparse counts */
    for (int64_t f = 0; f < frames; f++) {
        bench_rng rf = {0xF00D + (uint64_t)f};
        gen_scene(pts + f * per_frame * C_COLS, per_frame, &rf);
        off[f] = f * per_frame;
    }
    off[frames] = frames * per_frame;
    rc |= dump_cloud(o, "frames.f32", pts, frames * per_frame);
    s.F = frames;
    s.N = frames * per_frame;
    s.cloud = "lidar-batch";
    if (grid_params(&s.p, 1, RC_VOX_COUNT, 1) == 0) {
        char name[160];
        s.grid_name = "512x512x64";
        snprintf(name, sizeof name, "voxelize/count/sparse/batch-%lldx%lldpts/512x512x64",
                 (long long)frames, (long long)per_frame);
        rc |= run_vox(o, &s, name);
    } else {
        rc = -1;
    }
    /* the same frames in points mode, at most BATCH_MAX_VOXELS voxels per frame */
    if (grid_params(&s.p, 1, RC_VOX_POINTS, 0) == 0) {
        char name[160];
        s.p.max_voxels = BATCH_MAX_VOXELS;
        snprintf(name, sizeof name, "voxelize/points/points/batch-%lldx%lldpts/512x512x64",
                 (long long)frames, (long long)per_frame);
        rc |= run_vox(o, &s, name);
    } else {
        rc = -1;
    }
    rc_free(pts);
    return rc;
}
