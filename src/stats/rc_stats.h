/* rc_stats.h — the public header of src/stats: per-episode and per-run statistics of the outputs
 * (the manifest asks them for its figures) and what a run measured (stage intervals, thread busy
 * time). */
#ifndef RC_STATS_H
#define RC_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>

#include "common/rc_common.h"
#include "stats/rc_quantile_sketch_int.h"
#include "spec/rc_spec.h"
#include "writer/rc_writer.h"

/* rc_stats — mergeable per-column statistics of one output for the manifest: count, mean,
 * std, min, max and the quantiles q01 q10 q50 q90 q99 of the valid float32 values.
 *
 * The state is integer, so merging is exact and order-free: N tasks + merge = one task, bit for
 * bit.  Per column it holds the sum of the values and the sum of their squares as wide
 * fixed-point integers (every float32 is an integer multiple of 2^-149, every square of
 * 2^-298), the exact min and max, and for the quantiles either a bounded histogram
 * (rc_quantile_sketch_int.h, the default: each order statistic within 2^-11 of its value, memory
 * independent of the number of values) or, with RC_QUANTILES_EXACT, the multiset of the values as sorted (value,
 * multiplicity) runs, read exactly (16 bytes per distinct value per column, plus 16 bytes per
 * value not yet sorted in).  docs/FORMAT.md gives the formulas and the serialized form. */
#define RC_STATS_SUM_LIMBS 6   /* 384 bits: |x| * 2^149 < 2^277, times up to 2^63 values */
#define RC_STATS_SQ_LIMBS 10   /* 640 bits: x^2 * 2^298 < 2^554, times up to 2^63 values */
#define RC_STATS_NQ 5
#define RC_STATS_SHIFTS 254    /* x * 2^149 = m << s, m < 2^24, s < 254 for finite float32 x */
/* Worst-case bytes per value of RC_QUANTILES_EXACT over a run: a 16-byte run in the totals, as
 * much again queued before it is sorted in, and the union of train and val that the manifest's
 * figures are read from (queued, then sorted in). */
#define RC_STATS_EXACT_BYTES_PER_VALUE 64

/* How quantiles are kept (spec `stats: {quantiles: ...}`). */
typedef enum rc_quantiles { RC_QUANTILES_SKETCH = 0, RC_QUANTILES_EXACT = 1 } rc_quantiles;

/* One distinct value (as an order key, see rc_stats.c) and how often it occurs. */
typedef struct rc_stats_run {
    uint64_t count;
    uint32_t key;
} rc_stats_run;

typedef struct rc_stats_col {
    int64_t count;                        /* valid values folded in */
    int64_t nonfinite;                    /* of which +-inf or NaN: not in the sums */
    uint64_t sum[RC_STATS_SUM_LIMBS];     /* sum of x * 2^149, two's complement, little-endian limbs */
    uint64_t sumsq[RC_STATS_SQ_LIMBS];    /* sum of x^2 * 2^298 */
    /* Not yet folded into sum and sumsq (counting is then two adds): per shift s of the values
     * x * 2^149 = m << s, the sum of +-m and of m^2, over acc_n values (folded before 2^32). */
    int64_t acc_sum[RC_STATS_SHIFTS];
    unsigned __int128 acc_sq[RC_STATS_SHIFTS];
    uint64_t acc_n;
    uint32_t min_key, max_key;            /* sketch: order keys of the exact min and max (count > 0) */
    rc_qsketch sketch;                    /* RC_QUANTILES_SKETCH: the values' histogram */
    rc_stats_run *runs;                   /* RC_QUANTILES_EXACT: [n_runs] sorted by key, counts > 0 */
    size_t n_runs, cap_runs;
    rc_stats_run *pending;                /* [n_pending] not yet sorted into runs */
    size_t n_pending, cap_pending;
} rc_stats_col;

typedef struct rc_stats {
    int32_t D;
    rc_quantiles quantiles;
    rc_stats_col *col; /* [D] */
} rc_stats;

/* The reported figures of one column.  Statistics of an empty column are NaN; mean and std are
 * NaN when a value is not finite. */
typedef struct rc_stats_summary {
    int64_t count;
    double mean, std, min, max;
    double q[RC_STATS_NQ];  /* at rc_stats_quantiles[] */
    int constant;           /* count > 0 and std == 0 (min == max) */
} rc_stats_summary;

extern const double rc_stats_quantiles[RC_STATS_NQ];   /* 0.01 0.10 0.50 0.90 0.99 */
extern const char *const rc_stats_quantile_names[RC_STATS_NQ]; /* "q01" ... "q99" */

int rc_stats_init(rc_stats *s, int32_t D, rc_quantiles q); /* 0, or -1 out of memory */
void rc_stats_free(rc_stats *s);           /* accepts a zeroed s */
/* Adds rows[T, D]; rows with valid[k] == 0 are left out (valid may be NULL).  0 or -1 (out of
 * memory; s is then unchanged in count but must be freed). */
int rc_stats_add_f32(rc_stats *s, const float *rows, int64_t T, const uint8_t *valid);
/* The exact float32 value of float16 (IEEE half) or bfloat16 bits: the one decoder of both. */
float rc_half_to_f32(uint16_t h, int bfloat16);
/* Same as rc_stats_add_f32 for float16 or bfloat16 bits, taken at their exact float32 value. */
int rc_stats_add_half(rc_stats *s, const uint16_t *rows, int64_t T, const uint8_t *valid, int bfloat16);
/* a += b exactly (same D and quantiles; a zeroed a takes b's).  0 or -1. */
int rc_stats_merge(rc_stats *a, const rc_stats *b);
/* Sorts pending values into the runs (needed before summarize and save).  0 or -1. */
int rc_stats_compact(rc_stats *s);
/* *dst = a compacted copy of src.  0 or -1. */
int rc_stats_copy(rc_stats *dst, const rc_stats *src);
/* Figures of column j of a compacted s. */
void rc_stats_summarize(const rc_stats *s, int32_t j, rc_stats_summary *out);
/* Writes "count": [..], "mean": [..], "std", "min", "max", "q01".."q99", "constant": [..] of the
 * summaries sm[D] of D columns, without closing the object (the caller may add keys, then
 * closes it). */
void rc_stats_write_summaries(rc_json *j, const rc_stats_summary *sm, int32_t D);

/* The exact state, little-endian (docs/FORMAT.md "Task manifests"); s must be compacted. */
rc_status rc_stats_save(const rc_stats *s, FILE *f, rc_err *err);
/* Reads what rc_stats_save wrote into a fresh *s; RC_E_IO naming what is malformed. */
rc_status rc_stats_load(rc_stats *s, FILE *f, rc_err *err);

/* rc_run_stats — the statistics of a run: per output with stats (fuse and resample stages),
 * exact accumulators for the train and the val episodes (rc_stats.h).  A task saves them to its
 * state file; merge-manifests loads and adds them; both hand them to the manifest, warning about
 * constant columns. */
typedef struct rc_run_stats {
    int n;                            /* outputs */
    char *names[RC_MAX_STAGES];       /* owned */
    rc_stats train[RC_MAX_STAGES];    /* D 0 until the first episode */
    rc_stats val[RC_MAX_STAGES];
} rc_run_stats;

/* How sp's statistics keep quantiles (stats: {quantiles: exact} or the sketch). */
rc_quantiles rc_run_stats_quantiles(const rc_spec *sp);
/* One output per fuse/resample stage of sp, in stage order. */
rc_status rc_run_stats_new(const rc_spec *sp, rc_run_stats **out, rc_err *err);
void rc_run_stats_free(rc_run_stats *rs); /* accepts NULL */
/* Adds one episode's stats: ep[k] for output k ("train" or "val" by split). */
rc_status rc_run_stats_add_output(rc_run_stats *rs, int k, const char *split, const rc_stats *ep, rc_err *err);
/* Adds an episode's per-stage stats (rc_episode_outputs.stats: [n_stages], voxelize stages
 * with D 0); the outputs are the spec's stages in order, as rc_run_stats_new made them. */
rc_status rc_run_stats_add_episode(rc_run_stats *rs, const rc_spec *sp, const char *split,
                                   const rc_stats *per_stage, rc_err *err);
/* a += b: the same outputs in the same order are required (RC_E_IO naming the difference). */
rc_status rc_run_stats_merge(rc_run_stats *a, const rc_run_stats *b, rc_err *err);
/* Hands the figures of output `name` over the train and the val episodes (val may be NULL:
 * none) and over their union to m (rc_stats_manifest.c: summarized now, no state kept), and
 * warns (rc_log) about each constant column of the union. */
rc_status rc_stats_add_to_manifest(rc_manifest *m, const char *name, const rc_stats *train, const rc_stats *val,
                                   rc_err *err);
/* Adds every output's stats to m (rc_stats_add_to_manifest), compacting them first. */
rc_status rc_run_stats_to_manifest(rc_run_stats *rs, rc_manifest *m, rc_err *err);

/* The state file: "RCSTATS2", output count, then per output its name and the train and val
 * states of rc_stats_save (docs/FORMAT.md). */
rc_status rc_run_stats_save(rc_run_stats *rs, FILE *f, rc_err *err);
rc_status rc_run_stats_load(FILE *f, rc_run_stats **out, rc_err *err);

/* rc_report — what a run measured: per-stage intervals (wall and busy seconds, bytes in and
 * out, items), per-thread busy time of the streaming pipeline (docs/SPEC.md §7: reader, compute,
 * compression workers, writer) with its overlap efficiency, the backend, skipped episodes.
 * pipeline/rc_report_write.c writes it as the --report JSON and the --trace Chrome trace-event
 * JSON; the CLI prints its one-screen summary.  Every recording function is safe to call from
 * several threads at once. */
typedef enum rc_timed_stage {
    RC_TIMED_READ = 0,  /* HDF5 reads and conversion to float32 / int64 ns */
    RC_TIMED_RESAMPLE,  /* resample and fuse stages (the backend) */
    RC_TIMED_VOXELIZE,  /* voxelize stages (the backend) */
    RC_TIMED_COMPRESS,  /* zstd compression of chunks and their digests (the worker pool) */
    RC_TIMED_WRITE,     /* HDF5 writes of compressed chunks, shard commits */
    RC_N_TIMED
} rc_timed_stage;

/* The threads of the streaming pipeline, grouped by the stage they run. */
typedef enum rc_pipe_stage {
    RC_PIPE_READER = 0, RC_PIPE_COMPUTE, RC_PIPE_COMPRESS, RC_PIPE_WRITER, RC_N_PIPE,
    RC_PIPE_NONE = -1   /* a track that is no pipeline thread (a CUDA stream) */
} rc_pipe_stage;

#define RC_REPORT_MAX_TRACKS 128

/* One trace track: a thread of the pipeline, or a CUDA stream. */
typedef struct rc_track {
    char name[40];
    int pipe;            /* rc_pipe_stage */
    double busy_s;       /* time the thread spent working (not waiting on a queue) */
    double wait_s;       /* time it waited for input or room downstream */
} rc_track;

#define RC_REPORT_MAX_READERS 64
#define RC_REPORT_MAX_PATHS 16

/* One reader process of the pool (docs/STREAMING.md): what it read and how long it worked,
 * measured in the process itself; restarts counts the processes that died and were replaced. */
typedef struct rc_reader_figures {
    int64_t episodes;
    uint64_t bytes;      /* stored bytes of the episodes it read */
    double busy_s;       /* time spent reading episodes and writing them to shared memory */
    double wait_s;       /* time spent waiting for the run's grant of slot memory (budget check,
                            growing and, on CUDA, page-locking the slot): a reader process's only
                            wait inside an episode, as it shares no HDF5 lock with anyone */
    int restarts;
} rc_reader_figures;

typedef struct rc_stage_totals {
    double first_s, last_s;  /* earliest start and latest end, seconds since the run began */
    double busy_s;           /* sum of interval lengths */
    uint64_t bytes_in, bytes_out;
    int64_t items;           /* episodes (read, write), grid steps (resample), frames (voxelize) */
    int64_t n_intervals;
} rc_stage_totals;

typedef struct rc_trace_event {
    int8_t stage;    /* rc_timed_stage */
    int16_t track;
    int64_t episode; /* index in run order */
    double begin_s, end_s;
} rc_trace_event;

typedef struct rc_skipped {
    char *file, *episode, *reason;
} rc_skipped;

typedef struct rc_report {
    double t0;                  /* monotonic clock at run start */
    double wall_s;              /* whole run */
    double stream_t0, stream_wall_s; /* the streaming part: first read to last write */
    char backend[16];
    char backend_reason[256];
    int spec_errors;          /* > 0: the spec did not load (each error already logged) */
    char backend_device[128]; /* the CUDA device "NAME (sm_XY)", or the host */
    int threads;
    int buffers;                /* episodes in flight (--buffers) */
    int compress_workers;
    rc_stage_totals stage[RC_N_TIMED];
    int64_t episodes_written, shards_written; /* interrupted: what the kept shards hold */
    int paths_refused;          /* --report/--trace refused: neither may be written */
    char interrupted[16];       /* the signal that stopped the run ("SIGTERM"), "" when none */
    int64_t vox_points_in, vox_dropped_range, vox_dropped_points, vox_dropped_voxels;
    rc_skipped *skipped;
    int64_t n_skipped;
    rc_trace_event *events;     /* kept only when a trace is wanted */
    int64_t n_events, cap_events;
    int keep_events;
    rc_track tracks[RC_REPORT_MAX_TRACKS];
    int n_tracks;
    int readers;                /* reader processes (--readers) */
    int decode_threads;         /* threads a reader process may decode one compressed dataset with */
    rc_reader_figures reader_figures[RC_REPORT_MAX_READERS];
    int n_paths;                /* dataset reads per path, summed over the reader processes */
    const char *path_names[RC_REPORT_MAX_PATHS]; /* [0] the direct path, then H5Dread's reasons */
    uint64_t path_reads[RC_REPORT_MAX_PATHS], path_bytes[RC_REPORT_MAX_PATHS];
    int slot_pins;              /* CUDA: slot shared memories page-locked (once per slot and growth) */
    int slot_pins_refused;      /* ... and the ones the driver refused (copied from pageable memory) */
    int64_t peak_rss_kb;        /* the run's process at its largest (getrusage), at the run's end */
    int64_t children_peak_rss_kb; /* its largest ended child process (a reader, as a rule) */
    pthread_mutex_t mu;         /* guards everything above that threads record into */
} rc_report;

/* One pipeline stage's totals over its threads (from the tracks). */
typedef struct rc_pipe_totals {
    int threads;
    double busy_s, wait_s, idle_s;  /* idle = threads x streaming wall - busy */
    double load_s;                  /* busy_s / threads: the stage's time on its threads */
} rc_pipe_totals;

void rc_report_init(rc_report *r, int keep_events);
void rc_report_free(rc_report *r);
/* Registers a track (named thread or CUDA stream) and returns its number; pipe says which
 * pipeline stage the thread runs (RC_PIPE_NONE for a CUDA stream).  rc_report_bind makes the
 * calling thread's later rc_report_interval calls land on track t.  Track 0 ("main") exists
 * from rc_report_init on. */
int rc_report_track(rc_report *r, const char *name, rc_pipe_stage pipe);
void rc_report_bind(int track);
/* Records one interval of a stage (begin/end from rc_now_s) on the calling thread's track. */
void rc_report_interval(rc_report *r, rc_timed_stage s, int64_t episode, double begin, double end,
                        uint64_t bytes_in, uint64_t bytes_out, int64_t items);
/* A trace slice on track `track` only (no stage totals): CUDA stream activity. */
void rc_report_slice(rc_report *r, int track, rc_timed_stage s, int64_t episode, double begin,
                     double end);
/* Adds to the calling thread's track: seconds spent working, seconds spent waiting. */
void rc_report_busy(rc_report *r, double busy_s, double wait_s);
/* Totals of pipeline stage p over its threads (streaming wall from stream_wall_s). */
rc_pipe_totals rc_report_pipe(const rc_report *r, rc_pipe_stage p);
/* The pipeline stage with the largest load_s (RC_PIPE_READER when none ran). */
rc_pipe_stage rc_report_slowest(const rc_report *r);
rc_status rc_report_add_skipped(rc_report *r, const char *file, const char *episode,
                                const char *reason, rc_err *err);
/* Bytes the reader processes decoded (as the ops get them), all read paths together: the
 * "raw input" of the GB/s figures; path_bytes[0] of it went the direct path. */
uint64_t rc_report_decoded_bytes(const rc_report *r);
/* Overlap efficiency of the streaming part: (sum over the pipeline stages that ran of load_s) /
 * (those stages x streaming wall).  1.0 when every stage was busy all the time; a sequential
 * run of k equal stages gives 1/k. */
double rc_report_overlap_efficiency(const rc_report *r);
/* "read", "resample", ...; "reader", "compute", ...: the names the report and trace use. */
const char *rc_timed_stage_name(rc_timed_stage s);
const char *rc_pipe_stage_name(rc_pipe_stage p);

#endif
