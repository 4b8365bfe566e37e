/*
 * What the resource failure tests (test_fault.c) share with the exports
 * they call (fault_subjects.c).
 */

#ifndef TPOOL_TEST_FAULT_H
#define TPOOL_TEST_FAULT_H

#include "test_util.h"
#include "tpoolnt.h"
#include "fault.h"

/* More allocations than any export makes: the sweep must end before. */
#define MAX_FAULTS 64

static inline void fault_counts(struct tpool_fault_counts *counts)
{
    tpool_fault_counts(counts);
}

static inline LONG live_allocations(void)
{
    struct tpool_fault_counts counts;

    fault_counts(&counts);
    return counts.live_allocations;
}

static inline ULONG injected(void)
{
    struct tpool_fault_counts counts;

    fault_counts(&counts);
    return counts.injected;
}

/* Objects and pools are freed by their last worker a little after the
 * application let go of them: poll, with the usual bound.  Blocks freed in
 * the background (an idle wait thread of the DLL) only lower the count.
 * The verdict is the reading that ended the poll: a later one may catch a
 * block the background holds for a moment (a pool freeing the memory it
 * kept counts each block alive again just before freeing it). */
static inline void assert_no_leak(LONG baseline)
{
    LONG live = live_allocations();
    int i;

    for (i = 0; i < TEST_TIMEOUT / 10 && live > baseline; i++)
    {
        Sleep(10);
        live = live_allocations();
    }
    if (live > baseline)
        fail_msg("%ld blocks alive, %ld before", (long)live, (long)baseline);
}

/* ---- What the subjects work with ------------------------------------------ */

struct subject
{
    PTP_POOL pool;               /* a fresh pool for each attempt */
    TP_CALLBACK_ENVIRON env;
    PTP_CLEANUP_GROUP group;
    HANDLE ran;                  /* set by the callbacks */
    HANDLE file;                 /* a fresh overlapped handle, for I/O */
#ifdef _WIN32
    HANDLE client;
#endif
    void *made;                  /* what a successful attempt created */
};

void subject_setup(struct subject *s);
void subject_teardown(struct subject *s);
void WINAPI simple_callback(PTP_CALLBACK_INSTANCE instance, void *context);
void WINAPI work_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work);
void WINAPI io_callback(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                        ULONG result, ULONG_PTR bytes, PTP_IO io);

/* ---- The exports that can fail ------------------------------------------- */

/* Each attempt returns 0 on success, otherwise the last error (Win32
 * names) or the NTSTATUS (Tp* and Rtl* names); undo releases what a
 * successful attempt made. */
struct fallible
{
    const char *name;
    DWORD (*attempt)(struct subject *s);
    void (*undo)(struct subject *s);
    DWORD failure;
};

extern const struct fallible fallibles[];
extern const size_t fallible_count;
DWORD try_submit_callback(struct subject *s);

#endif
