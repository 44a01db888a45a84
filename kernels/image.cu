/* image.cu — the image resize (crop, then area or bilinear resize of uint8 [H, W, C] frames) on
 * the GPU, with the bytes of rc_image_resize_cpu (src/ops/): the taps and weights are the
 * tables rc_resize_axis_init builds on the host, and every pixel goes through rc_resize_h_pixel
 * and rc_resize_v_pixel of rc_ops.h, integer arithmetic only.  Test:
 * tests/cuda/test_image_exact.c.
 *
 * Each distinct source frame of the batch is copied in and resized once (steps that reuse a
 * frame copy its output on the host afterwards, as the CPU backend does).  One launch resizes
 * a chunk of frames: a thread block owns an output tile of TH rows x TW columns of one frame
 * (grid-stride over the tiles of every frame).  Phase 0 stages the source bytes the tile reads
 * (R rows, each the span of its columns' taps) into shared memory as aligned 16-byte loads,
 * consecutive threads reading consecutive words of a row, so DRAM is read once and coalesced.
 * Phase 1 runs the horizontal pass for the tile's columns over those R rows into shared memory
 * (uint16, [R, TW, C]); after a barrier phase 2 runs the vertical pass from shared memory and
 * stores the tile.  A thread takes a whole pixel (every channel, the weights loaded once),
 * consecutive threads consecutive pixels of a row.  The intermediate never goes
 * through global memory.  TW and TH are the largest (TW first) whose staged rows and
 * intermediate fit IMG_SHARED bytes for every tile; when even a 1 x 1 tile's rows do not (taps
 * in the thousands on both axes), phase 1 reads the source from global memory instead, the same
 * bytes through the same function, and only the intermediate is in shared memory
 * (rc_image_geom_check's tap limit makes that fit).  The channel count is a template constant.
 * Frames go in on the copy-in stream, the kernel runs on the kernel stream after an event,
 * outputs come back on the copy-out stream after another; device buffers are kept between
 * calls. */
#include <string.h>

#include "rc_cuda_check_int.h"
#include "rc_cuda_ctx_int.h"
#include "ops/rc_ops.h"
extern "C" {
#include "common/rc_common.h"
}

#define IMG_THREADS 256
#define IMG_SHARED 32768                  /* bytes of staged rows and intermediate per block */
#define IMG_PAD 32                        /* bytes after the frames: a row's last 16-byte word may pass the end */
#define IMG_CHUNK_BYTES ((size_t)256 << 20) /* device bytes of frames in and out per launch */

/* Device buffers kept between calls (grow only). */
struct img_cache {
    uint8_t *in, *out;   /* a chunk's crop bands and outputs */
    void *tab;           /* both axes' first and weight tables */
    size_t in_cap, out_cap, tab_cap;
};

/* What the kernel needs: device pointers and the geometry. */
typedef struct img_params {
    const uint8_t *in; /* [F, crop_h, W, C]: the crop's rows of each frame, whole width; 16-byte aligned */
    uint8_t *out;      /* [F, out_h, out_w, C] */
    const int32_t *fx, *fy;
    const uint16_t *wx, *wy;
    int32_t Kx, Ky, W, crop_x, out_h, out_w, TW, lg_tw, TH, tiles_x, tiles_y;
    int32_t SW;        /* bytes per staged row (a multiple of 16) */
    int32_t mid_bytes; /* bytes of the intermediate, a multiple of 16: the staged rows follow it */
    int64_t n_tiles, band_bytes, out_bytes;
} img_params;

/* One output tile: t is its index over the launch's frames, smem the block's shared memory. */
template <int C, bool STAGED>
__device__ static void resize_tile(const img_params &p, int64_t t, uint8_t *smem)
{
    uint16_t *mid = (uint16_t *)smem;  /* [R, TW, C] */
    uint8_t *rows = smem + p.mid_bytes; /* [R, SW]: row r holds the 16-byte words around its span */
    int64_t per_frame = (int64_t)p.tiles_x * p.tiles_y, row_bytes = (int64_t)p.W * C;
    int64_t f = t / per_frame;
    int32_t rem = (int32_t)(t - f * per_frame);
    int32_t oy0 = rem / p.tiles_x * p.TH, ox0 = rem % p.tiles_x * p.TW;
    int32_t oy1 = min(oy0 + p.TH, p.out_h), tw = min(p.TW, p.out_w - ox0);
    int32_t r0 = p.fy[oy0], R = p.fy[oy1 - 1] + p.Ky - r0, x0 = p.fx[ox0];
    /* the tile's first source byte in each row: source row r0 + r at band + (r0 + r) * row_bytes */
    const uint8_t *first = p.in + f * p.band_bytes + (int64_t)r0 * row_bytes + (int64_t)(p.crop_x + x0) * C;
    if (STAGED) {
        /* the bytes [0, span) after `first` in each row are the only ones phase 1 reads */
        int32_t span = (p.fx[ox0 + tw - 1] + p.Kx - x0) * C, n16 = (span + 30) / 16;
        for (int32_t e = threadIdx.x; e < R * n16; e += blockDim.x) {
            int32_t r = e / n16, w = e - r * n16;
            const uint4 *g = (const uint4 *)((uintptr_t)(first + r * row_bytes) & ~(uintptr_t)15);
            ((uint4 *)(rows + (int64_t)r * p.SW))[w] = __ldg(g + w);
        }
        __syncthreads();
    }
    int32_t n1 = R << p.lg_tw; /* pixels: thread e takes column e % TW of row e / TW, every channel */
    for (int32_t e = threadIdx.x; e < n1; e += blockDim.x) {
        int32_t x = e & (p.TW - 1), r = e >> p.lg_tw, ox = ox0 + x;
        if (x >= tw) continue;
        const uint8_t *row = first + r * row_bytes; /* where the staged copy of this row came from */
        if (STAGED) row = rows + (int64_t)r * p.SW + ((uintptr_t)row & 15);
        rc_resize_h_pixel(row + (p.fx[ox] - x0) * C, C, p.wx + (int64_t)ox * p.Kx, p.Kx, mid + (r * p.TW + x) * C);
    }
    __syncthreads();
    int32_t n2 = (oy1 - oy0) << p.lg_tw;
    uint8_t *dst = p.out + f * p.out_bytes;
    for (int32_t e = threadIdx.x; e < n2; e += blockDim.x) {
        int32_t x = e & (p.TW - 1), y = e >> p.lg_tw, oy = oy0 + y;
        if (x >= tw) continue;
        rc_resize_v_pixel(mid + ((p.fy[oy] - r0) * p.TW + x) * C, (int64_t)p.TW * C, C, p.wy + (int64_t)oy * p.Ky, p.Ky,
                          dst + ((int64_t)oy * p.out_w + ox0 + x) * C);
    }
    __syncthreads(); /* mid and the staged rows are rewritten by the next tile */
}

template <int C, bool STAGED>
__global__ static void __launch_bounds__(IMG_THREADS) image_resize_kernel(img_params p)
{
    extern __shared__ uint4 smem4[]; /* 16-byte aligned */
    for (int64_t t = blockIdx.x; t < p.n_tiles; t += gridDim.x) resize_tile<C, STAGED>(p, t, (uint8_t *)smem4);
}

/* The most source rows any tile of TH output rows reads. */
static int32_t rows_needed(const rc_resize_axis *ay, int32_t TH)
{
    int32_t R = 0;
    for (int32_t oy0 = 0; oy0 < ay->n_out; oy0 += TH) {
        int32_t oy1 = oy0 + TH < ay->n_out ? oy0 + TH : ay->n_out;
        int32_t r = ay->first[oy1 - 1] + ay->K - ay->first[oy0];
        if (r > R) R = r;
    }
    return R;
}

/* The bytes of a staged row for tiles of TW columns: the 16-byte words around the widest
 * span of source bytes a tile's columns read (span + 15 bytes of alignment, rounded up). */
static int32_t staged_row_bytes(const rc_resize_axis *ax, int32_t TW, int32_t C)
{
    int32_t span = 0;
    for (int32_t ox0 = 0; ox0 < ax->n_out; ox0 += TW) {
        int32_t ox1 = ox0 + TW < ax->n_out ? ox0 + TW : ax->n_out;
        int32_t s = (ax->first[ox1 - 1] + ax->K - ax->first[ox0]) * C;
        if (s > span) span = s;
    }
    return (span + 30) / 16 * 16;
}

/* Picks TW (32 down to 1) and then TH (16 down to 1), the first pair whose staged rows and
 * intermediate fit; without staging when none does. */
static void pick_tile(const rc_resize_axis *ax, const rc_resize_axis *ay, int32_t C, img_params *p, int *staged)
{
    for (*staged = 1; *staged >= 0; (*staged)--)
        for (int32_t lg = 5; lg >= 0; lg--)
            for (p->TH = 16; p->TH >= 1; p->TH /= 2) {
                int64_t R = rows_needed(ay, p->TH);
                p->TW = 1 << lg;
                p->lg_tw = lg;
                p->mid_bytes = (int32_t)((R * p->TW * C * 2 + 15) / 16 * 16);
                p->SW = *staged ? staged_row_bytes(ax, p->TW, C) : 0;
                if (p->mid_bytes + R * p->SW <= IMG_SHARED) return;
            }
    *staged = 0; /* not reached: K <= RC_IMAGE_MAX_TAPS, C <= RC_IMAGE_MAX_C */
    p->TW = p->TH = 1;
    p->lg_tw = 0;
    p->SW = 0;
    p->mid_bytes = (int32_t)((rows_needed(ay, 1) * C * 2 + 15) / 16 * 16);
}

/* Launches the kernel for g's channel count. */
template <int C>
static void launch(int staged, unsigned blocks, size_t shared, cudaStream_t s, const img_params &p)
{
    if (staged) image_resize_kernel<C, true><<<blocks, IMG_THREADS, shared, s>>>(p);
    else image_resize_kernel<C, false><<<blocks, IMG_THREADS, shared, s>>>(p);
}

/* Makes *buf hold at least n bytes (grow only; the old contents are not kept). */
static cudaError_t reserve(void **buf, size_t *cap, size_t n)
{
    if (*cap >= n && *buf) return cudaSuccess;
    if (*buf) cudaFree(*buf);
    *buf = NULL;
    *cap = 0;
    cudaError_t e = cudaMalloc(buf, n ? n : 1);
    if (e == cudaSuccess) *cap = n;
    return e;
}

void rc_img_cache_free(rc_cuda *c)
{
    if (!c->img) return;
    if (c->img->in) cudaFree(c->img->in);
    if (c->img->out) cudaFree(c->img->out);
    if (c->img->tab) cudaFree(c->img->tab);
    rc_free(c->img);
    c->img = NULL;
}

extern "C" rc_status rc_cuda_image_resize(rc_cuda *c, const rc_image_geom *g, const rc_image_batch *b,
                                          rc_err *err)
{
    rc_status st = RC_OK;
    rc_resize_axis ax, ay;
    int64_t *first = NULL, *uniq = NULL, U = 0;
    int64_t in_bytes = rc_image_in_bytes(g), out_bytes = rc_image_out_bytes(g);
    int64_t band = (int64_t)g->crop_h * g->W * g->C, per = 0;
    size_t fx_bytes = 0, fy_bytes = 0, wx_bytes = 0, wy_bytes = 0, shared = 0;
    int staged = 0;
    unsigned blocks = 1;
    img_params p;
    struct img_cache *ic = NULL;
    char *tab = NULL;
    memset(&ax, 0, sizeof ax);
    memset(&ay, 0, sizeof ay);
    memset(&p, 0, sizeof p);

    RC_FAIL_IF(rc_resize_axis_init(&ax, g->crop_w, g->out_w, g->interp) != 0 ||
               rc_resize_axis_init(&ay, g->crop_h, g->out_h, g->interp) != 0,
               err, RC_E_NOMEM, "rc_cuda_image_resize: out of memory for the resize tables");
    first = (int64_t *)rc_calloc((size_t)(b->S > 0 ? b->S : 1), sizeof *first);
    uniq = (int64_t *)rc_calloc((size_t)(b->T > 0 ? b->T : 1), sizeof *uniq);
    RC_FAIL_IF(!first || !uniq, err, RC_E_NOMEM, "rc_cuda_image_resize: out of memory for %lld steps",
               (long long)b->T);
    rc_image_first_steps(b, first);
    for (int64_t k = 0; k < b->T; k++)
        if (first[b->source[k]] == k) uniq[U++] = k;
    if (!c->img) {
        c->img = (struct img_cache *)rc_calloc(1, sizeof *c->img);
        RC_FAIL_IF(!c->img, err, RC_E_NOMEM, "rc_cuda_image_resize: out of memory for the buffer cache");
    }
    ic = c->img;
    pick_tile(&ax, &ay, g->C, &p, &staged);
    shared = (size_t)p.mid_bytes + (size_t)rows_needed(&ay, p.TH) * (size_t)p.SW;
    fx_bytes = (size_t)ax.n_out * sizeof(int32_t);
    fy_bytes = (size_t)ay.n_out * sizeof(int32_t);
    wx_bytes = (size_t)ax.n_out * ax.K * sizeof(uint16_t);
    wy_bytes = (size_t)ay.n_out * ay.K * sizeof(uint16_t);
    per = (int64_t)(IMG_CHUNK_BYTES / (size_t)(band + out_bytes));
    if (per < 1) per = 1;
    if (per > U) per = U;

    RC_CUDA_TRY(cudaSetDevice(c->device), err, "rc_cuda_image_resize");
    RC_CUDA_TRY(reserve(&ic->tab, &ic->tab_cap, fx_bytes + fy_bytes + wx_bytes + wy_bytes), err,
                "rc_cuda_image_resize tables");
    if (U > 0) {
        RC_CUDA_TRY(reserve((void **)&ic->in, &ic->in_cap, (size_t)(per * band) + IMG_PAD), err, "rc_cuda_image_resize frames");
        RC_CUDA_TRY(reserve((void **)&ic->out, &ic->out_cap, (size_t)(per * out_bytes)), err,
                    "rc_cuda_image_resize outputs");
    }
    tab = (char *)ic->tab;
    RC_CUDA_TRY(cudaMemcpyAsync(tab, ax.first, fx_bytes, cudaMemcpyHostToDevice, c->h2d), err, "rc_cuda_image_resize");
    RC_CUDA_TRY(cudaMemcpyAsync(tab + fx_bytes, ay.first, fy_bytes, cudaMemcpyHostToDevice, c->h2d), err,
                "rc_cuda_image_resize");
    RC_CUDA_TRY(cudaMemcpyAsync(tab + fx_bytes + fy_bytes, ax.w, wx_bytes, cudaMemcpyHostToDevice, c->h2d), err,
                "rc_cuda_image_resize");
    RC_CUDA_TRY(cudaMemcpyAsync(tab + fx_bytes + fy_bytes + wx_bytes, ay.w, wy_bytes, cudaMemcpyHostToDevice,
                                c->h2d), err, "rc_cuda_image_resize");

    p.fx = (const int32_t *)tab;
    p.fy = (const int32_t *)(tab + fx_bytes);
    p.wx = (const uint16_t *)(tab + fx_bytes + fy_bytes);
    p.wy = (const uint16_t *)(tab + fx_bytes + fy_bytes + wx_bytes);
    p.in = ic->in;
    p.out = ic->out;
    p.Kx = ax.K;
    p.Ky = ay.K;
    p.W = g->W;
    p.crop_x = g->crop_x;
    p.out_h = g->out_h;
    p.out_w = g->out_w;
    p.tiles_x = (g->out_w + p.TW - 1) / p.TW;
    p.tiles_y = (g->out_h + p.TH - 1) / p.TH;
    p.band_bytes = band;
    p.out_bytes = out_bytes;

    for (int64_t u0 = 0; u0 < U; u0 += per) {
        int64_t n = U - u0 < per ? U - u0 : per;
        for (int64_t i = 0; i < n; i++) {
            const uint8_t *src = b->frames + b->source[uniq[u0 + i]] * in_bytes + (int64_t)g->crop_y * g->W * g->C;
            RC_CUDA_TRY(cudaMemcpyAsync(ic->in + i * band, src, (size_t)band, cudaMemcpyHostToDevice, c->h2d), err,
                        "rc_cuda_image_resize: copying frames to the device");
        }
        /* the bytes a staged row's last word may read past the frames: defined, never used */
        RC_CUDA_TRY(cudaMemsetAsync(ic->in + n * band, 0, IMG_PAD, c->h2d), err, "rc_cuda_image_resize");
        RC_CUDA_TRY(cudaEventRecord(c->ev_in, c->h2d), err, "rc_cuda_image_resize");
        RC_CUDA_TRY(cudaStreamWaitEvent(c->stream, c->ev_in, 0), err, "rc_cuda_image_resize");
        p.n_tiles = n * p.tiles_x * p.tiles_y;
        blocks = rc_cuda_blocks(p.n_tiles, 1);
        switch (g->C) { /* rc_image_geom_check: 1 to RC_IMAGE_MAX_C (4) channels */
        case 1: launch<1>(staged, blocks, shared, c->stream, p); break;
        case 2: launch<2>(staged, blocks, shared, c->stream, p); break;
        case 3: launch<3>(staged, blocks, shared, c->stream, p); break;
        default: launch<4>(staged, blocks, shared, c->stream, p); break;
        }
        RC_CUDA_LAUNCHED(image_resize_kernel, err);
        RC_CUDA_TRY(cudaEventRecord(c->ev_kernel, c->stream), err, "rc_cuda_image_resize");
        RC_CUDA_TRY(cudaStreamWaitEvent(c->d2h, c->ev_kernel, 0), err, "rc_cuda_image_resize");
        for (int64_t i = 0; i < n; i++)
            RC_CUDA_TRY(cudaMemcpyAsync(b->out + uniq[u0 + i] * out_bytes, ic->out + i * out_bytes, (size_t)out_bytes,
                                        cudaMemcpyDeviceToHost, c->d2h), err,
                        "rc_cuda_image_resize: copying frames back");
        /* the next chunk overwrites the device buffers */
        RC_CUDA_TRY(cudaStreamSynchronize(c->d2h), err, "rc_cuda_image_resize");
    }
    RC_CUDA_TRY(cudaStreamSynchronize(c->h2d), err, "rc_cuda_image_resize"); /* the tables, when U == 0 */
    rc_image_copy_repeats(b, first, out_bytes);
done:
    rc_resize_axis_free(&ax);
    rc_resize_axis_free(&ay);
    rc_free(first);
    rc_free(uniq);
    return st;
}
