/* rc_fatbin.c — lists the CUDA targets embedded in an ELF image (rc_backend.h).
 *
 * The layouts, little-endian, as nvcc 11-13 write them (documented by reverse-engineering
 * projects and checked against cuobjdump; tests/cuda/test_fatbin.c checks them on an object
 * nvcc builds with known -gencode flags):
 *   container header (16 bytes): u32 magic 0xBA55ED50, u16 version, u16 header size,
 *                                u64 size of the entries that follow the header;
 *   entry header (>= 32 bytes):  u16 kind (1 PTX, 2 ELF/SASS), u16 version, u32 header size,
 *                                u64 payload size (the payload follows the header), ...,
 *                                u32 sm arch at offset 28 (e.g. 90).
 * A linked executable's section holds one container per object file, 8-byte aligned. */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backend/rc_backend.h"
#include "common/rc_common.h"

#define FATBIN_MAGIC 0xBA55ED50u
#define FATBIN_MAGIC_RELOCATABLE 0x466243B1u /* -rdc objects: same layout */
#define CONTAINER_HEADER 16
#define ENTRY_HEADER_MIN 32

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* The two records of the walk: a container in the section, an entry in a container. */
typedef struct record_kind {
    const char *name;   /* "container", "entry" */
    const char *body;   /* what follows its header */
    const char *holder; /* what it lies in */
    int header_min;
} record_kind;
static const record_kind CONTAINER = {"container", "entries", "section's", CONTAINER_HEADER};
static const record_kind ENTRY = {"entry", "payload", "container's", ENTRY_HEADER_MIN};

/* A record of kind k at offset at, with left bytes left, has room for its smallest header. */
static rc_status record_room(const record_kind *k, size_t at, size_t left, rc_err *err)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(left < (size_t)k->header_min, err, RC_E_INPUT,
               "fatbin %s at offset %zu: expected a %d-byte header, found %zu bytes left", k->name, at,
               k->header_min, left);
done:
    return st;
}

/* Its header of hs bytes and its body of size bytes lie inside the left bytes. */
static rc_status record_span(const record_kind *k, size_t at, size_t left, uint32_t hs, uint64_t size,
                             rc_err *err)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(hs < (uint32_t)k->header_min || hs > left || size > left - hs, err, RC_E_INPUT,
               "fatbin %s at offset %zu: expected a header of >= %d bytes and its %s inside the %s %zu "
               "remaining bytes, found header %u + %s %llu",
               k->name, at, k->header_min, k->body, k->holder, left, hs, k->body, (unsigned long long)size);
done:
    return st;
}

/* Inserts t into the sorted set out[0..*n). */
static rc_status add_target(rc_fatbin_target *out, int max, int *n, rc_fatbin_target t, rc_err *err)
{
    rc_status st = RC_OK;
    int i = 0;
    while (i < *n && (out[i].sm < t.sm || (out[i].sm == t.sm && out[i].kind > t.kind))) i++;
    if (i < *n && out[i].sm == t.sm && out[i].kind == t.kind) return RC_OK;
    RC_FAIL_IF(*n >= max, err, RC_E_INTERNAL, "more than %d distinct CUDA targets in one fatbin", max);
    memmove(out + i + 1, out + i, (size_t)(*n - i) * sizeof *out);
    out[i] = t;
    (*n)++;
done:
    return st;
}

/* The entries of the container whose entries span sec[b..e). */
static rc_status walk_entries(const uint8_t *sec, size_t b, size_t e, rc_fatbin_target *out,
                              int max, int *n_out, rc_err *err)
{
    rc_status st = RC_OK;
    while (b < e) {
        uint16_t kind;
        uint32_t hs;
        uint64_t size;
        RC_TRY(record_room(&ENTRY, b, e - b, err));
        kind = rd16(sec + b);
        hs = rd32(sec + b + 4);
        size = rd64(sec + b + 8);
        RC_TRY(record_span(&ENTRY, b, e - b, hs, size, err));
        if (kind == RC_FATBIN_PTX || kind == RC_FATBIN_SASS) {
            rc_fatbin_target t = {(rc_fatbin_kind)kind, (int)rd32(sec + b + 28)};
            RC_TRY(add_target(out, max, n_out, t, err));
        }
        b += hs + (size_t)size;
    }
done:
    return st;
}

rc_status rc_fatbin_walk(const uint8_t *sec, size_t n, rc_fatbin_target *out, int max, int *n_out,
                         rc_err *err)
{
    rc_status st = RC_OK;
    size_t o = 0;
    *n_out = 0;
    while (o < n) {
        uint32_t magic;
        uint16_t hs;
        uint64_t size;
        if (n - o >= 8 && rd64(sec + o) == 0) { /* alignment padding between containers */
            o += 8;
            continue;
        }
        RC_TRY(record_room(&CONTAINER, o, n - o, err));
        magic = rd32(sec + o);
        RC_FAIL_IF(magic != FATBIN_MAGIC && magic != FATBIN_MAGIC_RELOCATABLE, err, RC_E_INPUT,
                   "fatbin container at offset %zu: expected magic 0x%08X, found 0x%08X", o,
                   FATBIN_MAGIC, magic);
        hs = rd16(sec + o + 6);
        size = rd64(sec + o + 8);
        RC_TRY(record_span(&CONTAINER, o, n - o, hs, size, err));
        RC_TRY(walk_entries(sec, o + hs, o + hs + (size_t)size, out, max, n_out, err));
        o += hs + (size_t)size;
    }
done:
    return st;
}

rc_status rc_fatbin_list(const uint8_t *elf, size_t n, rc_fatbin_target *out, int max, int *n_out,
                         rc_err *err)
{
    rc_status st = RC_OK;
    Elf64_Ehdr eh;
    Elf64_Shdr sh, strtab;
    uint64_t shnum, shstrndx;
    *n_out = 0;
    RC_FAIL_IF(n < sizeof eh || memcmp(elf, ELFMAG, SELFMAG) != 0, err, RC_E_INPUT,
               "expected an ELF file (magic 7F 'E' 'L' 'F'), found %s",
               n < sizeof eh ? "a file shorter than an ELF header" : "other bytes");
    memcpy(&eh, elf, sizeof eh);
    RC_FAIL_IF(eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB, err,
               RC_E_INPUT, "expected a 64-bit little-endian ELF, found class %d, data %d",
               eh.e_ident[EI_CLASS], eh.e_ident[EI_DATA]);
    RC_FAIL_IF(eh.e_shentsize != sizeof sh || eh.e_shoff > n, err, RC_E_INPUT,
               "ELF section headers: expected %zu-byte entries inside the file, found size %u "
               "at offset %llu of %zu", sizeof sh, eh.e_shentsize, (unsigned long long)eh.e_shoff, n);
    if (eh.e_shoff == 0) return RC_OK; /* no section table: nothing embedded */
    RC_FAIL_IF(n - eh.e_shoff < sizeof sh, err, RC_E_INPUT,
               "ELF section table: expected it inside the file's %zu bytes, found it at offset %llu",
               n, (unsigned long long)eh.e_shoff);
    memcpy(&sh, elf + eh.e_shoff, sizeof sh); /* section 0 holds the counts that overflow */
    shnum = eh.e_shnum ? eh.e_shnum : sh.sh_size;
    shstrndx = eh.e_shstrndx == SHN_XINDEX ? sh.sh_link : eh.e_shstrndx;
    RC_FAIL_IF(shnum > (n - eh.e_shoff) / sizeof sh || shstrndx >= shnum, err, RC_E_INPUT,
               "ELF section table: expected its sections inside the file's %zu bytes and the "
               "names' section among them, found %llu sections, names in section %llu", n,
               (unsigned long long)shnum, (unsigned long long)shstrndx);
    memcpy(&strtab, elf + eh.e_shoff + shstrndx * sizeof sh, sizeof strtab);
    RC_FAIL_IF(strtab.sh_offset > n || strtab.sh_size > n - strtab.sh_offset, err, RC_E_INPUT,
               "ELF section names: expected them inside the file's %zu bytes, found offset %llu "
               "+ %llu", n, (unsigned long long)strtab.sh_offset, (unsigned long long)strtab.sh_size);
    for (uint64_t i = 1; i < shnum; i++) {
        static const char want[] = ".nv_fatbin";
        memcpy(&sh, elf + eh.e_shoff + i * sizeof sh, sizeof sh);
        if (sh.sh_name >= strtab.sh_size || strtab.sh_size - sh.sh_name < sizeof want ||
            memcmp(elf + strtab.sh_offset + sh.sh_name, want, sizeof want) != 0)
            continue;
        RC_FAIL_IF(sh.sh_type == SHT_NOBITS || sh.sh_offset > n || sh.sh_size > n - sh.sh_offset,
                   err, RC_E_INPUT, "ELF section .nv_fatbin: expected its bytes inside the file's %zu, "
                   "found offset %llu + %llu", n, (unsigned long long)sh.sh_offset,
                   (unsigned long long)sh.sh_size);
        return rc_fatbin_walk(elf + sh.sh_offset, (size_t)sh.sh_size, out, max, n_out, err);
    }
done:
    return st;
}

rc_status rc_fatbin_list_file(const char *path, rc_fatbin_target *out, int max, int *n_out,
                              rc_err *err)
{
    rc_status st = RC_OK;
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long size = 0;
    *n_out = 0;
    RC_FAIL_IF(!f, err, RC_E_IO, "cannot open %s to list its CUDA targets: %s", path, strerror(errno));
    RC_FAIL_IF(fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0,
               err, RC_E_IO, "cannot find the size of %s: %s", path, strerror(errno));
    buf = rc_malloc(size > 0 ? (size_t)size : 1);
    RC_FAIL_IF(!buf, err, RC_E_NOMEM, "out of memory reading %s (%ld bytes)", path, size);
    RC_FAIL_IF(fread(buf, 1, (size_t)size, f) != (size_t)size, err, RC_E_IO,
               "expected %ld bytes from %s, read fewer", size, path);
    RC_TRY(rc_fatbin_list(buf, (size_t)size, out, max, n_out, err));
done:
    if (f) fclose(f);
    rc_free(buf);
    return st;
}

void rc_fatbin_target_name(const rc_fatbin_target *t, char *buf, size_t n)
{
    if (t->kind == RC_FATBIN_SASS) snprintf(buf, n, "sm_%d SASS", t->sm);
    else snprintf(buf, n, "compute_%d PTX", t->sm);
}
