/* cmd_synth.c — the 'synth' subcommand (placeholder until its module lands). */
#include "config.h"

#include <stdio.h>

#include "cli/rc_cli.h"

int cmd_synth(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "robocache-convert synth: not implemented in this version\n");
    return 1;
}
