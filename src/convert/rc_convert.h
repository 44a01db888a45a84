/* rc_convert.h — convert's public header: one episode through the spec's stages: builds the
 * timeline, runs the fuse, resample and voxelize stages on the backend into memory
 * (rc_episode_outputs), which the streaming writer then writes.  Nothing is written until every stage has succeeded, so a bad
 * episode never leaves a half-written group behind. */
#ifndef RC_CONVERT_H
#define RC_CONVERT_H

#include <stdint.h>

#include "backend/rc_backend.h"
#include "common/rc_common.h"
#include "stats/rc_stats.h"
#include "reader/rc_reader.h"
#include "spec/rc_spec.h"
#include "writer/rc_writer.h"

/* ---- the target grid of docs/SPEC.md §4 (rc_timeline.c): which span an episode's grid covers
 * (intersection, union or one stream's) and the timestamps t_k = t_start + round(k*1e9/rate);
 * scan shares it ---- */

/* The span of ep's series streams used by the spec's fuse/resample stages (point clouds
 * excluded).  RC_E_INPUT (scope already set by the caller) when an intersection is empty. */
rc_status rc_timeline_span(const rc_spec *spec, const rc_episode *ep, int64_t *t_start,
                           int64_t *t_end, rc_err *err);

/* Longest grid an episode may have: keeps every count and offset exact in int64 and double. */
#define RC_TIMELINE_MAX_STEPS ((int64_t)1 << 40)

/* Number of grid points from t_start to t_end inclusive at rate_hz: k = 0.. while t_k <= t_end;
 * -1 when that is RC_TIMELINE_MAX_STEPS or more. */
int64_t rc_timeline_count(int64_t t_start, int64_t t_end, double rate_hz);
/* *T = rc_timeline_count, checked: RC_E_INPUT (scope set by the caller) when the span has
 * RC_TIMELINE_MAX_STEPS steps or more, or when T * step_bytes is over the memory budget. */
rc_status rc_timeline_steps(int64_t t_start, int64_t t_end, double rate_hz, uint64_t step_bytes, int64_t *T,
                            rc_err *err);
/* grid[k] = t_start + llround(k * 1e9 / rate_hz) for k < T (the product and quotient in double). */
void rc_timeline_fill(int64_t t_start, double rate_hz, int64_t *grid, int64_t T);

/* ---- the frame an image stage takes per step (rc_convert_camera.c; scan shares it) ---- */

/* Per step k of grid[T] over frame times t[S] (S >= 1): the frame method m (nearest or
 * previous) chooses by the resample rule, dt_ns[k] = grid[k] - t[source[k]], valid[k] by the
 * fuse gap rule (max_gap_ns 0: no gap check). */
void rc_image_stage_choose(const int64_t *t, int64_t S, rc_method m, int64_t max_gap_ns, const int64_t *grid,
                           int64_t T, int64_t *source, int64_t *dt_ns, uint8_t *valid);
/* The max_gap_ms of a fuse or image stage in whole ns (0: no gap check). */
int64_t rc_stage_max_gap_ns(const rc_spec_stage *sg);

/* ---- one episode's outputs ---- */

/* One output dataset of an episode, held in memory until the episode is written. */
typedef struct rc_output {
    char rel_path[160];  /* "<stage name>/<dataset>" */
    rc_elem elem;
    int rank;
    uint64_t dims[5];
    uint64_t chunk_rows; /* rows per HDF5 chunk asked of the writer (rc_shard_chunk_rows_as); 0: its rule */
    void *data;          /* owned */
    size_t cap;          /* bytes data can hold when it may be kept for the slot's next episode
                            (rc_out_keep); 0: freed with the list */
    int from_job;        /* 0: data and dims final; j + 1: filled in by rc_jpeg_job_finish of jpeg[j] (the
                            field stays: the caller knows when that job is finished) */
} rc_output;

/* An image stage's frames still to be stored as JPEG (encoding: jpeg; docs/FORMAT.md, "Image
 * outputs").  The compute stage leaves the resized frames here; the compression workers encode
 * them in units of RC_JPEG_UNIT_FRAMES distinct frames (rc_jpeg_job_encode, any order, in
 * parallel), and after the last unit rc_jpeg_job_finish fills the stage's data, jpeg_len and
 * pixels_sha256 outputs (from_job), which nothing may read before.  The bytes do not depend on
 * the order, the thread count or the backend that resized. */
#define RC_JPEG_UNIT_FRAMES 8
typedef struct rc_jpeg_job {
    const rc_spec_stage *sg;
    rc_image_geom g;
    char scope[512];     /* the error scope path (rc_err path): "<group>/<stream>" */
    int64_t T;
    uint8_t *frames;     /* [T, out_h, out_w, C] resized; each encoded frame decoded back in place */
    int64_t *first;      /* [n_first] the steps that take a new frame (source changes), ascending */
    int64_t n_first;
    uint8_t **jpg;       /* [n_first] the JPEG of each */
    size_t *n;           /* [n_first] its bytes */
    int data_at;         /* items[data_at] is data, then jpeg_len and pixels_sha256 */
} rc_jpeg_job;

typedef struct rc_episode_outputs {
    rc_output *items;
    int n, cap;
    rc_jpeg_job *jpeg;   /* [n_jpeg] */
    int n_jpeg, cap_jpeg;
    int64_t steps;       /* grid steps (frames when the spec has only voxelize stages) */
    rc_stats *stats;     /* [spec->n_stages], this episode's; NULL when stats are off */
} rc_episode_outputs;

/* Buffers kept from one episode to the next, one per path, so that large ones are neither
 * allocated nor faulted in afresh every episode: the outputs an episode leaves to the next
 * episode of the same pipeline slot, and the voxelize stages' result buffers, which the compute
 * thread keeps for itself.  At most RC_OUT_KEEP_MAX of them, each no larger than the largest
 * episode needed. */
#define RC_OUT_KEEP_MAX 16
typedef struct rc_out_keep {
    char rel_path[RC_OUT_KEEP_MAX][160];
    void *p[RC_OUT_KEEP_MAX];
    size_t cap[RC_OUT_KEEP_MAX];
    int n;
} rc_out_keep;

/* The fuse and resample stages of one episode, ready to run: one job per stage over the
 * episode's timeline, with the output buffers the jobs write.  Jobs of several episodes can
 * go to the backend in one rc_backend_fuse call (the compute stage batches small episodes). */
typedef struct rc_fuse_plan {
    rc_fuse_job jobs[RC_MAX_STAGES];
    int n_jobs;
    int n_images;                  /* image resample stages: copies on the host, not jobs */
    int job_stage[RC_MAX_STAGES];  /* the spec stage of each job */
    rc_fuse_col *cols;
    int64_t *grid, T;
    void *bufs[RC_MAX_STAGES];
    uint8_t *valids[RC_MAX_STAGES];
    uint8_t *masks[RC_MAX_STAGES]; /* window jobs: [T, N] slot masks; NULL otherwise */
    uint64_t bytes_in, bytes_out;  /* for the report */
} rc_fuse_plan;

/* Starts ep's conversion: *out empty (with statistics when the spec wants them) and *plan
 * holding the fuse/resample jobs (n_jobs may be 0).  RC_E_INPUT for data the stages cannot use
 * (err scoped by the caller to the episode); both are freed on failure. */
rc_status rc_convert_plan(const rc_spec *spec, const rc_episode *ep, rc_episode_outputs *out,
                          rc_fuse_plan *plan, rc_err *err);
/* After the plan's jobs ran on the backend: moves their results into out, runs the voxelize
 * stages of ep on b, and frees the plan.  On failure out is freed too.  `index` is the
 * episode's run-order number (report and trace).  Image stages resize on b too.  Voxelize
 * stages pack into the buffers keep holds from the slot's last episode and take their result
 * buffers from scratch, kept there again for the next call (either may be NULL). */
rc_status rc_convert_finish(const rc_spec *spec, rc_backend *b, const rc_episode *ep, int64_t index,
                            rc_report *rep, rc_episode_outputs *out, rc_fuse_plan *plan, rc_out_keep *keep,
                            rc_out_keep *scratch, rc_err *err);
void rc_fuse_plan_free(rc_fuse_plan *plan);
void rc_episode_outputs_free(rc_episode_outputs *out, const rc_spec *spec);
/* As rc_episode_outputs_free, but the outputs with a cap go into keep (keep may be NULL). */
void rc_episode_outputs_keep(rc_episode_outputs *out, const rc_spec *spec, rc_out_keep *keep);
/* Takes keep's buffer for rel_path (NULL, *cap 0 when there is none); the caller owns it. */
void *rc_out_keep_take(rc_out_keep *keep, const char *rel_path, size_t *cap);
/* Leaves buffer p of cap bytes in keep under rel_path, replacing one already there; frees it
 * when keep is NULL or full, or cap is 0. */
void rc_out_keep_put(rc_out_keep *keep, const char *rel_path, void *p, size_t cap);
void rc_out_keep_free(rc_out_keep *keep);

/* ---- JPEG jobs (rc_convert_jpeg.c): run by the compression workers ---- */

/* The encode units of job j (at least 1). */
int64_t rc_jpeg_job_units(const rc_jpeg_job *j);
/* Encodes unit u's frames and decodes each back in place; *frames and *bytes (JPEG bytes made)
 * for the report.  Units touch disjoint parts of the job: any may run on any thread. */
rc_status rc_jpeg_job_encode(rc_jpeg_job *j, int64_t u, int64_t *frames, uint64_t *bytes, rc_err *err);
/* After every unit succeeded: the rows zero-padded to the longest JPEG, the lengths and the
 * digest of the decoded frames in step order, into the job's outputs in out (data's dims[1]
 * becomes P); frees the frames.  RC_E_INPUT when the rows are over the memory budget. */
rc_status rc_jpeg_job_finish(rc_jpeg_job *j, rc_episode_outputs *out, rc_err *err);

/* How far from 1 the norm of a row of a stream resampled with slerp may be (docs/SPEC.md §4):
 * within it the row is normalised; beyond it (a zero, NaN or unnormalised row) it is bad input. */
#define RC_QUAT_NORM_TOLERANCE 1e-3

/* Before any stage reads ep (rc_convert_prepare.c): checks that each stream is of the kind its
 * stages take and that every row of a stream resampled with slerp is a unit quaternion within
 * RC_QUAT_NORM_TOLERANCE, and adds each stream's offset (spec offset_ms) to its timestamps, once.
 * RC_E_INPUT for a stream of another kind, a row that is not a unit quaternion (the first rows
 * and the count named) or a time that would leave int64 ns. */
rc_status rc_convert_prepare(const rc_spec *spec, rc_episode *ep, rc_err *err);
/* The quaternion check of rc_convert_prepare alone (scan reports what run would refuse). */
rc_status rc_convert_check_quaternions(const rc_spec *spec, const rc_episode *ep, rc_err *err);

/* What each output of ep holds, in words a reader needs (rc_describe.c, docs/FORMAT.md "Output
 * attributes"): kind, rate, column names and sources, voxel grids.  Writes them as attributes
 * onto the shard's open episode, after its datasets. */
rc_status rc_describe_episode(const rc_spec *spec, const rc_episode *ep, rc_shard *sh, rc_err *err);


#endif
