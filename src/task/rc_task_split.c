/* rc_task_split.c — the train/val split of a run's episodes: rc_split_of per episode, except
 * that when the input has two or more episodes and the rule would put every one in val, the one
 * with the largest value goes to train, so training never gets an empty split.  The exception is
 * decided over every episode of the input (all tasks' when sharded), before any is written, so
 * every task and a resumed run agree on it. */
#include "config.h"

#include <string.h>

#include "common/rc_common.h"
#include "reader/rc_reader.h"
#include "task/rc_task_int.h"

/* Considers id for the pick: counts it and keeps the largest value (ties: bytewise first id). */
typedef struct pick_state {
    int64_t n;
    int any_train;
    double best;
    char best_id[256];
} pick_state;

static void consider(pick_state *p, const char *id, uint64_t seed, double val_fraction)
{
    double v = rc_split_value(id, seed);
    p->n++;
    if (v >= val_fraction) p->any_train = 1;
    if (p->n == 1 || v > p->best || (v == p->best && strcmp(id, p->best_id) < 0)) {
        p->best = v;
        snprintf(p->best_id, sizeof p->best_id, "%s", id);
    }
}

rc_status rc_task_plan_split(rc_task *t, uint64_t seed, double val_fraction, rc_err *err)
{
    rc_status st = RC_OK;
    pick_state p = {0};
    rc_free(t->train_pick);
    t->train_pick = NULL;
    if (val_fraction <= 0) return RC_OK; /* every episode is train already */
    if (t->id.count > 0) { /* the plan listed every task's episodes */
        for (size_t i = 0; i < t->n_units; i++)
            if (t->units[i].id) consider(&p, t->units[i].id, seed, val_fraction);
    } else {
        rc_reader_lister *lister = NULL;
        RC_TRY(rc_reader_lister_open(t->layout, t->rate_hz, t->filter_key, 0, &lister, err));
        for (size_t f = 0; f < t->n_files; f++) {
            rc_file_episodes eps;
            if (rc_reader_list_episodes(lister, t->files[f], &eps, err) != RC_OK) {
                rc_err_clear(err); /* the run reports the file */
                continue;
            }
            for (int64_t i = 0; i < eps.n; i++) consider(&p, eps.ids[i], seed, val_fraction);
            rc_file_episodes_free(&eps);
        }
        rc_reader_lister_close(lister);
    }
    if (p.n >= 2 && !p.any_train) {
        t->train_pick = rc_strdup(p.best_id);
        RC_FAIL_IF(!t->train_pick, err, RC_E_NOMEM, "out of memory");
    }
done:
    return st;
}

const char *rc_task_split(const rc_task *t, const char *id, uint64_t seed, double val_fraction)
{
    if (t->train_pick && !strcmp(id, t->train_pick)) return "train";
    return rc_split_of(id, seed, val_fraction);
}
