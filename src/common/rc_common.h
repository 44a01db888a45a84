/* rc_common.h — the public header of src/common, the toolbox every module uses: errors and the
 * two failure macros, the allocator and its fault injection, logging, the clock, the memory
 * budget, file-system helpers, JSON out and in, SHA-256, little-endian integers, UTF-8, work on untrusted files in child processes. The
 * pieces are independent; each section says what it holds. It includes only the C library (nvcc
 * compiles it into kernels/ too). */
#ifndef RC_COMMON_H
#define RC_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* rc_error — status codes, the error record every fallible call fills, and the two macros
 * (RC_FAIL_IF, RC_TRY) that are the only way library code fails.  The status -> exit code table
 * of docs/SPEC.md §2 lives in rc_error.c; only src/cli/ turns a status into an exit. */
typedef enum rc_status {
    RC_OK = 0,
    RC_E_USAGE,          /* bad command line                        -> exit 1 */
    RC_E_SPEC,           /* bad pipeline spec                       -> exit 1 */
    RC_E_INPUT,          /* bad input data                          -> exit 2 */
    RC_E_IO,             /* I/O or system error                     -> exit 3 */
    RC_E_NOMEM,          /* allocation failed                       -> exit 3 */
    RC_E_INTERRUPTED,    /* SIGINT/SIGTERM                          -> exit 3 */
    RC_E_BACKEND,        /* requested backend unavailable or failed -> exit 4 */
    RC_E_DIFF,           /* verify found differences                -> exit 5 */
    RC_E_INTERNAL        /* a broken invariant of our own           -> exit 3 */
} rc_status;

/* What went wrong and where.  The scope (file, episode, HDF5 path) is set once by the code
 * that knows it (rc_err_scope) and kept when a check below fails; msg says what was expected
 * and what was found.  Empty strings mean "not applicable". */
typedef struct rc_err {
    rc_status code;
    char file[1024];     /* input/output file, or the spec file */
    char episode[256];   /* episode id */
    char path[512];      /* HDF5 path, or spec key path */
    int line, column;    /* spec position (1-based); 0 when not a spec error */
    char msg[1024];
    const char *src_file; /* where in our source it was raised (debug aid) */
    int src_line;
} rc_err;

void rc_err_clear(rc_err *err);
/* Sets the scope; path_fmt may be NULL.  file/episode may be NULL to leave them empty. */
void rc_err_scope(rc_err *err, const char *file, const char *episode, const char *path_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Records code and message (printf-style); returns code.  err may be NULL. */
rc_status rc_err_set(rc_err *err, rc_status code, const char *src_file, int src_line,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* "FILE: episode ID: PATH: msg" (spec errors: "FILE:LINE:COL: key 'PATH': msg"). */
void rc_err_format(const rc_err *err, char *buf, size_t n);
int rc_status_exit_code(rc_status st);
const char *rc_status_name(rc_status st);

/* Both need `rc_status st` and a `done:` label in the calling function. */
#define RC_FAIL_IF(cond, err, code, ...)                                          \
    do {                                                                          \
        if (cond) {                                                               \
            st = rc_err_set((err), (code), __FILE__, __LINE__, __VA_ARGS__);      \
            goto done;                                                            \
        }                                                                         \
    } while (0)
#define RC_TRY(expr)                                                              \
    do {                                                                          \
        st = (expr);                                                              \
        if (st != RC_OK) goto done;                                               \
    } while (0)

/* rc_alloc — the library's allocator: overflow-checked sizes and the one place where
 * allocation failures are injected by tests (configure --enable-fault-injection, rc_fault
 * below).  Returns NULL on failure; callers turn that into RC_E_NOMEM with what they were
 * allocating. */
void *rc_malloc(size_t n_bytes);
void *rc_calloc(size_t count, size_t size); /* zeroed; NULL also when count*size overflows */
void *rc_realloc(void *p, size_t n_bytes);
void rc_free(void *p);                      /* accepts NULL */
char *rc_strdup(const char *s);

/* rc_fault — fault injection for the reliability tests (docs/RELIABILITY.md).  Built only with
 * `configure --enable-fault-injection`: then the environment variable RC_FAULT=KIND:N (KIND one
 * of alloc, write, fsync, rename) makes the Nth such operation of the process fail, once, as the
 * system would fail it (NULL from the allocator, -1 with EIO or ENOSPC), and says so on stderr.
 * In every other build rc_fault_hit is the constant 0 and costs nothing. */
typedef enum rc_fault_kind { RC_FAULT_ALLOC = 0, RC_FAULT_WRITE, RC_FAULT_FSYNC, RC_FAULT_RENAME } rc_fault_kind;

#ifdef RC_FAULT_INJECTION
/* 1 when this operation of kind k is the one RC_FAULT selects (thread-safe). */
int rc_fault_hit(rc_fault_kind k);
#else
#define rc_fault_hit(k) 0
#endif

/* rc_log — the library's only way to say something: leveled messages handed to a sink
 * that the CLI installs (the library itself never writes to stdout/stderr). */
enum {
    RC_LOG_ERROR = 1, /* failures the caller will also see as a status */
    RC_LOG_WARN = 2,  /* suspicious data or settings that do not stop the run */
    RC_LOG_INFO = 3,  /* what ran (backend, files, summary) — the default level */
    RC_LOG_DEBUG = 4  /* per-episode detail */
};

typedef void (*rc_log_sink)(int level, const char *line);

/* Set once by main() before any work: messages above `level` are dropped. */
void rc_log_configure(int level, rc_log_sink sink);
/* The level set by rc_log_configure: what the CLI prints beside the log (summaries, progress)
 * follows it too. */
int rc_log_level(void);
void rc_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* rc_clock — the one clock of the timings: CLOCK_MONOTONIC in seconds, so intervals taken on
 * different threads can be compared and subtracted. */
double rc_now_s(void);

/* rc_fs — small file-system helpers every module may use: mkdir -p, rm -r. */

/* Creates the folder `dir` and any missing parents (mkdir -p, mode 0777 before umask).
 * RC_E_IO naming the folder when one cannot be created or a path component is not a folder. */
rc_status rc_mkdir_p(const char *dir, rc_err *err);
/* Removes path: a file, or a folder with everything in it (rm -r; symbolic links are removed,
 * not followed).  0, or -1 with errno set by the first removal that failed. */
int rc_remove_tree(const char *path);

/* 1 when `path`, or a folder above it, is the existing folder `dir` (compared by device and
 * inode, so another spelling or a symbolic link to it is found too); 0 otherwise, also when
 * `dir` does not exist.  Folders above `path` are taken by removing its last components (a
 * relative path is taken from the current folder); parts that do not exist yet are skipped. */
int rc_path_within(const char *path, const char *dir);

/* rc_budget — the process's one memory budget: the most bytes any single buffer sized from
 * the input (a declared dataset shape, a shard's declared rows, a timeline's steps) may take.
 * It is checked before the buffer is allocated, because with Linux overcommit malloc does not
 * fail near the size of RAM.  Default: half of the smallest of physical RAM, RLIMIT_AS and the
 * cgroup v2 memory.max of this process (and its parents); `limits.memory` in the spec or
 * --memory on the command line replace it. */

/* The default budget and a sentence naming where it comes from (e.g. "half of cgroup
 * memory.max /sys/fs/cgroup/job/memory.max (8589934592 bytes)"). */
uint64_t rc_budget_default(char *source, size_t n);
/* The tightest cgroup v2 memory.max on the way from the cgroup that proc_cgroup names (the
 * "0::PATH" line of /proc/self/cgroup) up to root (/sys/fs/cgroup), or 0 when none is set ("max"
 * or no file); *where gets the file that set it.  rc_budget_default reads the real ones. */
uint64_t rc_budget_cgroup_max(const char *proc_cgroup, const char *root, char *where, size_t n);
/* Replaces the budget for the rest of the process (bytes > 0); source says who set it. */
void rc_budget_set(uint64_t bytes, const char *source);
/* Whether rc_budget_set has been called (the command line's --memory wins over the spec's). */
int rc_budget_is_set(void);
/* The budget in force (the default until rc_budget_set) and its source. */
uint64_t rc_budget_bytes(void);
const char *rc_budget_source(void);
/* Fails with code (RC_E_INPUT for a size the input declared, RC_E_SPEC for one the spec asks
 * for) when `bytes` is over the budget; what names the buffer ("a [1099511627776, 6] float32
 * dataset").  The error scope is the caller's. */
rc_status rc_budget_check(uint64_t bytes, rc_status code, const char *what, rc_err *err);
/* a * b, or UINT64_MAX when that overflows: sizes from declared shapes never wrap. */
uint64_t rc_budget_mul(uint64_t a, uint64_t b);

/* rc_json — a small streaming JSON writer (manifest, report, trace, inspect --json): keys in
 * the order written, numbers printed so they read back exactly (%.17g), strings escaped. */
typedef struct rc_json {
    FILE *f;
    int depth;
    int first[64];  /* per nesting level: no element written yet */
    int after_key;
    int error;      /* a write failed (checked once at the end) */
} rc_json;

void rc_json_init(rc_json *j, FILE *f);
void rc_json_object_begin(rc_json *j);
void rc_json_object_end(rc_json *j);
void rc_json_array_begin(rc_json *j);
void rc_json_array_end(rc_json *j);
void rc_json_key(rc_json *j, const char *key);
void rc_json_string(rc_json *j, const char *s);
void rc_json_int(rc_json *j, int64_t v);
void rc_json_uint(rc_json *j, uint64_t v);
void rc_json_double(rc_json *j, double v); /* NaN/Inf are written as null */
void rc_json_bool(rc_json *j, int v);
void rc_json_null(rc_json *j);
/* Ends the document with a newline; returns 0, or -1 if any write failed. */
int rc_json_finish(rc_json *j);

/* rc_json_read — the JSON reader (RFC 8259) for what we wrote ourselves: manifests read back
 * by verify and merge-manifests (writer/rc_writer.h).  It builds a tree; numbers keep
 * their literal so integers read back exactly.  Errors name the line and column, what was
 * expected and what was found. */
typedef enum rc_jv_type { RC_JV_NULL, RC_JV_BOOL, RC_JV_NUMBER, RC_JV_STRING, RC_JV_ARRAY, RC_JV_OBJECT } rc_jv_type;

typedef struct rc_jv {
    rc_jv_type type;
    int boolean;
    double number;
    char *text;          /* string (UTF-8, NUL-terminated) or the number's literal; owned */
    struct rc_jv *items; /* [n] array elements or object values; owned */
    char **keys;         /* [n] object keys; owned */
    size_t n;
} rc_jv;

/* Parses text[len] into *out (free with rc_jv_free).  RC_E_IO when it is not valid JSON (err
 * names line and column). */
rc_status rc_json_read_text(const char *text, size_t len, rc_jv **out, rc_err *err);
void rc_jv_free(rc_jv *v); /* accepts NULL */

/* The value of key in an object, or NULL (v NULL or not an object, or no such key). */
const rc_jv *rc_jv_get(const rc_jv *v, const char *key);
/* The string of key in an object, or NULL when missing or not a string. */
const char *rc_jv_get_string(const rc_jv *v, const char *key);
/* *out = the integer of key in an object; -1 when missing or not an integer literal. */
int rc_jv_get_int(const rc_jv *v, const char *key, int64_t *out);

/* rc_sha256 — SHA-256 (FIPS 180-4) for content digests, spec digests and the split hash,
 * computed by OpenSSL's libcrypto through its EVP digest interface (which uses the CPU's SHA
 * extensions or AVX2 where present).  Every rc_sha256_init is paired with one rc_sha256_final,
 * which releases the context.  libcrypto fails here only when it cannot allocate a few hundred
 * bytes of context; the functions then print why and abort, as no digest can be given. */
struct evp_md_ctx_st; /* libcrypto's EVP_MD_CTX */

typedef struct rc_sha256 {
    struct evp_md_ctx_st *ctx;
} rc_sha256;

void rc_sha256_init(rc_sha256 *c);
void rc_sha256_update(rc_sha256 *c, const void *data, size_t n);
void rc_sha256_final(rc_sha256 *c, uint8_t out[32]);
void rc_sha256_hex(const uint8_t digest[32], char hex[65]);
/* One-shot: hex digest of data[n]. */
void rc_sha256_of(const void *data, size_t n, char hex[65]);

/* rc_le_io — 64-bit little-endian integers to and from a stdio file, for the binary state files
 * (statistics) that must read the same on every machine. */

/* 0 on success, -1 when the write fails. */
static inline int rc_le_put_u64(FILE *f, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
    return fwrite(b, 1, 8, f) == 8 ? 0 : -1;
}

/* 0 on success, -1 at end of file or on a read error. */
static inline int rc_le_get_u64(FILE *f, uint64_t *v)
{
    uint8_t b[8];
    if (fread(b, 1, 8, f) != 8) return -1;
    *v = 0;
    for (int i = 0; i < 8; i++) *v |= (uint64_t)b[i] << (8 * i);
    return 0;
}

/* rc_utf8 — UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF).  Names we write into JSON and JSON we read back must be UTF-8. */

/* Bytes of the valid UTF-8 sequence at s[0..n) (1 to 4), or 0 when s does not start one. */
size_t rc_utf8_seq(const char *s, size_t n);
/* Bytes of the longest valid UTF-8 prefix of s[0..n): n when all of it is valid. */
size_t rc_utf8_valid_len(const char *s, size_t n);

/* rc_isolate — work on an untrusted file done in a child process, so that a crash of a library
 * (HDF5 on a damaged file) ends only that child and becomes an input error naming the file
 * (docs/RELIABILITY.md).  Two forms: a session (rc_isolate_open: a forked child answers requests
 * through pipes, one per input file, and is forked again after a crash) and a whole command
 * (rc_isolate_command: the command runs in a child with its standard output held back until it
 * ends, and the file it was reading when it crashed comes from rc_isolate_note).  In-process mode
 * (rc_isolate_set_in_process, `run --readers 0`) runs both in this process: no crash isolation,
 * no child processes. */
/* The bytes a call hands back; rc_isolate_put appends (0, or -1 when out of memory). */
typedef struct rc_isolate_out {
    unsigned char *p;
    size_t n, cap;
} rc_isolate_out;
int rc_isolate_put(rc_isolate_out *o, const void *p, size_t n);

/* What a session's child does with one request (req: n bytes; ctx: as at rc_isolate_open). */
typedef rc_status (*rc_isolate_fn)(const void *ctx, const void *req, size_t n, rc_isolate_out *out, rc_err *err);

/* 1: calls and commands run in this process (set once, before any call). */
void rc_isolate_set_in_process(int on);
int rc_isolate_in_process(void);

/* A child process that answers requests with fn, one at a time: forked at the first request
 * (from this process as it is then: call it while no other thread is inside a library the child
 * uses; ctx must not change while the session is open) and forked again after one died. */
typedef struct rc_isolate_session rc_isolate_session;
rc_status rc_isolate_open(rc_isolate_fn fn, const void *ctx, rc_isolate_session **out, rc_err *err);
/* Has the child answer req about file.  On RC_OK, *res (rc_free) holds its *rn bytes (checked
 * against the memory budget before they are taken).  fn's own error comes back as it made it.  A
 * child that dies or breaks off is RC_E_INPUT scoped to file: "the HDF5 library crashed ...", with
 * the signal; the next request gets a fresh child. */
rc_status rc_isolate_ask(rc_isolate_session *ss, const char *file, const void *req, size_t n, void **res, size_t *rn,
                         rc_err *err);
/* Ends the child (accepts NULL). */
void rc_isolate_close(rc_isolate_session *ss);

/* Takes the error a child process made (status st, error from) into *err as if made here: every
 * string ends inside its field, a status out of range is RC_E_INPUT.  Returns the status. */
rc_status rc_isolate_err_take(rc_err *err, const rc_err *from, int32_t st);

/* Runs body(argc, argv) in a child process and returns its exit status; its standard output is
 * written out only when it ends without a crash.  A crash (SIGSEGV, SIGBUS, SIGABRT, SIGFPE,
 * SIGILL) is exit 2 with an error naming the file last noted; a signal sent to this process goes
 * on to the child, and the child's end by it is this process's. */
int rc_isolate_command(int (*body)(int, char **), int argc, char **argv);

/* The first call of a child process that reads untrusted files (forked by parent): it is killed
 * when parent ends, leaves no core file when it crashes, and ignores SIGPIPE and, when
 * ignore_signals, SIGINT, SIGTERM and SIGHUP (the parent decides what those mean). */
void rc_isolate_child(pid_t parent, int ignore_signals);

/* Records file as the one being read, for rc_isolate_command's error (no-op elsewhere). */
void rc_isolate_note(const char *file);

#endif
