/* rc_fatbin.h — which CUDA targets a binary carries: reads an ELF image (an executable or an
 * object file), finds its .nv_fatbin section and walks the fatbin containers in it, listing
 * each SASS (machine code for one sm_XY) and PTX (compute_XY, JIT-compiled by the driver)
 * entry.  `robocache-convert info` reports this for its own /proc/self/exe; the build's
 * promise of sm_80 + sm_90 SASS + compute_90 PTX is checked by tests/cuda/info.sh. */
#ifndef RC_FATBIN_H
#define RC_FATBIN_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_error.h"

typedef enum rc_fatbin_kind { RC_FATBIN_PTX = 1, RC_FATBIN_SASS = 2 } rc_fatbin_kind;

typedef struct rc_fatbin_target {
    rc_fatbin_kind kind;
    int sm; /* 80 for sm_80 / compute_80 */
} rc_fatbin_target;

/* Walks the fatbin containers of one .nv_fatbin section (sec[0..n)) and adds each distinct
 * (kind, sm) to out (capacity max, *n_out in use; kept sorted by sm, then PTX after SASS).
 * Entries of other kinds are ignored.  RC_E_INPUT, naming the offset, when a container or
 * entry header is cut short or points past the section; RC_E_INTERNAL when max is too small. */
rc_status rc_fatbin_walk(const uint8_t *sec, size_t n, rc_fatbin_target *out, int max, int *n_out,
                         rc_err *err);

/* The targets of ELF image elf[0..n): *n_out = 0 when it has no .nv_fatbin section.
 * RC_E_INPUT when the image is not a 64-bit little-endian ELF or its headers are out of bounds. */
rc_status rc_fatbin_list(const uint8_t *elf, size_t n, rc_fatbin_target *out, int max, int *n_out,
                         rc_err *err);

/* The same for a file (read whole); RC_E_IO when it cannot be read. */
rc_status rc_fatbin_list_file(const char *path, rc_fatbin_target *out, int max, int *n_out,
                              rc_err *err);

/* "sm_90 SASS" or "compute_90 PTX" into buf. */
void rc_fatbin_target_name(const rc_fatbin_target *t, char *buf, size_t n);

#endif
