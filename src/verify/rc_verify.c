/* rc_verify.c — `verify`: loads both outputs (manifest.json, then every shard it names, each
 * episode decoded and hashed by rc_shard_read), matches episodes by id and datasets by path, and
 * reports every difference through the caller's sink.  Datasets whose decoded bytes hash equal
 * are equal; only the others are read again and compared element by element (verify_value.c). */
#include "config.h"
#include "verify/rc_verify.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"
#include "verify/verify_int.h"
#include "writer/rc_writer.h"

/* A dataset as found in a shard: enough to compare, without its values. */
typedef struct vds {
    char *rel;                       /* path relative to the episode group */
    rc_elem elem;
    int rank;
    uint64_t dims[RC_SHARD_MAX_RANK];
    char sha[65];                    /* SHA-256 of the decoded bytes */
} vds;

/* An episode of one side: found in a shard, listed in the manifest, or both. */
typedef struct vep {
    char *id;
    const char *shard;    /* the shard holding it; NULL when listed in the manifest only */
    const char *mf_shard; /* the shard the manifest names; NULL when not listed */
    const char *split;    /* from the manifest; NULL when not listed */
    int64_t steps;        /* the steps attribute (the manifest's value when not in a shard) */
    vds *ds;              /* [n_ds] byte order of rel */
    size_t n_ds;
} vep;

typedef struct vside {
    const char *dir, *label;
    rc_manifest_doc mf;
    const char **shards;  /* [n_shards] to open: the manifest's list, then names only episodes use */
    size_t n_shards;
    vep *eps;             /* [n_eps] byte order of id */
    size_t n_eps, cap_eps;
    rc_shard_reader *r;   /* the one shard kept open for reading values */
    const char *r_shard;
} vside;

typedef struct vctx {
    vside out, gold;
    const rc_verify_opts *o;
    rc_verify_result *res;
    const char *ep_id;    /* episode being compared, for the lines */
} vctx;

/* Sends "episode ID: " + the formatted text to the sink. */
static void say(vctx *v, const char *fmt, va_list ap)
{
    char line[4096];
    int k = snprintf(line, sizeof line, "episode %s: ", v->ep_id);
    if (k < 0 || (size_t)k >= sizeof line) k = 0;
    vsnprintf(line + k, sizeof line - (size_t)k, fmt, ap);
    if (v->o->sink) v->o->sink(v->o->sink_ctx, line);
}

/* A difference: counted, and one line. */
static void emit(vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(vctx *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(v, fmt, ap);
    va_end(ap);
    v->res->differences++;
}

/* A detail line of the difference just emitted (not counted). */
static void detail(vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void detail(vctx *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(v, fmt, ap);
    va_end(ap);
}

/* A shard that the reader could not decode is damaged output: an I/O-class failure for verify. */
static rc_status as_io(rc_status st, rc_err *err)
{
    if (st == RC_E_INPUT) {
        err->code = RC_E_IO;
        return RC_E_IO;
    }
    return st;
}

static vep *add_episode(vside *s, rc_err *err)
{
    if (s->n_eps == s->cap_eps) {
        size_t cap = s->cap_eps ? 2 * s->cap_eps : 64;
        vep *p = rc_realloc(s->eps, cap * sizeof *p);
        if (!p) {
            rc_err_set(err, RC_E_NOMEM, __FILE__, __LINE__, "out of memory for %zu episodes", cap);
            return NULL;
        }
        s->eps = p;
        s->cap_eps = cap;
    }
    vep *e = &s->eps[s->n_eps++];
    memset(e, 0, sizeof *e);
    return e;
}

static rc_status copy_episode(vep *e, const rc_shard_episode *ep, const char *shard, rc_err *err)
{
    rc_status st = RC_OK;
    e->id = rc_strdup(ep->id);
    e->shard = shard;
    e->steps = ep->steps;
    e->ds = rc_calloc(ep->n_datasets ? ep->n_datasets : 1, sizeof *e->ds);
    RC_FAIL_IF(!e->id || !e->ds, err, RC_E_NOMEM, "out of memory");
    for (size_t k = 0; k < ep->n_datasets; k++) {
        const rc_shard_dataset *d = &ep->datasets[k];
        vds *c = &e->ds[k];
        c->rel = rc_strdup(d->rel_path);
        RC_FAIL_IF(!c->rel, err, RC_E_NOMEM, "out of memory");
        c->elem = d->elem;
        c->rank = d->rank;
        memcpy(c->dims, d->dims, sizeof c->dims);
        memcpy(c->sha, d->sha256_hex, sizeof c->sha);
        e->n_ds++;
    }
done:
    return st;
}

static rc_status load_shard(vside *s, const char *name, rc_err *err)
{
    rc_status st = RC_OK;
    char path[4096];
    rc_shard_reader *r = NULL;
    const rc_shard_root *root;
    rc_shard_episode ep = {0};
    snprintf(path, sizeof path, "%s/%s", s->dir, name);
    RC_TRY(as_io(rc_shard_reader_open(path, &r, &root, err), err));
    for (size_t i = 0; i < rc_shard_reader_n_episodes(r); i++) {
        RC_TRY(as_io(rc_shard_reader_episode(r, i, &ep, err), err));
        vep *e = add_episode(s, err);
        RC_FAIL_IF(!e, err, RC_E_NOMEM, "out of memory");
        RC_TRY(copy_episode(e, &ep, name, err));
        rc_shard_episode_free(&ep);
    }
done:
    rc_shard_episode_free(&ep);
    rc_shard_reader_close(r);
    return st;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const vep *)a)->id, ((const vep *)b)->id);
}

static vep *find_episode(vside *s, size_t n, const char *id)
{
    vep key = {0};
    key.id = (char *)id;
    return bsearch(&key, s->eps, n, sizeof *s->eps, by_id);
}

/* The shards to open: the manifest's list, then any shard only an episode entry names. */
static rc_status collect_shards(vside *s, rc_err *err)
{
    rc_status st = RC_OK;
    s->shards = rc_calloc(s->mf.n_shards + s->mf.n_episodes + 1, sizeof *s->shards);
    RC_FAIL_IF(!s->shards, err, RC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < s->mf.n_shards; i++) s->shards[s->n_shards++] = s->mf.shards[i].name;
    for (size_t i = 0; i < s->mf.n_episodes; i++) {
        const char *name = s->mf.episodes[i].shard;
        if (i > 0 && !strcmp(name, s->mf.episodes[i - 1].shard)) continue; /* the usual case: seen */
        size_t k = s->n_shards;
        while (k > 0 && strcmp(s->shards[k - 1], name) != 0) k--;
        if (k == 0) s->shards[s->n_shards++] = name;
    }
done:
    return st;
}

/* Reads one side: its manifest, every shard, and joins the two lists of episodes by id. */
static rc_status load_side(vside *s, rc_err *err)
{
    rc_status st = RC_OK;
    char mpath[4096];
    snprintf(mpath, sizeof mpath, "%s/manifest.json", s->dir);
    RC_TRY(rc_manifest_read(mpath, &s->mf, err));
    RC_FAIL_IF(s->mf.incomplete, err, RC_E_IO,
               "this manifest is marked incomplete (\"complete\": false): the run that wrote it was interrupted; "
               "finish it with `run --resume` first");
    RC_TRY(collect_shards(s, err));
    for (size_t i = 0; i < s->n_shards; i++) RC_TRY(load_shard(s, s->shards[i], err));
    qsort(s->eps, s->n_eps, sizeof *s->eps, by_id);
    for (size_t i = 1; i < s->n_eps; i++) {
        rc_err_scope(err, s->dir, s->eps[i].id, NULL);
        RC_FAIL_IF(!strcmp(s->eps[i - 1].id, s->eps[i].id), err, RC_E_IO,
                   "expected each episode in one shard, found it in %s and %s", s->eps[i - 1].shard,
                   s->eps[i].shard);
    }
    size_t n_found = s->n_eps;
    for (size_t i = 0; i < s->mf.n_episodes; i++) {
        const rc_mf_episode *me = &s->mf.episodes[i];
        vep *e = find_episode(s, n_found, me->id);
        if (!e) {
            e = add_episode(s, err);
            RC_FAIL_IF(!e, err, RC_E_NOMEM, "out of memory");
            e->id = rc_strdup(me->id);
            RC_FAIL_IF(!e->id, err, RC_E_NOMEM, "out of memory");
            e->steps = me->steps;
        }
        rc_err_scope(err, mpath, me->id, NULL);
        RC_FAIL_IF(e->mf_shard != NULL, err, RC_E_IO, "expected each episode listed once, found it twice");
        e->mf_shard = me->shard;
        e->split = me->split;
    }
    qsort(s->eps, s->n_eps, sizeof *s->eps, by_id);
    for (size_t i = 1; i < s->n_eps; i++) {
        rc_err_scope(err, mpath, s->eps[i].id, NULL);
        RC_FAIL_IF(!strcmp(s->eps[i - 1].id, s->eps[i].id), err, RC_E_IO,
                   "expected each episode listed once, found it twice");
    }
done:
    return st;
}

static void free_side(vside *s)
{
    for (size_t i = 0; i < s->n_eps; i++) {
        for (size_t k = 0; k < s->eps[i].n_ds; k++) rc_free(s->eps[i].ds[k].rel);
        rc_free(s->eps[i].ds);
        rc_free(s->eps[i].id);
    }
    rc_free(s->eps);
    rc_free(s->shards);
    rc_shard_reader_close(s->r);
    rc_manifest_doc_free(&s->mf);
}

/* Reads the decoded values of dataset d of episode e, keeping its shard open for the next. */
static rc_status read_values(vside *s, const vep *e, const vds *d, void **data, rc_err *err)
{
    rc_status st = RC_OK;
    rc_shard_dataset got;
    if (!s->r || strcmp(s->r_shard, e->shard) != 0) {
        char path[4096];
        const rc_shard_root *root;
        rc_shard_reader_close(s->r);
        s->r = NULL;
        snprintf(path, sizeof path, "%s/%s", s->dir, e->shard);
        RC_TRY(as_io(rc_shard_reader_open(path, &s->r, &root, err), err));
        s->r_shard = e->shard;
    }
    RC_TRY(as_io(rc_shard_reader_data(s->r, e->id, d->rel, &got, data, err), err));
    RC_FAIL_IF(got.elem != d->elem || got.rank != d->rank || memcmp(got.dims, d->dims, sizeof got.dims) != 0,
               err, RC_E_IO, "expected the dataset read before, found another type or shape (file changed?)");
done:
    return st;
}

static void format_dims(const uint64_t *dims, int rank, char *buf, size_t n)
{
    size_t k = (size_t)snprintf(buf, n, "[");
    for (int a = 0; a < rank && k < n; a++)
        k += (size_t)snprintf(buf + k, n - k, "%s%" PRIu64, a ? ", " : "", dims[a]);
    if (k < n) snprintf(buf + k, n - k, "]");
}

/* The multi-index of flat index i in a row-major array of the given dims. */
static void format_index(uint64_t i, const uint64_t *dims, int rank, char *buf, size_t n)
{
    uint64_t idx[RC_SHARD_MAX_RANK];
    for (int a = rank - 1; a >= 0; a--) {
        idx[a] = dims[a] ? i % dims[a] : 0;
        i = dims[a] ? i / dims[a] : 0;
    }
    format_dims(idx, rank, buf, n);
}

/* Element by element; called only when the decoded bytes differ. */
static void compare_values(vctx *v, const vds *d, const void *a, const void *g, uint64_t n)
{
    uint64_t tol = v->o->tolerance_ulp, n_diff = 0, first = 0, max_ulp = 0;
    for (uint64_t i = 0; i < n; i++) {
        verify_cmp c = verify_elem_compare(d->elem, a, g, i, tol);
        if (c.equal) continue;
        if (n_diff++ == 0) first = i;
        if (c.has_ulp && c.ulp > max_ulp) max_ulp = c.ulp;
    }
    if (n_diff == 0) return;
    char where[256], va[96], vg[96];
    int is_float = d->elem == RC_ELEM_F32 || d->elem == RC_ELEM_F16 || d->elem == RC_ELEM_BF16;
    format_index(first, d->dims, d->rank, where, sizeof where);
    if (is_float)
        emit(v, "%s: %" PRIu64 " of %" PRIu64 " %s elements differ (tolerance %" PRIu64
                " ulp), first at flat index %" PRIu64 " %s, largest distance %" PRIu64 " ulp",
             d->rel, n_diff, n, rc_elem_name(d->elem), tol, first, where, max_ulp);
    else
        emit(v, "%s: %" PRIu64 " of %" PRIu64 " %s elements differ, first at flat index %" PRIu64 " %s", d->rel,
             n_diff, n, rc_elem_name(d->elem), first, where);
    uint64_t listed = 0;
    for (uint64_t i = first; i < n && listed < v->o->max_listed; i++) {
        verify_cmp c = verify_elem_compare(d->elem, a, g, i, tol);
        if (c.equal) continue;
        listed++;
        char dist[64] = "";
        if (c.has_ulp) snprintf(dist, sizeof dist, ", %" PRIu64 " ulp", c.ulp);
        else if (is_float) snprintf(dist, sizeof dist, ", one is NaN");
        format_index(i, d->dims, d->rank, where, sizeof where);
        verify_elem_format(d->elem, a, i, va, sizeof va);
        verify_elem_format(d->elem, g, i, vg, sizeof vg);
        detail(v, "%s[%" PRIu64 "] %s: output %s, golden %s%s", d->rel, i, where, va, vg, dist);
    }
    if (n_diff > listed) detail(v, "%s: %" PRIu64 " more differing elements not listed", d->rel, n_diff - listed);
}

static rc_status compare_dataset(vctx *v, const vep *ea, const vds *a, const vep *eg, const vds *g, rc_err *err)
{
    rc_status st = RC_OK;
    void *va = NULL, *vg = NULL;
    char sa[256], sg[256];
    v->res->datasets_compared++;
    if (a->elem != g->elem) {
        emit(v, "%s: dtype: output %s, golden %s", a->rel, rc_elem_name(a->elem), rc_elem_name(g->elem));
        goto done;
    }
    if (a->rank != g->rank || memcmp(a->dims, g->dims, sizeof a->dims) != 0) {
        format_dims(a->dims, a->rank, sa, sizeof sa);
        format_dims(g->dims, g->rank, sg, sizeof sg);
        emit(v, "%s: shape: output %s, golden %s", a->rel, sa, sg);
        goto done;
    }
    uint64_t n = 1;
    for (int k = 0; k < a->rank; k++) n *= a->dims[k];
    v->res->elements_compared += n;
    if (!strcmp(a->sha, g->sha)) goto done;
    RC_TRY(read_values(&v->out, ea, a, &va, err));
    RC_TRY(read_values(&v->gold, eg, g, &vg, err));
    compare_values(v, a, va, vg, n);
done:
    rc_free(va);
    rc_free(vg);
    return st;
}

/* Differences between what a side's manifest says and what its shards hold. */
static void check_listing(vctx *v, const vside *s, const vep *e)
{
    if (!e) return;
    if (!e->shard)
        emit(v, "%s: listed in manifest.json in %s, but that shard does not hold it", s->label, e->mf_shard);
    else if (!e->mf_shard)
        emit(v, "%s: in %s, but not listed in manifest.json", s->label, e->shard);
    else if (strcmp(e->shard, e->mf_shard) != 0)
        emit(v, "%s: manifest.json places it in %s, found in %s", s->label, e->mf_shard, e->shard);
}

static rc_status compare_episode(vctx *v, const vep *a, const vep *g, rc_err *err)
{
    rc_status st = RC_OK;
    v->ep_id = a ? a->id : g->id;
    check_listing(v, &v->out, a);
    check_listing(v, &v->gold, g);
    if (!a) {
        emit(v, "missing: golden has it, output does not");
        goto done;
    }
    if (!g) {
        emit(v, "extra: output has it, golden does not");
        goto done;
    }
    if (!a->shard || !g->shard) goto done; /* listed only: reported above, nothing to compare */
    v->res->episodes_compared++;
    if (a->split && g->split && strcmp(a->split, g->split) != 0)
        emit(v, "split: output %s, golden %s", a->split, g->split);
    if (a->steps != g->steps)
        emit(v, "steps: output %" PRId64 ", golden %" PRId64, a->steps, g->steps);
    size_t i = 0, j = 0;
    while (i < a->n_ds || j < g->n_ds) {
        int c = i >= a->n_ds ? 1 : j >= g->n_ds ? -1 : strcmp(a->ds[i].rel, g->ds[j].rel);
        if (c < 0) emit(v, "%s: extra dataset: output has it, golden does not", a->ds[i].rel);
        else if (c > 0) emit(v, "%s: missing dataset: golden has it, output does not", g->ds[j].rel);
        else RC_TRY(compare_dataset(v, a, &a->ds[i], g, &g->ds[j], err));
        if (c <= 0) i++;
        if (c >= 0) j++;
    }
done:
    return st;
}

rc_status rc_verify_dirs(const char *output_dir, const char *golden_dir, const rc_verify_opts *o,
                         rc_verify_result *res, rc_err *err)
{
    rc_status st = RC_OK;
    vctx v;
    memset(&v, 0, sizeof v);
    memset(res, 0, sizeof *res);
    v.o = o;
    v.res = res;
    v.out.dir = output_dir;
    v.out.label = "output";
    v.gold.dir = golden_dir;
    v.gold.label = "golden";
    RC_TRY(load_side(&v.out, err));
    RC_TRY(load_side(&v.gold, err));
    res->episodes_output = v.out.n_eps;
    res->episodes_golden = v.gold.n_eps;
    size_t i = 0, j = 0;
    while (i < v.out.n_eps || j < v.gold.n_eps) {
        int c = i >= v.out.n_eps ? 1 : j >= v.gold.n_eps ? -1 : strcmp(v.out.eps[i].id, v.gold.eps[j].id);
        size_t before = res->differences;
        RC_TRY(compare_episode(&v, c <= 0 ? &v.out.eps[i] : NULL, c >= 0 ? &v.gold.eps[j] : NULL, err));
        if (res->differences > before) res->episodes_differing++;
        if (c <= 0) i++;
        if (c >= 0) j++;
    }
    rc_err_scope(err, output_dir, NULL, NULL);
    RC_FAIL_IF(res->differences > 0, err, RC_E_DIFF, "%zu difference%s from %s", res->differences,
               res->differences == 1 ? "" : "s", golden_dir);
done:
    free_side(&v.out);
    free_side(&v.gold);
    return st;
}
