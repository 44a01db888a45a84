/* rc_resume.c — `run --resume` (rc_task.h): which of this task's shards an interrupted run left
 * complete.  A shard counts when it exists under its final name (the writer renames only
 * finished, fsync'd files), was made from the same spec (digest and /meta/pipeline text) and
 * input list, and every episode's content digest recomputed from its decoded datasets equals the
 * recorded one.  The kept shards'
 * episodes are read from the shards themselves, and their statistics recomputed from the stored
 * values, so the resumed manifest equals an uninterrupted run's. */
#include "config.h"
#include "task/rc_task_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_common.h"
#include "writer/rc_writer.h"

/* What a verified shard contributes, held until the whole shard has passed. */
typedef struct shard_episode {
    char *id, *file, sha[80];
    int64_t steps;
} shard_episode;

static int cmp_episode(const void *a, const void *b)
{
    const shard_episode *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : strcmp(x->id, y->id);
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Folds <name>/data of episode id (rows with valid 0 left out) into *s, as the run does. */
static rc_status stats_of_output(rc_shard_reader *r, const char *id, const char *name, rc_quantiles q, rc_stats *s,
                                 rc_err *err)
{
    rc_status st = RC_OK;
    rc_shard_dataset d, dv;
    void *buf = NULL, *valid = NULL;
    char rel[600];
    snprintf(rel, sizeof rel, "%s/data", name);
    RC_TRY(rc_shard_reader_data(r, id, rel, &d, &buf, err));
    RC_FAIL_IF(d.rank != 2, err, RC_E_INPUT, "expected a [T, D] dataset");
    RC_FAIL_IF(d.elem != RC_ELEM_F32 && d.elem != RC_ELEM_F16 && d.elem != RC_ELEM_BF16, err, RC_E_INPUT,
               "expected float32, float16 or bfloat16 data");
    snprintf(rel, sizeof rel, "%s/valid", name);
    if (rc_shard_reader_has(r, id, rel)) {
        RC_TRY(rc_shard_reader_data(r, id, rel, &dv, &valid, err));
        RC_FAIL_IF(dv.elem != RC_ELEM_U8 || dv.rank != 1 || dv.dims[0] != d.dims[0], err, RC_E_INPUT,
                   "expected a uint8 valid mask [%llu]", (unsigned long long)d.dims[0]);
    }
    RC_FAIL_IF(rc_stats_init(s, (int32_t)d.dims[1], q) < 0, err, RC_E_NOMEM, "out of memory for statistics");
    int bad = d.elem == RC_ELEM_F32 ? rc_stats_add_f32(s, buf, (int64_t)d.dims[0], valid)
                                    : rc_stats_add_half(s, buf, (int64_t)d.dims[0], valid, d.elem == RC_ELEM_BF16);
    RC_FAIL_IF(bad < 0, err, RC_E_NOMEM, "out of memory for statistics");
done:
    rc_free(buf);
    rc_free(valid);
    return st;
}

/* Verifies shard `name` and, when it passes, adds it to m, rs and the kept set.  RC_E_INPUT or
 * RC_E_IO when it does not pass (nothing added). */
static rc_status keep_shard(rc_task *t, const rc_spec *sp, const char *dir, const char *name, const char *spec_hex,
                            const char *inputs_hex, rc_manifest *m, rc_run_stats *rs, rc_err *err)
{
    rc_status st = RC_OK;
    rc_shard_reader *r = NULL;
    const rc_shard_root *root = NULL;
    rc_shard_episode ep = {0};
    shard_episode *eps = NULL;
    size_t n = 0;
    rc_run_stats *add = NULL;
    rc_stats one = {0};
    uint64_t bytes = 0;
    char path[RC_PATH_MAX + 100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    RC_TRY(rc_shard_reader_open(path, &r, &root, err));
    RC_FAIL_IF(strcmp(root->spec_sha256, spec_hex) != 0, err, RC_E_INPUT,
               "expected spec_sha256 %s (this spec), found %s", spec_hex, root->spec_sha256);
    RC_FAIL_IF(!root->pipeline || strcmp(root->pipeline, sp->text) != 0, err, RC_E_INPUT,
               "expected /meta/pipeline to hold this spec's text, found other text");
    RC_FAIL_IF(strcmp(root->created_from, inputs_hex) != 0, err, RC_E_INPUT,
               "expected created_from %s (this input list), found %s", inputs_hex, root->created_from);
    n = rc_shard_reader_n_episodes(r);
    eps = rc_calloc(n + 1, sizeof *eps);
    RC_FAIL_IF(!eps, err, RC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        RC_TRY(rc_shard_reader_episode(r, i, &ep, err));
        RC_FAIL_IF(strcmp(ep.stored_sha256, ep.computed_sha256) != 0, err, RC_E_INPUT,
                   "episode %s: expected content_sha256 %s (recomputed), found %s", ep.id, ep.computed_sha256,
                   ep.stored_sha256);
        RC_FAIL_IF(!bsearch(&(const char *){ep.source_file}, t->files, t->n_files, sizeof *t->files, cmp_path), err,
                   RC_E_INPUT, "episode %s: expected a source_file of this run's input list, found %s", ep.id,
                   ep.source_file);
        eps[i].id = rc_strdup(ep.id);
        eps[i].file = rc_strdup(ep.source_file);
        RC_FAIL_IF(!eps[i].id || !eps[i].file, err, RC_E_NOMEM, "out of memory");
        snprintf(eps[i].sha, sizeof eps[i].sha, "%s", ep.stored_sha256);
        eps[i].steps = ep.steps;
        for (size_t k = 0; k < ep.n_datasets; k++) bytes += ep.datasets[k].stored_bytes;
        rc_shard_episode_free(&ep);
    }
    qsort(eps, n, sizeof *eps, cmp_episode);
    if (root->stored_bytes) bytes = root->stored_bytes;

    if (rs) {
        RC_TRY(rc_run_stats_new(sp, &add, err));
        for (size_t i = 0; i < n; i++) {
            const char *split = rc_task_split(t, eps[i].id, sp->split_seed, sp->val_fraction);
            for (int k = 0; k < add->n; k++) {
                RC_TRY(stats_of_output(r, eps[i].id, add->names[k], rc_run_stats_quantiles(sp), &one, err));
                RC_TRY(rc_run_stats_add_output(add, k, split, &one, err));
                rc_stats_free(&one);
            }
        }
    }
    /* The shard passed: hand over what it holds. */
    RC_TRY(rc_manifest_add_shard(m, name, bytes, (int64_t)n, err));
    for (size_t i = 0; i < n; i++) {
        RC_TRY(rc_manifest_add_episode(m, eps[i].id, name, rc_task_split(t, eps[i].id, sp->split_seed, sp->val_fraction),
                                       eps[i].steps, eps[i].sha, eps[i].file, err));
        RC_TRY(rc_task_keep(t, eps[i].file, eps[i].id, err));
    }
    if (rs) RC_TRY(rc_run_stats_merge(rs, add, err));
done:
    rc_stats_free(&one);
    rc_run_stats_free(add);
    rc_shard_episode_free(&ep);
    for (size_t i = 0; eps && i < n; i++) {
        rc_free(eps[i].id);
        rc_free(eps[i].file);
    }
    rc_free(eps);
    rc_shard_reader_close(r);
    return st;
}

rc_status rc_task_resume(rc_task *t, const rc_spec *sp, const char *output_dir, const char *spec_hex,
                         const char *inputs_hex, rc_manifest *m, rc_run_stats *rs, int64_t *n_kept,
                         rc_err *err)
{
    rc_status st = RC_OK;
    char name[64], path[RC_PATH_MAX + 100];
    t->resuming = 1;
    int64_t k = 0;
    for (;; k++) {
        rc_task_shard_name(t, k, name, sizeof name);
        snprintf(path, sizeof path, "%s/%s", output_dir, name);
        if (access(path, F_OK) != 0) break;
        rc_err_clear(err);
        st = keep_shard(t, sp, output_dir, name, spec_hex, inputs_hex, m, rs, err);
        if (st == RC_E_NOMEM) goto done;
        if (st != RC_OK) {
            char msg[2048];
            rc_err_format(err, msg, sizeof msg);
            rc_log(RC_LOG_WARN, "resume: %s is not kept, it and the shards after it are redone: %s", name, msg);
            st = RC_OK;
            break;
        }
    }
    rc_err_clear(err);
    t->n_kept_shards = k;
    rc_task_sort_kept(t);
    *n_kept = k;
    rc_log(RC_LOG_INFO, "resume: %lld complete shard(s) kept, %zu episode(s) not converted again", (long long)k,
           t->n_kept);
done:
    return st;
}
