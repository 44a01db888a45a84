/* rc_stats.h — per-column statistics of one output (count, mean, std, min, max) for the
 * manifest.  Each episode is accumulated on its own (Welford), then episodes are merged in
 * episode order (Chan et al.), so the result does not depend on thread count or timing. */
#ifndef RC_STATS_H
#define RC_STATS_H

#include <stdint.h>

typedef struct rc_stats {
    int32_t D;
    int64_t *count; /* [D] */
    double *mean;   /* [D] */
    double *m2;     /* [D] sum of squared deviations */
    double *min;    /* [D] */
    double *max;    /* [D] */
} rc_stats;

int rc_stats_init(rc_stats *s, int32_t D); /* 0, or -1 out of memory */
void rc_stats_free(rc_stats *s);
/* Adds rows[T, D] (float32); rows with valid[k] == 0 are left out (valid may be NULL). */
void rc_stats_add_f32(rc_stats *s, const float *rows, int64_t T, const uint8_t *valid);
/* a += b (same D). */
void rc_stats_merge(rc_stats *a, const rc_stats *b);
double rc_stats_std(const rc_stats *s, int32_t j); /* population std; 0 when count < 2 */

#endif
