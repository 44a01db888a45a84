/* rc_yaml_int.h — a YAML file loaded whole with libyaml's document API, and the few look-ups the
 * schema walker, the spec filler and the layout loader share.  Positions are 1-based (libyaml's
 * marks are 0-based). */
#ifndef RC_YAML_H
#define RC_YAML_H

#include <stddef.h>
#include <yaml.h>

#include "common/rc_common.h"

typedef struct rc_yaml {
    yaml_document_t doc;
    int loaded;        /* doc must be deleted */
} rc_yaml;

/* Parses text (n bytes) named `name` (for messages).  On a syntax error returns RC_E_SPEC with
 * err->line/column at the problem; an empty document is also RC_E_SPEC. */
rc_status rc_yaml_parse(const char *name, const char *text, size_t n, rc_yaml *y, rc_err *err);
void rc_yaml_free(rc_yaml *y);

/* The largest spec, schema or layout file read: far above any real one, small enough that
 * checking it stays fast whatever it holds. */
#define RC_YAML_MAX_BYTES (4 << 20)

/* Reads a whole file into a NUL-terminated buffer (rc_free it); path "-" is standard input
 * (named <stdin> in errors).  RC_E_IO names the file;
 * RC_E_SPEC when it holds more than RC_YAML_MAX_BYTES. */
rc_status rc_yaml_read_file(const char *path, char **text, size_t *n, rc_err *err);

yaml_node_t *rc_yaml_root(rc_yaml *y);
/* Index of a node in the document (0-based), for per-node bookkeeping; and the node count. */
int rc_yaml_index(rc_yaml *y, const yaml_node_t *n);
int rc_yaml_count(rc_yaml *y);
/* The value under scalar key `key` of mapping `map` (first match), or NULL. */
yaml_node_t *rc_yaml_get(rc_yaml *y, const yaml_node_t *map, const char *key);
/* A scalar's text, or NULL for mappings and sequences. */
const char *rc_yaml_text(const yaml_node_t *n);
/* 1 for an unquoted (plain) scalar. */
int rc_yaml_is_plain(const yaml_node_t *n);
/* Mapping size, sequence length; 0 for scalars. */
int rc_yaml_len(const yaml_node_t *n);
/* The i-th key / value of a mapping, the i-th item of a sequence. */
yaml_node_t *rc_yaml_key(rc_yaml *y, const yaml_node_t *map, int i);
yaml_node_t *rc_yaml_val(rc_yaml *y, const yaml_node_t *map, int i);
yaml_node_t *rc_yaml_item(rc_yaml *y, const yaml_node_t *seq, int i);
static inline int rc_yaml_line(const yaml_node_t *n) { return (int)n->start_mark.line + 1; }
static inline int rc_yaml_col(const yaml_node_t *n) { return (int)n->start_mark.column + 1; }
/* "a map", "a list", or the scalar (quoted when it was quoted), cut at 40 bytes: for "found ...". */
void rc_yaml_describe(const yaml_node_t *n, char *buf, size_t size);

#endif
