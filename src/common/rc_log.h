/* rc_log.h — the library's only way to say something: leveled messages handed to a sink
 * that the CLI installs (the library itself never writes to stdout/stderr). */
#ifndef RC_LOG_H
#define RC_LOG_H

enum {
    RC_LOG_ERROR = 1, /* failures the caller will also see as a status */
    RC_LOG_WARN = 2,  /* suspicious data or settings that do not stop the run */
    RC_LOG_INFO = 3,  /* what ran (backend, files, summary) — the default level */
    RC_LOG_DEBUG = 4  /* per-episode detail */
};

typedef void (*rc_log_sink)(int level, const char *line);

/* Set once by main() before any work: messages above `level` are dropped. */
void rc_log_configure(int level, rc_log_sink sink);
/* The level set by rc_log_configure: what the CLI prints beside the log (summaries, progress)
 * follows it too. */
int rc_log_level(void);
void rc_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
