/* rc_zstd_plugin.c — the HDF5 dynamic-plugin entry points for the zstd filter (id 32015), so that
 * h5py, h5dump and any HDF5 program read robocache shards through HDF5_PLUGIN_PATH.  The filter
 * class is src/compress/rc_zstd_h5z.c, the same code the converter registers in-process. */
#include <H5PLextern.h>

#include "compress/rc_zstd_h5z_int.h"

H5PL_type_t H5PLget_plugin_type(void) { return H5PL_TYPE_FILTER; }

const void *H5PLget_plugin_info(void) { return &rc_zstd_h5z_class; }
