/* rc_convert_prepare.c — an episode as read, made ready for the stages: each stream must be of
 * the kind its stages take (the spec was checked against the first input file; another file
 * may hold a stream of the same name as another kind), a stream resampled with slerp must hold
 * unit quaternions (checked here, on the host, so both backends refuse the same rows), and a
 * stream's latency offset (spec offset_ms, held as int64 ns) is added to its timestamps once,
 * on the host, so the timeline's span and every backend's resampling see the same shifted times. */
#include "config.h"
#include "convert/rc_convert.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Rows named in the message of a stream that is not unit quaternions; the rest are counted. */
#define QUAT_ROWS_LISTED 5

static const char *kind_name(rc_stream_kind k)
{
    return k == RC_STREAM_CLOUD ? "point cloud" : k == RC_STREAM_IMAGE ? "image" : "time series";
}

/* Every row of sd (4 columns), as slerp of stage sg reads it, is a unit quaternion within
 * RC_QUAT_NORM_TOLERANCE; else RC_E_INPUT naming the first rows, their norms and the count.
 * The norm is taken in double, so a float32 row of a unit quaternion always passes. */
static rc_status check_unit_quaternions(const rc_spec_stage *sg, const rc_stream_data *sd, rc_err *err)
{
    int64_t bad = 0, rows[QUAT_ROWS_LISTED];
    double norms[QUAT_ROWS_LISTED];
    for (int64_t i = 0; i < sd->S; i++) {
        const float *q = sd->x + i * 4;
        double norm = sqrt((double)q[0] * q[0] + (double)q[1] * q[1] + (double)q[2] * q[2] + (double)q[3] * q[3]);
        if (fabs(norm - 1.0) <= RC_QUAT_NORM_TOLERANCE) continue; /* NaN is never within */
        if (bad < QUAT_ROWS_LISTED) {
            rows[bad] = i;
            norms[bad] = norm;
        }
        bad++;
    }
    if (bad == 0) return RC_OK;
    char listed[QUAT_ROWS_LISTED * 48] = "";
    size_t len = 0;
    for (int64_t k = 0; k < bad && k < QUAT_ROWS_LISTED && len < sizeof listed; k++) {
        int w = snprintf(listed + len, sizeof listed - len, "%s%lld (|q| = %.6g)", k ? ", " : "", (long long)rows[k],
                         norms[k]);
        if (w > 0) len += (size_t)w;
    }
    return rc_err_set(err, RC_E_INPUT, __FILE__, __LINE__,
                      "stage '%s' resamples stream '%s' with slerp, which needs unit quaternions "
                      "(| |q| - 1 | <= %g): %lld of %lld rows are not: row%s %s%s",
                      sg->name, sd->name, RC_QUAT_NORM_TOLERANCE, (long long)bad, (long long)sd->S, bad > 1 ? "s" : "",
                      listed, bad > QUAT_ROWS_LISTED ? ", ..." : "");
}

rc_status rc_convert_check_quaternions(const rc_spec *spec, const rc_episode *ep, rc_err *err)
{
    rc_status st = RC_OK;
    for (int32_t s = 0; s < spec->n_stages; s++) {
        const rc_spec_stage *sg = &spec->stages[s];
        if (sg->kind == RC_STAGE_VOXELIZE || sg->image) continue;
        for (int k = 0; k < sg->n_streams; k++) {
            const rc_stream_data *sd = rc_episode_stream(ep, sg->streams[k].name);
            if (sg->streams[k].method != RC_METHOD_SLERP || !sd || sd->kind != RC_STREAM_SERIES || sd->D != 4)
                continue; /* a missing stream or another width: the stages report it */
            rc_err_scope(err, ep->file, ep->id, "%s/%s", strcmp(ep->group, "/") ? ep->group : "", sd->name);
            RC_TRY(check_unit_quaternions(sg, sd, err));
        }
    }
done:
    return st;
}

rc_status rc_convert_prepare(const rc_spec *spec, rc_episode *ep, rc_err *err)
{
    rc_status st = RC_OK;
    for (int32_t s = 0; s < spec->n_stages; s++) {
        const rc_spec_stage *sg = &spec->stages[s];
        int n = sg->kind == RC_STAGE_VOXELIZE ? 1 : sg->n_streams;
        rc_stream_kind want = sg->kind == RC_STAGE_VOXELIZE ? RC_STREAM_CLOUD
                              : sg->image                   ? RC_STREAM_IMAGE
                                                            : RC_STREAM_SERIES;
        for (int k = 0; k < n; k++) {
            const char *name = sg->kind == RC_STAGE_VOXELIZE ? sg->cloud : sg->streams[k].name;
            const rc_stream_data *sd = rc_episode_stream(ep, name);
            if (!sd) continue; /* not read: the stages report it */
            rc_err_scope(err, ep->file, ep->id, "%s/%s", strcmp(ep->group, "/") ? ep->group : "", name);
            RC_FAIL_IF(sd->kind != want, err, RC_E_INPUT, "expected stream '%s' to be a %s (stage '%s'), found a %s",
                       name, kind_name(want), sg->name, kind_name(sd->kind));
        }
    }
    RC_TRY(rc_convert_check_quaternions(spec, ep, err));
    for (int32_t k = 0; k < ep->n_streams; k++) {
        rc_stream_data *sd = &ep->streams[k];
        int64_t off = rc_spec_stream_offset(spec, sd->name);
        if (off == 0 || sd->S < 1) continue;
        rc_err_scope(err, ep->file, ep->id, "%s/%s", strcmp(ep->group, "/") ? ep->group : "", sd->name);
        /* times only grow, so checking the ends bounds every sum */
        RC_FAIL_IF((off > 0 && sd->t_ns[sd->S - 1] > INT64_MAX - off) || (off < 0 && sd->t_ns[0] < INT64_MIN - off),
                   err, RC_E_INPUT, "offset_ms %lld ns takes the stream's times outside int64 ns", (long long)off);
        for (int64_t i = 0; i < sd->S; i++) sd->t_ns[i] += off;
    }
done:
    return st;
}
