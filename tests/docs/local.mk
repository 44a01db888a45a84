# tests/docs — every command example of README.md and docs/*.md runs (the convention is in
# docs/LAYOUTS.md, "Examples in the docs"), the man page knows every command, and the code
# keeps the layers docs/DESIGN.md states (test_layers.py), and the figures the docs quote are
# those of the data file they cite (test_quoted_figures.py).
TESTS += tests/docs/test_doc_examples.py tests/docs/test_man.sh tests/docs/test_layers.py \
	tests/docs/test_quoted_figures.py
EXTRA_DIST += tests/docs/test_doc_examples.py tests/docs/test_man.sh tests/docs/test_layers.py \
	tests/docs/test_quoted_figures.py
