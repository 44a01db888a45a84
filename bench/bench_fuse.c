/* bench_fuse.c — resample (B episodes of one S x D stream onto T steps) and fuse (four streams
 * of different rates, widths and methods onto one 50 Hz grid) through rc_cuda_fuse, the
 * backend's launcher: one call per batch, as the pipeline makes it.  Timestamps are regular
 * with jitter, values random (never zeros); the first episode's output is compared with the
 * CPU backend byte for byte after the timed runs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/rc_cuda_int.h"
#include "bench.h"
#include "common/rc_common.h"

#define MAX_STREAMS 4
#define EPOCH_NS INT64_C(1700000000000000000)
#define SPAN_NS INT64_C(10000000000) /* every episode covers 10 s */

typedef struct stream_def {
    int64_t S;
    int32_t D;
    rc_method method;
} stream_def;

typedef struct fuse_set {
    int B, n_streams;
    int64_t T;
    stream_def st[MAX_STREAMS];
    rc_dtype dtype;
    int32_t width;
    int64_t *t[MAX_STREAMS];   /* [B, S] */
    float *x[MAX_STREAMS];     /* [B, S, D] */
    int64_t *grid;             /* [B, T] */
    void *out;                 /* [B, T, width] */
    uint8_t *valid;            /* [B, T] */
    rc_fuse_col *cols;         /* [B, n_streams] */
    rc_fuse_job *jobs;         /* [B] */
} fuse_set;

static void fill_times(int64_t *t, int64_t S, int64_t t0, bench_rng *r)
{
    int64_t period = SPAN_NS / S;
    for (int64_t i = 0; i < S; i++) /* jitter below a quarter period keeps t increasing */
        t[i] = t0 + i * period + (int64_t)(bench_rng_unit(r) * (float)(period / 4));
}

static void fill_values(float *x, int64_t S, int32_t D, rc_method m, bench_rng *r)
{
    for (int64_t i = 0; i < S; i++) {
        if (m == RC_METHOD_SLERP) { /* a unit quaternion drifting slowly */
            float q[4], n = 0;
            for (int c = 0; c < 4; c++) q[c] = 0.5f + 0.05f * bench_rng_gauss(r), n += q[c] * q[c];
            n = sqrtf(n);
            for (int c = 0; c < 4; c++) x[i * 4 + c] = q[c] / n;
        } else {
            for (int32_t j = 0; j < D; j++) x[i * D + j] = 2.0f * bench_rng_unit(r) - 1.0f;
        }
    }
}

static void set_free(fuse_set *s)
{
    for (int k = 0; k < s->n_streams; k++) rc_free(s->t[k]), rc_free(s->x[k]);
    rc_free(s->grid);
    rc_free(s->out);
    rc_free(s->valid);
    rc_free(s->cols);
    rc_free(s->jobs);
}

static int set_build(fuse_set *s, uint64_t seed)
{
    bench_rng r = {seed};
    size_t B = (size_t)s->B, T = (size_t)s->T;
    s->width = 0;
    for (int k = 0; k < s->n_streams; k++) s->width += s->st[k].D;
    for (int k = 0; k < s->n_streams; k++) {
        s->t[k] = rc_malloc(B * (size_t)s->st[k].S * sizeof(int64_t));
        s->x[k] = rc_malloc(B * (size_t)s->st[k].S * (size_t)s->st[k].D * sizeof(float));
        if (!s->t[k] || !s->x[k]) return -1;
    }
    s->grid = rc_malloc(B * T * sizeof(int64_t));
    s->out = rc_malloc(B * T * (size_t)s->width * (size_t)rc_dtype_size(s->dtype));
    s->valid = rc_malloc(B * T);
    s->cols = rc_calloc(B * (size_t)s->n_streams, sizeof *s->cols);
    s->jobs = rc_calloc(B, sizeof *s->jobs);
    if (!s->grid || !s->out || !s->valid || !s->cols || !s->jobs) return -1;
    for (size_t b = 0; b < B; b++) {
        int64_t t0 = EPOCH_NS + (int64_t)b * 2 * SPAN_NS;
        int32_t col = 0;
        for (int k = 0; k < s->n_streams; k++) {
            int64_t S = s->st[k].S;
            int32_t D = s->st[k].D;
            int64_t *t = s->t[k] + b * (size_t)S;
            float *x = s->x[k] + b * (size_t)S * (size_t)D;
            rc_fuse_col *c = &s->cols[b * (size_t)s->n_streams + (size_t)k];
            fill_times(t, S, t0, &r);
            fill_values(x, S, D, s->st[k].method, &r);
            c->src.t_ns = t;
            c->src.x = x;
            c->src.S = S;
            c->src.D = D;
            c->method = s->st[k].method;
            c->quat = RC_QUAT_WXYZ;
            c->col = col;
            col += D;
        }
        for (size_t k = 0; k < T; k++) s->grid[b * T + k] = t0 + (int64_t)k * (SPAN_NS / (int64_t)T);
        rc_fuse_job *j = &s->jobs[b];
        j->cols = &s->cols[b * (size_t)s->n_streams];
        j->n_cols = s->n_streams;
        j->grid = s->grid + b * T;
        j->T = s->T;
        j->width = s->width;
        j->dtype = s->dtype;
        j->out = (char *)s->out + b * T * (size_t)s->width * (size_t)rc_dtype_size(s->dtype);
        j->valid = s->valid + b * T;
        j->max_gap_ns = 100000000;
    }
    return 0;
}

/* Fewest bytes: every input read once (t, x of each stream, the grid), output and valid written. */
static double set_bytes(const fuse_set *s)
{
    double b = 0;
    for (int k = 0; k < s->n_streams; k++) b += (double)s->st[k].S * (8.0 + 4.0 * s->st[k].D);
    b += (double)s->T * (8.0 + 1.0 + (double)s->width * rc_dtype_size(s->dtype));
    return b * s->B;
}

static int call_fuse(void *ctx)
{
    fuse_set *s = ctx;
    rc_err err;
    rc_err_clear(&err);
    if (rc_cuda_fuse(g_bench_cuda, s->jobs, s->B, &err) == RC_OK) return 0;
    char msg[2048];
    rc_err_format(&err, msg, sizeof msg);
    fprintf(stderr, "rc-bench: rc_cuda_fuse: %s\n", msg);
    return -1;
}

static void params_fuse(rc_json *j, void *ctx)
{
    static const char *const mname[] = {"linear", "nearest", "previous", "slerp", "window"};
    fuse_set *s = ctx;
    rc_json_key(j, "B");
    rc_json_int(j, s->B);
    rc_json_key(j, "T");
    rc_json_int(j, s->T);
    rc_json_key(j, "width");
    rc_json_int(j, s->width);
    rc_json_key(j, "dtype");
    rc_json_string(j, s->dtype == RC_DTYPE_F32 ? "float32" : s->dtype == RC_DTYPE_BF16 ? "bfloat16" : "float16");
    rc_json_key(j, "streams");
    rc_json_array_begin(j);
    for (int k = 0; k < s->n_streams; k++) {
        rc_json_object_begin(j);
        rc_json_key(j, "S");
        rc_json_int(j, s->st[k].S);
        rc_json_key(j, "D");
        rc_json_int(j, s->st[k].D);
        rc_json_key(j, "method");
        rc_json_string(j, mname[s->st[k].method]);
        rc_json_object_end(j);
    }
    rc_json_array_end(j);
}

/* Job 0 again on the CPU backend into fresh buffers; 1 when the bytes agree. */
static int check_first_job(const fuse_set *s)
{
    size_t n = (size_t)s->T * (size_t)s->width * (size_t)rc_dtype_size(s->dtype);
    rc_fuse_job j = s->jobs[0];
    int same;
    j.out = rc_malloc(n);
    j.valid = rc_malloc((size_t)s->T);
    if (!j.out || !j.valid) {
        rc_free(j.out);
        rc_free(j.valid);
        return -1;
    }
    memset(j.out, 0xA5, n);
    rc_fuse_cpu(&j, 1);
    same = !memcmp(j.out, s->jobs[0].out, n) && !memcmp(j.valid, s->jobs[0].valid, (size_t)s->T);
    rc_free(j.out);
    rc_free(j.valid);
    return same;
}

static int run_set(const bench_opts *o, fuse_set *s, const char *group, const char *name)
{
    bench_case c;
    int rc;
    memset(&c, 0, sizeof c);
    if (!bench_selected(o, name)) return 0;
    if (set_build(s, 0x5EED0000u + (uint64_t)s->B)) {
        fprintf(stderr, "rc-bench: out of host memory for %s\n", name);
        set_free(s);
        return -1;
    }
    memset(s->out, 0xFF, (size_t)s->B * (size_t)s->T * (size_t)s->width * (size_t)rc_dtype_size(s->dtype));
    c.group = group;
    snprintf(c.name, sizeof c.name, "%s", name);
    c.bytes = set_bytes(s);
    c.items = (double)s->B * (double)s->T;
    c.items_unit = "rows";
    c.checked = -1;
    /* checked before timing is printed: the line carries the verdict */
    rc = call_fuse(s);
    if (rc == 0) c.checked = check_first_job(s);
    if (rc == 0) rc = bench_run_case(o, &c, call_fuse, s, params_fuse);
    set_free(s);
    return rc;
}

int bench_resample(const bench_opts *o)
{
    /* B, S -> T, D: the range, from 32x500->250x256 up to 1024x1000->500x128 */
    static const int64_t sizes[][4] = {{32, 500, 250, 256}, {256, 500, 250, 256},
                                       {256, 1000, 500, 128}, {1024, 1000, 500, 128}};
    static const rc_dtype dts[] = {RC_DTYPE_F32, RC_DTYPE_BF16};
    int rc = 0, n_sizes = o->quick ? 2 : 4;
    for (int i = 0; i < n_sizes; i++)
        for (int d = 0; d < 2; d++) {
            fuse_set s;
            char name[160];
            memset(&s, 0, sizeof s);
            s.B = (int)(o->quick ? sizes[i][0] / 8 : sizes[i][0]);
            s.T = sizes[i][2];
            s.n_streams = 1;
            s.st[0] = (stream_def){sizes[i][1], (int32_t)sizes[i][3], RC_METHOD_LINEAR};
            s.dtype = dts[d];
            snprintf(name, sizeof name, "resample/%s/B%d-S%lld-T%lld-D%lld", d ? "bf16" : "f32", s.B,
                     (long long)sizes[i][1], (long long)s.T, (long long)sizes[i][3]);
            rc |= run_set(o, &s, "resample", name);
        }
    return rc;
}

int bench_fuse(const bench_opts *o)
{
    /* 200 Hz x 64 linear, 100 Hz quaternion slerp, 30 Hz x 32 nearest, 10 Hz x 8 previous
     * onto 50 Hz: 108 columns */
    static const int Bs[] = {256, 1024};
    static const rc_dtype dts[] = {RC_DTYPE_F32, RC_DTYPE_BF16};
    int rc = 0;
    for (int i = 0; i < 2; i++)
        for (int d = 0; d < 2; d++) {
            fuse_set s;
            char name[160];
            memset(&s, 0, sizeof s);
            s.B = o->quick ? Bs[i] / 16 : Bs[i];
            s.T = 500;
            s.n_streams = 4;
            s.st[0] = (stream_def){2000, 64, RC_METHOD_LINEAR};
            s.st[1] = (stream_def){1000, 4, RC_METHOD_SLERP};
            s.st[2] = (stream_def){300, 32, RC_METHOD_NEAREST};
            s.st[3] = (stream_def){100, 8, RC_METHOD_PREVIOUS};
            s.dtype = dts[d];
            snprintf(name, sizeof name, "fuse/%s/B%d-4streams-T500-W108", d ? "bf16" : "f32", s.B);
            rc |= run_set(o, &s, "fuse", name);
        }
    return rc;
}
