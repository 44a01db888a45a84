/* rc_report_write.h — writes what a run measured (stats/rc_report.h): the --report JSON, with
 * scan's timestamp figures of every converted episode in run order, and the --trace Chrome
 * trace-event JSON (Perfetto: one track per thread or CUDA stream).  "-" writes to stdout. */
#ifndef RC_REPORT_WRITE_H
#define RC_REPORT_WRITE_H

#include <stdint.h>

#include "common/rc_error.h"
#include "scan/rc_scan.h"
#include "stats/rc_report.h"

/* The timestamp figures of the converted episodes, in run order (docs/SCAN.md). */
typedef struct rc_run_timestamps {
    rc_scan_episode *eps;
    int64_t n, cap;
} rc_run_timestamps;

/* Takes *se (its buffers; *se is left empty) as the next episode's figures; on failure they
 * are freed. */
rc_status rc_run_timestamps_add(rc_run_timestamps *ts, rc_scan_episode *se, rc_err *err);
void rc_run_timestamps_free(rc_run_timestamps *ts);

/* ts may be NULL: an empty "timestamps" list. */
rc_status rc_report_write_json(const rc_report *r, const rc_run_timestamps *ts, const char *path, rc_err *err);
rc_status rc_report_write_trace(const rc_report *r, const char *path, rc_err *err);

#endif
