/* rc_convert_prepare.c — an episode as read, made ready for the stages: each stream must be of
 * the kind its stages take (the spec was checked against the first input file; another file
 * may hold a stream of the same name as another kind), and a stream's latency offset (spec
 * offset_ms, held as int64 ns) is added to its timestamps once, on the host, so the timeline's
 * span and every backend's resampling see the same shifted times. */
#include "config.h"
#include "convert/rc_convert.h"

#include <string.h>

static const char *kind_name(rc_stream_kind k)
{
    return k == RC_STREAM_CLOUD ? "point cloud" : k == RC_STREAM_IMAGE ? "image" : "time series";
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
