/* rc_run_stats.h — the statistics of a run: per output with stats (fuse and resample stages),
 * exact accumulators for the train and the val episodes (rc_stats.h).  A task saves them to its
 * state file; merge-manifests loads and adds them; both hand them to the manifest, warning about
 * constant columns. */
#ifndef RC_RUN_STATS_H
#define RC_RUN_STATS_H

#include <stdio.h>

#include "common/rc_error.h"
#include "spec/rc_spec.h"
#include "writer/rc_manifest.h"
#include "stats/rc_stats.h"

typedef struct rc_run_stats {
    int n;                            /* outputs */
    char *names[RC_MAX_STAGES];       /* owned */
    rc_stats train[RC_MAX_STAGES];    /* D 0 until the first episode */
    rc_stats val[RC_MAX_STAGES];
} rc_run_stats;

/* How sp's statistics keep quantiles (stats: {quantiles: exact} or the sketch). */
rc_quantiles rc_run_stats_quantiles(const rc_spec *sp);
/* One output per fuse/resample stage of sp, in stage order. */
rc_status rc_run_stats_new(const rc_spec *sp, rc_run_stats **out, rc_err *err);
void rc_run_stats_free(rc_run_stats *rs); /* accepts NULL */
/* Adds one episode's stats: ep[k] for output k ("train" or "val" by split). */
rc_status rc_run_stats_add_output(rc_run_stats *rs, int k, const char *split, const rc_stats *ep, rc_err *err);
/* Adds an episode's per-stage stats (rc_episode_outputs.stats: [n_stages], voxelize stages
 * with D 0); the outputs are the spec's stages in order, as rc_run_stats_new made them. */
rc_status rc_run_stats_add_episode(rc_run_stats *rs, const rc_spec *sp, const char *split,
                                   const rc_stats *per_stage, rc_err *err);
/* a += b: the same outputs in the same order are required (RC_E_IO naming the difference). */
rc_status rc_run_stats_merge(rc_run_stats *a, const rc_run_stats *b, rc_err *err);
/* Hands the figures of output `name` over the train and the val episodes (val may be NULL:
 * none) and over their union to m (rc_stats_manifest.c: summarized now, no state kept), and
 * warns (rc_log) about each constant column of the union. */
rc_status rc_stats_add_to_manifest(rc_manifest *m, const char *name, const rc_stats *train, const rc_stats *val,
                                   rc_err *err);
/* Adds every output's stats to m (rc_stats_add_to_manifest), compacting them first. */
rc_status rc_run_stats_to_manifest(rc_run_stats *rs, rc_manifest *m, rc_err *err);

/* The state file: "RCSTATS2", output count, then per output its name and the train and val
 * states of rc_stats_save (docs/FORMAT.md). */
rc_status rc_run_stats_save(rc_run_stats *rs, FILE *f, rc_err *err);
rc_status rc_run_stats_load(FILE *f, rc_run_stats **out, rc_err *err);

#endif
