/* rc_fuse_cpu.c — the CPU backend of resample/fuse (docs/SPEC.md §4): every output element comes
 * from rc_ops.h, so the result is the CUDA backend's bits.  OpenMP splits each job's rows
 * over the threads without a barrier between jobs; a row is computed by one thread from its
 * inputs alone, so the output does not depend on the thread count. */
#include <math.h>

#include "ops/rc_ops.h"

/* Row k of one job: every block's columns and the row's valid flag.  A stream without samples
 * gives NaN and valid 0 (the spec layer rejects such streams before a run); a window block
 * writes its N slots and mask row (rc_ops.h). */
static void fuse_row(const rc_fuse_job *job, int64_t k)
{
    int64_t tk = job->grid[k], row = k * (int64_t)job->width;
    int valid = 1;
    for (int32_t c = 0; c < job->n_cols; c++) {
        const rc_fuse_col *b = &job->cols[c];
        const rc_series *s = &b->src;
        int64_t at = row + b->col;
        if (b->method == RC_METHOD_WINDOW) { /* the job's one block (rc_ops.h) */
            uint8_t *m = job->mask ? job->mask + k * (int64_t)b->window : NULL;
            valid &= rc_window_row(s->t_ns, s->x, s->S, s->D, b->window, tk, job->out, job->dtype, at, m) > 0;
            continue;
        }
        if (s->S < 1) {
            for (int32_t j = 0; j < s->D; j++) rc_store(job->out, job->dtype, at + j, NAN);
            valid = 0;
            continue;
        }
        int64_t i = rc_bracket(s->t_ns, s->S, tk);
        valid &= rc_valid_at(s->t_ns, s->S, i, tk, job->max_gap_ns);
        if (b->method == RC_METHOD_SLERP && s->D == 4) {
            float y[4];
            rc_slerp_row(s->t_ns, s->x, s->S, i, tk, y);
            for (int j = 0; j < 4; j++) rc_store(job->out, job->dtype, at + j, y[j]);
        } else {
            rc_pair p = rc_resample_pair(s->t_ns, s->S, b->method, i, tk);
            for (int32_t j = 0; j < s->D; j++) rc_store(job->out, job->dtype, at + j, rc_pair_elem(&p, s->x, s->D, j));
        }
    }
    if (job->valid) job->valid[k] = (uint8_t)valid;
}

void rc_fuse_cpu(const rc_fuse_job *jobs, int n_jobs)
{
#pragma omp parallel
    for (int j = 0; j < n_jobs; j++) {
        const rc_fuse_job *job = &jobs[j];
#pragma omp for schedule(static) nowait
        for (int64_t k = 0; k < job->T; k++) fuse_row(job, k);
    }
}
