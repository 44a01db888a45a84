/* rc_synth.h — writes synthetic robocache-raw input shards (SPEC section 5) that look like real
 * robot logs: multi-rate streams with their own start/stop times, timestamp jitter, dropped
 * samples and a few long gaps, and LiDAR sweeps of a ground plane, walls and objects.  Same
 * options, same bytes. */
#ifndef RC_SYNTH_H
#define RC_SYNTH_H

#include <stdint.h>

#include "common/rc_error.h"

typedef struct rc_synth_opts {
    int64_t episodes;
    double seconds;            /* per episode */
    uint64_t seed;
    char preset[32];           /* "tiny" (tests), "demo", "bench" */
} rc_synth_opts;

/* Fills the preset's defaults (episodes, seconds) for fields left at 0. RC_E_USAGE for an
 * unknown preset (message lists the known ones). */
rc_status rc_synth_preset(rc_synth_opts *o, rc_err *err);
/* Writes dir/raw-NNNNN.h5 shards (created if missing). */
rc_status rc_synth_write(const char *dir, const rc_synth_opts *o, rc_err *err);

#endif
