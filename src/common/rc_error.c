/* rc_error.c — fills and formats rc_err records; the one table from rc_status to the exit
 * codes of docs/SPEC.md §2. */
#include "config.h"
#include "common/rc_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    rc_status st;
    int exit_code;
    const char *name;
} status_table[] = {
    {RC_OK, 0, "ok"},
    {RC_E_USAGE, 1, "usage"},
    {RC_E_SPEC, 1, "spec"},
    {RC_E_INPUT, 2, "input"},
    {RC_E_IO, 3, "io"},
    {RC_E_NOMEM, 3, "nomem"},
    {RC_E_INTERRUPTED, 3, "interrupted"},
    {RC_E_BACKEND, 4, "backend"},
    {RC_E_DIFF, 5, "diff"},
    {RC_E_INTERNAL, 3, "internal"},
};

void rc_err_clear(rc_err *err)
{
    if (err) memset(err, 0, sizeof *err);
}

void rc_err_scope(rc_err *err, const char *file, const char *episode, const char *path_fmt, ...)
{
    if (!err) return;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    snprintf(err->episode, sizeof err->episode, "%s", episode ? episode : "");
    err->path[0] = '\0';
    if (path_fmt) {
        va_list ap;
        va_start(ap, path_fmt);
        vsnprintf(err->path, sizeof err->path, path_fmt, ap);
        va_end(ap);
    }
}

rc_status rc_err_set(rc_err *err, rc_status code, const char *src_file, int src_line,
                     const char *fmt, ...)
{
    if (!err) return code;
    err->code = code;
    err->src_file = src_file;
    err->src_line = src_line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

void rc_err_format(const rc_err *err, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
#define APPEND(...)                                                              \
    do {                                                                         \
        if (used < n) {                                                          \
            int w = snprintf(buf + used, n - used, __VA_ARGS__);                 \
            if (w > 0) used += (size_t)w;                                        \
        }                                                                        \
    } while (0)
    if (err->line > 0) {
        APPEND("%s:%d:%d: ", err->file, err->line, err->column);
        if (err->path[0]) APPEND("key '%s': ", err->path);
    } else {
        if (err->file[0]) APPEND("%s: ", err->file);
        if (err->episode[0]) APPEND("episode %s: ", err->episode);
        if (err->path[0]) APPEND("%s: ", err->path);
    }
    APPEND("%s", err->msg[0] ? err->msg : rc_status_name(err->code));
#undef APPEND
}

int rc_status_exit_code(rc_status st)
{
    for (size_t i = 0; i < sizeof status_table / sizeof status_table[0]; i++)
        if (status_table[i].st == st) return status_table[i].exit_code;
    return 3;
}

const char *rc_status_name(rc_status st)
{
    for (size_t i = 0; i < sizeof status_table / sizeof status_table[0]; i++)
        if (status_table[i].st == st) return status_table[i].name;
    return "unknown";
}
