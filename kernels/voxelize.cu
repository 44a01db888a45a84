/* voxelize.cu — voxelization of point-cloud frames (SPEC section 4) on the GPU, every mode
 * (occupancy, count, mean, points) and layout (dense, sparse) of rc_ops.h, with the bits of
 * rc_voxelize_cpu (src/ops/): the voxel of a point is rc_voxel_of and a mean rc_vox_mean_store,
 * both from rc_numeric.h.  Test: tests/cuda/test_voxelize_exact.c.
 *
 * One pipeline serves every mode, and it has no atomics, so nothing depends on thread timing:
 *   1. vox_key_kernel: per point, key = dense voxel index (or a sentinel past the grid when
 *      the point is dropped) and value = the point's index;
 *   2. CUB radix sort of (key, index) pairs.  The sort is stable and indices start in order,
 *      so each voxel becomes one segment holding its points in INPUT order, and the segment's
 *      first index is the voxel's first appearance;
 *   3. vox_head_kernel + CUB inclusive sum number the segments; vox_segment_kernel records
 *      each segment's start and first index, and the totals (kept points, voxels);
 *   4. CUB radix sort of (first index, segment) gives the first-appearance order;
 *   5. one thread per voxel writes its output: dense cell, sparse row, or points row.  A mean
 *      sums each column over the segment in order in double (SPEC: input order, float64).
 * Frames run one after another on the backend's stream, with buffers sized for the largest. */
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>
#include <string.h>

#include "rc_cuda_check.h"
#include "rc_cuda_ctx.h"
#include "ops/rc_numeric.h"
extern "C" {
#include "common/rc_alloc.h"
}

#define VOX_THREADS 256
#define VOX_MAX_FRAME (1 << 30) /* points in one frame */

typedef struct vox_totals {
    int kept;   /* points inside the grid */
    int voxels; /* non-empty voxels */
} vox_totals;

/* ---- device helpers ---- */

/* (z, y, x) of dense index key, as coords are written. */
__device__ static void key_zyx(uint64_t key, const rc_vox_params &p, int32_t *zyx)
{
    uint64_t yz = (uint64_t)p.n[1] * (uint64_t)p.n[2];
    zyx[2] = (int32_t)(key / yz);
    zyx[1] = (int32_t)((key % yz) / (uint64_t)p.n[2]);
    zyx[0] = (int32_t)(key % (uint64_t)p.n[2]);
}

/* The voxel's mean row: each column summed over its points [b, e) of the sorted order (input
 * order) in double from 0.0, as rc_voxelize_cpu sums, then rc_vox_mean_store. */
__device__ static void voxel_mean(const float *pts, int C, const uint32_t *idx_s, int b, int e,
                                  float *out)
{
    for (int c = 0; c < C; c++) {
        double sum = 0.0;
        for (int j = b; j < e; j++) sum += (double)pts[(size_t)idx_s[j] * C + c];
        rc_vox_mean_store(out + c, sum, (uint32_t)(e - b));
    }
}

/* ---- kernels ---- */

__global__ void vox_key_kernel(const float *pts, int N, rc_vox_params p, uint64_t sentinel,
                               uint64_t *key, uint32_t *idx)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < N; i += gridDim.x * blockDim.x) {
        int32_t ijk[3];
        int64_t dense;
        key[i] = rc_voxel_of(pts + (size_t)i * p.C, p.min, p.size, p.n, ijk, &dense) ? (uint64_t)dense
                                                                                     : sentinel;
        idx[i] = (uint32_t)i;
    }
}

__global__ void vox_head_kernel(const uint64_t *key_s, int N, uint64_t sentinel, int *head)
{
    for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < N; j += gridDim.x * blockDim.x)
        head[j] = key_s[j] != sentinel && (j == 0 || key_s[j] != key_s[j - 1]);
}

/* seg[j] = heads in [0, j]; segment s = seg[j] - 1 starts at its head j. */
__global__ void vox_segment_kernel(const uint64_t *key_s, const uint32_t *idx_s, const int *head,
                                   const int *seg, int N, uint64_t sentinel, int *start,
                                   uint32_t *first, int *seg_id, vox_totals *tot)
{
    for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < N; j += gridDim.x * blockDim.x) {
        if (head[j]) {
            int s = seg[j] - 1;
            start[s] = j;
            first[s] = idx_s[j];
            seg_id[s] = s;
        }
        if (key_s[j] != sentinel && (j == N - 1 || key_s[j + 1] == sentinel)) {
            tot->kept = j + 1;
            tot->voxels = seg[j];
        }
    }
}

/* Dense grids: one thread per voxel (any order: each writes its own cell). */
__global__ void vox_dense_kernel(const float *pts, rc_vox_params p, const uint64_t *key_s,
                                 const uint32_t *idx_s, const int *start, int V, int K, void *dense)
{
    for (int s = blockIdx.x * blockDim.x + threadIdx.x; s < V; s += gridDim.x * blockDim.x) {
        int b = start[s], e = s + 1 < V ? start[s + 1] : K;
        uint64_t key = key_s[b];
        if (p.mode == RC_VOX_OCCUPANCY) ((uint8_t *)dense)[key] = 1;
        else if (p.mode == RC_VOX_COUNT) ((uint32_t *)dense)[key] = (uint32_t)(e - b);
        else voxel_mean(pts, p.C, idx_s, b, e, (float *)dense + key * (uint64_t)p.C);
    }
}

/* Sparse rows in first-appearance order: thread r writes row r from segment order[r]. */
__global__ void vox_sparse_kernel(const float *pts, rc_vox_params p, const uint64_t *key_s,
                                  const uint32_t *idx_s, const int *start, const int *order, int V,
                                  int K, int32_t *coords, void *values)
{
    for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < V; r += gridDim.x * blockDim.x) {
        int s = order[r];
        int b = start[s], e = s + 1 < V ? start[s + 1] : K;
        key_zyx(key_s[b], p, coords + (size_t)r * 3);
        if (p.mode == RC_VOX_OCCUPANCY) ((uint8_t *)values)[r] = 1;
        else if (p.mode == RC_VOX_COUNT) ((uint32_t *)values)[r] = (uint32_t)(e - b);
        else voxel_mean(pts, p.C, idx_s, b, e, (float *)values + (size_t)r * p.C);
    }
}

/* Points mode: every rank reports its point count (the host counts the drops); ranks below
 * max_voxels write coords, num_points and their first max_points points in input order into
 * the zeroed voxels buffer. */
__global__ void vox_points_kernel(const float *pts, rc_vox_params p, const uint64_t *key_s,
                                  const uint32_t *idx_s, const int *start, const int *order, int V,
                                  int K, int32_t *coords, float *voxels, int32_t *num_points,
                                  int *count_by_rank)
{
    for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < V; r += gridDim.x * blockDim.x) {
        int s = order[r];
        int b = start[s], e = s + 1 < V ? start[s + 1] : K;
        count_by_rank[r] = e - b;
        if (r >= p.max_voxels) continue;
        int np = e - b < p.max_points ? e - b : p.max_points;
        key_zyx(key_s[b], p, coords + (size_t)r * 3);
        num_points[r] = np;
        float *row = voxels + (size_t)r * p.max_points * p.C;
        for (int j = 0; j < np; j++)
            for (int c = 0; c < p.C; c++)
                row[(size_t)j * p.C + c] = pts[(size_t)idx_s[b + j] * p.C + c];
    }
}

/* ---- launcher ---- */

/* Device buffers for frames of up to n_max points; one allocation per array, freed together. */
typedef struct vox_bufs {
    int n_max;
    float *pts;               /* [n_max, C]: the frame being voxelized (pts_db[f % 2]) */
    float *pts_db[2];         /* frame f's points and, copied in meanwhile, frame f + 1's */
    uint64_t *key, *key_s;    /* [n_max] */
    uint32_t *idx, *idx_s;    /* [n_max] */
    int *head, *seg, *start;  /* [n_max] */
    uint32_t *first, *first_s;/* [n_max] */
    int *seg_id, *order;      /* [n_max] */
    int *count_by_rank;       /* [n_max] */
    vox_totals *tot;
    void *cub_tmp;
    size_t cub_bytes;
    void *dense;              /* dense layouts: the grid */
    int32_t *coords;          /* sparse: [n_max, 3]; points: [max_voxels, 3] */
    void *values;             /* sparse: [n_max] or [n_max, C] */
    float *voxels;            /* points: [max_voxels, max_points, C] */
    int32_t *num_points;      /* points: [max_voxels] */
    size_t dense_bytes, coords_bytes, values_bytes, voxels_bytes, np_bytes;
} vox_bufs;

static void bufs_free(vox_bufs *b)
{
    void *all[] = {b->pts_db[0], b->pts_db[1], b->key, b->key_s, b->idx, b->idx_s, b->head, b->seg, b->start,
                   b->first, b->first_s, b->seg_id, b->order, b->count_by_rank, b->tot,
                   b->cub_tmp, b->dense, b->coords, b->values, b->voxels, b->num_points};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]) cudaFree(all[i]);
}

/* Bits needed to hold v (radix sorts only look at those). */
static int bit_length(uint64_t v)
{
    int n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n > 0 ? n : 1;
}

/* Output sizes of one frame for p's mode and layout. */
static void output_sizes(const rc_vox_params *p, int n_max, uint64_t cells, vox_bufs *b)
{
    size_t C = (size_t)p->C, elem = p->mode == RC_VOX_OCCUPANCY ? 1 : p->mode == RC_VOX_COUNT ? 4 : 4 * C;
    b->dense_bytes = b->coords_bytes = b->values_bytes = b->voxels_bytes = b->np_bytes = 0;
    if (p->mode == RC_VOX_POINTS) {
        b->coords_bytes = (size_t)p->max_voxels * 3 * sizeof(int32_t);
        b->voxels_bytes = (size_t)p->max_voxels * (size_t)p->max_points * C * sizeof(float);
        b->np_bytes = (size_t)p->max_voxels * sizeof(int32_t);
    } else if (p->sparse) {
        b->coords_bytes = (size_t)n_max * 3 * sizeof(int32_t);
        b->values_bytes = (size_t)n_max * elem;
    } else {
        b->dense_bytes = (size_t)cells * elem;
    }
}

/* cudaMalloc of 0 bytes gives no pointer; empty outputs still get one byte. */
static size_t at_least_1(size_t n) { return n ? n : 1; }
#define DEV_ALLOC(ptr, bytes)                                                                  \
    RC_CUDA_TRY(cudaMalloc((void **)&(ptr), at_least_1(bytes)), err, "rc_cuda_voxelize buffers")

static rc_status bufs_alloc(vox_bufs *b, const rc_vox_params *p, int n_max, uint64_t cells,
                            cudaStream_t s, rc_err *err)
{
    rc_status st = RC_OK;
    size_t n = (size_t)n_max, t1 = 0, t2 = 0, t3 = 0;
    b->n_max = n_max;
    DEV_ALLOC(b->pts_db[0], n * (size_t)p->C * sizeof(float));
    DEV_ALLOC(b->pts_db[1], n * (size_t)p->C * sizeof(float));
    b->pts = b->pts_db[0];
    DEV_ALLOC(b->key, n * sizeof(uint64_t));
    DEV_ALLOC(b->key_s, n * sizeof(uint64_t));
    DEV_ALLOC(b->idx, n * sizeof(uint32_t));
    DEV_ALLOC(b->idx_s, n * sizeof(uint32_t));
    DEV_ALLOC(b->head, n * sizeof(int));
    DEV_ALLOC(b->seg, n * sizeof(int));
    DEV_ALLOC(b->start, n * sizeof(int));
    DEV_ALLOC(b->first, n * sizeof(uint32_t));
    DEV_ALLOC(b->first_s, n * sizeof(uint32_t));
    DEV_ALLOC(b->seg_id, n * sizeof(int));
    DEV_ALLOC(b->order, n * sizeof(int));
    DEV_ALLOC(b->count_by_rank, n * sizeof(int));
    DEV_ALLOC(b->tot, sizeof(vox_totals));
    /* CUB's scratch: the largest of the three device-wide calls at n_max items. */
    RC_CUDA_TRY(cub::DeviceRadixSort::SortPairs(NULL, t1, b->key, b->key_s, b->idx, b->idx_s, n_max,
                                                0, 64, s), err, "sizing cub::DeviceRadixSort (keys)");
    RC_CUDA_TRY(cub::DeviceScan::InclusiveSum(NULL, t2, b->head, b->seg, n_max, s), err,
                "sizing cub::DeviceScan");
    RC_CUDA_TRY(cub::DeviceRadixSort::SortPairs(NULL, t3, b->first, b->first_s, b->seg_id, b->order,
                                                n_max, 0, 32, s), err, "sizing cub::DeviceRadixSort (order)");
    b->cub_bytes = t1 > t2 ? t1 : t2;
    if (t3 > b->cub_bytes) b->cub_bytes = t3;
    DEV_ALLOC(b->cub_tmp, b->cub_bytes);
    output_sizes(p, n_max, cells, b);
    DEV_ALLOC(b->dense, b->dense_bytes);
    DEV_ALLOC(b->coords, b->coords_bytes);
    DEV_ALLOC(b->values, b->values_bytes);
    DEV_ALLOC(b->voxels, b->voxels_bytes);
    DEV_ALLOC(b->num_points, b->np_bytes);
done:
    return st;
}

/* Steps 1-4 for one frame already on the device; *tot gets the totals. */
static rc_status frame_segments(vox_bufs *b, const rc_vox_params *p, int N, uint64_t cells,
                                cudaStream_t s, vox_totals *tot, rc_err *err)
{
    rc_status st = RC_OK;
    unsigned blocks = rc_cuda_blocks(N, VOX_THREADS);
    size_t tb = b->cub_bytes;
    int key_bits = bit_length(cells); /* keys are <= cells (the sentinel) */

    vox_key_kernel<<<blocks, VOX_THREADS, 0, s>>>(b->pts, N, *p, cells, b->key, b->idx);
    RC_CUDA_LAUNCHED(vox_key_kernel, err);
    RC_CUDA_TRY(cub::DeviceRadixSort::SortPairs(b->cub_tmp, tb, b->key, b->key_s, b->idx, b->idx_s, N,
                                                0, key_bits, s), err, "cub::DeviceRadixSort (voxel keys)");
    vox_head_kernel<<<blocks, VOX_THREADS, 0, s>>>(b->key_s, N, cells, b->head);
    RC_CUDA_LAUNCHED(vox_head_kernel, err);
    tb = b->cub_bytes;
    RC_CUDA_TRY(cub::DeviceScan::InclusiveSum(b->cub_tmp, tb, b->head, b->seg, N, s), err,
                "cub::DeviceScan (voxel numbering)");
    RC_CUDA_TRY(cudaMemsetAsync(b->tot, 0, sizeof *b->tot, s), err, "rc_cuda_voxelize");
    vox_segment_kernel<<<blocks, VOX_THREADS, 0, s>>>(b->key_s, b->idx_s, b->head, b->seg, N, cells,
                                                      b->start, b->first, b->seg_id, b->tot);
    RC_CUDA_LAUNCHED(vox_segment_kernel, err);
    RC_CUDA_TRY(cudaMemcpyAsync(tot, b->tot, sizeof *tot, cudaMemcpyDeviceToHost, s), err,
                "rc_cuda_voxelize: reading frame totals");
    RC_CUDA_TRY(cudaStreamSynchronize(s), err, "vox_key/vox_head/vox_segment kernels");
    if (tot->voxels > 0) {
        tb = b->cub_bytes;
        RC_CUDA_TRY(cub::DeviceRadixSort::SortPairs(b->cub_tmp, tb, b->first, b->first_s, b->seg_id,
                                                    b->order, tot->voxels, 0, bit_length((uint64_t)N), s),
                    err, "cub::DeviceRadixSort (first appearance)");
    }
done:
    return st;
}

/* Step 5 and the copies back for one frame of N points with totals tot. */
static rc_status frame_outputs(vox_bufs *b, const rc_vox_params *p, int N, const vox_totals *tot,
                               cudaStream_t s, rc_vox_frame *fr, rc_err *err)
{
    rc_status st = RC_OK;
    int V = tot->voxels, K = tot->kept;
    unsigned blocks = rc_cuda_blocks(V, VOX_THREADS);
    int *counts = NULL;
    int64_t M = 0;
    size_t C = (size_t)p->C, elem = p->mode == RC_VOX_OCCUPANCY ? 1 : p->mode == RC_VOX_COUNT ? 4 : 4 * C;

    fr->dropped_range = N - K;
    fr->dropped_points = fr->dropped_voxels = 0;
    fr->n_voxels = V;
    if (p->mode == RC_VOX_POINTS) {
        counts = (int *)rc_malloc((size_t)(V > 0 ? V : 1) * sizeof(int));
        RC_FAIL_IF(!counts, err, RC_E_NOMEM, "out of memory for %d voxel counts", V);
        RC_CUDA_TRY(cudaMemsetAsync(b->coords, 0, b->coords_bytes, s), err, "rc_cuda_voxelize");
        RC_CUDA_TRY(cudaMemsetAsync(b->voxels, 0, b->voxels_bytes, s), err, "rc_cuda_voxelize");
        RC_CUDA_TRY(cudaMemsetAsync(b->num_points, 0, b->np_bytes, s), err, "rc_cuda_voxelize");
        if (V > 0) {
            vox_points_kernel<<<blocks, VOX_THREADS, 0, s>>>(b->pts, *p, b->key_s, b->idx_s, b->start,
                                                             b->order, V, K, b->coords, b->voxels,
                                                             b->num_points, b->count_by_rank);
            RC_CUDA_LAUNCHED(vox_points_kernel, err);
            RC_CUDA_TRY(cudaMemcpyAsync(counts, b->count_by_rank, (size_t)V * sizeof(int),
                                        cudaMemcpyDeviceToHost, s), err, "rc_cuda_voxelize: counts");
        }
        if (b->coords_bytes)
            RC_CUDA_TRY(cudaMemcpyAsync(fr->coords, b->coords, b->coords_bytes, cudaMemcpyDeviceToHost, s),
                        err, "rc_cuda_voxelize: copying coords back");
        if (b->voxels_bytes)
            RC_CUDA_TRY(cudaMemcpyAsync(fr->voxels, b->voxels, b->voxels_bytes, cudaMemcpyDeviceToHost, s),
                        err, "rc_cuda_voxelize: copying voxels back");
        if (b->np_bytes)
            RC_CUDA_TRY(cudaMemcpyAsync(fr->num_points, b->num_points, b->np_bytes,
                                        cudaMemcpyDeviceToHost, s), err, "rc_cuda_voxelize: copying num_points back");
        RC_CUDA_TRY(cudaStreamSynchronize(s), err, "vox_points_kernel (run and copy back)");
        M = V < p->max_voxels ? V : p->max_voxels;
        for (int r = 0; r < V; r++) {
            if (r < M) fr->dropped_points += counts[r] > p->max_points ? counts[r] - p->max_points : 0;
            else fr->dropped_voxels += counts[r];
        }
        fr->n_voxels = M;
    } else if (p->sparse) {
        if (V > 0) {
            vox_sparse_kernel<<<blocks, VOX_THREADS, 0, s>>>(b->pts, *p, b->key_s, b->idx_s, b->start,
                                                             b->order, V, K, b->coords, b->values);
            RC_CUDA_LAUNCHED(vox_sparse_kernel, err);
            RC_CUDA_TRY(cudaMemcpyAsync(fr->coords, b->coords, (size_t)V * 3 * sizeof(int32_t),
                                        cudaMemcpyDeviceToHost, s), err, "rc_cuda_voxelize: copying coords back");
            RC_CUDA_TRY(cudaMemcpyAsync(fr->values, b->values, (size_t)V * elem, cudaMemcpyDeviceToHost, s),
                        err, "rc_cuda_voxelize: copying values back");
        }
        RC_CUDA_TRY(cudaStreamSynchronize(s), err, "vox_sparse_kernel (run and copy back)");
        /* rows V .. N of the caller's buffers are zero, as rc_voxelize_cpu leaves them */
        memset(fr->coords + (size_t)V * 3, 0, (size_t)(N - V) * 3 * sizeof(int32_t));
        memset((char *)fr->values + (size_t)V * elem, 0, (size_t)(N - V) * elem);
    } else {
        fr->n_voxels = 0; /* dense layouts report no voxel count (rc_ops.h) */
        RC_CUDA_TRY(cudaMemsetAsync(b->dense, 0, b->dense_bytes, s), err, "rc_cuda_voxelize");
        if (V > 0) {
            vox_dense_kernel<<<blocks, VOX_THREADS, 0, s>>>(b->pts, *p, b->key_s, b->idx_s, b->start,
                                                            V, K, b->dense);
            RC_CUDA_LAUNCHED(vox_dense_kernel, err);
        }
        RC_CUDA_TRY(cudaMemcpyAsync(fr->dense, b->dense, b->dense_bytes, cudaMemcpyDeviceToHost, s),
                    err, "rc_cuda_voxelize: copying the dense grid back");
        RC_CUDA_TRY(cudaStreamSynchronize(s), err, "vox_dense_kernel (run and copy back)");
    }
done:
    rc_free(counts);
    return st;
}

/* Checks what rc_vox_params_init guarantees, and the frame offsets; returns the grid's cell
 * count (the sort sentinel) in *cells and the largest frame in *n_max. */
static rc_status vox_check(const rc_vox_params *p, const int64_t *offsets, int64_t F,
                           uint64_t *cells, int *n_max, rc_err *err)
{
    rc_status st = RC_OK;
    uint64_t xy;
    *n_max = 0;
    RC_FAIL_IF(p->n[0] < 1 || p->n[1] < 1 || p->n[2] < 1 || p->C < 3, err, RC_E_INTERNAL,
               "voxelize: expected a grid of >= 1 cell per axis and C >= 3, found %d x %d x %d, C = %d",
               p->n[0], p->n[1], p->n[2], p->C);
    RC_FAIL_IF(p->mode == RC_VOX_POINTS && (p->max_points < 1 || p->max_voxels < 0), err, RC_E_INTERNAL,
               "voxelize points: expected max_points >= 1 and max_voxels >= 0, found %d and %d",
               p->max_points, p->max_voxels);
    xy = (uint64_t)p->n[0] * (uint64_t)p->n[1]; /* each n <= 2^30: no overflow */
    RC_FAIL_IF(xy > (uint64_t)INT64_MAX / (uint64_t)p->n[2], err, RC_E_BACKEND,
               "voxelize: a grid of %d x %d x %d cells overflows the int64 voxel index", p->n[0],
               p->n[1], p->n[2]);
    *cells = xy * (uint64_t)p->n[2];
    RC_FAIL_IF(offsets[0] < 0, err, RC_E_INTERNAL, "voxelize: expected offsets[0] >= 0, found %lld",
               (long long)offsets[0]);
    for (int64_t f = 0; f < F; f++) {
        int64_t n = offsets[f + 1] - offsets[f];
        /* int point indices, and grid-stride loops whose i + stride stays below 2^31 */
        RC_FAIL_IF(n < 0 || n > VOX_MAX_FRAME, err, RC_E_BACKEND,
                   "voxelize frame %lld: expected 0 .. %d points, found %lld", (long long)f,
                   VOX_MAX_FRAME, (long long)n);
        if (n > *n_max) *n_max = (int)n;
    }
done:
    return st;
}

/* The buffers of the last call, kept in rc_cuda: reused while the grid, mode and layout are
 * the same and the largest frame fits. */
struct vox_cache {
    vox_bufs b;
    uint64_t cells;
    int C, mode, sparse, max_points, max_voxels;
    cudaEvent_t in[2];        /* frame points copied into pts_db[k] */
};

void rc_vox_cache_free(rc_cuda *c)
{
    if (!c->vox) return;
    bufs_free(&c->vox->b);
    for (int k = 0; k < 2; k++)
        if (c->vox->in[k]) cudaEventDestroy(c->vox->in[k]);
    rc_free(c->vox);
    c->vox = NULL;
}

/* c->vox holding buffers for p with frames of up to n_max points. */
static rc_status vox_cache_get(rc_cuda *c, const rc_vox_params *p, int n_max, uint64_t cells, rc_err *err)
{
    rc_status st = RC_OK;
    struct vox_cache *v = c->vox;
    if (v && v->b.n_max >= n_max && v->cells == cells && v->C == p->C && v->mode == (int)p->mode &&
        v->sparse == p->sparse && v->max_points == p->max_points && v->max_voxels == p->max_voxels)
        return RC_OK;
    rc_vox_cache_free(c);
    v = (struct vox_cache *)rc_calloc(1, sizeof *v);
    RC_FAIL_IF(!v, err, RC_E_NOMEM, "out of memory for the voxelize buffer cache");
    c->vox = v;
    v->cells = cells;
    v->C = p->C;
    v->mode = (int)p->mode;
    v->sparse = p->sparse;
    v->max_points = p->max_points;
    v->max_voxels = p->max_voxels;
    RC_CUDA_TRY(cudaEventCreateWithFlags(&v->in[0], cudaEventDisableTiming), err, "rc_cuda_voxelize");
    RC_CUDA_TRY(cudaEventCreateWithFlags(&v->in[1], cudaEventDisableTiming), err, "rc_cuda_voxelize");
    RC_TRY(bufs_alloc(&v->b, p, n_max, cells, c->stream, err));
done:
    return st;
}

/* Queues frame f's points into pts_db[f % 2] on the copy-in stream.  The buffer is free: the
 * frame that used it before (f - 2) finished, the host synchronised on it. */
static rc_status copy_in(rc_cuda *c, const rc_vox_params *p, const float *points, const int64_t *offsets,
                         int64_t f, rc_err *err)
{
    rc_status st = RC_OK;
    struct vox_cache *v = c->vox;
    size_t n = (size_t)(offsets[f + 1] - offsets[f]);
    if (n)
        RC_CUDA_TRY(cudaMemcpyAsync(v->b.pts_db[f % 2], points + (size_t)offsets[f] * (size_t)p->C,
                                    n * (size_t)p->C * sizeof(float), cudaMemcpyHostToDevice, c->h2d),
                    err, "rc_cuda_voxelize: copying points");
    RC_CUDA_TRY(cudaEventRecord(v->in[f % 2], c->h2d), err, "rc_cuda_voxelize");
done:
    return st;
}

/* Frame by frame on the kernel stream; frame f + 1's points are copied in on the copy-in
 * stream while frame f's kernels run.  Results come back on the kernel stream: the next frame
 * reuses the output buffers and the host needs each frame's totals before its sort. */
extern "C" rc_status rc_cuda_voxelize(rc_cuda *c, const rc_vox_params *p, const float *points,
                                      const int64_t *offsets, int64_t F, rc_vox_frame *frames,
                                      rc_err *err)
{
    rc_status st = RC_OK;
    uint64_t cells = 0;
    int n_max = 0;
    cudaStream_t s = c->stream;
    vox_totals tot;
    vox_bufs *b;

    if (F <= 0) return RC_OK;
    RC_TRY(vox_check(p, offsets, F, &cells, &n_max, err));
    RC_CUDA_TRY(cudaSetDevice(c->device), err, "rc_cuda_voxelize");
    RC_TRY(vox_cache_get(c, p, n_max > 0 ? n_max : 1, cells, err));
    b = &c->vox->b;
    RC_TRY(copy_in(c, p, points, offsets, 0, err));
    for (int64_t f = 0; f < F; f++) {
        int N = (int)(offsets[f + 1] - offsets[f]);
        tot.kept = tot.voxels = 0;
        if (f + 1 < F) RC_TRY(copy_in(c, p, points, offsets, f + 1, err));
        b->pts = b->pts_db[f % 2];
        RC_CUDA_TRY(cudaStreamWaitEvent(s, c->vox->in[f % 2], 0), err, "rc_cuda_voxelize");
        if (N > 0) RC_TRY(frame_segments(b, p, N, cells, s, &tot, err));
        RC_TRY(frame_outputs(b, p, N, &tot, s, &frames[f], err));
    }
done:
    if (st != RC_OK) { /* a failed call leaves no queued copy behind */
        cudaStreamSynchronize(c->h2d);
        rc_vox_cache_free(c);
    }
    return st;
}
