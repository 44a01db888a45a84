# kernels — CUDA kernels, one canonical file per op (built only with CUDA)
