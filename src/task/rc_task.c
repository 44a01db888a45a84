/* rc_task.c — the task object of a run (rc_task.h): opening it (the partition is in
 * rc_partition.c) and what the run converts: its part of the episodes less those kept by
 * --resume (rc_resume.c).  Names: rc_task_names.c; output folder: rc_task_output.c; the task
 * manifest's section and state file: rc_task_state.c. */
#include "config.h"
#include "task/rc_task_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"

void rc_task_free(rc_task *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n_units; i++) rc_free(t->units[i].id);
    for (size_t i = 0; i < t->n_kept; i++) {
        rc_free(t->kept[i].file);
        rc_free(t->kept[i].id);
    }
    rc_free(t->units);
    rc_free(t->file_wanted);
    rc_free(t->kept);
    rc_free(t->train_pick);
    rc_free(t);
}

rc_status rc_task_open(const rc_task_id *id, const char *input_dir, char **files, size_t n_files,
                       const rc_layout *layout, double rate_hz, const char *filter_key, rc_task **out,
                       rc_err *err)
{
    rc_status st = RC_OK;
    rc_task *t = rc_calloc(1, sizeof *t);
    RC_FAIL_IF(!t, err, RC_E_NOMEM, "out of memory");
    t->id = *id;
    t->files = files;
    t->n_files = n_files;
    t->input_dir = input_dir;
    t->layout = layout;
    t->rate_hz = rate_hz;
    t->filter_key = filter_key;
    if (id->count > 0) {
        t->file_wanted = rc_calloc(n_files + 1, 1);
        RC_FAIL_IF(!t->file_wanted, err, RC_E_NOMEM, "out of memory");
        RC_TRY(rc_task_plan(t, err));
        for (size_t i = 0; i < t->n_units; i++)
            if (t->units[i].task == id->index) {
                t->file_wanted[t->units[i].file] = 1;
                t->n_assigned++;
            }
        rc_log(RC_LOG_INFO, "task %d of %d (from %s): %lld of %zu episodes", id->index, id->count, id->source,
               (long long)t->n_assigned, t->n_units);
    }
    *out = t;
    t = NULL;
done:
    rc_task_free(t);
    return st;
}


/* ---- what the run converts ---- */

static int cmp_kept(const void *a, const void *b)
{
    const kept_episode *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : strcmp(x->id, y->id);
}

rc_status rc_task_keep(rc_task *t, const char *file, const char *id, rc_err *err)
{
    rc_status st = RC_OK;
    kept_episode *k = rc_realloc(t->kept, (t->n_kept + 1) * sizeof *k);
    RC_FAIL_IF(!k, err, RC_E_NOMEM, "out of memory");
    t->kept = k;
    k[t->n_kept].file = rc_strdup(file);
    k[t->n_kept].id = rc_strdup(id);
    t->n_kept++;
    RC_FAIL_IF(!k[t->n_kept - 1].file || !k[t->n_kept - 1].id, err, RC_E_NOMEM, "out of memory");
done:
    return st;
}

void rc_task_sort_kept(rc_task *t)
{
    if (t->n_kept) qsort(t->kept, t->n_kept, sizeof *t->kept, cmp_kept);
}

int rc_task_wants_file(const rc_task *t, size_t f)
{
    return t->id.count == 0 || t->file_wanted[f];
}

/* The unit of (f, id) by binary search over the input order, or NULL. */
static const plan_unit *find_unit(const rc_task *t, size_t f, const char *id)
{
    size_t lo = 0, hi = t->n_units;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const plan_unit *u = &t->units[mid];
        int c = u->file != f ? (u->file < f ? -1 : 1) : !u->id ? -1 : strcmp(u->id, id);
        if (c == 0) return u;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

int rc_task_wants_episode(const rc_task *t, size_t f, const char *id)
{
    if (t->id.count > 0) {
        const plan_unit *u = find_unit(t, f, id);
        /* An episode the planner did not see (the file changed since) belongs to the file's
         * first unit's task, so exactly one task takes it. */
        if (!u) {
            for (size_t i = 0; i < t->n_units && !u; i++)
                if (t->units[i].file == f) u = &t->units[i];
        }
        if (!u || u->task != t->id.index) return 0;
    }
    if (t->n_kept) {
        kept_episode key = {t->files[f], (char *)id};
        if (bsearch(&key, t->kept, t->n_kept, sizeof *t->kept, cmp_kept)) return 0;
    }
    return 1;
}
