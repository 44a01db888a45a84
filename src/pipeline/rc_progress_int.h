/* rc_progress_int.h — the run's progress line (docs/SPEC.md §2, --progress): episodes and input
 * bytes done, rate and ETA, handed at most every interval_s seconds (and once at the end) to
 * the rc_progress_fn the CLI installs; the library itself never prints. */
#ifndef RC_PROGRESS_H
#define RC_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline/rc_pipeline.h" /* rc_progress_fn */

typedef struct rc_progress {
    rc_progress_fn fn;    /* NULL: no progress */
    void *ctx;
    double interval_s;
    double t0, last_s;
    int64_t done, skipped, total;
    uint64_t bytes;
} rc_progress;

void rc_progress_start(rc_progress *p, rc_progress_fn fn, void *ctx, double interval_s, int64_t total);
/* One episode finished (written, or skipped when skipped is 1) after bytes_in bytes were read. */
void rc_progress_step(rc_progress *p, uint64_t bytes_in, int skipped);
void rc_progress_finish(rc_progress *p);

#endif
