/* verify_json.c — a small JSON parser (RFC 8259) into a tree of verify_json nodes, enough to
 * read manifest.json back: objects keep their keys in file order, numbers are parsed with
 * strtod, strings are unescaped to UTF-8 (\uXXXX with surrogate pairs).  Depth is bounded so a
 * hostile file cannot exhaust the stack. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rc_alloc.h"
#include "verify/verify_int.h"

/* Deeper nesting than any manifest needs is refused. */
#define JSON_MAX_DEPTH 64

typedef struct parser {
    const char *s, *p, *end;
    const char *fail; /* first error message; NULL while fine */
    size_t fail_at;
} parser;

static void fail(parser *ps, const char *msg)
{
    if (!ps->fail) {
        ps->fail = msg;
        ps->fail_at = (size_t)(ps->p - ps->s);
    }
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) ps->p++;
}

static verify_json *node_new(parser *ps, verify_json_kind kind)
{
    verify_json *n = rc_calloc(1, sizeof *n);
    if (!n) fail(ps, "out of memory");
    else n->kind = kind;
    return n;
}

static int hex4(parser *ps, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        if (ps->p >= ps->end) return -1;
        char c = *ps->p++;
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Parses a string at ps->p (on the opening quote) into a new NUL-terminated buffer. */
static char *parse_string(parser *ps)
{
    ps->p++; /* opening quote */
    const char *q = ps->p;
    while (q < ps->end && *q != '"') q += (*q == '\\' && q + 1 < ps->end) ? 2 : 1;
    if (q >= ps->end) {
        fail(ps, "unterminated string");
        return NULL;
    }
    /* Escapes never make the text longer: \uXXXX (6 bytes) gives at most 3, a pair (12) gives 4. */
    char *out = rc_malloc((size_t)(q - ps->p) + 1), *o = out;
    if (!out) {
        fail(ps, "out of memory");
        return NULL;
    }
    while (*ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p++;
        if (c < 0x20) {
            fail(ps, "control character in a string");
            break;
        }
        if (c != '\\') {
            *o++ = (char)c;
            continue;
        }
        char e = *ps->p++;
        unsigned cp, lo;
        switch (e) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u':
            if (hex4(ps, &cp) < 0) {
                fail(ps, "bad \\u escape");
                break;
            }
            if (cp >= 0xd800 && cp < 0xdc00) {
                if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u') {
                    fail(ps, "lone surrogate in \\u escape");
                    break;
                }
                ps->p += 2;
                if (hex4(ps, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff) {
                    fail(ps, "bad surrogate pair in \\u escape");
                    break;
                }
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp < 0xe000) {
                fail(ps, "lone surrogate in \\u escape");
                break;
            }
            if (cp == 0) {
                fail(ps, "\\u0000 in a string");
                break;
            }
            o += put_utf8(o, cp);
            break;
        default: fail(ps, "unknown escape in a string"); break;
        }
        if (ps->fail) break;
    }
    *o = '\0';
    if (ps->fail) {
        rc_free(out);
        return NULL;
    }
    ps->p = q + 1;
    return out;
}

static verify_json *parse_value(parser *ps, int depth);

static int add_child(parser *ps, verify_json *parent, verify_json *child, char *key)
{
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? 2 * parent->cap : 8;
        verify_json **k = rc_realloc(parent->items, cap * sizeof *k);
        if (k) parent->items = k;
        char **ks = k ? rc_realloc(parent->keys, cap * sizeof *ks) : NULL;
        if (ks) parent->keys = ks;
        if (!k || !ks) {
            fail(ps, "out of memory");
            return -1;
        }
        parent->cap = cap;
    }
    parent->items[parent->n] = child;
    parent->keys[parent->n] = key;
    parent->n++;
    return 0;
}

/* An object or array; ps->p on '{' or '['. */
static verify_json *parse_container(parser *ps, int depth)
{
    int is_obj = *ps->p == '{';
    char close = is_obj ? '}' : ']';
    verify_json *n = node_new(ps, is_obj ? VJ_OBJECT : VJ_ARRAY);
    if (!n) return NULL;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return n;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(ps);
        if (is_obj) {
            if (ps->p >= ps->end || *ps->p != '"') {
                fail(ps, "expected a string key");
                break;
            }
            key = parse_string(ps);
            if (!key) break;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                rc_free(key);
                fail(ps, "expected ':' after a key");
                break;
            }
            ps->p++;
        }
        verify_json *child = parse_value(ps, depth + 1);
        if (!child || add_child(ps, n, child, key) < 0) {
            rc_free(key);
            verify_json_free(child);
            break;
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return n;
        }
        fail(ps, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
        break;
    }
    verify_json_free(n);
    return NULL;
}

static int match_word(parser *ps, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0) return 0;
    ps->p += n;
    return 1;
}

static verify_json *parse_value(parser *ps, int depth)
{
    skip_ws(ps);
    if (depth > JSON_MAX_DEPTH) {
        fail(ps, "nesting deeper than 64 levels");
        return NULL;
    }
    if (ps->p >= ps->end) {
        fail(ps, "unexpected end of text");
        return NULL;
    }
    char c = *ps->p;
    if (c == '{' || c == '[') return parse_container(ps, depth);
    if (c == '"') {
        char *s = parse_string(ps);
        verify_json *n = s ? node_new(ps, VJ_STRING) : NULL;
        if (n) n->str = s;
        else rc_free(s);
        return n;
    }
    if (match_word(ps, "true") || match_word(ps, "false")) {
        verify_json *n = node_new(ps, VJ_BOOL);
        if (n) n->num = c == 't';
        return n;
    }
    if (match_word(ps, "null")) return node_new(ps, VJ_NULL);
    if (c == '-' || (c >= '0' && c <= '9')) {
        /* The JSON number grammar, checked before strtod (which accepts more: hex, inf). */
        const char *q = ps->p;
        if (*q == '-') q++;
        if (q >= ps->end || *q < '0' || *q > '9') {
            fail(ps, "bad number");
            return NULL;
        }
        if (*q == '0') q++;
        else while (q < ps->end && *q >= '0' && *q <= '9') q++;
        if (q < ps->end && *q == '.') {
            q++;
            if (q >= ps->end || *q < '0' || *q > '9') {
                fail(ps, "bad number");
                return NULL;
            }
            while (q < ps->end && *q >= '0' && *q <= '9') q++;
        }
        if (q < ps->end && (*q == 'e' || *q == 'E')) {
            q++;
            if (q < ps->end && (*q == '+' || *q == '-')) q++;
            if (q >= ps->end || *q < '0' || *q > '9') {
                fail(ps, "bad number");
                return NULL;
            }
            while (q < ps->end && *q >= '0' && *q <= '9') q++;
        }
        char buf[64];
        size_t len = (size_t)(q - ps->p);
        if (len >= sizeof buf) {
            fail(ps, "number too long");
            return NULL;
        }
        memcpy(buf, ps->p, len);
        buf[len] = '\0';
        verify_json *n = node_new(ps, VJ_NUMBER);
        if (n) n->num = strtod(buf, NULL);
        ps->p = q;
        return n;
    }
    fail(ps, "expected a value");
    return NULL;
}

rc_status verify_json_parse(const char *text, size_t n, verify_json **out, rc_err *err)
{
    rc_status st = RC_OK;
    parser ps = {text, text, text + n, NULL, 0};
    *out = NULL;
    verify_json *root = parse_value(&ps, 0);
    skip_ws(&ps);
    if (root && ps.p != ps.end) fail(&ps, "text after the JSON value");
    if (ps.fail) {
        verify_json_free(root);
        size_t line = 1, col = 1;
        for (size_t i = 0; i < ps.fail_at && i < n; i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        RC_FAIL_IF(1, err, RC_E_IO, "expected JSON, found an error at line %zu column %zu: %s", line, col,
                   ps.fail);
    }
    *out = root;
done:
    return st;
}

const verify_json *verify_json_get(const verify_json *obj, const char *key)
{
    if (!obj || obj->kind != VJ_OBJECT) return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (!strcmp(obj->keys[i], key)) return obj->items[i];
    return NULL;
}

void verify_json_free(verify_json *j)
{
    if (!j) return;
    for (size_t i = 0; i < j->n; i++) {
        verify_json_free(j->items[i]);
        if (j->keys) rc_free(j->keys[i]);
    }
    rc_free(j->items);
    rc_free(j->keys);
    rc_free(j->str);
    rc_free(j);
}
