/* rc_zstd_h5z_int.h — module-private: the H5Z_class2_t of the zstd filter (id 32015).  Built twice
 * from one source: into librobocache (registered in-process by rc_zstd_filter_register) and into
 * the HDF5 plugin plugins/libh5zstd_rc.so (handed out by H5PLget_plugin_info). */
#ifndef RC_ZSTD_H5Z_H
#define RC_ZSTD_H5Z_H

#include <hdf5.h>

extern const H5Z_class2_t rc_zstd_h5z_class;

/* Bounds what the filter decodes in this thread from now on to chunk_bytes per chunk (0: no
 * bound beyond cd_values[1] and HDF5's 4 GiB chunk maximum). */
void rc_zstd_h5z_bound(unsigned long long chunk_bytes);

#endif
