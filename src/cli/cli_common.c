/* cli_common.c — what every subcommand shares: turning an rc_err into a message and an exit
 * code, usage errors, --memory, and finding the schemas/ folder. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/rc_cli.h"
#include "common/rc_budget.h"
#include "spec/rc_size.h"

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

const char *cli_schema_dir(void)
{
    const char *env = getenv("RC_SCHEMA_DIR");
    if (env && *env) return env;
    if (access(RC_INSTALLED_SCHEMA_DIR "/pipeline.schema.yaml", R_OK) == 0) return RC_INSTALLED_SCHEMA_DIR;
    return RC_SOURCE_SCHEMA_DIR; /* not installed yet: the build's own source tree */
}
