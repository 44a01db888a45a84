/* rc_spec.c — rc_spec_load: reads a pipeline spec, checks it against
 * schemas/pipeline.schema.yaml (rc_schema.c), fills struct rc_spec (schema defaults for absent
 * keys), then applies the rules that tie keys together or to the input layout.  Every problem
 * in the file is reported (rc_diag) before the load fails, so one run shows all of them. */
#include "config.h"
#include "spec/rc_spec.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"
#include "spec/rc_diag_int.h"
#include "spec/rc_schema_int.h"
#include "spec/rc_suggest_int.h"
#include "spec/rc_yaml_int.h"

#define PATH_N 512
#define GRID_AXIS_MAX (1 << 30) /* rc_vox_params_init's bound */

typedef struct ctx {
    rc_schema sc;
    rc_yaml doc;
    rc_diag d;
    unsigned char *bad;  /* [node] problem in or below the node (rc_schema_check) */
    rc_spec *spec;
    rc_layout layout;    /* the layout file; the first input file's streams once discovered */
    int have_layout;
    int discovered;      /* layout holds the streams of layout.from (2: one it lacks is the run's to report) */
    rc_spec_discover_fn discover;
    const char *input_dir; /* replaces input.dir (run --input), or NULL */
    char deferred[512];  /* stream names checked by the run, not here (no input at hand) */
    uint64_t frame_budget;
} ctx;

static const char *const g_methods[] = {"linear", "nearest", "previous", "slerp", "window"};
static const char *const g_dtypes[] = {"float32", "float16", "bfloat16"};
static const char *const g_modes[] = {"occupancy", "count", "mean", "points"};
static const char *const g_stage_kinds[] = {"fuse", "resample", "voxelize", "image"};
static const char *const g_orders[] = {"wxyz", "xyzw"};
static const char *const g_vox_layouts[] = {"dense", "sparse"};
static const char *const g_on_error[] = {"fail", "skip"};
static const char *const g_spans[] = {"intersection", "union"};
static const char *const g_codecs[] = {"zstd"};
static const char *const g_formats[] = {"robocache", "robomimic", "zarr"};
static const char *const g_interps[] = {"area", "bilinear"};
static const char *const g_encodings[] = {"raw", "jpeg"};

/* Index of t in names; t NULL (absent or already reported) gives 0.  A value the schema accepts
 * but this table lacks means schema and C disagree: reported, never silently mapped. */
static int lookup(rc_diag *d, const char *const *names, int n, const char *t)
{
    if (!t) return 0;
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], t)) return i;
    rc_diag_error(d, 1, 1, "", "internal: the schema accepts '%s' but this build does not know it", t);
    return 0;
}
#define LOOKUP(tab, t) lookup(&c->d, tab, (int)(sizeof tab / sizeof tab[0]), t)

/* ---- reading values that passed the schema check ---- */

static int is_bad(ctx *c, yaml_node_t *n) { return n && c->bad[rc_yaml_index(&c->doc, n)]; }

static yaml_node_t *get(ctx *c, yaml_node_t *m, const char *key)
{
    return m && m->type == YAML_MAPPING_NODE ? rc_yaml_get(&c->doc, m, key) : NULL;
}

/* The text of key in doc map m (schema s), or its default; NULL when absent without default or bad. */
static const char *text_of(ctx *c, yaml_node_t *s, yaml_node_t *m, const char *key)
{
    yaml_node_t *n = get(c, m, key);
    if (n) return is_bad(c, n) ? NULL : rc_yaml_text(n);
    return rc_schema_value(&c->sc, s, &c->doc, m && m->type == YAML_MAPPING_NODE ? m : NULL, key);
}

static int get_num(ctx *c, yaml_node_t *s, yaml_node_t *m, const char *key, double *out)
{
    const char *t = text_of(c, s, m, key);
    return t && rc_scalar_number(t, out) == 0;
}

static int get_int(ctx *c, yaml_node_t *s, yaml_node_t *m, const char *key, int64_t *out)
{
    const char *t = text_of(c, s, m, key);
    return t && rc_scalar_int(t, out) == 0;
}

static int get_size(ctx *c, yaml_node_t *s, yaml_node_t *m, const char *key, uint64_t *out)
{
    char why[256];
    const char *t = text_of(c, s, m, key);
    return t && rc_size_parse(t, out, why, sizeof why) == 0;
}

/* A key path like stages[1].fuse.streams[0].method into dst[PATH_N] (cut if ever longer). */
static void path_fmt(char *dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void path_fmt(char *dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, PATH_N, fmt, ap);
    va_end(ap);
}

static void error_at(ctx *c, yaml_node_t *n, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void error_at(ctx *c, yaml_node_t *n, const char *path, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rc_diag_error(&c->d, n ? rc_yaml_line(n) : 1, n ? rc_yaml_col(n) : 1, path, "%s", msg);
}

/* Copies key's text (or default) into dst; an over-long value is an error at the key. */
static void get_str(ctx *c, yaml_node_t *s, yaml_node_t *m, const char *key, const char *path, char *dst,
                    size_t n)
{
    const char *t = text_of(c, s, m, key);
    if (!t) return;
    if (strlen(t) >= n) {
        error_at(c, get(c, m, key), path, "expected at most %zu bytes, found %zu", n - 1, strlen(t));
        return;
    }
    snprintf(dst, n, "%s", t);
}

/* ---- the input layout and its streams ---- */

static void layout_stream_list(const rc_layout *l, int kind, char *buf, size_t n)
{
    buf[0] = '\0';
    for (int32_t i = 0; i < l->n_streams; i++) {
        if (kind >= 0 && (int)l->streams[i].kind != kind) continue;
        size_t used = strlen(buf);
        if (used < n) snprintf(buf + used, n - used, "%s%s", used ? ", " : "", l->streams[i].name);
    }
}

/* Notes a stream whose checks wait for the run (no input file at hand). */
static void defer(ctx *c, const char *name)
{
    size_t used = strlen(c->deferred);
    char probe[RC_NAME_MAX + 4];
    snprintf(probe, sizeof probe, "'%s'", name);
    if (strstr(c->deferred, probe)) return;
    if (used < sizeof c->deferred)
        snprintf(c->deferred + used, sizeof c->deferred - used, "%s%s", used ? ", " : "", probe);
}

/* The stream called name, or NULL after an error at node n (unknown, or wrong kind).  With the
 * first input file at hand its streams are the list; without, a stream the layout file does not
 * describe is left to the run (NULL, no error). */
static const rc_layout_stream *need_stream(ctx *c, yaml_node_t *n, const char *path, const char *name,
                                           rc_stream_kind kind, const char *user)
{
    char list[1024];
    if (!c->have_layout) return NULL;
    const rc_layout_stream *ls = rc_layout_find(&c->layout, name);
    if (!ls && c->discovered != 1) {
        defer(c, name);
        return NULL;
    }
    if (!ls) {
        layout_stream_list(&c->layout, -1, list, sizeof list);
        char hint[96];
        error_at(c, n, path, "stream '%s' is not in episode %s of %s (streams: %s)%s", name, c->layout.from_episode,
                 c->layout.from, list[0] ? list : "none", rc_suggest(name, list, hint, sizeof hint));
        return NULL;
    }
    if (ls->kind == RC_STREAM_UNKNOWN) {
        defer(c, name);
        return ls;
    }
    if (ls->kind != kind) {
        layout_stream_list(&c->layout, (int)kind, list, sizeof list);
        error_at(c, n, path, "stream '%s' is %s; %s needs %s (%s has: %s)", name,
                 ls->kind == RC_STREAM_CLOUD ? "a point cloud" : ls->kind == RC_STREAM_IMAGE ? "an image" : "a time series",
                 user, kind == RC_STREAM_CLOUD ? "a point cloud" : kind == RC_STREAM_IMAGE ? "an image" : "a time series",
                 c->discovered ? c->layout.from : c->layout.name, list[0] ? list : "none");
        return NULL;
    }
    return ls;
}

/* ---- sections ---- */

static void resolve_dir(ctx *c, yaml_node_t *n, const char *path, const char *dir, char *dst)
{
    const char *slash = strrchr(c->spec->path, '/');
    int w = (dir[0] != '/' && slash) ? snprintf(dst, RC_PATH_MAX, "%.*s/%s", (int)(slash - c->spec->path),
                                                c->spec->path, dir)
                                     : snprintf(dst, RC_PATH_MAX, "%s", dir);
    if (w >= RC_PATH_MAX) {
        error_at(c, n, path, "expected a path of at most %d bytes once resolved, found %d", RC_PATH_MAX - 1, w);
        dst[0] = '\0';
    }
}

/* The folder of the spec file ("" for the current one), for paths relative to it. */
static void spec_dir(const ctx *c, char *dst, size_t n)
{
    const char *slash = strrchr(c->spec->path, '/');
    snprintf(dst, n, "%.*s", slash ? (int)(slash - c->spec->path) : 0, c->spec->path);
}

/* Replaces the layout by the streams of the first input file, or notes why there is none. */
static void discover_input(ctx *c)
{
    char why[sizeof c->spec->deferred - 64];
    if (!c->discover || !c->spec->input_dir[0]) return;
    c->discovered = c->discover(c->spec, &c->layout, why, sizeof why);
    if (!c->discovered) snprintf(c->spec->deferred, sizeof c->spec->deferred, "%s", why);
}

static void load_input(ctx *c, yaml_node_t *root, const char *schema_dir)
{
    rc_spec *sp = c->spec;
    yaml_node_t *s = rc_schema_child(&c->sc, c->sc.spec, "input");
    yaml_node_t *m = get(c, root, "input");
    const char *dir = text_of(c, s, m, "dir");
    if (dir) resolve_dir(c, get(c, m, "dir"), "input.dir", dir, sp->input_dir);
    if (c->input_dir) snprintf(sp->input_dir, sizeof sp->input_dir, "%s", c->input_dir);
    get_str(c, s, m, "pattern", "input.pattern", sp->input_pattern, sizeof sp->input_pattern);
    get_str(c, s, m, "layout", "input.layout", sp->layout, sizeof sp->layout);
    get_num(c, s, m, "rate_hz", &sp->layout_rate_hz);
    /* Sample i of a layout without timestamps is at round(i * 1e9 / rate_hz) ns: above 1e9 Hz
     * neighbouring samples round to the same time; below 1e-9 Hz one step is over 1e18 ns and the
     * tenth sample is past int64. */
    if (sp->layout_rate_hz > 1e9)
        error_at(c, get(c, m, "rate_hz"), "input.rate_hz",
                 "expected at most 1000000000 (one sample per ns; faster samples share times), found %g",
                 sp->layout_rate_hz);
    if (sp->layout_rate_hz > 0 && sp->layout_rate_hz < 1e-9)
        error_at(c, get(c, m, "rate_hz"), "input.rate_hz",
                 "expected at least 1e-09 (a sample every 31.7 years; slower times overflow int64 ns), found %g",
                 sp->layout_rate_hz);
    get_str(c, s, m, "filter_key", "input.filter_key", sp->filter_key, sizeof sp->filter_key);
    if (!text_of(c, s, m, "layout")) return;
    rc_err e;
    rc_err_clear(&e);
    char base[RC_PATH_MAX];
    spec_dir(c, base, sizeof base);
    rc_status st = rc_layout_open(schema_dir, base, sp->layout, &c->layout, &e);
    if (st == RC_OK) {
        c->have_layout = 1;
        discover_input(c);
        if (sp->filter_key[0] && c->layout.format != RC_FORMAT_ROBOMIMIC)
            error_at(c, get(c, m, "filter_key"), "input.filter_key",
                     "filter_key selects robomimic /mask/ keys: it needs a layout of format robomimic, "
                     "found layout %s", sp->layout);
    } else if ((st == RC_E_SPEC && !e.line) || (st == RC_E_IO && rc_layout_is_path(sp->layout))) {
        /* unknown layout or a layout file that is not there: an error of the spec, at its key */
        yaml_node_t *at = get(c, m, "layout") ? get(c, m, "layout") : m;
        if (st == RC_E_IO) error_at(c, at, "input.layout", "layout file %s: %s", e.file, e.msg);
        else error_at(c, at, "input.layout", "%s", e.msg);
    } else {
        rc_diag_add(&c->d, &e); /* a broken or unreadable layout file names itself */
    }
}

static void load_output(ctx *c, yaml_node_t *root)
{
    rc_spec *sp = c->spec;
    yaml_node_t *s = rc_schema_child(&c->sc, c->sc.spec, "output");
    yaml_node_t *m = get(c, root, "output");
    const char *dir = text_of(c, s, m, "dir");
    int64_t v;
    if (dir) resolve_dir(c, get(c, m, "dir"), "output.dir", dir, sp->output_dir);
    get_size(c, s, m, "shard_max_bytes", &sp->shard_max_bytes);
    if (get_int(c, s, m, "shard_max_episodes", &v)) sp->shard_max_episodes = v;
    yaml_node_t *both = get(c, m, "shard_max_bytes") ? get(c, m, "shard_max_episodes") : NULL;
    if (both) /* one limit closes a shard; two would leave which one wins unclear */
        error_at(c, both, "output.shard_max_episodes",
                 "give shard_max_bytes or shard_max_episodes, not both (found both)");
    yaml_node_t *sc = rc_schema_child(&c->sc, s, "compression"), *mc = get(c, m, "compression");
    if (get_int(c, sc, mc, "level", &v)) sp->zstd_level = (int)v;
    LOOKUP(g_codecs, text_of(c, sc, mc, "codec")); /* zstd is the only codec */
    yaml_node_t *ss = rc_schema_child(&c->sc, s, "split"), *ms = get(c, m, "split");
    get_num(c, ss, ms, "val_fraction", &sp->val_fraction);
    if (get_int(c, ss, ms, "seed", &v)) sp->split_seed = (uint64_t)v;
    sp->out_format = (rc_out_format)LOOKUP(g_formats, text_of(c, s, m, "format"));
    get_str(c, s, m, "actions", "output.actions", sp->actions, sizeof sp->actions);
    if (sp->actions[0] && sp->out_format != RC_OUT_ROBOMIMIC)
        error_at(c, get(c, m, "actions"), "output.actions",
                 "actions names the output written as robomimic's /data/demo_N/actions: it needs "
                 "format: robomimic, found format %s", g_formats[sp->out_format]);
}

static void load_timeline(ctx *c, yaml_node_t *root)
{
    rc_spec *sp = c->spec;
    yaml_node_t *s = rc_schema_child(&c->sc, c->sc.spec, "timeline");
    yaml_node_t *m = get(c, root, "timeline");
    get_num(c, s, m, "rate_hz", &sp->rate_hz);
    /* Steps closer than 1 ns would round to repeated grid times (and a rate like 1e300 to a
     * grid that never advances): at most one step per nanosecond. */
    if (sp->rate_hz > 1e9)
        error_at(c, get(c, m, "rate_hz"), "timeline.rate_hz",
                 "expected at most 1000000000 (one grid step per ns), found %g", sp->rate_hz);
    yaml_node_t *span = get(c, m, "span");
    if (is_bad(c, span)) return;
    if (span && span->type == YAML_MAPPING_NODE) {
        yaml_node_t *sn = get(c, span, "stream");
        sp->span = RC_SPAN_STREAM;
        snprintf(sp->span_stream, sizeof sp->span_stream, "%s", rc_yaml_text(sn));
        need_stream(c, sn, "timeline.span.stream", sp->span_stream, RC_STREAM_SERIES, "span");
        return;
    }
    const char *t = text_of(c, s, m, "span");
    sp->span = (rc_span)LOOKUP(g_spans, t);
}

/* The window key of a stream entry (the schema has it in resample stages only): N, default 1,
 * with method window; refused with any other method rather than ignored. */
static void load_window(ctx *c, rc_spec_stream *e, yaml_node_t *s, yaml_node_t *m, const char *path,
                        const char *method)
{
    char sub[PATH_N];
    int64_t v;
    yaml_node_t *wn = get(c, m, "window");
    if (e->method != RC_METHOD_WINDOW) {
        path_fmt(sub, "%s.window", path);
        if (wn) error_at(c, wn, sub, "key 'window' applies to method window only, found method %s", method);
        return;
    }
    if (get_int(c, s, m, "window", &v)) e->window = (int32_t)v;
}

/* offset_ms of a stream entry, exactly in ns; a stream used twice takes the same offset twice (its
 * timestamps are shifted once per episode). */
static void load_offset(ctx *c, rc_spec_stream *e, yaml_node_t *m, const char *path)
{
    char sub[PATH_N];
    yaml_node_t *on = get(c, m, "offset_ms");
    if (is_bad(c, on)) return;
    path_fmt(sub, "%s.offset_ms", path);
    if (on && rc_offset_ms_parse(rc_yaml_text(on), &e->offset_ns) != 0) {
        error_at(c, on, sub, "expected milliseconds from -%d to %d in whole nanoseconds (at most 6 decimals), found %s",
                 RC_OFFSET_MS_MAX, RC_OFFSET_MS_MAX, rc_yaml_text(on));
        return;
    }
    const rc_spec *sp = c->spec;
    for (int32_t s = 0; s < sp->n_stages; s++)
        for (int32_t k = 0; sp->stages[s].kind != RC_STAGE_VOXELIZE && k < sp->stages[s].n_streams; k++) {
            const rc_spec_stream *o = &sp->stages[s].streams[k];
            if (o == e || strcmp(o->name, e->name) || o->offset_ns == e->offset_ns) continue;
            error_at(c, on ? on : m, sub, "stream '%s' has offset %lld ns here and %lld ns in stage '%s': a stream has one offset",
                     e->name, (long long)e->offset_ns, (long long)o->offset_ns, sp->stages[s].name);
            return;
        }
}

/* One {name, method, order} entry of a fuse or resample (name_key: "name", or "stream" for a
 * resample's own keys); `kind` names the stage for messages. */
static void load_stream_entry(ctx *c, rc_spec_stage *st, yaml_node_t *s, yaml_node_t *m, const char *path,
                              const char *name_key, const char *kind)
{
    char sub[PATH_N];
    rc_spec_stream *e = &st->streams[st->n_streams++];
    const char *name = text_of(c, s, m, name_key), *method = text_of(c, s, m, "method");
    const char *order = text_of(c, s, m, "order");
    e->method = (rc_method)LOOKUP(g_methods, method);
    e->quat_order = (rc_quat_order)LOOKUP(g_orders, order);
    if (!name) return;
    snprintf(e->name, sizeof e->name, "%s", name);
    path_fmt(sub, "%s.%s", path, name_key);
    for (int32_t j = 0; j < st->n_streams - 1; j++)
        if (!strcmp(st->streams[j].name, name)) {
            error_at(c, get(c, m, name_key), sub, "stream '%s' is listed twice in this %s (also entry %d)", name, kind,
                     j);
            return;
        }
    const rc_layout_stream *img = c->have_layout ? rc_layout_find(&c->layout, name) : NULL;
    if (img && img->kind == RC_STREAM_IMAGE) { /* images travel through resample nearest only, as uint8 */
        if (strcmp(kind, "resample") != 0)
            error_at(c, get(c, m, name_key), sub,
                     "stream '%s' is an image; a %s needs time series (carry images with a resample, method nearest)",
                     name, kind);
        else if (method && e->method != RC_METHOD_NEAREST && (path_fmt(sub, "%s.method", path), 1))
            error_at(c, get(c, m, "method") ? get(c, m, "method") : m, sub,
                     "stream '%s' is an image: method nearest keeps its frames unchanged, found method %s", name, method);
        st->image = 1;
        load_offset(c, e, m, path);
        return;
    }
    const rc_layout_stream *ls = need_stream(c, get(c, m, name_key), sub, name, RC_STREAM_SERIES, kind);
    if (!method) return;
    path_fmt(sub, "%s.method", path);
    yaml_node_t *mn = get(c, m, "method") ? get(c, m, "method") : m;
    if (e->method == RC_METHOD_SLERP && ls && !ls->is_quaternion && c->discovered && ls->width != 4)
        error_at(c, mn, sub, "method slerp needs a quaternion, a series of 4 columns; stream '%s' has %d columns in %s",
                 name, ls->width, c->layout.from);
    yaml_node_t *on = get(c, m, "order");
    if (e->method == RC_METHOD_SLERP && ls && (ls->quat == RC_LQ_WXYZ || ls->quat == RC_LQ_XYZW)) {
        /* the layout declares the order: the spec may repeat it, not contradict it */
        rc_quat_order declared = ls->quat == RC_LQ_XYZW ? RC_QUAT_XYZW : RC_QUAT_WXYZ;
        if (on && e->quat_order != declared) {
            path_fmt(sub, "%s.order", path);
            error_at(c, on, sub, "layout %s declares stream '%s' in order %s, found order %s", c->layout.name, name,
                     declared == RC_QUAT_XYZW ? "xyzw" : "wxyz", order);
        }
        e->quat_order = declared;
    }
    if (on && e->method != RC_METHOD_SLERP) {
        path_fmt(sub, "%s.order", path);
        error_at(c, on, sub, "key 'order' applies to method slerp only, found method %s", method);
    }
    load_window(c, e, s, m, path, method);
    load_offset(c, e, m, path);
}

static void load_fuse(ctx *c, rc_spec_stage *st, yaml_node_t *s, yaml_node_t *m, const char *path)
{
    char sub[PATH_N];
    const char *t = text_of(c, s, m, "dtype");
    st->dtype = (rc_dtype)LOOKUP(g_dtypes, t);
    get_num(c, s, m, "max_gap_ms", &st->max_gap_ms);
    yaml_node_t *list = get(c, m, "streams");
    if (!list || list->type != YAML_SEQUENCE_NODE) return;
    if (rc_yaml_len(list) > RC_MAX_FUSE_STREAMS) {
        path_fmt(sub, "%s.streams", path);
        error_at(c, list, sub, "expected at most %d streams, found %d", RC_MAX_FUSE_STREAMS, rc_yaml_len(list));
        return;
    }
    yaml_node_t *es = rc_schema_items(&c->sc, rc_schema_child(&c->sc, s, "streams"));
    for (int j = 0; j < rc_yaml_len(list); j++) {
        path_fmt(sub, "%s.streams[%d]", path, j);
        load_stream_entry(c, st, es, rc_yaml_item(&c->doc, list, j), sub, "name", "fuse");
    }
}

static void load_resample(ctx *c, rc_spec_stage *st, yaml_node_t *s, yaml_node_t *m, const char *path)
{
    char sub[PATH_N];
    const char *t = text_of(c, s, m, "dtype");
    st->dtype = (rc_dtype)LOOKUP(g_dtypes, t);
    get_num(c, s, m, "max_gap_ms", &st->max_gap_ms);
    yaml_node_t *one = get(c, m, "stream"), *list = get(c, m, "streams");
    if (one && list) {
        path_fmt(sub, "%s.streams", path);
        error_at(c, list, sub, "a resample takes 'stream' (with 'method') or 'streams' with one entry, found both");
        return;
    }
    if (list) {
        path_fmt(sub, "%s.streams", path);
        const char *extra = get(c, m, "method") ? "method" : get(c, m, "order") ? "order"
                            : get(c, m, "window") ? "window" : NULL;
        if (extra) {
            char ep[PATH_N];
            path_fmt(ep, "%s.%s", path, extra);
            error_at(c, get(c, m, extra), ep, "key '%s' goes with 'stream'; with 'streams' the entry has its own",
                     extra);
        }
        if (list->type != YAML_SEQUENCE_NODE || is_bad(c, list)) return;
        if (rc_yaml_len(list) != 1) {
            error_at(c, list, sub, "a resample takes exactly one stream, found %d (use fuse to combine streams)",
                     rc_yaml_len(list));
            return;
        }
        path_fmt(sub, "%s.streams[0]", path);
        load_stream_entry(c, st, rc_schema_items(&c->sc, rc_schema_child(&c->sc, s, "streams")),
                          rc_yaml_item(&c->doc, list, 0), sub, "name", "resample");
        return;
    }
    if (!one) {
        path_fmt(sub, "%s.stream", path);
        error_at(c, m, sub, "missing required key 'stream' (a resample takes one stream: give stream and method)");
        return;
    }
    if (!get(c, m, "method")) {
        path_fmt(sub, "%s.method", path);
        error_at(c, m, sub,
                 "missing required key 'method' (expected one of: linear, nearest, previous, slerp, window)");
        return;
    }
    load_stream_entry(c, st, s, m, path, "stream", "resample"); /* the stage map holds stream/method/order */
}

static void check_grid(ctx *c, rc_spec_stage *st, yaml_node_t *m, const char *path)
{
    static const char axis[3] = {'x', 'y', 'z'};
    char sub[PATH_N];
    yaml_node_t *vs = get(c, m, "voxel_size");
    for (int a = 0; a < 3; a++) {
        double n = round((st->range[a][1] - st->range[a][0]) / st->voxel_size[a]);
        if (n >= 1 && n <= GRID_AXIS_MAX) continue;
        path_fmt(sub, "%s.voxel_size[%d]", path, a);
        error_at(c, rc_yaml_item(&c->doc, vs, a), sub,
                 "grid axis %c would have %.0f cells (round((%g - %g) / %g)); expected 1 to 2^30 cells", axis[a], n,
                 st->range[a][1], st->range[a][0], st->voxel_size[a]);
        return;
    }
    if (st->sparse && st->mode != RC_VOX_POINTS) {
        double cells = 1; /* each axis <= 2^30: exact in double */
        for (int a = 0; a < 3; a++) cells *= round((st->range[a][1] - st->range[a][0]) / st->voxel_size[a]);
        if (cells > 0x1p62) {
            path_fmt(sub, "%s.voxel_size", path);
            error_at(c, vs, sub, "a sparse grid of %.0f cells; expected at most 2^62 (voxel indices are int64)",
                     cells);
        }
        return;
    }
    uint64_t bytes = rc_spec_dense_frame_bytes(st);
    if (bytes <= c->frame_budget) return;
    path_fmt(sub, "%s.voxel_size", path);
    int32_t nx = (int32_t)round((st->range[0][1] - st->range[0][0]) / st->voxel_size[0]);
    int32_t ny = (int32_t)round((st->range[1][1] - st->range[1][0]) / st->voxel_size[1]);
    int32_t nz = (int32_t)round((st->range[2][1] - st->range[2][0]) / st->voxel_size[2]);
    if (st->mode == RC_VOX_POINTS)
        error_at(c, get(c, m, "max_voxels"), sub,
                 "mode points with max_voxels %d x max_points_per_voxel %d x %d columns takes %llu bytes per "
                 "frame, over the budget of %llu bytes (limits.dense_frame_max_bytes); lower max_voxels or "
                 "max_points_per_voxel",
                 st->max_voxels, st->max_points_per_voxel, st->cloud_columns, (unsigned long long)bytes,
                 (unsigned long long)c->frame_budget);
    else
        error_at(c, vs, sub,
                 "a dense %s grid of %d x %d x %d voxels takes %llu bytes per frame, over the budget of %llu "
                 "bytes (limits.dense_frame_max_bytes); use layout sparse, a larger voxel_size or a smaller range",
                 g_modes[st->mode], nx, ny, nz, (unsigned long long)bytes, (unsigned long long)c->frame_budget);
}

static void load_voxelize(ctx *c, rc_spec_stage *st, yaml_node_t *s, yaml_node_t *m, const char *path)
{
    char sub[PATH_N];
    int64_t v;
    int grid_ok = 1;
    const char *t = text_of(c, s, m, "stream");
    const rc_layout_stream *ls = NULL;
    if (t) {
        snprintf(st->cloud, sizeof st->cloud, "%s", t);
        path_fmt(sub, "%s.stream", path);
        ls = need_stream(c, get(c, m, "stream"), sub, t, RC_STREAM_CLOUD, "voxelize");
        if (ls) st->cloud_columns = ls->columns > 0 ? ls->columns : ls->width;
    }
    st->mode = (rc_vox_mode)LOOKUP(g_modes, text_of(c, s, m, "mode"));
    st->sparse = LOOKUP(g_vox_layouts, text_of(c, s, m, "layout"));
    if (get_int(c, s, m, "max_points_per_voxel", &v)) st->max_points_per_voxel = (int32_t)v;
    if (get_int(c, s, m, "max_voxels", &v)) st->max_voxels = (int32_t)v;
    if (st->mode == RC_VOX_POINTS) {
        static const char *const need[2] = {"max_points_per_voxel", "max_voxels"};
        for (int i = 0; i < 2; i++) {
            if (get(c, m, need[i])) continue;
            path_fmt(sub, "%s.%s", path, need[i]);
            error_at(c, m, sub, "mode points needs key '%s' (an integer >= 1)", need[i]);
            grid_ok = 0;
        }
    }
    yaml_node_t *range = get(c, m, "range"), *vs = get(c, m, "voxel_size");
    if (!range || is_bad(c, range) || !vs || is_bad(c, vs)) grid_ok = 0;
    for (int a = 0; range && !is_bad(c, range) && a < 3; a++) {
        yaml_node_t *pair = rc_yaml_item(&c->doc, range, a);
        rc_scalar_number(rc_yaml_text(rc_yaml_item(&c->doc, pair, 0)), &st->range[a][0]);
        rc_scalar_number(rc_yaml_text(rc_yaml_item(&c->doc, pair, 1)), &st->range[a][1]);
        if (st->range[a][0] < st->range[a][1]) continue;
        path_fmt(sub, "%s.range[%d]", path, a);
        error_at(c, pair, sub, "expected min < max on axis %c, found [%g, %g]", "xyz"[a], st->range[a][0],
                 st->range[a][1]);
        grid_ok = 0;
    }
    for (int a = 0; vs && !is_bad(c, vs) && a < 3; a++)
        rc_scalar_number(rc_yaml_text(rc_yaml_item(&c->doc, vs, a)), &st->voxel_size[a]);
    /* a cloud the file is not at hand for: its width is at least 3, the bound still applies */
    if (grid_ok && (ls || (t && !rc_layout_find(&c->layout, t)))) check_grid(c, st, m, path);
}

/* The n integers of list node l (schema-checked) into out; 0 when absent or bad. */
static int read_ints(ctx *c, yaml_node_t *l, int n, int32_t *out)
{
    int64_t v;
    if (!l || is_bad(c, l) || l->type != YAML_SEQUENCE_NODE || rc_yaml_len(l) != n) return 0;
    for (int i = 0; i < n; i++) {
        if (rc_scalar_int(rc_yaml_text(rc_yaml_item(&c->doc, l, i)), &v) != 0) return 0;
        out[i] = (int32_t)v;
    }
    return 1;
}

/* An image stage: the stream must be an image stream of the layout; crop h, w >= 1; the keys that
 * belong to one choice (interpolation to resize, quality to jpeg) are refused without it; jpeg
 * needs 1 or 3 channels.  Whether the crop fits the frames, and the resize's tap limit
 * (rc_image_geom_check of ops/), are checked per episode, where the frames are known. */
static void load_image(ctx *c, rc_spec_stage *st, yaml_node_t *s, yaml_node_t *m, const char *path)
{
    char sub[PATH_N];
    int64_t v;
    rc_spec_stream *e = &st->streams[0];
    const char *t = text_of(c, s, m, "stream"), *enc = text_of(c, s, m, "encoding");
    st->n_streams = 1;
    st->image = 1; /* carries an image stream: the plan's image path, no statistics */
    e->method = (rc_method)LOOKUP(g_methods, text_of(c, s, m, "method"));
    get_num(c, s, m, "max_gap_ms", &st->max_gap_ms);
    st->interp = (rc_interp)LOOKUP(g_interps, text_of(c, s, m, "interpolation"));
    st->encoding = (rc_image_encoding)LOOKUP(g_encodings, enc);
    if (get_int(c, s, m, "quality", &v)) st->quality = (int32_t)v;
    if (t) {
        snprintf(e->name, sizeof e->name, "%s", t);
        path_fmt(sub, "%s.stream", path);
        const rc_layout_stream *ls = need_stream(c, get(c, m, "stream"), sub, t, RC_STREAM_IMAGE, "an image stage");
        if (ls) st->image_channels = ls->columns;
    }
    st->has_crop = read_ints(c, get(c, m, "crop"), 4, st->crop);
    st->has_resize = read_ints(c, get(c, m, "resize"), 2, st->resize);
    path_fmt(sub, "%s.crop", path);
    if (st->has_crop && (st->crop[2] < 1 || st->crop[3] < 1)) {
        error_at(c, get(c, m, "crop"), sub, "expected [y, x, h, w] with h and w at least 1, found [%d, %d, %d, %d]",
                 st->crop[0], st->crop[1], st->crop[2], st->crop[3]);
        st->has_crop = 0;
    }
    path_fmt(sub, "%s.interpolation", path);
    if (!get(c, m, "resize") && get(c, m, "interpolation"))
        error_at(c, get(c, m, "interpolation"), sub, "key 'interpolation' applies with 'resize' only");
    path_fmt(sub, "%s.quality", path);
    if (st->encoding != RC_IMAGE_JPEG && get(c, m, "quality") && enc)
        error_at(c, get(c, m, "quality"), sub, "key 'quality' applies to encoding jpeg only, found encoding %s", enc);
    path_fmt(sub, "%s.encoding", path);
    if (st->encoding == RC_IMAGE_JPEG && st->image_channels != 0 && st->image_channels != 1 && st->image_channels != 3)
        error_at(c, get(c, m, "encoding"), sub, "encoding jpeg stores 1 or 3 channels; stream '%s' has %d",
                 e->name, st->image_channels);
}

static void load_stages(ctx *c, yaml_node_t *root)
{
    rc_spec *sp = c->spec;
    char path[PATH_N], sub[PATH_N];
    int doc_index[RC_MAX_STAGES]; /* stages[k] of the spec is stages[doc_index[k]] of the file */
    yaml_node_t *list = get(c, root, "stages");
    if (!list || list->type != YAML_SEQUENCE_NODE) return;
    if (rc_yaml_len(list) > RC_MAX_STAGES) {
        error_at(c, list, "stages", "expected at most %d stages, found %d", RC_MAX_STAGES, rc_yaml_len(list));
        return;
    }
    yaml_node_t *item_s = rc_schema_items(&c->sc, rc_schema_child(&c->sc, c->sc.spec, "stages"));
    for (int i = 0; i < rc_yaml_len(list); i++) {
        yaml_node_t *item = rc_yaml_item(&c->doc, list, i);
        if (item->type != YAML_MAPPING_NODE || rc_yaml_len(item) != 1) continue;
        const char *kind = rc_yaml_text(rc_yaml_key(&c->doc, item, 0));
        yaml_node_t *m = rc_yaml_val(&c->doc, item, 0);
        yaml_node_t *s = kind ? rc_schema_child(&c->sc, item_s, kind) : NULL;
        if (!s || m->type != YAML_MAPPING_NODE) continue;
        doc_index[sp->n_stages] = i;
        rc_spec_stage *st = &sp->stages[sp->n_stages++];
        st->kind = (rc_stage_kind)LOOKUP(g_stage_kinds, kind);
        path_fmt(path, "stages[%d].%s", i, kind);
        const char *name = text_of(c, s, m, "name");
        if (name) {
            snprintf(st->name, sizeof st->name, "%s", name);
            for (int32_t j = 0; j < sp->n_stages - 1; j++)
                if (!strcmp(sp->stages[j].name, name)) {
                    path_fmt(sub, "%s.name", path);
                    error_at(c, get(c, m, "name"), sub, "duplicate stage name '%s' (stages[%d] has it too)", name,
                             doc_index[j]);
                    break;
                }
        }
        if (st->kind == RC_STAGE_FUSE) load_fuse(c, st, s, m, path);
        else if (st->kind == RC_STAGE_RESAMPLE) load_resample(c, st, s, m, path);
        else if (st->kind == RC_STAGE_VOXELIZE) load_voxelize(c, st, s, m, path);
        else {
            load_image(c, st, s, m, path);
        }
    }
}

/* ---- entry points ---- */

static uint64_t mul_sat(uint64_t a, uint64_t b)
{
    return (a != 0 && b > UINT64_MAX / a) ? UINT64_MAX : a * b;
}

uint64_t rc_spec_dense_frame_bytes(const rc_spec_stage *st)
{
    int32_t C = st->cloud_columns > 0 ? st->cloud_columns : 3;
    if (st->mode == RC_VOX_POINTS) {
        /* voxels [M, max_points, C] float32 + coords [M, 3] int32 + num_points [M] int32 */
        uint64_t per_voxel = mul_sat(mul_sat((uint64_t)st->max_points_per_voxel, (uint64_t)C), 4) + 16;
        return mul_sat((uint64_t)st->max_voxels, per_voxel);
    }
    uint64_t cells = 1;
    for (int a = 0; a < 3; a++) {
        double n = round((st->range[a][1] - st->range[a][0]) / st->voxel_size[a]);
        if (!(n >= 1)) return 0;
        cells = mul_sat(cells, n < 1e19 ? (uint64_t)n : UINT64_MAX);
    }
    uint64_t elem = st->mode == RC_VOX_OCCUPANCY ? 1 : st->mode == RC_VOX_COUNT ? 4 : (uint64_t)C * 4;
    return mul_sat(cells, elem);
}

/* stats: a bool, or a map {quantiles: sketch|exact} that turns them on. */
static void load_stats(ctx *c, yaml_node_t *root)
{
    yaml_node_t *n = get(c, root, "stats");
    if (is_bad(c, n)) return;
    if (n && n->type == YAML_MAPPING_NODE) {
        yaml_node_t *q = get(c, n, "quantiles");
        c->spec->stats = 1;
        c->spec->stats_exact = q && !strcmp(rc_yaml_text(q), "exact");
        return;
    }
    const char *t = text_of(c, c->sc.spec, root, "stats");
    if (t) rc_scalar_bool(t, &c->spec->stats);
}

/* output.actions names a stage with a [T, D] data output: fuse, or resample of a non-image stream. */
static void check_actions(ctx *c, yaml_node_t *root)
{
    const rc_spec *sp = c->spec;
    if (!sp->actions[0]) return;
    for (int32_t i = 0; i < sp->n_stages; i++) {
        const rc_spec_stage *st = &sp->stages[i];
        if (strcmp(st->name, sp->actions)) continue;
        if (st->kind == RC_STAGE_FUSE || (st->kind == RC_STAGE_RESAMPLE && !st->image &&
                                          st->streams[0].method != RC_METHOD_WINDOW))
            return;
        error_at(c, get(c, get(c, root, "output"), "actions"), "output.actions",
                 "expected a fuse or resample stage (a [T, D] output), found stage '%s' of another kind", st->name);
        return;
    }
    error_at(c, get(c, get(c, root, "output"), "actions"), "output.actions",
             "expected the name of a stage, found '%s' (no stage has that name)", sp->actions);
}

static void check_document(ctx *c, const char *schema_dir)
{
    yaml_node_t *root = rc_yaml_root(&c->doc);
    rc_schema_check(&c->sc, c->sc.spec, &c->doc, root, "", &c->d, c->bad);
    if (root->type != YAML_MAPPING_NODE) return;
    int64_t v;
    if (get_int(c, c->sc.spec, root, "version", &v)) c->spec->version = (int)v;
    load_input(c, root, schema_dir);
    load_output(c, root);
    const char *t = text_of(c, c->sc.spec, root, "on_error");
    c->spec->on_error = (rc_on_error)LOOKUP(g_on_error, t);
    load_timeline(c, root);
    load_stages(c, root);
    check_actions(c, root);
    load_stats(c, root);
    get_size(c, rc_schema_child(&c->sc, c->sc.spec, "limits"), get(c, root, "limits"), "memory", &c->spec->memory);
}

/* Every public load. */
static rc_status load(const char *path, const char *schema_dir, const char *input_dir, rc_spec_discover_fn discover,
                      rc_spec **out, int *n_errors, rc_err *err)
{
    rc_status st = RC_OK;
    ctx c;
    size_t n = 0;
    rc_err e;
    memset(&c, 0, sizeof c);
    rc_err_clear(&e);
    const char *name = strcmp(path, "-") ? path : "<stdin>"; /* "-": the spec on standard input */
    rc_diag_init(&c.d, name);
    c.discover = discover;
    c.input_dir = input_dir;
    *out = NULL;
    c.spec = rc_calloc(1, sizeof *c.spec);
    if (!c.spec) {
        st = rc_err_set(&e, RC_E_NOMEM, __FILE__, __LINE__, "out of memory for the spec");
        goto fail;
    }
    snprintf(c.spec->path, sizeof c.spec->path, "%s", path);
    c.spec->zstd_level = 3;
    if ((st = rc_yaml_read_file(path, &c.spec->text, &n, &e)) != RC_OK) goto fail;
    if ((st = rc_schema_load(schema_dir, &c.sc, &e)) != RC_OK) goto fail;
    if ((st = rc_schema_limit_bytes(&c.sc, "dense_frame_max_bytes", &c.frame_budget, &e)) != RC_OK) goto fail;
    if ((st = rc_yaml_parse(name, c.spec->text, n, &c.doc, &e)) != RC_OK) goto fail;
    c.bad = rc_calloc((size_t)rc_yaml_count(&c.doc) + 1, 1);
    if (!c.bad) {
        st = rc_err_set(&e, RC_E_NOMEM, __FILE__, __LINE__, "out of memory checking the spec");
        goto fail;
    }
    check_document(&c, schema_dir);
    if (c.d.n_errors > 0) {
        st = c.d.n_nomem > 0 ? RC_E_NOMEM : RC_E_SPEC;
        goto done;
    }
    c.spec->input_layout = rc_malloc(sizeof *c.spec->input_layout);
    if (!c.spec->input_layout) {
        st = rc_err_set(&e, RC_E_NOMEM, __FILE__, __LINE__, "out of memory for the input layout");
        goto fail;
    }
    *c.spec->input_layout = c.layout;
    if (c.deferred[0] && c.spec->deferred[0]) {
        size_t used = strlen(c.spec->deferred);
        snprintf(c.spec->deferred + used, sizeof c.spec->deferred - used, "; streams %s not checked", c.deferred);
    }
    *out = c.spec;
    c.spec = NULL;
    goto done;
fail:
    rc_diag_add(&c.d, &e);
done:
    rc_diag_flush(&c.d, err);
    if (n_errors) *n_errors = c.d.n_errors;
    rc_free(c.bad);
    rc_yaml_free(&c.doc);
    rc_schema_free(&c.sc);
    rc_spec_free(c.spec);
    return st;
}

rc_status rc_spec_load(const char *path, const char *schema_dir, rc_spec **out, int *n_errors, rc_err *err)
{
    return load(path, schema_dir, NULL, NULL, out, n_errors, err);
}

rc_status rc_spec_load_input(const char *path, const char *schema_dir, const char *input_dir,
                             rc_spec_discover_fn discover, rc_spec **out, int *n_errors, rc_err *err)
{
    return load(path, schema_dir, input_dir, discover, out, n_errors, err);
}


void rc_spec_apply_memory(const rc_spec *spec)
{
    char source[RC_PATH_MAX + 64];
    if (!spec->memory || rc_budget_is_set()) return;
    snprintf(source, sizeof source, "limits.memory of %s", spec->path);
    rc_budget_set(spec->memory, source);
}

void rc_spec_free(rc_spec *spec)
{
    if (!spec) return;
    rc_free(spec->text);
    rc_free(spec->input_layout);
    rc_free(spec);
}
