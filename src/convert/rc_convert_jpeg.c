/* rc_convert_jpeg.c — an image stage's frames stored as JPEG (encoding: jpeg; docs/FORMAT.md,
 * "Image outputs"): each distinct frame the steps take is encoded once with libjpeg-turbo on the
 * host, whatever backend resized it, so the bytes do not depend on the backend; the rows are
 * zero-padded to the longest JPEG of the episode, as ALOHA's compressed files store cameras,
 * with each row's byte count beside them.  The JPEGs are decoded again and the decoded frames
 * digested (pixels_sha256), so the episode's content digest covers the pixels a reader gets as
 * well as the stored bytes.  The compute stage only queues the work (rc_jpeg_job_add); the
 * compression workers encode and decode the units of a job in parallel (rc_jpeg_job_encode) and
 * the last of them assembles the rows (rc_jpeg_job_finish). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"
#include "compress/rc_compress.h"
#include "convert/convert_int.h"

rc_status rc_jpeg_job_add(const rc_spec_stage *sg, const rc_image_geom *g, uint8_t **frames, const int64_t *source,
                          int64_t T, const char *scope, rc_episode_outputs *out, rc_err *err)
{
    rc_status st = RC_OK;
    rc_jpeg_job *j = NULL;
    if (out->n_jpeg == out->cap_jpeg) {
        int cap = out->cap_jpeg ? 2 * out->cap_jpeg : 4;
        rc_jpeg_job *jobs = rc_realloc(out->jpeg, (size_t)cap * sizeof *jobs);
        RC_FAIL_IF(!jobs, err, RC_E_NOMEM, "out of memory listing JPEG outputs");
        out->jpeg = jobs;
        out->cap_jpeg = cap;
    }
    j = &out->jpeg[out->n_jpeg++];
    memset(j, 0, sizeof *j);
    j->sg = sg;
    j->g = *g;
    snprintf(j->scope, sizeof j->scope, "%s", scope);
    j->T = T;
    j->frames = *frames;
    *frames = NULL;
    j->first = rc_malloc(((size_t)T + 1) * sizeof *j->first);
    RC_FAIL_IF(!j->first, err, RC_E_NOMEM, "out of memory encoding output '%s'", sg->name);
    for (int64_t k = 0; k < T; k++) /* source never decreases: a new frame starts where it changes */
        if (k == 0 || source[k] != source[k - 1]) j->first[j->n_first++] = k;
    j->jpg = rc_calloc((size_t)j->n_first + 1, sizeof *j->jpg);
    j->n = rc_calloc((size_t)j->n_first + 1, sizeof *j->n);
    RC_FAIL_IF(!j->jpg || !j->n, err, RC_E_NOMEM, "out of memory encoding output '%s'", sg->name);
    /* the outputs in their final order, filled by rc_jpeg_job_finish: [T, P] rows (P = 1 until
     * then: a row is one chunk whatever P is), [T] lengths, the [32] digest */
    uint64_t dims[2] = {(uint64_t)T, 1}, d32 = 32;
    void *none = NULL;
    j->data_at = out->n;
    RC_TRY(rc_outputs_add(out, sg->name, "data", RC_ELEM_U8, 2, dims, &none, err));
    RC_TRY(rc_outputs_add(out, sg->name, "jpeg_len", RC_ELEM_I64, 1, dims, &none, err));
    RC_TRY(rc_outputs_add(out, sg->name, "pixels_sha256", RC_ELEM_U8, 1, &d32, &none, err));
    for (int i = 0; i < 3; i++) out->items[j->data_at + i].from_job = out->n_jpeg;
done:
    return st;
}

int64_t rc_jpeg_job_units(const rc_jpeg_job *j)
{
    int64_t u = (j->n_first + RC_JPEG_UNIT_FRAMES - 1) / RC_JPEG_UNIT_FRAMES;
    return u > 0 ? u : 1;
}

rc_status rc_jpeg_job_encode(rc_jpeg_job *j, int64_t u, int64_t *frames, uint64_t *bytes, rc_err *err)
{
    rc_status st = RC_OK;
    const rc_image_geom *g = &j->g;
    int64_t frame = rc_image_out_bytes(g), end = (u + 1) * RC_JPEG_UNIT_FRAMES;
    char what[160];
    *frames = 0;
    *bytes = 0;
    for (int64_t i = u * RC_JPEG_UNIT_FRAMES; i < end && i < j->n_first; i++) {
        int64_t k = j->first[i];
        uint8_t *px = j->frames + k * frame;
        snprintf(what, sizeof what, "output '%s' step %lld", j->sg->name, (long long)k);
        RC_TRY(rc_jpeg_encode(px, g->out_h, g->out_w, g->C, j->sg->quality, &j->jpg[i], &j->n[i], what, err));
        /* the pixels a reader gets */
        RC_TRY(rc_jpeg_decode(j->jpg[i], j->n[i], g->out_h, g->out_w, g->C, px, what, err));
        (*frames)++;
        *bytes += j->n[i];
    }
done:
    return st;
}

rc_status rc_jpeg_job_finish(rc_jpeg_job *j, rc_episode_outputs *out, rc_err *err)
{
    rc_status st = RC_OK;
    const rc_spec_stage *sg = j->sg;
    int64_t T = j->T, frame = rc_image_out_bytes(&j->g);
    int64_t *lens = rc_malloc(((size_t)T + 1) * sizeof *lens);
    uint8_t *rows = NULL, *digest = rc_malloc(32);
    size_t P = 1;
    char what[200];
    RC_FAIL_IF(!lens || !digest, err, RC_E_NOMEM, "out of memory encoding output '%s'", sg->name);
    for (int64_t i = 0; i < j->n_first; i++)
        if (j->n[i] > P) P = j->n[i];
    snprintf(what, sizeof what, "output '%s' [%lld, %zu] (JPEG rows)", sg->name, (long long)T, P);
    RC_TRY(rc_budget_check(rc_budget_mul((uint64_t)T, (uint64_t)P), RC_E_INPUT, what, err));
    rows = rc_calloc((size_t)T * P + 1, 1);
    RC_FAIL_IF(!rows, err, RC_E_NOMEM, "out of memory for %s", what);
    rc_sha256 c;
    rc_sha256_init(&c);
    for (int64_t k = 0, f = 0; k < T; k++) { /* f: the distinct frame step k takes */
        if (f + 1 < j->n_first && j->first[f + 1] == k) f++;
        lens[k] = (int64_t)j->n[f];
        memcpy(rows + (size_t)k * P, j->jpg[f], j->n[f]);
        rc_sha256_update(&c, j->frames + j->first[f] * frame, (size_t)frame);
    }
    rc_sha256_final(&c, digest);
    rc_output *o = &out->items[j->data_at];
    o[0].dims[1] = P;
    o[0].data = rows;
    o[1].data = lens;
    o[2].data = digest;
    rows = digest = NULL;
    lens = NULL;
    rc_free(j->frames); /* the slot's largest buffer: gone before the episode is written */
    j->frames = NULL;
done:
    rc_free(lens);
    rc_free(rows);
    rc_free(digest);
    return st;
}
