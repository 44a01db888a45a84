/* rc_elem.h — the element types of output datasets, their sizes and their names in shards and
 * manifests.  float16 is IEEE half; bfloat16 is stored as 16-bit unsigned integers with the
 * dataset attribute dtype = "bfloat16" (HDF5 has no bfloat16). */
#ifndef RC_ELEM_H
#define RC_ELEM_H

typedef enum rc_elem {
    RC_ELEM_U8 = 0, RC_ELEM_U16, RC_ELEM_I32, RC_ELEM_U32, RC_ELEM_I64,
    RC_ELEM_F16, RC_ELEM_BF16, RC_ELEM_F32
} rc_elem;

int rc_elem_size(rc_elem e);         /* bytes; 0 for no element type */
const char *rc_elem_name(rc_elem e); /* "uint8", ..., "float16", "bfloat16", "float32" */

#endif
