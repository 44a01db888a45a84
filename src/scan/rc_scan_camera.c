/* rc_scan_camera.c — the camera figures of `scan` (docs/SCAN.md, "Cameras"): frozen frames (a
 * frame byte-identical to the one before it: a dead or stuck camera), dropped frames (a step
 * over 1.5 median steps, and how many frames it misses), and the dt_ns each image stage would
 * write on the spec's timeline, by the very frame rule the conversion uses
 * (rc_image_stage_choose). */
#include "config.h"

#include "scan/scan_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"
#include "convert/rc_convert.h"

void rc_scan_camera_frames(const rc_stream_data *sd, int data_passes, rc_scan_stream *s)
{
    size_t frame = (size_t)sd->H * (size_t)sd->W * (size_t)sd->D;
    int64_t run = 1;
    s->frozen_longest_at = s->first_drop_index = -1;
    for (int64_t i = 1; i < sd->S; i++) {
        if (data_passes && memcmp(sd->u8 + (size_t)i * frame, sd->u8 + (size_t)(i - 1) * frame, frame) == 0) {
            s->frozen_frames++;
            if (++run == 2) s->frozen_runs++;
            if (run > s->frozen_longest) {
                s->frozen_longest = run;
                s->frozen_longest_at = i - run + 1;
            }
        } else {
            run = 1;
        }
        uint64_t step = (uint64_t)sd->t_ns[i] - (uint64_t)sd->t_ns[i - 1];
        if (s->step_p50_ns > 0 && sd->t_ns[i] > sd->t_ns[i - 1] && (double)step > 1.5 * (double)s->step_p50_ns) {
            if (s->dropped_gaps++ == 0) s->first_drop_index = i;
            s->dropped_frames += llround((double)step / (double)s->step_p50_ns) - 1;
        }
    }
}

/* The figures of image stage sg over frame times t[S] on grid[T]; work holds 2 T int64 and T
 * bytes. */
static void stage_dt(const rc_spec_stage *sg, const int64_t *t, int64_t S, const int64_t *grid, int64_t T,
                     int64_t *work, rc_scan_dt *d)
{
    int64_t *source = work, *dt = work + T;
    uint8_t *valid = (uint8_t *)(work + 2 * T);
    snprintf(d->stage, sizeof d->stage, "%s", sg->name);
    rc_image_stage_choose(t, S, sg->streams[0].method, rc_stage_max_gap_ns(sg), grid, T, source, dt, valid);
    d->steps = T;
    for (int64_t k = 0; k < T; k++) {
        d->invalid += !valid[k];
        d->frames_used += k == 0 || source[k] != source[k - 1]; /* source never decreases */
    }
    qsort(dt, (size_t)T, sizeof *dt, rc_scan_cmp_i64);
    d->min_ns = dt[0];
    d->p50_ns = rc_scan_rank_of(dt, T, 0.50);
    d->p99_ns = rc_scan_rank_of(dt, T, 0.99);
    d->max_ns = dt[T - 1];
}

rc_status rc_scan_camera_dt(const rc_spec *spec, const rc_episode *ep, rc_scan_episode *se, rc_err *err)
{
    rc_status st = RC_OK;
    int64_t *grid = NULL, *work = NULL;
    if (!se->span_ok || se->steps < 1) return RC_OK;
    int64_t T = se->steps;
    for (int g = 0; g < spec->n_stages; g++) {
        const rc_spec_stage *sg = &spec->stages[g];
        if (sg->kind != RC_STAGE_IMAGE) continue;
        for (int32_t k = 0; k < ep->n_streams; k++) {
            const rc_stream_data *sd = &ep->streams[k];
            rc_scan_stream *s = &se->streams[k];
            /* a stream with order problems has no frame rule: run refuses it */
            if (strcmp(sd->name, sg->streams[0].name) || sd->S < 1 || s->duplicates || s->decreases) continue;
            if (!grid) {
                RC_TRY(rc_budget_check(rc_budget_mul((uint64_t)T, 3 * sizeof(int64_t) + 1), RC_E_INPUT,
                                       "the dt_ns figures of the camera streams", err));
                grid = rc_malloc((size_t)T * sizeof *grid);
                work = rc_malloc((size_t)T * (2 * sizeof *work + 1) + sizeof *work);
                RC_FAIL_IF(!grid || !work, err, RC_E_NOMEM, "out of memory for a %lld-step timeline", (long long)T);
                rc_timeline_fill(se->span_start_ns, spec->rate_hz, grid, T);
            }
            if (!s->dt) {
                s->dt = rc_calloc((size_t)spec->n_stages, sizeof *s->dt);
                RC_FAIL_IF(!s->dt, err, RC_E_NOMEM, "out of memory for the dt_ns figures of '%s'", sd->name);
            }
            stage_dt(sg, sd->t_ns, sd->S, grid, T, work, &s->dt[s->n_dt++]);
        }
    }
done:
    rc_free(grid);
    rc_free(work);
    return st;
}
