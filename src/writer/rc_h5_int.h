/* rc_h5_int.h — module-private HDF5 helpers of the writer module, shared by the shard writer and the
 * shard reader: file datatypes of rc_elem, string/int attributes, and HDF5's own error text. */
#ifndef RC_H5_H
#define RC_H5_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#include "writer/rc_writer.h"

/* The little-endian file datatype of e (float16: IEEE half; bfloat16: uint16).  Caller closes
 * it with H5Tclose; negative on failure. */
hid_t rc_h5_type_of(rc_elem e);
/* The rc_elem stored as type t; is_bf16 says the dataset carries dtype="bfloat16".  -1 when
 * t is none of ours. */
int rc_h5_elem_of(hid_t t, int is_bf16);
/* Scalar attributes: a fixed-length, NUL-padded UTF-8 string (no global heap, so the bytes of
 * the file do not depend on heap allocation), and a little-endian int64.  0 or -1. */
int rc_h5_attr_write_str(hid_t obj, const char *name, const char *value);
int rc_h5_attr_write_i64(hid_t obj, const char *name, int64_t value);
/* Reads a string attribute (fixed or variable length) into buf[n]; 0, or -1 when missing,
 * not a string, or longer than n - 1. */
int rc_h5_attr_read_str(hid_t obj, const char *name, char *buf, size_t n);
/* Reads an integer attribute as int64; 0 or -1. */
int rc_h5_attr_read_i64(hid_t obj, const char *name, int64_t *value);
/* The innermost message on HDF5's error stack ("" when empty), for our error messages. */
void rc_h5_error_text(char *buf, size_t n);

/* The open episode's group (rc_shard.c), or -1 when no episode is open. */
hid_t rc_shard_episode_group(const rc_shard *sh);
/* Where logical rel_path lives below that group in the shard's layout; 0, 1 when the layout
 * keeps no HDF5 objects (zarr: the attributes are left out), or -1 when buf[n] is too small. */
int rc_shard_object_path(const rc_shard *sh, const char *rel_path, char *buf, size_t n);
/* The zarr layout: attribute `name` of logical object rel_path as JSON text (rc_shard.c). */
rc_status rc_shard_attr_json(rc_shard *sh, const char *rel_path, const char *name, const char *json, rc_err *err);

#endif
