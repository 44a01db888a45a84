/* rc_layout.c — reads schemas/layouts/NAME.yaml (see rc_layout.h): a closed list of streams,
 * each with its kind, column count and quaternion flag.  The file is checked as strictly as a
 * spec: unknown keys and impossible values are errors naming the layout file's line. */
#include "config.h"
#include "spec/rc_layout.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_alloc.h"
#include "spec/rc_schema.h"
#include "spec/rc_yaml.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "a, b, c": the layouts in schema_dir/layouts/, sorted. */
static void list_layouts(const char *schema_dir, char *buf, size_t n)
{
    char dir[1100], *names[64];
    int count = 0;
    snprintf(dir, sizeof dir, "%s/layouts", schema_dir);
    buf[0] = '\0';
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count < 64) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml")) {
            names[count] = rc_strdup(e->d_name);
            if (names[count]) names[count++][len - 5] = '\0';
        }
    }
    closedir(d);
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
    RC_FAIL_IF(v->type != YAML_MAPPING_NODE, err, RC_E_SPEC,
               "stream '%s': expected a map {kind, columns, quaternion}", name);
    for (int i = 0; i < rc_yaml_len(v); i++) {
        const char *k = rc_yaml_text(rc_yaml_key(y, v, i));
        yaml_node_t *val = rc_yaml_val(y, v, i);
        const char *t = rc_yaml_text(val);
        at(err, val);
        if (k && !strcmp(k, "kind")) {
            RC_FAIL_IF(!t || (strcmp(t, "series") && strcmp(t, "cloud")), err, RC_E_SPEC,
                       "stream '%s': expected kind series or cloud, found %s", name, t ? t : "a collection");
            s->kind = !strcmp(t, "cloud") ? RC_STREAM_CLOUD : RC_STREAM_SERIES;
        } else if (k && !strcmp(k, "columns")) {
            RC_FAIL_IF(!t || rc_scalar_int(t, &cols) != 0 || cols < 1 || cols > 1000000, err, RC_E_SPEC,
                       "stream '%s': expected columns from 1 to 1000000, found %s", name, t ? t : "a collection");
            s->columns = (int32_t)cols;
        } else if (k && !strcmp(k, "quaternion")) {
            RC_FAIL_IF(!t || rc_scalar_bool(t, &s->is_quaternion) != 0, err, RC_E_SPEC,
                       "stream '%s': expected quaternion true or false, found %s", name, t ? t : "a collection");
        } else {
            at(err, rc_yaml_key(y, v, i));
            RC_FAIL_IF(1, err, RC_E_SPEC, "stream '%s': unknown key '%s' (expected one of: kind, columns, quaternion)",
                       name, k ? k : "?");
        }
    }
    at(err, v);
    RC_FAIL_IF(s->columns == 0, err, RC_E_SPEC, "stream '%s': missing required key 'columns'", name);
    RC_FAIL_IF(s->kind == RC_STREAM_CLOUD && s->columns < 3, err, RC_E_SPEC,
               "stream '%s': a cloud needs at least 3 columns (x, y, z), found %d", name, s->columns);
    RC_FAIL_IF(s->is_quaternion && (s->kind != RC_STREAM_SERIES || s->columns != 4), err, RC_E_SPEC,
               "stream '%s': a quaternion is a series of 4 columns, found %d columns", name, s->columns);
    err->line = err->column = 0;
done:
    return st;
}

rc_status rc_layout_load(const char *schema_dir, const char *name, rc_layout *out, rc_err *err)
{
    rc_status st = RC_OK;
    char path[1200], known[512];
    char *text = NULL;
    size_t n = 0;
    rc_yaml y = {0};
    memset(out, 0, sizeof *out);
    snprintf(path, sizeof path, "%s/layouts/%s.yaml", schema_dir, name);
    if (strchr(name, '/') || access(path, F_OK) != 0) {
        list_layouts(schema_dir, known, sizeof known);
        rc_err_scope(err, NULL, NULL, NULL);
        RC_FAIL_IF(1, err, RC_E_SPEC, "layout '%s' is not supported in this version (supported: %s)", name, known);
    }
    RC_TRY(rc_yaml_read_file(path, &text, &n, err));
    RC_TRY(rc_yaml_parse(path, text, n, &y, err));
    yaml_node_t *root = rc_yaml_root(&y), *streams = NULL;
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
        } else if (k && !strcmp(k, "streams")) {
            streams = v;
        } else {
            at(err, rc_yaml_key(&y, root, i));
            RC_FAIL_IF(1, err, RC_E_SPEC, "unknown key '%s' (expected one of: name, rate_hz, streams)", k ? k : "?");
        }
    }
    at(err, root);
    RC_FAIL_IF(!streams || streams->type != YAML_MAPPING_NODE || rc_yaml_len(streams) == 0, err, RC_E_SPEC,
               "expected a non-empty map 'streams'");
    RC_FAIL_IF(rc_yaml_len(streams) > RC_LAYOUT_MAX_STREAMS, err, RC_E_SPEC, "expected at most %d streams, found %d",
               RC_LAYOUT_MAX_STREAMS, rc_yaml_len(streams));
    snprintf(out->name, sizeof out->name, "%s", name);
    for (int i = 0; i < rc_yaml_len(streams); i++) {
        rc_layout_stream *s = &out->streams[i];
        RC_TRY(read_stream(&y, rc_yaml_key(&y, streams, i), rc_yaml_val(&y, streams, i), s, err));
        at(err, rc_yaml_key(&y, streams, i));
        RC_FAIL_IF(rc_layout_find(out, s->name) != NULL, err, RC_E_SPEC, "duplicate stream '%s'", s->name);
        out->n_streams = i + 1;
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
