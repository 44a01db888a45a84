/* rc_diag.c — keeps spec errors, then logs them sorted by position.  Should memory for the
 * list run out, each error is logged at once instead.  At most RC_DIAG_MAX_SHOWN are kept and
 * shown; the rest are counted, so a spec of 100k bad keys costs neither time nor memory. */
#include "config.h"
#include "spec/rc_diag_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/rc_common.h"

void rc_diag_init(rc_diag *d, const char *file)
{
    d->file = file;
    d->n_errors = d->n_nomem = 0;
    d->errs = NULL;
    d->n_kept = d->cap = 0;
}

static void log_err(const rc_err *e)
{
    char buf[4096];
    rc_err_format(e, buf, sizeof buf);
    rc_log(RC_LOG_ERROR, "%s", buf);
}

void rc_diag_add(rc_diag *d, const rc_err *e)
{
    d->n_errors++;
    d->n_nomem += e->code == RC_E_NOMEM;
    if (d->n_kept == RC_DIAG_MAX_SHOWN) return; /* counted; rc_diag_flush says how many more */
    if (d->n_kept == d->cap) {
        int cap = d->cap ? d->cap * 2 : 16;
        rc_err *grown = rc_realloc(d->errs, (size_t)cap * sizeof *grown);
        if (!grown) {
            log_err(e);
            return;
        }
        d->errs = grown;
        d->cap = cap;
    }
    d->errs[d->n_kept++] = *e;
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

void rc_diag_flush(rc_diag *d, rc_err *first)
{
    /* insertion sort: stable, and at most RC_DIAG_MAX_SHOWN errors */
    for (int i = 1; i < d->n_kept; i++) {
        rc_err e = d->errs[i];
        int j = i;
        for (; j > 0 && (d->errs[j - 1].line > e.line ||
                         (d->errs[j - 1].line == e.line && d->errs[j - 1].column > e.column));
             j--)
            d->errs[j] = d->errs[j - 1];
        d->errs[j] = e;
    }
    for (int i = 0; i < d->n_kept; i++) log_err(&d->errs[i]);
    if (d->n_errors > d->n_kept && d->n_kept == RC_DIAG_MAX_SHOWN)
        rc_log(RC_LOG_ERROR, "%s: %d more errors not shown (the first %d found are above)", d->file,
               d->n_errors - d->n_kept, RC_DIAG_MAX_SHOWN);
    if (first && d->n_kept > 0) *first = d->errs[0];
    rc_free(d->errs);
    d->errs = NULL;
    d->n_kept = d->cap = 0;
}
