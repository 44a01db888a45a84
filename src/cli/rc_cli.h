/* rc_cli.h — the subcommands of SPEC section 2.  Each cmd_* parses its own options, calls the
 * library, prints through the log sink main() installed, and returns a process exit code. */
#ifndef RC_CLI_H
#define RC_CLI_H

#include "common/rc_error.h"

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_merge_manifests(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_scan(int argc, char **argv);

/* Prints err (formatted as rc_err_format does) as "robocache-convert: ..." on stderr and
 * returns the exit code of its status. */
int cli_fail(const rc_err *err);
/* Bad usage: prints "robocache-convert CMD: msg" and a hint to --help; returns 1. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Where schemas/ lives: $RC_SCHEMA_DIR, else the installed pkgdatadir/schemas, else the source
 * tree's (a build that is not installed). */
const char *cli_schema_dir(void);
/* --memory SIZE of command cmd: sets the memory budget; returns 0, or 1 after a usage error. */
int cli_memory_option(const char *cmd, const char *arg);

#endif
