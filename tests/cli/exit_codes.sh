#!/bin/sh
# exit_codes.sh — the command line of docs/SPEC.md §2: --help/--version, every subcommand exists,
# unknown commands and options exit 1, and commands not built yet say so (exit 1, no output).
. "$RC_SRCDIR/tests/lib.sh"

expect_exit 0 "--help" "$RC_BIN" --help
expect_out "--help lists every subcommand" "run SPEC" "$RC_BIN" --help
for c in validate verify inspect synth merge-manifests info scan; do
    expect_out "--help lists $c" "  $c" "$RC_BIN" --help
done
expect_exit 0 "--version" "$RC_BIN" --version
expect_out "--version prints the package version" "robocache-convert $RC_VERSION" "$RC_BIN" --version
expect_exit 1 "no command" "$RC_BIN"
expect_exit 1 "unknown command" "$RC_BIN" frobnicate
expect_err "unknown command is named" "unknown command 'frobnicate'" "$RC_BIN" frobnicate
expect_exit 1 "unknown global option" "$RC_BIN" --frob
expect_exit 1 "merge-manifests with two folders is bad usage" "$RC_BIN" merge-manifests x y
tap_done
