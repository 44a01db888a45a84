/* rc_diag_int.h — collects the errors of one spec check so a user sees every problem of the file in
 * one run.  Errors are kept until rc_diag_flush, which logs them at RC_LOG_ERROR in file order
 * (line, then column; ties keep the order found), each as rc_err_format writes it:
 * "FILE:LINE:COL: key 'PATH': msg". */
#ifndef RC_DIAG_H
#define RC_DIAG_H

#include "common/rc_common.h"

/* Errors kept and shown; beyond them errors are only counted. */
#define RC_DIAG_MAX_SHOWN 100

typedef struct rc_diag {
    const char *file;   /* the spec file as given */
    int n_errors;
    int n_nomem;        /* of which out of memory: no fault of the spec */
    rc_err *errs;       /* [n_kept] (owned); NULL after an allocation failure */
    int n_kept, cap;
} rc_diag;

void rc_diag_init(rc_diag *d, const char *file);
/* One error at line:col (1-based) for key path `path` ("" for none). */
void rc_diag_error(rc_diag *d, int line, int col, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Records an error already in an rc_err (e.g. a YAML syntax error, an I/O error). */
void rc_diag_add(rc_diag *d, const rc_err *e);
/* Logs the kept errors in file order, then how many more there were, copies the first of them into *first (if not NULL and there
 * is one), and frees the list. */
void rc_diag_flush(rc_diag *d, rc_err *first);

#endif
