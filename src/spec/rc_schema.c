/* rc_schema.c — loads schemas/pipeline.schema.yaml and walks a spec document against it: types,
 * bounds, enums, unknown, duplicate and missing keys.  Every message says what was expected
 * (derived from the schema node) and what was found (the document node). */
#include "config.h"
#include "spec/rc_schema_int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"
#include "spec/rc_spec.h"
#include "spec/rc_suggest_int.h"

#define DESC_MAX 512

typedef enum stype { T_INT, T_NUMBER, T_BOOL, T_STRING, T_NAME, T_SIZE, T_ENUM, T_MAP, T_LIST, T_EITHER, T_BAD } stype;

static const char *const g_type_names[] = {"int", "number", "bool", "string", "name",
                                           "size", "enum", "map", "list", "either"};
static const char *const g_attrs[] = {"type", "doc", "required", "default", "default_unless", "min",
                                      "max", "exclusive_min", "exclusive_max", "values", "unsupported",
                                      "keys", "one_key", "items", "length", "min_items", "options"};

/* ---- scalar parsers ---- */

int rc_scalar_int(const char *text, int64_t *out)
{
    const char *p = text;
    if (*p == '+' || *p == '-') p++;
    if (*p < '0' || *p > '9') return -1;
    for (; *p; p++)
        if (*p < '0' || *p > '9') return -1;
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    if (errno == ERANGE) return -1;
    *out = (int64_t)v;
    return 0;
}

int rc_scalar_number(const char *text, double *out)
{
    char *end = NULL;
    const char *p = text;
    if (*p == '+' || *p == '-') p++;
    if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9'))) return -1; /* no inf, nan, hex */
    if (strchr(text, 'x') || strchr(text, 'X')) return -1;
    errno = 0;
    double v = strtod(text, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

int rc_scalar_bool(const char *text, int *out)
{
    if (!strcmp(text, "true") || !strcmp(text, "True") || !strcmp(text, "TRUE")) *out = 1;
    else if (!strcmp(text, "false") || !strcmp(text, "False") || !strcmp(text, "FALSE")) *out = 0;
    else return -1;
    return 0;
}

/* ---- schema node access ---- */

static const char *attr(rc_schema *sc, yaml_node_t *s, const char *name)
{
    return rc_yaml_text(rc_yaml_get(&sc->y, s, name));
}

static stype type_of(rc_schema *sc, yaml_node_t *s)
{
    const char *t = attr(sc, s, "type");
    for (int i = 0; t && i < (int)(sizeof g_type_names / sizeof g_type_names[0]); i++)
        if (!strcmp(t, g_type_names[i])) return (stype)i;
    return T_BAD;
}

static int flag(rc_schema *sc, yaml_node_t *s, const char *name)
{
    int v = 0;
    const char *t = attr(sc, s, name);
    return t && rc_scalar_bool(t, &v) == 0 && v;
}

yaml_node_t *rc_schema_child(rc_schema *sc, yaml_node_t *s, const char *key)
{
    if (!s) return NULL;
    if (type_of(sc, s) == T_EITHER) {
        yaml_node_t *opts = rc_yaml_get(&sc->y, s, "options");
        for (int i = 0; i < rc_yaml_len(opts); i++) {
            yaml_node_t *o = rc_yaml_item(&sc->y, opts, i);
            if (type_of(sc, o) == T_MAP) return rc_schema_child(sc, o, key);
        }
        return NULL;
    }
    return rc_yaml_get(&sc->y, rc_yaml_get(&sc->y, s, "keys"), key);
}

yaml_node_t *rc_schema_items(rc_schema *sc, yaml_node_t *s)
{
    return s ? rc_yaml_get(&sc->y, s, "items") : NULL;
}

const char *rc_schema_value(rc_schema *sc, yaml_node_t *s, rc_yaml *doc, yaml_node_t *m, const char *key)
{
    yaml_node_t *v = rc_yaml_get(doc, m, key);
    if (v) return rc_yaml_text(v);
    yaml_node_t *ks = rc_schema_child(sc, s, key);
    if (!ks) return NULL;
    const char *unless = attr(sc, ks, "default_unless");
    if (unless && rc_yaml_get(doc, m, unless)) return NULL;
    return attr(sc, ks, "default");
}

/* ---- descriptions: "a number > 0", "one of: a, b", ... ---- */

/* Appends to the string in buf[n] (cut when full). */
static void append(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t n, const char *fmt, ...)
{
    size_t used = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    if (used < n) vsnprintf(buf + used, n - used, fmt, ap);
    va_end(ap);
}

static void join_values(rc_schema *sc, yaml_node_t *seq, char *buf, size_t n)
{
    for (int i = 0; i < rc_yaml_len(seq); i++)
        append(buf, n, "%s%s", i ? ", " : "", rc_yaml_text(rc_yaml_item(&sc->y, seq, i)));
}

static void describe_bounds(rc_schema *sc, yaml_node_t *s, char *buf, size_t n)
{
    const char *mn = attr(sc, s, "min"), *mx = attr(sc, s, "max");
    const char *xmn = attr(sc, s, "exclusive_min"), *xmx = attr(sc, s, "exclusive_max");
    if (mn && mx && !strcmp(mn, mx)) {
        append(buf, n, " equal to %s", mn);
        return;
    }
    if (mn && mx) {
        append(buf, n, " from %s to %s", mn, mx);
        return;
    }
    int parts = 0;
    if (mn) append(buf, n, "%s>= %s", parts++ ? " and " : " ", mn);
    if (xmn) append(buf, n, "%s> %s", parts++ ? " and " : " ", xmn);
    if (mx) append(buf, n, "%s<= %s", parts++ ? " and " : " ", mx);
    if (xmx) append(buf, n, "%s< %s", parts++ ? " and " : " ", xmx);
}

static void describe(rc_schema *sc, yaml_node_t *s, char *buf, size_t n)
{
    buf[0] = '\0';
    switch (type_of(sc, s)) {
    case T_INT: snprintf(buf, n, "an integer"); describe_bounds(sc, s, buf, n); break;
    case T_NUMBER: snprintf(buf, n, "a number"); describe_bounds(sc, s, buf, n); break;
    case T_SIZE: snprintf(buf, n, "a size"); describe_bounds(sc, s, buf, n); break;
    case T_BOOL: snprintf(buf, n, "true or false"); break;
    case T_STRING: snprintf(buf, n, "a string"); break;
    case T_NAME: snprintf(buf, n, "a name of letters, digits, '_' or '-' (at most 63)"); break;
    case T_ENUM:
        snprintf(buf, n, "one of: ");
        join_values(sc, rc_yaml_get(&sc->y, s, "values"), buf, n);
        break;
    case T_MAP: snprintf(buf, n, "a map"); break;
    case T_LIST: {
        const char *len = attr(sc, s, "length");
        if (len) append(buf, n, "a list of %s items", len);
        else append(buf, n, "a list");
        break;
    }
    case T_EITHER: {
        yaml_node_t *opts = rc_yaml_get(&sc->y, s, "options");
        for (int i = 0; i < rc_yaml_len(opts); i++) {
            char sub[DESC_MAX];
            describe(sc, rc_yaml_item(&sc->y, opts, i), sub, sizeof sub);
            append(buf, n, "%s%s", i ? ", or " : "", sub);
        }
        break;
    }
    case T_BAD: snprintf(buf, n, "(bad schema node)"); break;
    }
}

/* ---- the walker ---- */

typedef struct walk {
    rc_schema *sc;
    rc_yaml *doc;
    rc_diag *d;
    unsigned char *bad;
} walk;

static int fail(walk *w, yaml_node_t *n, const char *path, const char *fmt, const char *a, const char *b)
{
    rc_diag_error(w->d, rc_yaml_line(n), rc_yaml_col(n), path, fmt, a, b);
    return 1;
}

static int mismatch(walk *w, yaml_node_t *s, yaml_node_t *n, const char *path)
{
    char want[DESC_MAX], found[128];
    describe(w->sc, s, want, sizeof want);
    rc_yaml_describe(n, found, sizeof found);
    return fail(w, n, path, "expected %s, found %s", want, found);
}

static int in_bounds(rc_schema *sc, yaml_node_t *s, double v)
{
    double b;
    const char *t;
    if ((t = attr(sc, s, "min")) && rc_scalar_number(t, &b) == 0 && !(v >= b)) return 0;
    if ((t = attr(sc, s, "max")) && rc_scalar_number(t, &b) == 0 && !(v <= b)) return 0;
    if ((t = attr(sc, s, "exclusive_min")) && rc_scalar_number(t, &b) == 0 && !(v > b)) return 0;
    if ((t = attr(sc, s, "exclusive_max")) && rc_scalar_number(t, &b) == 0 && !(v < b)) return 0;
    return 1;
}

/* in_bounds for an integer: bounds written as integers compare exactly (a double holds 2^63 - 1
 * and 2^63 alike), others as numbers. */
static int in_int_bounds(rc_schema *sc, yaml_node_t *s, int64_t v)
{
    static const char *const keys[4] = {"min", "max", "exclusive_min", "exclusive_max"};
    for (int k = 0; k < 4; k++) {
        const char *t = attr(sc, s, keys[k]);
        int64_t b;
        if (!t || rc_scalar_int(t, &b) != 0) continue;
        if ((k == 0 && v < b) || (k == 1 && v > b) || (k == 2 && v <= b) || (k == 3 && v >= b)) return 0;
    }
    return in_bounds(sc, s, (double)v);
}

static int is_null(yaml_node_t *n)
{
    const char *t = rc_yaml_text(n);
    return rc_yaml_is_plain(n) && (!*t || !strcmp(t, "~") || !strcmp(t, "null") || !strcmp(t, "Null") ||
                                   !strcmp(t, "NULL"));
}

static int is_name(const char *t)
{
    size_t len = strlen(t);
    if (len == 0 || len > 63) return 0;
    for (; *t; t++)
        if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') ||
              *t == '_' || *t == '-'))
            return 0;
    return 1;
}

static int in_list(rc_schema *sc, yaml_node_t *seq, const char *t)
{
    for (int i = 0; i < rc_yaml_len(seq); i++)
        if (!strcmp(rc_yaml_text(rc_yaml_item(&sc->y, seq, i)), t)) return 1;
    return 0;
}

static int check_scalar(walk *w, stype ty, yaml_node_t *s, yaml_node_t *n, const char *path)
{
    rc_schema *sc = w->sc;
    if (n->type != YAML_SCALAR_NODE) return mismatch(w, s, n, path);
    const char *t = rc_yaml_text(n);
    int plain = rc_yaml_is_plain(n);
    int64_t iv;
    double dv;
    int bv;
    uint64_t sz;
    char why[256];
    switch (ty) {
    case T_INT:
        if (!plain || rc_scalar_int(t, &iv) != 0 || !in_int_bounds(sc, s, iv)) return mismatch(w, s, n, path);
        return 0;
    case T_NUMBER:
        if (!plain || rc_scalar_number(t, &dv) != 0 || !in_bounds(sc, s, dv)) return mismatch(w, s, n, path);
        return 0;
    case T_BOOL:
        if (!plain || rc_scalar_bool(t, &bv) != 0) return mismatch(w, s, n, path);
        return 0;
    case T_STRING:
        if (is_null(n) || !*t) return mismatch(w, s, n, path);
        return 0;
    case T_NAME:
        if (!is_name(t)) return mismatch(w, s, n, path);
        return 0;
    case T_SIZE:
        if (rc_size_parse(t, &sz, why, sizeof why) != 0) return fail(w, n, path, "%s%s", why, "");
        if (!in_bounds(sc, s, (double)sz)) return mismatch(w, s, n, path);
        return 0;
    case T_ENUM: {
        yaml_node_t *values = rc_yaml_get(&sc->y, s, "values");
        if (in_list(sc, values, t)) return 0;
        char want[DESC_MAX] = "";
        join_values(sc, values, want, sizeof want);
        if (in_list(sc, rc_yaml_get(&sc->y, s, "unsupported"), t))
            return fail(w, n, path, "'%s' is not supported in this version (supported: %s)", t, want);
        char found[128], hint[96], found_hint[sizeof found + sizeof hint];
        rc_yaml_describe(n, found, sizeof found);
        snprintf(found_hint, sizeof found_hint, "%s%s", found, rc_suggest(t, want, hint, sizeof hint));
        return fail(w, n, path, "expected one of: %s, found %s", want, found_hint);
    }
    default: return mismatch(w, s, n, path);
    }
}

static int check_node(walk *w, yaml_node_t *s, yaml_node_t *n, const char *path);

static void child_path(char *out, size_t size, const char *path, const char *key)
{
    snprintf(out, size, "%s%s%s", path, *path ? "." : "", key);
}

/* A key of a map and its position, for finding duplicates by sorting. */
typedef struct key_at {
    const char *text;
    int index;
} key_at;

static int cmp_key_at(const void *a, const void *b)
{
    const key_at *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* first[i] = the position of the first key of map n spelled as key i (i itself for a first or
 * textless key): duplicates in O(n log n), whatever the number of keys.  NULL when out of
 * memory; the caller frees it. */
static int *first_occurrences(rc_yaml *doc, yaml_node_t *n)
{
    int len = rc_yaml_len(n), m = 0;
    int *first = rc_malloc((size_t)(len > 0 ? len : 1) * sizeof *first);
    key_at *ks = rc_malloc((size_t)(len > 0 ? len : 1) * sizeof *ks);
    if (!first || !ks) {
        rc_free(first);
        rc_free(ks);
        return NULL;
    }
    for (int i = 0; i < len; i++) {
        const char *t = rc_yaml_text(rc_yaml_key(doc, n, i));
        first[i] = i;
        if (t) ks[m++] = (key_at){t, i};
    }
    qsort(ks, (size_t)m, sizeof *ks, cmp_key_at);
    for (int j = 1; j < m; j++)
        if (!strcmp(ks[j].text, ks[j - 1].text)) first[ks[j].index] = first[ks[j - 1].index];
    rc_free(ks);
    return first;
}

static int check_map(walk *w, yaml_node_t *s, yaml_node_t *n, const char *path)
{
    rc_schema *sc = w->sc;
    rc_yaml *doc = w->doc;
    if (n->type != YAML_MAPPING_NODE) return mismatch(w, s, n, path);
    yaml_node_t *keys = rc_yaml_get(&sc->y, s, "keys");
    char known[DESC_MAX] = "", sub[1024];
    for (int i = 0; i < rc_yaml_len(keys); i++)
        append(known, sizeof known, "%s%s", i ? ", " : "", rc_yaml_text(rc_yaml_key(&sc->y, keys, i)));
    int bad = 0;
    int *first = first_occurrences(doc, n);
    if (!first) { /* no fault of the spec: counted as out of memory, so the run exits 3 */
        rc_err e;
        rc_err_clear(&e);
        rc_err_set(&e, RC_E_NOMEM, __FILE__, __LINE__, "out of memory checking the keys of %s for duplicates", path);
        rc_diag_add(w->d, &e);
        return 1;
    }
    for (int i = 0; i < rc_yaml_len(n); i++) {
        yaml_node_t *k = rc_yaml_key(doc, n, i), *v = rc_yaml_val(doc, n, i);
        const char *kt = rc_yaml_text(k);
        if (!kt) {
            char found[128];
            rc_yaml_describe(k, found, sizeof found);
            bad |= fail(w, k, path, "expected a key name, found %s%s", found, "");
            continue;
        }
        child_path(sub, sizeof sub, path, kt);
        if (first[i] != i) {
            yaml_node_t *kj = rc_yaml_key(doc, n, first[i]);
            rc_diag_error(w->d, rc_yaml_line(k), rc_yaml_col(k), sub,
                          "duplicate key '%s' (first given at line %d, column %d)", kt, rc_yaml_line(kj),
                          rc_yaml_col(kj));
            bad = 1;
            continue;
        }
        yaml_node_t *ks = rc_yaml_get(&sc->y, keys, kt);
        if (!ks) {
            char hint[96], known_hint[sizeof known + sizeof hint];
            snprintf(known_hint, sizeof known_hint, "%s)%s", known, rc_suggest(kt, known, hint, sizeof hint));
            bad |= fail(w, k, sub, "unknown key '%s' (expected one of: %s", kt, known_hint);
            continue;
        }
        bad |= check_node(w, ks, v, sub);
    }
    for (int i = 0; i < rc_yaml_len(keys); i++) {
        const char *kt = rc_yaml_text(rc_yaml_key(&sc->y, keys, i));
        yaml_node_t *ks = rc_yaml_val(&sc->y, keys, i);
        if (!flag(sc, ks, "required") || rc_yaml_get(doc, n, kt)) continue;
        char want[DESC_MAX];
        describe(sc, ks, want, sizeof want);
        child_path(sub, sizeof sub, path, kt);
        bad |= fail(w, n, sub, "missing required key '%s' (expected %s)", kt, want);
    }
    if (flag(sc, s, "one_key") && rc_yaml_len(n) != 1) {
        char found[DESC_MAX] = "";
        for (int i = 0; i < rc_yaml_len(n); i++) {
            const char *kt = rc_yaml_text(rc_yaml_key(doc, n, i));
            append(found, sizeof found, "%s%s", i ? ", " : "", kt ? kt : "?");
        }
        if (rc_yaml_len(n) == 0)
            bad |= fail(w, n, path, "expected exactly one of the keys %s, found an empty map%s", known, "");
        else
            bad |= fail(w, n, path, "expected exactly one of the keys %s, found: %s", known, found);
    }
    rc_free(first);
    return bad;
}

static int check_list(walk *w, yaml_node_t *s, yaml_node_t *n, const char *path)
{
    rc_schema *sc = w->sc;
    if (n->type != YAML_SEQUENCE_NODE) return mismatch(w, s, n, path);
    int len = rc_yaml_len(n), bad = 0;
    int64_t want;
    const char *t;
    char a[32], b[32];
    snprintf(b, sizeof b, "%d", len);
    if ((t = attr(sc, s, "length")) && rc_scalar_int(t, &want) == 0 && want != len) {
        snprintf(a, sizeof a, "%lld", (long long)want);
        bad |= fail(w, n, path, "expected a list of %s items, found %s items", a, b);
    }
    if ((t = attr(sc, s, "min_items")) && rc_scalar_int(t, &want) == 0 && len < want) {
        snprintf(a, sizeof a, "%lld", (long long)want);
        if (len == 0) bad |= fail(w, n, path, "expected at least %s item%s, found an empty list", a, want == 1 ? "" : "s");
        else bad |= fail(w, n, path, "expected at least %s items, found %s", a, b);
    }
    yaml_node_t *items = rc_yaml_get(&sc->y, s, "items");
    char sub[1024];
    for (int i = 0; items && i < len; i++) {
        snprintf(sub, sizeof sub, "%s[%d]", path, i);
        bad |= check_node(w, items, rc_yaml_item(w->doc, n, i), sub);
    }
    return bad;
}

static int fits_kind(rc_schema *sc, yaml_node_t *s, yaml_node_t *n)
{
    stype t = type_of(sc, s);
    if (t == T_MAP) return n->type == YAML_MAPPING_NODE;
    if (t == T_LIST) return n->type == YAML_SEQUENCE_NODE;
    return n->type == YAML_SCALAR_NODE;
}

static int check_node(walk *w, yaml_node_t *s, yaml_node_t *n, const char *path)
{
    rc_schema *sc = w->sc;
    int bad;
    stype t = type_of(sc, s);
    if (t == T_MAP) {
        bad = check_map(w, s, n, path);
    } else if (t == T_LIST) {
        bad = check_list(w, s, n, path);
    } else if (t == T_EITHER) {
        yaml_node_t *opts = rc_yaml_get(&sc->y, s, "options"), *pick = NULL;
        for (int i = 0; i < rc_yaml_len(opts) && !pick; i++)
            if (fits_kind(sc, rc_yaml_item(&sc->y, opts, i), n)) pick = rc_yaml_item(&sc->y, opts, i);
        bad = pick ? check_node(w, pick, n, path) : mismatch(w, s, n, path);
    } else {
        bad = check_scalar(w, t, s, n, path);
    }
    if (bad) w->bad[rc_yaml_index(w->doc, n)] = 1;
    return bad;
}

int rc_schema_check(rc_schema *sc, yaml_node_t *s, rc_yaml *doc, yaml_node_t *n, const char *path,
                    rc_diag *d, unsigned char *bad)
{
    walk w = {sc, doc, d, bad};
    return check_node(&w, s, n, path);
}

/* ---- loading and checking the schema file itself ---- */

static rc_status lint(rc_schema *sc, yaml_node_t *s, rc_err *err)
{
    rc_status st = RC_OK;
    err->line = rc_yaml_line(s);
    err->column = rc_yaml_col(s);
    RC_FAIL_IF(s->type != YAML_MAPPING_NODE, err, RC_E_INTERNAL, "schema: expected a schema map");
    for (int i = 0; i < rc_yaml_len(s); i++) {
        const char *k = rc_yaml_text(rc_yaml_key(&sc->y, s, i));
        int known = 0;
        for (size_t a = 0; k && a < sizeof g_attrs / sizeof g_attrs[0]; a++) known |= !strcmp(k, g_attrs[a]);
        RC_FAIL_IF(!known, err, RC_E_INTERNAL, "schema: unknown attribute '%s'", k ? k : "?");
    }
    stype t = type_of(sc, s);
    RC_FAIL_IF(t == T_BAD, err, RC_E_INTERNAL, "schema: missing or unknown type");
    yaml_node_t *keys = rc_yaml_get(&sc->y, s, "keys"), *items = rc_yaml_get(&sc->y, s, "items");
    yaml_node_t *opts = rc_yaml_get(&sc->y, s, "options"), *values = rc_yaml_get(&sc->y, s, "values");
    RC_FAIL_IF((t == T_MAP) != (keys != NULL), err, RC_E_INTERNAL, "schema: 'keys' goes with type map");
    RC_FAIL_IF((t == T_EITHER) != (opts != NULL), err, RC_E_INTERNAL, "schema: 'options' goes with type either");
    RC_FAIL_IF((t == T_ENUM) != (values != NULL), err, RC_E_INTERNAL, "schema: 'values' goes with type enum");
    RC_FAIL_IF(items && t != T_LIST, err, RC_E_INTERNAL, "schema: 'items' goes with type list");
    if (keys) {
        RC_FAIL_IF(keys->type != YAML_MAPPING_NODE, err, RC_E_INTERNAL, "schema: 'keys' must be a map");
        for (int i = 0; i < rc_yaml_len(keys); i++) RC_TRY(lint(sc, rc_yaml_val(&sc->y, keys, i), err));
    }
    if (items) RC_TRY(lint(sc, items, err));
    if (opts) {
        RC_FAIL_IF(opts->type != YAML_SEQUENCE_NODE, err, RC_E_INTERNAL, "schema: 'options' must be a list");
        for (int i = 0; i < rc_yaml_len(opts); i++) RC_TRY(lint(sc, rc_yaml_item(&sc->y, opts, i), err));
    }
    if (values) {
        RC_FAIL_IF(values->type != YAML_SEQUENCE_NODE, err, RC_E_INTERNAL, "schema: 'values' must be a list");
        for (int i = 0; i < rc_yaml_len(values); i++)
            RC_FAIL_IF(!rc_yaml_text(rc_yaml_item(&sc->y, values, i)), err, RC_E_INTERNAL,
                       "schema: enum values must be scalars");
    }
    err->line = err->column = 0;
done:
    return st;
}

const char *rc_schema_dir_next(const char *list, char *dir, size_t n)
{
    if (!*list) return NULL;
    size_t len = strcspn(list, ":");
    snprintf(dir, n, "%.*s", (int)len, list);
    return list[len] ? list + len + 1 : list + len;
}

rc_status rc_schema_load(const char *schema_dir, rc_schema *sc, rc_err *err)
{
    rc_status st = RC_OK;
    size_t n = 0;
    char dir[1024] = "";
    memset(sc, 0, sizeof *sc);
    rc_schema_dir_next(schema_dir, dir, sizeof dir);
    snprintf(sc->path, sizeof sc->path, "%s/pipeline.schema.yaml", dir);
    RC_TRY(rc_yaml_read_file(sc->path, &sc->text, &n, err));
    st = rc_yaml_parse(sc->path, sc->text, n, &sc->y, err);
    if (st == RC_E_SPEC) err->code = st = RC_E_INTERNAL;
    if (st != RC_OK) goto done;
    yaml_node_t *root = rc_yaml_root(&sc->y);
    sc->spec = rc_yaml_get(&sc->y, root, "spec");
    sc->limits = rc_yaml_get(&sc->y, root, "limits");
    RC_FAIL_IF(!sc->spec, err, RC_E_INTERNAL, "schema: expected a top-level key 'spec'");
    RC_TRY(lint(sc, sc->spec, err));
done:
    if (st != RC_OK) rc_schema_free(sc);
    return st;
}

void rc_schema_free(rc_schema *sc)
{
    rc_yaml_free(&sc->y);
    rc_free(sc->text);
    sc->text = NULL;
}

rc_status rc_schema_limit_bytes(rc_schema *sc, const char *name, uint64_t *out, rc_err *err)
{
    rc_status st = RC_OK;
    char why[256];
    const char *t = rc_yaml_text(rc_yaml_get(&sc->y, sc->limits, name));
    rc_err_scope(err, sc->path, NULL, "limits.%s", name);
    RC_FAIL_IF(!t, err, RC_E_INTERNAL, "schema: missing limits.%s", name);
    RC_FAIL_IF(rc_size_parse(t, out, why, sizeof why) != 0, err, RC_E_INTERNAL, "schema: %s", why);
done:
    return st;
}
