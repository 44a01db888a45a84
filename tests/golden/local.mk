# tests/golden — golden outputs (expected/, remade only by regenerate.sh) of three pipelines that
# together use every op, method, dtype, voxel mode and layout; check.sh compares a fresh CPU
# conversion with them through `verify`.
TESTS += tests/golden/check.sh
EXTRA_DIST += tests/golden/check.sh tests/golden/regenerate.sh tests/golden/golden_input.sh \
	tests/golden/fuse_grids.yaml tests/golden/half_union.yaml tests/golden/points_stream.yaml \
	tests/golden/expected
