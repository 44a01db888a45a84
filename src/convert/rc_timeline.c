/* rc_timeline.c — span selection and grid generation for one episode (docs/SPEC.md §4). */
#include "config.h"

#include "convert/rc_convert.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"

/* Does any fuse/resample stage of spec read the stream called name? */
static int stream_is_resampled(const rc_spec *spec, const char *name)
{
    for (int s = 0; s < spec->n_stages; s++) {
        const rc_spec_stage *st = &spec->stages[s];
        if (st->kind == RC_STAGE_VOXELIZE) continue;
        for (int c = 0; c < st->n_streams; c++)
            if (!strcmp(st->streams[c].name, name)) return 1;
    }
    return 0;
}

rc_status rc_timeline_span(const rc_spec *spec, const rc_episode *ep, int64_t *t_start,
                           int64_t *t_end, rc_err *err)
{
    rc_status st = RC_OK;
    int found = 0;
    int64_t lo = 0, hi = 0;
    for (int i = 0; i < ep->n_streams; i++) {
        const rc_stream_data *sd = &ep->streams[i];
        if (sd->kind == RC_STREAM_CLOUD || sd->S < 1) continue; /* series and image frames set the span */
        if (spec->span == RC_SPAN_STREAM ? strcmp(sd->name, spec->span_stream) != 0
                                         : !stream_is_resampled(spec, sd->name))
            continue;
        int64_t first = sd->t_ns[0], last = sd->t_ns[sd->S - 1];
        if (!found) {
            lo = first;
            hi = last;
        } else if (spec->span == RC_SPAN_UNION) {
            if (first < lo) lo = first;
            if (last > hi) hi = last;
        } else {
            if (first > lo) lo = first;
            if (last < hi) hi = last;
        }
        found = 1;
    }
    RC_FAIL_IF(!found, err, RC_E_INPUT, "no timestamped stream to build the timeline from (span %s)",
               spec->span == RC_SPAN_STREAM ? spec->span_stream : "of the resampled streams");
    RC_FAIL_IF(hi < lo, err, RC_E_INPUT,
               "the streams do not overlap in time: intersection of their spans is empty "
               "(latest first sample %lld ns > earliest last sample %lld ns); use span: union",
               (long long)lo, (long long)hi);
    *t_start = lo;
    *t_end = hi;
done:
    return st;
}

/* t_start + round(k * 1e9 / rate_hz) <= t_end, without overflow.  The offset is taken in uint64
 * (below 2^63 it equals llround's): from a negative t_start an offset of up to 2^64 - 1 ns can
 * still land inside int64, and one past 2^64 (a rate so low that one step is longer than 584
 * years) is past t_end. */
static int step_within(int64_t t_start, int64_t t_end, int64_t k, double rate_hz)
{
    double off = round((double)k * 1e9 / rate_hz);
    if (!(off < 0x1p64)) return 0;
    return (uint64_t)off <= (uint64_t)t_end - (uint64_t)t_start; /* t_end >= t_start: no wrap */
}

int64_t rc_timeline_count(int64_t t_start, int64_t t_end, double rate_hz)
{
    if (t_end < t_start || !(rate_hz > 0)) return 0;
    /* Estimate (in double: t_end - t_start may not fit int64), then correct by the exact rule so
     * rounding at the end cannot add or drop a step. */
    double est = floor(((double)t_end - (double)t_start) * rate_hz / 1e9) + 1;
    if (!(est < RC_TIMELINE_MAX_STEPS)) return -1;
    int64_t T = (int64_t)est;
    /* The estimate is within a step or two of the rule (T < 2^40 keeps its error far below one
     * step), so each loop runs at most a few times: counting is O(1) whatever the span. */
    while (T > 0 && !step_within(t_start, t_end, T - 1, rate_hz)) T--;
    while (T < RC_TIMELINE_MAX_STEPS && step_within(t_start, t_end, T, rate_hz)) T++;
    return T < RC_TIMELINE_MAX_STEPS ? T : -1;
}

rc_status rc_timeline_steps(int64_t t_start, int64_t t_end, double rate_hz, uint64_t step_bytes, int64_t *T,
                            rc_err *err)
{
    rc_status st = RC_OK;
    char what[160];
    *T = rc_timeline_count(t_start, t_end, rate_hz);
    RC_FAIL_IF(*T < 0, err, RC_E_INPUT,
               "expected a timeline of fewer than %lld steps, found more (%lld ns to %lld ns at rate_hz %g)",
               (long long)RC_TIMELINE_MAX_STEPS, (long long)t_start, (long long)t_end, rate_hz);
    snprintf(what, sizeof what, "a timeline of %lld steps (%lld ns to %lld ns at rate_hz %g)", (long long)*T,
             (long long)t_start, (long long)t_end, rate_hz);
    RC_TRY(rc_budget_check(rc_budget_mul((uint64_t)*T, step_bytes), RC_E_INPUT, what, err));
done:
    return st;
}

void rc_timeline_fill(int64_t t_start, double rate_hz, int64_t *grid, int64_t T)
{
    for (int64_t k = 0; k < T; k++) grid[k] = t_start + llround((double)k * 1e9 / rate_hz);
}
