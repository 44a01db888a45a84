/* rc_convert_camera.c — the image stage (docs/SPEC.md §5, "image"): per grid step the source
 * frame of method nearest or previous by the one resample rule (rc_resample_pair of
 * ops/rc_ops.h, edge frames held), its provenance (source_index, dt_ns = step time minus
 * frame time) and the fuse gap rule (valid); the chosen frames are cropped and resized on the
 * backend (rc_backend_image_resize: the same bytes on every backend), each distinct frame once;
 * encoding jpeg leaves them to the compression workers (rc_convert_jpeg.c). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backend/rc_backend.h"
#include "common/rc_common.h"
#include "convert/convert_int.h"
#include "ops/rc_ops.h"

void rc_image_stage_geom(const rc_spec_stage *sg, int32_t H, int32_t W, int32_t C, rc_image_geom *g)
{
    g->H = H;
    g->W = W;
    g->C = C;
    g->crop_y = sg->has_crop ? sg->crop[0] : 0;
    g->crop_x = sg->has_crop ? sg->crop[1] : 0;
    g->crop_h = sg->has_crop ? sg->crop[2] : H;
    g->crop_w = sg->has_crop ? sg->crop[3] : W;
    g->out_h = sg->has_resize ? sg->resize[0] : g->crop_h;
    g->out_w = sg->has_resize ? sg->resize[1] : g->crop_w;
    g->interp = sg->interp;
}

void rc_image_stage_choose(const int64_t *t, int64_t S, rc_method m, int64_t max_gap_ns, const int64_t *grid,
                           int64_t T, int64_t *source, int64_t *dt_ns, uint8_t *valid)
{
    for (int64_t k = 0; k < T; k++) {
        int64_t i = rc_bracket(t, S, grid[k]);
        int64_t row = rc_resample_pair(t, S, m, i, grid[k]).row;
        source[k] = row;
        dt_ns[k] = (int64_t)((uint64_t)grid[k] - (uint64_t)t[row]);
        valid[k] = (uint8_t)rc_valid_at(t, S, i, grid[k], max_gap_ns);
    }
}

int64_t rc_stage_max_gap_ns(const rc_spec_stage *sg)
{
    return sg->max_gap_ms > 0 ? llround(sg->max_gap_ms * 1e6) : 0;
}

rc_status rc_convert_image_stage(const rc_spec_stage *sg, rc_backend *b, const rc_episode *ep, const int64_t *grid,
                                 int64_t T, int64_t index, rc_report *rep, rc_episode_outputs *out, rc_err *err)
{
    rc_status st = RC_OK;
    uint8_t *frames = NULL, *valid = NULL;
    int64_t *t_copy = NULL, *source = NULL, *dt = NULL;
    rc_image_geom g;
    char why[256], what[200];
    const rc_stream_data *sd = rc_episode_stream(ep, sg->streams[0].name);
    RC_FAIL_IF(!sd || sd->kind != RC_STREAM_IMAGE || !sd->u8 || sd->S < 1, err, RC_E_INTERNAL,
               "image stream '%s' was not read", sg->streams[0].name);
    rc_err_scope(err, ep->file, ep->id, "%s/%s", strcmp(ep->group, "/") ? ep->group : "", sd->name);
    rc_image_stage_geom(sg, sd->H, sd->W, sd->D, &g);
    RC_FAIL_IF(rc_image_geom_check(&g, why, (int)sizeof why) != 0, err, RC_E_INPUT,
               "image stage '%s' cannot use stream '%s' ([%lld, %d, %d, %d]): %s", sg->name, sd->name,
               (long long)sd->S, sd->H, sd->W, sd->D, why);
    int64_t frame = rc_image_out_bytes(&g);
    snprintf(what, sizeof what, "output '%s' [%lld, %d, %d, %d]", sg->name, (long long)T, g.out_h, g.out_w, g.C);
    RC_TRY(rc_budget_check(rc_budget_mul((uint64_t)T, (uint64_t)frame + 3 * sizeof(int64_t) + 1), RC_E_INPUT, what,
                           err));
    double t0 = rc_now_s();
    frames = rc_malloc((size_t)T * (size_t)frame + 1);
    t_copy = rc_malloc((size_t)T * sizeof *t_copy + 1);
    source = rc_malloc((size_t)T * sizeof *source + 1);
    dt = rc_malloc((size_t)T * sizeof *dt + 1);
    valid = rc_malloc((size_t)T + 1);
    RC_FAIL_IF(!frames || !t_copy || !source || !dt || !valid, err, RC_E_NOMEM, "out of memory for %s", what);
    rc_image_stage_choose(sd->t_ns, sd->S, sg->streams[0].method, rc_stage_max_gap_ns(sg), grid, T, source, dt, valid);
    rc_image_batch batch = {sd->u8, sd->S, source, T, frames};
    RC_TRY(rc_backend_image_resize(b, &g, &batch, err));
    memcpy(t_copy, grid, (size_t)T * sizeof *t_copy);
    rc_report_interval(rep, RC_TIMED_RESAMPLE, index, t0, rc_now_s(), (uint64_t)sd->S * (uint64_t)rc_image_in_bytes(&g),
                       (uint64_t)T * (uint64_t)frame, T);
    uint64_t dims[4] = {(uint64_t)T, (uint64_t)g.out_h, (uint64_t)g.out_w, (uint64_t)g.C};
    int data_at = out->n; /* frames or JPEG rows: one per chunk */
    if (sg->encoding == RC_IMAGE_JPEG) RC_TRY(rc_jpeg_job_add(sg, &g, &frames, source, T, err->path, out, err));
    else RC_TRY(rc_outputs_add(out, sg->name, "data", RC_ELEM_U8, 4, dims, (void **)&frames, err));
    out->items[data_at].chunk_rows = 1;
    RC_TRY(rc_outputs_add(out, sg->name, "t", RC_ELEM_I64, 1, dims, (void **)&t_copy, err));
    RC_TRY(rc_outputs_add(out, sg->name, "source_index", RC_ELEM_I64, 1, dims, (void **)&source, err));
    RC_TRY(rc_outputs_add(out, sg->name, "dt_ns", RC_ELEM_I64, 1, dims, (void **)&dt, err));
    RC_TRY(rc_outputs_add(out, sg->name, "valid", RC_ELEM_U8, 1, dims, (void **)&valid, err));
done:
    rc_free(frames);
    rc_free(t_copy);
    rc_free(source);
    rc_free(dt);
    rc_free(valid);
    return st;
}
