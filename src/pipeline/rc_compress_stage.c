/* rc_compress_stage.c — the compression workers of the streaming pipeline: each takes chunk
 * tasks from the shared queue in whatever order they come, encodes a unit of JPEG frames
 * (rc_jpeg_job_encode; the last unit of a job assembles its outputs), compresses a chunk
 * exactly as the shard writer would (rc_shard_compress_chunk) or digests a whole dataset, and
 * counts the slot's open tasks down; the writer waits for that count to reach zero.  Also the
 * slot's task list and its cleanup. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"
#include "pipeline/rc_stream_int.h"

rc_status rc_slot_plan(rc_slot *slot, rc_err *err)
{
    rc_status st = RC_OK;
    const rc_episode_outputs *out = &slot->out;
    int64_t n_tasks = 0;
    slot->raw_bytes = 0;
    slot->z = rc_calloc((size_t)(out->n ? out->n : 1), sizeof *slot->z);
    slot->jpeg_left = rc_calloc((size_t)out->n_jpeg + 1, sizeof *slot->jpeg_left);
    RC_FAIL_IF(!slot->z || !slot->jpeg_left, err, RC_E_NOMEM, "out of memory planning %d outputs", out->n);
    for (int j = 0; j < out->n_jpeg; j++) {
        slot->jpeg_left[j] = rc_jpeg_job_units(&out->jpeg[j]);
        n_tasks += slot->jpeg_left[j];
    }
    for (int i = 0; i < out->n; i++) {
        const rc_output *o = &out->items[i];
        uint64_t rows = rc_shard_chunk_rows_as(o->elem, o->rank, o->dims, o->chunk_rows);
        uint64_t n = (uint64_t)rc_elem_size(o->elem);
        for (int d = 0; d < o->rank; d++) n *= o->dims[d];
        slot->raw_bytes += n;
        /* a shape the writer cannot chunk gets no tasks: rc_shard_put_compressed reports it */
        uint64_t chunks = rows ? (o->dims[0] + rows - 1) / rows : 0;
        rc_out_z *z = &slot->z[i];
        z->n_chunks = chunks;
        z->z = rc_calloc((size_t)(chunks ? chunks : 1), sizeof *z->z);
        z->z_n = rc_calloc((size_t)(chunks ? chunks : 1), sizeof *z->z_n);
        RC_FAIL_IF(!z->z || !z->z_n, err, RC_E_NOMEM, "out of memory for %llu chunk slots",
                   (unsigned long long)chunks);
        n_tasks += (int64_t)chunks + 1;
    }
    slot->tasks = rc_calloc((size_t)(n_tasks ? n_tasks : 1), sizeof *slot->tasks);
    RC_FAIL_IF(!slot->tasks, err, RC_E_NOMEM, "out of memory for %lld chunk tasks", (long long)n_tasks);
    int64_t t = 0;
    for (int j = 0; j < out->n_jpeg; j++) /* first: the tasks of their outputs wait for them */
        for (int64_t u = 0; u < slot->jpeg_left[j]; u++) slot->tasks[t++] = (rc_chunk_task){slot, -1, j, u};
    for (int i = 0; i < out->n; i++) {
        /* the digest first: it reads the whole dataset while its chunks are still queued */
        slot->tasks[t++] = (rc_chunk_task){slot, i, -1, -1};
        for (uint64_t c = 0; c < slot->z[i].n_chunks; c++)
            slot->tasks[t++] = (rc_chunk_task){slot, i, -1, (int64_t)c};
    }
    slot->n_tasks = n_tasks;
    pthread_mutex_lock(&slot->mu);
    slot->tasks_left = n_tasks;
    pthread_mutex_unlock(&slot->mu);
done:
    return st;
}

void rc_slot_clear(rc_slot *slot, const rc_spec *spec)
{
    for (int i = 0; slot->z && i < slot->out.n; i++) {
        for (uint64_t c = 0; slot->z[i].z && c < slot->z[i].n_chunks; c++) rc_free(slot->z[i].z[c]);
        rc_free(slot->z[i].z);
        rc_free(slot->z[i].z_n);
    }
    rc_free(slot->z);
    slot->z = NULL;
    rc_free(slot->jpeg_left);
    slot->jpeg_left = NULL;
    rc_free(slot->tasks);
    slot->tasks = NULL;
    slot->n_tasks = 0;
    rc_episode_outputs_keep(&slot->out, spec, &slot->keep);
    rc_scan_episode_free(&slot->fig);
    for (int k = 0; slot->ep_in_shm && k < slot->ep.n_streams; k++) { /* not the episode's */
        slot->ep.streams[k].t_ns = NULL;
        slot->ep.streams[k].x = NULL;
        slot->ep.streams[k].offsets = NULL;
        slot->ep.streams[k].u8 = NULL;
    }
    slot->ep_in_shm = 0;
    rc_episode_free(&slot->ep);
    memset(&slot->ep, 0, sizeof slot->ep);
    slot->st = slot->task_st = RC_OK;
    slot->tasks_left = 0;
    slot->bytes_in = slot->raw_bytes = 0;
    slot->item = -1;
}

/* Compresses or digests one task's data; the result goes into the slot. */
static rc_status run_task(rc_run *s, const rc_chunk_task *t, rc_err *err)
{
    rc_status st = RC_OK;
    rc_slot *slot = t->slot;
    const rc_output *o = &slot->out.items[t->out];
    rc_out_z *z = &slot->z[t->out];
    double t0 = rc_now_s();
    uint64_t in = 0, out = 0;
    if (t->chunk < 0) {
        rc_shard_data_sha256(o->elem, o->rank, o->dims, o->data, z->sha);
    } else {
        rc_err_scope(err, slot->ep.file, slot->ep.id, "%s/%s", slot->ep.group, o->rel_path);
        RC_TRY(rc_shard_compress_chunk_as(o->elem, o->rank, o->dims, o->chunk_rows, o->data, (uint64_t)t->chunk,
                                          s->spec->zstd_level, &z->z[t->chunk], &z->z_n[t->chunk], err));
        uint64_t rows = rc_shard_chunk_rows_as(o->elem, o->rank, o->dims, o->chunk_rows);
        in = rows * (uint64_t)rc_elem_size(o->elem);
        for (int d = 1; d < o->rank; d++) in *= o->dims[d];
        out = z->z_n[t->chunk];
    }
    rc_report_interval(s->rep, RC_TIMED_COMPRESS, slot->item, t0, rc_now_s(), in, out, t->chunk < 0 ? 0 : 1);
done:
    return st;
}

/* Records a task's failure in its slot (the first one wins); slot->mu held. */
static void task_failed(rc_slot *slot, rc_status st, const rc_err *err)
{
    if (st != RC_OK && slot->task_st == RC_OK) {
        slot->task_st = st;
        slot->task_err = *err;
    }
}

/* Encodes one unit of a JPEG job (the work is reported as compression: frames in, JPEG bytes
 * out); the unit that ends the job assembles its outputs, unless the slot already failed, and
 * wakes the tasks waiting for them. */
static void run_encode(rc_run *s, const rc_chunk_task *t)
{
    rc_slot *slot = t->slot;
    rc_jpeg_job *j = &slot->out.jpeg[t->job];
    rc_err err;
    rc_err_clear(&err);
    rc_err_scope(&err, slot->ep.file, slot->ep.id, "%s", j->scope);
    rc_status st = RC_OK;
    if (!atomic_load(&s->abort)) {
        double t0 = rc_now_s();
        int64_t frames = 0;
        uint64_t bytes = 0;
        st = rc_jpeg_job_encode(j, t->chunk, &frames, &bytes, &err);
        rc_report_interval(s->rep, RC_TIMED_COMPRESS, slot->item, t0, rc_now_s(),
                           (uint64_t)frames * (uint64_t)rc_image_out_bytes(&j->g), bytes, frames);
    }
    pthread_mutex_lock(&slot->mu);
    task_failed(slot, st, &err);
    int last = --slot->jpeg_left[t->job] == 0, ok = slot->task_st == RC_OK;
    pthread_mutex_unlock(&slot->mu);
    if (!last) return;
    st = RC_OK;
    uint64_t planned = slot->out.items[j->data_at].dims[1];
    if (ok && !atomic_load(&s->abort)) st = rc_jpeg_job_finish(j, &slot->out, &err);
    pthread_mutex_lock(&slot->mu);
    task_failed(slot, st, &err);
    if (st == RC_OK) /* the rows are [T, P], not [T, 1] as planned */
        slot->raw_bytes += (uint64_t)j->T * (slot->out.items[j->data_at].dims[1] - planned);
    slot->jpeg_left[t->job] = -1;
    pthread_cond_broadcast(&slot->done);
    pthread_mutex_unlock(&slot->mu);
}

/* Waits until the JPEG job that fills output `out` (if any) is finished; 1 when the task may
 * run: the slot has not failed, so the job's outputs hold data. */
static int wait_for_job(rc_slot *slot, int out)
{
    int job = slot->out.items[out].from_job - 1;
    if (job < 0) return 1;
    pthread_mutex_lock(&slot->mu);
    while (slot->jpeg_left[job] >= 0) pthread_cond_wait(&slot->done, &slot->mu);
    int ready = slot->task_st == RC_OK;
    pthread_mutex_unlock(&slot->mu);
    return ready;
}

void *rc_compress_worker(void *arg)
{
    rc_run *s = arg;
    char name[40];
    snprintf(name, sizeof name, "compress %d", atomic_fetch_add(&s->next_worker, 1) + 1);
    rc_report_bind(rc_report_track(s->rep, name, RC_PIPE_COMPRESS));
    for (;;) {
        double waited;
        rc_chunk_task *t = rc_stage_queue_pop(&s->task_q, &waited);
        if (!t) break;
        double t0 = rc_now_s();
        rc_slot *slot = t->slot;
        rc_err err;
        rc_err_clear(&err);
        rc_status st = RC_OK;
        rc_backend_range_push("compress", slot->item);
        if (t->job >= 0) run_encode(s, t);
        else {
            int ready = wait_for_job(slot, t->out);
            double t1 = rc_now_s(); /* waiting for a JPEG job is not work */
            waited += t1 - t0;
            t0 = t1;
            if (ready && !atomic_load(&s->abort)) st = run_task(s, t, &err);
        }
        rc_backend_range_pop();
        rc_report_busy(s->rep, rc_now_s() - t0, waited);
        pthread_mutex_lock(&slot->mu);
        task_failed(slot, st, &err);
        if (--slot->tasks_left == 0) pthread_cond_broadcast(&slot->done);
        pthread_mutex_unlock(&slot->mu);
    }
    return NULL;
}
