# docs — the manual page robocache-convert(1), installed by `make install` into $(man1dir).
# The Markdown docs travel in the tarball through EXTRA_DIST (docs/) in Makefile.am.
dist_man_MANS = docs/robocache-convert.1
# The Markdown docs and the README are installed into $(docdir), where the man page points.
dist_doc_DATA = README.md docs/CUDA.md docs/DESIGN.md docs/FORMAT.md docs/INPUT.md docs/KERNELS.md \
	docs/LAYOUTS.md docs/PERFORMANCE.md docs/PIPELINE-SPEC.md docs/RELIABILITY.md \
	docs/REPRODUCIBILITY.md docs/SCAN.md docs/SLURM.md docs/STREAMING.md docs/performance.svg
