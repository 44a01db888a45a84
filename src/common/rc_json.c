/* rc_json.c — the streaming JSON writer of rc_common.h: two-space indented output, keys in the
 * order written, strings escaped per RFC 8259 (bytes that are not UTF-8 as U+FFFD), doubles as %.17g (enough digits that strtod
 * reads back the same double), NaN/Inf as null since JSON has no spelling for them. */
#include "config.h"
#include "common/rc_common.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>


#define MAX_DEPTH ((int)(sizeof ((rc_json *)0)->first / sizeof(int)) - 1)

static void put(rc_json *j, const char *s)
{
    if (fputs(s, j->f) == EOF) j->error = 1;
}

static void indent(rc_json *j)
{
    put(j, "\n");
    for (int i = 0; i < j->depth; i++) put(j, "  ");
}

/* Separator and indentation before a value or key at the current level. */
static void before_item(rc_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth == 0) return;
    if (!j->first[j->depth]) put(j, ",");
    j->first[j->depth] = 0;
    indent(j);
}

static void open_container(rc_json *j, const char *bracket)
{
    before_item(j);
    put(j, bracket);
    if (j->depth >= MAX_DEPTH) {
        j->error = 1;
        return;
    }
    j->depth++;
    j->first[j->depth] = 1;
}

static void close_container(rc_json *j, const char *bracket)
{
    if (j->depth == 0) {
        j->error = 1;
        return;
    }
    int empty = j->first[j->depth];
    j->depth--;
    if (!empty) indent(j);
    put(j, bracket);
}

void rc_json_init(rc_json *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    j->first[0] = 1;
    j->after_key = 0;
    j->error = 0;
}

void rc_json_object_begin(rc_json *j) { open_container(j, "{"); }
void rc_json_object_end(rc_json *j) { close_container(j, "}"); }
void rc_json_array_begin(rc_json *j) { open_container(j, "["); }
void rc_json_array_end(rc_json *j) { close_container(j, "]"); }

/* A byte that starts no valid UTF-8 sequence (a name from a file system or an HDF5 file can hold
 * any bytes) is written as U+FFFD, so the output is always valid JSON. */
static void write_escaped(rc_json *j, const char *s)
{
    put(j, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char buf[8];
        size_t avail = 0; /* a sequence is at most 4 bytes: look no further */
        while (avail < 4 && p[avail]) avail++;
        size_t seq = *p >= 0x80 ? rc_utf8_seq((const char *)p, avail) : 1;
        if (seq == 0) {
            put(j, "\\ufffd");
            continue;
        }
        if (seq > 1) {
            memcpy(buf, p, seq);
            buf[seq] = '\0';
            put(j, buf);
            p += seq - 1;
            continue;
        }
        switch (*p) {
        case '"': put(j, "\\\""); break;
        case '\\': put(j, "\\\\"); break;
        case '\n': put(j, "\\n"); break;
        case '\r': put(j, "\\r"); break;
        case '\t': put(j, "\\t"); break;
        case '\b': put(j, "\\b"); break;
        case '\f': put(j, "\\f"); break;
        default:
            if (*p < 0x20) {
                snprintf(buf, sizeof buf, "\\u%04x", *p);
            } else {
                buf[0] = (char)*p;
                buf[1] = '\0';
            }
            put(j, buf);
        }
    }
    put(j, "\"");
}

void rc_json_key(rc_json *j, const char *key)
{
    before_item(j);
    write_escaped(j, key);
    put(j, ": ");
    j->after_key = 1;
}

void rc_json_string(rc_json *j, const char *s)
{
    before_item(j);
    write_escaped(j, s);
}

void rc_json_int(rc_json *j, int64_t v)
{
    before_item(j);
    if (fprintf(j->f, "%" PRId64, v) < 0) j->error = 1;
}

void rc_json_uint(rc_json *j, uint64_t v)
{
    before_item(j);
    if (fprintf(j->f, "%" PRIu64, v) < 0) j->error = 1;
}

void rc_json_double(rc_json *j, double v)
{
    before_item(j);
    if (!isfinite(v)) {
        put(j, "null");
        return;
    }
    if (fprintf(j->f, "%.17g", v) < 0) j->error = 1;
}

void rc_json_bool(rc_json *j, int v)
{
    before_item(j);
    put(j, v ? "true" : "false");
}

void rc_json_null(rc_json *j)
{
    before_item(j);
    put(j, "null");
}

int rc_json_finish(rc_json *j)
{
    put(j, "\n");
    if (j->depth != 0) j->error = 1;
    return j->error ? -1 : 0;
}
