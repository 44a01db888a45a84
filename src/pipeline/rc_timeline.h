/* rc_timeline.h — the target grid of SPEC section 4: which span an episode's grid covers
 * (intersection, union or one stream's) and the timestamps t_k = t_start + round(k*1e9/rate). */
#ifndef RC_TIMELINE_H
#define RC_TIMELINE_H

#include <stdint.h>

#include "common/rc_error.h"
#include "reader/rc_reader.h"
#include "spec/rc_spec.h"

/* The span of ep's series streams used by the spec's fuse/resample stages (point clouds
 * excluded).  RC_E_INPUT (scope already set by the caller) when an intersection is empty. */
rc_status rc_timeline_span(const rc_spec *spec, const rc_episode *ep, int64_t *t_start,
                           int64_t *t_end, rc_err *err);

/* Longest grid an episode may have: keeps every count and offset exact in int64 and double. */
#define RC_TIMELINE_MAX_STEPS ((int64_t)1 << 40)

/* Number of grid points from t_start to t_end inclusive at rate_hz: k = 0.. while t_k <= t_end;
 * -1 when that is RC_TIMELINE_MAX_STEPS or more. */
int64_t rc_timeline_count(int64_t t_start, int64_t t_end, double rate_hz);
/* *T = rc_timeline_count, checked: RC_E_INPUT (scope set by the caller) when the span has
 * RC_TIMELINE_MAX_STEPS steps or more, or when T * step_bytes is over the memory budget. */
rc_status rc_timeline_steps(int64_t t_start, int64_t t_end, double rate_hz, uint64_t step_bytes, int64_t *T,
                            rc_err *err);
/* grid[k] = t_start + llround(k * 1e9 / rate_hz) for k < T (the product and quotient in double). */
void rc_timeline_fill(int64_t t_start, double rate_hz, int64_t *grid, int64_t T);

#endif
