# src/compress — JPEG frames through libjpeg-turbo (rc_jpeg), and the zstd HDF5 filter (id 32015): in the library, and the same filter source
# built as the HDF5 plugin plugins/libh5zstd_rc.so (installed into $(hdf5_plugin_dir), under the
# prefix unless configure --with-hdf5-plugin-dir says otherwise) so that
# h5py and other HDF5 programs decode our shards through HDF5_PLUGIN_PATH.
librobocache_a_SOURCES += \
	src/compress/rc_zstd_filter.c src/compress/rc_compress.h \
	src/compress/rc_zstd_h5z.c src/compress/rc_zstd_h5z_int.h \
	src/compress/rc_jpeg.c
EXTRA_DIST += plugins/rc_zstd_plugin.c

# The plugin is loaded into foreign processes (python), so it is built without the
# sanitizer flags of RC_CFLAGS.
RC_PLUGIN = plugins/libh5zstd_rc.so
RC_PLUGIN_SRC = $(top_srcdir)/plugins/rc_zstd_plugin.c $(top_srcdir)/src/compress/rc_zstd_h5z.c
$(RC_PLUGIN): $(RC_PLUGIN_SRC) $(top_srcdir)/src/compress/rc_zstd_h5z_int.h
	@$(MKDIR_P) plugins
	$(AM_V_CCLD)$(CC) -shared -fPIC -std=c11 -Wall -Wextra $(CFLAGS) -I$(top_srcdir)/src \
		$(HDF5_CFLAGS) $(ZSTD_CFLAGS) -o $@ $(RC_PLUGIN_SRC) $(LDFLAGS) \
		$(HDF5_LIBS) $(ZSTD_LIBS)
all-local: $(RC_PLUGIN)
install-exec-local: $(RC_PLUGIN)
	$(MKDIR_P) '$(DESTDIR)$(hdf5_plugin_dir)'
	$(INSTALL_DATA) $(RC_PLUGIN) '$(DESTDIR)$(hdf5_plugin_dir)/libh5zstd_rc.so'
uninstall-local:
	rm -f '$(DESTDIR)$(hdf5_plugin_dir)/libh5zstd_rc.so'
clean-local:
	rm -f $(RC_PLUGIN)
