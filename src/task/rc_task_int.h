/* rc_task_int.h — module-private: the task object shared by rc_task.c, the partition
 * (rc_partition.c), names (rc_task_names.c), output folder (rc_task_output.c), task manifest
 * (rc_task_state.c) and the --resume check (rc_resume.c). */
#ifndef RC_TASK_INT_H
#define RC_TASK_INT_H

#include "task/rc_task.h"

/* One unit of the partition: an episode id of a file, or a whole file that could not be listed
 * (id NULL). */
typedef struct plan_unit {
    size_t file;
    char *id;          /* owned; NULL: the whole file */
    uint64_t bytes;    /* stored bytes of the episode's datasets */
    int task;
} plan_unit;

/* An episode already in a kept shard (--resume). */
typedef struct kept_episode {
    char *file, *id;   /* owned */
} kept_episode;

struct rc_task {
    rc_task_id id;
    char **files;                /* [n_files] the input listing, borrowed */
    size_t n_files;
    const char *input_dir;       /* borrowed */
    const rc_layout *layout;     /* borrowed: how input files are opened */
    double rate_hz;              /* spec input.rate_hz (0: the layout's) */
    const char *filter_key;      /* borrowed: spec input.filter_key */
    plan_unit *units;            /* [n_units] input order: by file, then id bytewise */
    size_t n_units;
    unsigned char *file_wanted;  /* [n_files] some unit of the file is this task's */
    char plan_hex[65];
    int64_t n_assigned;          /* units of this task */
    kept_episode *kept;          /* [n_kept] sorted by (file, id) */
    size_t n_kept;
    int64_t n_kept_shards;
    int resuming;                /* rc_task_resume ran: earlier files are replaced, not refused */
    char stats_name[64], stats_hex[65]; /* the state file written by rc_task_finish */
    char *train_pick;            /* owned: the episode the split sends to train (rc_task_split.c) */
    char shard_ext[8];           /* ".h5", or ".zarr" for output.format zarr (rc_task_set_format) */
};

/* Adds (file, id) to the kept set (unsorted until rc_task_sort_kept). */
rc_status rc_task_keep(rc_task *t, const char *file, const char *id, rc_err *err);
void rc_task_sort_kept(rc_task *t);

/* Lists every episode of t's files with its stored bytes into t->units (input order),
 * assigns each to a task and computes t->plan_hex. */
rc_status rc_task_plan(rc_task *t, rc_err *err);

/* The statistics state file's name: stats-tIIII-of-NNNN.bin. */
void rc_task_state_name(const rc_task *t, char *buf, size_t n);
/* 1 when name is one of t's final files, 2 when it is a temporary file of one
 * (FINAL.tmp.PID), else 0. */
int rc_task_owns_file(const rc_task *t, const char *name);
/* Whether name is shard K of t with K below the kept count. */
int rc_task_is_kept_shard(const rc_task *t, const char *name);

#endif
