/* rc_task.h — the public header of src/task: the tasks of a run (selection, partition, file
 * names, the output folder, --resume) and merge-manifests. */
#ifndef RC_TASK_H
#define RC_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_common.h"
#include "spec/rc_spec.h"
#include "stats/rc_stats.h"
#include "writer/rc_writer.h"

/* rc_task — one task of a sharded run (docs/SPEC.md §8, docs/SLURM.md): which task it is
 * (--shard I/N or the Slurm environment), the deterministic partition of the input episodes
 * balanced by stored size, the task's file names (it never touches another task's files), the
 * --resume check of shards already written, and the task manifest's extra state.
 *
 * An unsharded run is a task too (count 0): it keeps the plain names shard-NNNNN.h5 and
 * manifest.json and wants every episode. */
#define RC_TASK_MAX 9999 /* names carry the task index in 4 digits */

/* Which task of how many; count 0 means not sharded. */
typedef struct rc_task_id {
    int index, count;
    char source[48]; /* where it came from: "--shard", "SLURM_ARRAY_TASK_ID", "SLURM_PROCID", "" */
} rc_task_id;

typedef const char *(*rc_getenv_fn)(const char *name);

/* From shard_arg "I/N" when not NULL; else SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT (or
 * SLURM_ARRAY_TASK_MIN/MAX, and SLURM_ARRAY_TASK_STEP), else SLURM_PROCID with SLURM_NTASKS
 * inside a job step (SLURM_STEP_ID set: srun); else not sharded.  A count of 1 from the environment is not sharded (a plain Slurm job);
 * "--shard 0/1" is.  RC_E_USAGE naming the option or variable when a value is malformed or
 * out of range. */
rc_status rc_task_id_select(const char *shard_arg, rc_getenv_fn getenv_fn, rc_task_id *out, rc_err *err);

typedef struct rc_task rc_task;

/* Lists the episodes of files[n_files] (input order) and, when sharded, assigns them to the
 * tasks: episodes sorted by (stored bytes descending, input order), each given to the task with
 * the fewest bytes so far (ties: lowest index).  Episodes sharing an id go with the first one;
 * a file whose episodes cannot be listed is one unit of 0 bytes.  Files are opened as the run
 * opens them (layout, rate_hz, filter_key: rc_reader_open_layout).  files and layout must outlive
 * the task. */
rc_status rc_task_open(const rc_task_id *id, const char *input_dir, char **files, size_t n_files,
                       const rc_layout *layout, double rate_hz, const char *filter_key, rc_task **out,
                       rc_err *err);
void rc_task_free(rc_task *t); /* accepts NULL */
/* The output format: shards are named .zarr (folders) for zarr, .h5 otherwise (the default). */
void rc_task_set_format(rc_task *t, rc_out_format format);

/* Whether the run should open file f / convert episode id of file f: in this task's part and
 * not already in a shard kept by rc_task_resume. */
int rc_task_wants_file(const rc_task *t, size_t f);
int rc_task_wants_episode(const rc_task *t, size_t f, const char *id);

/* Decides the split's exception over every input episode (rc_task_split.c): with two or more
 * episodes that rc_split_of would all put in val, the one with the largest value goes to train.
 * Call before rc_task_resume. */
rc_status rc_task_plan_split(rc_task *t, uint64_t seed, double val_fraction, rc_err *err);
/* The split of episode id: rc_split_of, or "train" for the episode rc_task_plan_split picked. */
const char *rc_task_split(const rc_task *t, const char *id, uint64_t seed, double val_fraction);

/* Names inside the output folder: shard k, the manifest. */
void rc_task_shard_name(const rc_task *t, int64_t k, char *buf, size_t n);
void rc_task_manifest_name(const rc_task *t, char *buf, size_t n);

/* Makes the output folder ready: creates it; this task's earlier files (shards, manifest, task
 * state, and leftover temporary files) are refused (RC_E_USAGE) unless force is set, then
 * removed -- except the shards rc_task_resume kept. */
rc_status rc_task_prepare_output(const rc_task *t, const char *output_dir, int force, rc_err *err);

/* The output folder's lock (rc_task_lock.c): an exclusive flock on a lock file in the folder,
 * held for the whole run, with the holder's pid in it.  An unsharded run locks .robocache.lock;
 * task I of N of a sharded run locks .robocache-tIIII-of-NNNN.lock, so the tasks of one run
 * write side by side while a second run of the same task is refused. */
typedef struct rc_task_lock {
    int fd;             /* -1: not held */
    int created_dir;    /* the folder did not exist before the run */
    char path[4200];    /* the lock file */
    char dir[4096];
} rc_task_lock;

/* Creates the output folder when missing and takes its lock.  RC_E_IO naming the folder and the
 * holder's pid when another run holds it.  A folder where no file can be created (read-only)
 * is not locked: no other run can write there either, and the run fails on its first file. */
rc_status rc_task_lock_take(const rc_task *t, const char *output_dir, rc_task_lock *lk, rc_err *err);
/* Removes the lock file and lets the lock go; after a failed run (failed != 0) also removes
 * the folder when the run created it and left it empty.  Accepts a lock never taken (fd -1). */
void rc_task_lock_release(rc_task_lock *lk, int failed);

/* --resume: keeps the longest run shard 0, 1, ... of this task's shards that exist under their
 * final names and pass the inspect check (same spec and input list digests, every episode's
 * content digest recomputed from the decoded data equal to the recorded one).  Adds the kept
 * shards, their episodes and their statistics (recomputed from the shards) to m and rs;
 * *n_kept = how many.  Everything else of this task is then removed by prepare_output. */
rc_status rc_task_resume(rc_task *t, const rc_spec *sp, const char *output_dir, const char *spec_hex,
                         const char *inputs_hex, rc_manifest *m, rc_run_stats *rs, int64_t *n_kept,
                         rc_err *err);

/* A sharded task: writes the exact statistics state beside the manifest and makes m carry the
 * "task" section (docs/FORMAT.md).  Nothing for an unsharded run.  t must outlive the
 * manifest's writing. */
rc_status rc_task_finish(rc_task *t, const char *output_dir, rc_manifest *m, rc_run_stats *rs, rc_err *err);

/* rc_merge — `merge-manifests OUTPUT_DIR`: joins the task manifests of a sharded run into
 * manifest.json, as one task would have written it (same episodes in input order, same digests,
 * statistics combined exactly from the tasks' states); shards keep their task names. */
typedef struct rc_merge_result {
    int tasks;
    int64_t episodes, shards, skipped;
} rc_merge_result;

/* Reads every manifest-tIIII-of-NNNN.json of output_dir and writes output_dir/manifest.json
 * (temporary name, fsync, rename).  Refused with RC_E_IO, naming what is wrong, when a task is
 * missing, the tasks disagree (task count, spec, plan, outputs), an episode is listed twice or
 * not at all, a listed shard or state file is missing or altered. */
rc_status rc_merge_manifests(const char *output_dir, rc_merge_result *res, rc_err *err);

#endif
