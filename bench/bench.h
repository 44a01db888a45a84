/* bench.h — shared pieces of rc-bench, the GPU benchmark program: sample statistics, the
 * CUPTI-based device timer that separates the launchers' kernels from their copies, a fast
 * deterministic RNG for inputs, and the JSON-lines output of one benchmark case.  Nothing here
 * is part of librobocache; bench programs print and exit. */
#ifndef RC_BENCH_H
#define RC_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_common.h"
#include "ops/rc_ops.h"

/* ---- options shared by every group ---- */
typedef struct bench_opts {
    int quick;          /* small sizes and few runs: a smoke test of the whole driver */
    int runs, warmup;   /* timed runs after warm-up runs */
    const char *dump;   /* folder for inputs the PyTorch peers replay (real-looking clouds) */
    const char *only;   /* run only cases whose name contains this (ncu profiles one case) */
    const char *frames[8]; /* the single-frame cases' LiDAR sweeps (KITTI .bin: float32 x, y, z, i) */
    int n_frames;
} bench_opts;

/* ---- statistics ---- */
/* Sorts v[0..n) and records median and p99 (nearest rank: the ceil(0.99 n)-th smallest). */
typedef struct bench_stats {
    double median, p99, min, max;
    int n;
} bench_stats;
void bench_stats_of(double *v, int n, bench_stats *out);
double bench_now_ms(void); /* CLOCK_MONOTONIC */

/* ---- device activity of one launcher call (CUPTI activity records, GPU clock) ---- */
typedef struct bench_dev {
    double kernel_ms; /* kernels + memsets: the device work that is not a host<->device copy */
    double span_ms;   /* first kernel/memset start to last end (includes host round trips) */
    double h2d_ms, d2h_ms;
    int n_kernels;
} bench_dev;
/* Starts recording; returns 0, or -1 with a message in why (then kernel times are unknown). */
int bench_cupti_start(char *why, size_t n);
void bench_cupti_reset(void); /* before a call */
void bench_cupti_collect(bench_dev *out); /* after a call that synchronised */
/* Tracing off and on again, so a loop of calls can be timed without CUPTI's own work in them. */
void bench_cupti_pause(void);
void bench_cupti_resume(void);
/* Per-kernel device time since the last bench_cupti_names_reset, grouped by a short name. */
void bench_cupti_names_reset(void);
void bench_cupti_names_json(rc_json *j, int runs); /* object: name -> mean ms per call */

/* ---- inputs ---- */
typedef struct bench_rng { uint64_t s; } bench_rng;
uint64_t bench_rng_u64(bench_rng *r);
float bench_rng_unit(bench_rng *r);   /* [0, 1) */
float bench_rng_gauss(bench_rng *r);  /* standard normal (Box-Muller) */

/* ---- one case: timing loop and its JSON line ---- */
typedef int (*bench_call_fn)(void *ctx); /* one launcher call; 0 on success */
typedef struct bench_case {
    const char *group;  /* "resample", "fuse", "voxelize", "image", "mem" */
    char name[160];     /* unique key, e.g. "resample/f32/B32-S500-T250-D256" */
    double bytes;       /* fewest bytes a kernel must move (reads + writes) */
    double items;       /* rows (resample, fuse), points (voxelize) or frames (image) */
    const char *items_unit;
    int checked;        /* 1: output equals the CPU backend's, 0: differs, -1: not checked */
    const char *extra_key; /* when set: one more statistics object of extra_ms[0..extra_n) */
    double *extra_ms;
    int extra_n;
} bench_case;
/* Runs call opts->warmup + opts->runs times and prints one JSON line with the case, params
 * (written by params_fn into the open "params" object) and statistics of call_ms, kernel_ms,
 * span_ms, h2d_ms and d2h_ms.  Returns 0, or -1 when a call failed. */
int bench_run_case(const bench_opts *o, bench_case *c, bench_call_fn call, void *ctx,
                   void (*params_fn)(rc_json *j, void *ctx));
void bench_json_stats(rc_json *j, const char *key, double *v, int n);
/* 1 when the case named name is selected by --only (or no --only was given). */
int bench_selected(const bench_opts *o, const char *name);

/* ---- groups ---- */
int bench_mem(const bench_opts *o);
int bench_resample(const bench_opts *o);
int bench_fuse(const bench_opts *o);
int bench_voxelize(const bench_opts *o);
int bench_image(const bench_opts *o);
int bench_frame(const bench_opts *o);

/* ---- voxelize cases (bench_vox.c), shared with the single-frame cases (bench_frame.c) ---- */
typedef struct bench_vox_set {
    rc_vox_params p;
    const char *grid_name, *cloud;
    float *pts;
    int64_t *offsets; /* [F + 1] */
    int64_t F, N;     /* frames, points in all */
    rc_vox_frame *frames;
} bench_vox_set;
/* Output buffers of one frame of n points, as rc_ops.h says for p's mode and layout, from
 * alloc (rc_malloc, or page-locked memory); 0, or -1 when out of memory. */
int bench_vox_frame_alloc(rc_vox_frame *f, const rc_vox_params *p, int64_t n, void *(*alloc)(size_t));
void bench_vox_frame_free(rc_vox_frame *f, void (*release)(void *));
int bench_vox_call(void *ctx);                         /* one rc_cuda_voxelize call of a bench_vox_set */
void bench_vox_params_json(rc_json *j, void *ctx);     /* a bench_vox_set's "params" */
int bench_vox_check_frame0(const bench_vox_set *s);    /* 1: frame 0's output = the CPU backend's */
double bench_vox_bytes(const bench_vox_set *s);        /* fewest bytes: points in, output out */

/* The open backend device, shared by every group (rc_cuda handle of src/backend/rc_cuda_int.h). */
struct rc_cuda;
extern struct rc_cuda *g_bench_cuda;
extern int g_bench_cupti_ok;

#endif
