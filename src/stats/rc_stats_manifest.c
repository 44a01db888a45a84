/* rc_stats_manifest.c — an output's statistics as the manifest asks for them
 * (rc_manifest_figures): the figures over all, train and val episodes, summarized once when
 * they are handed over (no copy of the state stays behind), with a warning per constant column. */
#include "config.h"

#include "stats/rc_stats.h"

#include "common/rc_common.h"

typedef struct figures {
    int32_t D;
    rc_stats_summary *sm; /* [3][D]: over all episodes, the train ones, the val ones */
} figures;

static void figures_free(void *ctx)
{
    figures *f = ctx;
    if (!f) return;
    rc_free(f->sm);
    rc_free(f);
}

/* The fields of the manifest's stats object: figures over all episodes, then the same per
 * split ("count": .., ..., "train": {..}, "val": {..}); the manifest opens and closes it. */
static void figures_write(rc_json *j, const void *ctx)
{
    const figures *f = ctx;
    rc_stats_write_summaries(j, f->sm, f->D);
    rc_json_key(j, "train");
    rc_json_object_begin(j);
    rc_stats_write_summaries(j, f->sm + f->D, f->D);
    rc_json_object_end(j);
    rc_json_key(j, "val");
    rc_json_object_begin(j);
    rc_stats_write_summaries(j, f->sm + 2 * f->D, f->D);
    rc_json_object_end(j);
}

/* One warning per constant column (sm[D], over all episodes) of output `name`, named by the
 * features. */
static void warn_constant(const char *name, const rc_stats_summary *sm, int32_t D, const rc_features *f)
{
    for (int32_t c = 0; c < D; c++) {
        if (!sm[c].constant) continue;
        const char *col = rc_features_column(f, name, c);
        rc_log(RC_LOG_WARN, "output '%s' column %d%s%s%s is constant (%.9g in all %lld valid steps): std 0, "
               "do not normalise by it", name, (int)c, col ? " (" : "", col ? col : "", col ? ")" : "", sm[c].min,
               (long long)sm[c].count);
    }
}

/* Summaries of every column of s into sm[D]; s compacted first when it has values not sorted in
 * (exact mode), in a copy.  0 or -1. */
static int summarize_all(const rc_stats *s, rc_stats_summary *sm)
{
    int pending = 0;
    for (int32_t j = 0; j < s->D; j++) pending |= s->col[j].n_pending != 0;
    rc_stats copy = {0};
    if (pending && rc_stats_copy(&copy, s) < 0) return -1;
    for (int32_t j = 0; j < s->D; j++) rc_stats_summarize(pending ? &copy : s, j, &sm[j]);
    rc_stats_free(&copy);
    return 0;
}

rc_status rc_stats_add_to_manifest(rc_manifest *m, const char *name, const rc_stats *train, const rc_stats *val,
                                   rc_err *err)
{
    rc_status st = RC_OK;
    rc_stats all = {0}, none = {0};
    figures *f = rc_calloc(1, sizeof *f);
    RC_FAIL_IF(!f, err, RC_E_NOMEM, "out of memory adding stats of %s to the manifest", name);
    f->D = train->D;
    RC_FAIL_IF(!val && rc_stats_init(&none, train->D, train->quantiles) < 0, err, RC_E_NOMEM,
               "out of memory adding stats of %s to the manifest", name);
    if (!val) val = &none;
    RC_FAIL_IF(!(f->sm = rc_calloc(3 * (size_t)(f->D ? f->D : 1), sizeof *f->sm)) || rc_stats_copy(&all, train) < 0 ||
                   rc_stats_merge(&all, val) < 0 || rc_stats_compact(&all) < 0 || summarize_all(&all, f->sm) < 0 ||
                   summarize_all(train, f->sm + f->D) < 0 || summarize_all(val, f->sm + 2 * f->D) < 0,
               err, RC_E_NOMEM, "out of memory adding stats of %s to the manifest", name);
    warn_constant(name, f->sm, f->D, rc_manifest_features(m));
    rc_manifest_figures fig = {f, figures_write, figures_free};
    f = NULL;
    RC_TRY(rc_manifest_add_stats(m, name, fig, err));
done:
    figures_free(f);
    rc_stats_free(&all);
    rc_stats_free(&none);
    return st;
}
