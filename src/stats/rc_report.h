/* rc_report.h — what a run measured: per-stage intervals (wall and busy seconds, bytes in and
 * out, items), per-thread busy time of the streaming pipeline (docs/SPEC.md §7: reader, compute,
 * compression workers, writer) with its overlap efficiency, the backend, skipped episodes.
 * pipeline/rc_report_write.c writes it as the --report JSON and the --trace Chrome trace-event
 * JSON; the CLI prints its one-screen summary.  Every recording function is safe to call from
 * several threads at once. */
#ifndef RC_REPORT_H
#define RC_REPORT_H

#include <pthread.h>
#include <stdint.h>

#include "common/rc_error.h"

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
    rc_reader_figures reader_figures[RC_REPORT_MAX_READERS];
    int n_paths;                /* dataset reads per path, summed over the reader processes */
    const char *path_names[RC_REPORT_MAX_PATHS]; /* [0] the direct path, then H5Dread's reasons */
    uint64_t path_reads[RC_REPORT_MAX_PATHS], path_bytes[RC_REPORT_MAX_PATHS];
    int slot_pins;              /* CUDA: slot shared memories page-locked (once per slot and growth) */
    int slot_pins_refused;      /* ... and the ones the driver refused (copied from pageable memory) */
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
