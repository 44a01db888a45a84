/* rc_json_read.h — the JSON reader (RFC 8259) for what we wrote ourselves: manifests read back
 * by verify and merge-manifests (writer/rc_manifest_read.h).  It builds a tree; numbers keep
 * their literal so integers read back exactly.  Errors name the line and column, what was
 * expected and what was found. */
#ifndef RC_JSON_READ_H
#define RC_JSON_READ_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_error.h"

typedef enum rc_jv_type { RC_JV_NULL, RC_JV_BOOL, RC_JV_NUMBER, RC_JV_STRING, RC_JV_ARRAY, RC_JV_OBJECT } rc_jv_type;

typedef struct rc_jv {
    rc_jv_type type;
    int boolean;
    double number;
    char *text;          /* string (UTF-8, NUL-terminated) or the number's literal; owned */
    struct rc_jv *items; /* [n] array elements or object values; owned */
    char **keys;         /* [n] object keys; owned */
    size_t n;
} rc_jv;

/* Parses text[len] into *out (free with rc_jv_free).  RC_E_IO when it is not valid JSON (err
 * names line and column). */
rc_status rc_json_read_text(const char *text, size_t len, rc_jv **out, rc_err *err);
void rc_jv_free(rc_jv *v); /* accepts NULL */

/* The value of key in an object, or NULL (v NULL or not an object, or no such key). */
const rc_jv *rc_jv_get(const rc_jv *v, const char *key);
/* The string of key in an object, or NULL when missing or not a string. */
const char *rc_jv_get_string(const rc_jv *v, const char *key);
/* *out = the integer of key in an object; -1 when missing or not an integer literal. */
int rc_jv_get_int(const rc_jv *v, const char *key, int64_t *out);

#endif
