# src/cli — the robocache-convert program: option parsing and dispatch only.
robocache_convert_SOURCES += \
	src/cli/main.c src/cli/rc_cli_int.h src/cli/cli_common.c \
	src/cli/cmd_run.c src/cli/cmd_validate.c src/cli/cmd_inspect.c src/cli/cmd_synth.c \
	src/cli/cmd_info.c src/cli/cmd_verify.c src/cli/cmd_merge.c src/cli/cmd_scan.c
robocache_convert_CPPFLAGS = $(AM_CPPFLAGS) \
	-DRC_SOURCE_SCHEMA_DIR='"$(abs_top_srcdir)/schemas"' \
	-DRC_INSTALLED_SCHEMA_DIR='"$(pkgdatadir)/schemas"'
