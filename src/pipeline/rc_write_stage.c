/* rc_write_stage.c — the writer of the streaming pipeline, run by the caller's thread: takes
 * slots in run order, waits until their chunks are compressed, applies on_error to failed
 * episodes, writes the pre-compressed chunks (rc_shard_put_compressed), adds the episode to the
 * manifest and the statistics, rolls shards over, and returns the slot to the reader.  After a
 * fatal error it only returns slots, so the other threads can drain and end. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_common.h"
#include "pipeline/rc_stream_int.h"

static rc_status open_shard(rc_run *s, rc_err *err)
{
    rc_task_shard_name(s->task, s->rep->shards_written, s->shard_name, sizeof s->shard_name);
    char path[RC_PATH_MAX + 80];
    snprintf(path, sizeof path, "%s/%s", s->output_dir, s->shard_name);
    rc_shard_info info = {PACKAGE_VERSION, s->spec_hex, s->backend_attr, s->inputs_hex, s->spec->text,
                          s->spec->zstd_level, s->spec->out_format, s->spec->actions};
    s->shard_episodes = 0;
    return rc_shard_create(path, &info, &s->shard, err);
}

rc_status rc_commit_shard(rc_run *s, rc_err *err)
{
    rc_status st = RC_OK;
    char path[RC_PATH_MAX + 80];
    snprintf(path, sizeof path, "%s/%s", s->output_dir, s->shard_name);
    RC_TRY(rc_shard_seal(s->shard, err));
    uint64_t bytes = rc_shard_bytes(s->shard);
    /* Room in the committed list first: a committed shard must be in it, so that a failure
     * later in the run removes it. */
    char **c = rc_realloc(s->committed, (size_t)(s->n_committed + 1) * sizeof *c);
    RC_FAIL_IF(!c, err, RC_E_NOMEM, "out of memory");
    s->committed = c;
    RC_FAIL_IF(!(c[s->n_committed] = rc_strdup(path)), err, RC_E_NOMEM, "out of memory");
    rc_shard *sh = s->shard;
    s->shard = NULL;
    st = rc_shard_commit(sh, err);
    if (st != RC_OK) {
        rc_free(c[s->n_committed]);
        goto done;
    }
    s->n_committed++;
    RC_TRY(rc_manifest_add_shard(s->manifest, s->shard_name, bytes, s->shard_episodes, err));
    s->rep->shards_written++;
done:
    return st;
}

/* Writes a converted episode whose chunks are all compressed. */
static rc_status write_episode(rc_run *s, rc_slot *slot, rc_err *err)
{
    rc_status st = RC_OK;
    const rc_episode *ep = &slot->ep;
    const rc_episode_outputs *out = &slot->out;
    char hex[65];
    if (!s->shard) RC_TRY(open_shard(s, err));
    double t0 = rc_now_s();
    uint64_t before = rc_shard_bytes(s->shard);
    RC_TRY(rc_shard_episode_begin(s->shard, ep->id, ep->file, ep->group, out->steps, err));
    for (int i = 0; i < out->n; i++) {
        const rc_output *o = &out->items[i];
        RC_TRY(rc_shard_put_compressed_as(s->shard, o->rel_path, o->elem, o->rank, o->dims, o->chunk_rows,
                                          slot->z[i].z, slot->z[i].z_n, slot->z[i].sha, err));
    }
    RC_TRY(rc_describe_episode(s->spec, ep, s->shard, err));
    const char *split = rc_task_split(s->task, ep->id, s->spec->split_seed, s->spec->val_fraction);
    RC_TRY(rc_shard_episode_split(s->shard, split, err));
    RC_TRY(rc_shard_episode_end(s->shard, hex, err));
    rc_report_interval(s->rep, RC_TIMED_WRITE, slot->item, t0, rc_now_s(), slot->raw_bytes,
                       rc_shard_bytes(s->shard) - before, 1);
    RC_TRY(rc_manifest_add_episode(s->manifest, ep->id, s->shard_name, split, out->steps, hex, ep->file, err));
    rc_log(RC_LOG_DEBUG, "episode %s of %s: %lld steps, split %s, in %s", ep->id, ep->file, (long long)out->steps,
           split, s->shard_name);
    if (s->stats) RC_TRY(rc_run_stats_add_episode(s->stats, s->spec, split, out->stats, err));
    if (s->o->timestamps) RC_TRY(rc_run_timestamps_add(s->o->timestamps, &slot->fig, err));
    s->shard_episodes++;
    s->rep->episodes_written++;
    if (s->spec->shard_max_episodes > 0 ? s->shard_episodes >= s->spec->shard_max_episodes
                                        : rc_shard_bytes(s->shard) >= s->spec->shard_max_bytes)
        RC_TRY(rc_commit_shard(s, err));
done:
    return st;
}

/* One slot in run order: its failure under on_error, or its episode written. */
static rc_status handle_slot(rc_run *s, rc_slot *slot, rc_err *err)
{
    rc_status st = RC_OK;
    const rc_work_item *w = &s->items[slot->item];
    rc_err_scope(err, s->files[w->file], s->ids[slot->item], NULL);
    RC_FAIL_IF(s->o->stop && *s->o->stop, err, RC_E_INTERRUPTED, "interrupted by a signal before this episode");
    rc_err_clear(err);
    if (w->why) { /* left out when the work was listed (rc_pipeline.c) */
        if (w->episode < 0) rc_log(RC_LOG_WARN, "skipping %s: %s", s->files[w->file], w->why);
        else rc_log(RC_LOG_WARN, "skipping episode: %s", w->why);
        RC_TRY(rc_report_add_skipped(s->rep, s->files[w->file], s->ids[slot->item], w->why, err));
        RC_TRY(rc_manifest_add_skipped(s->manifest, s->files[w->file], s->ids[slot->item], w->why, err));
        rc_progress_step(&s->progress, 0, 1);
        return RC_OK;
    }
    if (slot->st == RC_OK && slot->task_st != RC_OK) {
        slot->st = slot->task_st;
        slot->err = slot->task_err;
    }
    if (slot->st == RC_E_INPUT && s->spec->on_error == RC_ON_ERROR_SKIP) {
        char msg[2048];
        rc_err_format(&slot->err, msg, sizeof msg);
        rc_log(RC_LOG_WARN, "skipping episode: %s", msg);
        const char *file = s->files[w->file], *id = s->ids[slot->item];
        RC_TRY(rc_report_add_skipped(s->rep, file, id, msg, err));
        RC_TRY(rc_manifest_add_skipped(s->manifest, file, id, msg, err));
        rc_progress_step(&s->progress, slot->bytes_in, 1);
        return RC_OK;
    }
    if (slot->st != RC_OK) {
        *err = slot->err;
        return slot->st;
    }
    RC_TRY(write_episode(s, slot, err));
    rc_progress_step(&s->progress, slot->bytes_in, 0);
done:
    return st;
}

rc_status rc_write_stage(rc_run *s, rc_err *err)
{
    rc_status st = RC_OK;
    int64_t handled = 0;
    rc_report_bind(rc_report_track(s->rep, "writer", RC_PIPE_WRITER));
    for (;;) {
        double waited, t_wait;
        rc_slot *slot = rc_stage_queue_pop(&s->write_q, &waited);
        if (!slot) break;
        t_wait = rc_now_s();
        pthread_mutex_lock(&slot->mu);
        while (slot->tasks_left > 0) pthread_cond_wait(&slot->done, &slot->mu);
        pthread_mutex_unlock(&slot->mu);
        double t0 = rc_now_s();
        waited += t0 - t_wait;
        if (st == RC_OK) {
            rc_err_clear(err);
            rc_backend_range_push("write", slot->item);
            st = handle_slot(s, slot, err);
            rc_backend_range_pop();
            if (st != RC_OK) atomic_store(&s->abort, 1);
            handled++;
        }
        rc_slot_clear(slot, s->spec);
        rc_report_busy(s->rep, rc_now_s() - t0, waited);
        rc_stage_queue_push(&s->free_q, slot, NULL);
    }
    if (st == RC_OK && handled < s->n_items) { /* the reader stopped early: only a signal does that */
        const rc_work_item *w = &s->items[handled];
        rc_err_clear(err);
        rc_err_scope(err, s->files[w->file], s->ids[handled], NULL);
        st = rc_err_set(err, RC_E_INTERRUPTED, __FILE__, __LINE__, "interrupted by a signal before this episode");
    }
    return st;
}
