/* rc_scan_input.c — `scan` over a whole input: lists the files as `run` does, reads each
 * episode's streams without the timestamp order check, computes its figures, and turns every
 * refusal (file, episode, timestamps, empty span) into a recorded problem instead of a stop.
 * Also the spec used for a folder scanned without one, and the worst-first order. */
#include "config.h"

#include "scan/rc_scan.h"

#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"

rc_status rc_scan_folder_spec(const char *dir, const char *schema_dir, rc_spec **out, rc_err *err)
{
    rc_status st = RC_OK;
    rc_spec *sp = NULL;
    char why[512];
    *out = NULL;
    sp = rc_calloc(1, sizeof *sp);
    RC_FAIL_IF(!sp, err, RC_E_NOMEM, "out of memory for a spec");
    sp->input_layout = rc_malloc(sizeof *sp->input_layout);
    RC_FAIL_IF(!sp->input_layout, err, RC_E_NOMEM, "out of memory for a layout");
    RC_TRY(rc_layout_load(schema_dir, "robocache-raw", sp->input_layout, err));
    const rc_layout *layout = sp->input_layout;
    RC_FAIL_IF(strlen(dir) >= sizeof sp->input_dir, err, RC_E_USAGE, "folder path longer than %zu bytes",
               sizeof sp->input_dir - 1);
    snprintf(sp->input_dir, sizeof sp->input_dir, "%s", dir);
    snprintf(sp->layout, sizeof sp->layout, "%s", layout->name);
    rc_input_discover(sp, sp->input_layout, why, sizeof why); /* none: the scan reports the input */
    sp->version = 1;
    sp->span = RC_SPAN_INTERSECTION;
    sp->n_stages = 1;
    rc_spec_stage *fuse = &sp->stages[0];
    fuse->kind = RC_STAGE_FUSE;
    snprintf(fuse->name, sizeof fuse->name, "all");
    for (int32_t i = 0; i < layout->n_streams && fuse->n_streams < RC_MAX_FUSE_STREAMS; i++)
        if (layout->streams[i].kind == RC_STREAM_SERIES)
            snprintf(fuse->streams[fuse->n_streams++].name, RC_NAME_MAX, "%s", layout->streams[i].name);
    *out = sp;
    sp = NULL;
done:
    rc_spec_free(sp);
    return st;
}

/* The streams to read, each once: the stages' (and the span stream), or the whole layout. */
static int stream_names(const rc_spec *spec, const rc_layout *layout, int all, const char **names)
{
    int n = 0;
    if (all) {
        for (int32_t i = 0; i < layout->n_streams; i++) names[n++] = layout->streams[i].name;
        return n;
    }
    for (int s = 0; s < spec->n_stages; s++) {
        const rc_spec_stage *st = &spec->stages[s];
        int m = st->kind == RC_STAGE_VOXELIZE ? 1 : st->n_streams;
        for (int c = 0; c < m; c++) {
            const char *name = st->kind == RC_STAGE_VOXELIZE ? st->cloud : st->streams[c].name;
            int seen = 0;
            for (int j = 0; j < n; j++) seen |= !strcmp(names[j], name);
            if (!seen) names[n++] = name;
        }
    }
    if (spec->span == RC_SPAN_STREAM) {
        int seen = 0;
        for (int j = 0; j < n; j++) seen |= !strcmp(names[j], spec->span_stream);
        if (!seen) names[n++] = spec->span_stream;
    }
    return n;
}

/* A new entry at the end of r->eps (zeroed). */
static rc_status push_entry(rc_scan_result *r, int64_t *cap, rc_scan_episode **e, rc_err *err)
{
    rc_status st = RC_OK;
    if (r->n_eps == *cap) {
        int64_t c = *cap ? 2 * *cap : 64;
        rc_scan_episode *grown = rc_realloc(r->eps, (size_t)c * sizeof *grown);
        RC_FAIL_IF(!grown, err, RC_E_NOMEM, "out of memory for %lld scanned episodes", (long long)c);
        r->eps = grown;
        *cap = c;
    }
    *e = &r->eps[r->n_eps++];
    memset(*e, 0, sizeof **e);
done:
    return st;
}

/* An entry that holds only the problem p (a refused file or episode). */
static rc_status push_refusal(rc_scan_result *r, int64_t *cap, const char *file, const char *id, const rc_err *p,
                              rc_err *err)
{
    rc_status st = RC_OK;
    rc_scan_episode *e;
    RC_TRY(push_entry(r, cap, &e, err));
    snprintf(e->file, sizeof e->file, "%s", file);
    snprintf(e->id, sizeof e->id, "%s", id);
    e->steps = -1;
    e->problems = rc_malloc(sizeof *e->problems);
    RC_FAIL_IF(!e->problems, err, RC_E_NOMEM, "out of memory recording a scan problem");
    e->problems[0] = *p;
    e->n_problems = 1;
done:
    return st;
}

/* Every episode of one file. */
static rc_status scan_file(const rc_spec *spec, const rc_layout *layout, const char *file, const char **names,
                           int n_names, rc_scan_result *r, int64_t *cap, rc_err *err)
{
    rc_status st = RC_OK;
    rc_reader *rd = NULL;
    rc_episode ep;
    rc_err p;
    memset(&ep, 0, sizeof ep);
    rc_err_clear(&p);
    /* opened as the run opens it: the spec's layout, rate and filter key */
    if (rc_reader_open_layout(file, layout, spec->layout_rate_hz, spec->filter_key, &rd, &p) != RC_OK)
        return push_refusal(r, cap, file, "*", &p, err);
    int64_t n = rc_reader_n_episodes(rd);
    r->n_episodes += n;
    for (int64_t i = 0; i < n; i++) {
        rc_err_clear(&p);
        if (rc_reader_read_episode_unordered(rd, i, layout, names, n_names, &ep, &p) != RC_OK) {
            RC_TRY(push_refusal(r, cap, file, rc_reader_episode_id(rd, i), &p, err));
            continue;
        }
        rc_scan_episode *e;
        RC_TRY(push_entry(r, cap, &e, err));
        RC_TRY(rc_scan_episode_figures(spec, &ep, 1, e, err));
        rc_episode_free(&ep);
    }
done:
    rc_episode_free(&ep);
    rc_reader_close(rd);
    return st;
}

rc_status rc_scan_input(const rc_spec *spec, const char *schema_dir, int all_streams, rc_scan_result *out,
                        rc_err *err)
{
    rc_status st = RC_OK;
    rc_layout layout;
    char **files = NULL;
    size_t n_files = 0;
    const char *names[RC_LAYOUT_MAX_STREAMS + RC_MAX_STAGES * RC_MAX_FUSE_STREAMS + 1];
    int64_t cap = 0;
    rc_err p;
    memset(out, 0, sizeof *out);
    if (spec->input_layout) layout = *spec->input_layout; /* as discovered by the spec's load */
    else RC_TRY(rc_layout_open(schema_dir, NULL, spec->layout, &layout, err));
    int n_names = stream_names(spec, &layout, all_streams, names);
    rc_err_clear(&p);
    if (rc_input_list(spec->input_dir, spec->input_pattern, &files, &n_files, &p) != RC_OK) {
        RC_TRY(push_refusal(out, &cap, spec->input_dir, "*", &p, err));
        out->would_fail = 1; /* no input at all stops a run whatever on_error says */
        out->first_failure = p;
    }
    out->n_files = (int64_t)n_files;
    for (size_t f = 0; f < n_files; f++) RC_TRY(scan_file(spec, &layout, files[f], names, n_names, out, &cap, err));
    for (int64_t i = 0; i < out->n_eps; i++) {
        const rc_scan_episode *e = &out->eps[i];
        out->n_problems += e->n_problems;
        out->n_bad_episodes += e->n_problems > 0;
        for (int k = 0; k < e->n_problems && !out->would_fail; k++) {
            /* on_error: skip passes over bad input data only; anything else stops a run */
            if (e->problems[k].code != RC_E_INPUT || spec->on_error == RC_ON_ERROR_FAIL) {
                out->would_fail = 1;
                out->first_failure = e->problems[k];
            }
        }
    }
done:
    rc_input_list_free(files, n_files);
    if (st != RC_OK) rc_scan_result_free(out);
    return st;
}

void rc_scan_result_free(rc_scan_result *r)
{
    for (int64_t i = 0; i < r->n_eps; i++) rc_scan_episode_free(&r->eps[i]);
    rc_free(r->eps);
    memset(r, 0, sizeof *r);
}

/* Whether entry i is listed after entry j: fewer problems, then a smaller worst_gap_ratio,
 * then later in input order (a total order, so any sort gives the same list). */
static int listed_after(const rc_scan_result *r, int64_t i, int64_t j)
{
    const rc_scan_episode *x = &r->eps[i], *y = &r->eps[j];
    if (x->n_problems != y->n_problems) return x->n_problems < y->n_problems;
    if (x->worst_gap_ratio != y->worst_gap_ratio) return x->worst_gap_ratio < y->worst_gap_ratio;
    return i > j;
}

static void sift_down(const rc_scan_result *r, int64_t *idx, int64_t n, int64_t k)
{
    for (;;) {
        int64_t c = 2 * k + 1, m = k;
        if (c < n && listed_after(r, idx[c], idx[m])) m = c;
        if (c + 1 < n && listed_after(r, idx[c + 1], idx[m])) m = c + 1;
        if (m == k) return;
        int64_t t = idx[k];
        idx[k] = idx[m];
        idx[m] = t;
        k = m;
    }
}

/* A heap sort: qsort has no context argument in C11, and this needs no memory of its own. */
void rc_scan_rank(const rc_scan_result *r, int64_t *idx)
{
    int64_t n = r->n_eps;
    for (int64_t i = 0; i < n; i++) idx[i] = i;
    for (int64_t k = n / 2 - 1; k >= 0; k--) sift_down(r, idx, n, k);
    for (int64_t end = n - 1; end > 0; end--) {
        int64_t t = idx[0];
        idx[0] = idx[end];
        idx[end] = t;
        sift_down(r, idx, end, 0);
    }
}
