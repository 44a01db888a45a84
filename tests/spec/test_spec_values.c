/* test_spec_values.c — what rc_spec_load puts in struct rc_spec: values, schema defaults,
 * paths resolved against the spec's folder, stage contents; the first error and the error count
 * of a bad spec (and that each error is logged once); rc_spec_dense_frame_bytes against sizes
 * worked out by hand. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_common.h"
#include "spec/rc_spec.h"
#include "tap.h"

static int g_logged;
static char g_last[2048];

static void sink(int level, const char *line)
{
    if (level == RC_LOG_ERROR) g_logged++;
    snprintf(g_last, sizeof g_last, "%s", line);
}

static rc_spec *load(const char *path, const char *schemas, int *n_errors, rc_err *err)
{
    rc_spec *spec = NULL;
    g_logged = 0;
    rc_err_clear(err);
    rc_status st = rc_spec_load(path, schemas, &spec, n_errors, err);
    if (st != RC_OK) return NULL;
    return spec;
}

int main(void)
{
    const char *src = getenv("RC_SRCDIR");
    char schemas[1024], path[1024], want[2048];
    int n_errors = -1;
    rc_err err;
    if (!src) TAP_BAIL("RC_SRCDIR is not set");
    snprintf(schemas, sizeof schemas, "%s/schemas", src);
    rc_log_configure(RC_LOG_ERROR, sink);

    /* demo.yaml: the values as written there */
    snprintf(path, sizeof path, "%s/pipelines/demo.yaml", src);
    rc_spec *s = load(path, schemas, &n_errors, &err);
    if (!s) TAP_BAIL("demo.yaml does not load: %s", err.msg);
    tap_ok(n_errors == 0 && g_logged == 0, "demo.yaml: no errors");
    tap_ok(s->version == 1, "version 1");
    snprintf(want, sizeof want, "%s/pipelines/../demo/raw", src);
    tap_ok(!strcmp(s->input_dir, want), "input.dir is relative to the spec's folder: %s", s->input_dir);
    snprintf(want, sizeof want, "%s/pipelines/../demo/train", src);
    tap_ok(!strcmp(s->output_dir, want), "output.dir is relative to the spec's folder: %s", s->output_dir);
    tap_ok(!strcmp(s->input_pattern, "*.h5") && !strcmp(s->layout, "robocache-raw"), "pattern and layout");
    tap_ok(s->shard_max_episodes == 4 && s->shard_max_bytes == 0,
           "shard_max_episodes 4 and no byte limit when only episodes are given (%llu)",
           (unsigned long long)s->shard_max_bytes);
    tap_ok(s->zstd_level == 3 && s->val_fraction == 0.1 && s->split_seed == 17, "compression and split");
    tap_ok(s->rate_hz == 50.0 && s->span == RC_SPAN_INTERSECTION && s->on_error == RC_ON_ERROR_FAIL && s->stats == 1,
           "timeline, on_error, stats");
    tap_ok(s->n_stages == 3, "3 stages");
    rc_spec_stage *f = &s->stages[0];
    tap_ok(f->kind == RC_STAGE_FUSE && !strcmp(f->name, "observation") && f->dtype == RC_DTYPE_F32 &&
               f->max_gap_ms == 100.0 && f->n_streams == 6,
           "fuse observation: float32, max_gap_ms 100, 6 streams");
    tap_ok(!strcmp(f->streams[3].name, "gripper") && f->streams[3].method == RC_METHOD_PREVIOUS &&
               !strcmp(f->streams[4].name, "base_quat") && f->streams[4].method == RC_METHOD_SLERP &&
               f->streams[4].quat_order == RC_QUAT_WXYZ && f->streams[5].method == RC_METHOD_LINEAR,
           "fuse streams in order with their methods, slerp order defaults to wxyz");
    rc_spec_stage *r = &s->stages[1];
    tap_ok(r->kind == RC_STAGE_RESAMPLE && r->n_streams == 1 && !strcmp(r->streams[0].name, "action") &&
               r->streams[0].method == RC_METHOD_LINEAR && !strcmp(r->name, "action"),
           "resample action of stream action");
    rc_spec_stage *v = &s->stages[2];
    /* no input file at hand (rc_spec_load looks at none): the cloud's width waits for the run */
    tap_ok(v->kind == RC_STAGE_VOXELIZE && !strcmp(v->cloud, "lidar") && v->cloud_columns == 0 &&
               v->mode == RC_VOX_COUNT && v->sparse == 1 && v->range[2][0] == -2.0 && v->range[2][1] == 4.0 &&
               v->voxel_size[1] == 0.25,
           "voxelize lidar_grid: count, sparse, range and voxel size");
    tap_ok(s->text && strstr(s->text, "lidar_grid") != NULL, "the spec text is kept");
    rc_spec_free(s);

    /* every_option.yaml: non-default values everywhere */
    snprintf(path, sizeof path, "%s/tests/spec/valid/every_option.yaml", src);
    s = load(path, schemas, &n_errors, &err);
    if (!s) TAP_BAIL("every_option.yaml does not load: %s", err.msg);
    tap_ok(!strcmp(s->input_dir, "/data/raw") && !strcmp(s->output_dir, "/data/train"), "absolute dirs kept");
    tap_ok(!strcmp(s->input_pattern, "ep-*.h5") && s->layout_rate_hz == 30.0, "pattern, input.rate_hz");
    tap_ok(s->shard_max_bytes == 0 && s->shard_max_episodes == 100, "shard_max_episodes 100, no byte limit");
    tap_ok(s->zstd_level == 19 && s->val_fraction == 0.25 && s->split_seed == 12345, "level 19, split");
    tap_ok(s->on_error == RC_ON_ERROR_SKIP && s->rate_hz == 12.5 && s->span == RC_SPAN_STREAM &&
               !strcmp(s->span_stream, "joint_pos") && s->stats == 0,
           "on_error skip, span stream joint_pos");
    tap_ok(s->stages[0].dtype == RC_DTYPE_BF16 && s->stages[0].max_gap_ms == 20.5 &&
               s->stages[0].streams[1].method == RC_METHOD_NEAREST,
           "fuse bfloat16, max_gap_ms 20.5, nearest");
    tap_ok(s->stages[1].streams[0].quat_order == RC_QUAT_XYZW, "slerp order xyzw");
    int ia = -1;
    for (int32_t i = 0; i < s->n_stages; i++)
        if (!strcmp(s->stages[i].name, "action")) ia = i;
    tap_ok(s->stages[0].streams[2].offset_ns == -2500000 && s->stages[0].streams[0].offset_ns == 0 && ia >= 0 &&
               s->stages[ia].streams[0].offset_ns == 1250000 && rc_spec_stream_offset(s, "gripper") == -2500000 &&
               rc_spec_stream_offset(s, "action") == 1250000 && rc_spec_stream_offset(s, "base_quat") == 0,
           "offset_ms -2.5 and 1.25 held as -2500000 and 1250000 ns"); 
    tap_ok(s->stages[2].kind == RC_STAGE_RESAMPLE && s->stages[2].n_streams == 1 &&
               !strcmp(s->stages[2].streams[0].name, "base_quat") && s->stages[2].dtype == RC_DTYPE_F16,
           "resample in the streams form, float16");
    int iv = -1;
    for (int32_t i = 0; i < s->n_stages; i++)
        if (!strcmp(s->stages[i].name, "pillars")) iv = i;
    tap_ok(iv >= 0 && s->stages[iv].mode == RC_VOX_POINTS && s->stages[iv].max_points_per_voxel == 32 &&
               s->stages[iv].max_voxels == 12000 && s->stages[iv].range[1][0] == -50.5,
           "voxelize points with its limits");
    rc_spec_free(s);

    /* minimal.yaml, loaded from its own folder: defaults, and a bare file name keeps dirs as written */
    snprintf(path, sizeof path, "%s/tests/spec/valid", src);
    if (chdir(path) != 0) TAP_BAIL("cannot chdir to %s", path);
    s = load("minimal.yaml", schemas, &n_errors, &err);
    if (!s) TAP_BAIL("minimal.yaml does not load: %s", err.msg);
    tap_ok(!strcmp(s->input_dir, "raw") && !strcmp(s->output_dir, "out"), "dirs of a spec in the current folder");
    tap_ok(s->shard_max_bytes == 536870912ull && s->shard_max_episodes == 0, "default shard_max_bytes 512MiB");
    tap_ok(s->zstd_level == 3 && s->val_fraction == 0 && s->split_seed == 0 && s->on_error == RC_ON_ERROR_FAIL &&
               s->span == RC_SPAN_INTERSECTION && s->stats == 0 && s->stages[0].dtype == RC_DTYPE_F32,
           "defaults: level 3, no split, fail, intersection, no stats, float32");
    rc_spec_free(s);

    /* a bad spec: first error, count, every error logged once */
    snprintf(path, sizeof path, "%s/tests/spec/invalid/multiple_errors.yaml", src);
    s = load(path, schemas, &n_errors, &err);
    /* its unknown stream is the input's to judge: rc_spec_load looks at no input file */
    tap_ok(s == NULL && err.code == RC_E_SPEC && n_errors == 3 && g_logged == 3,
           "multiple_errors.yaml: RC_E_SPEC, 3 errors without input at hand, 3 logged (got %d, %d)", n_errors, g_logged);
    tap_ok(err.line == 3 && err.column == 40 && !strcmp(err.path, "output.shard_max_episodes") &&
               !strcmp(err.file, path),
           "err holds the first error: %s:%d:%d %s", err.file, err.line, err.column, err.path);
    s = load("no-such-spec.yaml", schemas, &n_errors, &err);
    tap_ok(s == NULL && err.code == RC_E_IO && n_errors == 1 && g_logged == 1 && strstr(g_last, "no-such-spec.yaml"),
           "a missing file is RC_E_IO and named: %s", g_last);
    s = load("minimal.yaml", "/nonexistent-schemas", &n_errors, &err);
    tap_ok(s == NULL && err.code == RC_E_IO && strstr(err.file, "pipeline.schema.yaml"),
           "a missing schema is an error naming it: %s", err.file);

    /* dense frame bytes, worked out by hand */
    rc_spec_stage st;
    memset(&st, 0, sizeof st);
    double range[3][2] = {{-40, 40}, {-40, 40}, {-3, 3}};
    memcpy(st.range, range, sizeof range);
    st.voxel_size[0] = st.voxel_size[1] = st.voxel_size[2] = 0.2;
    st.cloud_columns = 4;
    st.mode = RC_VOX_OCCUPANCY;
    tap_ok(rc_spec_dense_frame_bytes(&st) == 400ull * 400 * 30, "occupancy 400x400x30: 4800000 bytes");
    st.mode = RC_VOX_COUNT;
    tap_ok(rc_spec_dense_frame_bytes(&st) == 400ull * 400 * 30 * 4, "count: 4 bytes a voxel");
    st.mode = RC_VOX_MEAN;
    tap_ok(rc_spec_dense_frame_bytes(&st) == 400ull * 400 * 30 * 16, "mean of 4 columns: 16 bytes a voxel");
    st.range[0][0] = 0;
    st.range[0][1] = 1;
    st.voxel_size[0] = 0.3; /* 3.33 cells round to 3 */
    st.mode = RC_VOX_OCCUPANCY;
    tap_ok(rc_spec_dense_frame_bytes(&st) == 3ull * 400 * 30, "n_a = round((max - min) / size): 3 cells");
    st.voxel_size[0] = 0.4; /* 2.5 cells round half away from zero to 3 */
    tap_ok(rc_spec_dense_frame_bytes(&st) == 3ull * 400 * 30, "2.5 cells round to 3");
    st.mode = RC_VOX_POINTS;
    st.max_voxels = 40000;
    st.max_points_per_voxel = 32;
    tap_ok(rc_spec_dense_frame_bytes(&st) == 40000ull * (32 * 4 * 4 + 12 + 4),
           "points: voxels + coords + num_points per voxel");

    /* offset_ms to ns exactly, from the decimal text (0.1 ms is 100000 ns, not a rounding of 0.1 * 1e6) */
    static const struct {
        const char *text;
        int ok;
        int64_t ns;
    } offs[] = {{"0", 1, 0},           {"-0", 1, 0},
                {"12", 1, 12000000},   {"+2", 1, 2000000},
                {"-12.5", 1, -12500000}, {"0.1", 1, 100000},
                {"3.000001", 1, 3000001}, {"-0.000001", 1, -1},
                {"1e-3", 1, 1000},     {"1.5e2", 1, 150000000},
                {"2.50000000", 1, 2500000}, {"86400000", 1, 86400000000000},
                {"-86400000", 1, -86400000000000}, {"0.0000001", 0, 0},
                {"86400000.000001", 0, 0}, {"1e-7", 0, 0},
                {"", 0, 0},            {".", 0, 0},
                {"1.2.3", 0, 0},       {"12ms", 0, 0},
                {"1e99", 0, 0},        {"99999999999999999999999", 0, 0}};
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        int64_t ns = 7;
        int r = rc_offset_ms_parse(offs[i].text, &ns);
        tap_ok(offs[i].ok ? r == 0 && ns == offs[i].ns : r == -1, "offset_ms '%s': %s %lld (got %d, %lld)", offs[i].text,
               offs[i].ok ? "ns" : "refused", (long long)offs[i].ns, r, (long long)ns);
    }
    return tap_done();
}
