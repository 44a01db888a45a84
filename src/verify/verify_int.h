/* verify_int.h — module-private parts of src/verify: a small JSON tree (to read manifest.json
 * back), the manifest's shard and episode lists, and the element comparison (ULP distance of
 * float32, float16 and bfloat16; exact integers). */
#ifndef VERIFY_INT_H
#define VERIFY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_error.h"
#include "writer/rc_shard.h"

/* --- JSON (verify_json.c) --- */
typedef enum verify_json_kind { VJ_NULL, VJ_BOOL, VJ_NUMBER, VJ_STRING, VJ_ARRAY, VJ_OBJECT } verify_json_kind;

typedef struct verify_json {
    verify_json_kind kind;
    double num;                 /* VJ_NUMBER; VJ_BOOL: 0 or 1 */
    char *str;                  /* VJ_STRING, UTF-8 */
    struct verify_json **items; /* [n] array elements or object values, in file order */
    char **keys;                /* [n] object keys (NULL entries for arrays) */
    size_t n, cap;
} verify_json;

/* Parses text[n]; RC_E_IO with line and column of the first error. */
rc_status verify_json_parse(const char *text, size_t n, verify_json **out, rc_err *err);
/* The value of key in an object (the first if repeated); NULL when absent or obj not an object. */
const verify_json *verify_json_get(const verify_json *obj, const char *key);
void verify_json_free(verify_json *j); /* accepts NULL */

/* --- manifest.json (verify_manifest.c) --- */
typedef struct verify_mf_episode {
    char *id, *shard, *split;
    int64_t steps;
} verify_mf_episode;

typedef struct verify_manifest {
    char **shards;                 /* [n_shards] file names relative to the folder */
    size_t n_shards;
    verify_mf_episode *episodes;   /* [n_episodes] in manifest order */
    size_t n_episodes;
} verify_manifest;

/* Reads dir/manifest.json (format robocache-manifest, version 1).  RC_E_IO when it is missing,
 * not JSON, or lacks a field verify needs (err names the field). */
rc_status verify_manifest_load(const char *dir, verify_manifest *m, rc_err *err);
void verify_manifest_free(verify_manifest *m);

/* --- elements (verify_value.c) --- */
typedef struct verify_cmp {
    int equal;
    int has_ulp;  /* a float pair, neither NaN: ulp holds their distance */
    uint64_t ulp;
} verify_cmp;

/* Compares element i of a and b, both of type e.  Floats: equal when their bits are equal, or
 * both are NaN, or (tolerance_ulp > 0) neither is NaN and they are at most tolerance_ulp apart
 * on the ordered line of values of their own width (+0 and -0 are 0 apart).  Integers: equal
 * values. */
verify_cmp verify_elem_compare(rc_elem e, const void *a, const void *b, uint64_t i, uint64_t tolerance_ulp);
/* Element i of data as text: integers in decimal, floats with 9 significant digits (enough to
 * read a float32 back) and their bits in hex, e.g. "0.5 (0x3f000000)". */
void verify_elem_format(rc_elem e, const void *data, uint64_t i, char *buf, size_t n);

#endif
