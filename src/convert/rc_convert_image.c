/* rc_convert_image.c — the stages that carry an image stream: image stages go to
 * rc_convert_camera.c; image resample stages (docs/SPEC.md §5: images pass through `nearest`
 * unchanged in type): for each grid step the nearest frame by the resample rule of docs/SPEC.md §4
 * (t[i] <= t_k < t[i+1], the closer sample, ties to the earlier; the edge frames held outside
 * [t[0], t[S-1]]) is copied, so the output is uint8 [T, H, W, C] of stored frames.  This is
 * bookkeeping, not arithmetic: it runs on the host for every backend. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"
#include "convert/convert_int.h"
#include "ops/rc_ops.h"

/* The frame of t[S] nearest to tk: the resample rule of method nearest (ops/rc_ops.h). */
static int64_t nearest_frame(const int64_t *t, int64_t S, int64_t tk)
{
    return rc_resample_pair(t, S, RC_METHOD_NEAREST, rc_bracket(t, S, tk), tk).row;
}

rc_status rc_convert_images(const rc_spec *spec, rc_backend *b, const rc_episode *ep, const int64_t *grid, int64_t T,
                            int64_t index, rc_report *rep, rc_episode_outputs *out, rc_err *err)
{
    rc_status st = RC_OK;
    uint8_t *frames = NULL;
    int64_t *t_copy = NULL;
    for (int s = 0; s < spec->n_stages; s++) {
        const rc_spec_stage *sg = &spec->stages[s];
        if (sg->kind == RC_STAGE_VOXELIZE || !sg->image) continue;
        if (sg->kind == RC_STAGE_IMAGE) {
            RC_TRY(rc_convert_image_stage(sg, b, ep, grid, T, index, rep, out, err));
            continue;
        }
        const rc_stream_data *sd = rc_episode_stream(ep, sg->streams[0].name);
        RC_FAIL_IF(!sd || sd->kind != RC_STREAM_IMAGE || !sd->u8, err, RC_E_INTERNAL, "image stream '%s' was not read",
                   sg->streams[0].name);
        size_t frame = (size_t)sd->H * (size_t)sd->W * (size_t)sd->D;
        double t0 = rc_now_s();
        char what[160];
        snprintf(what, sizeof what, "output '%s' [%lld, %d, %d, %d]", sg->name, (long long)T, sd->H, sd->W, sd->D);
        RC_TRY(rc_budget_check(rc_budget_mul((uint64_t)T, frame), RC_E_INPUT, what, err));
        frames = rc_malloc((size_t)T * frame + 1);
        t_copy = rc_malloc((size_t)T * sizeof *t_copy + 1);
        RC_FAIL_IF(!frames || !t_copy, err, RC_E_NOMEM, "out of memory for output '%s' [%lld, %d, %d, %d]", sg->name,
                   (long long)T, sd->H, sd->W, sd->D);
        for (int64_t k = 0; k < T; k++)
            memcpy(frames + (size_t)k * frame, sd->u8 + (size_t)nearest_frame(sd->t_ns, sd->S, grid[k]) * frame,
                   frame);
        memcpy(t_copy, grid, (size_t)T * sizeof *t_copy);
        rc_report_interval(rep, RC_TIMED_RESAMPLE, index, t0, rc_now_s(), (uint64_t)sd->S * frame,
                           (uint64_t)T * frame, T);
        uint64_t dims[4] = {(uint64_t)T, (uint64_t)sd->H, (uint64_t)sd->W, (uint64_t)sd->D};
        RC_TRY(rc_outputs_add(out, sg->name, "data", RC_ELEM_U8, 4, dims, (void **)&frames, err));
        RC_TRY(rc_outputs_add(out, sg->name, "t", RC_ELEM_I64, 1, dims, (void **)&t_copy, err));
    }
done:
    rc_free(frames);
    rc_free(t_copy);
    return st;
}
