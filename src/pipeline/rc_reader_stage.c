/* rc_reader_stage.c — the reader threads of the streaming pipeline: each owns one reader process
 * (rc_reader_pool_int.h).  They take the work list's items in turn, each with a free slot (so at
 * most --buffers episodes are in flight), have their process read the episode into the slot's
 * shared memory, and hand the slots to compute in run order whatever order the reads end in.
 * On CUDA the episode's arrays then move into the slot's page-locked buffer (reused episode
 * after episode), so the device copies from them run asynchronously.  A read failure stays in
 * the slot for the writer to handle in order; a stop request or a fatal error elsewhere ends
 * the walk.  With --readers 0 (no pool) each thread opens and reads the inputs itself. */
#include "config.h"

#include <string.h>

#include "common/rc_alloc.h"
#include "common/rc_clock.h"
#include "pipeline/rc_reader_pool_int.h"
#include "pipeline/rc_stream_int.h"

/* Bytes of one array in the slot buffer, rounded up so every array starts 64-byte aligned. */
static size_t padded(size_t n) { return (n + 63) / 64 * 64; }

/* Moves the arrays of slot->ep into the slot's host buffer (grown as needed), so the
 * backend's copies from them run asynchronously. */
static rc_status rc_slot_pin(rc_run *s, rc_slot *slot, rc_err *err)
{
    rc_status st = RC_OK;
    rc_episode *ep = &slot->ep;
    size_t need = 0;
    for (int k = 0; k < ep->n_streams; k++) {
        const rc_stream_data *sd = &ep->streams[k];
        size_t x_rows = !sd->x ? 0 : (size_t)(sd->kind == RC_STREAM_CLOUD ? sd->P : sd->S);
        need += padded((size_t)sd->S * 8) + padded(x_rows * (size_t)sd->D * 4);
        if (sd->offsets) need += padded(((size_t)sd->S + 1) * 8);
    }
    if (need > slot->host_cap) {
        rc_backend_host_free(s->backend, slot->host, slot->host_pinned);
        slot->host_cap = 0;
        slot->host = rc_backend_host_alloc(s->backend, need + need / 4, &slot->host_pinned);
        RC_FAIL_IF(!slot->host, err, RC_E_NOMEM, "out of memory for a %zu-byte episode buffer", need);
        slot->host_cap = need + need / 4;
    }
    uint8_t *at = slot->host;
    for (int k = 0; k < ep->n_streams; k++) {
        rc_stream_data *sd = &ep->streams[k];
        size_t x_rows = !sd->x ? 0 : (size_t)(sd->kind == RC_STREAM_CLOUD ? sd->P : sd->S);
        size_t nt = (size_t)sd->S * 8, nx = x_rows * (size_t)sd->D * 4;
        memcpy(at, sd->t_ns, nt);
        if (!slot->ep_in_shm) rc_free(sd->t_ns);
        sd->t_ns = (int64_t *)at;
        at += padded(nt);
        if (sd->x) { /* image frames (u8) never go to the device: they stay the episode's */
            memcpy(at, sd->x, nx);
            if (!slot->ep_in_shm) rc_free(sd->x);
            sd->x = (float *)at;
            at += padded(nx);
        }
        if (sd->offsets) {
            size_t no = ((size_t)sd->S + 1) * 8;
            memcpy(at, sd->offsets, no);
            if (!slot->ep_in_shm) rc_free(sd->offsets);
            sd->offsets = (int64_t *)at;
            at += padded(no);
        }
    }
    slot->ep_in_host = 1;
done:
    return st;
}

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
        if (slot->st == RC_OK && s->pin) slot->st = rc_slot_pin(s, slot, &slot->err);
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
