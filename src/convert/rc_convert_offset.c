/* rc_convert_offset.c — latency offsets: a stream's spec offset (offset_ms, held as int64 ns) is
 * added to its timestamps once, on the host, right after the episode is read, so the timeline's
 * span and every backend's resampling see the same shifted times. */
#include "config.h"
#include "convert/rc_convert.h"

rc_status rc_convert_offsets(const rc_spec *spec, rc_episode *ep, rc_err *err)
{
    rc_status st = RC_OK;
    for (int32_t k = 0; k < ep->n_streams; k++) {
        rc_stream_data *sd = &ep->streams[k];
        int64_t off = rc_spec_stream_offset(spec, sd->name);
        if (off == 0 || sd->S < 1) continue;
        rc_err_scope(err, ep->file, ep->id, "%s/%s", ep->group, sd->name);
        /* times only grow, so checking the ends bounds every sum */
        RC_FAIL_IF((off > 0 && sd->t_ns[sd->S - 1] > INT64_MAX - off) || (off < 0 && sd->t_ns[0] < INT64_MIN - off),
                   err, RC_E_INPUT, "offset_ms %lld ns takes the stream's times outside int64 ns", (long long)off);
        for (int64_t i = 0; i < sd->S; i++) sd->t_ns[i] += off;
    }
done:
    return st;
}
