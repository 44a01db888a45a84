/* rc_pipeline.c — the run loop: loads the spec and layout, opens the backend, walks the input
 * shards in sorted order, converts each episode, writes shards with rollover, and finishes with
 * the manifest.  On any fatal error the shard being written is removed and so are the shards
 * this run already committed, so the output folder never holds a partial conversion. */
#include "config.h"

#include "pipeline/rc_pipeline.h"

#include <omp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/rc_backend.h"
#include "common/rc_alloc.h"
#include "common/rc_log.h"
#include "common/rc_sha256.h"
#include "compress/rc_zstd_filter.h"
#include "pipeline/rc_convert.h"
#include "reader/rc_reader.h"
#include "spec/rc_layout.h"
#include "spec/rc_spec.h"
#include "scale/rc_run_stats.h"
#include "scale/rc_task.h"
#include "writer/rc_manifest.h"

/* Everything one run holds; freed by run_state_free whatever happened. */
typedef struct run_state {
    rc_spec *spec;
    rc_layout layout;
    rc_backend *backend;
    char **files;
    size_t n_files;
    const char **names;       /* streams the stages read, each once */
    int n_names;
    rc_manifest *manifest;
    rc_run_stats *stats;      /* run totals per output and split, NULL when stats are off */
    rc_task *task;            /* this run's part of the episodes and its file names */
    rc_shard *shard;          /* being written */
    char shard_name[64];
    int64_t shard_episodes;
    char **committed;         /* shard paths committed by this run */
    int64_t n_committed;
    char **ids;               /* episode ids seen, for the duplicate check */
    int64_t n_ids, cap_ids;
    char spec_hex[65], inputs_hex[65];
    char backend_attr[192];   /* every shard's backend attribute: "cpu", or "cuda (DEVICE (sm_XY))" */
    char output_dir[RC_PATH_MAX];
} run_state;

static void run_state_free(run_state *s)
{
    rc_shard_abort(s->shard);
    rc_run_stats_free(s->stats);
    rc_task_free(s->task);
    rc_manifest_free(s->manifest);
    for (int64_t i = 0; i < s->n_committed; i++) rc_free(s->committed[i]);
    rc_free(s->committed);
    for (int64_t i = 0; i < s->n_ids; i++) rc_free(s->ids[i]);
    rc_free(s->ids);
    rc_free(s->names);
    rc_input_list_free(s->files, s->n_files);
    rc_backend_close(s->backend);
    rc_spec_free(s->spec);
}

/* Lists the streams the stages read, in stage order, without repeats. */
static rc_status collect_stream_names(run_state *s, rc_err *err)
{
    rc_status st = RC_OK;
    const rc_spec *sp = s->spec;
    int cap = 0;
    for (int i = 0; i < sp->n_stages; i++) cap += sp->stages[i].kind == RC_STAGE_VOXELIZE ? 1 : sp->stages[i].n_streams;
    s->names = rc_calloc((size_t)cap + 1, sizeof *s->names);
    RC_FAIL_IF(!s->names, err, RC_E_NOMEM, "out of memory");
    for (int i = 0; i < sp->n_stages; i++) {
        const rc_spec_stage *sg = &sp->stages[i];
        int n = sg->kind == RC_STAGE_VOXELIZE ? 1 : sg->n_streams;
        for (int k = 0; k < n; k++) {
            const char *name = sg->kind == RC_STAGE_VOXELIZE ? sg->cloud : sg->streams[k].name;
            int seen = 0;
            for (int j = 0; j < s->n_names; j++) seen |= !strcmp(s->names[j], name);
            if (!seen) s->names[s->n_names++] = name;
        }
    }
    if (sp->span == RC_SPAN_STREAM) { /* the grid's stream is read even when no stage uses it */
        int seen = 0;
        for (int j = 0; j < s->n_names; j++) seen |= !strcmp(s->names[j], sp->span_stream);
        if (!seen) s->names[s->n_names++] = sp->span_stream;
    }
done:
    return st;
}

/* Digest of the input list: SHA-256 over each input path relative to the input folder, its
 * size in bytes as decimal text, each followed by NUL. */
static rc_status digest_inputs(run_state *s, rc_err *err)
{
    rc_status st = RC_OK;
    rc_sha256 c;
    rc_sha256_init(&c);
    size_t skip = strlen(s->spec->input_dir);
    for (size_t i = 0; i < s->n_files; i++) {
        struct stat sb;
        rc_err_scope(err, s->files[i], NULL, NULL);
        RC_FAIL_IF(stat(s->files[i], &sb) != 0, err, RC_E_IO, "cannot stat input: %s", strerror(errno));
        const char *rel = s->files[i] + skip;
        while (*rel == '/') rel++;
        char size[32];
        snprintf(size, sizeof size, "%lld", (long long)sb.st_size);
        rc_sha256_update(&c, rel, strlen(rel) + 1);
        rc_sha256_update(&c, size, strlen(size) + 1);
    }
    uint8_t d[32];
    rc_sha256_final(&c, d);
    rc_sha256_hex(d, s->inputs_hex);
    rc_err_clear(err);
done:
    return st;
}

static rc_status open_shard(run_state *s, rc_report *rep, rc_err *err)
{
    rc_task_shard_name(s->task, rep->shards_written, s->shard_name, sizeof s->shard_name);
    char path[RC_PATH_MAX + 80];
    snprintf(path, sizeof path, "%s/%s", s->output_dir, s->shard_name);
    rc_shard_info info = {PACKAGE_VERSION, s->spec_hex, s->backend_attr, s->inputs_hex, s->spec->text,
                          s->spec->zstd_level};
    s->shard_episodes = 0;
    return rc_shard_create(path, &info, &s->shard, err);
}

static rc_status commit_shard(run_state *s, rc_report *rep, rc_err *err)
{
    rc_status st = RC_OK;
    char path[RC_PATH_MAX + 80];
    snprintf(path, sizeof path, "%s/%s", s->output_dir, s->shard_name);
    uint64_t bytes = rc_shard_bytes(s->shard);
    rc_shard *sh = s->shard;
    s->shard = NULL;
    RC_TRY(rc_shard_commit(sh, err));
    char **c = rc_realloc(s->committed, (size_t)(s->n_committed + 1) * sizeof *c);
    RC_FAIL_IF(!c, err, RC_E_NOMEM, "out of memory");
    s->committed = c;
    RC_FAIL_IF(!(c[s->n_committed] = rc_strdup(path)), err, RC_E_NOMEM, "out of memory");
    s->n_committed++;
    RC_TRY(rc_manifest_add_shard(s->manifest, s->shard_name, bytes, s->shard_episodes, err));
    rep->shards_written++;
done:
    return st;
}

/* Remembers id; RC_E_INPUT when an earlier input already had an episode of that id. */
static rc_status claim_episode_id(run_state *s, const char *id, rc_err *err)
{
    rc_status st = RC_OK;
    for (int64_t i = 0; i < s->n_ids; i++)
        RC_FAIL_IF(!strcmp(s->ids[i], id), err, RC_E_INPUT,
                   "episode id '%s' appears in more than one input episode; output ids must be unique", id);
    if (s->n_ids == s->cap_ids) {
        int64_t cap = s->cap_ids ? 2 * s->cap_ids : 64;
        char **ids = rc_realloc(s->ids, (size_t)cap * sizeof *ids);
        RC_FAIL_IF(!ids, err, RC_E_NOMEM, "out of memory");
        s->ids = ids;
        s->cap_ids = cap;
    }
    RC_FAIL_IF(!(s->ids[s->n_ids] = rc_strdup(id)), err, RC_E_NOMEM, "out of memory");
    s->n_ids++;
done:
    return st;
}

/* One input episode: read, convert, write.  Bad data returns RC_E_INPUT with nothing written. */
static rc_status do_episode(run_state *s, rc_reader *r, int64_t i, int64_t index, rc_report *rep,
                            rc_err *err)
{
    rc_status st = RC_OK;
    rc_episode ep = {0};
    rc_episode_outputs out = {0};
    double t0 = rc_now_s();
    RC_TRY(rc_reader_read_episode(r, i, &s->layout, s->names, s->n_names, &ep, err));
    uint64_t bytes_in = 0;
    for (int k = 0; k < ep.n_streams; k++) bytes_in += ep.streams[k].bytes_read;
    rc_report_interval(rep, RC_TIMED_READ, index, t0, rc_now_s(), bytes_in, 0, 1);
    rc_err_scope(err, ep.file, ep.id, "%s", ep.group);
    RC_TRY(claim_episode_id(s, ep.id, err));
    RC_TRY(rc_convert_episode(s->spec, s->backend, &ep, index, rep, &out, err));

    if (!s->shard) RC_TRY(open_shard(s, rep, err));
    char hex[65];
    uint64_t bytes_out = 0, raw = 0;
    for (int k = 0; k < out.n; k++) {
        uint64_t n = (uint64_t)rc_elem_size(out.items[k].elem);
        for (int d = 0; d < out.items[k].rank; d++) n *= out.items[k].dims[d];
        raw += n;
    }
    t0 = rc_now_s();
    RC_TRY(rc_convert_write(s->shard, &ep, &out, hex, &bytes_out, err));
    rc_report_interval(rep, RC_TIMED_WRITE, index, t0, rc_now_s(), raw, bytes_out, 1);
    const char *split = rc_split_of(ep.id, s->spec->split_seed, s->spec->val_fraction);
    RC_TRY(rc_manifest_add_episode(s->manifest, ep.id, s->shard_name, split, out.steps, hex, ep.file, err));
    if (s->stats) RC_TRY(rc_run_stats_add_episode(s->stats, s->spec, split, out.stats, err));
    rc_scan_episode fig; /* --report: the converted episode's timestamp figures, as scan gives them */
    RC_TRY(rc_scan_episode_figures(s->spec, &ep, 0, &fig, err));
    RC_TRY(rc_report_add_timestamps(rep, &fig, err));
    s->shard_episodes++;
    rep->episodes_written++;
    if (s->spec->shard_max_episodes > 0 ? s->shard_episodes >= s->spec->shard_max_episodes
                                        : rc_shard_bytes(s->shard) >= s->spec->shard_max_bytes)
        RC_TRY(commit_shard(s, rep, err));
done:
    rc_episode_outputs_free(&out, s->spec);
    rc_episode_free(&ep);
    return st;
}

/* Every episode of one input shard, with on_error applied to bad data. */
static rc_status do_file(run_state *s, const rc_run_opts *o, size_t f, int64_t *index,
                         rc_report *rep, rc_err *err)
{
    rc_status st = RC_OK;
    rc_reader *r = NULL;
    rc_err_clear(err);
    if (!rc_task_wants_file(s->task, f)) return RC_OK; /* another task's part */
    st = rc_reader_open_layout(s->files[f], &s->layout, s->spec->layout_rate_hz, s->spec->filter_key, &r, err);
    if (st == RC_E_INPUT && s->spec->on_error == RC_ON_ERROR_SKIP) {
        char msg[2048];
        rc_err_format(err, msg, sizeof msg);
        rc_log(RC_LOG_WARN, "skipping %s: %s", s->files[f], msg);
        RC_TRY(rc_report_add_skipped(rep, s->files[f], "*", err->msg, err));
        RC_TRY(rc_manifest_add_skipped(s->manifest, s->files[f], "*", err->msg, err));
        return RC_OK;
    }
    if (st != RC_OK) goto done;
    int64_t n = rc_reader_n_episodes(r);
    for (int64_t i = 0; i < n; i++, (*index)++) {
        rc_err_clear(err); /* not the scope of the episode before: it was converted */
        rc_err_scope(err, s->files[f], rc_reader_episode_id(r, i), NULL);
        RC_FAIL_IF(o->stop && *o->stop, err, RC_E_INTERRUPTED, "interrupted by a signal before this episode");
        if (!rc_task_wants_episode(s->task, f, rc_reader_episode_id(r, i))) continue;
        if (o->progress)
            rc_log(RC_LOG_INFO, "[file %zu/%zu] %s episode %s", f + 1, s->n_files, s->files[f],
                   rc_reader_episode_id(r, i));
        st = do_episode(s, r, i, *index, rep, err);
        if (st == RC_E_INPUT && s->spec->on_error == RC_ON_ERROR_SKIP) {
            char msg[2048];
            rc_err_format(err, msg, sizeof msg);
            rc_log(RC_LOG_WARN, "skipping episode: %s", msg);
            const char *id = rc_reader_episode_id(r, i);
            RC_TRY(rc_report_add_skipped(rep, s->files[f], id, msg, err));
            RC_TRY(rc_manifest_add_skipped(s->manifest, s->files[f], id, msg, err));
            st = RC_OK;
            continue;
        }
        if (st != RC_OK) goto done;
    }
done:
    rc_reader_close(r);
    return st;
}

rc_status rc_pipeline_run(const rc_run_opts *o, rc_report *rep, rc_err *err)
{
    rc_status st = RC_OK;
    run_state s;
    memset(&s, 0, sizeof s);
    char reason[256] = "";

    int n_spec_errors = 0;
    if (rc_spec_load(o->spec_path, o->schema_dir, &s.spec, &n_spec_errors, err) != RC_OK) {
        /* rc_spec_load has logged every error; a spec that cannot be used is exit 1 */
        rep->spec_errors = n_spec_errors > 0 ? n_spec_errors : 1;
        st = RC_E_SPEC;
        goto done;
    }
    rc_spec *sp = s.spec;
    if (o->input_dir) snprintf(sp->input_dir, sizeof sp->input_dir, "%s", o->input_dir);
    snprintf(s.output_dir, sizeof s.output_dir, "%s", o->output_dir ? o->output_dir : sp->output_dir);
    RC_FAIL_IF(!s.output_dir[0], err, RC_E_USAGE, "no output folder: set output.dir or --output");
    rc_sha256_of(sp->text, strlen(sp->text), s.spec_hex);
    RC_TRY(rc_layout_load(o->schema_dir, sp->layout, &s.layout, err));
    RC_TRY(collect_stream_names(&s, err));
    RC_TRY(rc_input_list(sp->input_dir, sp->input_pattern, &s.files, &s.n_files, err));
    RC_TRY(digest_inputs(&s, err));
    RC_TRY(rc_task_open(&o->task, sp->input_dir, s.files, s.n_files, &s.layout, sp->layout_rate_hz, sp->filter_key,
                        &s.task, err));
    RC_TRY(rc_zstd_filter_register(err));

    RC_TRY(rc_backend_open(o->backend, o->threads, &s.backend, reason, sizeof reason, err));
    snprintf(rep->backend, sizeof rep->backend, "%s", rc_backend_name(s.backend));
    snprintf(rep->backend_reason, sizeof rep->backend_reason, "%s", reason);
    snprintf(rep->backend_device, sizeof rep->backend_device, "%s", rc_backend_describe(s.backend));
    if (!strcmp(rep->backend, "cpu"))
        snprintf(s.backend_attr, sizeof s.backend_attr, "cpu");
    else
        snprintf(s.backend_attr, sizeof s.backend_attr, "%s (%s)", rep->backend, rep->backend_device);
    rep->threads = o->threads > 0 ? o->threads : omp_get_max_threads(); /* as the CPU backend uses */
    rc_log(RC_LOG_INFO, "backend: %s%s%s%s", rep->backend, reason[0] ? " (" : "", reason, reason[0] ? ")" : "");
    rc_log(RC_LOG_INFO, "%zu input shard(s) under %s", s.n_files, sp->input_dir);

    s.manifest = rc_manifest_new();
    RC_FAIL_IF(!s.manifest, err, RC_E_NOMEM, "out of memory");
    if (sp->stats) RC_TRY(rc_run_stats_new(sp, &s.stats, err));
    if (o->resume)
        RC_TRY(rc_task_resume(s.task, sp, s.output_dir, s.spec_hex, s.inputs_hex, s.manifest, s.stats,
                              &rep->shards_written, err));
    RC_TRY(rc_task_prepare_output(s.task, s.output_dir, o->force, err));

    int64_t index = 0;
    for (size_t f = 0; f < s.n_files; f++) RC_TRY(do_file(&s, o, f, &index, rep, err));
    if (s.shard) RC_TRY(commit_shard(&s, rep, err));
    rc_err_clear(err);
    if (s.stats) RC_TRY(rc_run_stats_to_manifest(s.stats, s.manifest, err));
    RC_TRY(rc_task_finish(s.task, s.output_dir, s.manifest, s.stats, err));
    char mpath[RC_PATH_MAX + 100], mname[64];
    rc_task_manifest_name(s.task, mname, sizeof mname);
    snprintf(mpath, sizeof mpath, "%s/%s", s.output_dir, mname);
    RC_TRY(rc_manifest_write(s.manifest, mpath, s.spec_hex, PACKAGE_VERSION, rep->backend, err));
done:
    if (st != RC_OK) /* no partial conversion is left behind */
        for (int64_t i = 0; i < s.n_committed; i++) unlink(s.committed[i]);
    run_state_free(&s);
    rep->wall_s = rc_now_s() - rep->t0;
    return st;
}
