/* rc_task_id.c — which task of a sharded run this process is (rc_task.h): --shard I/N, else the
 * Slurm array variables, else the task rank inside a Slurm job step (srun), else not sharded.
 * A batch script itself is no step: Slurm gives it SLURM_PROCID 0, and SLURM_NTASKS when the job
 * asked for several tasks, but no SLURM_STEP_ID; run there, the tool is one process converting
 * everything. */
#include "config.h"
#include "task/rc_task.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A decimal integer in [lo, hi], the whole string; -1 otherwise. */
static long parse_int(const char *s, long lo, long hi)
{
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return (*end || errno || v < lo || v > hi) ? -1 : v;
}

static rc_status from_array(rc_getenv_fn get, rc_task_id *out, rc_err *err)
{
    rc_status st = RC_OK;
    const char *id_s = get("SLURM_ARRAY_TASK_ID"), *count_s = get("SLURM_ARRAY_TASK_COUNT");
    const char *min_s = get("SLURM_ARRAY_TASK_MIN"), *max_s = get("SLURM_ARRAY_TASK_MAX");
    const char *step_s = get("SLURM_ARRAY_TASK_STEP");
    long id = parse_int(id_s, 0, 1L << 30);
    RC_FAIL_IF(id < 0, err, RC_E_USAGE, "SLURM_ARRAY_TASK_ID: expected a task id >= 0, found '%s'", id_s);
    long min = min_s ? parse_int(min_s, 0, 1L << 30) : 0;
    RC_FAIL_IF(min < 0, err, RC_E_USAGE, "SLURM_ARRAY_TASK_MIN: expected an integer >= 0, found '%s'", min_s);
    long step = step_s ? parse_int(step_s, 1, 1L << 30) : 1;
    RC_FAIL_IF(step < 0, err, RC_E_USAGE, "SLURM_ARRAY_TASK_STEP: expected an integer >= 1, found '%s'", step_s);
    long count;
    if (count_s) {
        count = parse_int(count_s, 1, RC_TASK_MAX);
        RC_FAIL_IF(count < 0, err, RC_E_USAGE, "SLURM_ARRAY_TASK_COUNT: expected 1 to %d, found '%s'", RC_TASK_MAX,
                   count_s);
    } else {
        long max = parse_int(max_s, min, 1L << 30);
        RC_FAIL_IF(!min_s || max < 0, err, RC_E_USAGE,
                   "SLURM_ARRAY_TASK_ID is set: expected SLURM_ARRAY_TASK_COUNT, or SLURM_ARRAY_TASK_MIN and "
                   "SLURM_ARRAY_TASK_MAX (>= MIN), found %s", max_s ? "a MAX below MIN" : "neither");
        count = (max - min) / step + 1;
    }
    RC_FAIL_IF(id < min || (id - min) % step != 0 || (id - min) / step >= count, err, RC_E_USAGE,
               "SLURM_ARRAY_TASK_ID %ld: expected MIN %ld + a multiple of STEP %ld below %ld tasks", id, min, step,
               count);
    out->index = (int)((id - min) / step);
    out->count = (int)count;
    snprintf(out->source, sizeof out->source, "SLURM_ARRAY_TASK_ID");
done:
    return st;
}

static rc_status from_procid(rc_getenv_fn get, rc_task_id *out, rc_err *err)
{
    rc_status st = RC_OK;
    const char *rank_s = get("SLURM_PROCID"), *n_s = get("SLURM_NTASKS");
    long n = parse_int(n_s, 1, RC_TASK_MAX);
    RC_FAIL_IF(n < 0, err, RC_E_USAGE, "SLURM_PROCID is set: expected SLURM_NTASKS of 1 to %d, found '%s'",
               RC_TASK_MAX, n_s ? n_s : "(unset)");
    long rank = parse_int(rank_s, 0, n - 1);
    RC_FAIL_IF(rank < 0, err, RC_E_USAGE, "SLURM_PROCID: expected 0 to %ld, found '%s'", n - 1, rank_s);
    out->index = (int)rank;
    out->count = (int)n;
    snprintf(out->source, sizeof out->source, "SLURM_PROCID");
done:
    return st;
}

rc_status rc_task_id_select(const char *shard_arg, rc_getenv_fn get, rc_task_id *out, rc_err *err)
{
    rc_status st = RC_OK;
    memset(out, 0, sizeof *out);
    if (shard_arg) {
        const char *slash = strchr(shard_arg, '/');
        char idx[16] = "";
        if (slash && (size_t)(slash - shard_arg) < sizeof idx) memcpy(idx, shard_arg, (size_t)(slash - shard_arg));
        long n = slash ? parse_int(slash + 1, 1, RC_TASK_MAX) : -1;
        long i = n > 0 ? parse_int(idx, 0, n - 1) : -1;
        RC_FAIL_IF(i < 0, err, RC_E_USAGE, "--shard: expected I/N with 0 <= I < N <= %d, found '%s'", RC_TASK_MAX,
                   shard_arg);
        out->index = (int)i;
        out->count = (int)n;
        snprintf(out->source, sizeof out->source, "--shard");
        return RC_OK;
    }
    if (get("SLURM_ARRAY_TASK_ID")) RC_TRY(from_array(get, out, err));
    else if (get("SLURM_PROCID") && get("SLURM_STEP_ID")) RC_TRY(from_procid(get, out, err));
    if (out->count == 1) memset(out, 0, sizeof *out); /* a single Slurm task: an ordinary run */
done:
    return st;
}
