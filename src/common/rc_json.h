/* rc_json.h — a small streaming JSON writer (manifest, report, trace, inspect --json): keys in
 * the order written, numbers printed so they read back exactly (%.17g), strings escaped. */
#ifndef RC_JSON_H
#define RC_JSON_H

#include <stdint.h>
#include <stdio.h>

typedef struct rc_json {
    FILE *f;
    int depth;
    int first[64];  /* per nesting level: no element written yet */
    int after_key;
    int error;      /* a write failed (checked once at the end) */
} rc_json;

void rc_json_init(rc_json *j, FILE *f);
void rc_json_object_begin(rc_json *j);
void rc_json_object_end(rc_json *j);
void rc_json_array_begin(rc_json *j);
void rc_json_array_end(rc_json *j);
void rc_json_key(rc_json *j, const char *key);
void rc_json_string(rc_json *j, const char *s);
void rc_json_int(rc_json *j, int64_t v);
void rc_json_uint(rc_json *j, uint64_t v);
void rc_json_double(rc_json *j, double v); /* NaN/Inf are written as null */
void rc_json_bool(rc_json *j, int v);
void rc_json_null(rc_json *j);
/* Ends the document with a newline; returns 0, or -1 if any write failed. */
int rc_json_finish(rc_json *j);

#endif
