# docs — the manual page robocache-convert(1), written from robocache-convert.1.in with the install
# folders filled in (make, not configure: they are make variables) and installed into $(man1dir);
# the Markdown docs and the README, installed into $(docdir), where the man page points.
man1_MANS = docs/robocache-convert.1
EXTRA_DIST += docs/robocache-convert.1.in
CLEANFILES += docs/robocache-convert.1
docs/robocache-convert.1: $(top_srcdir)/docs/robocache-convert.1.in Makefile
	@$(MKDIR_P) docs
	$(AM_V_GEN)$(SED) -e 's|@pkgdatadir[@]|$(pkgdatadir)|g' -e 's|@docdir[@]|$(docdir)|g' \
		-e 's|@hdf5_plugin_dir[@]|$(hdf5_plugin_dir)|g' $(top_srcdir)/docs/robocache-convert.1.in >$@
dist_doc_DATA = README.md docs/CUDA.md docs/DESIGN.md docs/FORMAT.md docs/INPUT.md docs/KERNELS.md \
	docs/LAYOUTS.md docs/PERFORMANCE.md docs/PIPELINE-SPEC.md docs/RELIABILITY.md \
	docs/REPRODUCIBILITY.md docs/SCAN.md docs/SLURM.md docs/SPEC.md docs/STREAMING.md \
	docs/performance.svg
