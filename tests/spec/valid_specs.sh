#!/bin/sh
# valid_specs.sh — tests/spec/valid/*.yaml and the shipped pipelines/ validate (exit 0, "ok"),
# and validate's own command line: --help, missing argument, two arguments, missing file.
. "$RC_SRCDIR/tests/lib.sh"

for f in "$RC_SRCDIR"/tests/spec/valid/*.yaml "$RC_SRCDIR"/pipelines/demo.yaml "$RC_SRCDIR"/pipelines/example.yaml; do
    expect_exit 0 "$(basename "$f") validates" "$RC_BIN" validate "$f"
    expect_out "$(basename "$f") says ok" "$f: ok (" "$RC_BIN" validate "$f"
done
expect_out "validate names the stages of demo.yaml" \
    "ok (3 stages: fuse observation, resample action, voxelize lidar_grid)" \
    "$RC_BIN" validate "$RC_SRCDIR/pipelines/demo.yaml"
expect_exit 0 "validate --help" "$RC_BIN" validate --help
expect_out "validate --help prints usage" "usage: robocache-convert validate SPEC" "$RC_BIN" validate --help
expect_exit 1 "validate without a spec" "$RC_BIN" validate
expect_exit 1 "validate with two specs" "$RC_BIN" validate a.yaml b.yaml
expect_exit 1 "validate with an unknown option" "$RC_BIN" validate --frob x.yaml
expect_exit 1 "validate of a missing file" "$RC_BIN" validate "$TMP/none.yaml"
expect_err "a missing file is named" "$TMP/none.yaml: cannot open: No such file or directory" \
    "$RC_BIN" validate "$TMP/none.yaml"
# the schema is found through RC_SCHEMA_DIR too, and a missing schema is an error, not a pass
expect_exit 0 "RC_SCHEMA_DIR points at the schemas" env RC_SCHEMA_DIR="$RC_SRCDIR/schemas" \
    "$RC_BIN" validate "$RC_SRCDIR/pipelines/demo.yaml"
expect_exit 1 "a missing schema fails validate" env RC_SCHEMA_DIR="$TMP" \
    "$RC_BIN" validate "$RC_SRCDIR/pipelines/demo.yaml"
# a schema folder of one's own (RC_SCHEMA_DIR, for testing) hides no built-in layout
mkdir -p "$TMP/myschemas/layouts"
cp "$RC_SRCDIR/schemas/pipeline.schema.yaml" "$TMP/myschemas/"
printf 'format: aloha\nrate_hz: 30\n' >"$TMP/myschemas/layouts/my-aloha.yaml"
printf 'version: 1\ninput: {dir: in, layout: %s}\noutput: {dir: out}\ntimeline: {rate_hz: 30}\nstages:\n  - resample: {name: a, stream: action, method: linear}\n' \
    robomimic >"$TMP/builtin.yaml"
sed 's/layout: robomimic/layout: my-aloha/' "$TMP/builtin.yaml" >"$TMP/own.yaml"
expect_exit 0 "with RC_SCHEMA_DIR set, the built-in robomimic layout is still found" \
    env RC_SCHEMA_DIR="$TMP/myschemas" "$RC_BIN" validate "$TMP/builtin.yaml"
expect_exit 0 "... and the folder's own layout too" env RC_SCHEMA_DIR="$TMP/myschemas" "$RC_BIN" validate "$TMP/own.yaml"
tap_done
