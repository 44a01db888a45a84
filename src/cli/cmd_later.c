/* cmd_later.c — subcommands whose work belongs to later milestones (scan: timestamp health).
 * They parse nothing and say so, exiting 1: no pretend output. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/rc_cli.h"

static int not_built(const char *cmd, const char *what, int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("robocache-convert %s: %s\nnot implemented in this version\n", cmd, what);
        return 0;
    }
    fprintf(stderr, "robocache-convert %s: not implemented in this version (%s)\n", cmd, what);
    return 1;
}

int cmd_scan(int argc, char **argv)
{
    return not_built("scan", "per-episode timestamp health report", argc, argv);
}
