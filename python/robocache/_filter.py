# _filter.py — makes HDF5 find robocache's zstd filter (id 32015) in this process, so shards
# open without HDF5_PLUGIN_PATH.  The plugin folder comes from _config.py (written by
# `make install`: the folder the plugin was installed into), else from a build tree above this
# package (the source tree's python/ next to build/plugins or plugins/).  HDF5 loads the plugin
# itself when it first meets the filter; we only put the folder first on its search path (first:
# HDF5 1.10 stops searching at a folder it cannot open, such as a missing default one).
import os

import h5py
import h5py.h5pl

PLUGIN = "libh5zstd_rc.so"
ZSTD_FILTER_ID = 32015


def _candidates():
    try:
        from . import _config
        yield _config.PLUGIN_DIR
    except ImportError:
        pass
    here = os.path.dirname(os.path.abspath(__file__))
    up = here
    for _ in range(4):
        up = os.path.dirname(up)
        yield os.path.join(up, "plugins")
        yield os.path.join(up, "build", "plugins")


def plugin_dir():
    """The folder holding libh5zstd_rc.so that this package uses, or None."""
    for d in _candidates():
        if os.path.isfile(os.path.join(d, PLUGIN)):
            return d
    return None


_registered = None


def register():
    """Puts the plugin's folder first on HDF5's plugin search path (once); returns it or None.
    Without it, files still open when HDF5_PLUGIN_PATH or hdf5plugin provides filter 32015."""
    global _registered
    if _registered is None:
        d = plugin_dir()
        if d is not None:
            h5py.h5pl.prepend(os.fsencode(d))
        _registered = d or ""
    return _registered or None
