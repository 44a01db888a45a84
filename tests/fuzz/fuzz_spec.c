/* fuzz_spec.c — libFuzzer target for the pipeline spec loader: the input bytes are written to a
 * spec file and loaded with rc_spec_load against the source tree's schemas (FUZZ_SCHEMA_DIR, or
 * $RC_SCHEMA_DIR).  Any outcome but a crash, a sanitizer report or a leak is fine; a loaded spec
 * is freed.  Built by `make fuzz` (tests/fuzz/local.mk), run by tests/fuzz/run.sh. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_file.h"
#include "spec/rc_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256];
    const char *schemas = getenv("RC_SCHEMA_DIR") ? getenv("RC_SCHEMA_DIR") : FUZZ_SCHEMA_DIR;
    if (fuzz_write_file(data, size, "spec.yaml", path, sizeof path) != 0) return 0;
    rc_spec *spec = NULL;
    rc_err err;
    int n_errors = 0;
    rc_err_clear(&err);
    if (rc_spec_load(path, schemas, &spec, &n_errors, &err) == RC_OK) rc_spec_free(spec);
    unlink(path);
    return 0;
}
