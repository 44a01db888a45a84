/* cmd_validate.c — `robocache-convert validate SPEC|-`: loads the spec as `run` would (schema,
 * cross-field rules, input layout, and the stream names, kinds and widths of the first input
 * file when the input is at hand) without converting any data.  The library logs every error
 * through the stderr sink; this file prints the one-line verdict and picks the exit code. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/rc_cli_int.h"
#include "reader/rc_reader.h"
#include "spec/rc_spec.h"

static const char *const g_stage_kind_names[] = {"fuse", "resample", "voxelize", "image"};

static void usage(FILE *f)
{
    fprintf(f, "usage: robocache-convert validate SPEC   ('-': the spec on standard input)\n"
               "  Checks the pipeline spec against schemas/pipeline.schema.yaml and its input layout, and\n"
               "  its stream names, kinds and widths against the first input file when the input folder\n"
               "  exists (else it says which checks it left to the run).\n"
               "  Prints every error as FILE:LINE:COLUMN: key 'PATH': message, then 'SPEC: N errors'.\n"
               CLI_HELP_LOG_OPTIONS
               "  Exit 0 when the spec is valid, 1 otherwise (also for a missing file or bad usage).\n");
}

int cmd_validate(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') return cli_usage_error("validate", "unknown option '%s'", argv[i]);
        if (path) return cli_usage_error("validate", "expected one SPEC, found a second: '%s'", argv[i]);
        path = argv[i];
    }
    if (!path) return cli_usage_error("validate", "expected a SPEC file");

    rc_spec *spec = NULL;
    rc_err err;
    int n_errors = 0;
    rc_err_clear(&err);
    rc_status st = rc_spec_load_input(path, cli_schema_dir(), NULL, rc_input_discover, &spec, &n_errors, &err);
    if (!strcmp(path, "-")) path = "<stdin>";
    if (st != RC_OK) {
        if (n_errors < 1) n_errors = 1;
        fprintf(stderr, "%s: %d error%s\n", path, n_errors, n_errors == 1 ? "" : "s");
        return 1; /* docs/SPEC.md §2: a spec that cannot be used is "bad usage or spec" */
    }
    printf("%s: ok (%d stage%s:", path, spec->n_stages, spec->n_stages == 1 ? "" : "s");
    for (int32_t i = 0; i < spec->n_stages; i++)
        printf("%s %s %s", i ? "," : "", g_stage_kind_names[spec->stages[i].kind], spec->stages[i].name);
    printf(")\n");
    if (spec->input_layout->from[0])
        printf("%s: streams checked against %s (episode %s)\n", path, spec->input_layout->from,
               spec->input_layout->from_episode);
    else if (spec->deferred[0])
        printf("%s: stream checks deferred to the run: %s\n", path, spec->deferred);
    rc_spec_free(spec);
    return 0;
}
