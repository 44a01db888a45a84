# tests/docs — every command example of README.md and docs/*.md runs (the convention is in
# docs/LAYOUTS.md, "Examples in the docs"), and the man page knows every command.
TESTS += tests/docs/test_doc_examples.py tests/docs/test_man.sh
EXTRA_DIST += tests/docs/test_doc_examples.py tests/docs/test_man.sh
