# tests/python — the reader package `robocache`: its API against h5py reads of the same shards
# (and a torch DataLoader with worker processes when torch is installed), and `make install`
# under a prefix giving a package that reads zstd shards without HDF5_PLUGIN_PATH.
TESTS += tests/python/test_reader.py tests/python/test_install.sh
EXTRA_DIST += tests/python/test_reader.py tests/python/test_install.sh
