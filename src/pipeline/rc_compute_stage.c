/* rc_compute_stage.c — the compute thread of the streaming pipeline: takes read episodes in
 * run order, batches the ones already waiting (small episodes share one fuse launch, up to
 * RC_BATCH_ROWS grid steps), runs the stages on the backend, cuts every output into chunk
 * tasks for the compression workers and hands the slot to the writer.  The backend is used by
 * this thread only. */
#include "config.h"

#include <omp.h>
#include <string.h>

#include "common/rc_common.h"
#include "pipeline/rc_stream_int.h"

/* A batch grows while episodes are waiting and its fuse jobs hold fewer grid steps than this. */
#define RC_BATCH_ROWS ((int64_t)1 << 20)

/* Plans slot's fuse jobs; a failure stays in the slot. */
static void plan_one(rc_run *s, rc_slot *slot, rc_fuse_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    if (slot->st != RC_OK) return;
    if (atomic_load(&s->abort)) {
        slot->st = RC_E_INTERRUPTED; /* never written: the run already failed */
        return;
    }
    rc_err_scope(&slot->err, slot->ep.file, slot->ep.id, "%s", slot->ep.group);
    slot->st = rc_convert_plan(s->spec, &slot->ep, &slot->out, plan, &slot->err);
}

/* Runs the fuse jobs of every planned slot of the batch in one backend call. */
static void fuse_batch(rc_run *s, rc_slot **batch, rc_fuse_plan *plans, int n)
{
    int n_jobs = 0, first = -1;
    uint64_t bytes_in = 0, bytes_out = 0;
    int64_t rows = 0;
    rc_fuse_job *jobs = NULL;
    for (int k = 0; k < n; k++) n_jobs += batch[k]->st == RC_OK ? plans[k].n_jobs : 0;
    if (n_jobs == 0) return;
    jobs = rc_calloc((size_t)n_jobs, sizeof *jobs);
    rc_err err;
    rc_err_clear(&err);
    rc_status st = RC_OK;
    if (!jobs) st = rc_err_set(&err, RC_E_NOMEM, __FILE__, __LINE__, "out of memory for %d fuse jobs", n_jobs);
    n_jobs = 0;
    for (int k = 0; jobs && k < n; k++) {
        if (batch[k]->st != RC_OK || plans[k].n_jobs == 0) continue;
        if (first < 0) first = k;
        memcpy(jobs + n_jobs, plans[k].jobs, (size_t)plans[k].n_jobs * sizeof *jobs);
        n_jobs += plans[k].n_jobs;
        bytes_in += plans[k].bytes_in;
        bytes_out += plans[k].bytes_out;
        rows += plans[k].T * plans[k].n_jobs;
    }
    if (st == RC_OK) {
        rc_err_scope(&err, batch[first]->ep.file, batch[first]->ep.id, "%s", batch[first]->ep.group);
        double t0 = rc_now_s(), iv[3][2];
        st = rc_backend_fuse(s->backend, jobs, n_jobs, &err);
        if (st == RC_OK) rc_report_interval(s->rep, RC_TIMED_RESAMPLE, batch[first]->item, t0, rc_now_s(),
                                            bytes_in, bytes_out, rows);
        if (st == RC_OK && s->pin && rc_backend_fuse_timing(s->backend, iv))
            for (int k = 0; k < 3; k++) /* the device's side of the call, one track per stream */
                rc_report_slice(s->rep, s->cuda_tracks[k], RC_TIMED_RESAMPLE, batch[first]->item,
                                t0 + iv[k][0], t0 + iv[k][1]);
    }
    for (int k = 0; st != RC_OK && k < n; k++) {
        if (batch[k]->st != RC_OK || plans[k].n_jobs == 0) continue;
        batch[k]->st = st;
        batch[k]->err = err;
    }
    rc_free(jobs);
}

void *rc_compute_stage(void *arg)
{
    rc_run *s = arg;
    rc_slot **batch = rc_calloc((size_t)s->n_slots, sizeof *batch);
    rc_fuse_plan *plans = rc_calloc((size_t)s->n_slots, sizeof *plans);
    rc_report_bind(rc_report_track(s->rep, "compute", RC_PIPE_COMPUTE));
    /* OpenMP's thread count is per calling thread: the CPU backend runs here, not where
     * rc_backend_open set it */
    if (s->o->threads > 0) omp_set_num_threads(s->o->threads);
    if (s->pin) {
        s->cuda_tracks[0] = rc_report_track(s->rep, "cuda copy in", RC_PIPE_NONE);
        s->cuda_tracks[1] = rc_report_track(s->rep, "cuda kernels", RC_PIPE_NONE);
        s->cuda_tracks[2] = rc_report_track(s->rep, "cuda copy out", RC_PIPE_NONE);
    }
    for (;;) {
        double waited;
        rc_slot *slot = rc_stage_queue_pop(&s->read_q, &waited);
        if (!slot) break;
        double t0 = rc_now_s();
        int n = 0;
        int64_t rows = 0;
        while (slot) {
            if (!batch || !plans) { /* no room to batch: the episode fails, the run stops */
                slot->st = rc_err_set(&slot->err, RC_E_NOMEM, __FILE__, __LINE__, "out of memory for a batch");
                rc_stage_queue_push(&s->write_q, slot, NULL);
                break;
            }
            batch[n] = slot;
            plan_one(s, slot, &plans[n]);
            rows += plans[n].T * plans[n].n_jobs;
            n++;
            if (n == s->n_slots || rows >= RC_BATCH_ROWS) break;
            slot = rc_stage_queue_try_pop(&s->read_q);
        }
        rc_backend_range_push("compute", n ? batch[0]->item : -1);
        fuse_batch(s, batch, plans, n);
        for (int k = 0; k < n; k++) {
            rc_slot *sl = batch[k];
            if (sl->st == RC_OK)
                sl->st = rc_convert_finish(s->spec, s->backend, &sl->ep, sl->item, s->rep, &sl->out, &plans[k],
                                           &sl->keep, &s->vox_scratch, &sl->err);
            else
                rc_fuse_plan_free(&plans[k]);
            if (sl->st == RC_OK && s->o->timestamps) /* --report: as scan gives them */
                sl->st = rc_scan_episode_figures(s->spec, &sl->ep, 0, &sl->fig, &sl->err);
            if (sl->st == RC_OK) sl->st = rc_slot_plan(sl, &sl->err);
        }
        rc_backend_range_pop();
        double t1 = rc_now_s();
        rc_report_busy(s->rep, t1 - t0, waited);
        for (int k = 0; k < n; k++) {
            rc_slot *sl = batch[k];
            int64_t n_tasks = sl->st == RC_OK ? sl->n_tasks : 0;
            rc_stage_queue_push(&s->write_q, sl, NULL); /* never full: it holds every slot */
            for (int64_t t = 0; t < n_tasks; t++) {
                rc_stage_queue_push(&s->task_q, &sl->tasks[t], &waited);
                rc_report_busy(s->rep, 0, waited);
            }
        }
    }
    rc_stage_queue_close(&s->write_q);
    rc_stage_queue_close(&s->task_q);
    rc_free(batch);
    rc_free(plans);
    return NULL;
}
