/* fatbin_known.cu — a kernel that exists only to be compiled with known -gencode targets
 * (sm_86 SASS and compute_75 PTX, see tests/cuda/local.mk) so test_fatbin can check that
 * rc_fatbin lists exactly what nvcc embedded. */
__global__ void fatbin_known_kernel(int *x) { x[threadIdx.x] += 1; }
