/* test_out_keep.c — buffers kept from episode to episode (rc_out_keep, src/convert/rc_outputs.c):
 * take and put by path, replacement, the RC_OUT_KEEP_MAX bound, outputs without a cap freed; and
 * a voxelize stage (sparse count, points) run episode after episode through one slot's keep and
 * the compute thread's scratch, a large episode before a small one and the kept buffers filled
 * with a poison pattern, packed by 4 threads, gives exactly the outputs of the same episodes
 * converted with nothing kept and packed by one thread. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "common/rc_common.h"
#include "convert/convert_int.h"
#include "convert/rc_convert.h"
#include "tap.h"

static void test_take_put(void)
{
    rc_out_keep k;
    memset(&k, 0, sizeof k);
    size_t cap = 7;
    tap_ok(rc_out_keep_take(&k, "a/x", &cap) == NULL && cap == 0, "an empty keep gives nothing");
    void *p = rc_malloc(64);
    rc_out_keep_put(&k, "a/x", p, 64);
    tap_ok(rc_out_keep_take(&k, "a/y", &cap) == NULL && cap == 0, "another path gives nothing");
    tap_ok(rc_out_keep_take(&k, "a/x", &cap) == p && cap == 64, "the buffer comes back under its path");
    tap_ok(rc_out_keep_take(&k, "a/x", &cap) == NULL, "and only once");
    rc_out_keep_put(&k, "a/x", p, 64);
    void *q = rc_malloc(128);
    rc_out_keep_put(&k, "a/x", q, 128);
    tap_ok(k.n == 1 && rc_out_keep_take(&k, "a/x", &cap) == q && cap == 128, "a second put replaces the first");
    rc_free(q);
    rc_out_keep_put(&k, "a/z", rc_malloc(8), 0);
    tap_ok(rc_out_keep_take(&k, "a/z", &cap) == NULL, "a buffer without a cap is not kept");
    rc_out_keep_free(&k);
    char path[32];
    for (int i = 0; i < RC_OUT_KEEP_MAX + 3; i++) {
        snprintf(path, sizeof path, "s/%d", i);
        rc_out_keep_put(&k, path, rc_malloc(16), 16);
    }
    int held = 0;
    for (int i = 0; i < k.n; i++) held += k.p[i] != NULL;
    tap_ok(k.n == RC_OUT_KEEP_MAX && held == RC_OUT_KEEP_MAX, "at most RC_OUT_KEEP_MAX paths are kept (%d held)",
           held);
    snprintf(path, sizeof path, "s/%d", RC_OUT_KEEP_MAX);
    tap_ok(rc_out_keep_take(&k, path, &cap) == NULL, "a path past the bound was freed, not kept");
    rc_out_keep_free(&k);
    tap_ok(k.n == 0, "rc_out_keep_free empties it");

    rc_episode_outputs out;
    memset(&out, 0, sizeof out);
    rc_err err;
    rc_err_clear(&err);
    uint64_t dims[1] = {4};
    void *a = rc_malloc(16), *b = rc_malloc(16);
    int okk = rc_outputs_add(&out, "g", "kept", RC_ELEM_U32, 1, dims, &a, &err) == RC_OK &&
              rc_outputs_add(&out, "g", "freed", RC_ELEM_U32, 1, dims, &b, &err) == RC_OK;
    out.items[0].cap = 16;
    void *kept = out.items[0].data;
    rc_episode_outputs_keep(&out, &(rc_spec){0}, &k);
    tap_ok(okk && rc_out_keep_take(&k, "g/kept", &cap) == kept && cap == 16 &&
               rc_out_keep_take(&k, "g/freed", &cap) == NULL && out.n == 0,
           "rc_episode_outputs_keep keeps the outputs with a cap and frees the rest");
    rc_free(kept);
    rc_out_keep_free(&k);
}

/* One episode with a cloud of F frames of n points each (deterministic, from seed). */
static void make_episode(rc_episode *ep, rc_stream_data *sd, int64_t F, int64_t n, unsigned seed)
{
    memset(ep, 0, sizeof *ep);
    memset(sd, 0, sizeof *sd);
    snprintf(ep->file, sizeof ep->file, "mem.h5");
    snprintf(ep->id, sizeof ep->id, "e%u", seed);
    snprintf(ep->group, sizeof ep->group, "/episodes/e%u", seed);
    snprintf(sd->name, sizeof sd->name, "lidar");
    sd->kind = RC_STREAM_CLOUD;
    sd->S = F;
    sd->D = 4;
    sd->P = F * n;
    sd->t_ns = rc_malloc((size_t)F * sizeof *sd->t_ns);
    sd->offsets = rc_malloc((size_t)(F + 1) * sizeof *sd->offsets);
    sd->x = rc_malloc((size_t)(F * n * 4) * sizeof *sd->x);
    uint32_t r = seed * 2654435761u + 1;
    for (int64_t f = 0; f <= F; f++) sd->offsets[f] = f * n;
    for (int64_t f = 0; f < F; f++) sd->t_ns[f] = f * 100000000;
    for (int64_t i = 0; i < F * n * 4; i++) {
        r = r * 1664525u + 1013904223u;
        sd->x[i] = (float)((r >> 8) % 2000) / 100.0f - 10.0f; /* [-10, 10) m */
    }
    ep->n_streams = 1;
    ep->streams = sd;
}

static void free_episode(rc_stream_data *sd)
{
    rc_free(sd->t_ns);
    rc_free(sd->offsets);
    rc_free(sd->x);
}

static size_t elem_bytes(rc_elem e)
{
    return e == RC_ELEM_U8 ? 1 : e == RC_ELEM_I64 ? 8 : 4;
}

/* 1 when a and b hold the same outputs: paths, shapes and bytes. */
static int same_outputs(const rc_episode_outputs *a, const rc_episode_outputs *b)
{
    if (a->n != b->n) return 0;
    for (int i = 0; i < a->n; i++) {
        const rc_output *x = &a->items[i], *y = &b->items[i];
        if (strcmp(x->rel_path, y->rel_path) != 0 || x->elem != y->elem || x->rank != y->rank) return 0;
        uint64_t n = 1;
        for (int d = 0; d < x->rank; d++) {
            if (x->dims[d] != y->dims[d]) return 0;
            n *= x->dims[d];
        }
        if (n && memcmp(x->data, y->data, (size_t)n * elem_bytes(x->elem)) != 0) return 0;
    }
    return 1;
}

/* Fills every kept buffer with a pattern no output holds, so stale bytes that showed would differ. */
static void poison(rc_out_keep *k)
{
    for (int i = 0; i < k->n; i++)
        if (k->p[i]) memset(k->p[i], 0xA5, k->cap[i]);
}

static void test_voxelize_reuse(rc_backend *b, rc_vox_mode mode)
{
    rc_spec_stage sg;
    memset(&sg, 0, sizeof sg);
    sg.kind = RC_STAGE_VOXELIZE;
    snprintf(sg.name, sizeof sg.name, "grid");
    snprintf(sg.cloud, sizeof sg.cloud, "lidar");
    sg.cloud_columns = 4;
    for (int a = 0; a < 3; a++) {
        sg.range[a][0] = -10;
        sg.range[a][1] = 10;
        sg.voxel_size[a] = 0.125;
    }
    sg.mode = mode;
    sg.sparse = 1;
    sg.max_points_per_voxel = 1;
    sg.max_voxels = 160000;
    rc_spec spec;
    memset(&spec, 0, sizeof spec);
    rc_report rep;
    rc_report_init(&rep, 0);
    rc_out_keep keep, scratch;
    memset(&keep, 0, sizeof keep);
    memset(&scratch, 0, sizeof scratch);
    const int64_t frames[4] = {9, 3, 12, 2}, points[4] = {160000, 300, 9000, 50};
    int all_same = 1, reused = 0;
    uint64_t rows0 = 0;
    for (int e = 0; e < 4; e++) {
        rc_episode ep;
        rc_stream_data sd;
        make_episode(&ep, &sd, frames[e], points[e], (unsigned)e + 1);
        rc_episode_outputs kept, fresh;
        memset(&kept, 0, sizeof kept);
        memset(&fresh, 0, sizeof fresh);
        rc_err err;
        rc_err_clear(&err);
        reused += keep.n > 0 && scratch.n > 0;
        poison(&keep);
        poison(&scratch);
        omp_set_num_threads(4);
        rc_status s1 = rc_convert_voxelize(&sg, b, &ep, e, &rep, &kept, &keep, &scratch, &err);
        omp_set_num_threads(1);
        rc_status s2 = rc_convert_voxelize(&sg, b, &ep, e, &rep, &fresh, NULL, NULL, &err);
        if (e == 0 && s1 == RC_OK) rows0 = kept.items[0].dims[0];
        all_same &= s1 == RC_OK && s2 == RC_OK && same_outputs(&kept, &fresh);
        rc_episode_outputs_keep(&kept, &spec, &keep);
        rc_episode_outputs_free(&fresh, &spec);
        free_episode(&sd);
    }
    tap_ok(reused == 3, "mode %d: episodes 2-4 start from the kept buffers", (int)mode);
    tap_ok(rows0 > 9 * ((uint64_t)1 << 20) / 8, "mode %d: the first episode's batches (8 frames) hold more voxels than one thread "
           "packs (%llu in 9 frames)", (int)mode, (unsigned long long)rows0);
    tap_ok(all_same, "mode %d: kept buffers, packed by 4 threads, give the bytes of fresh ones packed by 1, a large "
           "episode before a small one", (int)mode);
    rc_out_keep_free(&keep);
    rc_out_keep_free(&scratch);
    rc_report_free(&rep);
}

int main(void)
{
    test_take_put();
    rc_backend *b = NULL;
    char reason[256];
    rc_err err;
    rc_err_clear(&err);
    if (!tap_ok(rc_backend_open("cpu", 2, &b, reason, sizeof reason, &err) == RC_OK, "CPU backend opens"))
        return tap_done();
    test_voxelize_reuse(b, RC_VOX_COUNT);
    test_voxelize_reuse(b, RC_VOX_POINTS);
    rc_backend_close(b);
    return tap_done();
}
