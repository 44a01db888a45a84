/* rc_layout.c — reads a layout file (see rc_spec.h): the reader format, the time source, and
 * what the layout knows of some streams (kind, column count, quaternion order, HDF5 path), each
 * key optional: the streams themselves are discovered in the input.  The file is checked as
 * strictly as a spec: unknown keys and impossible values are errors naming the layout file's
 * line. */
#include "config.h"
#include "spec/rc_spec.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_common.h"
#include "spec/rc_schema_int.h"
#include "spec/rc_suggest_int.h"
#include "spec/rc_yaml_int.h"

/* Values of the layout key `format`, in rc_layout_format order. */
static const char *const g_formats[] = {"robocache-raw", "robomimic", "aloha", "robosuite"};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds the layout names of dir/layouts/ to names[*count] (at most 64, each once). */
static void collect_layouts(const char *schema_dir, char **names, int *count)
{
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/layouts", schema_dir);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && *count < 64) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".yaml") != 0) continue;
        char *name = rc_strdup(e->d_name);
        if (!name) continue;
        name[len - 5] = '\0';
        int seen = 0;
        for (int i = 0; i < *count; i++) seen |= !strcmp(names[i], name);
        if (seen) rc_free(name);
        else names[(*count)++] = name;
    }
    closedir(d);
}

/* "a, b, c": the layouts of every folder of schema_dir, sorted. */
static void list_layouts(const char *schema_dir, char *buf, size_t n)
{
    char *names[64], dir[1024];
    int count = 0;
    buf[0] = '\0';
    for (const char *rest = schema_dir; (rest = rc_schema_dir_next(rest, dir, sizeof dir)) != NULL;)
        collect_layouts(dir, names, &count);
    qsort(names, (size_t)count, sizeof names[0], cmp_str);
    for (int i = 0; i < count; i++) {
        size_t used = strlen(buf);
        if (used < n) snprintf(buf + used, n - used, "%s%s", i ? ", " : "", names[i]);
        rc_free(names[i]);
    }
}

/* Points err at node n of the layout file. */
static void at(rc_err *err, const yaml_node_t *n)
{
    err->line = rc_yaml_line(n);
    err->column = rc_yaml_col(n);
}

static rc_status read_stream(rc_yaml *y, yaml_node_t *key, yaml_node_t *v, rc_layout_stream *s, rc_err *err)
{
    rc_status st = RC_OK;
    const char *name = rc_yaml_text(key);
    int64_t cols = 0;
    at(err, key);
    RC_FAIL_IF(!name || strlen(name) >= sizeof s->name, err, RC_E_SPEC,
               "expected a stream name of at most %zu bytes", sizeof s->name - 1);
    snprintf(s->name, sizeof s->name, "%s", name);
    snprintf(s->path, sizeof s->path, "%s", name);
    s->kind = RC_STREAM_UNKNOWN;
    RC_FAIL_IF(v->type != YAML_MAPPING_NODE, err, RC_E_SPEC,
               "stream '%s': expected a map {kind, columns, quaternion}", name);
    for (int i = 0; i < rc_yaml_len(v); i++) {
        const char *k = rc_yaml_text(rc_yaml_key(y, v, i));
        yaml_node_t *val = rc_yaml_val(y, v, i);
        const char *t = rc_yaml_text(val);
        at(err, val);
        if (k && !strcmp(k, "kind")) {
            RC_FAIL_IF(!t || (strcmp(t, "series") && strcmp(t, "cloud") && strcmp(t, "image")), err, RC_E_SPEC,
                       "stream '%s': expected kind series, cloud or image, found %s", name, t ? t : "a collection");
            s->kind = !strcmp(t, "cloud") ? RC_STREAM_CLOUD : !strcmp(t, "image") ? RC_STREAM_IMAGE : RC_STREAM_SERIES;
        } else if (k && !strcmp(k, "columns")) {
            if (t && !strcmp(t, "any")) { /* the stored dataset says; 0 = any */
                s->columns = 0;
                cols = -1;
                continue;
            }
            RC_FAIL_IF(!t || rc_scalar_int(t, &cols) != 0 || cols < 1 || cols > 1000000, err, RC_E_SPEC,
                       "stream '%s': expected columns from 1 to 1000000 or any, found %s", name,
                       t ? t : "a collection");
            s->columns = (int32_t)cols;
        } else if (k && !strcmp(k, "quaternion")) {
            int order = t && !strcmp(t, "wxyz") ? RC_LQ_WXYZ : t && !strcmp(t, "xyzw") ? RC_LQ_XYZW : RC_LQ_NONE;
            RC_FAIL_IF(!t || (!order && rc_scalar_bool(t, &s->is_quaternion) != 0), err, RC_E_SPEC,
                       "stream '%s': expected quaternion true, false, wxyz or xyzw, found %s", name,
                       t ? t : "a collection");
            if (order) s->is_quaternion = 1;
            s->quat = order ? (rc_layout_quat)order : s->is_quaternion ? RC_LQ_ANY : RC_LQ_NONE;
        } else if (k && !strcmp(k, "path")) {
            RC_FAIL_IF(!t || !t[0] || t[0] == '/' || strlen(t) >= sizeof s->path, err, RC_E_SPEC,
                       "stream '%s': expected path relative to the episode group, of 1 to %zu bytes, found %s",
                       name, sizeof s->path - 1, t ? t : "a collection");
            snprintf(s->path, sizeof s->path, "%s", t);
            s->path_given = 1;
        } else {
            at(err, rc_yaml_key(y, v, i));
            RC_FAIL_IF(1, err, RC_E_SPEC,
                       "stream '%s': unknown key '%s' (expected one of: kind, columns, quaternion, path)", name,
                       k ? k : "?");
        }
    }
    at(err, v);
    (void)cols; /* columns absent or any: the dataset says */
    RC_FAIL_IF(s->kind == RC_STREAM_CLOUD && s->columns > 0 && s->columns < 3, err, RC_E_SPEC,
               "stream '%s': a cloud needs at least 3 columns (x, y, z), found %d", name, s->columns);
    RC_FAIL_IF(s->is_quaternion && s->kind != RC_STREAM_SERIES && s->kind != RC_STREAM_UNKNOWN, err, RC_E_SPEC,
               "stream '%s': a quaternion is a series of 4 columns, found kind %s", name,
               s->kind == RC_STREAM_CLOUD ? "cloud" : "image");
    RC_FAIL_IF(s->is_quaternion && s->columns != 0 && s->columns != 4, err, RC_E_SPEC,
               "stream '%s': a quaternion is a series of 4 columns, found %d columns", name, s->columns);
    err->line = err->column = 0;
done:
    return st;
}

rc_status rc_layout_load(const char *schema_dir, const char *name, rc_layout *out, rc_err *err)
{
    rc_status st = RC_OK;
    char path[1200], known[512], dir[1024];
    int found = 0;
    memset(out, 0, sizeof *out);
    for (const char *rest = schema_dir; !strchr(name, '/') && !found &&
                                        (rest = rc_schema_dir_next(rest, dir, sizeof dir)) != NULL;) {
        snprintf(path, sizeof path, "%s/layouts/%s.yaml", dir, name);
        found = access(path, F_OK) == 0;
    }
    if (!found) {
        list_layouts(schema_dir, known, sizeof known);
        rc_err_scope(err, NULL, NULL, NULL);
        char hint[96];
        RC_FAIL_IF(1, err, RC_E_SPEC,
                   "layout '%s' is not supported in this version (supported: %s; or give the path of a layout "
                   "file, e.g. ./%s.yaml)%s", name, known, name, rc_suggest(name, known, hint, sizeof hint));
    }
    st = rc_layout_load_file(path, name, out, err);
done:
    return st;
}

rc_status rc_layout_load_file(const char *path, const char *name, rc_layout *out, rc_err *err)
{
    rc_status st = RC_OK;
    char *text = NULL;
    size_t n = 0;
    rc_yaml y = {0};
    memset(out, 0, sizeof *out);
    RC_TRY(rc_yaml_read_file(path, &text, &n, err));
    RC_TRY(rc_yaml_parse(path, text, n, &y, err));
    yaml_node_t *root = rc_yaml_root(&y), *streams = NULL, *time_node = NULL;
    at(err, root);
    RC_FAIL_IF(root->type != YAML_MAPPING_NODE, err, RC_E_SPEC, "expected a map {name, rate_hz, streams}");
    for (int i = 0; i < rc_yaml_len(root); i++) {
        const char *k = rc_yaml_text(rc_yaml_key(&y, root, i));
        yaml_node_t *v = rc_yaml_val(&y, root, i);
        const char *t = rc_yaml_text(v);
        at(err, v);
        if (k && !strcmp(k, "name")) {
            RC_FAIL_IF(!t || strcmp(t, name) != 0, err, RC_E_SPEC, "expected name '%s' (the file name), found %s",
                       name, t ? t : "a collection");
        } else if (k && !strcmp(k, "rate_hz")) {
            RC_FAIL_IF(!t || rc_scalar_number(t, &out->rate_hz) != 0 || out->rate_hz <= 0, err, RC_E_SPEC,
                       "expected rate_hz a number > 0, found %s", t ? t : "a collection");
        } else if (k && !strcmp(k, "format")) {
            int f = -1;
            for (int j = 0; t && j < (int)(sizeof g_formats / sizeof g_formats[0]); j++)
                if (!strcmp(t, g_formats[j])) f = j;
            RC_FAIL_IF(f < 0, err, RC_E_SPEC, "expected format robocache-raw, robomimic, aloha or robosuite, found %s",
                       t ? t : "a collection");
            out->format = (rc_layout_format)f;
        } else if (k && !strcmp(k, "time_from")) {
            RC_FAIL_IF(!t || !t[0] || strlen(t) >= sizeof out->time_from, err, RC_E_SPEC,
                       "expected time_from a stream name, found %s", t ? t : "a collection");
            snprintf(out->time_from, sizeof out->time_from, "%s", t);
            time_node = v;
        } else if (k && !strcmp(k, "time_column")) {
            int64_t c = -1;
            RC_FAIL_IF(!t || rc_scalar_int(t, &c) != 0 || c < 0 || c > 1000000, err, RC_E_SPEC,
                       "expected time_column from 0 to 1000000, found %s", t ? t : "a collection");
            out->time_column = (int32_t)c;
        } else if (k && !strcmp(k, "streams")) {
            streams = v;
        } else {
            at(err, rc_yaml_key(&y, root, i));
            RC_FAIL_IF(1, err, RC_E_SPEC,
                       "unknown key '%s' (expected one of: name, format, rate_hz, time_from, time_column, streams)",
                       k ? k : "?");
        }
    }
    at(err, root);
    snprintf(out->name, sizeof out->name, "%s", name);
    if (!streams) goto checked; /* nothing known beyond what the file shows */
    at(err, streams);
    RC_FAIL_IF(streams->type != YAML_MAPPING_NODE, err, RC_E_SPEC,
               "expected 'streams' a map NAME: {kind, columns, quaternion, path}");
    RC_FAIL_IF(rc_yaml_len(streams) > RC_LAYOUT_MAX_STREAMS, err, RC_E_SPEC, "expected at most %d streams, found %d",
               RC_LAYOUT_MAX_STREAMS, rc_yaml_len(streams));
    for (int i = 0; i < rc_yaml_len(streams); i++) {
        rc_layout_stream *s = &out->streams[i];
        RC_TRY(read_stream(&y, rc_yaml_key(&y, streams, i), rc_yaml_val(&y, streams, i), s, err));
        at(err, rc_yaml_key(&y, streams, i));
        RC_FAIL_IF(rc_layout_find(out, s->name) != NULL, err, RC_E_SPEC, "duplicate stream '%s'", s->name);
        out->n_streams = i + 1;
    }
checked:
    at(err, root);
    RC_FAIL_IF((out->format == RC_FORMAT_ROBOMIMIC || out->format == RC_FORMAT_ALOHA) && out->rate_hz == 0, err,
               RC_E_SPEC, "format %s stores no timestamps: expected rate_hz, not found", g_formats[out->format]);
    RC_FAIL_IF(out->format == RC_FORMAT_ROBOSUITE && !time_node, err, RC_E_SPEC,
               "format robosuite takes times from a column: expected time_from, not found");
    for (int32_t i = 0; i < out->n_streams; i++)
        RC_FAIL_IF(out->streams[i].kind == RC_STREAM_CLOUD && out->format != RC_FORMAT_RAW, err, RC_E_SPEC,
                   "stream '%s': a point cloud needs format robocache-raw, found format %s", out->streams[i].name,
                   g_formats[out->format]);
    if (time_node) {
        const rc_layout_stream *ts = rc_layout_find(out, out->time_from);
        at(err, time_node);
        RC_FAIL_IF(out->format != RC_FORMAT_ROBOSUITE, err, RC_E_SPEC,
                   "time_from applies to format robosuite only, found format %s", g_formats[out->format]);
        RC_FAIL_IF(ts && ts->kind != RC_STREAM_SERIES && ts->kind != RC_STREAM_UNKNOWN, err, RC_E_SPEC,
                   "expected time_from to name a series stream, found %s", out->time_from);
        RC_FAIL_IF(ts && ts->columns > 0 && out->time_column >= ts->columns, err, RC_E_SPEC,
                   "expected time_column below the %d columns of '%s', found %d", ts->columns, ts->name,
                   out->time_column);
    }
    err->line = err->column = 0;
done:
    rc_yaml_free(&y);
    rc_free(text);
    return st;
}

const rc_layout_stream *rc_layout_find(const rc_layout *l, const char *name)
{
    for (int32_t i = 0; i < l->n_streams; i++)
        if (!strcmp(l->streams[i].name, name)) return &l->streams[i];
    return NULL;
}
