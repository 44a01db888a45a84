# docs — the manual page robocache-convert(1), installed by `make install` into $(man1dir).
# The Markdown docs travel in the tarball through EXTRA_DIST (docs/) in Makefile.am.
dist_man_MANS = docs/robocache-convert.1
