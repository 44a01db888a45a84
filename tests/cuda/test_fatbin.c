/* test_fatbin.c — rc_fatbin (the reader behind `info`'s CUDA architectures), on the CPU:
 *   - ELF images built here byte by byte around hand-made fatbin containers: targets found,
 *     deduplicated and sorted, unknown entry kinds ignored, padding between containers passed over;
 *   - malformed images (not ELF, cut short, sections, containers or entries past the end):
 *     RC_E_INPUT with a message, never a crash;
 *   - with CUDA: an object nvcc compiled at build time from fatbin_known.cu with exactly
 *     sm_86 SASS + compute_75 PTX must list exactly those two. */
#include "config.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "backend/rc_backend.h"
#include "tap.h"

/* ---- builders ---- */

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

/* Appends one entry (64-byte header, `payload` bytes of 0xEE) at buf + *n. */
static void add_entry(uint8_t *buf, size_t *n, uint16_t kind, uint32_t sm, uint32_t payload)
{
    uint8_t *e = buf + *n;
    memset(e, 0, 64);
    put16(e, kind);
    put16(e + 2, 0x101);
    put32(e + 4, 64);
    put64(e + 8, payload);
    put32(e + 28, sm);
    memset(e + 64, 0xEE, payload);
    *n += 64 + payload;
}

/* Starts a container at buf + at; finish_container fills in its size once entries are added. */
static void finish_container(uint8_t *buf, size_t at, size_t end)
{
    put32(buf + at, 0xBA55ED50u);
    put16(buf + at + 4, 1);
    put16(buf + at + 6, 16);
    put64(buf + at + 8, end - at - 16);
}

/* A 64-bit little-endian ELF holding one section `name` with the given bytes; *out_n = size. */
static uint8_t *make_elf(const uint8_t *sec, size_t sec_n, const char *name, size_t *out_n)
{
    char names[64];
    size_t name_at = 11, names_n, data_at = 128, sh_at;
    uint8_t *img;
    Elf64_Ehdr eh;
    Elf64_Shdr sh[3];
    memset(names, 0, sizeof names);
    memcpy(names + 1, ".shstrtab", 10);
    snprintf(names + name_at, sizeof names - name_at, "%s", name);
    names_n = name_at + strlen(name) + 1;
    sh_at = (data_at + sec_n + 7) / 8 * 8;
    *out_n = sh_at + sizeof sh;
    img = calloc(1, *out_n);
    if (!img) TAP_BAIL("out of memory");
    memset(&eh, 0, sizeof eh);
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_REL;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_ehsize = sizeof eh;
    eh.e_shoff = sh_at;
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = 3;
    eh.e_shstrndx = 1;
    memset(sh, 0, sizeof sh);
    sh[1].sh_name = 1;
    sh[1].sh_type = SHT_STRTAB;
    sh[1].sh_offset = 64;
    sh[1].sh_size = names_n;
    sh[2].sh_name = (uint32_t)name_at;
    sh[2].sh_type = SHT_PROGBITS;
    sh[2].sh_offset = data_at;
    sh[2].sh_size = sec_n;
    memcpy(img, &eh, sizeof eh);
    memcpy(img + 64, names, names_n);
    memcpy(img + data_at, sec, sec_n);
    memcpy(img + sh_at, sh, sizeof sh);
    return img;
}

/* "compute_75 PTX, sm_86 SASS" of a target list. */
static void names_of(const rc_fatbin_target *t, int n, char *buf, size_t cap)
{
    buf[0] = 0;
    for (int i = 0; i < n; i++) {
        char one[64];
        rc_fatbin_target_name(&t[i], one, sizeof one);
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", i ? ", " : "", one);
    }
}

/* Lists img and checks the result: want == NULL means an RC_E_INPUT error is expected. */
static void expect_list(const uint8_t *img, size_t n, const char *want, const char *what)
{
    rc_fatbin_target t[16];
    int k = -1;
    char got[512];
    rc_err err;
    rc_err_clear(&err);
    rc_status st = rc_fatbin_list(img, n, t, 16, &k, &err);
    if (!want) {
        tap_ok(st == RC_E_INPUT && strstr(err.msg, "expected") != NULL, "%s: rejected (%s)", what, err.msg);
        return;
    }
    if (st != RC_OK) {
        tap_ok(0, "%s: listed", what);
        tap_diag("error: %s", err.msg);
        return;
    }
    names_of(t, k, got, sizeof got);
    if (!tap_ok(strcmp(got, want) == 0, "%s: %s", what, *want ? want : "no targets"))
        tap_diag("got: %s", got);
}

/* ---- cases ---- */

static void test_synthetic(void)
{
    static uint8_t fb[4096], *img;
    size_t n = 0, c1, img_n;

    /* container 1: SASS 90, PTX 90, an unknown kind 4, SASS 80; then 8 bytes of padding;
     * container 2 (another object's): SASS 80 again, PTX 80 */
    c1 = n;
    n += 16;
    add_entry(fb, &n, 2, 90, 40);
    add_entry(fb, &n, 1, 90, 24);
    add_entry(fb, &n, 4, 100, 8);
    add_entry(fb, &n, 2, 80, 16);
    finish_container(fb, c1, n);
    n += 8;
    c1 = n;
    n += 16;
    add_entry(fb, &n, 2, 80, 8);
    add_entry(fb, &n, 1, 80, 8);
    finish_container(fb, c1, n);

    img = make_elf(fb, n, ".nv_fatbin", &img_n);
    expect_list(img, img_n, "sm_80 SASS, compute_80 PTX, sm_90 SASS, compute_90 PTX",
                "two containers, padding, duplicate and unknown entries");
    free(img);

    img = make_elf(fb, n, ".nv_fatbinX", &img_n);
    expect_list(img, img_n, "", "no .nv_fatbin section (only a similar name)");
    free(img);

    /* damaged copies */
    uint8_t bad[4096];
    memcpy(bad, fb, n);
    put32(bad, 0xDEADBEEFu);
    img = make_elf(bad, n, ".nv_fatbin", &img_n);
    expect_list(img, img_n, NULL, "bad container magic");
    free(img);

    memcpy(bad, fb, n);
    put64(bad + 8, n); /* container larger than the section */
    img = make_elf(bad, n, ".nv_fatbin", &img_n);
    expect_list(img, img_n, NULL, "container size past the section");
    free(img);

    memcpy(bad, fb, n);
    put64(bad + 16 + 8, 1u << 20); /* first entry's payload past its container */
    img = make_elf(bad, n, ".nv_fatbin", &img_n);
    expect_list(img, img_n, NULL, "entry payload past the container");
    free(img);

    memcpy(bad, fb, n);
    put32(bad + 16 + 4, 8); /* entry header shorter than its fixed fields */
    img = make_elf(bad, n, ".nv_fatbin", &img_n);
    expect_list(img, img_n, NULL, "entry header too short");
    free(img);

    img = make_elf(fb, 20, ".nv_fatbin", &img_n); /* section ends inside the first entry */
    expect_list(img, img_n, NULL, "section cut inside an entry header");
    free(img);

    img = make_elf(fb, 12, ".nv_fatbin", &img_n); /* section ends inside the container header */
    expect_list(img, img_n, NULL, "section cut inside a container header");
    free(img);

    /* ELF-level damage */
    img = make_elf(fb, n, ".nv_fatbin", &img_n);
    expect_list(img, 40, NULL, "file shorter than an ELF header");
    expect_list(img, img_n - 8, NULL, "section table cut short");
    img[EI_CLASS] = ELFCLASS32;
    expect_list(img, img_n, NULL, "32-bit ELF");
    img[EI_CLASS] = ELFCLASS64;
    ((Elf64_Ehdr *)img)->e_shstrndx = 7;
    expect_list(img, img_n, NULL, "section-name index past the table");
    ((Elf64_Ehdr *)img)->e_shstrndx = 1;
    memcpy(img, "\x7f" "ELG", 4);
    expect_list(img, img_n, NULL, "not an ELF (bad magic)");
    free(img);
}

static void test_file_errors(void)
{
    rc_fatbin_target t[4];
    int n = -1;
    rc_err err;
    rc_err_clear(&err);
    tap_ok(rc_fatbin_list_file("/nonexistent/robocache-x", t, 4, &n, &err) == RC_E_IO &&
               strstr(err.msg, "/nonexistent/robocache-x") != NULL,
           "a missing file is RC_E_IO naming it (%s)", err.msg);
}

#ifdef RC_HAVE_CUDA
/* The object nvcc built from fatbin_known.cu with
 * -gencode=arch=compute_86,code=sm_86 -gencode=arch=compute_75,code=compute_75. */
static void test_known_object(void)
{
    rc_fatbin_target t[16];
    int n = -1;
    char got[512];
    rc_err err;
    rc_err_clear(&err);
    if (rc_fatbin_list_file(RC_KNOWN_FATBIN_OBJ, t, 16, &n, &err) != RC_OK) {
        tap_ok(0, "nvcc-built object lists its targets");
        tap_diag("%s", err.msg);
        return;
    }
    names_of(t, n, got, sizeof got);
    if (!tap_ok(!strcmp(got, "compute_75 PTX, sm_86 SASS"),
                "nvcc-built object (-gencode sm_86 SASS, compute_75 PTX) lists exactly those"))
        tap_diag("got: %s", got);
}
#endif

int main(void)
{
    test_synthetic();
    test_file_errors();
#ifdef RC_HAVE_CUDA
    test_known_object();
#endif
    return tap_done();
}
