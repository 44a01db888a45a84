/* cli_common.c — what every subcommand shares: turning an rc_err into a message and an exit
 * code, and usage errors. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "cli/rc_cli_int.h"

int cli_fail(const rc_err *err)
{
    char buf[4096];
    rc_err_format(err, buf, sizeof buf);
    fprintf(stderr, "robocache-convert: error: %s\n", buf);
    return rc_status_exit_code(err->code);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "robocache-convert %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (try 'robocache-convert %s --help')\n", cmd);
    va_end(ap);
    return 1;
}
