/* rc_isolate.h — work on an untrusted file done in a child process, so that a crash of a library
 * (HDF5 on a damaged file) ends only that child and becomes an input error naming the file
 * (docs/RELIABILITY.md).  Two forms: a call (rc_isolate_call: a function run in a forked child,
 * its result handed back as bytes through a pipe) and a whole command (rc_isolate_command: the
 * command runs in a child with its standard output held back until it ends, and the file it was
 * reading when it crashed comes from rc_isolate_note).  In-process mode (rc_isolate_set_in_process,
 * `run --readers 0`) runs both in this process: no crash isolation, no child processes. */
#ifndef RC_ISOLATE_H
#define RC_ISOLATE_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_error.h"

/* The bytes a call hands back; rc_isolate_put appends (0, or -1 when out of memory). */
typedef struct rc_isolate_out {
    unsigned char *p;
    size_t n, cap;
} rc_isolate_out;
int rc_isolate_put(rc_isolate_out *o, const void *p, size_t n);

typedef rc_status (*rc_isolate_fn)(void *arg, rc_isolate_out *out, rc_err *err);

/* 1: calls and commands run in this process (set once, before any call). */
void rc_isolate_set_in_process(int on);
int rc_isolate_in_process(void);

/* Runs fn(arg) in a child process forked from this one (call it while no other thread is inside a
 * library the child uses).  On RC_OK, *res (rc_free) holds its *n bytes (checked against the memory
 * budget before they are taken).  fn's own error comes back as it made it.  A child that dies or
 * breaks off is RC_E_INPUT scoped to file: "the HDF5 library crashed ...", with the signal. */
rc_status rc_isolate_call(const char *file, rc_isolate_fn fn, void *arg, void **res, size_t *n, rc_err *err);

/* Takes the error a child process made (status st, error from) into *err as if made here: every
 * string ends inside its field, a status out of range is RC_E_INPUT.  Returns the status. */
rc_status rc_isolate_err_take(rc_err *err, const rc_err *from, int32_t st);

/* Runs body(argc, argv) in a child process and returns its exit status; its standard output is
 * written out only when it ends without a crash.  A crash (SIGSEGV, SIGBUS, SIGABRT, SIGFPE,
 * SIGILL) is exit 2 with an error naming the file last noted; a signal sent to this process goes
 * on to the child, and the child's end by it is this process's. */
int rc_isolate_command(int (*body)(int, char **), int argc, char **argv);

/* Records file as the one being read, for rc_isolate_command's error (no-op elsewhere). */
void rc_isolate_note(const char *file);

#endif
