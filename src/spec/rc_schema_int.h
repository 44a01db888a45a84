/* rc_schema_int.h — schemas/pipeline.schema.yaml, the one place where a spec's keys, types,
 * defaults, enums and bounds are written, and the walker that checks a spec document against it.
 * The schema language (each node a map):
 *   type: int | number | bool | string | name | size | enum | map | list | either
 *   doc: text                      what the key means (for people; not checked)
 *   required: true                 (map keys) the key must be present
 *   default: VALUE                 (map keys) used when the key is absent
 *   default_unless: KEY            the default applies only when sibling KEY is absent too
 *   min / max / exclusive_min / exclusive_max: NUMBER   (int, number, size)
 *   values: [..]                   (enum) accepted values
 *   unsupported: [..]              (enum) values known but not supported in this version
 *   keys: {KEY: SCHEMA, ...}       (map) the accepted keys, in documentation order
 *   one_key: true                  (map) exactly one of the keys must be given
 *   items: SCHEMA, length: N, min_items: N   (list)
 *   options: [SCHEMA, ...]         (either) the first option whose type fits the node's kind
 *                                  (scalar, map or list) applies
 * The top level holds `limits:` (named sizes the C checks read) and `spec:` (the root schema). */
#ifndef RC_SCHEMA_H
#define RC_SCHEMA_H

#include <stdint.h>

#include "common/rc_common.h"
#include "spec/rc_diag_int.h"
#include "spec/rc_yaml_int.h"

typedef struct rc_schema {
    char path[1024];     /* schema_dir/pipeline.schema.yaml */
    char *text;
    rc_yaml y;
    yaml_node_t *spec;   /* the root schema node */
    yaml_node_t *limits; /* the limits map, or NULL */
} rc_schema;

/* The first folder of the ':'-separated list (rc_spec.h) into dir[n]; the rest of the list after
 * it, or NULL when the list is used up (dir then untouched). */
const char *rc_schema_dir_next(const char *list, char *dir, size_t n);
/* Loads and checks the schema file itself, from the first folder of schema_dir (a broken schema
 * is RC_E_INTERNAL, naming its line). */
rc_status rc_schema_load(const char *schema_dir, rc_schema *sc, rc_err *err);
void rc_schema_free(rc_schema *sc);

/* Checks document node n (at key path `path`) against schema node s, reporting every problem to
 * d.  bad[rc_yaml_index(doc, x)] is set for every node x with a problem in or below it, so later
 * cross-field checks can leave bad values alone.  Returns 1 when n or anything below it is bad. */
int rc_schema_check(rc_schema *sc, yaml_node_t *s, rc_yaml *doc, yaml_node_t *n, const char *path,
                    rc_diag *d, unsigned char *bad);

/* The schema of `key` in map schema s (an `either` gives its map option's), or NULL. */
yaml_node_t *rc_schema_child(rc_schema *sc, yaml_node_t *s, const char *key);
/* The item schema of list schema s, or NULL. */
yaml_node_t *rc_schema_items(rc_schema *sc, yaml_node_t *s);
/* The value text of `key` in doc map m, else the schema default (default_unless honoured), else
 * NULL.  s is the map's schema; m may be NULL (the whole map is absent). */
const char *rc_schema_value(rc_schema *sc, yaml_node_t *s, rc_yaml *doc, yaml_node_t *m, const char *key);
/* limits.NAME as a size in bytes; RC_E_INTERNAL when missing or malformed. */
rc_status rc_schema_limit_bytes(rc_schema *sc, const char *name, uint64_t *out, rc_err *err);

/* Scalar parsers shared with the spec filler: 0 on success, -1 when text is not one. */
int rc_scalar_int(const char *text, int64_t *out);
int rc_scalar_number(const char *text, double *out); /* finite only */
int rc_scalar_bool(const char *text, int *out);

#endif
