#!/bin/sh
# test_install.sh — `make install` under a non-root prefix puts the reader package `robocache`
# into the prefix's Python site folder, and it reads zstd shards with HDF5_PLUGIN_PATH unset
# (the package finds the plugin installed beside it through its _config.py).
. "$RC_SRCDIR/tests/lib.sh"

P="$TMP/prefix"
make -s -C "$RC_BUILDDIR" install prefix="$P" hdf5_plugin_dir="$P/lib/hdf5/plugins" >"$TMP/make" 2>&1
tap_result $? "make install prefix=... installs"
[ -f "$P/lib/hdf5/plugins/libh5zstd_rc.so" ]
tap_result $? "the zstd plugin is installed under the prefix"
init=$(find "$P" -path '*/robocache/__init__.py' | head -1)
site=$(dirname "$(dirname "$init")")
case "$site" in "$P"/lib/python3*) r=0 ;; *) r=1 ;; esac
tap_result $r "the package is under the prefix's Python site folder ($site)"
grep -qF "$P/lib/hdf5/plugins" "$site/robocache/_config.py"
tap_result $? "_config.py names the installed plugin folder"

mkdir "$TMP/work" && cd "$TMP/work" || exit 1
"$RC_BIN" synth raw --preset tiny --episodes 2 --seconds 1 --seed 2 >/dev/null 2>&1
action_spec raw out >spec.yaml
check "a small conversion runs" "$RC_BIN" run spec.yaml
env -u HDF5_PLUGIN_PATH PYTHONPATH="$site" "$PYTHON3" -c '
import sys, robocache
assert robocache.plugin_dir() == sys.argv[1], robocache.plugin_dir()
ds = robocache.Dataset("out", split="train", keys=["action"])
assert len(ds) > 0 and ds[0]["action"].shape == (7,)
print(len(ds))' "$P/lib/hdf5/plugins" >"$TMP/py" 2>&1
r=$?
tap_result $r "the installed package reads a zstd shard without HDF5_PLUGIN_PATH"
[ $r -eq 0 ] || diag "$(tail -5 "$TMP/py")"
env -u HDF5_PLUGIN_PATH "$PYTHON3" -c 'import h5py, sys; h5py.File(sys.argv[1])["episodes/ep-000000/action/data"][()]' \
    "$(ls out/shard-*.h5 | head -1)" >/dev/null 2>&1
[ $? -ne 0 ] || [ -f /usr/lib/x86_64-linux-gnu/hdf5/serial/plugins/libh5zstd_rc.so ]
tap_result $? "without the package, plain h5py cannot (the check above is not vacuous)"
make -s -C "$RC_BUILDDIR" uninstall prefix="$P" hdf5_plugin_dir="$P/lib/hdf5/plugins" >"$TMP/make" 2>&1
[ -z "$(find "$P" -type f ! -name '*.pyc')" ]
tap_result $? "make uninstall removes every installed file"
[ -n "$(find "$P" -type f)" ] && diag "$(find "$P" -type f)"
tap_done
