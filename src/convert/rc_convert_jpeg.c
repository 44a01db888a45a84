/* rc_convert_jpeg.c — an image stage's frames stored as JPEG (encoding: jpeg; docs/FORMAT.md,
 * "Image outputs"): each distinct frame the steps take is encoded once with libjpeg-turbo on the
 * host, whatever backend resized it, so the bytes do not depend on the backend; the rows are
 * zero-padded to the longest JPEG of the episode, as ALOHA's compressed files store cameras,
 * with each row's byte count beside them.  The JPEGs are decoded again and the decoded frames
 * digested (pixels_sha256), so the episode's content digest covers the pixels a reader gets as
 * well as the stored bytes.  Encoding and decoding run in parallel over the frames (OpenMP); the
 * first failing step by index is the one reported. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"
#include "compress/rc_compress.h"
#include "convert/convert_int.h"

/* Encodes (decode 0) step k's frame into jpg[k] / n[k], or decodes row k back into the frame. */
static rc_status one_frame(const rc_spec_stage *sg, const rc_image_geom *g, uint8_t *frame, int64_t k, int decode,
                           const uint8_t *row, size_t row_n, uint8_t **jpg, size_t *n, rc_err *err)
{
    char what[160];
    snprintf(what, sizeof what, "output '%s' step %lld", sg->name, (long long)k);
    if (decode) return rc_jpeg_decode(row, row_n, g->out_h, g->out_w, g->C, frame, what, err);
    return rc_jpeg_encode(frame, g->out_h, g->out_w, g->C, sg->quality, jpg, n, what, err);
}

/* Runs one_frame over the steps that take a new frame (first[0..n_first)), in parallel; the
 * failure of the smallest step wins. */
static rc_status each_frame(const rc_spec_stage *sg, const rc_image_geom *g, uint8_t *frames, const int64_t *first,
                            int64_t n_first, int decode, const uint8_t *rows, size_t P, const int64_t *lens,
                            uint8_t **jpg, size_t *n, rc_err *err)
{
    int64_t frame = rc_image_out_bytes(g), bad_at = INT64_MAX;
    rc_err bad;
    rc_err_clear(&bad);
#pragma omp parallel for schedule(dynamic, 8)
    for (int64_t i = 0; i < n_first; i++) {
        int64_t k = first[i];
        rc_err e = *err;
        if (one_frame(sg, g, frames + k * frame, k, decode, decode ? rows + (size_t)k * P : NULL,
                      decode ? (size_t)lens[k] : 0, jpg ? &jpg[k] : NULL, n ? &n[k] : NULL, &e) != RC_OK) {
#pragma omp critical(rc_convert_jpeg_bad)
            if (k < bad_at) {
                bad_at = k;
                bad = e;
            }
        }
    }
    if (bad_at == INT64_MAX) return RC_OK;
    *err = bad;
    return bad.code;
}

rc_status rc_image_stage_jpeg(const rc_spec_stage *sg, const rc_image_geom *g, uint8_t *frames, const int64_t *source,
                              int64_t T, int64_t index, rc_report *rep, rc_episode_outputs *out, rc_err *err)
{
    double t0 = rc_now_s();
    rc_status st = RC_OK;
    uint8_t **jpg = rc_calloc((size_t)T + 1, sizeof *jpg), *rows = NULL, *digest = rc_malloc(32);
    size_t *n = rc_calloc((size_t)T + 1, sizeof *n), P = 1;
    int64_t *first = rc_malloc(((size_t)T + 1) * sizeof *first), *lens = rc_malloc(((size_t)T + 1) * sizeof *lens);
    int64_t n_first = 0, frame = rc_image_out_bytes(g);
    char what[200];
    RC_FAIL_IF(!jpg || !n || !first || !lens || !digest, err, RC_E_NOMEM, "out of memory encoding output '%s'",
               sg->name);
    for (int64_t k = 0; k < T; k++) /* source never decreases: a new frame starts where it changes */
        if (k == 0 || source[k] != source[k - 1]) first[n_first++] = k;
    RC_TRY(each_frame(sg, g, frames, first, n_first, 0, NULL, 0, NULL, jpg, n, err));
    for (int64_t k = 0, f = 0; k < T; k++) {
        if (f + 1 < n_first && first[f + 1] == k) f++;
        lens[k] = (int64_t)n[first[f]];
        if (n[first[f]] > P) P = n[first[f]];
    }
    snprintf(what, sizeof what, "output '%s' [%lld, %zu] (JPEG rows)", sg->name, (long long)T, P);
    RC_TRY(rc_budget_check(rc_budget_mul((uint64_t)T, (uint64_t)P), RC_E_INPUT, what, err));
    rows = rc_calloc((size_t)T * P + 1, 1);
    RC_FAIL_IF(!rows, err, RC_E_NOMEM, "out of memory for %s", what);
    for (int64_t k = 0, f = 0; k < T; k++) {
        if (f + 1 < n_first && first[f + 1] == k) f++;
        memcpy(rows + (size_t)k * P, jpg[first[f]], (size_t)lens[k]);
    }
    /* the pixels a reader gets: every step's frame decoded from its row, digested in step order */
    RC_TRY(each_frame(sg, g, frames, first, n_first, 1, rows, P, lens, NULL, NULL, err));
    rc_sha256 c;
    rc_sha256_init(&c);
    for (int64_t k = 0, f = 0; k < T; k++) {
        if (f + 1 < n_first && first[f + 1] == k) f++;
        rc_sha256_update(&c, frames + first[f] * frame, (size_t)frame);
    }
    rc_sha256_final(&c, digest);
    rc_report_interval(rep, RC_TIMED_COMPRESS, index, t0, rc_now_s(), (uint64_t)T * (uint64_t)frame,
                       (uint64_t)T * (uint64_t)P, n_first);
    uint64_t dims[2] = {(uint64_t)T, (uint64_t)P}, d32 = 32;
    RC_TRY(rc_outputs_add(out, sg->name, "data", RC_ELEM_U8, 2, dims, (void **)&rows, err));
    RC_TRY(rc_outputs_add(out, sg->name, "jpeg_len", RC_ELEM_I64, 1, dims, (void **)&lens, err));
    RC_TRY(rc_outputs_add(out, sg->name, "pixels_sha256", RC_ELEM_U8, 1, &d32, (void **)&digest, err));
done:
    for (int64_t k = 0; jpg && k < T; k++) rc_free(jpg[k]);
    rc_free(jpg);
    rc_free(n);
    rc_free(first);
    rc_free(lens);
    rc_free(rows);
    rc_free(digest);
    return st;
}
