/* rc_convert.c — an episode's fuse and resample stages, planned as backend jobs (the compute
 * stage runs the jobs of several episodes in one call), then finished: fused outputs moved into
 * the output list with their per-episode statistics, image resamples (rc_convert_image.c) and
 * voxelize stages (rc_convert_vox.c) run. */
#include "config.h"

#include "convert/rc_convert.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"
#include "convert/convert_int.h"
#include "stats/rc_stats.h"

/* Folds the stored values of a fuse output into the episode's statistics (rows with valid 0
 * are left out), so the manifest describes exactly what training will read. */
static rc_status stats_add(rc_stats *s, rc_dtype dtype, const void *data, int64_t T, const uint8_t *valid,
                           rc_err *err)
{
    rc_status st = RC_OK;
    int bad = dtype == RC_DTYPE_F32 ? rc_stats_add_f32(s, data, T, valid)
                                    : rc_stats_add_half(s, data, T, valid, dtype == RC_DTYPE_BF16);
    RC_FAIL_IF(bad < 0, err, RC_E_NOMEM, "out of memory for statistics");
done:
    return st;
}

static rc_elem elem_of_dtype(rc_dtype d)
{
    return d == RC_DTYPE_F32 ? RC_ELEM_F32 : d == RC_DTYPE_F16 ? RC_ELEM_F16 : RC_ELEM_BF16;
}

/* A resample stage with method window (the spec allows window nowhere else). */
static int is_window(const rc_spec_stage *sg)
{
    return sg->kind == RC_STAGE_RESAMPLE && sg->streams[0].method == RC_METHOD_WINDOW;
}

/* The outputs of window stage sg (docs/FORMAT.md): <name>/data [T, N, D], <name>/t [T] and
 * <name>/mask [T, N]; statistics count every filled slot (mask 1) as one row of D columns. */
static rc_status window_outputs(rc_episode_outputs *out, int s, const rc_spec_stage *sg, const rc_fuse_job *j,
                                const int64_t *grid, void **data, uint8_t **mask, rc_err *err)
{
    rc_status st = RC_OK;
    int32_t N = sg->streams[0].window, D = j->cols[0].src.D;
    int64_t T = j->T;
    if (out->stats) RC_TRY(stats_add(&out->stats[s], sg->dtype, *data, T * N, *mask, err));
    uint64_t dims[3] = {(uint64_t)T, (uint64_t)N, (uint64_t)D};
    RC_TRY(rc_outputs_add(out, sg->name, "data", elem_of_dtype(sg->dtype), 3, dims, data, err));
    int64_t *t_copy = rc_malloc((size_t)T * sizeof *t_copy + 1);
    RC_FAIL_IF(!t_copy, err, RC_E_NOMEM, "out of memory copying the timeline");
    memcpy(t_copy, grid, (size_t)T * sizeof *t_copy);
    RC_TRY(rc_outputs_add(out, sg->name, "t", RC_ELEM_I64, 1, dims, (void **)&t_copy, err));
    RC_TRY(rc_outputs_add(out, sg->name, "mask", RC_ELEM_U8, 2, dims, (void **)mask, err));
done:
    return st;
}

void rc_fuse_plan_free(rc_fuse_plan *p)
{
    for (int k = 0; k < p->n_jobs; k++) {
        rc_free(p->bufs[k]);
        rc_free(p->valids[k]);
        rc_free(p->masks[k]);
    }
    rc_free(p->grid);
    rc_free(p->cols);
    memset(p, 0, sizeof *p);
}

/* The jobs of every fuse/resample stage of the spec over one timeline, with their buffers. */
static rc_status plan_resample_stages(const rc_spec *spec, const rc_episode *ep, rc_episode_outputs *out,
                                      rc_fuse_plan *p, rc_err *err)
{
    rc_status st = RC_OK;
    int n_cols = 0;
    int64_t t_start = 0, t_end = 0;

    for (int s = 0; s < spec->n_stages; s++) {
        if (spec->stages[s].kind == RC_STAGE_VOXELIZE) continue;
        if (spec->stages[s].image) p->n_images++;
        else n_cols += spec->stages[s].n_streams;
    }
    if (n_cols == 0 && p->n_images == 0) return RC_OK;

    RC_TRY(rc_timeline_span(spec, ep, &t_start, &t_end, err));
    int64_t T;
    RC_TRY(rc_timeline_steps(t_start, t_end, spec->rate_hz, sizeof *p->grid, &T, err));
    out->steps = p->T = T;
    p->grid = rc_malloc((size_t)T * sizeof *p->grid);
    p->cols = rc_calloc((size_t)n_cols + 1, sizeof *p->cols);
    RC_FAIL_IF(!p->grid || !p->cols, err, RC_E_NOMEM, "out of memory for a %lld-step timeline", (long long)T);
    rc_timeline_fill(t_start, spec->rate_hz, p->grid, T);

    int c = 0;
    for (int s = 0; s < spec->n_stages; s++) {
        const rc_spec_stage *sg = &spec->stages[s];
        if (sg->kind == RC_STAGE_VOXELIZE || sg->image) continue;
        rc_fuse_job *j = &p->jobs[p->n_jobs];
        memset(j, 0, sizeof *j);
        j->cols = &p->cols[c];
        int32_t width = 0;
        for (int k = 0; k < sg->n_streams; k++, c++) {
            const rc_stream_data *sd = rc_episode_stream(ep, sg->streams[k].name);
            RC_FAIL_IF(!sd, err, RC_E_INTERNAL, "stream '%s' was not read", sg->streams[k].name);
            p->cols[c].src = (rc_series){sd->t_ns, sd->x, sd->S, sd->D};
            p->cols[c].method = sg->streams[k].method;
            p->cols[c].quat = sg->streams[k].quat_order;
            p->cols[c].col = width;
            p->cols[c].window = sg->streams[k].window;
            width += sg->streams[k].method == RC_METHOD_WINDOW ? sg->streams[k].window * sd->D : sd->D;
            p->bytes_in += (uint64_t)sd->S * (uint64_t)sd->D * 4 + (uint64_t)sd->S * 8;
        }
        j->n_cols = sg->n_streams;
        j->grid = p->grid;
        j->T = T;
        j->width = width;
        j->dtype = sg->dtype;
        j->max_gap_ns = sg->kind == RC_STAGE_FUSE ? rc_stage_max_gap_ns(sg) : 0;
        p->job_stage[p->n_jobs] = s;
        char what[160];
        snprintf(what, sizeof what, "output '%s' [%lld, %d]", sg->name, (long long)T, (int)width);
        RC_TRY(rc_budget_check(rc_budget_mul(rc_budget_mul((uint64_t)T, (uint64_t)width), rc_dtype_size(sg->dtype)),
                               RC_E_INPUT, what, err));
        p->bufs[p->n_jobs] = rc_calloc((size_t)T * (size_t)width, (size_t)rc_dtype_size(sg->dtype));
        p->valids[p->n_jobs] = rc_calloc((size_t)T + 1, 1);
        p->n_jobs++;
        RC_FAIL_IF(!p->bufs[p->n_jobs - 1] || !p->valids[p->n_jobs - 1], err, RC_E_NOMEM,
                   "out of memory for output '%s' [%lld, %d]", sg->name, (long long)T, width);
        j->out = p->bufs[p->n_jobs - 1];
        j->valid = p->valids[p->n_jobs - 1];
        if (is_window(sg)) { /* [T, N] mask beside the [T, N, D] data */
            p->masks[p->n_jobs - 1] = rc_calloc((size_t)T * (size_t)sg->streams[0].window + 1, 1);
            RC_FAIL_IF(!p->masks[p->n_jobs - 1], err, RC_E_NOMEM, "out of memory for the mask of '%s' [%lld, %d]",
                       sg->name, (long long)T, sg->streams[0].window);
            j->mask = p->masks[p->n_jobs - 1];
            p->bytes_out += (uint64_t)T * (uint64_t)sg->streams[0].window;
        }
        p->bytes_out += (uint64_t)T * (uint64_t)width * (uint64_t)rc_dtype_size(sg->dtype) + (uint64_t)T;
    }
done:
    return st;
}

/* Moves the fused outputs of a run plan into out, with their statistics, after the image
 * resamples (rc_convert_images) on the same timeline. */
static rc_status finish_resample_stages(const rc_spec *spec, rc_backend *b, const rc_episode *ep, int64_t index,
                                        rc_report *rep, rc_episode_outputs *out, rc_fuse_plan *p,
                                        rc_err *err)
{
    rc_status st = RC_OK;
    int64_t T = p->T;
    if (p->n_images > 0) RC_TRY(rc_convert_images(spec, b, ep, p->grid, T, index, rep, out, err));
    for (int k = 0; k < p->n_jobs; k++) {
        const rc_spec_stage *sg = &spec->stages[p->job_stage[k]];
        if (is_window(sg)) {
            RC_TRY(window_outputs(out, p->job_stage[k], sg, &p->jobs[k], p->grid, &p->bufs[k], &p->masks[k], err));
            continue;
        }
        if (out->stats) RC_TRY(stats_add(&out->stats[p->job_stage[k]], sg->dtype, p->bufs[k], T,
                                         sg->kind == RC_STAGE_FUSE ? p->valids[k] : NULL, err));
        uint64_t dims[2] = {(uint64_t)T, (uint64_t)p->jobs[k].width};
        RC_TRY(rc_outputs_add(out, sg->name, "data", elem_of_dtype(sg->dtype), 2, dims, &p->bufs[k], err));
        int64_t *t_copy = rc_malloc((size_t)T * sizeof *t_copy + 1);
        RC_FAIL_IF(!t_copy, err, RC_E_NOMEM, "out of memory copying the timeline");
        memcpy(t_copy, p->grid, (size_t)T * sizeof *t_copy);
        RC_TRY(rc_outputs_add(out, sg->name, "t", RC_ELEM_I64, 1, dims, (void **)&t_copy, err));
        if (sg->kind == RC_STAGE_FUSE) {
            RC_TRY(rc_outputs_add(out, sg->name, "valid", RC_ELEM_U8, 1, dims, (void **)&p->valids[k], err));
        }
    }
done:
    return st;
}

rc_status rc_convert_plan(const rc_spec *spec, const rc_episode *ep, rc_episode_outputs *out,
                          rc_fuse_plan *plan, rc_err *err)
{
    rc_status st = RC_OK;
    memset(out, 0, sizeof *out);
    memset(plan, 0, sizeof *plan);
    if (spec->stats) {
        out->stats = rc_calloc((size_t)spec->n_stages, sizeof *out->stats);
        RC_FAIL_IF(!out->stats, err, RC_E_NOMEM, "out of memory for statistics");
        for (int s = 0; s < spec->n_stages; s++) {
            const rc_spec_stage *sg = &spec->stages[s];
            if (sg->kind == RC_STAGE_VOXELIZE || sg->image) continue; /* no statistics of voxels or images */
            int32_t D = 0;
            for (int k = 0; k < sg->n_streams; k++) {
                const rc_stream_data *sd = rc_episode_stream(ep, sg->streams[k].name);
                D += sd ? sd->D : 0;
            }
            RC_FAIL_IF(rc_stats_init(&out->stats[s], D, rc_run_stats_quantiles(spec)) != 0, err, RC_E_NOMEM,
                       "out of memory for statistics");
        }
    }
    RC_TRY(plan_resample_stages(spec, ep, out, plan, err));
done:
    if (st != RC_OK) {
        rc_fuse_plan_free(plan);
        rc_episode_outputs_free(out, spec);
    }
    return st;
}

rc_status rc_convert_finish(const rc_spec *spec, rc_backend *b, const rc_episode *ep, int64_t index,
                            rc_report *rep, rc_episode_outputs *out, rc_fuse_plan *plan, rc_out_keep *keep,
                            rc_out_keep *scratch, rc_err *err)
{
    rc_status st = RC_OK;
    RC_TRY(finish_resample_stages(spec, b, ep, index, rep, out, plan, err));
    for (int s = 0; s < spec->n_stages; s++)
        if (spec->stages[s].kind == RC_STAGE_VOXELIZE)
            RC_TRY(rc_convert_voxelize(&spec->stages[s], b, ep, index, rep, out, keep, scratch, err));
done:
    rc_fuse_plan_free(plan);
    if (st != RC_OK) rc_episode_outputs_free(out, spec);
    return st;
}

