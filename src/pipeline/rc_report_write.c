/* rc_report_write.c — the run's report as files: the --report JSON (docs/DESIGN.md lists its
 * keys) with the converted episodes' timestamp figures, and the --trace Chrome trace-event JSON
 * (one named track per thread or CUDA stream). */
#include "config.h"

#include "pipeline/rc_pipeline.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_common.h"

rc_status rc_run_timestamps_add(rc_run_timestamps *ts, rc_scan_episode *se, rc_err *err)
{
    rc_status st = RC_OK;
    if (ts->n == ts->cap) {
        int64_t cap = ts->cap ? 2 * ts->cap : 64;
        rc_scan_episode *grown = rc_realloc(ts->eps, (size_t)cap * sizeof *grown);
        RC_FAIL_IF(!grown, err, RC_E_NOMEM, "out of memory recording timestamp figures");
        ts->eps = grown;
        ts->cap = cap;
    }
    ts->eps[ts->n++] = *se;
    memset(se, 0, sizeof *se);
done:
    if (st != RC_OK) rc_scan_episode_free(se);
    return st;
}

void rc_run_timestamps_free(rc_run_timestamps *ts)
{
    for (int64_t i = 0; i < ts->n; i++) rc_scan_episode_free(&ts->eps[i]);
    rc_free(ts->eps);
    memset(ts, 0, sizeof *ts);
}

/* Opens path for writing ("-" is stdout) and starts the document's top-level object in *j.  A
 * file is written under the temporary name tmp (PATH.tmp.PID) and renamed by close_out, so a
 * reader never sees half a report and a failed write leaves the earlier file. */
static FILE *open_out(const char *path, char *tmp, size_t n, rc_json *j, rc_err *err, rc_status *st)
{
    FILE *f = stdout;
    tmp[0] = '\0';
    if (strcmp(path, "-")) {
        snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
        f = fopen(tmp, "w");
    }
    if (!f) {
        rc_err_scope(err, path, NULL, NULL);
        *st = rc_err_set(err, RC_E_IO, __FILE__, __LINE__, "cannot create %s: %s", tmp, strerror(errno));
        return NULL;
    }
    rc_json_init(j, f);
    rc_json_object_begin(j);
    return f;
}

static rc_status close_out(FILE *f, rc_json *j, const char *path, const char *tmp, rc_err *err)
{
    rc_status st = RC_OK;
    int bad = rc_json_finish(j) != 0;
    if (f == stdout) bad |= fflush(f) != 0;
    else bad |= fclose(f) != 0;
    if (!bad && tmp[0]) bad = rename(tmp, path) != 0;
    if (bad) {
        if (tmp[0]) unlink(tmp);
        rc_err_scope(err, path, NULL, NULL);
        st = rc_err_set(err, RC_E_IO, __FILE__, __LINE__, "write failed: %s", strerror(errno));
    }
    return st;
}

/* The reader processes (per process: episodes, stored bytes, busy and wait seconds, restarts) and the
 * dataset reads by path: bytes decoded directly vs by H5Dread (per reason), and raw input GB/s. */
static void write_readers(rc_json *j, const rc_report *r)
{
    rc_json_key(j, "readers");
    rc_json_int(j, r->readers);
    rc_json_key(j, "decode_threads");
    rc_json_int(j, r->decode_threads);
    rc_json_key(j, "reader_processes");
    rc_json_array_begin(j);
    for (int k = 0; k < r->readers && k < RC_REPORT_MAX_READERS; k++) {
        const rc_reader_figures *f = &r->reader_figures[k];
        rc_json_object_begin(j);
        rc_json_key(j, "episodes");
        rc_json_int(j, f->episodes);
        rc_json_key(j, "bytes");
        rc_json_int(j, (int64_t)f->bytes);
        rc_json_key(j, "busy_s");
        rc_json_double(j, f->busy_s);
        rc_json_key(j, "wait_s");
        rc_json_double(j, f->wait_s);
        rc_json_key(j, "restarts");
        rc_json_int(j, f->restarts);
        rc_json_object_end(j);
    }
    rc_json_array_end(j);
    uint64_t decoded = rc_report_decoded_bytes(r);
    rc_json_key(j, "read_paths");
    rc_json_object_begin(j);
    for (int a = 0; a < r->n_paths; a++) {
        rc_json_key(j, a == 0 ? "direct" : r->path_names[a]);
        rc_json_object_begin(j);
        rc_json_key(j, "reads");
        rc_json_int(j, (int64_t)r->path_reads[a]);
        rc_json_key(j, "bytes");
        rc_json_int(j, (int64_t)r->path_bytes[a]);
        rc_json_object_end(j);
    }
    rc_json_object_end(j);
    rc_json_key(j, "direct_bytes");
    rc_json_int(j, r->n_paths ? (int64_t)r->path_bytes[0] : 0);
    rc_json_key(j, "fallback_bytes");
    rc_json_int(j, r->n_paths ? (int64_t)(decoded - r->path_bytes[0]) : 0);
    rc_json_key(j, "raw_input_gb_s");
    rc_json_double(j, r->stream_wall_s > 0 ? (double)decoded / r->stream_wall_s / 1e9 : 0);
}

rc_status rc_report_write_json(const rc_report *r, const rc_run_timestamps *ts, const char *path, rc_err *err)
{
    rc_status st = RC_OK;
    rc_json j;
    char tmp[4200];
    FILE *f = open_out(path, tmp, sizeof tmp, &j, err, &st);
    if (!f) return st;
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
    rc_json_key(&j, "slot_pins");
    rc_json_int(&j, r->slot_pins);
    rc_json_key(&j, "slot_pins_refused");
    rc_json_int(&j, r->slot_pins_refused);
    rc_json_key(&j, "wall_s");
    rc_json_double(&j, r->wall_s);
    rc_json_key(&j, "peak_rss_mb");
    rc_json_double(&j, (double)r->peak_rss_kb / 1024.0);
    rc_json_key(&j, "readers_peak_rss_mb");
    rc_json_double(&j, (double)r->children_peak_rss_kb / 1024.0);
    rc_json_key(&j, "stream_wall_s");
    rc_json_double(&j, r->stream_wall_s);
    rc_json_key(&j, "overlap_efficiency");
    rc_json_double(&j, rc_report_overlap_efficiency(r));
    rc_pipe_stage slow = rc_report_slowest(r);
    rc_pipe_totals slow_t = rc_report_pipe(r, slow);
    rc_json_key(&j, "slowest_stage");
    rc_json_string(&j, rc_pipe_stage_name(slow));
    rc_json_key(&j, "slowest_load_s");
    rc_json_double(&j, slow_t.load_s);
    rc_json_key(&j, "wall_over_slowest");
    rc_json_double(&j, slow_t.load_s > 0 ? r->stream_wall_s / slow_t.load_s : 0);
    rc_json_key(&j, "pipeline");
    rc_json_object_begin(&j);
    for (int p = 0; p < RC_N_PIPE; p++) {
        rc_pipe_totals t = rc_report_pipe(r, (rc_pipe_stage)p);
        rc_json_key(&j, rc_pipe_stage_name((rc_pipe_stage)p));
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
    write_readers(&j, r);
    rc_json_key(&j, "episodes_written");
    rc_json_int(&j, r->episodes_written);
    rc_json_key(&j, "shards_written");
    rc_json_int(&j, r->shards_written);
    rc_json_key(&j, "interrupted");
    r->interrupted[0] ? rc_json_string(&j, r->interrupted) : rc_json_null(&j);
    rc_json_key(&j, "stages");
    rc_json_object_begin(&j);
    for (int s = 0; s < RC_N_TIMED; s++) {
        const rc_stage_totals *t = &r->stage[s];
        double wall = t->n_intervals ? t->last_s - t->first_s : 0;
        rc_json_key(&j, rc_timed_stage_name((rc_timed_stage)s));
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
    for (int64_t i = 0; ts && i < ts->n; i++) rc_scan_episode_json(&j, &ts->eps[i]);
    rc_json_array_end(&j);
    rc_json_object_end(&j);
    return close_out(f, &j, path, tmp, err);
}

rc_status rc_report_write_trace(const rc_report *r, const char *path, rc_err *err)
{
    rc_status st = RC_OK;
    rc_json j;
    char tmp[4200];
    FILE *f = open_out(path, tmp, sizeof tmp, &j, err, &st);
    if (!f) return st;
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
        rc_json_string(&j, rc_timed_stage_name((rc_timed_stage)e->stage));
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
    return close_out(f, &j, path, tmp, err);
}
