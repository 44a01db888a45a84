/* rc_zstd_h5z_int.h — module-private: the H5Z_class2_t of the zstd filter (id 32015).  Built twice
 * from one source: into librobocache (registered in-process by rc_zstd_filter_register) and into
 * the HDF5 plugin plugins/libh5zstd_rc.so (handed out by H5PLget_plugin_info). */
#ifndef RC_ZSTD_H5Z_H
#define RC_ZSTD_H5Z_H

#include <hdf5.h>

extern const H5Z_class2_t rc_zstd_h5z_class;

#endif
