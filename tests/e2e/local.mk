# tests/e2e — whole runs of robocache-convert: synth -> run -> read back with h5py.
TESTS += tests/e2e/test_run_cpu.py tests/e2e/test_bad_input.py tests/e2e/test_backend.sh tests/e2e/test_int_streams.py \
	tests/e2e/test_describe.py tests/e2e/test_formats.py tests/e2e/test_image_stage.py tests/e2e/test_aloha_jpeg.py
EXTRA_DIST += tests/e2e/e2e_common.py tests/e2e/test_run_cpu.py tests/e2e/test_bad_input.py tests/e2e/test_int_streams.py \
	tests/e2e/test_backend.sh tests/e2e/test_describe.py tests/e2e/test_formats.py tests/e2e/test_image_stage.py tests/e2e/test_aloha_jpeg.py
