/* rc_outputs.c — the in-memory output list of one episode (rc_episode_outputs): appending an
 * output, which takes ownership of its buffer, and freeing the list with its JPEG jobs and
 * statistics, or leaving its reusable buffers to the slot's next episode (rc_out_keep). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"
#include "convert/convert_int.h"

rc_status rc_outputs_add(rc_episode_outputs *out, const char *stage, const char *dataset,
                         rc_elem elem, int rank, const uint64_t *dims, void **data, rc_err *err)
{
    rc_status st = RC_OK;
    void *owned = *data;
    *data = NULL;
    if (out->n == out->cap) {
        int cap = out->cap ? 2 * out->cap : 16;
        rc_output *items = rc_realloc(out->items, (size_t)cap * sizeof *items);
        RC_FAIL_IF(!items, err, RC_E_NOMEM, "out of memory listing outputs");
        out->items = items;
        out->cap = cap;
    }
    rc_output *o = &out->items[out->n];
    memset(o, 0, sizeof *o);
    snprintf(o->rel_path, sizeof o->rel_path, "%s/%s", stage, dataset);
    o->elem = elem;
    o->rank = rank;
    memcpy(o->dims, dims, (size_t)rank * sizeof *dims);
    o->data = owned;
    out->n++;
    owned = NULL;
done:
    rc_free(owned);
    return st;
}

/* What a JPEG job holds (rc_convert_jpeg.c), finished or not. */
static void jpeg_job_free(rc_jpeg_job *j)
{
    for (int64_t i = 0; j->jpg && i < j->n_first; i++) rc_free(j->jpg[i]);
    rc_free(j->jpg);
    rc_free(j->n);
    rc_free(j->first);
    rc_free(j->frames);
}

void *rc_out_keep_take(rc_out_keep *keep, const char *rel_path, size_t *cap)
{
    *cap = 0;
    for (int i = 0; keep && i < keep->n; i++) {
        if (!keep->p[i] || strcmp(keep->rel_path[i], rel_path) != 0) continue;
        void *p = keep->p[i];
        *cap = keep->cap[i];
        keep->p[i] = NULL;
        keep->cap[i] = 0;
        return p;
    }
    return NULL;
}

void rc_out_keep_put(rc_out_keep *keep, const char *rel_path, void *p, size_t cap)
{
    int i = 0;
    while (keep && cap && i < keep->n && strcmp(keep->rel_path[i], rel_path) != 0) i++;
    if (!keep || !cap || i == RC_OUT_KEEP_MAX) {
        rc_free(p);
        return;
    }
    if (i == keep->n) keep->n++;
    rc_free(keep->p[i]);
    snprintf(keep->rel_path[i], sizeof keep->rel_path[i], "%s", rel_path);
    keep->p[i] = p;
    keep->cap[i] = cap;
}

void rc_out_keep_free(rc_out_keep *keep)
{
    for (int i = 0; i < keep->n; i++) rc_free(keep->p[i]);
    memset(keep, 0, sizeof *keep);
}

void rc_episode_outputs_free(rc_episode_outputs *out, const rc_spec *spec)
{
    rc_episode_outputs_keep(out, spec, NULL);
}

void rc_episode_outputs_keep(rc_episode_outputs *out, const rc_spec *spec, rc_out_keep *keep)
{
    for (int i = 0; i < out->n; i++) rc_out_keep_put(keep, out->items[i].rel_path, out->items[i].data, out->items[i].cap);
    rc_free(out->items);
    for (int j = 0; j < out->n_jpeg; j++) jpeg_job_free(&out->jpeg[j]);
    rc_free(out->jpeg);
    if (out->stats)
        for (int s = 0; s < spec->n_stages; s++) rc_stats_free(&out->stats[s]);
    rc_free(out->stats);
    memset(out, 0, sizeof *out);
}
