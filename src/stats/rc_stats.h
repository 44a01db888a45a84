/* rc_stats.h — mergeable per-column statistics of one output for the manifest: count, mean,
 * std, min, max and the quantiles q01 q10 q50 q90 q99 of the valid float32 values.
 *
 * The state is integer, so merging is exact and order-free: N tasks + merge = one task, bit for
 * bit.  Per column it holds the sum of the values and the sum of their squares as wide
 * fixed-point integers (every float32 is an integer multiple of 2^-149, every square of
 * 2^-298), the exact min and max, and for the quantiles either a bounded histogram
 * (rc_quantile_sketch_int.h, the default: each order statistic within 2^-11 of its value, memory
 * independent of the number of values) or, with RC_QUANTILES_EXACT, the multiset of the values as sorted (value,
 * multiplicity) runs, read exactly (16 bytes per distinct value per column, plus 16 bytes per
 * value not yet sorted in).  docs/FORMAT.md gives the formulas and the serialized form. */
#ifndef RC_STATS_H
#define RC_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/rc_error.h"
#include "common/rc_json.h"
#include "stats/rc_quantile_sketch_int.h"

#define RC_STATS_SUM_LIMBS 6   /* 384 bits: |x| * 2^149 < 2^277, times up to 2^63 values */
#define RC_STATS_SQ_LIMBS 10   /* 640 bits: x^2 * 2^298 < 2^554, times up to 2^63 values */
#define RC_STATS_NQ 5
#define RC_STATS_SHIFTS 254    /* x * 2^149 = m << s, m < 2^24, s < 254 for finite float32 x */
/* Worst-case bytes per value of RC_QUANTILES_EXACT over a run: a 16-byte run in the totals, as
 * much again queued before it is sorted in, and the union of train and val that the manifest's
 * figures are read from (queued, then sorted in). */
#define RC_STATS_EXACT_BYTES_PER_VALUE 64

/* How quantiles are kept (spec `stats: {quantiles: ...}`). */
typedef enum rc_quantiles { RC_QUANTILES_SKETCH = 0, RC_QUANTILES_EXACT = 1 } rc_quantiles;

/* One distinct value (as an order key, see rc_stats.c) and how often it occurs. */
typedef struct rc_stats_run {
    uint64_t count;
    uint32_t key;
} rc_stats_run;

typedef struct rc_stats_col {
    int64_t count;                        /* valid values folded in */
    int64_t nonfinite;                    /* of which +-inf or NaN: not in the sums */
    uint64_t sum[RC_STATS_SUM_LIMBS];     /* sum of x * 2^149, two's complement, little-endian limbs */
    uint64_t sumsq[RC_STATS_SQ_LIMBS];    /* sum of x^2 * 2^298 */
    /* Not yet folded into sum and sumsq (counting is then two adds): per shift s of the values
     * x * 2^149 = m << s, the sum of +-m and of m^2, over acc_n values (folded before 2^32). */
    int64_t acc_sum[RC_STATS_SHIFTS];
    unsigned __int128 acc_sq[RC_STATS_SHIFTS];
    uint64_t acc_n;
    uint32_t min_key, max_key;            /* sketch: order keys of the exact min and max (count > 0) */
    rc_qsketch sketch;                    /* RC_QUANTILES_SKETCH: the values' histogram */
    rc_stats_run *runs;                   /* RC_QUANTILES_EXACT: [n_runs] sorted by key, counts > 0 */
    size_t n_runs, cap_runs;
    rc_stats_run *pending;                /* [n_pending] not yet sorted into runs */
    size_t n_pending, cap_pending;
} rc_stats_col;

typedef struct rc_stats {
    int32_t D;
    rc_quantiles quantiles;
    rc_stats_col *col; /* [D] */
} rc_stats;

/* The reported figures of one column.  Statistics of an empty column are NaN; mean and std are
 * NaN when a value is not finite. */
typedef struct rc_stats_summary {
    int64_t count;
    double mean, std, min, max;
    double q[RC_STATS_NQ];  /* at rc_stats_quantiles[] */
    int constant;           /* count > 0 and std == 0 (min == max) */
} rc_stats_summary;

extern const double rc_stats_quantiles[RC_STATS_NQ];   /* 0.01 0.10 0.50 0.90 0.99 */
extern const char *const rc_stats_quantile_names[RC_STATS_NQ]; /* "q01" ... "q99" */

int rc_stats_init(rc_stats *s, int32_t D, rc_quantiles q); /* 0, or -1 out of memory */
void rc_stats_free(rc_stats *s);           /* accepts a zeroed s */
/* Adds rows[T, D]; rows with valid[k] == 0 are left out (valid may be NULL).  0 or -1 (out of
 * memory; s is then unchanged in count but must be freed). */
int rc_stats_add_f32(rc_stats *s, const float *rows, int64_t T, const uint8_t *valid);
/* The exact float32 value of float16 (IEEE half) or bfloat16 bits: the one decoder of both. */
float rc_half_to_f32(uint16_t h, int bfloat16);
/* Same as rc_stats_add_f32 for float16 or bfloat16 bits, taken at their exact float32 value. */
int rc_stats_add_half(rc_stats *s, const uint16_t *rows, int64_t T, const uint8_t *valid, int bfloat16);
/* a += b exactly (same D and quantiles; a zeroed a takes b's).  0 or -1. */
int rc_stats_merge(rc_stats *a, const rc_stats *b);
/* Sorts pending values into the runs (needed before summarize and save).  0 or -1. */
int rc_stats_compact(rc_stats *s);
/* *dst = a compacted copy of src.  0 or -1. */
int rc_stats_copy(rc_stats *dst, const rc_stats *src);
/* Figures of column j of a compacted s. */
void rc_stats_summarize(const rc_stats *s, int32_t j, rc_stats_summary *out);
/* Writes "count": [..], "mean": [..], "std", "min", "max", "q01".."q99", "constant": [..] of the
 * summaries sm[D] of D columns, without closing the object (the caller may add keys, then
 * closes it). */
void rc_stats_write_summaries(rc_json *j, const rc_stats_summary *sm, int32_t D);

/* The exact state, little-endian (docs/FORMAT.md "Task manifests"); s must be compacted. */
rc_status rc_stats_save(const rc_stats *s, FILE *f, rc_err *err);
/* Reads what rc_stats_save wrote into a fresh *s; RC_E_IO naming what is malformed. */
rc_status rc_stats_load(rc_stats *s, FILE *f, rc_err *err);

#endif
