/* cmd_info.c — the 'info' subcommand (placeholder until its module lands). */
#include "config.h"

#include <stdio.h>

#include "cli/rc_cli.h"

int cmd_info(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "robocache-convert info: not implemented in this version\n");
    return 1;
}
