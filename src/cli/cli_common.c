/* cli_common.c — what every subcommand shares: turning an rc_err into a message and an exit
 * code, usage errors, progress lines, and --memory. */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "cli/rc_cli_int.h"
#include "common/rc_common.h"
#include "spec/rc_spec.h"

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

void cli_progress_print(const char *line, int final, int tty)
{
    if (tty) fprintf(stderr, "\r%s\033[K%s", line, final ? "\n" : "");
    else fprintf(stderr, "progress: %s\n", line);
    fflush(stderr);
}

int cli_memory_option(const char *cmd, const char *arg)
{
    uint64_t bytes;
    char why[256];
    if (!arg) return cli_usage_error(cmd, "--memory needs a SIZE (e.g. 8GiB)");
    if (rc_size_parse(arg, &bytes, why, sizeof why) != 0 || bytes == 0)
        return cli_usage_error(cmd, "--memory needs a SIZE above 0 (e.g. 8GiB): %s", bytes ? why : "found 0");
    rc_budget_set(bytes, "--memory");
    return 0;
}

void cli_options_begin(void)
{
    optind = 1;
    opterr = 0;
}
