#!/bin/sh
# install.sh — install anywhere: `make install prefix=DIR` of the built tree, as an unprivileged
# user (nobody, when the test runs as root), puts every file under DIR (the plugin included,
# the docs under docdir); the installed binary, run from another folder with no RC_SCHEMA_DIR,
# finds its schemas relative to itself (DIR is not the configured prefix) and converts; `info`
# prints the plugin folder and the `export HDF5_PLUGIN_PATH=` line, and h5py reads a shard by
# following it (and fails with the documented message without it).  With the schemas or the
# plugin gone, the messages name every place looked.  configure --with-hdf5-plugin-dir=system
# picks HDF5's default folder.
. "$RC_SRCDIR/tests/lib.sh"

P="$TMP/prefix"
mkdir -p "$TMP/away" && chmod 777 "$TMP" "$TMP/away"
as_user=""
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
    as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
user=$($as_user id -un 2>/dev/null || $as_user id -u)
$as_user make -s -C "$RC_BUILDDIR" install prefix="$P" >"$TMP/install.log" 2>&1
r=$?
tap_result $r "make install prefix=DIR as user $user"
[ $r -eq 0 ] || diag "$(tail -20 "$TMP/install.log")"
bin="$P/bin/robocache-convert"
for f in bin/robocache-convert share/robocache/schemas/pipeline.schema.yaml \
    share/robocache/schemas/layouts/robomimic.yaml lib/robocache/plugins/libh5zstd_rc.so \
    share/man/man1/robocache-convert.1 share/doc/robocache/README.md share/doc/robocache/FORMAT.md; do
    [ -f "$P/$f" ]; tap_result $? "installed $f under the prefix"
done

# From another folder, with nothing in the environment pointing at the build.
cd "$TMP/away" || exit 1
run_installed() { env -u RC_SCHEMA_DIR -u HDF5_PLUGIN_PATH -u RC_SRCDIR "$@"; }
action_spec raw train >pipeline.yaml
chmod 666 pipeline.yaml
run_installed $as_user "$bin" synth raw --preset tiny --episodes 2 --seconds 2 --seed 3 >"$TMP/synth.log" 2>&1 &&
    run_installed $as_user "$bin" run pipeline.yaml >"$TMP/run.log" 2>&1
r=$?
tap_result $r "the installed binary converts from another folder"
[ $r -eq 0 ] || diag "$(tail -20 "$TMP/synth.log" "$TMP/run.log")"

run_installed "$bin" info >"$TMP/info" 2>&1
line=$(grep '^export HDF5_PLUGIN_PATH=' "$TMP/info")
[ "$line" = "export HDF5_PLUGIN_PATH=$P/lib/robocache/plugins" ]
tap_result $? "info prints the line: export HDF5_PLUGIN_PATH=<prefix>/lib/robocache/plugins"
[ -n "$line" ] || diag "$(cat "$TMP/info")"
run_installed "$bin" info --json | "$PYTHON3" -c 'import json, sys
d = json.load(sys.stdin)
sys.exit(0 if d["hdf5_plugin_dir"] == sys.argv[1] and d["hdf5_plugin_dir_is_default"] is False else 1)' "$P/lib/robocache/plugins"
tap_result $? "info --json gives the same plugin folder"
# HDF5_PLUGIN_PATH set: HDF5 looks only there, so info says whether it holds the plugin
mkdir -p "$TMP/noplugins"
run_installed env HDF5_PLUGIN_PATH="$TMP/noplugins:$P/lib/robocache/plugins" "$bin" info >"$TMP/info-env" 2>&1
grep -qF "hdf5 plugin: $P/lib/robocache/plugins/libh5zstd_rc.so (in HDF5_PLUGIN_PATH" "$TMP/info-env" &&
    ! grep -q '^export HDF5_PLUGIN_PATH' "$TMP/info-env"
tap_result $? "HDF5_PLUGIN_PATH holds the plugin (second of two folders): info says so, no export line"
run_installed env HDF5_PLUGIN_PATH="$TMP/noplugins" "$bin" info >"$TMP/info-env" 2>&1
env_line=$(grep '^export HDF5_PLUGIN_PATH=' "$TMP/info-env")
[ "$env_line" = "export HDF5_PLUGIN_PATH=$P/lib/robocache/plugins:\$HDF5_PLUGIN_PATH" ] &&
    grep -qF "HDF5_PLUGIN_PATH is set without it" "$TMP/info-env"
tap_result $? "HDF5_PLUGIN_PATH without the plugin: info's export line keeps the user's folders after ours"
[ -n "$env_line" ] || diag "$(cat "$TMP/info-env")"
run_installed env HDF5_PLUGIN_PATH="$TMP/noplugins" "$bin" info --json | "$PYTHON3" -c 'import json, sys
d = json.load(sys.stdin)
sys.exit(0 if d["hdf5_plugin_path_env"] == sys.argv[1] and d["hdf5_plugin_in_env"] is False else 1)' "$TMP/noplugins"
tap_result $? "info --json names HDF5_PLUGIN_PATH and whether it holds the plugin"
line=$(grep '^export HDF5_PLUGIN_PATH=' "$TMP/info")

read_shard='import glob, h5py
f = h5py.File(sorted(glob.glob("train/shard-*.h5"))[0], "r")
ep = f["episodes"][sorted(f["episodes"])[0]]
print(ep["action/data"][...].sum())'
# HDF5's default folder may hold other plugins or not exist: an empty folder stands for one
# without ours (a missing folder gives "can't open directory" instead; the docs say both).
mkdir -p "$TMP/noplugins"
run_installed env HDF5_PLUGIN_PATH="$TMP/noplugins" "$PYTHON3" -c "$read_shard" >"$TMP/noenv.out" 2>&1
grep -qF "required filter 'zstd (robocache)' is not registered" "$TMP/noenv.out"
tap_result $? "h5py without the plugin fails with the message the docs explain"
run_installed sh -c "$line && exec \"\$0\" -c '$read_shard'" "$PYTHON3" >"$TMP/env.out" 2>&1
r=$?
tap_result $r "h5py reads the shard after the line info printed"
[ $r -eq 0 ] || diag "$(tail -5 "$TMP/env.out")"
run_installed env HDF5_PLUGIN_PATH="$TMP/noplugins" sh -c "$env_line && exec \"\$0\" -c '$read_shard'" "$PYTHON3" \
    >"$TMP/env2.out" 2>&1
r=$?
tap_result $r "h5py reads the shard after the line info printed with HDF5_PLUGIN_PATH already set"
[ $r -eq 0 ] || diag "$(tail -5 "$TMP/env2.out")"

# Missing pieces: every place looked is named.
mv "$P/share/robocache" "$P/share/robocache.moved"
run_installed "$bin" validate pipeline.yaml >/dev/null 2>"$TMP/err"
r=$?
[ $r -eq 3 ] && grep -qF "looked in: $P/bin/../share/robocache/schemas, /" "$TMP/err"
tap_result $? "schemas gone: exit 3 and every place looked (exit $r)"
[ $r -eq 3 ] || diag "$(cat "$TMP/err")"
run_installed env RC_SCHEMA_DIR="$P/share/robocache.moved/schemas" "$bin" validate pipeline.yaml >/dev/null 2>"$TMP/err"
r=$?
tap_result $r "schemas gone, RC_SCHEMA_DIR names them: validate works (exit $r)"
[ $r -eq 0 ] || diag "$(cat "$TMP/err")"
mv "$P/share/robocache.moved" "$P/share/robocache"
mv "$P/lib/robocache" "$P/lib/robocache.moved"
run_installed "$bin" info >"$TMP/info2" 2>&1
grep -qF "hdf5 plugin: not found (libh5zstd_rc.so); looked in: $P/bin/../lib/robocache/plugins, /" "$TMP/info2"
tap_result $? "plugin gone: info names every place looked"
grep -q '^export HDF5_PLUGIN_PATH' "$TMP/info2"
[ $? -ne 0 ]; tap_result $? "plugin gone: no export line"

# configure: the plugin folder by default and with =system.
mkdir -p "$TMP/conf" && cd "$TMP/conf" || exit 1
"$RC_SRCDIR/configure" --with-cuda=no --with-hdf5-plugin-dir=system >"$TMP/conf.log" 2>&1
default=$(pkg-config --variable=PluginDir hdf5 2>/dev/null)
grep -qF "HDF5 plugin dir : ${default:-?} (HDF5's default: ${default:-?})" "$TMP/conf.log"
tap_result $? "configure --with-hdf5-plugin-dir=system installs into HDF5's default folder (${default:-unknown})"
"$RC_SRCDIR/configure" --with-cuda=no --with-hdf5-plugin-dir=plugins >"$TMP/conf2.log" 2>&1
r=$?
[ $r -ne 0 ] && grep -qF 'give an absolute folder or "system"' "$TMP/conf2.log"
tap_result $? "configure refuses a relative plugin folder"
tap_done
