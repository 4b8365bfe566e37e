/*
 * Layer 1: the checked mode.
 *
 * With TPOOL_CHECKED=1 in the environment (read once), every callback is
 * followed by the checks Application Verifier makes on Windows' pool
 * threads, as far as they apply: the callback must leave its thread's
 * priority, affinity and impersonation as it found them, and must not
 * return holding a critical section or owning a mutex (natively only,
 * where tpool implements both).  Each difference is reported on stderr,
 * naming the callback and its object; then the first one is raised, as an
 * Application Verifier stop ends the process.
 *
 * TPOOL_CHECKED=locks turns on only the lock order checks (lock.c), which
 * TPOOL_CHECKED=1 includes; they are set when the library loads.  The
 * callback checks are read at the first callback (a forked child may set
 * the variable before).
 */

#include <inttypes.h>
#include <string.h>

#include "sys.h"
#include "report.h"

static atomic_int checked_mode = -1;    /* -1 until the environment is read */

static BOOL checked_mode_enabled(void)
{
    int mode = atomic_load_explicit(&checked_mode, memory_order_relaxed);

    if (mode < 0)
    {
        mode = checked_mode_requested() == CHECKED_ALL;
        atomic_store_explicit(&checked_mode, mode, memory_order_relaxed);
    }
    return mode;
}

void checked_mode_load(void)
{
    lock_checking = checked_mode_requested() != CHECKED_OFF;
}

BOOL thread_snapshot_take(struct thread_snapshot *snapshot)
{
    if (!checked_mode_enabled())
        return FALSE;
    memset(snapshot, 0, sizeof(*snapshot));
    thread_snapshot_read(snapshot);
    return TRUE;
}

struct violations
{
    const void *callback;
    const void *object;
    NTSTATUS first;
};

/* Reports one difference; `format` takes the two numbers in their order. */
static void violation(struct violations *violations, NTSTATUS status, const char *format,
                      long first, long second)
{
    char problem[96], line[256];

    text_format(problem, sizeof(problem), format, first, second);
    text_format(line, sizeof(line), "tpool: checked mode: callback 0x%" PRIxPTR " of object 0x%" PRIxPTR
             " %s\n", (uintptr_t)violations->callback, (uintptr_t)violations->object, problem);
    report_write(line);
    if (!violations->first)
        violations->first = status;
}

void thread_snapshot_check(const struct thread_snapshot *before, const void *callback,
                           const void *object)
{
    struct violations violations = { callback, object, STATUS_SUCCESS };
    struct thread_snapshot after;
    ULONG_PTR parameters[2] = { (ULONG_PTR)callback, (ULONG_PTR)object };

    memset(&after, 0, sizeof(after));
    thread_snapshot_read(&after);
    if (after.impersonating != before->impersonating)
        violation(&violations, STATUS_CALLBACK_RETURNED_WHILE_IMPERSONATING,
                  "returned with its thread impersonating a client", 0, 0);
    if (after.priority != before->priority)
        violation(&violations, STATUS_CALLBACK_RETURNED_THREAD_PRIORITY,
                  "changed its thread's priority from %ld to %ld", before->priority, after.priority);
    else if (after.policy != before->policy)
        violation(&violations, STATUS_CALLBACK_RETURNED_THREAD_PRIORITY,
                  "changed its thread's scheduling policy", 0, 0);
    if (after.affinity_group != before->affinity_group ||
        memcmp(after.affinity, before->affinity, sizeof(after.affinity)))
        violation(&violations, STATUS_ASSERTION_FAILURE,
                  "changed its thread's processor affinity", 0, 0);
    if (after.critical_sections != before->critical_sections)
        violation(&violations, STATUS_ASSERTION_FAILURE,
                  "returned holding %ld critical section(s) (%ld when called)",
                  after.critical_sections, before->critical_sections);
    if (after.mutexes != before->mutexes)
        violation(&violations, STATUS_ASSERTION_FAILURE,
                  "returned owning %ld mutex(es) (%ld when called)", after.mutexes, before->mutexes);
    if (violations.first)
        exception_raise_with(violations.first, "checked mode: the callback left its thread changed",
                             2, parameters);
}
