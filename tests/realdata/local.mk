# tests/realdata — the real public files of $(RC_SHARED_DATA) (see its README): the robosuite v1.0
# demonstration through the robosuite layout, EuRoC / TUM trajectories and the KITTI sweep turned
# into robocache-raw files by make_raw.py; every output checked against the source read with numpy.
TESTS += tests/realdata/test_robosuite.py tests/realdata/test_trajectories.py tests/realdata/test_kitti.py \
	tests/realdata/test_open_inputs.py
EXTRA_DIST += tests/realdata/make_raw.py tests/realdata/fast_ref.py tests/realdata/test_robosuite.py \
	tests/realdata/test_trajectories.py tests/realdata/test_kitti.py tests/realdata/test_open_inputs.py
