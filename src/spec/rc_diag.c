/* rc_diag.c — logs and counts spec errors; keeps the first for the caller's rc_err. */
#include "config.h"
#include "spec/rc_diag.h"

#include <stdarg.h>
#include <stdio.h>

#include "common/rc_log.h"

void rc_diag_init(rc_diag *d, const char *file)
{
    d->file = file;
    d->n_errors = 0;
    rc_err_clear(&d->first);
}

void rc_diag_add(rc_diag *d, const rc_err *e)
{
    char buf[4096];
    rc_err_format(e, buf, sizeof buf);
    rc_log(RC_LOG_ERROR, "%s", buf);
    if (d->n_errors++ == 0) d->first = *e;
}

void rc_diag_error(rc_diag *d, int line, int col, const char *path, const char *fmt, ...)
{
    rc_err e;
    va_list ap;
    rc_err_clear(&e);
    rc_err_scope(&e, d->file, NULL, "%s", path);
    e.code = RC_E_SPEC;
    e.line = line;
    e.column = col;
    e.src_file = __FILE__;
    e.src_line = __LINE__;
    va_start(ap, fmt);
    vsnprintf(e.msg, sizeof e.msg, fmt, ap);
    va_end(ap);
    rc_diag_add(d, &e);
}
