/* rc_error.h — status codes, the error record every fallible call fills, and the two macros
 * (RC_FAIL_IF, RC_TRY) that are the only way library code fails.  The status -> exit code table
 * of docs/SPEC.md §2 lives in rc_error.c; only src/cli/ turns a status into an exit. */
#ifndef RC_ERROR_H
#define RC_ERROR_H

#include <stddef.h>

typedef enum rc_status {
    RC_OK = 0,
    RC_E_USAGE,          /* bad command line                        -> exit 1 */
    RC_E_SPEC,           /* bad pipeline spec                       -> exit 1 */
    RC_E_INPUT,          /* bad input data                          -> exit 2 */
    RC_E_IO,             /* I/O or system error                     -> exit 3 */
    RC_E_NOMEM,          /* allocation failed                       -> exit 3 */
    RC_E_INTERRUPTED,    /* SIGINT/SIGTERM                          -> exit 3 */
    RC_E_BACKEND,        /* requested backend unavailable or failed -> exit 4 */
    RC_E_DIFF,           /* verify found differences                -> exit 5 */
    RC_E_INTERNAL        /* a broken invariant of our own           -> exit 3 */
} rc_status;

/* What went wrong and where.  The scope (file, episode, HDF5 path) is set once by the code
 * that knows it (rc_err_scope) and kept when a check below fails; msg says what was expected
 * and what was found.  Empty strings mean "not applicable". */
typedef struct rc_err {
    rc_status code;
    char file[1024];     /* input/output file, or the spec file */
    char episode[256];   /* episode id */
    char path[512];      /* HDF5 path, or spec key path */
    int line, column;    /* spec position (1-based); 0 when not a spec error */
    char msg[1024];
    const char *src_file; /* where in our source it was raised (debug aid) */
    int src_line;
} rc_err;

void rc_err_clear(rc_err *err);
/* Sets the scope; path_fmt may be NULL.  file/episode may be NULL to leave them empty. */
void rc_err_scope(rc_err *err, const char *file, const char *episode, const char *path_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Records code and message (printf-style); returns code.  err may be NULL. */
rc_status rc_err_set(rc_err *err, rc_status code, const char *src_file, int src_line,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* "FILE: episode ID: PATH: msg" (spec errors: "FILE:LINE:COL: key 'PATH': msg"). */
void rc_err_format(const rc_err *err, char *buf, size_t n);
int rc_status_exit_code(rc_status st);
const char *rc_status_name(rc_status st);

/* Both need `rc_status st` and a `done:` label in the calling function. */
#define RC_FAIL_IF(cond, err, code, ...)                                          \
    do {                                                                          \
        if (cond) {                                                               \
            st = rc_err_set((err), (code), __FILE__, __LINE__, __VA_ARGS__);      \
            goto done;                                                            \
        }                                                                         \
    } while (0)
#define RC_TRY(expr)                                                              \
    do {                                                                          \
        st = (expr);                                                              \
        if (st != RC_OK) goto done;                                               \
    } while (0)

#endif
