/* rc_scan.h — timestamp health of the input (docs/SPEC.md §2, `scan`): per episode and per
 * stream, sample counts, rates, step jitter, the largest gaps, duplicate and decreasing
 * timestamps, start/stop offsets, the span the timeline would get, points per cloud frame and
 * the share of points a voxelize stage's range would drop; for cameras frozen and dropped frames
 * and the dt_ns an image stage would write.  rc_scan_episode_figures works on
 * any rc_episode (run --report uses it on what it converted); rc_scan_input reads the input the
 * way `run` does but collects every problem instead of stopping at the first. */
#ifndef RC_SCAN_H
#define RC_SCAN_H

#include <stdint.h>

#include "common/rc_common.h"
#include "reader/rc_reader.h"
#include "spec/rc_spec.h"

#define RC_SCAN_TOP_GAPS 3

/* One step t[index] - t[index - 1] of a stream, starting at t_ns = t[index - 1]. */
typedef struct rc_scan_gap {
    int64_t index, t_ns, gap_ns;
} rc_scan_gap;

/* Points of a cloud stream that one voxelize stage would keep or drop (its range). */
typedef struct rc_scan_vox {
    char stage[RC_NAME_MAX];
    int64_t points, dropped;
} rc_scan_vox;

/* The dt_ns (step time minus the time of the frame it takes) one image stage would write for a
 * camera stream on the spec's timeline, and how many steps its gap rule flags. */
typedef struct rc_scan_dt {
    char stage[RC_NAME_MAX];
    int64_t steps, invalid;          /* grid steps; steps with valid 0 */
    int64_t frames_used;             /* distinct frames some step takes */
    int64_t min_ns, p50_ns, p99_ns, max_ns; /* of dt_ns over the steps, nearest rank */
} rc_scan_dt;

typedef struct rc_scan_stream {
    char name[64];
    rc_stream_kind kind;
    int64_t samples;                 /* series samples, or cloud frames */
    int32_t columns;                 /* series and cloud: D (a cloud's point columns) */
    char **col_names;                /* [columns] the input's `names` attribute, or NULL (owned: one
                                      * allocation, the strings after the pointers) */
    int64_t first_ns, last_ns;       /* t[0], t[S-1] as stored */
    int64_t start_offset_ns;         /* first_ns - the earliest first_ns of the episode's streams */
    int64_t stop_offset_ns;          /* the latest last_ns of the episode's streams - last_ns */
    /* steps t[i] - t[i-1], i >= 1; nearest-rank percentiles; all 0 when samples < 2 */
    int64_t step_min_ns, step_p50_ns, step_p99_ns, step_max_ns;
    double median_rate_hz;           /* 1e9 / step_p50_ns; 0 when that step is not positive */
    int n_gaps;
    rc_scan_gap gaps[RC_SCAN_TOP_GAPS]; /* the largest steps, largest first (ties: earlier first) */
    int64_t duplicates, first_duplicate; /* t[i] == t[i-1]: count, first i (-1: none) */
    int64_t decreases, first_decrease;   /* t[i] < t[i-1] */
    int64_t points_min, points_median, points_max; /* clouds: points per frame */
    int n_vox;
    rc_scan_vox *vox;                /* clouds: [n_vox], one per voxelize stage using it (owned) */
    /* cameras (image streams, rc_scan_camera.c) */
    int64_t frozen_frames;           /* frames byte-identical to the frame before them */
    int64_t frozen_runs;             /* runs of >= 2 identical consecutive frames */
    int64_t frozen_longest, frozen_longest_at; /* frames in the longest run, its first index (-1: none) */
    int64_t dropped_gaps;            /* steps t[i] - t[i-1] over 1.5 median steps */
    int64_t dropped_frames;          /* frames missing in them: sum of round(step / median) - 1 */
    int64_t first_drop_index;        /* i of the first such step (-1: none) */
    int n_dt;
    rc_scan_dt *dt;                  /* [n_dt], one per image stage of the stream (owned) */
} rc_scan_stream;

typedef struct rc_scan_episode {
    char file[1024];
    char id[256];                    /* "*" for a problem of the whole file */
    int read_ok;                     /* 0: the reader refused it; problems[0] says why */
    int voxel_drops;                 /* the passes over the data ran: clouds' vox figures, cameras' frozen frames */
    int32_t n_streams;
    rc_scan_stream *streams;
    int span_ok;                     /* the timeline's span is not empty */
    int64_t span_start_ns, span_end_ns;
    int64_t steps;                   /* grid steps at the spec's rate; -1 without a rate */
    double worst_gap_ratio;          /* the largest step / its stream's median step */
    char worst_stream[64];
    int n_problems;
    rc_err *problems;                /* what would make `run` fail on this episode */
} rc_scan_episode;

/* Fills *out from ep (read ordered or not): per-stream figures, offsets, the span by the spec's
 * timeline (a spec with rate_hz 0 gives no steps), the cameras' dropped frames and dt_ns, with
 * data_passes set the voxelize stages' drop counts and the cameras' frozen frames (a pass over
 * every point and pixel: run --report leaves them out), and a problem for each
 * duplicate/decrease finding, for an empty span and for a slerp stream whose rows are not unit
 * quaternions (rc_convert_check_quaternions).  Free with rc_scan_episode_free. */
rc_status rc_scan_episode_figures(const rc_spec *spec, const rc_episode *ep, int data_passes,
                                  rc_scan_episode *out, rc_err *err);
void rc_scan_episode_free(rc_scan_episode *se);
/* Writes se as one JSON object (file, episode, span, streams, problems). */
void rc_scan_episode_json(rc_json *j, const rc_scan_episode *se);

typedef struct rc_scan_result {
    int64_t n_files;
    int64_t n_episodes;              /* episodes listed in the files (not file problems) */
    rc_scan_episode *eps;            /* in input order; file problems appear as id "*" */
    int64_t n_eps;
    int64_t n_problems;
    int64_t n_bad_episodes;          /* entries with at least one problem */
    int would_fail;                  /* `run` with this spec would stop (on_error, problem kinds) */
    rc_err first_failure;            /* the first problem that would stop it */
} rc_scan_result;

/* A spec for scanning a folder without one: layout robocache-raw from schema_dir, the default
 * pattern (.h5, .hdf5, .hdf), span intersection of every series stream of the first input file
 * (one fuse stage naming them all), no rate and no voxelize stage.  Free with rc_spec_free. */
rc_status rc_scan_folder_spec(const char *dir, const char *schema_dir, rc_spec **out, rc_err *err);

/* Scans every episode of spec's input (layout from schema_dir): reads the streams `run` would
 * read (every stream of the layout when all_streams is set), timestamps unordered, and records
 * every problem in *out (free with rc_scan_result_free).  Returns an error only when the scan
 * itself cannot go on (no memory, the layout cannot be loaded); bad input is a problem in
 * *out, never a failure. */
rc_status rc_scan_input(const rc_spec *spec, const char *schema_dir, int all_streams, rc_scan_result *out,
                        rc_err *err);
void rc_scan_result_free(rc_scan_result *r);
/* The order the summary lists episodes in, worst first: more problems, then a larger
 * worst_gap_ratio, then input order.  idx receives n_eps indices into r->eps. */
void rc_scan_rank(const rc_scan_result *r, int64_t *idx);

#endif
