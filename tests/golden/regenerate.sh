#!/bin/sh
# regenerate.sh — the one command that remakes the golden outputs in tests/golden/expected/ from
# the golden pipelines (tests/golden/*.yaml) and input (golden_input.sh), with the given build and
# the CPU backend.  Run it only for a deliberate change of output; commit the new files with the
# change, so the diff shows which goldens moved.  docs/REPRODUCIBILITY.md says more.
#   tests/golden/regenerate.sh [BUILD_DIR]        (default: build)
set -eu
cd "$(dirname "$0")/../.."
RC_SRCDIR=$PWD
RC_BIN=$RC_SRCDIR/${1:-build}/robocache-convert
[ -x "$RC_BIN" ] || { echo "regenerate.sh: no robocache-convert at $RC_BIN (build first, or name BUILD_DIR)" >&2; exit 1; }
. tests/golden/golden_input.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rc-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Relative paths inside the temporary folder: source_file and created_from then hold "raw/...",
# not a temporary path, so the golden bytes change only when the output does.
(cd "$tmp" && golden_synth raw >/dev/null)
for s in $GOLDEN_SPECS; do
    (cd "$tmp" && golden_run "$s" raw "out-$s" cpu 2>"$tmp/$s.log") ||
        { cat "$tmp/$s.log" >&2; echo "regenerate.sh: $s failed" >&2; exit 1; }
    dst=tests/golden/expected/$s
    rm -rf "$dst"
    mkdir -p "$dst"
    cp "$tmp/out-$s/manifest.json" "$tmp/out-$s"/shard-*.h5 "$dst/"
    "$RC_BIN" verify "$tmp/out-$s" "$dst" >/dev/null
done
du -sh tests/golden/expected
git status --short tests/golden/expected 2>/dev/null || true
