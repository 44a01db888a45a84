/* rc_reader_stage.c — the reader threads of the streaming pipeline: each owns one reader process
 * (rc_reader_pool_int.h).  They take the work list's items in turn, each with a free slot (so at
 * most --buffers episodes are in flight), have their process read the episode into the slot's
 * shared memory, and hand the slots to compute in run order whatever order the reads end in.
 * The episode's arrays stay where the process wrote them: on CUDA that shared memory is itself
 * page-locked (rc_reader_pool.c), so the device copies read it in place.  A read failure stays in
 * the slot for the writer to handle in order; a stop request or a fatal error elsewhere ends
 * the walk.  With --readers 0 (no pool) each thread opens and reads the inputs itself, into its
 * own memory, which the device copies read unpinned. */
#include "config.h"

#include <stdio.h>

#include "common/rc_common.h"
#include "pipeline/rc_reader_pool_int.h"
#include "pipeline/rc_stream_int.h"

/* --readers 0: reads item i into slot in this thread, the file kept open (*r, *open_file) for the
 * next item of the same file. */
static void read_here(rc_run *s, rc_reader **r, size_t *open_file, int64_t i, rc_slot *slot)
{
    const rc_work_item *w = &s->items[i];
    if (w->file != *open_file) {
        rc_reader_close(*r);
        *r = NULL;
        *open_file = (size_t)-1;
        slot->st = rc_reader_open_layout(s->files[w->file], &s->layout, s->spec->layout_rate_hz, s->spec->filter_key,
                                         r, &slot->err);
        if (slot->st != RC_OK) return;
        *open_file = w->file;
    }
    slot->st = rc_reader_read_episode(*r, w->episode, &s->layout, s->names, s->n_names, &slot->ep, &slot->err);
    if (slot->st != RC_OK && !slot->err.file[0]) rc_err_scope(&slot->err, s->files[w->file], s->ids[i], NULL);
}

/* Takes the next work item and a free slot for it, in run order; -1 when the walk ends. */
static int64_t take_item(rc_run *s, rc_slot **slot, double *waited)
{
    int64_t i = -1;
    *waited = 0;
    pthread_mutex_lock(&s->take_mu);
    if (s->read_next < s->n_items && !(s->o->stop && *s->o->stop) && !atomic_load(&s->abort)) {
        *slot = rc_stage_queue_pop(&s->free_q, waited);
        if (*slot) i = s->read_next++;
    }
    pthread_mutex_unlock(&s->take_mu);
    return i;
}

/* Hands the slot of item i to compute once every earlier item has gone; -1 when the queue closed. */
static int hand_on(rc_run *s, int64_t i, rc_slot *slot, double *waited)
{
    double t0 = rc_now_s();
    pthread_mutex_lock(&s->read_mu);
    while (s->read_pushed != i) pthread_cond_wait(&s->read_turn, &s->read_mu);
    int rc = rc_stage_queue_push(&s->read_q, slot, NULL);
    s->read_pushed++;
    pthread_cond_broadcast(&s->read_turn);
    pthread_mutex_unlock(&s->read_mu);
    *waited = rc_now_s() - t0;
    return rc;
}

void *rc_reader_stage(void *arg)
{
    rc_run *s = arg;
    int k = atomic_fetch_add(&s->next_reader, 1);
    char name[40];
    snprintf(name, sizeof name, "reader %d", k + 1);
    rc_report_bind(rc_report_track(s->rep, name, RC_PIPE_READER));
    rc_reader *here = NULL; /* --readers 0: the file this thread has open */
    size_t here_file = (size_t)-1;
    if (!s->pool) rc_reader_thread_quiet();
    for (;;) {
        double waited;
        rc_slot *slot = NULL;
        int64_t i = take_item(s, &slot, &waited);
        if (i < 0) break;
        double t0 = rc_now_s();
        const rc_work_item *w = &s->items[i];
        slot->item = i;
        slot->st = RC_OK;
        rc_err_clear(&slot->err);
        rc_backend_range_push("read", i);
        if (w->why) /* a record of a skip, nothing to read: the writer makes it */
            slot->st = RC_E_INPUT;
        else if (s->pool)
            rc_reader_pool_read(s->pool, k, i, slot);
        else
            read_here(s, &here, &here_file, i, slot);
        if (slot->st == RC_OK) slot->st = rc_convert_prepare(s->spec, &slot->ep, &slot->err);
        double t1 = rc_now_s();
        rc_backend_range_pop();
        if (slot->st == RC_OK) {
            for (int a = 0; a < slot->ep.n_streams; a++) slot->bytes_in += slot->ep.streams[a].bytes_read;
            rc_report_interval(s->rep, RC_TIMED_READ, i, t0, t1, slot->bytes_in, 0, 1);
        }
        rc_report_busy(s->rep, t1 - t0, waited);
        int closed = hand_on(s, i, slot, &waited) != 0;
        rc_report_busy(s->rep, 0, waited);
        if (closed) break;
    }
    rc_reader_close(here);
    if (atomic_fetch_sub(&s->readers_left, 1) == 1) rc_stage_queue_close(&s->read_q);
    return NULL;
}
