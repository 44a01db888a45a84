/* rc_stats.c — per-column count/mean/std/min/max (rc_stats.h).  Rows are folded in with
 * Welford's update; episodes are combined with Chan et al.'s pairwise formula, in episode order,
 * so the result depends only on the data and that order, not on threads. */
#include "config.h"
#include "writer/rc_stats.h"

#include <math.h>
#include <string.h>

#include "common/rc_alloc.h"

int rc_stats_init(rc_stats *s, int32_t D)
{
    memset(s, 0, sizeof *s);
    s->D = D;
    s->count = rc_calloc((size_t)D, sizeof *s->count);
    s->mean = rc_calloc((size_t)D, sizeof *s->mean);
    s->m2 = rc_calloc((size_t)D, sizeof *s->m2);
    s->min = rc_calloc((size_t)D, sizeof *s->min);
    s->max = rc_calloc((size_t)D, sizeof *s->max);
    if (!s->count || !s->mean || !s->m2 || !s->min || !s->max) {
        rc_stats_free(s);
        return -1;
    }
    for (int32_t j = 0; j < D; j++) {
        s->min[j] = INFINITY;
        s->max[j] = -INFINITY;
    }
    return 0;
}

void rc_stats_free(rc_stats *s)
{
    rc_free(s->count);
    rc_free(s->mean);
    rc_free(s->m2);
    rc_free(s->min);
    rc_free(s->max);
    memset(s, 0, sizeof *s);
}

void rc_stats_add_f32(rc_stats *s, const float *rows, int64_t T, const uint8_t *valid)
{
    for (int64_t k = 0; k < T; k++) {
        if (valid && !valid[k]) continue;
        const float *row = rows + k * s->D;
        for (int32_t j = 0; j < s->D; j++) {
            double x = row[j];
            int64_t n = ++s->count[j];
            double delta = x - s->mean[j];
            s->mean[j] += delta / (double)n;
            s->m2[j] += delta * (x - s->mean[j]);
            if (x < s->min[j]) s->min[j] = x;
            if (x > s->max[j]) s->max[j] = x;
        }
    }
}

void rc_stats_merge(rc_stats *a, const rc_stats *b)
{
    for (int32_t j = 0; j < a->D; j++) {
        int64_t na = a->count[j], nb = b->count[j];
        if (nb == 0) continue;
        double n = (double)(na + nb);
        double delta = b->mean[j] - a->mean[j];
        a->mean[j] += delta * ((double)nb / n);
        a->m2[j] += b->m2[j] + delta * delta * ((double)na * (double)nb / n);
        a->count[j] = na + nb;
        if (b->min[j] < a->min[j]) a->min[j] = b->min[j];
        if (b->max[j] > a->max[j]) a->max[j] = b->max[j];
    }
}

double rc_stats_std(const rc_stats *s, int32_t j)
{
    if (s->count[j] < 2) return 0.0;
    return sqrt(s->m2[j] / (double)s->count[j]);
}
