/* cmd_validate.c — the 'validate' subcommand (placeholder until its module lands). */
#include "config.h"

#include <stdio.h>

#include "cli/rc_cli.h"

int cmd_validate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "robocache-convert validate: not implemented in this version\n");
    return 1;
}
