/*
 * Layer 1: what tpool tells about itself: the checked mode (checked*.c),
 * reports on stderr and the shared block (report_*.c, shared_block_*.c),
 * and the trace's output (report_*.c).
 */

#ifndef TPOOL_REPORT_H
#define TPOOL_REPORT_H

#include "sys.h"

/* ---- Checked mode --------------------------------------------------------- */

/* What a callback must leave on its worker thread as it found it.  Each
 * backend fills what it can see; the rest stays zero. */
struct thread_snapshot
{
    LONG priority;               /* GetThreadPriority; natively the nice value */
    LONG policy;                 /* natively the scheduling policy and its priority */
    USHORT affinity_group;
    ULONG_PTR affinity[1024 / (8 * sizeof(ULONG_PTR))];
    BOOL impersonating;          /* in the DLL: the thread has a token */
    LONG critical_sections;      /* natively, from struct thread_state */
    LONG mutexes;
};

/* With TPOOL_CHECKED=1 (read once): takes a snapshot of the calling thread
 * and returns TRUE.  Otherwise FALSE, at the cost of one load. */
BOOL thread_snapshot_take(struct thread_snapshot *snapshot);
/* Reports on stderr each way the thread now differs from `before`, naming
 * the callback and its object, then raises the first: impersonation and
 * priority with Windows' STATUS_CALLBACK_RETURNED_*, the others with
 * STATUS_ASSERTION_FAILURE. */
void thread_snapshot_check(const struct thread_snapshot *before, const void *callback,
                           const void *object);
/* Backend parts of the checked mode (checked_*.c): what TPOOL_CHECKED
 * asks for; a report of a broken lock rule that ends the process at once
 * with STATUS_POSSIBLE_DEADLOCK (in the DLL its exit status, natively
 * reported as exception_raise() does). */
enum checked_request
{
    CHECKED_OFF,
    CHECKED_ALL,
    CHECKED_LOCKS,
};
enum checked_request checked_mode_requested(void);
void checked_mode_fail(const char *line);
void thread_snapshot_read(struct thread_snapshot *snapshot);

/* ---- Diagnostics (report_*.c, shared_block_*.c) ------------------------- */

/* Writes a line (with its newline) to the process's standard error. */
void report_write(const char *line);
/* The decimal value of the environment variable `name`, or `fallback`
 * when it is not set or not a number. */
ULONG report_env_number(const char *name, ULONG fallback);
/* The file name of the module holding `address` (e.g. "app.exe") and the
 * address's offset in it; "?" and the address itself when none does. */
void report_code_module(const void *address, char *name, SIZE_T size, ULONG_PTR *offset);
/* The process's id and the file name of its executable. */
DWORD report_process(char *name, SIZE_T size);

/* A zeroed block of `size` bytes that other processes map read-only: the
 * file tpool-PID in the directory TPOOL_SHARED_DIR names, by default
 * /dev/shm natively and C:\ProgramData\tpool in the DLL.  The process
 * holds a write lock on the file's first byte while it lives (an fcntl
 * lock natively, LockFileEx in the DLL, which Wine makes an fcntl lock of
 * the same file): a reader that can take it knows the writer is gone.
 * NULL when the block cannot be made. */
void *shared_block_create(SIZE_T size);

/* ---- Tracing (report_*.c) ------------------------------------------------ */

/* TPOOL_TRACE=1 sets trace_on when the library is loaded (natively a
 * constructor, in the DLL its entry point when the process attaches),
 * before any thread can call it; it does not change after.  trace_epoch is
 * the monotonic time then.  The trace goes to the file TPOOL_TRACE_FILE
 * names (appended), or to standard error. */
extern BOOL trace_on;
extern LONGLONG trace_epoch;
void trace_sink_open(void);
/* Writes one line at once. */
void trace_sink_write(const char *line, size_t length);

#endif
