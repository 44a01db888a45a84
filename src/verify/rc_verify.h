/* rc_verify.h — compares two conversion outputs (OUTPUT_DIR and GOLDEN_DIR, each a manifest.json
 * and its shards) by decoded content, episode by episode and dataset by dataset (docs/SPEC.md §2,
 * `verify`): dtype, shape and values, floats optionally within a tolerance in ULPs.  Provenance
 * (tool version, backend, input list, spec text, source file names, shard placement) is not
 * compared; docs/REPRODUCIBILITY.md lists what is and why. */
#ifndef RC_VERIFY_H
#define RC_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_common.h"

/* Receives each difference as one line of text (no newline). */
typedef void (*rc_verify_sink)(void *ctx, const char *line);

typedef struct rc_verify_opts {
    uint64_t tolerance_ulp;    /* floats this many ULPs apart or closer are equal; 0: equal bits */
    size_t max_listed;         /* differing elements listed per dataset before a count of the rest */
    rc_verify_sink sink;       /* may be NULL: differences are only counted */
    void *sink_ctx;
} rc_verify_opts;

typedef struct rc_verify_result {
    size_t episodes_output, episodes_golden; /* episodes found on each side */
    size_t episodes_compared;                /* present on both sides */
    size_t episodes_differing;               /* with at least one difference (missing/extra count) */
    size_t datasets_compared;                /* present on both sides */
    uint64_t elements_compared;              /* in datasets of equal dtype and shape */
    size_t differences;                      /* difference records (one per line headed by a path) */
} rc_verify_result;

/* Compares output_dir with golden_dir.  @return RC_OK when their content is equal, RC_E_DIFF when
 * it differs (every difference went to o->sink), RC_E_IO when a manifest or shard is missing or
 * unreadable (err names the file), RC_E_NOMEM.  *res is filled in every case. */
rc_status rc_verify_dirs(const char *output_dir, const char *golden_dir, const rc_verify_opts *o,
                         rc_verify_result *res, rc_err *err);

#endif
