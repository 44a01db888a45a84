/* rc_diag.h — collects the errors of one spec check: every error is logged at RC_LOG_ERROR as
 * "FILE:LINE:COL: key 'PATH': msg" (rc_err_format), the first is kept, all are counted, so a
 * user sees every problem of the file in one run. */
#ifndef RC_DIAG_H
#define RC_DIAG_H

#include "common/rc_error.h"

typedef struct rc_diag {
    const char *file;   /* the spec file as given */
    int n_errors;
    rc_err first;       /* valid when n_errors > 0 */
} rc_diag;

void rc_diag_init(rc_diag *d, const char *file);
/* One error at line:col (1-based) for key path `path` ("" for none). */
void rc_diag_error(rc_diag *d, int line, int col, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Records an error already in an rc_err (e.g. a YAML syntax error). */
void rc_diag_add(rc_diag *d, const rc_err *e);

#endif
