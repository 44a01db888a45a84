/* rc_direct.c — the reader's entry point to direct reads (plan, execute, or H5Dread), the
 * process-wide switch and the per-path counts the report reads. */
#include "config.h"
#include "reader/rc_direct_int.h"

#include "compress/rc_compress.h"
#include "reader/rc_reader.h"

#include <string.h>

#include <stdatomic.h>

static atomic_int disabled;
static _Atomic uint64_t n_reads[RC_DIRECT_N_WHY], n_bytes[RC_DIRECT_N_WHY];

const char *rc_direct_why_name(rc_direct_why why)
{
    static const char *const names[RC_DIRECT_N_WHY] = {
        [RC_DIRECT_OK] = "ok",         [RC_DIRECT_OFF] = "off",
        [RC_DIRECT_DRIVER] = "driver", [RC_DIRECT_LAYOUT] = "layout",
        [RC_DIRECT_TYPE] = "type",     [RC_DIRECT_FILTER] = "filter",
        [RC_DIRECT_UNALLOCATED] = "unallocated", [RC_DIRECT_SIZES] = "sizes",
        [RC_DIRECT_DECODE] = "decode"};
    return (unsigned)why < RC_DIRECT_N_WHY ? names[why] : "unknown";
}

void rc_direct_enable(int on) { atomic_store(&disabled, !on); }

void rc_reader_set_decode_threads(int n) { rc_direct_set_threads(n); }

static void count(rc_direct_why why, size_t bytes)
{
    atomic_fetch_add(&n_reads[why], 1);
    atomic_fetch_add(&n_bytes[why], bytes);
}

herr_t rc_direct_read(hid_t dset, hid_t mem_type, void *buf, size_t buf_bytes)
{
    rc_direct_plan plan;
    rc_direct_why why = RC_DIRECT_OFF;
    if (!atomic_load(&disabled)) why = rc_direct_plan_make(dset, mem_type, buf_bytes, &plan);
    if (why == RC_DIRECT_OK) {
        /* Contiguous data needs no decoding state. */
        rc_direct_ctx *ctx = plan.chunked ? rc_direct_ctx_new() : NULL;
        int rc = ctx || !plan.chunked ? rc_direct_exec(ctx, &plan, buf) : -1;
        rc_direct_ctx_free(ctx);
        rc_direct_plan_free(&plan);
        if (rc == 0) {
            count(RC_DIRECT_OK, buf_bytes);
            return 0;
        }
        why = RC_DIRECT_DECODE;
    }
    count(why, buf_bytes);
    /* HDF5 reads it, its zstd decoder bounded by the dataset's own chunk size */
    return rc_zstd_filter_read(dset, mem_type, buf);
}

void rc_direct_counts_get(rc_direct_counts *out)
{
    for (int i = 0; i < RC_DIRECT_N_WHY; i++) {
        out->reads[i] = atomic_load(&n_reads[i]);
        out->bytes[i] = atomic_load(&n_bytes[i]);
    }
}

void rc_direct_counts_reset(void)
{
    for (int i = 0; i < RC_DIRECT_N_WHY; i++) {
        atomic_store(&n_reads[i], 0);
        atomic_store(&n_bytes[i], 0);
    }
}

_Static_assert(RC_READ_PATHS == RC_DIRECT_N_WHY, "rc_reader.h's path count is rc_direct_why's");

void rc_reader_path_counts(uint64_t reads[RC_READ_PATHS], uint64_t bytes[RC_READ_PATHS])
{
    rc_direct_counts c;
    rc_direct_counts_get(&c);
    memcpy(reads, c.reads, sizeof c.reads);
    memcpy(bytes, c.bytes, sizeof c.bytes);
}

const char *rc_reader_path_name(int path) { return rc_direct_why_name((rc_direct_why)path); }
