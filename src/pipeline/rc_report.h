/* rc_report.h — what a run measured: per-stage intervals (wall and busy seconds, bytes in and
 * out, items), the backend, skipped episodes; written as the --report JSON, the --trace Chrome
 * trace-event JSON (Perfetto), and a one-screen summary at the end of a run. */
#ifndef RC_REPORT_H
#define RC_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "common/rc_error.h"
#include "scan/rc_scan.h"

typedef enum rc_timed_stage {
    RC_TIMED_READ = 0,  /* HDF5 reads and conversion to float32 / int64 ns */
    RC_TIMED_RESAMPLE,  /* resample and fuse stages (the backend) */
    RC_TIMED_VOXELIZE,  /* voxelize stages (the backend) */
    RC_TIMED_WRITE,     /* compression and shard writes */
    RC_N_TIMED
} rc_timed_stage;

typedef struct rc_stage_totals {
    double first_s, last_s;  /* earliest start and latest end, seconds since the run began */
    double busy_s;           /* sum of interval lengths */
    uint64_t bytes_in, bytes_out;
    int64_t items;           /* episodes (read, write), grid steps (resample), frames (voxelize) */
    int64_t n_intervals;
} rc_stage_totals;

typedef struct rc_trace_event {
    int8_t stage;
    int64_t episode; /* index in run order */
    double begin_s, end_s;
} rc_trace_event;

typedef struct rc_skipped {
    char *file, *episode, *reason;
} rc_skipped;

typedef struct rc_report {
    double t0;                  /* monotonic clock at run start */
    double wall_s;              /* whole run */
    char backend[16];
    char backend_reason[256];
    int spec_errors;          /* > 0: the spec did not load (each error already logged) */
    char backend_device[128]; /* the CUDA device "NAME (sm_XY)", or the host */
    int threads;
    rc_stage_totals stage[RC_N_TIMED];
    int64_t episodes_written, shards_written;
    int64_t vox_points_in, vox_dropped_range, vox_dropped_points, vox_dropped_voxels;
    rc_skipped *skipped;
    int64_t n_skipped;
    rc_scan_episode *timestamps; /* per converted episode, in run order: scan's figures */
    int64_t n_timestamps, cap_timestamps;
    rc_trace_event *events;     /* kept only when a trace is wanted */
    int64_t n_events, cap_events;
    int keep_events;
} rc_report;

double rc_now_s(void); /* CLOCK_MONOTONIC seconds */
void rc_report_init(rc_report *r, int keep_events);
void rc_report_free(rc_report *r);
/* Records one interval of a stage (begin/end from rc_now_s). */
void rc_report_interval(rc_report *r, rc_timed_stage s, int64_t episode, double begin, double end,
                        uint64_t bytes_in, uint64_t bytes_out, int64_t items);
rc_status rc_report_add_skipped(rc_report *r, const char *file, const char *episode,
                                const char *reason, rc_err *err);
/* Takes *se (its buffers; *se is left empty) as the timestamp figures of a converted episode;
 * on failure they are freed. */
rc_status rc_report_add_timestamps(rc_report *r, rc_scan_episode *se, rc_err *err);
/* The slowest stage's busy time over the wall time: 1.0 when the run took no longer than its
 * slowest stage (perfect overlap), lower when stages waited on each other. */
double rc_report_overlap_efficiency(const rc_report *r);
rc_status rc_report_write_json(const rc_report *r, const char *path, rc_err *err);
rc_status rc_report_write_trace(const rc_report *r, const char *path, rc_err *err);
void rc_report_print_summary(const rc_report *r, FILE *f);
const char *rc_timed_stage_name(rc_timed_stage s);

#endif
