# golden_input.sh — sourced by regenerate.sh and check.sh: the golden pipelines and the one
# synthetic input they run on (fixed preset, seed and size; made at test time, never committed).
GOLDEN_SPECS="fuse_grids half_union points_stream"

# golden_synth DIR: writes the golden input into DIR (3 episodes of 2 s in 2 files).
golden_synth() {
    "$RC_BIN" -q synth "$1" --preset tiny --seed 20261126 --episodes 3 --seconds 2
}

# golden_run SPEC_NAME INPUT OUTPUT BACKEND: converts INPUT with tests/golden/SPEC_NAME.yaml.
golden_run() {
    "$RC_BIN" -q run "$RC_SRCDIR/tests/golden/$1.yaml" --input "$2" --output "$3" --backend "$4" --force
}
