/* cmd_inspect.c — the 'inspect' subcommand (placeholder until its module lands). */
#include "config.h"

#include <stdio.h>

#include "cli/rc_cli.h"

int cmd_inspect(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "robocache-convert inspect: not implemented in this version\n");
    return 1;
}
