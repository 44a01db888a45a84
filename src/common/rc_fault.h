/* rc_fault.h — fault injection for the reliability tests (docs/RELIABILITY.md).  Built only with
 * `configure --enable-fault-injection`: then the environment variable RC_FAULT=KIND:N (KIND one
 * of alloc, write, fsync, rename) makes the Nth such operation of the process fail, once, as the
 * system would fail it (NULL from the allocator, -1 with EIO or ENOSPC), and says so on stderr.
 * In every other build rc_fault_hit is the constant 0 and costs nothing. */
#ifndef RC_FAULT_H
#define RC_FAULT_H

typedef enum rc_fault_kind { RC_FAULT_ALLOC = 0, RC_FAULT_WRITE, RC_FAULT_FSYNC, RC_FAULT_RENAME } rc_fault_kind;

#ifdef RC_FAULT_INJECTION
/* 1 when this operation of kind k is the one RC_FAULT selects (thread-safe). */
int rc_fault_hit(rc_fault_kind k);
#else
#define rc_fault_hit(k) 0
#endif

#endif
