/* voxelize.cu — voxelization of point-cloud frames (docs/SPEC.md §4) on the GPU, every mode
 * (occupancy, count, mean, points) and layout (dense, sparse) of rc_ops.h, with the bits of
 * rc_voxelize_cpu (src/ops/): the voxel of a point is rc_voxel_of and a mean rc_vox_mean_store,
 * both from rc_ops.h.  Test: tests/cuda/test_voxelize_exact.c.
 *
 * Nothing here depends on thread timing: the only atomics are integer adds, whose sum does not
 * depend on their order, and every floating-point sum runs in input order.  Two paths:
 *   - dense occupancy and count ("scatter"): per frame, zero the grid, then one pass over the
 *     points: occupancy stores 1, count adds the warp's points of one voxel with one atomicAdd;
 *   - everything else ("sort"), on a chunk of frames (sparse layouts: as many frames as fit
 *     VOX_CHUNK_POINTS points and the key range; dense mean and points: one frame):
 *       1. vox_key_kernel: key = frame in chunk * cells + dense voxel index, or a sentinel past
 *          them when the point is dropped; value = the point's index in the chunk;
 *       2. CUB stable radix sort of (key, index): each voxel becomes one segment holding its
 *          points in INPUT order, and the segment's first index is its first appearance;
 *       3. vox_head_kernel + CUB inclusive sum number the segments; vox_segment_kernel records
 *          each one's start and first index, and the totals (kept points, voxels);
 *       4. (sparse, points) a second radix sort, of (first index, voxel), gives order[row] =
 *          the voxel of each row in first-appearance order; it sorts all the chunk's entries
 *          (those past the voxel count hold a key past every first index), so its size is
 *          known without reading the totals back; frames are in point order, so each frame's
 *          rows are contiguous;
 *       5. one thread per voxel (dense) or row (sparse, points: consecutive threads write
 *          consecutive rows) writes the output; a mean sums each column over the voxel's
 *          segment in input order in double.
 *     The sparse layouts keep every row of the call on the device and bring them back after
 *     the last chunk: no host synchronisation per frame (a one-frame call zeroes its rows past
 *     the voxel count on the device, so its rows and totals come back together: one
 *     synchronisation).  Points mode sums its drop counts on the device.  Keys are 32-bit when
 *     they fit.
 * Points are copied in on the copy-in stream, double-buffered against the kernel stream. */
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>
#include <string.h>

#include "rc_cuda_check_int.h"
#include "rc_cuda_ctx_int.h"
#include "ops/rc_ops.h"
extern "C" {
#include "common/rc_common.h"
}

#define VOX_THREADS 256
#define VOX_MAX_FRAME (1 << 30)    /* points in one frame */
#define VOX_CHUNK_POINTS (1 << 24) /* sparse layouts: points per chunk (or the largest frame) */
#define VOX_MEAN_COLS 4            /* mean: columns summed per pass over a voxel's points */
#define VOX_MEAN_AHEAD 4           /* mean: points loaded before they are summed */
#define FULL_WARP 0xFFFFFFFFu

typedef struct vox_totals {
    int kept;   /* points inside the grid */
    int voxels; /* non-empty voxels */
    unsigned dropped_points, dropped_voxels; /* points mode: rc_vox_frame's drop counts */
} vox_totals;

/* A chunk: frames [f0, f0 + G) of the call, n points from the call's point base (the chunk's
 * buffer holds them from index 0); off is the call's frame offsets on the device, absolute as
 * the caller gave them, and origin = off[0]. */
typedef struct vox_chunk {
    const int64_t *off;
    int64_t base, origin;
    int f0, G, n;
} vox_chunk;

static int is_scatter(const rc_vox_params *p)
{
    return !p->sparse && (p->mode == RC_VOX_OCCUPANCY || p->mode == RC_VOX_COUNT);
}
static int is_batched(const rc_vox_params *p) { return p->sparse && p->mode != RC_VOX_POINTS; }

/* ---- device helpers ---- */

/* Adds this thread's v to *total: one atomicAdd per block.  Every thread of the block calls it. */
__device__ static void block_add(unsigned v, unsigned *total)
{
    __shared__ unsigned warp_sum[VOX_THREADS / 32];
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(FULL_WARP, v, o);
    if ((threadIdx.x & 31) == 0) warp_sum[threadIdx.x >> 5] = v;
    __syncthreads();
    if (threadIdx.x == 0) {
        unsigned s = 0;
        for (int w = 0; w < VOX_THREADS / 32; w++) s += warp_sum[w];
        if (s) atomicAdd(total, s);
    }
    __syncthreads(); /* warp_sum is read: another block_add may follow */
}

/* The frame of point i (an index in the call's points): the last f < G with off[f] <= i. */
__device__ static int frame_of(const int64_t *off, int G, int64_t i)
{
    int lo = 0, hi = G - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (off[mid] <= i) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

/* The first position in sorted keys [0, n) whose key is >= k. */
template <typename K> __device__ static int lower_bound(const K *key_s, int n, uint64_t k)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if ((uint64_t)key_s[mid] < k) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* x, y, z of point i into q: one 16-byte load when the rows are 4 floats (the buffers are
 * cudaMalloc'd, so 16-byte aligned), else three loads.  Values, not arithmetic: same bits. */
__device__ static void load_xyz(const float *pts, int C, int64_t i, float *q)
{
    if (C == 4) {
        float4 v = __ldg((const float4 *)pts + i);
        q[0] = v.x;
        q[1] = v.y;
        q[2] = v.z;
    } else {
        for (int a = 0; a < 3; a++) q[a] = __ldg(pts + (size_t)i * C + a);
    }
}

/* The voxel of point i as rc_voxel_of gives it. */
__device__ static int voxel_of_point(const float *pts, const rc_vox_params &p, int64_t i, int32_t *ijk,
                                     int64_t *cell)
{
    float q[3];
    load_xyz(pts, p.C, i, q);
    return rc_voxel_of(q, p.min, p.size, p.n, ijk, cell);
}

/* (z, y, x) of dense voxel index cell, as coords are written. */
__device__ static void cell_zyx(uint64_t cell, const rc_vox_params &p, int32_t *zyx)
{
    uint64_t yz = (uint64_t)p.n[1] * (uint64_t)p.n[2];
    zyx[2] = (int32_t)(cell / yz);
    zyx[1] = (int32_t)((cell % yz) / (uint64_t)p.n[2]);
    zyx[0] = (int32_t)(cell % (uint64_t)p.n[2]);
}

/* The voxel's mean row: each column summed over its points [b, e) of the sorted order (input
 * order) in double from 0.0, as rc_voxelize_cpu sums, then rc_vox_mean_store.  Up to
 * VOX_MEAN_COLS columns share one pass over the points, and VOX_MEAN_AHEAD points are loaded
 * before any is added (the loads overlap); each column's sum is still the same sequence of
 * additions, in input order, as a pass of its own. */
__device__ static void voxel_mean(const float *pts, int C, const uint32_t *idx_s, int b, int e, float *out)
{
    for (int c0 = 0; c0 < C; c0 += VOX_MEAN_COLS) {
        int nc = C - c0 < VOX_MEAN_COLS ? C - c0 : VOX_MEAN_COLS;
        double sum[VOX_MEAN_COLS];
#pragma unroll
        for (int k = 0; k < VOX_MEAN_COLS; k++) sum[k] = 0.0;
        int j = b;
        for (; j + VOX_MEAN_AHEAD <= e; j += VOX_MEAN_AHEAD) {
            float v[VOX_MEAN_AHEAD][VOX_MEAN_COLS];
#pragma unroll
            for (int u = 0; u < VOX_MEAN_AHEAD; u++) {
                const float *q = pts + (size_t)idx_s[j + u] * C + c0;
#pragma unroll
                for (int k = 0; k < VOX_MEAN_COLS; k++) v[u][k] = k < nc ? __ldg(q + k) : 0.0f;
            }
#pragma unroll
            for (int u = 0; u < VOX_MEAN_AHEAD; u++)
#pragma unroll
                for (int k = 0; k < VOX_MEAN_COLS; k++)
                    if (k < nc) sum[k] += (double)v[u][k];
        }
        for (; j < e; j++) {
            const float *q = pts + (size_t)idx_s[j] * C + c0;
#pragma unroll
            for (int k = 0; k < VOX_MEAN_COLS; k++)
                if (k < nc) sum[k] += (double)__ldg(q + k);
        }
#pragma unroll
        for (int k = 0; k < VOX_MEAN_COLS; k++)
            if (k < nc) rc_vox_mean_store(out + c0 + k, sum[k], (uint32_t)(e - b));
    }
}

/* ---- scatter path: dense occupancy and count ---- */

/* One pass over a frame's points into the zeroed grid; *kept += points inside the grid.  The
 * loop runs warp by warp (base is the same in a warp) so every lane joins __match_any_sync. */
__global__ void vox_scatter_kernel(const float *pts, int N, rc_vox_params p, void *grid, unsigned *kept)
{
    unsigned mine = 0;
    int lane = threadIdx.x & 31;
    for (int base = blockIdx.x * blockDim.x + (threadIdx.x & ~31); base < N; base += gridDim.x * blockDim.x) {
        int i = base + lane, ijk[3];
        int64_t cell = 0;
        int in = i < N && voxel_of_point(pts, p, i, ijk, &cell);
        mine += (unsigned)in;
        if (p.mode == RC_VOX_OCCUPANCY) {
            if (in) ((uint8_t *)grid)[cell] = 1;
        } else { /* count: one atomicAdd per distinct voxel of the warp */
            unsigned same = __match_any_sync(FULL_WARP, in ? (unsigned long long)cell : ~0ull);
            if (in && lane == __ffs(same) - 1) atomicAdd((unsigned *)grid + cell, (unsigned)__popc(same));
        }
    }
    block_add(mine, kept);
}

/* ---- sort path ---- */

/* Step 1.  The sentinel G * cells sorts after every kept point. */
template <typename K>
__global__ void vox_key_kernel(const float *pts, vox_chunk ch, rc_vox_params p, uint64_t cells, K *key,
                               uint32_t *idx)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < ch.n; i += gridDim.x * blockDim.x) {
        int32_t ijk[3];
        int64_t cell;
        uint64_t f = ch.G > 1 ? (uint64_t)frame_of(ch.off + ch.f0, ch.G, ch.base + i) : 0;
        key[i] = (K)(voxel_of_point(pts, p, i, ijk, &cell) ? f * cells + (uint64_t)cell : (uint64_t)ch.G * cells);
        idx[i] = (uint32_t)i;
    }
}

template <typename K>
__global__ void vox_head_kernel(const K *key_s, int n, K sentinel, int *head)
{
    for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < n; j += gridDim.x * blockDim.x)
        head[j] = key_s[j] != sentinel && (j == 0 || key_s[j] != key_s[j - 1]);
}

/* seg[j] = heads in [0, j]; segment s = seg[j] - 1 starts at its head j. */
template <typename K>
__global__ void vox_segment_kernel(const K *key_s, const uint32_t *idx_s, const int *head, const int *seg, int n,
                                   K sentinel, int *start, uint32_t *first, vox_totals *tot)
{
    for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < n; j += gridDim.x * blockDim.x) {
        if (head[j]) {
            start[seg[j] - 1] = j;
            first[seg[j] - 1] = idx_s[j];
        }
        if (key_s[j] != sentinel && (j == n - 1 || key_s[j + 1] == sentinel)) {
            tot->kept = j + 1;
            tot->voxels = seg[j];
        }
    }
}

/* Step 5, sparse layouts: row r of the chunk (row rows0 + r of the call's rows) from voxel
 * order[r]: coords z, y, x and the value; per frame f of the chunk, its rows [vb, ve) (the
 * voxels whose first point lies in the frame: first_s is sorted) and kept points. */
template <typename K>
__global__ void vox_rows_kernel(const float *pts, vox_chunk ch, rc_vox_params p, uint64_t cells, const K *key_s,
                                const uint32_t *idx_s, const int *start, const uint32_t *order,
                                const uint32_t *first_s, const vox_totals *tot, int32_t *coords, void *values,
                                int64_t *vb, int64_t *ve, unsigned *kept)
{
    int64_t rows0 = ch.base - ch.origin;
    int V = tot->voxels, K_pts = tot->kept;
    for (int q = blockIdx.x * blockDim.x + threadIdx.x; q < V; q += gridDim.x * blockDim.x) {
        int s = (int)order[q], b = start[s], e = s + 1 < V ? start[s + 1] : K_pts;
        int64_t r = rows0 + q;
        cell_zyx((uint64_t)key_s[b] % cells, p, coords + r * 3);
        if (p.mode == RC_VOX_OCCUPANCY) ((uint8_t *)values)[r] = 1;
        else if (p.mode == RC_VOX_COUNT) ((uint32_t *)values)[r] = (uint32_t)(e - b);
        else voxel_mean(pts, p.C, idx_s, b, e, (float *)values + r * p.C);
    }
    for (int f = blockIdx.x * blockDim.x + threadIdx.x; f < ch.G; f += gridDim.x * blockDim.x) {
        vb[ch.f0 + f] = rows0 + lower_bound(first_s, V, (uint64_t)(ch.off[ch.f0 + f] - ch.base));
        ve[ch.f0 + f] = rows0 + lower_bound(first_s, V, (uint64_t)(ch.off[ch.f0 + f + 1] - ch.base));
        kept[ch.f0 + f] = (unsigned)(lower_bound(key_s, K_pts, (uint64_t)(f + 1) * cells) -
                                     lower_bound(key_s, K_pts, (uint64_t)f * cells));
    }
}

/* After step 5 of a one-frame sparse call: its rows from the voxel count V to its point count n
 * zeroed on the device (rc_voxelize_cpu leaves the caller's rows past V zero), so the frame's
 * whole buffers come back in one copy, with no round trip to learn V first. */
__global__ void vox_tail_kernel(const vox_totals *tot, int n, int64_t elem, int32_t *coords, uint8_t *values)
{
    int64_t V = tot->voxels, stride = (int64_t)gridDim.x * blockDim.x;
    int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    for (int64_t i = V * 3 + t; i < (int64_t)n * 3; i += stride) coords[i] = 0;
    for (int64_t i = V * elem + t; i < (int64_t)n * elem; i += stride) values[i] = 0;
}

/* Step 5, dense mean of one frame: one thread per voxel (any order: each writes its own cells). */
template <typename K>
__global__ void vox_mean_dense_kernel(const float *pts, rc_vox_params p, const K *key_s, const uint32_t *idx_s,
                                      const int *start, const vox_totals *tot, float *dense)
{
    int V = tot->voxels;
    for (int s = blockIdx.x * blockDim.x + threadIdx.x; s < V; s += gridDim.x * blockDim.x) {
        int b = start[s], e = s + 1 < V ? start[s + 1] : tot->kept;
        voxel_mean(pts, p.C, idx_s, b, e, dense + (uint64_t)key_s[b] * (uint64_t)p.C);
    }
}

/* Step 5, points mode of one frame: ranks below max_voxels (rank r: voxel order[r]) write coords,
 * num_points and their first max_points points in input order into the zeroed voxels buffer;
 * their points past max_points, and every point of the ranks from max_voxels on, are added to
 * the drop counts in tot (integer sums: the order of the adds does not matter). */
template <typename K>
__global__ void vox_points_kernel(const float *pts, rc_vox_params p, const K *key_s, const uint32_t *idx_s,
                                  const int *start, const uint32_t *order, vox_totals *tot, int32_t *coords,
                                  float *voxels, int32_t *num_points)
{
    int V = tot->voxels;
    unsigned past_points = 0, past_voxels = 0;
    for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < V; r += gridDim.x * blockDim.x) {
        int s = (int)order[r], b = start[s], e = s + 1 < V ? start[s + 1] : tot->kept;
        if (r >= p.max_voxels) {
            past_voxels += (unsigned)(e - b);
            continue;
        }
        int np = e - b < p.max_points ? e - b : p.max_points;
        past_points += (unsigned)(e - b - np);
        cell_zyx((uint64_t)key_s[b], p, coords + (size_t)r * 3);
        num_points[r] = np;
        float *row = voxels + (size_t)r * p.max_points * p.C;
        for (int j = 0; j < np; j++)
            for (int c = 0; c < p.C; c++)
                row[(size_t)j * p.C + c] = pts[(size_t)idx_s[b + j] * p.C + c];
    }
    block_add(past_points, &tot->dropped_points);
    block_add(past_voxels, &tot->dropped_voxels);
}

/* ---- buffers ---- */

/* Device buffers of one path, for chunks of up to cap points and (sparse layouts) calls of up
 * to rows_cap points and frames_cap frames; unused ones stay NULL. */
typedef struct vox_bufs {
    int cap;
    int64_t rows_cap, frames_cap;
    float *pts_db[2];          /* chunk c's points in pts_db[c % 2] */
    void *dense;               /* dense layouts: the grid */
    int32_t *coords;           /* sparse: [rows_cap, 3]; points: [max_voxels, 3] */
    void *values;              /* sparse: [rows_cap] or [rows_cap, C] */
    float *voxels;             /* points: [max_voxels, max_points, C] */
    int32_t *num_points;       /* points: [max_voxels] */
    unsigned *kept;            /* scatter: [1]; sparse: [frames_cap] */
    int64_t *off;              /* sparse: [frames_cap + 1], the call's frame offsets */
    int64_t *vb, *ve;          /* sparse: [frames_cap], each frame's rows */
    void *key, *key_s;         /* sort: [cap] of K */
    uint32_t *idx, *idx_s;     /* [cap] */
    int *head, *seg, *start;   /* [cap] */
    uint32_t *first, *first_s; /* [cap] */
    uint32_t *order;           /* [cap] */
    vox_totals *tot;
    void *cub_tmp;
    size_t cub_bytes;
    size_t dense_bytes, coords_bytes, values_bytes, voxels_bytes, np_bytes;
} vox_bufs;

static void bufs_free(vox_bufs *b)
{
    void *all[] = {b->pts_db[0], b->pts_db[1], b->dense, b->coords, b->values, b->voxels, b->num_points,
                   b->kept, b->off, b->vb, b->ve, b->key, b->key_s, b->idx, b->idx_s, b->head, b->seg,
                   b->start, b->first, b->first_s, b->order, b->tot, b->cub_tmp};
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

static size_t elem_size(const rc_vox_params *p)
{
    return p->mode == RC_VOX_OCCUPANCY ? 1 : p->mode == RC_VOX_COUNT ? 4 : 4 * (size_t)p->C;
}

/* Output sizes for p's mode and layout: one frame (dense, points) or rows_cap rows (sparse). */
static void output_sizes(const rc_vox_params *p, int64_t rows_cap, uint64_t cells, vox_bufs *b)
{
    size_t elem = elem_size(p);
    b->dense_bytes = b->coords_bytes = b->values_bytes = b->voxels_bytes = b->np_bytes = 0;
    if (p->mode == RC_VOX_POINTS) {
        b->coords_bytes = (size_t)p->max_voxels * 3 * sizeof(int32_t);
        b->voxels_bytes = (size_t)p->max_voxels * (size_t)p->max_points * (size_t)p->C * sizeof(float);
        b->np_bytes = (size_t)p->max_voxels * sizeof(int32_t);
    } else if (p->sparse) {
        b->coords_bytes = (size_t)rows_cap * 3 * sizeof(int32_t);
        b->values_bytes = (size_t)rows_cap * elem;
    } else {
        b->dense_bytes = (size_t)cells * elem;
    }
}

/* Sort keys: 32 bits when every key of a one-frame chunk and its sentinel (= cells) fit. */
static int keys_32(uint64_t cells) { return cells <= 0xFFFFFFFFull; }

/* cudaMalloc of 0 bytes gives no pointer; empty outputs still get one byte. */
static size_t at_least_1(size_t n) { return n ? n : 1; }
#define DEV_ALLOC(ptr, bytes)                                                                  \
    RC_CUDA_TRY(cudaMalloc((void **)&(ptr), at_least_1(bytes)), err, "rc_cuda_voxelize buffers")

template <typename K> static rc_status sort_alloc(vox_bufs *b, size_t n, cudaStream_t s, rc_err *err)
{
    rc_status st = RC_OK;
    size_t t1 = 0, t2 = 0, t3 = 0;
    DEV_ALLOC(b->key, n * sizeof(K));
    DEV_ALLOC(b->key_s, n * sizeof(K));
    DEV_ALLOC(b->idx, n * sizeof(uint32_t));
    DEV_ALLOC(b->idx_s, n * sizeof(uint32_t));
    DEV_ALLOC(b->head, n * sizeof(int));
    DEV_ALLOC(b->seg, n * sizeof(int));
    DEV_ALLOC(b->start, n * sizeof(int));
    DEV_ALLOC(b->first, n * sizeof(uint32_t));
    DEV_ALLOC(b->first_s, n * sizeof(uint32_t));
    DEV_ALLOC(b->order, n * sizeof(uint32_t));
    DEV_ALLOC(b->tot, sizeof(vox_totals));
    /* CUB's scratch: the largest of the three device-wide calls */
    RC_CUDA_TRY(cub::DeviceRadixSort::SortPairs(NULL, t1, (K *)b->key, (K *)b->key_s, b->idx, b->idx_s, (int)n, 0,
                                                (int)(8 * sizeof(K)), s), err, "sizing cub::DeviceRadixSort");
    RC_CUDA_TRY(cub::DeviceScan::InclusiveSum(NULL, t2, b->head, b->seg, (int)n, s), err, "sizing cub::DeviceScan");
    RC_CUDA_TRY(cub::DeviceRadixSort::SortPairs(NULL, t3, b->first, b->first_s, b->idx, b->order, (int)n, 0, 32, s),
                err, "sizing cub::DeviceRadixSort (order)");
    b->cub_bytes = t1 > t2 ? t1 : t2;
    if (t3 > b->cub_bytes) b->cub_bytes = t3;
    DEV_ALLOC(b->cub_tmp, b->cub_bytes);
done:
    return st;
}

static rc_status bufs_alloc(vox_bufs *b, const rc_vox_params *p, int cap, uint64_t cells, cudaStream_t s,
                            rc_err *err)
{
    rc_status st = RC_OK;
    size_t n = (size_t)cap, frames = (size_t)b->frames_cap;
    b->cap = cap;
    DEV_ALLOC(b->pts_db[0], n * (size_t)p->C * sizeof(float));
    DEV_ALLOC(b->pts_db[1], n * (size_t)p->C * sizeof(float));
    output_sizes(p, b->rows_cap, cells, b);
    DEV_ALLOC(b->dense, b->dense_bytes);
    DEV_ALLOC(b->coords, b->coords_bytes);
    DEV_ALLOC(b->values, b->values_bytes);
    DEV_ALLOC(b->voxels, b->voxels_bytes);
    DEV_ALLOC(b->num_points, b->np_bytes);
    DEV_ALLOC(b->kept, frames * sizeof(unsigned));
    if (is_scatter(p)) return RC_OK;
    if (is_batched(p)) {
        DEV_ALLOC(b->off, (frames + 1) * sizeof(int64_t));
        DEV_ALLOC(b->vb, frames * sizeof(int64_t));
        DEV_ALLOC(b->ve, frames * sizeof(int64_t));
    }
    if (keys_32(cells)) RC_TRY(sort_alloc<uint32_t>(b, n, s, err));
    else RC_TRY(sort_alloc<uint64_t>(b, n, s, err));
done:
    return st;
}

/* ---- scatter path, per frame ---- */

/* Dense occupancy or count of one frame on the device into fr. */
static rc_status scatter_frame(vox_bufs *b, const float *pts, const rc_vox_params *p, int N, cudaStream_t s,
                               rc_vox_frame *fr, rc_err *err)
{
    rc_status st = RC_OK;
    unsigned kept = 0;
    RC_CUDA_TRY(cudaMemsetAsync(b->dense, 0, b->dense_bytes, s), err, "rc_cuda_voxelize");
    RC_CUDA_TRY(cudaMemsetAsync(b->kept, 0, sizeof(unsigned), s), err, "rc_cuda_voxelize");
    if (N > 0) {
        vox_scatter_kernel<<<rc_cuda_blocks(N, VOX_THREADS), VOX_THREADS, 0, s>>>(pts, N, *p, b->dense, b->kept);
        RC_CUDA_LAUNCHED(vox_scatter_kernel, err);
    }
    RC_CUDA_TRY(cudaMemcpyAsync(fr->dense, b->dense, b->dense_bytes, cudaMemcpyDeviceToHost, s), err,
                "rc_cuda_voxelize: copying the dense grid back");
    RC_CUDA_TRY(cudaMemcpyAsync(&kept, b->kept, sizeof kept, cudaMemcpyDeviceToHost, s), err,
                "rc_cuda_voxelize: copying the kept count back");
    RC_CUDA_TRY(cudaStreamSynchronize(s), err, "vox_scatter_kernel (run and copy back)");
    fr->dropped_range = N - (int64_t)kept;
    fr->dropped_points = fr->dropped_voxels = 0;
    fr->n_voxels = 0; /* dense layouts report no voxel count (rc_ops.h) */
done:
    return st;
}

/* ---- sort path, per chunk ---- */

/* Steps 1-3 (and 4 when ordered) of a chunk, queued on s; no host synchronisation. */
template <typename K>
static rc_status sort_segments(vox_bufs *b, const float *pts, const rc_vox_params *p, const vox_chunk *ch,
                               uint64_t cells, int ordered, cudaStream_t s, rc_err *err)
{
    rc_status st = RC_OK;
    unsigned blocks = rc_cuda_blocks(ch->n, VOX_THREADS);
    size_t tb = b->cub_bytes;
    uint64_t sentinel = (uint64_t)ch->G * cells;
    K *key = (K *)b->key, *key_s = (K *)b->key_s;

    RC_CUDA_TRY(cudaMemsetAsync(b->tot, 0, sizeof *b->tot, s), err, "rc_cuda_voxelize");
    /* entries past the voxel count keep a first index past every point: last in the order */
    if (ordered) RC_CUDA_TRY(cudaMemsetAsync(b->first, 0xFF, (size_t)ch->n * sizeof(uint32_t), s), err,
                             "rc_cuda_voxelize");
    if (ch->n > 0) {
        vox_key_kernel<K><<<blocks, VOX_THREADS, 0, s>>>(pts, *ch, *p, cells, key, b->idx);
        RC_CUDA_LAUNCHED(vox_key_kernel, err);
        RC_CUDA_TRY(cub::DeviceRadixSort::SortPairs(b->cub_tmp, tb, key, key_s, b->idx, b->idx_s, ch->n, 0,
                                                    bit_length(sentinel), s), err, "cub::DeviceRadixSort (voxels)");
        vox_head_kernel<K><<<blocks, VOX_THREADS, 0, s>>>(key_s, ch->n, (K)sentinel, b->head);
        RC_CUDA_LAUNCHED(vox_head_kernel, err);
        tb = b->cub_bytes;
        RC_CUDA_TRY(cub::DeviceScan::InclusiveSum(b->cub_tmp, tb, b->head, b->seg, ch->n, s), err,
                    "cub::DeviceScan (voxel numbering)");
        vox_segment_kernel<K><<<blocks, VOX_THREADS, 0, s>>>(key_s, b->idx_s, b->head, b->seg, ch->n, (K)sentinel,
                                                             b->start, b->first, b->tot);
        RC_CUDA_LAUNCHED(vox_segment_kernel, err);
    }
    if (ordered && ch->n > 0) { /* idx still holds 0, 1, ...: the voxel numbers */
        tb = b->cub_bytes;
        RC_CUDA_TRY(cub::DeviceRadixSort::SortPairs(b->cub_tmp, tb, b->first, b->first_s, b->idx, b->order, ch->n, 0,
                                                    bit_length((uint64_t)ch->n), s),
                    err, "cub::DeviceRadixSort (first appearance)");
    }
done:
    return st;
}

/* Sparse layouts: the chunk's rows into the call's rows on the device; no host synchronisation. */
template <typename K>
static rc_status sparse_chunk(vox_bufs *b, const float *pts, const rc_vox_params *p, const vox_chunk *ch,
                              uint64_t cells, cudaStream_t s, rc_err *err)
{
    rc_status st = RC_OK;
    RC_TRY(sort_segments<K>(b, pts, p, ch, cells, 1, s, err));
    vox_rows_kernel<K><<<rc_cuda_blocks(ch->n > ch->G ? ch->n : ch->G, VOX_THREADS), VOX_THREADS, 0, s>>>(
        pts, *ch, *p, cells, (const K *)b->key_s, b->idx_s, b->start, b->order, b->first_s, b->tot, b->coords,
        b->values, b->vb, b->ve, b->kept);
    RC_CUDA_LAUNCHED(vox_rows_kernel, err);
done:
    return st;
}

/* sparse_finish of a one-frame call (its rows start at row 0): the rows past its voxel count
 * zeroed on the device, then its rows, row range and kept count back with one synchronisation. */
static rc_status sparse_finish_one(vox_bufs *b, const rc_vox_params *p, const int64_t *offsets, cudaStream_t s,
                                   rc_vox_frame *fr, rc_err *err)
{
    rc_status st = RC_OK;
    size_t elem = elem_size(p), N = (size_t)(offsets[1] - offsets[0]);
    int64_t vb = 0, ve = 0;
    unsigned kept = 0;
    if (N) {
        vox_tail_kernel<<<rc_cuda_blocks((int64_t)N, VOX_THREADS), VOX_THREADS, 0, s>>>(
            b->tot, (int)N, (int64_t)elem, b->coords, (uint8_t *)b->values);
        RC_CUDA_LAUNCHED(vox_tail_kernel, err);
        RC_CUDA_TRY(cudaMemcpyAsync(fr->coords, b->coords, N * 3 * sizeof(int32_t), cudaMemcpyDeviceToHost, s), err,
                    "rc_cuda_voxelize: copying coords back");
        RC_CUDA_TRY(cudaMemcpyAsync(fr->values, b->values, N * elem, cudaMemcpyDeviceToHost, s), err,
                    "rc_cuda_voxelize: copying values back");
    }
    RC_CUDA_TRY(cudaMemcpyAsync(&vb, b->vb, sizeof vb, cudaMemcpyDeviceToHost, s), err, "rc_cuda_voxelize: frame rows");
    RC_CUDA_TRY(cudaMemcpyAsync(&ve, b->ve, sizeof ve, cudaMemcpyDeviceToHost, s), err, "rc_cuda_voxelize: frame rows");
    RC_CUDA_TRY(cudaMemcpyAsync(&kept, b->kept, sizeof kept, cudaMemcpyDeviceToHost, s), err,
                "rc_cuda_voxelize: kept counts");
    RC_CUDA_TRY(cudaStreamSynchronize(s), err, "vox_key/vox_head/vox_segment/vox_rows/vox_tail kernels");
    fr->n_voxels = ve - vb;
    fr->dropped_range = (int64_t)N - kept;
    fr->dropped_points = fr->dropped_voxels = 0;
done:
    return st;
}

/* After the last chunk of a sparse call: each frame's counts and rows back into frames. */
static rc_status sparse_finish(vox_bufs *b, const rc_vox_params *p, const int64_t *offsets, int64_t F,
                               cudaStream_t s, rc_vox_frame *frames, rc_err *err)
{
    rc_status st = RC_OK;
    size_t elem = elem_size(p), nf = (size_t)F;
    int64_t *vb = (int64_t *)rc_malloc(2 * nf * sizeof(int64_t)), *ve = vb ? vb + nf : NULL;
    unsigned *kept = (unsigned *)rc_malloc(nf * sizeof(unsigned));
    RC_FAIL_IF(!vb || !kept, err, RC_E_NOMEM, "out of memory for %lld frame summaries", (long long)F);
    RC_CUDA_TRY(cudaMemcpyAsync(vb, b->vb, nf * sizeof(int64_t), cudaMemcpyDeviceToHost, s), err,
                "rc_cuda_voxelize: frame rows");
    RC_CUDA_TRY(cudaMemcpyAsync(ve, b->ve, nf * sizeof(int64_t), cudaMemcpyDeviceToHost, s), err,
                "rc_cuda_voxelize: frame rows");
    RC_CUDA_TRY(cudaMemcpyAsync(kept, b->kept, nf * sizeof(unsigned), cudaMemcpyDeviceToHost, s), err,
                "rc_cuda_voxelize: kept counts");
    RC_CUDA_TRY(cudaStreamSynchronize(s), err, "vox_key/vox_head/vox_segment/vox_rows kernels");
    for (int64_t f = 0; f < F; f++) {
        size_t V = (size_t)(ve[f] - vb[f]);
        if (!V) continue;
        RC_CUDA_TRY(cudaMemcpyAsync(frames[f].coords, b->coords + vb[f] * 3, V * 3 * sizeof(int32_t),
                                    cudaMemcpyDeviceToHost, s), err, "rc_cuda_voxelize: copying coords back");
        RC_CUDA_TRY(cudaMemcpyAsync(frames[f].values, (char *)b->values + (size_t)vb[f] * elem, V * elem,
                                    cudaMemcpyDeviceToHost, s), err, "rc_cuda_voxelize: copying values back");
    }
    RC_CUDA_TRY(cudaStreamSynchronize(s), err, "rc_cuda_voxelize: copying rows back");
    for (int64_t f = 0; f < F; f++) {
        rc_vox_frame *fr = &frames[f];
        size_t N = (size_t)(offsets[f + 1] - offsets[f]), V = (size_t)(ve[f] - vb[f]);
        /* rows V .. N of the caller's buffers are zero, as rc_voxelize_cpu leaves them */
        memset(fr->coords + V * 3, 0, (N - V) * 3 * sizeof(int32_t));
        memset((char *)fr->values + V * elem, 0, (N - V) * elem);
        fr->n_voxels = (int64_t)V;
        fr->dropped_range = (int64_t)N - kept[f];
        fr->dropped_points = fr->dropped_voxels = 0;
    }
done:
    rc_free(vb);
    rc_free(kept);
    return st;
}

/* Dense mean of one frame (a chunk of one frame) into fr. */
template <typename K>
static rc_status mean_dense_frame(vox_bufs *b, const float *pts, const rc_vox_params *p, const vox_chunk *ch,
                                  uint64_t cells, cudaStream_t s, rc_vox_frame *fr, rc_err *err)
{
    rc_status st = RC_OK;
    vox_totals tot;
    RC_TRY(sort_segments<K>(b, pts, p, ch, cells, 0, s, err));
    RC_CUDA_TRY(cudaMemsetAsync(b->dense, 0, b->dense_bytes, s), err, "rc_cuda_voxelize");
    if (ch->n > 0) {
        vox_mean_dense_kernel<K><<<rc_cuda_blocks(ch->n, VOX_THREADS), VOX_THREADS, 0, s>>>(
            pts, *p, (const K *)b->key_s, b->idx_s, b->start, b->tot, (float *)b->dense);
        RC_CUDA_LAUNCHED(vox_mean_dense_kernel, err);
    }
    RC_CUDA_TRY(cudaMemcpyAsync(fr->dense, b->dense, b->dense_bytes, cudaMemcpyDeviceToHost, s), err,
                "rc_cuda_voxelize: copying the dense grid back");
    RC_CUDA_TRY(cudaMemcpyAsync(&tot, b->tot, sizeof tot, cudaMemcpyDeviceToHost, s), err,
                "rc_cuda_voxelize: frame totals");
    RC_CUDA_TRY(cudaStreamSynchronize(s), err, "vox_mean_dense_kernel (run and copy back)");
    fr->dropped_range = ch->n - tot.kept;
    fr->dropped_points = fr->dropped_voxels = 0;
    fr->n_voxels = 0; /* dense layouts report no voxel count (rc_ops.h) */
done:
    return st;
}

/* Points mode of one frame (a chunk of one frame) into fr: one synchronisation, after the
 * buffers and the totals (drop counts included) came back. */
template <typename K>
static rc_status points_frame(vox_bufs *b, const float *pts, const rc_vox_params *p, const vox_chunk *ch,
                              uint64_t cells, cudaStream_t s, rc_vox_frame *fr, rc_err *err)
{
    rc_status st = RC_OK;
    vox_totals tot;
    RC_TRY(sort_segments<K>(b, pts, p, ch, cells, 1, s, err));
    RC_CUDA_TRY(cudaMemsetAsync(b->coords, 0, b->coords_bytes, s), err, "rc_cuda_voxelize");
    RC_CUDA_TRY(cudaMemsetAsync(b->voxels, 0, b->voxels_bytes, s), err, "rc_cuda_voxelize");
    RC_CUDA_TRY(cudaMemsetAsync(b->num_points, 0, b->np_bytes, s), err, "rc_cuda_voxelize");
    if (ch->n > 0) {
        vox_points_kernel<K><<<rc_cuda_blocks(ch->n, VOX_THREADS), VOX_THREADS, 0, s>>>(
            pts, *p, (const K *)b->key_s, b->idx_s, b->start, b->order, b->tot, b->coords, b->voxels,
            b->num_points);
        RC_CUDA_LAUNCHED(vox_points_kernel, err);
    }
    if (b->coords_bytes)
        RC_CUDA_TRY(cudaMemcpyAsync(fr->coords, b->coords, b->coords_bytes, cudaMemcpyDeviceToHost, s), err,
                    "rc_cuda_voxelize: copying coords back");
    if (b->voxels_bytes)
        RC_CUDA_TRY(cudaMemcpyAsync(fr->voxels, b->voxels, b->voxels_bytes, cudaMemcpyDeviceToHost, s), err,
                    "rc_cuda_voxelize: copying voxels back");
    if (b->np_bytes)
        RC_CUDA_TRY(cudaMemcpyAsync(fr->num_points, b->num_points, b->np_bytes, cudaMemcpyDeviceToHost, s), err,
                    "rc_cuda_voxelize: copying num_points back");
    RC_CUDA_TRY(cudaMemcpyAsync(&tot, b->tot, sizeof tot, cudaMemcpyDeviceToHost, s), err,
                "rc_cuda_voxelize: frame totals");
    RC_CUDA_TRY(cudaStreamSynchronize(s), err, "vox_points_kernel (run and copy back)");
    fr->dropped_range = ch->n - tot.kept;
    fr->dropped_points = tot.dropped_points;
    fr->dropped_voxels = tot.dropped_voxels;
    fr->n_voxels = tot.voxels < p->max_voxels ? tot.voxels : p->max_voxels;
done:
    return st;
}

/* One chunk of the sort path. */
template <typename K>
static rc_status sort_chunk(vox_bufs *b, const float *pts, const rc_vox_params *p, const vox_chunk *ch,
                            uint64_t cells, cudaStream_t s, rc_vox_frame *frames, rc_err *err)
{
    if (is_batched(p)) return sparse_chunk<K>(b, pts, p, ch, cells, s, err);
    if (p->mode == RC_VOX_POINTS) return points_frame<K>(b, pts, p, ch, cells, s, &frames[ch->f0], err);
    return mean_dense_frame<K>(b, pts, p, ch, cells, s, &frames[ch->f0], err);
}

/* ---- launcher ---- */

/* Checks what rc_vox_params_init guarantees, and the frame offsets; returns the grid's cell
 * count in *cells and the largest frame in *n_max. */
static rc_status vox_check(const rc_vox_params *p, const int64_t *offsets, int64_t F, uint64_t *cells,
                           int *n_max, rc_err *err)
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
 * the same and the call fits. */
struct vox_cache {
    vox_bufs b;
    uint64_t cells;
    int C, mode, sparse, max_points, max_voxels;
    cudaEvent_t in[2];   /* chunk points copied into pts_db[k] */
    cudaEvent_t done[2]; /* the kernels reading pts_db[k] have run */
};

void rc_vox_cache_free(rc_cuda *c)
{
    if (!c->vox) return;
    bufs_free(&c->vox->b);
    for (int k = 0; k < 2; k++) {
        if (c->vox->in[k]) cudaEventDestroy(c->vox->in[k]);
        if (c->vox->done[k]) cudaEventDestroy(c->vox->done[k]);
    }
    rc_free(c->vox);
    c->vox = NULL;
}

/* c->vox holding buffers for p with chunks of up to cap points and calls of up to rows points
 * and F frames. */
static rc_status vox_cache_get(rc_cuda *c, const rc_vox_params *p, int cap, int64_t rows, int64_t F,
                               uint64_t cells, rc_err *err)
{
    rc_status st = RC_OK;
    struct vox_cache *v = c->vox;
    if (v && v->b.cap >= cap && v->b.rows_cap >= rows && v->b.frames_cap >= F && v->cells == cells &&
        v->C == p->C && v->mode == (int)p->mode && v->sparse == p->sparse && v->max_points == p->max_points &&
        v->max_voxels == p->max_voxels)
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
    v->b.rows_cap = rows;
    v->b.frames_cap = F;
    for (int k = 0; k < 2; k++) {
        RC_CUDA_TRY(cudaEventCreateWithFlags(&v->in[k], cudaEventDisableTiming), err, "rc_cuda_voxelize");
        RC_CUDA_TRY(cudaEventCreateWithFlags(&v->done[k], cudaEventDisableTiming), err, "rc_cuda_voxelize");
    }
    RC_TRY(bufs_alloc(&v->b, p, cap, cells, c->stream, err));
done:
    return st;
}

/* The end of the chunk starting at frame f0: one frame, or (sparse layouts) as many frames as
 * fit in cap points and in the key range (G * cells within the sort key type). */
static int64_t chunk_end(const rc_vox_params *p, const int64_t *offsets, int64_t F, int64_t f0, int cap,
                         uint64_t cells)
{
    int64_t f1 = f0 + 1;
    uint64_t max_g = (keys_32(cells) ? 0xFFFFFFFFull : UINT64_MAX) / cells;
    if (!is_batched(p)) return f1;
    while (f1 < F && (uint64_t)(f1 + 1 - f0) <= max_g && offsets[f1 + 1] - offsets[f0] <= cap) f1++;
    return f1;
}

/* Queues the points of frames [f0, f1) into pts_db[k] on the copy-in stream, once the kernels
 * of the chunk that used the buffer before have run. */
static rc_status copy_in(rc_cuda *c, const rc_vox_params *p, const float *points, const int64_t *offsets,
                         int64_t f0, int64_t f1, int k, rc_err *err)
{
    rc_status st = RC_OK;
    struct vox_cache *v = c->vox;
    size_t n = (size_t)(offsets[f1] - offsets[f0]);
    RC_CUDA_TRY(cudaStreamWaitEvent(c->h2d, v->done[k], 0), err, "rc_cuda_voxelize");
    if (n)
        RC_CUDA_TRY(cudaMemcpyAsync(v->b.pts_db[k], points + (size_t)offsets[f0] * (size_t)p->C,
                                    n * (size_t)p->C * sizeof(float), cudaMemcpyHostToDevice, c->h2d),
                    err, "rc_cuda_voxelize: copying points");
    RC_CUDA_TRY(cudaEventRecord(v->in[k], c->h2d), err, "rc_cuda_voxelize");
done:
    return st;
}

/* Chunk by chunk on the kernel stream; chunk k + 1's points are copied in on the copy-in
 * stream while chunk k's kernels run.  Dense layouts and points mode bring each frame back
 * before the next (it reuses the output buffers); the sparse layouts keep every frame's rows
 * on the device and bring them back after the last chunk. */
extern "C" rc_status rc_cuda_voxelize(rc_cuda *c, const rc_vox_params *p, const float *points,
                                      const int64_t *offsets, int64_t F, rc_vox_frame *frames, rc_err *err)
{
    rc_status st = RC_OK;
    uint64_t cells = 0;
    int n_max = 0, cap, k = 0;
    int64_t f0, f1, next, total, rows = 0;
    cudaStream_t s = c->stream;
    vox_bufs *b;

    if (F <= 0) return RC_OK;
    RC_TRY(vox_check(p, offsets, F, &cells, &n_max, err));
    total = offsets[F] - offsets[0];
    cap = n_max > 0 ? n_max : 1;
    if (is_batched(p)) {
        if (total > cap) cap = (int)(total < VOX_CHUNK_POINTS ? total : cap > VOX_CHUNK_POINTS ? cap : VOX_CHUNK_POINTS);
        rows = total > 0 ? total : 1;
    }
    RC_CUDA_TRY(cudaSetDevice(c->device), err, "rc_cuda_voxelize");
    RC_TRY(vox_cache_get(c, p, cap, rows, is_batched(p) ? F : 1, cells, err));
    b = &c->vox->b;
    if (is_batched(p))
        RC_CUDA_TRY(cudaMemcpyAsync(b->off, offsets, (size_t)(F + 1) * sizeof(int64_t), cudaMemcpyHostToDevice, s),
                    err, "rc_cuda_voxelize: frame offsets");
    f1 = chunk_end(p, offsets, F, 0, cap, cells);
    RC_TRY(copy_in(c, p, points, offsets, 0, f1, 0, err));
    for (f0 = 0; f0 < F; f0 = f1, f1 = next, k ^= 1) {
        const float *pts = b->pts_db[k];
        vox_chunk ch = {b->off, offsets[f0], offsets[0], (int)f0, (int)(f1 - f0), (int)(offsets[f1] - offsets[f0])};
        next = f1 < F ? chunk_end(p, offsets, F, f1, cap, cells) : F;
        if (f1 < F) RC_TRY(copy_in(c, p, points, offsets, f1, next, k ^ 1, err));
        RC_CUDA_TRY(cudaStreamWaitEvent(s, c->vox->in[k], 0), err, "rc_cuda_voxelize");
        if (is_scatter(p)) RC_TRY(scatter_frame(b, pts, p, ch.n, s, &frames[f0], err));
        else if (keys_32(cells)) RC_TRY(sort_chunk<uint32_t>(b, pts, p, &ch, cells, s, frames, err));
        else RC_TRY(sort_chunk<uint64_t>(b, pts, p, &ch, cells, s, frames, err));
        RC_CUDA_TRY(cudaEventRecord(c->vox->done[k], s), err, "rc_cuda_voxelize");
    }
    if (is_batched(p))
        RC_TRY(F == 1 ? sparse_finish_one(b, p, offsets, s, frames, err)
                      : sparse_finish(b, p, offsets, F, s, frames, err));
done:
    if (st != RC_OK) { /* a failed call leaves no queued copy behind */
        cudaStreamSynchronize(c->h2d);
        cudaStreamSynchronize(c->stream);
        rc_vox_cache_free(c);
    }
    return st;
}
