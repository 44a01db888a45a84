# tests/safety — output safety through the CLI: a full disk (fault shim and tmpfs), signals mid-run
# then --resume (signals.sh), the output folder's lock and folder rules (folders.sh), unusable
# output and input paths, a crash of HDF5 wherever a command opens an input (reader_crash.sh,
# reader_isolation.sh), the hostile corpus under an address-space
# limit of the memory budget + 10% (budget_ulimit.sh).  fault_shim.so is an LD_PRELOAD library built
# here with plain flags (no sanitizer: it is loaded into the program, not linked).
FAULT_SHIM = tests/safety/fault_shim.so
$(FAULT_SHIM): $(top_srcdir)/tests/safety/fault_shim.c
	@$(MKDIR_P) tests/safety
	$(AM_V_CC)$(CC) -shared -fPIC -O2 -Wall -Wextra -o $@ $(top_srcdir)/tests/safety/fault_shim.c -ldl
check_SCRIPTS += $(FAULT_SHIM)
CLEANFILES += $(FAULT_SHIM)
TESTS += tests/safety/disk_full.sh tests/safety/signals.sh tests/safety/folders.sh tests/safety/paths.sh tests/safety/budget_ulimit.sh \
	tests/safety/reader_crash.sh tests/safety/reader_isolation.sh
# fault_loop.sh needs a build made with configure --enable-fault-injection (docs/RELIABILITY.md).
if FAULT_INJECTION
TESTS += tests/safety/fault_loop.sh
endif
# valgrind.sh (memcheck over CLI commands) is slow: .ci/run runs it, make check does not.
EXTRA_DIST += tests/safety/fault_shim.c tests/safety/safety_lib.sh tests/safety/disk_full.sh \
	tests/safety/signals.sh tests/safety/folders.sh tests/safety/paths.sh tests/safety/valgrind.sh tests/safety/fault_loop.sh tests/safety/budget_ulimit.sh \
	tests/safety/reader_crash.sh tests/safety/reader_isolation.sh
