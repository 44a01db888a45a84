/* rc_synth.h — writes synthetic robocache-raw input shards (docs/SPEC.md §5) that look like real
 * robot logs: multi-rate streams with their own start/stop times, timestamp jitter, dropped
 * samples and a few long gaps, and LiDAR sweeps of a ground plane, walls and objects; with the
 * camera presets, 480 x 640 camera frames with moving content (robocache-raw image streams at
 * 30 and 50 Hz, or ALOHA files, raw or JPEG-compressed).  Same options, same bytes. */
#ifndef RC_SYNTH_H
#define RC_SYNTH_H

#include <stdint.h>

#include "common/rc_common.h"

#define RC_SYNTH_MAX_EPISODES 1000000
#define RC_SYNTH_MAX_SECONDS 3600.0

typedef struct rc_synth_opts {
    int64_t episodes;
    double seconds;            /* per episode */
    uint64_t seed;
    char preset[32];           /* "tiny" (tests), "demo", "bench", "camera", "aloha", "aloha-jpeg" */
    int64_t episodes_per_shard; /* episodes in each raw-NNNNN.h5 */
    /* Called after each episode is written (NULL: not called) with the episodes written so far;
     * it changes nothing that is written. */
    void (*on_episode)(int64_t written, int64_t total, void *ctx);
    void *ctx;
} rc_synth_opts;

/* Fills the preset's defaults (episodes, seconds, episodes_per_shard) for fields left at 0.
 * RC_E_USAGE for an unknown preset (message lists the known ones). */
rc_status rc_synth_preset(rc_synth_opts *o, rc_err *err);
/* Writes dir/raw-NNNNN.h5 shards (dir created if missing): ceil(episodes / episodes_per_shard)
 * files, episodes ep-000000, ep-000001, ... in order.  RC_E_USAGE when episodes is outside
 * [1, RC_SYNTH_MAX_EPISODES], seconds outside (0, RC_SYNTH_MAX_SECONDS] or not finite,
 * episodes_per_shard < 1 or the preset unknown. */
rc_status rc_synth_write(const char *dir, const rc_synth_opts *o, rc_err *err);
/* The path of output file i (0-based) of rc_synth_write: DIR/raw-NNNNN.h5, or for the aloha
 * presets (one episode per file) DIR/episode_<i>.hdf5.  Returns snprintf's result. */
int rc_synth_file_path(const char *dir, const rc_synth_opts *o, int64_t i, char *buf, size_t n);

#endif
