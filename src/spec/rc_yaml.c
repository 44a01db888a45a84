/* rc_yaml.c — loads a YAML document with libyaml and answers small questions about its nodes.
 * Syntax errors become RC_E_SPEC errors at the 1-based line and column libyaml reports. */
#include "config.h"
#include "spec/rc_yaml_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"

rc_status rc_yaml_read_file(const char *path, char **text, size_t *n, rc_err *err)
{
    rc_status st = RC_OK;
    char *buf = NULL;
    size_t cap = 0, len = 0;
    int is_stdin = !strcmp(path, "-");
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    rc_err_scope(err, is_stdin ? "<stdin>" : path, NULL, NULL);
    RC_FAIL_IF(!f, err, RC_E_IO, "cannot open: %s", strerror(errno));
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 16384;
            char *nb = rc_realloc(buf, cap);
            RC_FAIL_IF(!nb, err, RC_E_NOMEM, "out of memory reading %zu bytes", cap);
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        RC_FAIL_IF(len > RC_YAML_MAX_BYTES, err, RC_E_SPEC, "expected a YAML file of at most %d bytes (4 MiB), found more",
                   RC_YAML_MAX_BYTES);
        if (got == 0) break;
    }
    RC_FAIL_IF(ferror(f), err, RC_E_IO, "cannot read: %s", strerror(errno));
    buf[len] = '\0';
    *text = buf;
    *n = len;
    buf = NULL;
done:
    if (f && !is_stdin) fclose(f);
    rc_free(buf);
    return st;
}

/* The parser's error as RC_E_SPEC at its 1-based position (RC_E_NOMEM for memory). */
static rc_status parser_error(const yaml_parser_t *parser, rc_err *err)
{
    if (parser->error == YAML_MEMORY_ERROR)
        return rc_err_set(err, RC_E_NOMEM, __FILE__, __LINE__, "out of memory parsing YAML");
    err->line = (int)parser->problem_mark.line + 1;
    err->column = (int)parser->problem_mark.column + 1;
    if (parser->context)
        return rc_err_set(err, RC_E_SPEC, __FILE__, __LINE__,
                          "invalid YAML: %s (%s that started at line %d, column %d)",
                          parser->problem ? parser->problem : "syntax error", parser->context,
                          (int)parser->context_mark.line + 1, (int)parser->context_mark.column + 1);
    return rc_err_set(err, RC_E_SPEC, __FILE__, __LINE__, "invalid YAML: %s",
                      parser->problem ? parser->problem : "syntax error");
}

/* Deepest nesting of collections a spec or layout may use (theirs is under 10).  libyaml's
 * scanner takes time quadratic in the depth (100000 nested '[' take minutes), so depth is
 * checked on the event stream, which stops at the first level too deep, before the document
 * is built. */
#define RC_YAML_MAX_DEPTH 64

static rc_status check_depth(const char *text, size_t n, rc_err *err)
{
    rc_status st = RC_OK;
    yaml_parser_t parser;
    yaml_event_t ev;
    int depth = 0;
    RC_FAIL_IF(!yaml_parser_initialize(&parser), err, RC_E_NOMEM, "cannot initialise the YAML parser");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
    /* A syntax error ends the walk: yaml_parser_load reports it with its position. */
    while (yaml_parser_parse(&parser, &ev)) {
        yaml_event_type_t type = ev.type;
        yaml_mark_t at = ev.start_mark;
        yaml_event_delete(&ev);
        if (type == YAML_STREAM_END_EVENT) break;
        if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) depth++;
        if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) depth--;
        if (depth > RC_YAML_MAX_DEPTH) {
            err->line = (int)at.line + 1;
            err->column = (int)at.column + 1;
            st = rc_err_set(err, RC_E_SPEC, __FILE__, __LINE__,
                            "invalid YAML: expected collections nested at most %d deep, found them nested "
                            "deeper than that", RC_YAML_MAX_DEPTH);
            break;
        }
    }
    yaml_parser_delete(&parser);
done:
    return st;
}

rc_status rc_yaml_parse(const char *name, const char *text, size_t n, rc_yaml *y, rc_err *err)
{
    rc_status st = RC_OK;
    yaml_parser_t parser;
    yaml_document_t extra;
    int parser_ready = 0;
    memset(y, 0, sizeof *y);
    rc_err_scope(err, name, NULL, NULL);
    RC_TRY(check_depth(text, n, err));
    RC_FAIL_IF(!yaml_parser_initialize(&parser), err, RC_E_NOMEM, "cannot initialise the YAML parser");
    parser_ready = 1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
    if (!yaml_parser_load(&parser, &y->doc)) {
        st = parser_error(&parser, err);
        goto done;
    }
    y->loaded = 1;
    yaml_node_t *root = yaml_document_get_root_node(&y->doc);
    if (!root) {
        err->line = err->column = 1;
        RC_FAIL_IF(1, err, RC_E_SPEC, "expected a YAML map, found an empty file");
    }
    /* One document only: a second one (after ---) would otherwise be ignored silently. */
    if (!yaml_parser_load(&parser, &extra)) {
        st = parser_error(&parser, err);
        goto done;
    }
    yaml_node_t *second = yaml_document_get_root_node(&extra);
    if (second) {
        err->line = (int)extra.start_mark.line + 1;
        err->column = (int)extra.start_mark.column + 1;
        st = rc_err_set(err, RC_E_SPEC, __FILE__, __LINE__, "expected one YAML document, found a second one");
    }
    yaml_document_delete(&extra);
done:
    if (parser_ready) yaml_parser_delete(&parser);
    if (st != RC_OK) rc_yaml_free(y);
    return st;
}

void rc_yaml_free(rc_yaml *y)
{
    if (y && y->loaded) yaml_document_delete(&y->doc);
    if (y) y->loaded = 0;
}

yaml_node_t *rc_yaml_root(rc_yaml *y) { return yaml_document_get_root_node(&y->doc); }
static yaml_node_t *rc_yaml_at(rc_yaml *y, int id) { return yaml_document_get_node(&y->doc, id); }
int rc_yaml_index(rc_yaml *y, const yaml_node_t *n) { return (int)(n - y->doc.nodes.start); }
int rc_yaml_count(rc_yaml *y) { return (int)(y->doc.nodes.top - y->doc.nodes.start); }

const char *rc_yaml_text(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int rc_yaml_is_plain(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

int rc_yaml_len(const yaml_node_t *n)
{
    if (!n) return 0;
    if (n->type == YAML_MAPPING_NODE) return (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    if (n->type == YAML_SEQUENCE_NODE) return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
    return 0;
}

yaml_node_t *rc_yaml_key(rc_yaml *y, const yaml_node_t *map, int i)
{
    return rc_yaml_at(y, map->data.mapping.pairs.start[i].key);
}

yaml_node_t *rc_yaml_val(rc_yaml *y, const yaml_node_t *map, int i)
{
    return rc_yaml_at(y, map->data.mapping.pairs.start[i].value);
}

yaml_node_t *rc_yaml_item(rc_yaml *y, const yaml_node_t *seq, int i)
{
    return rc_yaml_at(y, seq->data.sequence.items.start[i]);
}

yaml_node_t *rc_yaml_get(rc_yaml *y, const yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    for (int i = 0; i < rc_yaml_len(map); i++) {
        const char *k = rc_yaml_text(rc_yaml_key(y, map, i));
        if (k && strcmp(k, key) == 0) return rc_yaml_val(y, map, i);
    }
    return NULL;
}

void rc_yaml_describe(const yaml_node_t *n, char *buf, size_t size)
{
    if (!n) {
        snprintf(buf, size, "nothing");
    } else if (n->type == YAML_MAPPING_NODE) {
        snprintf(buf, size, "a map");
    } else if (n->type == YAML_SEQUENCE_NODE) {
        snprintf(buf, size, "a list");
    } else {
        const char *t = rc_yaml_text(n);
        size_t len = strlen(t);
        const char *cut = len > 40 ? "..." : "";
        if (rc_yaml_is_plain(n) && len == 0) snprintf(buf, size, "an empty value");
        else if (rc_yaml_is_plain(n)) snprintf(buf, size, "%.40s%s", t, cut);
        else snprintf(buf, size, "\"%.40s%s\"", t, cut);
    }
}
