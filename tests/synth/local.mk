# tests/synth — synth's command line and determinism (synth_cli.sh) and its output checked
# independently with h5py against the robocache-raw layout (check_schema.py), and the camera
# presets with h5py and Pillow (check_camera.py).
TESTS += tests/synth/synth_cli.sh tests/synth/check_schema.py tests/synth/check_camera.py
EXTRA_DIST += tests/synth/synth_cli.sh tests/synth/check_schema.py tests/synth/check_camera.py
