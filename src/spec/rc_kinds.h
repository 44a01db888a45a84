/* rc_kinds.h — the kinds a spec names and the ops take: resample methods, quaternion order,
 * output dtype, voxel mode, image interpolation.  Plain C enums with no dependency, so the CUDA kernels (nvcc) see
 * them through ops/rc_ops.h as the CPU code does. */
#ifndef RC_KINDS_H
#define RC_KINDS_H

typedef enum rc_method {
    RC_METHOD_LINEAR = 0,
    RC_METHOD_NEAREST,
    RC_METHOD_PREVIOUS,
    RC_METHOD_SLERP,
    RC_METHOD_WINDOW
} rc_method;

typedef enum rc_quat_order { RC_QUAT_WXYZ = 0, RC_QUAT_XYZW } rc_quat_order;
typedef enum rc_dtype { RC_DTYPE_F32 = 0, RC_DTYPE_F16, RC_DTYPE_BF16 } rc_dtype;
typedef enum rc_interp { RC_INTERP_AREA = 0, RC_INTERP_BILINEAR } rc_interp; /* image resize */
typedef enum rc_vox_mode { RC_VOX_OCCUPANCY = 0, RC_VOX_COUNT, RC_VOX_MEAN, RC_VOX_POINTS } rc_vox_mode;

/* output.format: the layout of the shards on disk. */
typedef enum rc_out_format { RC_OUT_ROBOCACHE = 0, RC_OUT_ROBOMIMIC, RC_OUT_ZARR } rc_out_format;

/* Bytes of one element of the fused output. */
static inline int rc_dtype_size(rc_dtype d) { return d == RC_DTYPE_F32 ? 4 : 2; }

#endif
