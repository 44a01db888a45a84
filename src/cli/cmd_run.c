/* cmd_run.c — the 'run' subcommand (placeholder until its module lands). */
#include "config.h"

#include <stdio.h>

#include "cli/rc_cli.h"

int cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "robocache-convert run: not implemented in this version\n");
    return 1;
}
