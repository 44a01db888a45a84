/* rc_json_read.c — recursive-descent JSON parser into rc_jv trees (rc_common.h).  Depth is
 * limited to 64 levels; \u escapes (with surrogate pairs) become UTF-8; a NUL inside a string
 * is refused since our strings are C strings. */
#include "config.h"
#include "common/rc_common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define MAX_DEPTH 64

typedef struct parser {
    const char *s, *end, *p;
    rc_err *err;
} parser;

static void where(const parser *ps, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (const char *q = ps->s; q < ps->p; q++) {
        if (*q == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static rc_status fail(parser *ps, const char *expected)
{
    int line, col;
    where(ps, &line, &col);
    char found[24];
    if (ps->p >= ps->end) snprintf(found, sizeof found, "the end of the text");
    else snprintf(found, sizeof found, "'%c'", *ps->p);
    return rc_err_set(ps->err, RC_E_IO, __FILE__, __LINE__, "line %d column %d: expected %s, found %s", line, col,
                      expected, found);
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) ps->p++;
}

static int hex4(const char *q, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = q[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
        if (d == 16) return -1;
        *v = *v * 16 + d;
    }
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xc0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3f)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12); o[1] = (char)(0x80 | ((cp >> 6) & 0x3f)); o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18); o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Parses a string at ps->p (on the opening quote) into a new C string. */
static rc_status parse_string(parser *ps, char **out)
{
    rc_status st = RC_OK;
    ps->p++;
    const char *q = ps->p;
    while (q < ps->end && *q != '"') q += *q == '\\' ? 2 : 1;
    char *o = rc_malloc((size_t)(q - ps->p) + 1); /* escapes never grow: \uXXXX is 6 bytes for at most 4 */
    RC_FAIL_IF(!o, ps->err, RC_E_NOMEM, "out of memory reading JSON");
    size_t n = 0;
    for (;;) {
        if (ps->p >= ps->end) { st = fail(ps, "a closing '\"'"); goto done; }
        unsigned char c = (unsigned char)*ps->p;
        if (c == '"') break;
        if (c < 0x20) { st = fail(ps, "no control character in a string"); goto done; }
        if (c != '\\') { o[n++] = (char)c; ps->p++; continue; }
        if (ps->p + 1 >= ps->end) { st = fail(ps, "an escape"); goto done; }
        char e = ps->p[1];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (simple && e) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            o[n++] = map[simple - "\"\\/bfnrt"];
            ps->p += 2;
            continue;
        }
        unsigned cp, lo;
        if (e != 'u' || ps->end - ps->p < 6 || hex4(ps->p + 2, &cp) < 0) { st = fail(ps, "a valid escape"); goto done; }
        ps->p += 6;
        if (cp >= 0xd800 && cp < 0xdc00) {
            if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' || hex4(ps->p + 2, &lo) < 0 ||
                lo < 0xdc00 || lo >= 0xe000) { st = fail(ps, "the low half of a surrogate pair"); goto done; }
            ps->p += 6;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        } else if (cp >= 0xdc00 && cp < 0xe000) {
            st = fail(ps, "no lone low surrogate");
            goto done;
        }
        if (cp == 0) { st = fail(ps, "no \\u0000 (strings are C strings)"); goto done; }
        n += put_utf8(o + n, cp);
    }
    ps->p++;
    o[n] = 0;
    *out = o;
    o = NULL;
done:
    rc_free(o);
    return st;
}

static rc_status parse_value(parser *ps, rc_jv *v, int depth);

static rc_status parse_container(parser *ps, rc_jv *v, int depth)
{
    rc_status st = RC_OK;
    int object = *ps->p == '{';
    char close = object ? '}' : ']';
    size_t cap = 0;
    v->type = object ? RC_JV_OBJECT : RC_JV_ARRAY;
    if (depth >= MAX_DEPTH) return fail(ps, "at most 64 nested levels");
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) { ps->p++; return RC_OK; }
    for (;;) {
        if (v->n == cap) {
            cap = cap ? 2 * cap : 8;
            rc_jv *items = rc_realloc(v->items, cap * sizeof *items);
            RC_FAIL_IF(!items, ps->err, RC_E_NOMEM, "out of memory reading JSON");
            v->items = items;
            if (object) {
                char **keys = rc_realloc(v->keys, cap * sizeof *keys);
                RC_FAIL_IF(!keys, ps->err, RC_E_NOMEM, "out of memory reading JSON");
                v->keys = keys;
            }
        }
        rc_jv *item = &v->items[v->n];
        memset(item, 0, sizeof *item);
        if (object) {
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != '"') return fail(ps, "a key string");
            char *key = NULL;
            RC_TRY(parse_string(ps, &key));
            v->keys[v->n] = key;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') { v->n++; return fail(ps, "':'"); }
            ps->p++;
        }
        v->n++; /* counted now so rc_jv_free releases it whatever happens */
        RC_TRY(parse_value(ps, item, depth + 1));
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        if (ps->p < ps->end && *ps->p == close) { ps->p++; return RC_OK; }
        return fail(ps, object ? "',' or '}'" : "',' or ']'");
    }
done:
    return st;
}

static rc_status parse_number(parser *ps, rc_jv *v)
{
    const char *q = ps->p;
    if (q < ps->end && *q == '-') q++;
    if (q >= ps->end || *q < '0' || *q > '9') return fail(ps, "a value");
    if (*q == '0') q++;
    else while (q < ps->end && *q >= '0' && *q <= '9') q++;
    if (q < ps->end && *q == '.') {
        q++;
        if (q >= ps->end || *q < '0' || *q > '9') { ps->p = q; return fail(ps, "a digit after '.'"); }
        while (q < ps->end && *q >= '0' && *q <= '9') q++;
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < ps->end && (*q == '+' || *q == '-')) q++;
        if (q >= ps->end || *q < '0' || *q > '9') { ps->p = q; return fail(ps, "an exponent digit"); }
        while (q < ps->end && *q >= '0' && *q <= '9') q++;
    }
    v->type = RC_JV_NUMBER;
    v->text = rc_malloc((size_t)(q - ps->p) + 1);
    if (!v->text) return rc_err_set(ps->err, RC_E_NOMEM, __FILE__, __LINE__, "out of memory reading JSON");
    memcpy(v->text, ps->p, (size_t)(q - ps->p));
    v->text[q - ps->p] = 0;
    v->number = strtod(v->text, NULL);
    ps->p = q;
    return RC_OK;
}

static int literal(parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) return 0;
    ps->p += n;
    return 1;
}

static rc_status parse_value(parser *ps, rc_jv *v, int depth)
{
    skip_ws(ps);
    if (ps->p >= ps->end) return fail(ps, "a value");
    char c = *ps->p;
    if (c == '{' || c == '[') return parse_container(ps, v, depth);
    if (c == '"') {
        v->type = RC_JV_STRING;
        return parse_string(ps, &v->text);
    }
    if (literal(ps, "null")) { v->type = RC_JV_NULL; return RC_OK; }
    if (literal(ps, "true")) { v->type = RC_JV_BOOL; v->boolean = 1; return RC_OK; }
    if (literal(ps, "false")) { v->type = RC_JV_BOOL; return RC_OK; }
    return parse_number(ps, v);
}

static void free_inside(rc_jv *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free_inside(&v->items[i]);
        if (v->keys) rc_free(v->keys[i]);
    }
    rc_free(v->items);
    rc_free(v->keys);
    rc_free(v->text);
}

void rc_jv_free(rc_jv *v)
{
    if (!v) return;
    free_inside(v);
    rc_free(v);
}

rc_status rc_json_read_text(const char *text, size_t len, rc_jv **out, rc_err *err)
{
    rc_status st = RC_OK;
    parser ps = {text, text + len, text, err};
    rc_jv *v = rc_calloc(1, sizeof *v);
    size_t utf8 = rc_utf8_valid_len(text, len);
    RC_FAIL_IF(!v, err, RC_E_NOMEM, "out of memory reading JSON");
    RC_FAIL_IF(utf8 != len, err, RC_E_IO, "byte offset %zu: expected UTF-8 text (RFC 8259), found byte 0x%02x",
               utf8, (unsigned char)text[utf8]);
    RC_TRY(parse_value(&ps, v, 0));
    skip_ws(&ps);
    if (ps.p != ps.end) {
        st = fail(&ps, "the end of the text after the value");
        goto done;
    }
    *out = v;
    v = NULL;
done:
    rc_jv_free(v);
    return st;
}

const rc_jv *rc_jv_get(const rc_jv *v, const char *key)
{
    if (!v || v->type != RC_JV_OBJECT) return NULL;
    for (size_t i = 0; i < v->n; i++)
        if (!strcmp(v->keys[i], key)) return &v->items[i];
    return NULL;
}

const char *rc_jv_get_string(const rc_jv *v, const char *key)
{
    const rc_jv *x = rc_jv_get(v, key);
    return x && x->type == RC_JV_STRING ? x->text : NULL;
}

int rc_jv_get_int(const rc_jv *v, const char *key, int64_t *out)
{
    const rc_jv *x = rc_jv_get(v, key);
    if (!x || x->type != RC_JV_NUMBER) return -1;
    char *end;
    errno = 0;
    long long n = strtoll(x->text, &end, 10);
    if (*end || errno) return -1;
    *out = n;
    return 0;
}
