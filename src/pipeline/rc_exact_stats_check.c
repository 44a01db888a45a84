/* rc_exact_stats_check.c — `stats: {quantiles: exact}` keeps every value of every column
 * (docs/FORMAT.md), so before the run starts its memory is estimated from the episodes this run
 * (or task) will convert: their timestamps give the grid steps (as `scan` computes them), the
 * outputs' widths the values per step.  Over the memory budget the run stops there, exit 1,
 * naming the estimate.  Each file is read in a reader process (rc_common.h, rc_isolate); an episode that
 * cannot be read, or a file whose process dies, is left to the run to report. */
#include "config.h"

#include <string.h>

#include "common/rc_common.h"
#include "pipeline/rc_stream_int.h"
#include "scan/rc_scan.h"
#include "stats/rc_stats.h"

/* Values one grid step adds to the statistics of ep: every column of every fuse/resample output
 * (a window stage counts up to N rows per step). */
static uint64_t values_per_step(const rc_spec *sp, const rc_episode *ep)
{
    uint64_t n = 0;
    for (int i = 0; i < sp->n_stages; i++) {
        const rc_spec_stage *sg = &sp->stages[i];
        if (sg->kind == RC_STAGE_VOXELIZE || sg->image) continue; /* no statistics of voxels, images */
        for (int k = 0; k < sg->n_streams; k++) {
            const rc_stream_data *sd = rc_episode_stream(ep, sg->streams[k].name);
            uint64_t rows = sg->streams[k].method == RC_METHOD_WINDOW ? (uint64_t)sg->streams[k].window : 1;
            n += sd ? (uint64_t)sd->D * rows : 0;
        }
    }
    return n;
}

/* One input file's part of the estimate: the work items [first, last) of one file. */
typedef struct file_call {
    int64_t first, last;
} file_call;

/* What a file adds: values and readable episodes. */
typedef struct file_sum {
    uint64_t values;
    int64_t episodes;
} file_sum;

/* In a reader process (rc_isolate_ask; ctx: the run, req: a file_call): the sum of one file's
 * episodes. */
static rc_status sum_file(const void *ctx, const void *req, size_t n, rc_isolate_out *out, rc_err *err)
{
    const rc_run *s = ctx;
    const file_call *c = req;
    if (n != sizeof *c || c->first < 0 || c->first >= c->last || c->last > s->n_items)
        return rc_err_set(err, RC_E_INTERNAL, __FILE__, __LINE__, "a request for no work item");
    const rc_spec *sp = s->spec;
    file_sum sum = {0, 0};
    rc_reader *r = NULL;
    rc_err skip;
    if (rc_reader_open_layout(s->files[s->items[c->first].file], &s->layout, sp->layout_rate_hz, sp->filter_key, &r,
                              &skip) == RC_OK) {
        for (int64_t k = c->first; k < c->last; k++) {
            const rc_work_item *w = &s->items[k];
            rc_episode ep;
            rc_scan_episode se;
            if (w->why ||
                rc_reader_read_episode_unordered(r, w->episode, &s->layout, s->names, s->n_names, &ep, &skip) != RC_OK)
                continue;
            if (rc_scan_episode_figures(sp, &ep, 0, &se, &skip) == RC_OK) {
                uint64_t per = values_per_step(sp, &ep), steps = se.steps > 0 ? (uint64_t)se.steps : 0;
                uint64_t v = per && steps > UINT64_MAX / per ? UINT64_MAX : steps * per;
                sum.values = v > UINT64_MAX - sum.values ? UINT64_MAX : sum.values + v;
                sum.episodes++;
                rc_scan_episode_free(&se);
            }
            rc_episode_free(&ep);
        }
    }
    rc_reader_close(r);
    if (rc_isolate_put(out, &sum, sizeof sum) != 0)
        return rc_err_set(err, RC_E_NOMEM, __FILE__, __LINE__, "out of memory");
    return RC_OK;
}

rc_status rc_exact_stats_check(rc_run *s, rc_err *err)
{
    rc_status st = RC_OK;
    uint64_t values = 0;
    int64_t episodes = 0;
    rc_isolate_session *ss = NULL;
    RC_TRY(rc_isolate_open(sum_file, s, &ss, err));
    for (int64_t k = 0; k < s->n_items;) { /* the items of one file at a time, read in a reader process */
        file_call c = {k, k};
        while (c.last < s->n_items && s->items[c.last].file == s->items[k].file) c.last++;
        k = c.last;
        void *res = NULL;
        size_t len = 0;
        rc_err skip;
        rc_err_clear(&skip);
        st = rc_isolate_ask(ss, s->files[s->items[c.first].file], &c, sizeof c, &res, &len, &skip);
        if (st == RC_E_NOMEM) {
            *err = skip;
            goto done;
        }
        st = RC_OK;
        if (res && len == sizeof(file_sum)) { /* a file whose process died is left to the run to report */
            file_sum sum;
            memcpy(&sum, res, sizeof sum);
            if (sum.episodes < 0) sum.episodes = 0;
            values = sum.values > UINT64_MAX - values ? UINT64_MAX : values + sum.values;
            episodes = sum.episodes > INT64_MAX - episodes ? INT64_MAX : episodes + sum.episodes;
        }
        rc_free(res);
    }
    uint64_t bytes = values > UINT64_MAX / RC_STATS_EXACT_BYTES_PER_VALUE ? UINT64_MAX
                                                                           : values * RC_STATS_EXACT_BYTES_PER_VALUE;
    uint64_t budget = rc_budget_bytes();
    const char *why = rc_budget_source();
    rc_err_scope(err, s->o->spec_path, NULL, "stats.quantiles");
    RC_FAIL_IF(bytes > budget, err, RC_E_SPEC,
               "exact quantiles would hold up to %llu bytes (%llu values over %lld episodes, %d bytes each), over "
               "the memory budget of %llu bytes (%s); use stats: true (the bounded sketch)",
               (unsigned long long)bytes, (unsigned long long)values, (long long)episodes,
               RC_STATS_EXACT_BYTES_PER_VALUE, (unsigned long long)budget, why);
    rc_err_clear(err);
done:
    rc_isolate_close(ss);
    return st;
}
