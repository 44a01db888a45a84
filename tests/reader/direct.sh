#!/bin/sh
# direct.sh — direct reads against H5Dread: make_direct_inputs.py (h5py) writes one dataset per
# layout, filter and fallback case; test_direct compares them, then every numeric dataset of the
# golden shards (our zstd encoding) and of the real robosuite file.  An installed HDF5 lz4 plugin
# (Debian: hdf5-filter-plugin) adds h5py-written lz4 cases.
. "$RC_SRCDIR/tests/lib.sh"
plugins=$HDF5_PLUGIN_PATH
for d in /usr/lib/x86_64-linux-gnu/hdf5/serial/plugins /usr/lib/x86_64-linux-gnu/hdf5/plugins; do
    [ -d "$d" ] && plugins="$plugins:$d"
done
export HDF5_PLUGIN_PATH="$plugins"
"$PYTHON3" "$RC_SRCDIR/tests/reader/make_direct_inputs.py" "$TMP/direct" ||
    { echo "Bail out! make_direct_inputs.py failed"; exit 1; }
set -- "$RC_SRCDIR"/tests/golden/expected/*/shard-*.h5
[ -f "$RC_SHARED_DATA/robosuite_v1.0_lift_panda_demo.hdf5" ] && set -- "$@" "$RC_SHARED_DATA/robosuite_v1.0_lift_panda_demo.hdf5"
"$RC_BUILDDIR/tests/reader/test_direct" "$TMP/direct" "$@"
