/* rc_progress.c — counts finished episodes and formats the progress line, rate-limited to one
 * callback per interval (the writer calls it after every episode). */
#include "config.h"

#include "pipeline/rc_progress_int.h"

#include <stdio.h>

#include "common/rc_common.h"

void rc_progress_start(rc_progress *p, rc_progress_fn fn, void *ctx, double interval_s, int64_t total)
{
    *p = (rc_progress){0};
    p->fn = fn;
    p->ctx = ctx;
    p->interval_s = interval_s;
    p->total = total;
    p->t0 = p->last_s = rc_now_s();
}

/* "episodes 12/40 (30%), 1.21 GB read, 310.5 MB/s, 4.1 episodes/s, ETA 7 s" for p at time now_s. */
static void rc_progress_format(const rc_progress *p, double now_s, char *buf, size_t n)
{
    double el = now_s - p->t0;
    int64_t finished = p->done + p->skipped;
    double eps = el > 0 ? (double)finished / el : 0;
    int pct = p->total > 0 ? (int)(100 * finished / p->total) : 100;
    int len = snprintf(buf, n, "episodes %lld/%lld (%d%%)", (long long)finished, (long long)p->total, pct);
    if (p->skipped && len >= 0 && (size_t)len < n)
        len += snprintf(buf + len, n - (size_t)len, ", %lld skipped", (long long)p->skipped);
    if (len < 0 || (size_t)len >= n) return;
    len += snprintf(buf + len, n - (size_t)len, ", %.2f GB read, %.1f MB/s, %.1f episodes/s",
                    (double)p->bytes / 1e9, el > 0 ? (double)p->bytes / el / 1e6 : 0.0, eps);
    if (len < 0 || (size_t)len >= n) return;
    if (finished < p->total && eps > 0)
        snprintf(buf + len, n - (size_t)len, ", ETA %.0f s", (double)(p->total - finished) / eps);
    else if (finished >= p->total)
        snprintf(buf + len, n - (size_t)len, ", %.1f s", el);
}

void rc_progress_step(rc_progress *p, uint64_t bytes_in, int skipped)
{
    if (skipped) p->skipped++;
    else p->done++;
    p->bytes += bytes_in;
    if (!p->fn) return;
    double now = rc_now_s();
    if (now - p->last_s < p->interval_s) return;
    p->last_s = now;
    char line[256];
    rc_progress_format(p, now, line, sizeof line);
    p->fn(line, 0, p->ctx);
}

void rc_progress_finish(rc_progress *p)
{
    if (!p->fn) return;
    char line[256];
    rc_progress_format(p, rc_now_s(), line, sizeof line);
    p->fn(line, 1, p->ctx);
}
