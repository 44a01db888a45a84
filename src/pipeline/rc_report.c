/* rc_report.c — accumulates stage intervals and per-thread busy time (under one mutex, from
 * every pipeline thread) and writes the --report JSON, the --trace Chrome trace-event JSON and
 * the end-of-run summary. */
#include "config.h"

#include "pipeline/rc_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/rc_alloc.h"
#include "common/rc_clock.h"
#include "common/rc_json.h"

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
    for (int64_t i = 0; i < r->n_timestamps; i++) rc_scan_episode_free(&r->timestamps[i]);
    rc_free(r->timestamps);
    rc_free(r->events);
    pthread_mutex_destroy(&r->mu);
    memset(r, 0, sizeof *r);
}

rc_status rc_report_add_timestamps(rc_report *r, rc_scan_episode *se, rc_err *err)
{
    rc_status st = RC_OK;
    if (r->n_timestamps == r->cap_timestamps) {
        int64_t cap = r->cap_timestamps ? 2 * r->cap_timestamps : 64;
        rc_scan_episode *grown = rc_realloc(r->timestamps, (size_t)cap * sizeof *grown);
        RC_FAIL_IF(!grown, err, RC_E_NOMEM, "out of memory recording timestamp figures");
        r->timestamps = grown;
        r->cap_timestamps = cap;
    }
    r->timestamps[r->n_timestamps++] = *se;
    memset(se, 0, sizeof *se);
done:
    if (st != RC_OK) rc_scan_episode_free(se);
    return st;
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

/* Opens path for writing; "-" is stdout. */
static FILE *open_out(const char *path, rc_err *err, rc_status *st)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!f) {
        rc_err_scope(err, path, NULL, NULL);
        *st = rc_err_set(err, RC_E_IO, __FILE__, __LINE__, "cannot create the file: %s",
                         strerror(errno));
    }
    return f;
}

static rc_status close_out(FILE *f, rc_json *j, const char *path, rc_err *err)
{
    rc_status st = RC_OK;
    int bad = rc_json_finish(j) != 0;
    if (f == stdout) bad |= fflush(f) != 0;
    else bad |= fclose(f) != 0;
    if (bad) {
        rc_err_scope(err, path, NULL, NULL);
        st = rc_err_set(err, RC_E_IO, __FILE__, __LINE__, "write failed: %s", strerror(errno));
    }
    return st;
}

rc_status rc_report_write_json(const rc_report *r, const char *path, rc_err *err)
{
    rc_status st = RC_OK;
    FILE *f = open_out(path, err, &st);
    if (!f) return st;
    rc_json j;
    rc_json_init(&j, f);
    rc_json_object_begin(&j);
    rc_json_key(&j, "format");
    rc_json_string(&j, "robocache-report");
    rc_json_key(&j, "format_version");
    rc_json_int(&j, 1);
    rc_json_key(&j, "tool_version");
    rc_json_string(&j, PACKAGE_VERSION);
    rc_json_key(&j, "backend");
    rc_json_string(&j, r->backend);
    rc_json_key(&j, "backend_reason");
    rc_json_string(&j, r->backend_reason);
    rc_json_key(&j, "backend_device");
    rc_json_string(&j, r->backend_device);
    rc_json_key(&j, "threads");
    rc_json_int(&j, r->threads);
    rc_json_key(&j, "buffers");
    rc_json_int(&j, r->buffers);
    rc_json_key(&j, "compress_workers");
    rc_json_int(&j, r->compress_workers);
    rc_json_key(&j, "wall_s");
    rc_json_double(&j, r->wall_s);
    rc_json_key(&j, "stream_wall_s");
    rc_json_double(&j, r->stream_wall_s);
    rc_json_key(&j, "overlap_efficiency");
    rc_json_double(&j, rc_report_overlap_efficiency(r));
    rc_pipe_stage slow = rc_report_slowest(r);
    rc_pipe_totals slow_t = rc_report_pipe(r, slow);
    rc_json_key(&j, "slowest_stage");
    rc_json_string(&j, g_pipe_names[slow]);
    rc_json_key(&j, "slowest_load_s");
    rc_json_double(&j, slow_t.load_s);
    rc_json_key(&j, "wall_over_slowest");
    rc_json_double(&j, slow_t.load_s > 0 ? r->stream_wall_s / slow_t.load_s : 0);
    rc_json_key(&j, "pipeline");
    rc_json_object_begin(&j);
    for (int p = 0; p < RC_N_PIPE; p++) {
        rc_pipe_totals t = rc_report_pipe(r, (rc_pipe_stage)p);
        rc_json_key(&j, g_pipe_names[p]);
        rc_json_object_begin(&j);
        rc_json_key(&j, "threads");
        rc_json_int(&j, t.threads);
        rc_json_key(&j, "busy_s");
        rc_json_double(&j, t.busy_s);
        rc_json_key(&j, "wait_s");
        rc_json_double(&j, t.wait_s);
        rc_json_key(&j, "idle_s");
        rc_json_double(&j, t.idle_s);
        rc_json_key(&j, "load_s");
        rc_json_double(&j, t.load_s);
        rc_json_object_end(&j);
    }
    rc_json_object_end(&j);
    rc_json_key(&j, "episodes_written");
    rc_json_int(&j, r->episodes_written);
    rc_json_key(&j, "shards_written");
    rc_json_int(&j, r->shards_written);
    rc_json_key(&j, "stages");
    rc_json_object_begin(&j);
    for (int s = 0; s < RC_N_TIMED; s++) {
        const rc_stage_totals *t = &r->stage[s];
        double wall = t->n_intervals ? t->last_s - t->first_s : 0;
        rc_json_key(&j, g_stage_names[s]);
        rc_json_object_begin(&j);
        rc_json_key(&j, "wall_s");
        rc_json_double(&j, wall);
        rc_json_key(&j, "busy_s");
        rc_json_double(&j, t->busy_s);
        rc_json_key(&j, "idle_s");
        rc_json_double(&j, wall > t->busy_s ? wall - t->busy_s : 0);
        rc_json_key(&j, "bytes_in");
        rc_json_uint(&j, t->bytes_in);
        rc_json_key(&j, "bytes_out");
        rc_json_uint(&j, t->bytes_out);
        rc_json_key(&j, "items");
        rc_json_int(&j, t->items);
        rc_json_key(&j, "throughput_mb_s");
        rc_json_double(&j, t->busy_s > 0 ? (double)t->bytes_in / t->busy_s / 1e6 : 0);
        rc_json_key(&j, "items_per_s");
        rc_json_double(&j, t->busy_s > 0 ? (double)t->items / t->busy_s : 0);
        rc_json_object_end(&j);
    }
    rc_json_object_end(&j);
    rc_json_key(&j, "voxelize");
    rc_json_object_begin(&j);
    rc_json_key(&j, "points_in");
    rc_json_int(&j, r->vox_points_in);
    rc_json_key(&j, "dropped_out_of_range");
    rc_json_int(&j, r->vox_dropped_range);
    rc_json_key(&j, "dropped_past_max_points");
    rc_json_int(&j, r->vox_dropped_points);
    rc_json_key(&j, "dropped_past_max_voxels");
    rc_json_int(&j, r->vox_dropped_voxels);
    rc_json_object_end(&j);
    rc_json_key(&j, "skipped");
    rc_json_array_begin(&j);
    for (int64_t i = 0; i < r->n_skipped; i++) {
        rc_json_object_begin(&j);
        rc_json_key(&j, "source_file");
        rc_json_string(&j, r->skipped[i].file);
        rc_json_key(&j, "episode");
        rc_json_string(&j, r->skipped[i].episode);
        rc_json_key(&j, "reason");
        rc_json_string(&j, r->skipped[i].reason);
        rc_json_object_end(&j);
    }
    rc_json_array_end(&j);
    rc_json_key(&j, "timestamps"); /* docs/SCAN.md: the figures of scan, per converted episode */
    rc_json_array_begin(&j);
    for (int64_t i = 0; i < r->n_timestamps; i++) rc_scan_episode_json(&j, &r->timestamps[i]);
    rc_json_array_end(&j);
    rc_json_object_end(&j);
    return close_out(f, &j, path, err);
}

rc_status rc_report_write_trace(const rc_report *r, const char *path, rc_err *err)
{
    rc_status st = RC_OK;
    FILE *f = open_out(path, err, &st);
    if (!f) return st;
    rc_json j;
    rc_json_init(&j, f);
    rc_json_object_begin(&j);
    rc_json_key(&j, "displayTimeUnit");
    rc_json_string(&j, "ms");
    rc_json_key(&j, "traceEvents");
    rc_json_array_begin(&j);
    for (int s = 0; s < r->n_tracks; s++) { /* one named track per thread or CUDA stream */
        rc_json_object_begin(&j);
        rc_json_key(&j, "name");
        rc_json_string(&j, "thread_name");
        rc_json_key(&j, "ph");
        rc_json_string(&j, "M");
        rc_json_key(&j, "pid");
        rc_json_int(&j, 1);
        rc_json_key(&j, "tid");
        rc_json_int(&j, s + 1);
        rc_json_key(&j, "args");
        rc_json_object_begin(&j);
        rc_json_key(&j, "name");
        rc_json_string(&j, r->tracks[s].name);
        rc_json_object_end(&j);
        rc_json_object_end(&j);
    }
    for (int64_t i = 0; i < r->n_events; i++) {
        const rc_trace_event *e = &r->events[i];
        rc_json_object_begin(&j);
        rc_json_key(&j, "name");
        rc_json_string(&j, g_stage_names[e->stage]);
        rc_json_key(&j, "ph");
        rc_json_string(&j, "X");
        rc_json_key(&j, "pid");
        rc_json_int(&j, 1);
        rc_json_key(&j, "tid");
        rc_json_int(&j, e->track + 1);
        rc_json_key(&j, "ts");
        rc_json_double(&j, e->begin_s * 1e6);
        rc_json_key(&j, "dur");
        rc_json_double(&j, (e->end_s - e->begin_s) * 1e6);
        rc_json_key(&j, "args");
        rc_json_object_begin(&j);
        rc_json_key(&j, "episode");
        rc_json_int(&j, e->episode);
        rc_json_object_end(&j);
        rc_json_object_end(&j);
    }
    rc_json_array_end(&j);
    rc_json_object_end(&j);
    return close_out(f, &j, path, err);
}

void rc_report_print_summary(const rc_report *r, FILE *f)
{
    fprintf(f, "robocache-convert: %lld episodes in %lld shards, %lld skipped, %.2f s wall, backend %s\n",
            (long long)r->episodes_written, (long long)r->shards_written, (long long)r->n_skipped,
            r->wall_s, r->backend);
    fprintf(f, "  %-9s %9s %9s %12s %12s %10s\n", "stage", "busy s", "wall s", "MB in", "MB out", "items");
    for (int s = 0; s < RC_N_TIMED; s++) {
        const rc_stage_totals *t = &r->stage[s];
        fprintf(f, "  %-9s %9.3f %9.3f %12.2f %12.2f %10lld\n", g_stage_names[s], t->busy_s,
                t->n_intervals ? t->last_s - t->first_s : 0.0, (double)t->bytes_in / 1e6,
                (double)t->bytes_out / 1e6, (long long)t->items);
    }
    fprintf(f, "  %-9s %7s %9s %9s %9s   (streaming wall %.3f s, %d buffers)\n", "thread", "count", "busy s",
            "idle s", "load s", r->stream_wall_s, r->buffers);
    for (int p = 0; p < RC_N_PIPE; p++) {
        rc_pipe_totals t = rc_report_pipe(r, (rc_pipe_stage)p);
        fprintf(f, "  %-9s %7d %9.3f %9.3f %9.3f\n", g_pipe_names[p], t.threads, t.busy_s, t.idle_s, t.load_s);
    }
    rc_pipe_totals slow = rc_report_pipe(r, rc_report_slowest(r));
    fprintf(f, "  overlap efficiency %.2f (sum of stage loads / (stages x wall)); slowest stage %s, "
               "wall / slowest = %.2f\n",
            rc_report_overlap_efficiency(r), g_pipe_names[rc_report_slowest(r)],
            slow.load_s > 0 ? r->stream_wall_s / slow.load_s : 0.0);
    if (r->vox_points_in)
        fprintf(f, "  voxelize: %lld points, %lld out of range, %lld past max_points, %lld past max_voxels\n",
                (long long)r->vox_points_in, (long long)r->vox_dropped_range,
                (long long)r->vox_dropped_points, (long long)r->vox_dropped_voxels);
    for (int64_t i = 0; i < r->n_skipped; i++)
        fprintf(f, "  skipped %s episode %s: %s\n", r->skipped[i].file, r->skipped[i].episode,
                r->skipped[i].reason);
}
