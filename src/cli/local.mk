# src/cli — the robocache-convert program: option parsing and dispatch only.
robocache_convert_SOURCES += \
	src/cli/main.c src/cli/rc_cli_int.h src/cli/cli_common.c src/cli/cli_paths.c \
	src/cli/cmd_run.c src/cli/cmd_validate.c src/cli/cmd_inspect.c src/cli/inspect_dir.c src/cli/cmd_synth.c \
	src/cli/cmd_info.c src/cli/cmd_verify.c src/cli/cmd_merge.c src/cli/cmd_scan.c
# Where the binary finds its schemas and plugin (cli_paths.c): the install folders, and the same
# relative to bindir so that a prefix moved as a whole still works; the build and source trees.
rc_rel_from_bin = $(shell realpath -m --relative-to='$(bindir)' '$(1)')
robocache_convert_CPPFLAGS = $(AM_CPPFLAGS) \
	-DRC_SOURCE_SCHEMA_DIR='"$(abs_top_srcdir)/schemas"' \
	-DRC_BUILD_DIR='"$(abs_top_builddir)"' \
	-DRC_INSTALLED_SCHEMA_DIR='"$(pkgdatadir)/schemas"' \
	-DRC_SCHEMA_DIR_FROM_BIN='"$(call rc_rel_from_bin,$(pkgdatadir)/schemas)"' \
	-DRC_PLUGIN_DIR='"$(hdf5_plugin_dir)"' \
	-DRC_PLUGIN_DIR_FROM_BIN='"$(call rc_rel_from_bin,$(hdf5_plugin_dir))"' \
	-DRC_PLUGIN_FILE='"libh5zstd_rc.so"' \
	-DRC_HDF5_DEFAULT_PLUGIN_DIR='"$(hdf5_default_plugin_dir)"'
