# python — the reader package `robocache` (pure Python on h5py and numpy), installed into
# $(pythondir)/robocache.  install-data-hook writes its _config.py, which names the folder the
# zstd plugin is installed into, so `import robocache` finds the filter without HDF5_PLUGIN_PATH.
# Installed only when configure found a Python (>= 3.7).
.PHONY: install-robocache-config
if HAVE_PYTHON
robocachepydir = $(pythondir)/robocache
robocachepy_PYTHON = python/robocache/__init__.py python/robocache/_filter.py \
	python/robocache/store.py python/robocache/dataset.py

install-data-hook: install-robocache-config
install-robocache-config:
	$(MKDIR_P) '$(DESTDIR)$(robocachepydir)'
	printf '# _config.py: written by make install.\nPLUGIN_DIR = "%s"\n' '$(hdf5_plugin_dir)' \
		>'$(DESTDIR)$(robocachepydir)/_config.py'
uninstall-hook:
	rm -f '$(DESTDIR)$(robocachepydir)/_config.py'
endif
