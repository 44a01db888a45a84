/* rc_stream_int.h — the streaming pipeline's shared state (docs/SPEC.md §7), private to
 * src/pipeline: the run-order list of work items, the episode slots ("buffers") that travel
 * reader -> compute -> compression workers -> writer, and the queues between the threads.
 *
 *   reader thread   takes a free slot, reads the next work item's episode into it
 *   compute thread  runs the stages on the backend, cuts the outputs into chunk tasks
 *   compress pool   encodes JPEG frames, compresses chunks (and digests datasets) in any order,
 *                   in parallel
 *   writer (caller) takes slots in run order, waits for their chunks, writes them with
 *                   H5Dwrite_chunk, rolls shards over, and frees the slot for the reader
 *
 * Only the writer touches shards, the manifest and the statistics, always in run order, so the
 * output bytes do not depend on thread timing, the worker count or the buffer count.  An
 * episode's failure travels in its slot and is handled by the writer in run order (on_error);
 * a fatal one sets `abort`, after which every stage only passes slots on until the queues end. */
#ifndef RC_STREAM_H
#define RC_STREAM_H

#include <pthread.h>
#include <stdatomic.h>

#include "backend/rc_backend.h"
#include "convert/rc_convert.h"
#include "pipeline/rc_pipeline.h"
#include "pipeline/rc_progress_int.h"
#include "pipeline/rc_stage_queue_int.h"
#include "reader/rc_reader.h"
#include "stats/rc_stats.h"
#include "task/rc_task.h"
#include "spec/rc_spec.h"
#include "writer/rc_writer.h"

/* One input episode to convert: file index and episode index in that file.  With `why` set it
 * is not converted: on_error: skip left it (or, episode -1, the whole file) out for that
 * reason, and the writer records it in run order. */
typedef struct rc_work_item {
    size_t file;
    int64_t episode;
    char *why;
} rc_work_item;

/* One output dataset of a slot, compressed: chunk c is z[c] (z_n[c] bytes). */
typedef struct rc_out_z {
    uint64_t n_chunks;
    void **z;
    size_t *z_n;
    uint8_t sha[32];     /* SHA-256 of the decoded bytes (rc_digest_int.h) */
} rc_out_z;

struct rc_slot;
/* A compression worker's unit: chunk `chunk` of output `out`, or (chunk = -1) its digest; or,
 * with job >= 0, encode unit `chunk` of the slot's JPEG job `job` (out unused).  The tasks of an
 * output a JPEG job fills wait until the job is finished; the job's units are queued before
 * them, so the wait always ends. */
typedef struct rc_chunk_task {
    struct rc_slot *slot;
    int out;
    int job;
    int64_t chunk;
} rc_chunk_task;

/* One episode in flight: everything the stages make of it, freed when the writer is done. */
typedef struct rc_slot {
    int64_t item;                /* index in the work list: the run-order episode number */
    rc_status st;                /* the read or compute failure of this episode */
    rc_err err;
    rc_episode ep;
    rc_episode_outputs out;
    rc_out_keep keep;            /* out's buffers left for the slot's next episode */
    rc_out_z *z;                 /* [out.n] */
    rc_chunk_task *tasks;
    int64_t n_tasks;
    uint64_t bytes_in, raw_bytes;
    rc_scan_episode fig;         /* the episode's timestamp figures when the run keeps them */
    void *shm;                   /* the slot's shared memory (a memfd) that reader processes fill,
                                    kept from episode to episode and grown only when one needs more */
    size_t shm_cap;
    int shm_fd;                  /* valid when shm_cap > 0 */
    int shm_pinned;              /* shm is page-locked for the device's copies (CUDA) */
    int ep_in_shm;               /* ep's arrays point into shm (not owned by ep) */
    pthread_mutex_t mu;          /* guards the four fields below */
    pthread_cond_t done;         /* broadcast when tasks_left or a jpeg_left changes */
    int64_t tasks_left;
    int64_t *jpeg_left;          /* [out.n_jpeg] encode units still running; -1: the job is finished */
    rc_status task_st;           /* the first compression failure */
    rc_err task_err;
} rc_slot;

typedef struct rc_run {
    const rc_run_opts *o;
    rc_report *rep;
    rc_spec *spec;
    rc_layout layout;
    rc_backend *backend;
    char **files;
    size_t n_files;
    const char **names;          /* streams the stages read, each once */
    int n_names;
    rc_work_item *items;         /* in run order */
    int64_t n_items, cap_items;
    char **ids;                  /* [n_items] episode ids, for the duplicate check */
    rc_slot *slots;
    int n_slots;
    rc_out_keep vox_scratch;     /* the voxelize result buffers, the compute thread's only */
    rc_stage_queue free_q, read_q, write_q, task_q;
    atomic_int abort;            /* a fatal error: stages stop working and drain */
    atomic_int next_worker;      /* numbers the compression workers' tracks */
    int pin;                     /* the slots' shared memory is page-locked (CUDA) */
    struct rc_reader_pool *pool; /* the reader processes (rc_reader_pool_int.h) */
    int n_readers;               /* reader threads, one per reader process */
    atomic_int next_reader;      /* numbers the reader threads */
    atomic_int readers_left;     /* the last reader thread to end closes read_q */
    pthread_mutex_t take_mu;     /* guards read_next: reader threads take items (and slots) in turn */
    int64_t read_next;           /* the next work item a reader thread takes */
    pthread_mutex_t read_mu;     /* guards read_pushed */
    pthread_cond_t read_turn;
    int64_t read_pushed;         /* items handed to compute: they go in run order */
    int cuda_tracks[3];          /* trace tracks of the copy-in, kernel and copy-out streams */
    /* the writer's */
    rc_manifest *manifest;
    rc_run_stats *stats;         /* run totals per output and split, NULL when stats are off */
    rc_task *task;               /* this run's part of the episodes and its file names */
    rc_shard *shard;             /* being written */
    char shard_name[64];
    int64_t shard_episodes;
    char **committed;            /* shard paths committed by this run */
    int64_t n_committed;
    char spec_hex[65], inputs_hex[65];
    char backend_attr[192];      /* every shard's backend attribute */
    char output_dir[RC_PATH_MAX];
    rc_progress progress;
} rc_run;

/* The thread bodies (arg: rc_run *); each registers its own report track. */
void *rc_reader_stage(void *arg);
void *rc_compute_stage(void *arg);
void *rc_compress_worker(void *arg);
/* The writer, run by the caller's thread until the write queue ends; the first fatal error. */
rc_status rc_write_stage(rc_run *s, rc_err *err);

/* Commits the shard being written and records it (writer; also the run's last shard). */
rc_status rc_commit_shard(rc_run *s, rc_err *err);
/* Frees what a slot holds (episode, outputs, chunks, tasks) and resets it for reuse; the
 * shared memory stays. */
void rc_slot_clear(rc_slot *slot, const rc_spec *spec);
/* Builds the slot's chunk and digest tasks from its outputs (tasks_left = their count). */
rc_status rc_slot_plan(rc_slot *slot, rc_err *err);
/* stats: {quantiles: exact}: estimates the memory of the exact statistics of the listed work and
 * refuses the run (RC_E_SPEC, exit 1, naming the estimate) when it is over the memory budget (rc_budget_bytes). */
rc_status rc_exact_stats_check(rc_run *s, rc_err *err);

/* rc_interrupt.c: ends a run stopped by a signal: removes the shard being written, keeps the
 * committed ones and writes the manifest of what they hold, marked incomplete. */
rc_status rc_interrupted_finish(rc_run *s, rc_err *err);
/* rc_run_paths.c: before any output, the folder rules of docs/RELIABILITY.md: the output folder
 * not the input folder, --report and --trace in a writable folder outside the output. */
rc_status rc_check_run_paths(const rc_run *s, rc_err *err);
/* rc_run_paths.c: leaves the files inside the output folder out of the input listing when the
 * output folder lies inside the input folder; RC_E_INPUT when no input file is left. */
rc_status rc_exclude_output(rc_run *s, rc_err *err);

#endif
