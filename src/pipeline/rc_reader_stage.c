/* rc_reader_stage.c — the reader thread of the streaming pipeline: walks the work list in run
 * order, takes a free slot for each episode (so at most --buffers episodes are in flight) and
 * reads the episode into it.  A read failure stays in the slot for the writer to handle in
 * order; a stop request or a fatal error elsewhere ends the walk. */
#include "config.h"

#include "pipeline/rc_stream.h"

#include "pipeline/rc_trace_range.h"

void *rc_reader_stage(void *arg)
{
    rc_run *s = arg;
    rc_reader *r = NULL;
    size_t open_file = (size_t)-1;
    rc_report_bind(rc_report_track(s->rep, "reader", RC_PIPE_READER));
    for (int64_t i = 0; i < s->n_items; i++) {
        if ((s->o->stop && *s->o->stop) || atomic_load(&s->abort)) break;
        double waited;
        rc_slot *slot = rc_stage_queue_pop(&s->free_q, &waited);
        if (!slot) break;
        double t0 = rc_now_s();
        const rc_work_item *w = &s->items[i];
        slot->item = i;
        rc_err_clear(&slot->err);
        rc_trace_range_push("read", i);
        if (w->file != open_file) {
            rc_reader_close(r);
            r = NULL;
            open_file = (size_t)-1;
            slot->st = rc_reader_open(s->files[w->file], &r, &slot->err);
            if (slot->st == RC_OK) open_file = w->file;
        }
        if (slot->st == RC_OK)
            slot->st = rc_reader_read_episode(r, w->episode, &s->layout, s->names, s->n_names, &slot->ep,
                                              &slot->err);
        double t1 = rc_now_s();
        rc_trace_range_pop();
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
