/* rc_cli_int.h — the subcommands of docs/SPEC.md §2.  Each cmd_* parses its own options, calls the
 * library, prints through the log sink main() installed, and returns a process exit code. */
#ifndef RC_CLI_H
#define RC_CLI_H

#include <stddef.h>

#include "common/rc_common.h"

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_merge_manifests(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_scan(int argc, char **argv);

/* The options main() takes anywhere on the line, for every command (main.c); each command's
 * --help lists them with this text. */
#define CLI_HELP_LOG_OPTIONS                                                                       \
    "  -q, --quiet     print errors only (no notices, no summary, no automatic progress line)\n" \
    "  -v, --verbose   also print a line per episode written and other detail\n"

/* Prints err (formatted as rc_err_format does) as "robocache-convert: ..." on stderr and
 * returns the exit code of its status. */
int cli_fail(const rc_err *err);
/* Bad usage: prints "robocache-convert CMD: msg" and a hint to --help; returns 1. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Where schemas/ lives: $RC_SCHEMA_DIR; else the source tree (a binary in its build tree), the
 * install relative to this binary, the configured pkgdatadir/schemas (an installed binary never
 * reads a source tree).  With $RC_SCHEMA_DIR the first of the others that holds the schemas
 * follows it ("$RC_SCHEMA_DIR:FOLDER", the list of rc_spec.h), so it hides no built-in layout.
 * When none holds the schemas and RC_SCHEMA_DIR is unset, names every place it looked on stderr
 * and exits 3. */
const char *cli_schema_dir(void);
/* A progress line on stderr: rewritten in place on a terminal (tty 1; final ends it), else
 * one "progress: ..." line per call. */
void cli_progress_print(const char *line, int final, int tty);
/* Starts a command's getopt_long over its argv from argv[1], with getopt's own messages off:
 * the command reports an unknown option itself. */
void cli_options_begin(void);
/* --memory SIZE of command cmd: sets the memory budget; returns 0, or 1 after a usage error. */
int cli_memory_option(const char *cmd, const char *arg);
/* The folder holding the zstd filter plugin (RC_PLUGIN_FILE), looked up like the schemas: 1 and
 * the folder in dir, or 0 and every place looked in looked. */
int cli_plugin_dir(char *dir, size_t n, char *looked, size_t looked_n);
/* `inspect DIR [--json]`: the output folder summarised from its manifest (inspect_dir.c); returns
 * the exit code. */
int cli_inspect_dir(const char *dir, int json);
/* 1 when dir is HDF5's default plugin folder (read with no HDF5_PLUGIN_PATH). */
int cli_is_hdf5_default_plugin_dir(const char *dir);
/* The first folder of HDF5_PLUGIN_PATH (':'-separated) that holds the zstd filter plugin: 1 and
 * the folder in dir, else 0. */
int cli_plugin_dir_in_env(char *dir, size_t n);

#endif
