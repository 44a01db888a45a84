/* rc_report.c — accumulates stage intervals and per-thread busy time under one mutex, from
 * every pipeline thread, and derives the per-stage totals the report's writers show. */
#include "config.h"

#include "stats/rc_stats.h"

#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"

static const char *const g_stage_names[RC_N_TIMED] = {"read", "resample", "voxelize", "compress", "write"};
static const char *const g_pipe_names[RC_N_PIPE] = {"reader", "compute", "compress", "writer"};

/* The track the calling thread records on (rc_report_bind); 0 = "main". */
static _Thread_local int tl_track;

const char *rc_timed_stage_name(rc_timed_stage s) { return g_stage_names[s]; }
const char *rc_pipe_stage_name(rc_pipe_stage p) { return g_pipe_names[p]; }

void rc_report_init(rc_report *r, int keep_events)
{
    memset(r, 0, sizeof *r);
    r->t0 = rc_now_s();
    r->keep_events = keep_events;
    pthread_mutex_init(&r->mu, NULL);
    snprintf(r->tracks[0].name, sizeof r->tracks[0].name, "main");
    r->tracks[0].pipe = RC_PIPE_NONE;
    r->n_tracks = 1;
    tl_track = 0;
}

int rc_report_track(rc_report *r, const char *name, rc_pipe_stage pipe)
{
    pthread_mutex_lock(&r->mu);
    int t = r->n_tracks < RC_REPORT_MAX_TRACKS ? r->n_tracks++ : RC_REPORT_MAX_TRACKS - 1;
    snprintf(r->tracks[t].name, sizeof r->tracks[t].name, "%s", name);
    r->tracks[t].pipe = pipe;
    pthread_mutex_unlock(&r->mu);
    return t;
}

void rc_report_bind(int track) { tl_track = track; }

void rc_report_busy(rc_report *r, double busy_s, double wait_s)
{
    pthread_mutex_lock(&r->mu);
    r->tracks[tl_track].busy_s += busy_s;
    r->tracks[tl_track].wait_s += wait_s;
    pthread_mutex_unlock(&r->mu);
}

rc_pipe_totals rc_report_pipe(const rc_report *r, rc_pipe_stage p)
{
    rc_pipe_totals t = {0};
    for (int k = 0; k < r->n_tracks; k++) {
        if (r->tracks[k].pipe != (int)p) continue;
        t.threads++;
        t.busy_s += r->tracks[k].busy_s;
        t.wait_s += r->tracks[k].wait_s;
    }
    if (t.threads) {
        t.load_s = t.busy_s / t.threads;
        t.idle_s = t.threads * r->stream_wall_s - t.busy_s;
        if (t.idle_s < 0) t.idle_s = 0;
    }
    return t;
}

rc_pipe_stage rc_report_slowest(const rc_report *r)
{
    rc_pipe_stage best = RC_PIPE_READER;
    double load = -1;
    for (int p = 0; p < RC_N_PIPE; p++) {
        rc_pipe_totals t = rc_report_pipe(r, (rc_pipe_stage)p);
        if (t.threads && t.load_s > load) {
            load = t.load_s;
            best = (rc_pipe_stage)p;
        }
    }
    return best;
}

void rc_report_free(rc_report *r)
{
    for (int64_t i = 0; i < r->n_skipped; i++) {
        rc_free(r->skipped[i].file);
        rc_free(r->skipped[i].episode);
        rc_free(r->skipped[i].reason);
    }
    rc_free(r->skipped);
    rc_free(r->events);
    pthread_mutex_destroy(&r->mu);
    memset(r, 0, sizeof *r);
}

/* Appends a trace event (mutex held). */
static void keep_event(rc_report *r, int track, rc_timed_stage s, int64_t episode, double b, double e)
{
    if (!r->keep_events) return;
    if (r->n_events == r->cap_events) {
        int64_t cap = r->cap_events ? 2 * r->cap_events : 256;
        rc_trace_event *ev = rc_realloc(r->events, (size_t)cap * sizeof *ev);
        if (!ev) { /* the trace loses events; the totals are still right */
            r->keep_events = 0;
            return;
        }
        r->events = ev;
        r->cap_events = cap;
    }
    r->events[r->n_events++] = (rc_trace_event){(int8_t)s, (int16_t)track, episode, b, e};
}

void rc_report_interval(rc_report *r, rc_timed_stage s, int64_t episode, double begin, double end,
                        uint64_t bytes_in, uint64_t bytes_out, int64_t items)
{
    pthread_mutex_lock(&r->mu);
    rc_stage_totals *t = &r->stage[s];
    double b = begin - r->t0, e = end - r->t0;
    if (t->n_intervals == 0 || b < t->first_s) t->first_s = b;
    if (t->n_intervals == 0 || e > t->last_s) t->last_s = e;
    t->busy_s += e - b;
    t->bytes_in += bytes_in;
    t->bytes_out += bytes_out;
    t->items += items;
    t->n_intervals++;
    keep_event(r, tl_track, s, episode, b, e);
    pthread_mutex_unlock(&r->mu);
}

void rc_report_slice(rc_report *r, int track, rc_timed_stage s, int64_t episode, double begin,
                     double end)
{
    pthread_mutex_lock(&r->mu);
    keep_event(r, track, s, episode, begin - r->t0, end - r->t0);
    pthread_mutex_unlock(&r->mu);
}

rc_status rc_report_add_skipped(rc_report *r, const char *file, const char *episode,
                                const char *reason, rc_err *err)
{
    rc_status st = RC_OK;
    rc_skipped *sk = rc_realloc(r->skipped, (size_t)(r->n_skipped + 1) * sizeof *sk);
    RC_FAIL_IF(!sk, err, RC_E_NOMEM, "out of memory recording a skipped episode");
    r->skipped = sk;
    sk = &r->skipped[r->n_skipped];
    sk->file = rc_strdup(file);
    sk->episode = rc_strdup(episode);
    sk->reason = rc_strdup(reason);
    RC_FAIL_IF(!sk->file || !sk->episode || !sk->reason, err, RC_E_NOMEM,
               "out of memory recording a skipped episode");
    r->n_skipped++;
done:
    return st;
}

uint64_t rc_report_decoded_bytes(const rc_report *r)
{
    uint64_t n = 0;
    for (int a = 0; a < r->n_paths; a++) n += r->path_bytes[a];
    return n;
}

double rc_report_overlap_efficiency(const rc_report *r)
{
    double sum = 0;
    int n = 0;
    for (int p = 0; p < RC_N_PIPE; p++) {
        rc_pipe_totals t = rc_report_pipe(r, (rc_pipe_stage)p);
        if (!t.threads) continue;
        sum += t.load_s;
        n++;
    }
    return n && r->stream_wall_s > 0 ? sum / (n * r->stream_wall_s) : 0;
}
