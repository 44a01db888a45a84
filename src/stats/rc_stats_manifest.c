/* rc_stats_manifest.c — an output's statistics as the manifest asks for them
 * (rc_manifest_figures): compacted copies over all, train and val episodes that write the
 * manifest's stats object themselves. */
#include "config.h"

#include "stats/rc_stats.h"

#include "common/rc_common.h"

typedef struct figures {
    rc_stats all, train, val; /* compacted copies; all = train + val */
} figures;

static void figures_free(void *ctx)
{
    figures *f = ctx;
    if (!f) return;
    rc_stats_free(&f->all);
    rc_stats_free(&f->train);
    rc_stats_free(&f->val);
    rc_free(f);
}

/* The fields of the manifest's stats object: figures over all episodes, then the same per
 * split ("count": .., ..., "train": {..}, "val": {..}); the manifest opens and closes it. */
static void figures_write(rc_json *j, const void *ctx)
{
    const figures *f = ctx;
    rc_stats_write_json_fields(j, &f->all);
    rc_json_key(j, "train");
    rc_json_object_begin(j);
    rc_stats_write_json_fields(j, &f->train);
    rc_json_object_end(j);
    rc_json_key(j, "val");
    rc_json_object_begin(j);
    rc_stats_write_json_fields(j, &f->val);
    rc_json_object_end(j);
}

rc_status rc_stats_add_to_manifest(rc_manifest *m, const char *name, const rc_stats *train, const rc_stats *val,
                                   rc_err *err)
{
    rc_status st = RC_OK;
    figures *f = rc_calloc(1, sizeof *f);
    RC_FAIL_IF(!f || rc_stats_copy(&f->train, train) < 0 ||
                   (val ? rc_stats_copy(&f->val, val) : rc_stats_init(&f->val, train->D, train->quantiles)) < 0 ||
                   rc_stats_copy(&f->all, &f->train) < 0 || rc_stats_merge(&f->all, &f->val) < 0 ||
                   rc_stats_compact(&f->all) < 0,
               err, RC_E_NOMEM, "out of memory adding stats of %s to the manifest", name);
    rc_manifest_figures fig = {f, figures_write, figures_free};
    f = NULL;
    RC_TRY(rc_manifest_add_stats(m, name, fig, err));
done:
    figures_free(f);
    return st;
}
