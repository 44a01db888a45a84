# tests/spec — the pipeline spec: invalid specs (one file each, with their exact messages),
# valid specs, randomly mutated specs (malformed input), the size parser, the loaded rc_spec
# values (test_spec_image: the image stage), the layouts, and the schema/validator agreement check.
check_PROGRAMS += tests/spec/test_size tests/spec/test_spec_values tests/spec/test_schema_agree \
	tests/spec/test_layout tests/spec/test_spec_image
tests_spec_test_spec_image_SOURCES = tests/spec/test_spec_image.c
tests_spec_test_spec_image_CPPFLAGS = $(TEST_CPPFLAGS)
tests_spec_test_spec_image_LDADD = $(TEST_LIBS)
tests_spec_test_size_SOURCES = tests/spec/test_size.c
tests_spec_test_size_CPPFLAGS = $(TEST_CPPFLAGS)
tests_spec_test_size_LDADD = $(TEST_LIBS)
tests_spec_test_spec_values_SOURCES = tests/spec/test_spec_values.c
tests_spec_test_spec_values_CPPFLAGS = $(TEST_CPPFLAGS)
tests_spec_test_spec_values_LDADD = $(TEST_LIBS)
tests_spec_test_schema_agree_SOURCES = tests/spec/test_schema_agree.c
tests_spec_test_schema_agree_CPPFLAGS = $(TEST_CPPFLAGS)
tests_spec_test_schema_agree_LDADD = $(TEST_LIBS)
tests_spec_test_layout_SOURCES = tests/spec/test_layout.c tests/layout_fixture.h
tests_spec_test_layout_CPPFLAGS = $(TEST_CPPFLAGS)
tests_spec_test_layout_LDADD = $(TEST_LIBS)
TESTS += tests/spec/test_size tests/spec/test_spec_values tests/spec/test_schema_agree tests/spec/test_layout \
	tests/spec/test_spec_image \
	tests/spec/invalid_specs.sh tests/spec/valid_specs.sh tests/spec/mutated_specs.py
EXTRA_DIST += tests/spec/invalid_specs.sh tests/spec/valid_specs.sh tests/spec/mutated_specs.py tests/spec/invalid tests/spec/valid

# "did you mean": the closest name to a misspelled key, value, stream or layout.
check_PROGRAMS += tests/spec/test_suggest
tests_spec_test_suggest_SOURCES = tests/spec/test_suggest.c
tests_spec_test_suggest_CPPFLAGS = $(TEST_CPPFLAGS)
tests_spec_test_suggest_LDADD = $(TEST_LIBS)
TESTS += tests/spec/test_suggest
