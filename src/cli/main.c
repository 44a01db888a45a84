/* main.c — robocache-convert's entry point: installs the stderr log sink, dispatches to the
 * subcommand (a bare FILE.yaml means `run FILE.yaml`), and prints --help / --version.
 * scan, inspect and verify run in a reader process (rc_isolate_command: a crash of the HDF5
 * library on a file is exit 2 naming it).  All work happens in the cmd_* files and the library;
 * this file only routes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "cli/rc_cli_int.h"
#include "common/rc_common.h"

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *synopsis;
    int isolated; /* reads files it did not make: the whole command runs in a reader process */
} command;

static const command g_commands[] = {
    {"run", cmd_run, "run SPEC [--input DIR] [--output DIR] [--backend auto|cuda|cpu] [--threads N]\n"
                     "      [--buffers N] [--readers N] [--shard I/N] [--resume] [--force] [--report FILE]\n"
                     "      [--trace FILE] [--progress auto|always|never] [--memory SIZE]\n"
                     "                      convert the spec's input into training shards", 0},
    {"validate", cmd_validate, "validate SPEC|-     check a spec ('-': stdin); every error names file:line:column", 0},
    {"verify", cmd_verify, "verify OUTPUT_DIR GOLDEN_DIR [--tolerance ULP]\n"
                           "                      compare decoded content with golden shards (exit 5 if different)", 1},
    {"inspect", cmd_inspect, "inspect SHARD|DIR [--json]\n"
                             "                      a shard's layout, attributes, provenance and digests, or an\n"
                             "                      output folder's summary from its manifest", 1},
    {"synth", cmd_synth, "synth DIR [--episodes N] [--seconds S] [--seed K] [--preset tiny|demo|bench]\n"
                         "                      write synthetic raw robot logs (robocache-raw layout);\n"
                         "                      defaults: preset demo (6 episodes x 8 s, about 550 MB), seed 0", 0},
    {"merge-manifests", cmd_merge_manifests, "merge-manifests OUTPUT_DIR\n"
                                             "                      join the per-task manifests of a sharded run", 0},
    {"info", cmd_info, "info                version, backends, CUDA architectures, devices, HDF5 plugin, memory budget", 0},
    {"scan", cmd_scan, "scan SPEC|DIR [--json FILE] [--memory SIZE]\n"
                       "                      report per-episode timestamp health without converting", 1},
};
#define N_COMMANDS (sizeof g_commands / sizeof g_commands[0])

static void stderr_sink(int level, const char *line)
{
    const char *tag = level == RC_LOG_ERROR ? "error: " : level == RC_LOG_WARN ? "warning: " : "";
    fprintf(stderr, "robocache-convert: %s%s\n", tag, line);
}

static void print_help(FILE *f)
{
    fprintf(f, "usage: robocache-convert COMMAND [ARGS]   (robocache-convert FILE.yaml = run FILE.yaml)\n\n"
               "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) fprintf(f, "  %s\n", g_commands[i].synopsis);
    fprintf(f, "\noptions: -h, --help (also after a command), -V, --version; anywhere on the line:\n"
               CLI_HELP_LOG_OPTIONS
               "exit codes: 0 done; 1 bad usage or spec; 2 bad input data; 3 I/O or system error;\n"
               "            4 requested backend unavailable; 5 verify found differences\n");
}

/* Takes -q/--quiet and -v/--verbose from anywhere on the line before a "--" (the last one
 * wins), so that every command sees only its own arguments; returns the log level. */
static int take_log_options(int *argc, char **argv)
{
    int level = RC_LOG_INFO, n = 1, i = 1;
    for (; i < *argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) level = RC_LOG_ERROR;
        else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) level = RC_LOG_DEBUG;
        else argv[n++] = argv[i];
    }
    while (i < *argc) argv[n++] = argv[i++];
    argv[n] = NULL;
    *argc = n;
    return level;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int main(int argc, char **argv)
{
    int i = 1;
    /* HDF5 1.10 closes every file still open at exit; a file whose close failed (a full disk)
     * stays half-closed and that exit-time close crashes on it.  The library closes all it
     * opens, so the process skips HDF5's exit handler (tests/safety/disk_full.sh). */
    H5dont_atexit();
    /* Failures come back as rc_err with file, episode and HDF5 path, never as HDF5's own
     * error stack on stderr: the one place the process-wide HDF5 error printing changes. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int level = take_log_options(&argc, argv);
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            print_help(stdout);
            return 0;
        } else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
            printf("robocache-convert %s\n", PACKAGE_VERSION);
            return 0;
        } else {
            fprintf(stderr, "robocache-convert: unknown option '%s' (try --help)\n", argv[i]);
            return 1;
        }
    }
    rc_log_configure(level, stderr_sink);
    if (i >= argc) {
        print_help(stderr);
        return 1;
    }
    for (size_t c = 0; c < N_COMMANDS; c++)
        if (!strcmp(argv[i], g_commands[c].name))
            return g_commands[c].isolated ? rc_isolate_command(g_commands[c].fn, argc - i, argv + i)
                                          : g_commands[c].fn(argc - i, argv + i);
    if (ends_with(argv[i], ".yaml") || ends_with(argv[i], ".yml")) {
        /* `robocache-convert FILE.yaml ...` is `run FILE.yaml ...`: argv[i-1] becomes "run". */
        argv[i - 1] = (char *)"run";
        return cmd_run(argc - i + 1, argv + i - 1);
    }
    fprintf(stderr, "robocache-convert: unknown command '%s' (try --help)\n", argv[i]);
    return 1;
}
