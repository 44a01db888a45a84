/* rc_task_int.h — module-private: the task object shared by rc_task.c (plan, names, output
 * folder, task manifest) and rc_resume.c (the --resume check). */
#ifndef RC_TASK_INT_H
#define RC_TASK_INT_H

#include "scale/rc_task.h"

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
};

/* Adds (file, id) to the kept set (unsorted until rc_task_sort_kept). */
rc_status rc_task_keep(rc_task *t, const char *file, const char *id, rc_err *err);
void rc_task_sort_kept(rc_task *t);

#endif
