/* cmd_merge.c — `robocache-convert merge-manifests OUTPUT_DIR`: joins the task manifests of a
 * sharded run (--shard or a Slurm array) into manifest.json; see docs/SLURM.md. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/rc_cli_int.h"
#include "task/rc_task.h"

static void print_usage(FILE *f)
{
    fprintf(f, "usage: robocache-convert merge-manifests OUTPUT_DIR\n"
               "  joins manifest-tIIII-of-NNNN.json of every task 0..N-1 into OUTPUT_DIR/manifest.json:\n"
               "  episodes in input order, statistics combined exactly, shards under their task names\n"
               CLI_HELP_LOG_OPTIONS
               "exit codes: 0 merged; 1 bad usage; 3 a task is missing, the tasks disagree, an episode is\n"
               "            missing or listed twice, or an I/O error\n");
}

int cmd_merge_manifests(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        print_usage(stdout);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-')
        return cli_usage_error("merge-manifests", argc < 2 ? "missing OUTPUT_DIR" : "expected one OUTPUT_DIR, found '%s'",
                               argv[argc < 2 ? 0 : argc - 1]);
    rc_err err;
    rc_err_clear(&err);
    rc_merge_result res;
    if (rc_merge_manifests(argv[1], &res, &err) != RC_OK) return cli_fail(&err);
    fprintf(stderr, "robocache-convert: merged %d task manifests: %lld episodes, %lld shards, %lld skipped -> %s/manifest.json\n",
            res.tasks, (long long)res.episodes, (long long)res.shards, (long long)res.skipped, argv[1]);
    return 0;
}
