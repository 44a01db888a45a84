/* rc_pipeline.c — the run: loads the spec and layout, opens the backend, lists the work (every
 * input episode in run order), starts the streaming threads of rc_stream_int.h (reader, compute,
 * compression workers; the caller's thread writes), and finishes with the last shard and the
 * manifest.  The output folder is locked for the whole run.  On any fatal error the shard being
 * written is removed and so are the shards this run already committed, so the output folder
 * never holds a partial conversion; after a signal the committed shards stay, listed by a
 * manifest marked incomplete (rc_interrupt.c). */
#include "config.h"

#include "pipeline/rc_pipeline.h"

#include <hdf5.h>
#include <errno.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/rc_backend.h"
#include "common/rc_common.h"
#include "compress/rc_compress.h"
#include "convert/rc_convert.h"
#include "pipeline/rc_reader_pool_int.h"
#include "pipeline/rc_stream_int.h"
#include "reader/rc_reader.h"
#include "spec/rc_spec.h"
#include "stats/rc_stats.h"
#include "task/rc_task.h"
#include "writer/rc_writer.h"

/* Everything one run holds; freed by run_free whatever happened (threads already joined). */
static void run_free(rc_run *s)
{
    rc_shard_abort(s->shard);
    rc_reader_pool_stop(s->pool);
    s->pool = NULL;
    pthread_cond_destroy(&s->read_turn);
    pthread_mutex_destroy(&s->read_mu);
    pthread_mutex_destroy(&s->take_mu);
    for (int i = 0; s->slots && i < s->n_slots; i++) {
        rc_slot_clear(&s->slots[i], s->spec);
        rc_out_keep_free(&s->slots[i].keep);
        rc_slot_shm_free(&s->slots[i], s->backend);
        pthread_cond_destroy(&s->slots[i].done);
        pthread_mutex_destroy(&s->slots[i].mu);
    }
    rc_free(s->slots);
    rc_out_keep_free(&s->vox_scratch);
    rc_stage_queue_destroy(&s->free_q);
    rc_stage_queue_destroy(&s->read_q);
    rc_stage_queue_destroy(&s->write_q);
    rc_stage_queue_destroy(&s->task_q);
    rc_run_stats_free(s->stats);
    rc_task_free(s->task);
    rc_manifest_free(s->manifest);
    for (int64_t i = 0; i < s->n_committed; i++) rc_free(s->committed[i]);
    rc_free(s->committed);
    for (int64_t i = 0; i < s->n_items; i++) {
        rc_free(s->ids[i]);
        rc_free(s->items[i].why);
    }
    rc_free(s->ids);
    rc_free(s->items);
    rc_free(s->names);
    rc_input_list_free(s->files, s->n_files);
    rc_backend_close(s->backend);
    rc_spec_free(s->spec);
}

/* Lists the streams the stages read, in stage order, without repeats. */
static rc_status collect_stream_names(rc_run *s, rc_err *err)
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
static rc_status digest_inputs(rc_run *s, rc_err *err)
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

/* Appends episode i of file f (id) to the work list.  why != NULL: the item is only a record
 * that on_error: skip left it out (a file that cannot be opened: i = -1, id "*"; a duplicate
 * id), which the writer makes in run order.  Otherwise RC_E_INPUT when an earlier input episode
 * has the same id (output ids must be unique). */
static rc_status add_work(rc_run *s, size_t f, int64_t i, const char *id, const char *why, rc_err *err)
{
    rc_status st = RC_OK;
    for (int64_t k = 0; !why && k < s->n_items; k++)
        RC_FAIL_IF(!s->items[k].why && !strcmp(s->ids[k], id), err, RC_E_INPUT,
                   "episode id '%s' appears in more than one input episode; output ids must be unique", id);
    if (s->n_items == s->cap_items) {
        int64_t cap = s->cap_items ? 2 * s->cap_items : 64;
        rc_work_item *items = rc_realloc(s->items, (size_t)cap * sizeof *items);
        RC_FAIL_IF(!items, err, RC_E_NOMEM, "out of memory");
        s->items = items;
        char **ids = rc_realloc(s->ids, (size_t)cap * sizeof *ids);
        RC_FAIL_IF(!ids, err, RC_E_NOMEM, "out of memory");
        s->ids = ids;
        s->cap_items = cap;
    }
    rc_work_item *w = &s->items[s->n_items];
    *w = (rc_work_item){f, i, NULL};
    RC_FAIL_IF(!(s->ids[s->n_items] = rc_strdup(id)), err, RC_E_NOMEM, "out of memory");
    s->n_items++; /* owns its id from here on, so run_free frees it */
    RC_FAIL_IF(why && !(w->why = rc_strdup(why)), err, RC_E_NOMEM, "out of memory");
done:
    return st;
}

/* The work list: every episode of every input shard, in run order (files sorted, episodes
 * sorted within a file) that this task wants (--shard, --resume: rc_task).  Files that cannot
 * be opened and duplicate ids are found here, before any conversion: with on_error: fail they
 * stop the run; with skip they become records the writer makes in run order. */
static rc_status list_work(rc_run *s, rc_err *err)
{
    rc_status st = RC_OK;
    rc_file_episodes eps = {0};
    rc_reader_lister *lister = NULL;
    int skip = s->spec->on_error == RC_ON_ERROR_SKIP;
    RC_TRY(rc_reader_lister_open(&s->layout, s->spec->layout_rate_hz, s->spec->filter_key, 0, &lister, err));
    for (size_t f = 0; f < s->n_files; f++) {
        rc_err_clear(err);
        if (!rc_task_wants_file(s->task, f)) continue; /* another task's part */
        st = rc_reader_list_episodes(lister, s->files[f], &eps, err);
        if (st == RC_E_INPUT && skip) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            RC_TRY(add_work(s, f, -1, "*", why, err));
            continue;
        }
        if (st != RC_OK) goto done;
        for (int64_t i = 0; i < eps.n; i++) {
            const char *id = eps.ids[i];
            if (!rc_task_wants_episode(s->task, f, id)) continue; /* another task's, or kept by --resume */
            rc_err_clear(err);
            rc_err_scope(err, s->files[f], id, "/episodes/%s", id);
            st = add_work(s, f, i, id, NULL, err);
            if (st == RC_E_INPUT && skip) {
                char msg[2048];
                rc_err_format(err, msg, sizeof msg);
                st = add_work(s, f, i, id, msg, err);
            }
            if (st != RC_OK) goto done;
        }
        rc_file_episodes_free(&eps);
    }
    rc_err_clear(err);
done:
    rc_file_episodes_free(&eps);
    rc_reader_lister_close(lister);
    return st;
}

/* Slots and queues for `buffers` episodes in flight; every slot starts free. */
static rc_status make_slots(rc_run *s, int buffers, rc_err *err)
{
    rc_status st = RC_OK;
    s->slots = rc_calloc((size_t)buffers, sizeof *s->slots);
    RC_FAIL_IF(!s->slots, err, RC_E_NOMEM, "out of memory for %d buffers", buffers);
    for (int i = 0; i < buffers; i++, s->n_slots++) {
        pthread_mutex_init(&s->slots[i].mu, NULL);
        pthread_cond_init(&s->slots[i].done, NULL);
        s->slots[i].item = -1;
        s->slots[i].shm_fd = -1;
    }
    RC_FAIL_IF(rc_stage_queue_init(&s->free_q, (size_t)buffers) || rc_stage_queue_init(&s->read_q, (size_t)buffers) ||
                   rc_stage_queue_init(&s->write_q, (size_t)buffers) || rc_stage_queue_init(&s->task_q, 4096),
               err, RC_E_NOMEM, "out of memory for the stage queues");
    for (int i = 0; i < buffers; i++) rc_stage_queue_push(&s->free_q, &s->slots[i], NULL);
done:
    return st;
}

/* Runs the streaming threads over the work list; the caller's thread is the writer. */
static rc_status stream(rc_run *s, int workers, rc_err *err)
{
    rc_status st = RC_OK;
    pthread_t readers[RC_MAX_READERS], compute, *pool = rc_calloc((size_t)workers, sizeof *pool);
    int n_readers = 0, have_compute = 0, n_pool = 0;
    RC_FAIL_IF(!pool, err, RC_E_NOMEM, "out of memory for %d workers", workers);
    s->rep->stream_t0 = rc_now_s();
    for (; n_pool < workers; n_pool++)
        RC_FAIL_IF(pthread_create(&pool[n_pool], NULL, rc_compress_worker, s) != 0, err, RC_E_IO,
                   "cannot start compression worker %d of %d", n_pool + 1, workers);
    RC_FAIL_IF(pthread_create(&compute, NULL, rc_compute_stage, s) != 0, err, RC_E_IO,
               "cannot start the compute thread");
    have_compute = 1;
    atomic_store(&s->readers_left, s->n_readers);
    for (; n_readers < s->n_readers; n_readers++)
        RC_FAIL_IF(pthread_create(&readers[n_readers], NULL, rc_reader_stage, s) != 0, err, RC_E_IO,
                   "cannot start reader thread %d of %d", n_readers + 1, s->n_readers);
    st = rc_write_stage(s, err);
done:
    if (n_readers < s->n_readers) { /* the threads that did start see the end of their queues */
        atomic_store(&s->abort, 1);
        int missing = s->n_readers - n_readers; /* the last reader to end closes read_q */
        if (atomic_fetch_sub(&s->readers_left, missing) == missing) rc_stage_queue_close(&s->read_q);
        if (!have_compute) rc_stage_queue_close(&s->task_q);
    }
    for (int i = 0; i < n_readers; i++) pthread_join(readers[i], NULL);
    if (have_compute) pthread_join(compute, NULL);
    for (int i = 0; i < n_pool; i++) pthread_join(pool[i], NULL);
    s->rep->stream_wall_s = rc_now_s() - s->rep->stream_t0;
    rc_free(pool);
    return st;
}

rc_status rc_pipeline_run(const rc_run_opts *o, rc_report *rep, rc_err *err)
{
    rc_status st = RC_OK;
    rc_run s;
    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.take_mu, NULL);
    pthread_mutex_init(&s.read_mu, NULL);
    pthread_cond_init(&s.read_turn, NULL);
    s.o = o;
    s.rep = rep;
    char reason[256] = "";
    rc_task_lock lock = {.fd = -1};
    int was_in_process = rc_isolate_in_process();
    rc_isolate_set_in_process(o->readers == 0); /* --readers 0: no reader process, listing included */

    int n_spec_errors = 0;
    st = rc_spec_load_input(o->spec_path, o->schema_dir, o->input_dir, rc_input_discover_run, &s.spec, &n_spec_errors,
                            err);
    if (st == RC_E_NOMEM) goto done; /* no fault of the spec: exit 3, as every out-of-memory */
    if (st != RC_OK) {
        /* rc_spec_load has logged every error; a spec that cannot be used is exit 1 */
        rep->spec_errors = n_spec_errors > 0 ? n_spec_errors : 1;
        st = RC_E_SPEC;
        goto done;
    }
    rc_spec *sp = s.spec;
    rc_spec_apply_memory(sp);
    snprintf(s.output_dir, sizeof s.output_dir, "%s", o->output_dir ? o->output_dir : sp->output_dir);
    RC_FAIL_IF(!s.output_dir[0], err, RC_E_USAGE, "no output folder: set output.dir or --output");
    rc_sha256_of(sp->text, strlen(sp->text), s.spec_hex);
    s.layout = *sp->input_layout; /* the streams of the first input file, as the spec was checked against */
    RC_TRY(collect_stream_names(&s, err));
    RC_TRY(rc_input_list(sp->input_dir, sp->input_pattern, &s.files, &s.n_files, err));
    RC_TRY(rc_check_run_paths(&s, err));
    RC_TRY(rc_exclude_output(&s, err));
    RC_TRY(digest_inputs(&s, err));
    RC_TRY(rc_task_open(&o->task, sp->input_dir, s.files, s.n_files, &s.layout, sp->layout_rate_hz, sp->filter_key,
                        &s.task, err));
    rc_task_set_format(s.task, sp->out_format);
    RC_TRY(rc_task_plan_split(s.task, sp->split_seed, sp->val_fraction, err));
    RC_TRY(rc_zstd_filter_register(err));
    hbool_t threadsafe = 0;
    RC_FAIL_IF(H5is_library_threadsafe(&threadsafe) < 0 || !threadsafe, err, RC_E_INTERNAL,
               "expected an HDF5 library built thread-safe (the reader and writer threads both call it), "
               "found one that is not");

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    s.n_readers = o->readers > 0 ? o->readers : cores < RC_DEFAULT_READERS ? (cores > 0 ? (int)cores : 1)
                                                                         : RC_DEFAULT_READERS;
    if (s.n_readers > RC_MAX_READERS) s.n_readers = RC_MAX_READERS;
    /* A reader process decodes a large compressed dataset with threads: twice its share of the
     * cores, since not every reader decodes at once. */
    rep->decode_threads = 1; /* each reader process sets it for itself (rc_reader_pool.c) */
    if (o->readers != 0 && cores > 0) {
        int share = (int)((2 * cores + s.n_readers - 1) / s.n_readers);
        rep->decode_threads = share > RC_READER_MAX_DECODE_THREADS ? RC_READER_MAX_DECODE_THREADS : share;
    }
    /* The spawner forks before any thread, before the backend initialises a device (a CUDA
     * process's fork is what tools such as compute-sanitizer do not follow) and before the lock
     * and the output are opened.  --readers 0: reader threads read in this process. */
    if (o->readers != 0) RC_TRY(rc_reader_pool_start(&s, s.n_readers, &s.pool, err));
    RC_TRY(rc_backend_open(o->backend, o->threads, &s.backend, reason, sizeof reason, err));
    snprintf(rep->backend, sizeof rep->backend, "%s", rc_backend_name(s.backend));
    snprintf(rep->backend_reason, sizeof rep->backend_reason, "%s", reason);
    snprintf(rep->backend_device, sizeof rep->backend_device, "%s", rc_backend_describe(s.backend));
    if (!strcmp(rep->backend, "cpu"))
        snprintf(s.backend_attr, sizeof s.backend_attr, "cpu");
    else
        snprintf(s.backend_attr, sizeof s.backend_attr, "%s (%s)", rep->backend, rep->backend_device);
    rep->threads = o->threads > 0 ? o->threads : omp_get_max_threads(); /* as the CPU backend uses */
    rep->buffers = o->buffers > 0 ? o->buffers : RC_DEFAULT_BUFFERS;
    rep->compress_workers = o->threads > 0 ? o->threads : cores > 0 ? (int)cores : 1;
    if (rep->compress_workers > RC_MAX_COMPRESS_WORKERS) rep->compress_workers = RC_MAX_COMPRESS_WORKERS;
    rc_log(RC_LOG_INFO, "backend: %s%s%s%s", rep->backend, reason[0] ? " (" : "", reason, reason[0] ? ")" : "");
    rc_log(RC_LOG_INFO, "%zu input shard(s) under %s", s.n_files, sp->input_dir);

    s.manifest = rc_manifest_new();
    RC_FAIL_IF(!s.manifest, err, RC_E_NOMEM, "out of memory");
    if (sp->stats) RC_TRY(rc_run_stats_new(sp, &s.stats, err));
    RC_TRY(rc_task_lock_take(s.task, s.output_dir, &lock, err));
    if (o->resume)
        RC_TRY(rc_task_resume(s.task, sp, s.output_dir, s.spec_hex, s.inputs_hex, s.manifest, s.stats,
                              &rep->shards_written, err));
    RC_TRY(list_work(&s, err));
    if (sp->stats && sp->stats_exact) RC_TRY(rc_exact_stats_check(&s, err)); /* before any output */
    RC_TRY(rc_task_prepare_output(s.task, s.output_dir, o->force, err));

    s.pin = !strcmp(rep->backend, "cuda");
    RC_TRY(make_slots(&s, rep->buffers, err));
    rc_progress_start(&s.progress, o->on_progress, o->progress_ctx, o->progress_interval_s, s.n_items);
    uint64_t reads0[RC_READ_PATHS], bytes0[RC_READ_PATHS];
    rc_reader_path_counts(reads0, bytes0);
    st = stream(&s, rep->compress_workers, err);
    if (!s.pool) { /* --readers 0: the read paths of this process's own reads */
        uint64_t reads[RC_READ_PATHS], bytes[RC_READ_PATHS];
        rc_reader_path_counts(reads, bytes);
        rep->n_paths = RC_READ_PATHS;
        for (int a = 0; a < RC_READ_PATHS; a++) {
            rep->path_names[a] = rc_reader_path_name(a);
            rep->path_reads[a] = reads[a] - reads0[a];
            rep->path_bytes[a] = bytes[a] - bytes0[a];
        }
    }
    if (st == RC_OK && o->stop && *o->stop) { /* a signal during the last episode */
        rc_err_clear(err);
        rc_err_scope(err, s.output_dir, NULL, NULL);
        st = rc_err_set(err, RC_E_INTERRUPTED, __FILE__, __LINE__, "interrupted by a signal after the last episode");
    }
    if (st == RC_E_INTERRUPTED) {
        rc_err merr;
        rc_err_clear(&merr);
        if (rc_interrupted_finish(&s, &merr) != RC_OK) {
            char msg[2048];
            rc_err_format(&merr, msg, sizeof msg);
            rc_log(RC_LOG_ERROR, "%s", msg);
        }
        goto done;
    }
    if (st != RC_OK) goto done;
    if (s.shard) RC_TRY(rc_commit_shard(&s, err));
    rc_progress_finish(&s.progress);
    rc_err_clear(err);
    RC_TRY(rc_manifest_read_features(s.manifest, s.output_dir, err));
    rc_manifest_warn_empty_splits(s.manifest, sp->val_fraction > 0);
    if (s.stats) RC_TRY(rc_run_stats_to_manifest(s.stats, s.manifest, err));
    RC_TRY(rc_task_finish(s.task, s.output_dir, s.manifest, s.stats, err));
    char mpath[RC_PATH_MAX + 100], mname[64];
    rc_task_manifest_name(s.task, mname, sizeof mname);
    snprintf(mpath, sizeof mpath, "%s/%s", s.output_dir, mname);
    RC_TRY(rc_manifest_write(s.manifest, mpath, s.spec_hex, PACKAGE_VERSION, rep->backend, err));
done:
    if (st != RC_OK && st != RC_E_INTERRUPTED) /* no partial conversion is left behind */
        for (int64_t i = 0; i < s.n_committed; i++) rc_remove_tree(s.committed[i]);
    run_free(&s);
    rc_task_lock_release(&lock, st != RC_OK && st != RC_E_INTERRUPTED);
    rc_isolate_set_in_process(was_in_process);
    rep->wall_s = rc_now_s() - rep->t0;
    struct rusage self, children; /* after run_free: the reader processes have been waited for */
    if (getrusage(RUSAGE_SELF, &self) == 0) rep->peak_rss_kb = self.ru_maxrss;
    if (getrusage(RUSAGE_CHILDREN, &children) == 0) rep->children_peak_rss_kb = children.ru_maxrss;
    return st;
}
