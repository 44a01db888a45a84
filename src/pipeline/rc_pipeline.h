/* rc_pipeline.h — pipeline's public header.  The conversion of docs/SPEC.md §1: spec -> input
 * shards -> stages -> output shards + manifest, with on_error handling, shard rollover and
 * clean failure (a failed run leaves none of its shards and no manifest behind); progress; the
 * report and trace files. */
#ifndef RC_PIPELINE_H
#define RC_PIPELINE_H

#include <signal.h>

#include "common/rc_common.h"
#include "scan/rc_scan.h"
#include "stats/rc_stats.h"
#include "task/rc_task.h"

/* Episodes in flight when --buffers is not given (docs/STREAMING.md says why). */
#define RC_DEFAULT_BUFFERS 4
/* Most compression workers (each is a thread and a trace track). */
#define RC_MAX_COMPRESS_WORKERS 64
/* Reader processes when --readers is not given: this many, or one per core when fewer. */
#define RC_DEFAULT_READERS 4
/* The most reader processes --readers takes. */
#define RC_MAX_READERS 64

/* Progress (docs/SPEC.md §2, --progress): line is one line of text without a newline, handed at
 * most every progress_interval_s seconds; final is 1 for the last call of the run. */
typedef void (*rc_progress_fn)(const char *line, int final, void *ctx);

/* ---- what a run measured, as files (rc_report_write.c): the --report JSON with scan's
 * timestamp figures of every converted episode in run order, and the --trace Chrome
 * trace-event JSON (Perfetto: one track per thread or CUDA stream).  "-" writes to stdout. */

/* The timestamp figures of the converted episodes, in run order (docs/SCAN.md). */
typedef struct rc_run_timestamps {
    rc_scan_episode *eps;
    int64_t n, cap;
} rc_run_timestamps;

/* Takes *se (its buffers; *se is left empty) as the next episode's figures; on failure they
 * are freed. */
rc_status rc_run_timestamps_add(rc_run_timestamps *ts, rc_scan_episode *se, rc_err *err);
void rc_run_timestamps_free(rc_run_timestamps *ts);

/* ts may be NULL: an empty "timestamps" list. */
rc_status rc_report_write_json(const rc_report *r, const rc_run_timestamps *ts, const char *path, rc_err *err);
rc_status rc_report_write_trace(const rc_report *r, const char *path, rc_err *err);

typedef struct rc_run_opts {
    const char *spec_path;
    const char *schema_dir;
    const char *input_dir;    /* overrides input.dir when not NULL */
    const char *output_dir;   /* overrides output.dir when not NULL */
    const char *backend;      /* "auto" | "cpu" | "cuda" */
    int threads;              /* CPU backend OpenMP threads and compression workers; 0 = all cores */
    int buffers;              /* episodes in flight (>= 1); 0 = RC_DEFAULT_BUFFERS */
    int readers;              /* reader processes; -1 = RC_DEFAULT_READERS, at most the cores; 0 = none:
                               * inputs are opened and read in this process (no crash isolation) */
    int force;                /* replace an earlier conversion in the output folder */
    rc_progress_fn on_progress; /* NULL: no progress lines */
    void *progress_ctx;
    double progress_interval_s; /* at most one progress line per this many seconds */
    volatile sig_atomic_t *stop; /* set by a signal handler (to the signal's number): no new episode
                                  * is taken, the shard being written is removed, the complete
                                  * shards stay with a manifest marked incomplete */
    const char *report_path;  /* --report, --trace: checked before converting (a writable folder, */
    const char *trace_path;   /* not inside the output folder); NULL or "-": not checked */
    rc_task_id task;          /* which task of a sharded run (count 0: not sharded) */
    int resume;               /* keep complete, verified shards of an earlier attempt */
    rc_run_timestamps *timestamps; /* not NULL (--report): each converted episode's timestamp
                                    * figures, computed by the compute stage, in run order */
} rc_run_opts;

/* Runs the conversion; rep receives the timings, backend and skipped episodes (initialise it
 * with rc_report_init first).  RC_E_SPEC/RC_E_USAGE before any data is read; RC_E_INPUT for
 * bad data with on_error: fail; RC_E_IO, RC_E_BACKEND otherwise; RC_E_INTERRUPTED after a
 * signal, with the complete shards kept and their manifest written marked incomplete. */
rc_status rc_pipeline_run(const rc_run_opts *o, rc_report *rep, rc_err *err);

#endif
