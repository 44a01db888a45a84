/* synth_h5.c — the few HDF5 writes synth needs, each with object time stamps turned off so
 * that the same options give the same file bytes. */
#include "config.h"
#include "synth/synth_int.h"

#include <string.h>

rc_status synth_h5_create(const char *path, hid_t *file, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = H5Pcreate(H5P_FILE_ACCESS);
    RC_FAIL_IF(fcpl < 0 || fapl < 0 || H5Pset_obj_track_times(fcpl, 0) < 0 ||
                   H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V110) < 0,
               err, RC_E_IO, "cannot set up the file property lists");
    *file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
    RC_FAIL_IF(*file < 0, err, RC_E_IO, "cannot create the file");
done:
    if (fapl >= 0) H5Pclose(fapl);
    if (fcpl >= 0) H5Pclose(fcpl);
    return st;
}

rc_status synth_h5_close(hid_t *group, hid_t *file, rc_err *err)
{
    rc_status st = RC_OK;
    if (*group >= 0) H5Gclose(*group);
    *group = -1;
    herr_t closed = *file >= 0 ? H5Fclose(*file) : 0;
    *file = -1;
    RC_FAIL_IF(closed < 0, err, RC_E_IO, "cannot close (flush) the file");
done:
    return st;
}

rc_status synth_h5_group(hid_t parent, const char *name, hid_t *out, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    RC_FAIL_IF(gcpl < 0, err, RC_E_IO, "cannot create a group property list for '%s'", name);
    RC_FAIL_IF(H5Pset_obj_track_times(gcpl, 0) < 0, err, RC_E_IO,
               "cannot turn off time stamps for group '%s'", name);
    *out = H5Gcreate2(parent, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    RC_FAIL_IF(*out < 0, err, RC_E_IO, "cannot create group '%s'", name);
done:
    if (gcpl >= 0) H5Pclose(gcpl);
    return st;
}

rc_status synth_h5_attr_str(hid_t obj, const char *name, const char *value, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t type = -1, space = -1, attr = -1;
    type = H5Tcopy(H5T_C_S1);
    RC_FAIL_IF(type < 0 || H5Tset_size(type, strlen(value) + 1) < 0 ||
                   H5Tset_strpad(type, H5T_STR_NULLTERM) < 0,
               err, RC_E_IO, "cannot make a string type for attribute '%s'", name);
    space = H5Screate(H5S_SCALAR);
    RC_FAIL_IF(space < 0, err, RC_E_IO, "cannot make a scalar space for attribute '%s'", name);
    attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    RC_FAIL_IF(attr < 0, err, RC_E_IO, "cannot create attribute '%s'", name);
    RC_FAIL_IF(H5Awrite(attr, type, value) < 0, err, RC_E_IO, "cannot write attribute '%s'", name);
done:
    if (attr >= 0) H5Aclose(attr);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    return st;
}

rc_status synth_h5_dataset(hid_t parent, const char *name, hid_t file_type, hid_t mem_type,
                           int rank, const hsize_t *dims, const void *buf, hid_t *out,
                           rc_err *err)
{
    rc_status st = RC_OK;
    hid_t dcpl = -1, space = -1, dset = -1;
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    RC_FAIL_IF(dcpl < 0 || H5Pset_obj_track_times(dcpl, 0) < 0, err, RC_E_IO,
               "cannot make a dataset property list for '%s'", name);
    space = H5Screate_simple(rank, dims, NULL);
    RC_FAIL_IF(space < 0, err, RC_E_IO, "cannot make the dataspace of '%s'", name);
    dset = H5Dcreate2(parent, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    RC_FAIL_IF(dset < 0, err, RC_E_IO, "cannot create dataset '%s'", name);
    if (buf)
        RC_FAIL_IF(H5Dwrite(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0, err, RC_E_IO,
                   "cannot write dataset '%s'", name);
    if (out) {
        *out = dset;
        dset = -1;
    }
done:
    if (dset >= 0) H5Dclose(dset);
    if (space >= 0) H5Sclose(space);
    if (dcpl >= 0) H5Pclose(dcpl);
    return st;
}
