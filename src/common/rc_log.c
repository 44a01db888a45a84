/* rc_log.c — formats leveled messages and passes them to the CLI's sink.  The level and sink
 * are the one piece of mutable global state in the library, set once in main(). */
#include "config.h"
#include "common/rc_common.h"

#include <stdarg.h>
#include <stdio.h>

static int g_level = RC_LOG_INFO;
static rc_log_sink g_sink = NULL;

void rc_log_configure(int level, rc_log_sink sink)
{
    g_level = level;
    g_sink = sink;
}

int rc_log_level(void)
{
    return g_level;
}

static int rc_log_enabled(int level)
{
    return g_sink != NULL && level <= g_level;
}

void rc_log(int level, const char *fmt, ...)
{
    if (!rc_log_enabled(level)) return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    g_sink(level, line);
}
