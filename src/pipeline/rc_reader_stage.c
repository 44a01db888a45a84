/* rc_reader_stage.c — the reader thread of the streaming pipeline: walks the work list in run
 * order, takes a free slot for each episode (so at most --buffers episodes are in flight) and
 * reads the episode into it; on CUDA the episode's arrays then move into the slot's page-locked
 * buffer (reused episode after episode), so the device copies from them run asynchronously.  A read failure stays in the slot for the writer to handle in
 * order; a stop request or a fatal error elsewhere ends the walk. */
#include "config.h"

#include <string.h>

#include "common/rc_alloc.h"
#include "common/rc_clock.h"
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
        rc_free(sd->t_ns);
        sd->t_ns = (int64_t *)at;
        at += padded(nt);
        if (sd->x) { /* image frames (u8) never go to the device: they stay the episode's */
            memcpy(at, sd->x, nx);
            rc_free(sd->x);
            sd->x = (float *)at;
            at += padded(nx);
        }
        if (sd->offsets) {
            size_t no = ((size_t)sd->S + 1) * 8;
            memcpy(at, sd->offsets, no);
            rc_free(sd->offsets);
            sd->offsets = (int64_t *)at;
            at += padded(no);
        }
    }
    slot->ep_in_host = 1;
done:
    return st;
}

void *rc_reader_stage(void *arg)
{
    rc_run *s = arg;
    rc_reader *r = NULL;
    size_t open_file = (size_t)-1;
    rc_report_bind(rc_report_track(s->rep, "reader", RC_PIPE_READER));
    rc_reader_thread_quiet();
    for (int64_t i = 0; i < s->n_items; i++) {
        if ((s->o->stop && *s->o->stop) || atomic_load(&s->abort)) break;
        double waited;
        rc_slot *slot = rc_stage_queue_pop(&s->free_q, &waited);
        if (!slot) break;
        double t0 = rc_now_s();
        const rc_work_item *w = &s->items[i];
        slot->item = i;
        slot->st = RC_OK;
        rc_err_clear(&slot->err);
        rc_backend_range_push("read", i);
        if (w->why) /* a record of a skip, nothing to read: the writer makes it */
            slot->st = RC_E_INPUT;
        else if (w->file != open_file) {
            rc_reader_close(r);
            r = NULL;
            open_file = (size_t)-1;
            slot->st = rc_reader_open_layout(s->files[w->file], &s->layout, s->spec->layout_rate_hz,
                                             s->spec->filter_key, &r, &slot->err);
            if (slot->st == RC_OK) open_file = w->file;
        }
        if (slot->st == RC_OK)
            slot->st = rc_reader_read_episode(r, w->episode, &s->layout, s->names, s->n_names, &slot->ep,
                                              &slot->err);
        if (slot->st == RC_OK) slot->st = rc_convert_prepare(s->spec, &slot->ep, &slot->err);
        if (slot->st == RC_OK && s->pin) slot->st = rc_slot_pin(s, slot, &slot->err);
        double t1 = rc_now_s();
        rc_backend_range_pop();
        if (slot->st == RC_OK) {
            for (int k = 0; k < slot->ep.n_streams; k++) slot->bytes_in += slot->ep.streams[k].bytes_read;
            rc_report_interval(s->rep, RC_TIMED_READ, i, t0, t1, slot->bytes_in, 0, 1);
        }
        rc_report_busy(s->rep, t1 - t0, waited);
        if (rc_stage_queue_push(&s->read_q, slot, &waited) != 0) break;
        rc_report_busy(s->rep, 0, waited);
    }
    rc_reader_close(r);
    rc_stage_queue_close(&s->read_q);
    return NULL;
}
