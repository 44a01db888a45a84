/* tap.h — a minimal Test Anything Protocol emitter for the C test programs.  Automake's
 * tap-driver.sh counts each "ok"/"not ok" line; the plan is printed at the end (done_testing)
 * so a program that crashes midway is reported as an error, never as a pass. */
#ifndef RC_TAP_H
#define RC_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n = 0, tap_failed = 0;

static inline int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    if (!cond) tap_failed++;
    fflush(stdout);
    return cond;
}

/* A diagnostic line (shown in the test's .log). */
static inline void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("# ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

/* Prints the plan; returns the process exit status (non-zero if anything failed). */
static inline int tap_done(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

/* Bails out of the whole program (a setup step failed: the remaining checks cannot run). */
#define TAP_BAIL(...)                                                                  \
    do {                                                                               \
        printf("Bail out! ");                                                          \
        printf(__VA_ARGS__);                                                           \
        printf("\n");                                                                  \
        exit(1);                                                                       \
    } while (0)

#endif
