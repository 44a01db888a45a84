/* fuzz_file.h — shared by the fuzz targets: writes the input bytes to a per-process file (in
 * /dev/shm when it exists, else $TMPDIR or /tmp) because the code under test opens paths. */
#ifndef FUZZ_FILE_H
#define FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Writes data to DIR/rc-fuzz-PID-NAME and puts that path in path[n]; 0 on success. */
static inline int fuzz_write_file(const uint8_t *data, size_t size, const char *name, char *path, size_t n)
{
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(path, n, "%s/rc-fuzz-%ld-%s", dir, (long)getpid(), name);
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t put = size ? fwrite(data, 1, size, f) : 0;
    return (fclose(f) != 0 || put != size) ? -1 : 0;
}

#endif
