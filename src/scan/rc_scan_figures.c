/* rc_scan_figures.c — the timestamp figures of one episode (rc_scan.h): steps and their
 * percentiles, the largest gaps, duplicates and decreases, offsets between streams, the span
 * and grid size the spec's timeline would give, points per cloud frame and the points each
 * voxelize stage's range would drop (the kernels' own keep rule, rc_voxel_of); the camera
 * figures come from rc_scan_camera.c. */
#include "config.h"

#include "scan/scan_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"
#include "ops/rc_ops.h"
#include "convert/rc_convert.h"

/* Appends a problem (scope file / episode / path) to se. */
static rc_status add_problem(rc_scan_episode *se, const rc_err *p, rc_err *err)
{
    rc_status st = RC_OK;
    rc_err *grown = rc_realloc(se->problems, (size_t)(se->n_problems + 1) * sizeof *grown);
    RC_FAIL_IF(!grown, err, RC_E_NOMEM, "out of memory recording a scan problem");
    se->problems = grown;
    se->problems[se->n_problems++] = *p;
done:
    return st;
}

/* A copy of sd's column names in one allocation (NULL when it has none), so the scan keeps
 * them after the episode is freed. */
static rc_status copy_names(const rc_stream_data *sd, rc_scan_stream *s, rc_err *err)
{
    rc_status st = RC_OK;
    s->columns = sd->kind == RC_STREAM_IMAGE ? 0 : sd->D;
    if (!sd->col_names || s->columns < 1) return RC_OK;
    size_t bytes = (size_t)s->columns * sizeof(char *);
    for (int32_t c = 0; c < s->columns; c++) bytes += strlen(sd->col_names[c]) + 1;
    s->col_names = rc_malloc(bytes);
    RC_FAIL_IF(!s->col_names, err, RC_E_NOMEM, "out of memory for the column names of '%s'", sd->name);
    char *at = (char *)(s->col_names + s->columns);
    for (int32_t c = 0; c < s->columns; c++) {
        size_t n = strlen(sd->col_names[c]) + 1;
        memcpy(at, sd->col_names[c], n);
        s->col_names[c] = at;
        at += n;
    }
done:
    return st;
}

/* Keeps the RC_SCAN_TOP_GAPS largest steps, largest first; an equal step keeps the earlier. */
static void gap_insert(rc_scan_stream *s, int64_t index, int64_t t_ns, int64_t gap)
{
    int at = s->n_gaps;
    while (at > 0 && s->gaps[at - 1].gap_ns < gap) at--;
    if (at >= RC_SCAN_TOP_GAPS) return;
    int last = s->n_gaps < RC_SCAN_TOP_GAPS ? s->n_gaps : RC_SCAN_TOP_GAPS - 1;
    memmove(&s->gaps[at + 1], &s->gaps[at], (size_t)(last - at) * sizeof s->gaps[0]);
    s->gaps[at] = (rc_scan_gap){index, t_ns, gap};
    if (s->n_gaps < RC_SCAN_TOP_GAPS) s->n_gaps++;
}

/* Steps, gaps and order findings of one stream's timestamps. */
static rc_status time_figures(const rc_stream_data *sd, rc_scan_stream *s, rc_err *err)
{
    rc_status st = RC_OK;
    int64_t n = sd->S - 1, *steps = NULL;
    s->first_duplicate = s->first_decrease = -1;
    if (n < 1) return RC_OK;
    steps = rc_malloc((size_t)n * sizeof *steps);
    RC_FAIL_IF(!steps, err, RC_E_NOMEM, "out of memory for %lld steps of '%s'", (long long)n, sd->name);
    for (int64_t i = 1; i <= n; i++) {
        int64_t d = (int64_t)((uint64_t)sd->t_ns[i] - (uint64_t)sd->t_ns[i - 1]);
        steps[i - 1] = d;
        if (d == 0 && s->duplicates++ == 0) s->first_duplicate = i;
        if (d < 0 && s->decreases++ == 0) s->first_decrease = i;
        gap_insert(s, i, sd->t_ns[i - 1], d);
    }
    qsort(steps, (size_t)n, sizeof *steps, rc_scan_cmp_i64);
    s->step_min_ns = steps[0];
    s->step_max_ns = steps[n - 1];
    s->step_p50_ns = rc_scan_rank_of(steps, n, 0.50);
    s->step_p99_ns = rc_scan_rank_of(steps, n, 0.99);
    s->median_rate_hz = s->step_p50_ns > 0 ? 1e9 / (double)s->step_p50_ns : 0.0;
done:
    rc_free(steps);
    return st;
}

/* Points per frame, and (voxel_drops) for each voxelize stage reading this cloud the points its
 * range drops. */
static rc_status cloud_figures(const rc_spec *spec, const rc_stream_data *sd, int voxel_drops, rc_scan_stream *s,
                               rc_err *err)
{
    rc_status st = RC_OK;
    int64_t *per = NULL;
    if (sd->S >= 1) {
        per = rc_malloc((size_t)sd->S * sizeof *per);
        RC_FAIL_IF(!per, err, RC_E_NOMEM, "out of memory for %lld frames of '%s'", (long long)sd->S, sd->name);
        for (int64_t f = 0; f < sd->S; f++) per[f] = sd->offsets[f + 1] - sd->offsets[f];
        qsort(per, (size_t)sd->S, sizeof *per, rc_scan_cmp_i64);
        s->points_min = per[0];
        s->points_median = rc_scan_rank_of(per, sd->S, 0.50);
        s->points_max = per[sd->S - 1];
    }
    if (!voxel_drops) goto done;
    s->vox = rc_calloc((size_t)spec->n_stages + 1, sizeof *s->vox);
    RC_FAIL_IF(!s->vox, err, RC_E_NOMEM, "out of memory for the voxel figures of '%s'", sd->name);
    for (int g = 0; g < spec->n_stages; g++) {
        const rc_spec_stage *sg = &spec->stages[g];
        rc_vox_params p;
        if (sg->kind != RC_STAGE_VOXELIZE || strcmp(sg->cloud, sd->name) != 0) continue;
        if (rc_vox_params_init(&p, sg->mode, sg->sparse, sg->range, sg->voxel_size, sd->D,
                               sg->max_points_per_voxel > 0 ? sg->max_points_per_voxel : 1,
                               sg->max_voxels > 0 ? sg->max_voxels : 1) != 0)
            continue; /* the spec loader refuses such grids */
        rc_scan_vox *v = &s->vox[s->n_vox++];
        snprintf(v->stage, sizeof v->stage, "%s", sg->name);
        v->points = sd->P;
        for (int64_t k = 0; k < sd->P; k++) {
            int32_t ijk[3];
            int64_t dense;
            v->dropped += !rc_voxel_of(sd->x + k * sd->D, p.min, p.size, p.n, ijk, &dense);
        }
    }
done:
    rc_free(per);
    return st;
}

/* A problem for each order finding of s (what `run`'s reader would refuse). */
static rc_status order_problems(const rc_episode *ep, const rc_stream_data *sd, const rc_scan_stream *s,
                                rc_scan_episode *se, rc_err *err)
{
    rc_status st = RC_OK;
    rc_err p;
    for (int kind = 0; kind < 2; kind++) {
        int64_t count = kind ? s->decreases : s->duplicates, i = kind ? s->first_decrease : s->first_duplicate;
        if (!count) continue;
        rc_err_clear(&p);
        rc_err_scope(&p, ep->file, ep->id, "%s/%s/t", ep->group, sd->name);
        rc_err_set(&p, RC_E_INPUT, __FILE__, __LINE__,
                   "expected strictly increasing timestamps, found %lld %s (first at index %lld: "
                   "t[%lld] = %lld ns, t[%lld] = %lld ns)",
                   (long long)count, kind ? (count == 1 ? "decrease" : "decreases")
                                          : (count == 1 ? "duplicate" : "duplicates"),
                   (long long)i, (long long)(i - 1), (long long)sd->t_ns[i - 1], (long long)i,
                   (long long)sd->t_ns[i]);
        RC_TRY(add_problem(se, &p, err));
    }
done:
    return st;
}

/* The span and steps of the spec's timeline, or a problem when it is empty or too long. */
static rc_status span_figures(const rc_spec *spec, const rc_episode *ep, rc_scan_episode *se, rc_err *err)
{
    rc_status st = RC_OK;
    rc_err p;
    rc_err_clear(&p);
    rc_err_scope(&p, ep->file, ep->id, "%s", ep->group);
    se->steps = -1;
    if (rc_timeline_span(spec, ep, &se->span_start_ns, &se->span_end_ns, &p) != RC_OK) return add_problem(se, &p, err);
    se->span_ok = 1;
    /* The check run makes before building the grid (step count and memory budget). */
    if (spec->rate_hz > 0 &&
        rc_timeline_steps(se->span_start_ns, se->span_end_ns, spec->rate_hz, sizeof(int64_t), &se->steps, &p) != RC_OK)
        return add_problem(se, &p, err);
    return st;
}

rc_status rc_scan_episode_figures(const rc_spec *spec, const rc_episode *ep, int data_passes, rc_scan_episode *out,
                                  rc_err *err)
{
    rc_status st = RC_OK;
    memset(out, 0, sizeof *out);
    snprintf(out->file, sizeof out->file, "%s", ep->file);
    snprintf(out->id, sizeof out->id, "%s", ep->id);
    out->read_ok = 1;
    out->voxel_drops = data_passes;
    out->streams = rc_calloc(ep->n_streams > 0 ? (size_t)ep->n_streams : 1, sizeof *out->streams);
    RC_FAIL_IF(!out->streams, err, RC_E_NOMEM, "out of memory for the scan of %d streams", ep->n_streams);
    out->n_streams = ep->n_streams;
    int64_t earliest = 0, latest = 0;
    int any = 0;
    for (int32_t k = 0; k < ep->n_streams; k++) {
        const rc_stream_data *sd = &ep->streams[k];
        rc_scan_stream *s = &out->streams[k];
        snprintf(s->name, sizeof s->name, "%s", sd->name);
        s->kind = sd->kind;
        s->samples = sd->S;
        RC_TRY(copy_names(sd, s, err));
        if (sd->S < 1) continue;
        s->first_ns = sd->t_ns[0];
        s->last_ns = sd->t_ns[sd->S - 1];
        if (!any || s->first_ns < earliest) earliest = s->first_ns;
        if (!any || s->last_ns > latest) latest = s->last_ns;
        any = 1;
        RC_TRY(time_figures(sd, s, err));
        if (sd->kind == RC_STREAM_CLOUD) RC_TRY(cloud_figures(spec, sd, data_passes, s, err));
        if (sd->kind == RC_STREAM_IMAGE && sd->u8) rc_scan_camera_frames(sd, data_passes, s);
        RC_TRY(order_problems(ep, sd, s, out, err));
        if (s->step_p50_ns > 0) {
            double ratio = (double)s->step_max_ns / (double)s->step_p50_ns;
            if (ratio > out->worst_gap_ratio) {
                out->worst_gap_ratio = ratio;
                snprintf(out->worst_stream, sizeof out->worst_stream, "%s", s->name);
            }
        }
    }
    for (int32_t k = 0; k < out->n_streams; k++) {
        rc_scan_stream *s = &out->streams[k];
        if (s->samples < 1) continue;
        s->start_offset_ns = (int64_t)((uint64_t)s->first_ns - (uint64_t)earliest);
        s->stop_offset_ns = (int64_t)((uint64_t)latest - (uint64_t)s->last_ns);
    }
    RC_TRY(span_figures(spec, ep, out, err));
    rc_err p;
    rc_err_clear(&p);
    if (rc_convert_check_quaternions(spec, ep, &p) != RC_OK) RC_TRY(add_problem(out, &p, err));
    RC_TRY(rc_scan_camera_dt(spec, ep, out, err));
done:
    if (st != RC_OK) rc_scan_episode_free(out);
    return st;
}

void rc_scan_episode_free(rc_scan_episode *se)
{
    if (!se) return;
    for (int32_t k = 0; se->streams && k < se->n_streams; k++) {
        rc_free(se->streams[k].vox);
        rc_free(se->streams[k].col_names);
        rc_free(se->streams[k].dt);
    }
    rc_free(se->streams);
    rc_free(se->problems);
    memset(se, 0, sizeof *se);
}
