/* cmd_verify.c — `robocache-convert verify OUTPUT_DIR GOLDEN_DIR [--tolerance ULP]` (docs/SPEC.md
 * §2): compares two conversion outputs by decoded content (src/verify), prints one line
 * per difference and a summary.  Exit 0 equal, 5 different, 3 a manifest or shard missing or
 * unreadable, 1 bad usage. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/rc_cli_int.h"
#include "verify/rc_verify.h"

/* Differing elements listed per dataset; the rest are counted. */
#define MAX_LISTED 20

static void print_help(void)
{
    printf("usage: robocache-convert verify OUTPUT_DIR GOLDEN_DIR [--tolerance ULP]\n\n"
           "Compares two conversion outputs (each a folder with manifest.json and its shards) by\n"
           "decoded content: the same episodes, and in each the same datasets with the same dtype,\n"
           "shape and values, plus the steps attribute and the split.  Not compared: tool version,\n"
           "backend, input list digest, spec text, source file names, which shard holds an episode\n"
           "(see docs/REPRODUCIBILITY.md).  Prints one line per difference (at most %d differing\n"
           "elements per dataset, then a count) and a summary line.\n\n"
           "  --tolerance ULP   float values at most ULP units in the last place apart are equal\n"
           "                    (default 0: equal bits; NaN equals NaN); float16 and bfloat16 are\n"
           "                    measured in their own ULPs\n"
           CLI_HELP_LOG_OPTIONS "\n"
           "exit codes: 0 equal; 5 different; 3 a manifest or shard missing or unreadable; 1 bad usage\n",
           MAX_LISTED);
}

static void print_line(void *ctx, const char *line)
{
    (void)ctx;
    printf("%s\n", line);
}

int cmd_verify(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"tolerance", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    rc_verify_opts o = {0, MAX_LISTED, print_line, NULL};
    rc_verify_result res;
    rc_err err;
    rc_err_clear(&err);
    int c;
    cli_options_begin();
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 't': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (optarg[0] < '0' || optarg[0] > '9' || errno || *end)
                return cli_usage_error("verify", "--tolerance: expected a non-negative integer (ULPs), found '%s'",
                                       optarg);
            o.tolerance_ulp = v;
            break;
        }
        case 'h':
            print_help();
            return 0;
        default:
            return cli_usage_error("verify", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind < 2) return cli_usage_error("verify", "expected OUTPUT_DIR and GOLDEN_DIR");
    if (argc - optind > 2) return cli_usage_error("verify", "unexpected argument '%s'", argv[optind + 2]);
    const char *out = argv[optind], *gold = argv[optind + 1];
    rc_status st = rc_verify_dirs(out, gold, &o, &res, &err);
    if (st != RC_OK && st != RC_E_DIFF) return cli_fail(&err);
    if (st == RC_OK)
        printf("verify: equal: %zu episodes, %zu datasets, %" PRIu64 " elements (tolerance %" PRIu64 " ulp)\n",
               res.episodes_compared, res.datasets_compared, res.elements_compared, o.tolerance_ulp);
    else
        printf("verify: DIFFERENT: %zu difference%s in %zu of %zu episodes (output %zu, golden %zu); "
               "%zu datasets, %" PRIu64 " elements compared (tolerance %" PRIu64 " ulp)\n",
               res.differences, res.differences == 1 ? "" : "s", res.episodes_differing,
               res.episodes_output > res.episodes_golden ? res.episodes_output : res.episodes_golden,
               res.episodes_output, res.episodes_golden, res.datasets_compared, res.elements_compared,
               o.tolerance_ulp);
    return rc_status_exit_code(st);
}
