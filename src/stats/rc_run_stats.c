/* rc_run_stats.c — a run's statistics per output and split (rc_stats.h): accumulation,
 * exact merging, the state file, and the hand-over to the manifest. */
#include "config.h"
#include "stats/rc_stats.h"

#include <string.h>

#include "common/rc_common.h"

static const char MAGIC[8] = {'R', 'C', 'S', 'T', 'A', 'T', 'S', '2'};

static rc_run_stats *alloc_stats(void)
{
    return rc_calloc(1, sizeof(rc_run_stats));
}

void rc_run_stats_free(rc_run_stats *rs)
{
    if (!rs) return;
    for (int k = 0; k < rs->n; k++) {
        rc_free(rs->names[k]);
        rc_stats_free(&rs->train[k]);
        rc_stats_free(&rs->val[k]);
    }
    rc_free(rs);
}

rc_quantiles rc_run_stats_quantiles(const rc_spec *sp)
{
    return sp->stats_exact ? RC_QUANTILES_EXACT : RC_QUANTILES_SKETCH;
}

rc_status rc_run_stats_new(const rc_spec *sp, rc_run_stats **out, rc_err *err)
{
    rc_status st = RC_OK;
    rc_run_stats *rs = alloc_stats();
    RC_FAIL_IF(!rs, err, RC_E_NOMEM, "out of memory for statistics");
    for (int i = 0; i < sp->n_stages; i++) {
        if (sp->stages[i].kind == RC_STAGE_VOXELIZE || sp->stages[i].image) continue; /* no stats of voxels, images */
        RC_FAIL_IF(!(rs->names[rs->n] = rc_strdup(sp->stages[i].name)), err, RC_E_NOMEM, "out of memory");
        rs->n++;
    }
    *out = rs;
    rs = NULL;
done:
    rc_run_stats_free(rs);
    return st;
}

rc_status rc_run_stats_add_output(rc_run_stats *rs, int k, const char *split, const rc_stats *ep, rc_err *err)
{
    rc_status st = RC_OK;
    rc_stats *to = !strcmp(split, "val") ? &rs->val[k] : &rs->train[k];
    rc_stats *other = to == &rs->val[k] ? &rs->train[k] : &rs->val[k];
    RC_FAIL_IF((to->D && to->D != ep->D) || (other->D && other->D != ep->D), err, RC_E_INTERNAL,
               "output '%s': expected %d columns in every episode, found %d", rs->names[k],
               to->D ? to->D : other->D, ep->D);
    RC_FAIL_IF(ep->D && ((to->D && to->quantiles != ep->quantiles) || (other->D && other->quantiles != ep->quantiles)),
               err, RC_E_IO, "output '%s': expected statistics with one quantile mode (sketch or exact), found both",
               rs->names[k]);
    RC_FAIL_IF(rc_stats_merge(to, ep) < 0, err, RC_E_NOMEM, "out of memory for statistics");
done:
    return st;
}

rc_status rc_run_stats_add_episode(rc_run_stats *rs, const rc_spec *sp, const char *split,
                                   const rc_stats *per_stage, rc_err *err)
{
    rc_status st = RC_OK;
    int k = 0;
    for (int i = 0; i < sp->n_stages; i++) {
        if (sp->stages[i].kind == RC_STAGE_VOXELIZE || sp->stages[i].image) continue; /* no stats of voxels, images */
        RC_TRY(rc_run_stats_add_output(rs, k++, split, &per_stage[i], err));
    }
done:
    return st;
}

rc_status rc_run_stats_merge(rc_run_stats *a, const rc_run_stats *b, rc_err *err)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(a->n != b->n, err, RC_E_IO, "expected statistics of %d outputs, found %d", a->n, b->n);
    for (int k = 0; k < a->n; k++) {
        RC_FAIL_IF(strcmp(a->names[k], b->names[k]) != 0, err, RC_E_IO,
                   "expected statistics of output '%s' at position %d, found '%s'", a->names[k], k, b->names[k]);
        if (b->train[k].D) RC_TRY(rc_run_stats_add_output(a, k, "train", &b->train[k], err));
        if (b->val[k].D) RC_TRY(rc_run_stats_add_output(a, k, "val", &b->val[k], err));
    }
done:
    return st;
}

rc_status rc_run_stats_to_manifest(rc_run_stats *rs, rc_manifest *m, rc_err *err)
{
    rc_status st = RC_OK;
    for (int k = 0; k < rs->n; k++) {
        rc_stats *tr = &rs->train[k], *va = &rs->val[k];
        if (!tr->D && va->D) RC_FAIL_IF(rc_stats_init(tr, va->D, va->quantiles) < 0, err, RC_E_NOMEM, "out of memory");
        if (!va->D && tr->D) RC_FAIL_IF(rc_stats_init(va, tr->D, tr->quantiles) < 0, err, RC_E_NOMEM, "out of memory");
        RC_FAIL_IF(rc_stats_compact(tr) < 0 || rc_stats_compact(va) < 0, err, RC_E_NOMEM, "out of memory for statistics");
        RC_TRY(rc_stats_add_to_manifest(m, rs->names[k], tr, va, err));
    }
done:
    return st;
}

rc_status rc_run_stats_save(rc_run_stats *rs, FILE *f, rc_err *err)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(fwrite(MAGIC, 1, 8, f) != 8 || rc_le_put_u64(f, (uint64_t)rs->n) < 0, err, RC_E_IO,
               "writing the statistics state failed");
    for (int k = 0; k < rs->n; k++) {
        size_t len = strlen(rs->names[k]);
        RC_FAIL_IF(rc_le_put_u64(f, len) < 0 || fwrite(rs->names[k], 1, len, f) != len, err, RC_E_IO,
                   "writing the statistics state failed");
        RC_FAIL_IF(rc_stats_compact(&rs->train[k]) < 0 || rc_stats_compact(&rs->val[k]) < 0, err, RC_E_NOMEM,
                   "out of memory for statistics");
        RC_TRY(rc_stats_save(&rs->train[k], f, err));
        RC_TRY(rc_stats_save(&rs->val[k], f, err));
    }
done:
    return st;
}

rc_status rc_run_stats_load(FILE *f, rc_run_stats **out, rc_err *err)
{
    rc_status st = RC_OK;
    char magic[8];
    uint64_t n = 0, len = 0;
    rc_run_stats *rs = alloc_stats();
    RC_FAIL_IF(!rs, err, RC_E_NOMEM, "out of memory for statistics");
    RC_FAIL_IF(fread(magic, 1, 8, f) != 8 || memcmp(magic, MAGIC, 8) != 0, err, RC_E_IO,
               "expected a statistics state starting with RCSTATS2, found something else");
    RC_FAIL_IF(rc_le_get_u64(f, &n) < 0 || n > RC_MAX_STAGES, err, RC_E_IO,
               "expected at most %d outputs in the statistics state", RC_MAX_STAGES);
    for (uint64_t k = 0; k < n; k++) {
        RC_FAIL_IF(rc_le_get_u64(f, &len) < 0 || len == 0 || len > RC_NAME_MAX, err, RC_E_IO,
                   "output %d: expected a name of 1 to %d bytes", (int)k, RC_NAME_MAX);
        RC_FAIL_IF(!(rs->names[k] = rc_calloc(len + 1, 1)), err, RC_E_NOMEM, "out of memory");
        rs->n++;
        RC_FAIL_IF(fread(rs->names[k], 1, len, f) != len, err, RC_E_IO, "output %d: name cut short", (int)k);
        RC_TRY(rc_stats_load(&rs->train[k], f, err));
        RC_TRY(rc_stats_load(&rs->val[k], f, err));
    }
    RC_FAIL_IF(fgetc(f) != EOF, err, RC_E_IO, "expected the end of the statistics state, found more bytes");
    *out = rs;
    rs = NULL;
done:
    rc_run_stats_free(rs);
    return st;
}
