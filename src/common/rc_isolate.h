/* rc_isolate.h — work on an untrusted file done in a child process, so that a crash of a library
 * (HDF5 on a damaged file) ends only that child and becomes an input error naming the file
 * (docs/RELIABILITY.md).  Two forms: a session (rc_isolate_open: a forked child answers requests
 * through pipes, one per input file, and is forked again after a crash) and a whole command (rc_isolate_command: the
 * command runs in a child with its standard output held back until it ends, and the file it was
 * reading when it crashed comes from rc_isolate_note).  In-process mode (rc_isolate_set_in_process,
 * `run --readers 0`) runs both in this process: no crash isolation, no child processes. */
#ifndef RC_ISOLATE_H
#define RC_ISOLATE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/rc_error.h"

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
