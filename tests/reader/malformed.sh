#!/bin/sh
# malformed.sh — the malformed-input category of the reader: make_bad_inputs.py (h5py) writes a
# valid file and one damaged file per case; read_bad checks the values of the valid one and the
# status and message of each damaged one.
. "$RC_SRCDIR/tests/lib.sh"
"$PYTHON3" "$RC_SRCDIR/tests/reader/make_bad_inputs.py" "$TMP/bad" || { echo "Bail out! make_bad_inputs.py failed"; exit 1; }
"$RC_BUILDDIR/tests/reader/read_bad" "$TMP/bad"
