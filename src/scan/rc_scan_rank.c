/* rc_scan_rank.c — the order and the nearest-rank percentile every figure of scan uses
 * (scan_int.h): the smallest value with at least that share of values at or below it. */
#include "config.h"

#include "scan/scan_int.h"

#include <math.h>

int rc_scan_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int64_t rc_scan_rank_of(const int64_t *v, int64_t n, double p)
{
    int64_t r = (int64_t)ceil(p * (double)n);
    return v[(r < 1 ? 1 : r > n ? n : r) - 1];
}
