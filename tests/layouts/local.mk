# tests/layouts — the robomimic, aloha and robosuite layout files and their keys (C), and whole
# conversions of robomimic and ALOHA files that make_layouts.py writes to the published layouts,
# checked value by value against the source read with h5py.
check_PROGRAMS += tests/layouts/test_layout_files
tests_layouts_test_layout_files_SOURCES = tests/layouts/test_layout_files.c tests/layout_fixture.h
tests_layouts_test_layout_files_CPPFLAGS = $(TEST_CPPFLAGS)
tests_layouts_test_layout_files_LDADD = $(TEST_LIBS)
TESTS += tests/layouts/test_layout_files tests/layouts/test_robomimic.py tests/layouts/test_aloha.py \
	tests/layouts/test_discover.py
EXTRA_DIST += tests/layouts/make_layouts.py tests/layouts/test_robomimic.py tests/layouts/test_aloha.py tests/layouts/test_discover.py \
	tests/layouts/specs
