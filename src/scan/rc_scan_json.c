/* rc_scan_json.c — one scanned episode as a JSON object (scan --json, run --report): the
 * names and units of every field are those of docs/SCAN.md. */
#include "config.h"

#include "scan/rc_scan.h"

/* A count with the index of its first occurrence (null when there is none). */
static void count_first(rc_json *j, const char *key, int64_t count, int64_t first)
{
    rc_json_key(j, key);
    rc_json_object_begin(j);
    rc_json_key(j, "count");
    rc_json_int(j, count);
    rc_json_key(j, "first_index");
    if (count) rc_json_int(j, first);
    else rc_json_null(j);
    rc_json_object_end(j);
}

/* An image stream's camera figures (docs/SCAN.md, "Cameras"). */
static void camera_json(rc_json *j, const rc_scan_stream *s, int frozen)
{
    rc_json_key(j, "camera");
    rc_json_object_begin(j);
    rc_json_key(j, "frozen");
    if (!frozen) { /* run --report: no pass over the pixels */
        rc_json_null(j);
    } else {
        rc_json_object_begin(j);
        rc_json_key(j, "frames");
        rc_json_int(j, s->frozen_frames);
        rc_json_key(j, "runs");
        rc_json_int(j, s->frozen_runs);
        rc_json_key(j, "longest_run");
        rc_json_int(j, s->frozen_longest);
        rc_json_key(j, "longest_run_first_index");
        if (s->frozen_runs) rc_json_int(j, s->frozen_longest_at);
        else rc_json_null(j);
        rc_json_object_end(j);
    }
    rc_json_key(j, "dropped");
    rc_json_object_begin(j);
    rc_json_key(j, "gaps");
    rc_json_int(j, s->dropped_gaps);
    rc_json_key(j, "frames");
    rc_json_int(j, s->dropped_frames);
    rc_json_key(j, "first_index");
    if (s->dropped_gaps) rc_json_int(j, s->first_drop_index);
    else rc_json_null(j);
    rc_json_object_end(j);
    rc_json_key(j, "image_stages");
    rc_json_array_begin(j);
    for (int d = 0; d < s->n_dt; d++) {
        const rc_scan_dt *e = &s->dt[d];
        rc_json_object_begin(j);
        rc_json_key(j, "stage");
        rc_json_string(j, e->stage);
        rc_json_key(j, "steps");
        rc_json_int(j, e->steps);
        rc_json_key(j, "invalid_steps");
        rc_json_int(j, e->invalid);
        rc_json_key(j, "frames_used");
        rc_json_int(j, e->frames_used);
        rc_json_key(j, "dt_ns");
        rc_json_object_begin(j);
        rc_json_key(j, "min");
        rc_json_int(j, e->min_ns);
        rc_json_key(j, "p50");
        rc_json_int(j, e->p50_ns);
        rc_json_key(j, "p99");
        rc_json_int(j, e->p99_ns);
        rc_json_key(j, "max");
        rc_json_int(j, e->max_ns);
        rc_json_object_end(j);
        rc_json_object_end(j);
    }
    rc_json_array_end(j);
    rc_json_object_end(j);
}

static void stream_json(rc_json *j, const rc_scan_stream *s, int voxel_drops)
{
    rc_json_object_begin(j);
    rc_json_key(j, "name");
    rc_json_string(j, s->name);
    rc_json_key(j, "kind");
    rc_json_string(j, s->kind == RC_STREAM_CLOUD ? "cloud" : s->kind == RC_STREAM_IMAGE ? "image" : "series");
    rc_json_key(j, "samples");
    rc_json_int(j, s->samples);
    rc_json_key(j, "columns");
    rc_json_int(j, s->columns);
    rc_json_key(j, "names");
    if (s->col_names) {
        rc_json_array_begin(j);
        for (int32_t c = 0; c < s->columns; c++) rc_json_string(j, s->col_names[c]);
        rc_json_array_end(j);
    } else {
        rc_json_null(j);
    }
    rc_json_key(j, "first_ns");
    rc_json_int(j, s->first_ns);
    rc_json_key(j, "last_ns");
    rc_json_int(j, s->last_ns);
    rc_json_key(j, "start_offset_ns");
    rc_json_int(j, s->start_offset_ns);
    rc_json_key(j, "stop_offset_ns");
    rc_json_int(j, s->stop_offset_ns);
    rc_json_key(j, "median_rate_hz");
    rc_json_double(j, s->median_rate_hz);
    rc_json_key(j, "step_ns");
    rc_json_object_begin(j);
    rc_json_key(j, "min");
    rc_json_int(j, s->step_min_ns);
    rc_json_key(j, "p50");
    rc_json_int(j, s->step_p50_ns);
    rc_json_key(j, "p99");
    rc_json_int(j, s->step_p99_ns);
    rc_json_key(j, "max");
    rc_json_int(j, s->step_max_ns);
    rc_json_object_end(j);
    rc_json_key(j, "largest_gaps");
    rc_json_array_begin(j);
    for (int g = 0; g < s->n_gaps; g++) {
        rc_json_object_begin(j);
        rc_json_key(j, "index");
        rc_json_int(j, s->gaps[g].index);
        rc_json_key(j, "t_ns");
        rc_json_int(j, s->gaps[g].t_ns);
        rc_json_key(j, "gap_ns");
        rc_json_int(j, s->gaps[g].gap_ns);
        rc_json_object_end(j);
    }
    rc_json_array_end(j);
    count_first(j, "duplicates", s->duplicates, s->first_duplicate);
    count_first(j, "decreases", s->decreases, s->first_decrease);
    if (s->kind == RC_STREAM_CLOUD) {
        rc_json_key(j, "points_per_frame");
        rc_json_object_begin(j);
        rc_json_key(j, "min");
        rc_json_int(j, s->points_min);
        rc_json_key(j, "median");
        rc_json_int(j, s->points_median);
        rc_json_key(j, "max");
        rc_json_int(j, s->points_max);
        rc_json_object_end(j);
    }
    if (s->kind == RC_STREAM_IMAGE) camera_json(j, s, voxel_drops);
    if (s->kind == RC_STREAM_CLOUD && voxel_drops) {
        rc_json_key(j, "voxelize");
        rc_json_array_begin(j);
        for (int v = 0; v < s->n_vox; v++) {
            rc_json_object_begin(j);
            rc_json_key(j, "stage");
            rc_json_string(j, s->vox[v].stage);
            rc_json_key(j, "points");
            rc_json_int(j, s->vox[v].points);
            rc_json_key(j, "dropped_by_range");
            rc_json_int(j, s->vox[v].dropped);
            rc_json_key(j, "dropped_fraction");
            rc_json_double(j, s->vox[v].points ? (double)s->vox[v].dropped / (double)s->vox[v].points : 0.0);
            rc_json_object_end(j);
        }
        rc_json_array_end(j);
    }
    rc_json_object_end(j);
}

void rc_scan_episode_json(rc_json *j, const rc_scan_episode *se)
{
    rc_json_object_begin(j);
    rc_json_key(j, "file");
    rc_json_string(j, se->file);
    rc_json_key(j, "episode");
    rc_json_string(j, se->id);
    rc_json_key(j, "read");
    rc_json_bool(j, se->read_ok);
    rc_json_key(j, "span");
    if (se->span_ok) {
        rc_json_object_begin(j);
        rc_json_key(j, "start_ns");
        rc_json_int(j, se->span_start_ns);
        rc_json_key(j, "end_ns");
        rc_json_int(j, se->span_end_ns);
        rc_json_key(j, "seconds");
        rc_json_double(j, ((double)se->span_end_ns - (double)se->span_start_ns) / 1e9); /* may pass int64 */
        rc_json_key(j, "steps");
        if (se->steps >= 0) rc_json_int(j, se->steps);
        else rc_json_null(j);
        rc_json_object_end(j);
    } else {
        rc_json_null(j);
    }
    rc_json_key(j, "worst_gap_ratio");
    rc_json_double(j, se->worst_gap_ratio);
    rc_json_key(j, "worst_gap_stream");
    if (se->worst_stream[0]) rc_json_string(j, se->worst_stream);
    else rc_json_null(j);
    rc_json_key(j, "streams");
    rc_json_array_begin(j);
    for (int32_t k = 0; k < se->n_streams; k++) stream_json(j, &se->streams[k], se->voxel_drops);
    rc_json_array_end(j);
    rc_json_key(j, "problems");
    rc_json_array_begin(j);
    for (int p = 0; p < se->n_problems; p++) {
        const rc_err *e = &se->problems[p];
        rc_json_object_begin(j);
        rc_json_key(j, "file");
        rc_json_string(j, e->file);
        rc_json_key(j, "episode");
        if (e->episode[0]) rc_json_string(j, e->episode);
        else rc_json_null(j);
        rc_json_key(j, "path");
        rc_json_string(j, e->path);
        rc_json_key(j, "kind");
        rc_json_string(j, rc_status_name(e->code));
        rc_json_key(j, "message");
        rc_json_string(j, e->msg);
        rc_json_object_end(j);
    }
    rc_json_array_end(j);
    rc_json_object_end(j);
}
