/* rc_convert_vox.c — an episode's voxelize stage: frames go to the backend in batches small
 * enough to bound memory (and no larger than the backend asks: a few per thread on the CPU, so
 * the result buffers stay small and are reused batch after batch; the compute thread keeps them
 * from episode to episode), and per-frame results are packed into the stage's datasets, whose
 * buffers the pipeline slot keeps for its next episode (neither is allocated and faulted in
 * afresh per episode):
 *   dense   <name>/data [F, n_x, n_y, n_z] (mean: [F, n_x, n_y, n_z, C]), <name>/t [F]
 *   sparse  <name>/coords [M, 3] int32 (z, y, x), <name>/values [M] or [M, C],
 *           <name>/offsets [F + 1] int64 (frame f is rows offsets[f] .. offsets[f+1]), <name>/t
 *   points  <name>/voxels [M, max_points, C], <name>/coords [M, 3], <name>/num_points [M],
 *           <name>/offsets [F + 1], <name>/t [F] */
#include "config.h"

#include "convert/convert_int.h"

#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"

/* Frames handed to the backend at once are limited to about this many bytes of results. */
#ifndef RC_VOX_BATCH_BYTES
#define RC_VOX_BATCH_BYTES ((uint64_t)256 << 20)
#endif

/* Batches with fewer voxels than this (about 16 MB of count results) are packed by the calling
 * thread alone: a smaller copy gains less than the threads' start and join cost it. */
#define RC_VOX_PACK_SERIAL_ROWS ((size_t)1 << 20)

/* A growable byte array for the packed sparse/points outputs, started from the buffer the
 * slot's last episode left for the same output (rc_out_keep). */
typedef struct grow {
    uint8_t *p;
    size_t n, cap;
} grow;

/* Makes room for n more bytes after g->n; -1 when out of memory. */
static int grow_reserve(grow *g, size_t n)
{
    if (g->n + n > g->cap) {
        size_t cap = g->cap ? g->cap : 4096;
        while (cap < g->n + n) cap *= 2;
        uint8_t *p = rc_realloc(g->p, cap);
        if (!p) return -1;
        g->p = p;
        g->cap = cap;
    }
    return 0;
}

/* Appends the nb frames' results (frame k's rows start at offs[k] - offs[0]) to the packed
 * arrays, room already made, frames copied in parallel: each has its own destination, so the
 * bytes do not depend on the threads. */
static void pack_batch(const rc_vox_frame *fr, const int64_t *offs, int64_t nb, grow *coords, grow *values,
                       grow *npts, size_t vrow)
{
    const size_t m = (size_t)(offs[nb] - offs[0]);
#pragma omp parallel for schedule(dynamic, 1) if (nb > 1 && m > RC_VOX_PACK_SERIAL_ROWS)
    for (int64_t k = 0; k < nb; k++) {
        size_t r0 = (size_t)(offs[k] - offs[0]), n = (size_t)fr[k].n_voxels;
        if (n == 0) continue;
        memcpy(coords->p + coords->n + r0 * 12, fr[k].coords, n * 12);
        memcpy(values->p + values->n + r0 * vrow, npts ? (const void *)fr[k].voxels : fr[k].values, n * vrow);
        if (npts) memcpy(npts->p + npts->n + r0 * 4, fr[k].num_points, n * 4);
    }
    coords->n += m * 12;
    values->n += m * vrow;
    if (npts) npts->n += m * 4;
}

static void grow_start(grow *g, rc_out_keep *keep, const rc_spec_stage *sg, const char *dataset)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", sg->name, dataset);
    g->n = 0;
    g->p = rc_out_keep_take(keep, path, &g->cap);
}

/* Adds g as an output whose buffer the slot may keep for its next episode. */
static rc_status add_grow(rc_episode_outputs *out, const rc_spec_stage *sg, const char *dataset, rc_elem elem,
                          int rank, const uint64_t *dims, grow *g, rc_err *err)
{
    size_t cap = g->cap;
    g->cap = 0;
    rc_status st = rc_outputs_add(out, sg->name, dataset, elem, rank, dims, (void **)&g->p, err);
    if (st == RC_OK) out->items[out->n - 1].cap = cap;
    return st;
}

/* The backend's result buffer k of stage sg, with room for need bytes: scratch's from the last
 * call when it is large enough (the backend writes every row it reports, so old contents never
 * show).  -1 when out of memory. */
static int scratch_start(grow *g, rc_out_keep *scratch, const rc_spec_stage *sg, int k, size_t need)
{
    char path[160];
    snprintf(path, sizeof path, "%s/#%d", sg->name, k);
    g->n = 0;
    g->p = rc_out_keep_take(scratch, path, &g->cap);
    if (need == 0 || g->cap >= need) return 0;
    rc_free(g->p);
    g->cap = 0;
    g->p = rc_malloc(need);
    if (!g->p) return -1;
    g->cap = need;
    return 0;
}

static void scratch_end(grow *g, rc_out_keep *scratch, const rc_spec_stage *sg, int k)
{
    char path[160];
    snprintf(path, sizeof path, "%s/#%d", sg->name, k);
    rc_out_keep_put(scratch, path, g->p, g->cap);
    g->p = NULL;
}

static size_t value_bytes(const rc_vox_params *p)
{
    return p->mode == RC_VOX_OCCUPANCY ? 1 : p->mode == RC_VOX_COUNT ? 4 : (size_t)p->C * 4;
}

static rc_elem value_elem(const rc_vox_params *p)
{
    return p->mode == RC_VOX_OCCUPANCY ? RC_ELEM_U8 : p->mode == RC_VOX_COUNT ? RC_ELEM_U32 : RC_ELEM_F32;
}

rc_status rc_convert_voxelize(const rc_spec_stage *sg, rc_backend *b, const rc_episode *ep,
                              int64_t index, rc_report *rep, rc_episode_outputs *out, rc_out_keep *keep,
                              rc_out_keep *scratch, rc_err *err)
{
    rc_status st = RC_OK;
    rc_vox_params p;
    rc_vox_frame *frames = NULL;
    void *dense = NULL;
    grow scr[3] = {{0}}; /* result buffers: coords, values or voxels, num_points */
    int64_t *offs = NULL, *t = NULL;
    grow coords = {0}, values = {0}, npts = {0};
    const rc_stream_data *sd = rc_episode_stream(ep, sg->cloud);
    RC_FAIL_IF(!sd || sd->kind != RC_STREAM_CLOUD, err, RC_E_INTERNAL, "cloud '%s' was not read", sg->cloud);
    RC_FAIL_IF(rc_vox_params_init(&p, sg->mode, sg->sparse, sg->range, sg->voxel_size, sd->D,
                                  sg->max_points_per_voxel, sg->max_voxels) != 0,
               err, RC_E_INTERNAL, "voxel grid of stage '%s' is invalid", sg->name);
    const int64_t F = sd->S;
    const uint64_t cells = (uint64_t)p.n[0] * (uint64_t)p.n[1] * (uint64_t)p.n[2];
    const size_t vb = value_bytes(&p);
    const int points_mode = p.mode == RC_VOX_POINTS;
    const int dense_mode = !points_mode && !p.sparse;
    const size_t vox_bytes = (size_t)p.max_points * (size_t)p.C * sizeof(float);

    if (!dense_mode) {
        grow_start(&coords, keep, sg, "coords");
        grow_start(&values, keep, sg, points_mode ? "voxels" : "values");
        if (points_mode) grow_start(&npts, keep, sg, "num_points");
    }
    frames = rc_calloc((size_t)(F ? F : 1), sizeof *frames);
    offs = rc_calloc((size_t)F + 1, sizeof *offs);
    t = rc_malloc((size_t)(F ? F : 1) * sizeof *t);
    RC_FAIL_IF(!frames || !offs || !t, err, RC_E_NOMEM, "out of memory for %lld frames", (long long)F);
    memcpy(t, sd->t_ns, (size_t)F * sizeof *t);
    if (dense_mode) {
        char what[160];
        snprintf(what, sizeof what, "the %lld dense frames of %llu voxels of stage '%s'", (long long)F,
                 (unsigned long long)cells, sg->name);
        RC_TRY(rc_budget_check(rc_budget_mul(rc_budget_mul((uint64_t)F, cells), vb), RC_E_INPUT, what, err));
        dense = rc_calloc((size_t)F * cells, vb);
        RC_FAIL_IF(!dense && F > 0, err, RC_E_NOMEM, "out of memory for %lld dense frames of %llu voxels",
                   (long long)F, (unsigned long long)cells);
    }

    /* Frames per batch: bounded by the bytes their result buffers need. */
    uint64_t max_pts = 1;
    for (int64_t f = 0; f < F; f++) {
        uint64_t n = (uint64_t)(sd->offsets[f + 1] - sd->offsets[f]);
        if (n > max_pts) max_pts = n;
    }
    uint64_t per_frame = points_mode ? (uint64_t)p.max_voxels * (vox_bytes + 16)
                         : dense_mode ? 1 : max_pts * (12 + vb);
    int64_t batch = dense_mode ? (F ? F : 1) : (int64_t)(RC_VOX_BATCH_BYTES / per_frame);
    int64_t hint = rc_backend_vox_frames_hint(b);
    if (!dense_mode && hint > 0 && batch > hint) batch = hint;
    if (batch < 1) batch = 1;
    if (!dense_mode) {
        uint64_t rows = points_mode ? (uint64_t)p.max_voxels : max_pts;
        size_t need[3] = {(size_t)batch * rows * 12, (size_t)batch * rows * (points_mode ? vox_bytes : vb),
                          points_mode ? (size_t)batch * rows * 4 : 0};
        int bad = 0;
        for (int k = 0; k < 3; k++) bad |= scratch_start(&scr[k], scratch, sg, k, need[k]);
        RC_FAIL_IF(bad, err, RC_E_NOMEM, "out of memory for voxelize buffers of stage '%s'", sg->name);
    }
    void *scratch_a = scr[0].p, *scratch_b = scr[1].p, *scratch_c = scr[2].p;

    for (int64_t f0 = 0; f0 < F; f0 += batch) {
        int64_t nb = F - f0 < batch ? F - f0 : batch;
        uint64_t rows = points_mode ? (uint64_t)p.max_voxels : max_pts;
        for (int64_t k = 0; k < nb; k++) {
            rc_vox_frame *fr = &frames[f0 + k];
            if (dense_mode) {
                fr->dense = (uint8_t *)dense + (size_t)(f0 + k) * cells * vb;
            } else {
                fr->coords = (int32_t *)scratch_a + (size_t)k * rows * 3;
                if (points_mode) {
                    fr->voxels = (float *)((uint8_t *)scratch_b + (size_t)k * rows * vox_bytes);
                    fr->num_points = (int32_t *)scratch_c + (size_t)k * rows;
                    memset(fr->voxels, 0, rows * vox_bytes);
                } else {
                    fr->values = (uint8_t *)scratch_b + (size_t)k * rows * vb;
                }
            }
        }
        double t0 = rc_now_s();
        RC_TRY(rc_backend_voxelize(b, &p, sd->x, sd->offsets + f0, nb, frames + f0, err));
        double t1 = rc_now_s();
        int64_t pts = sd->offsets[f0 + nb] - sd->offsets[f0];
        uint64_t bytes_out = dense_mode ? (uint64_t)nb * cells * vb : 0;
        rep->vox_points_in += pts;
        for (int64_t k = 0; k < nb; k++) {
            const rc_vox_frame *fr = &frames[f0 + k];
            rep->vox_dropped_range += fr->dropped_range;
            rep->vox_dropped_points += fr->dropped_points;
            rep->vox_dropped_voxels += fr->dropped_voxels;
            offs[f0 + k + 1] = offs[f0 + k] + (dense_mode ? 0 : fr->n_voxels);
        }
        if (!dense_mode) {
            size_t m = (size_t)(offs[f0 + nb] - offs[f0]), vrow = points_mode ? vox_bytes : vb;
            bytes_out += m * (12 + vrow + (points_mode ? 4 : 0));
            int bad = grow_reserve(&coords, m * 12) | grow_reserve(&values, m * vrow) |
                      (points_mode ? grow_reserve(&npts, m * 4) : 0);
            RC_FAIL_IF(bad, err, RC_E_NOMEM, "out of memory packing voxels of stage '%s'", sg->name);
            pack_batch(frames + f0, offs + f0, nb, &coords, &values, points_mode ? &npts : NULL, vrow);
        }
        rc_report_interval(rep, RC_TIMED_VOXELIZE, index, t0, t1, (uint64_t)pts * (uint64_t)p.C * 4,
                           bytes_out, nb);
    }

    if (out->steps == 0) out->steps = F;
    uint64_t dims[5];
    if (dense_mode) {
        dims[0] = (uint64_t)F;
        dims[1] = (uint64_t)p.n[0];
        dims[2] = (uint64_t)p.n[1];
        dims[3] = (uint64_t)p.n[2];
        dims[4] = (uint64_t)p.C;
        RC_TRY(rc_outputs_add(out, sg->name, "data", value_elem(&p), p.mode == RC_VOX_MEAN ? 5 : 4, dims, (void **)&dense, err));
    } else {
        uint64_t M = (uint64_t)offs[F];
        dims[0] = M;
        dims[1] = 3;
        RC_TRY(add_grow(out, sg, "coords", RC_ELEM_I32, 2, dims, &coords, err));
        if (points_mode) {
            dims[1] = (uint64_t)p.max_points;
            dims[2] = (uint64_t)p.C;
            RC_TRY(add_grow(out, sg, "voxels", RC_ELEM_F32, 3, dims, &values, err));
            RC_TRY(add_grow(out, sg, "num_points", RC_ELEM_I32, 1, dims, &npts, err));
        } else {
            dims[1] = (uint64_t)p.C;
            RC_TRY(add_grow(out, sg, "values", value_elem(&p), p.mode == RC_VOX_MEAN ? 2 : 1, dims, &values, err));
        }
        dims[0] = (uint64_t)F + 1;
        RC_TRY(rc_outputs_add(out, sg->name, "offsets", RC_ELEM_I64, 1, dims, (void **)&offs, err));
    }
    dims[0] = (uint64_t)F;
    RC_TRY(rc_outputs_add(out, sg->name, "t", RC_ELEM_I64, 1, dims, (void **)&t, err));
done:
    rc_free(frames);
    rc_free(dense);
    for (int k = 0; k < 3; k++) scratch_end(&scr[k], scratch, sg, k);
    rc_free(offs);
    rc_free(t);
    rc_free(coords.p);
    rc_free(values.p);
    rc_free(npts.p);
    return st;
}
