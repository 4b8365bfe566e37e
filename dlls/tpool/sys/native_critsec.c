/*
 * Native critical sections, with the fields of RTL_CRITICAL_SECTION used as
 * NT uses them.
 *
 * LockCount is -1 while the section is free and counts the threads that
 * want it beyond the first: entering increments it, and a thread that does
 * not move it from -1 (and is not the owner) sleeps on the default keyed
 * event, keyed by the section's address.  Leaving decrements it; a result
 * that is still >= 0 means a thread has announced itself, and the leaving
 * thread hands the section over to it with a keyed event release.  The
 * release waits for its partner, so a waiter that has incremented the
 * count but not yet gone to sleep cannot be missed.
 *
 * OwningThread is the owner's thread id, RecursionCount how many times it
 * entered.  There is no LockSemaphore, and DebugInfo is (void *)-1, as for
 * sections that modern Windows creates without debug information.
 * Each thread counts the sections it holds, for the checked mode.
 */

#include "sys.h"

#define NO_DEBUG_INFO           ((PRTL_CRITICAL_SECTION_DEBUG)(LONG_PTR)-1)
#define SPIN_COUNT_FLAGS        0x80000000  /* "preallocate the event" of old Windows */

static HANDLE current_owner(void)
{
    return (HANDLE)(ULONG_PTR)GetCurrentThreadId();
}

/* Other threads read OwningThread only to see that it is not theirs. */
static HANDLE owner_get(const CRITICAL_SECTION *crit)
{
    return __atomic_load_n(&crit->OwningThread, __ATOMIC_RELAXED);
}

static void owner_set(CRITICAL_SECTION *crit, HANDLE owner)
{
    __atomic_store_n(&crit->OwningThread, owner, __ATOMIC_RELAXED);
}

BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION crit, DWORD spin_count)
{
    crit->DebugInfo = NO_DEBUG_INFO;
    crit->LockCount = -1;
    crit->RecursionCount = 0;
    crit->OwningThread = NULL;
    crit->LockSemaphore = NULL;
    /* Spinning cannot help while the owner waits for the only processor. */
    spin_count &= ~SPIN_COUNT_FLAGS;
    crit->SpinCount = spin_count && thread_cpu_count() > 1 ? spin_count : 0;
    return TRUE;
}

void WINAPI InitializeCriticalSection(LPCRITICAL_SECTION crit)
{
    InitializeCriticalSectionAndSpinCount(crit, 0);
}

void WINAPI DeleteCriticalSection(LPCRITICAL_SECTION crit)
{
    crit->LockCount = -1;
    crit->RecursionCount = 0;
    crit->OwningThread = NULL;
    crit->DebugInfo = NULL;
}

BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION crit)
{
    HANDLE self = current_owner();
    LONG free = -1;

    if (__atomic_compare_exchange_n(&crit->LockCount, &free, 0, FALSE,
                                    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
    {
        owner_set(crit, self);
        crit->RecursionCount = 1;
        thread_state_current()->critical_sections++;
        return TRUE;
    }
    if (owner_get(crit) == self)
    {
        __atomic_add_fetch(&crit->LockCount, 1, __ATOMIC_RELAXED);
        crit->RecursionCount++;
        return TRUE;
    }
    return FALSE;
}

/* Spins while the section is held without waiters, hoping for a release. */
static BOOL spin_for_section(CRITICAL_SECTION *crit)
{
    ULONG_PTR count;

    for (count = crit->SpinCount; count; count--)
    {
        LONG lock_count = __atomic_load_n(&crit->LockCount, __ATOMIC_RELAXED);
        LONG free = -1;

        if (lock_count > 0) break;  /* others already wait: queue behind them */
        if (lock_count == -1 &&
            __atomic_compare_exchange_n(&crit->LockCount, &free, 0, FALSE,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return TRUE;
        cpu_relax();
    }
    return FALSE;
}

void WINAPI EnterCriticalSection(LPCRITICAL_SECTION crit)
{
    HANDLE self = current_owner();

    if (crit->SpinCount)
    {
        if (TryEnterCriticalSection(crit)) return;
        if (spin_for_section(crit)) goto owned;
    }

    if (__atomic_add_fetch(&crit->LockCount, 1, __ATOMIC_ACQUIRE))
    {
        if (owner_get(crit) == self)
        {
            crit->RecursionCount++;
            return;
        }
        thread_blocking_begin();
        keyed_event_wait(keyed_event_default(), crit, TIMEOUT_INFINITE);
        thread_blocking_end();
    }
owned:
    owner_set(crit, self);
    crit->RecursionCount = 1;
    thread_state_current()->critical_sections++;
}

void WINAPI LeaveCriticalSection(LPCRITICAL_SECTION crit)
{
    if (crit->RecursionCount <= 0) return;  /* not entered: nothing to undo */

    if (--crit->RecursionCount)
    {
        __atomic_sub_fetch(&crit->LockCount, 1, __ATOMIC_RELAXED);
        return;
    }
    owner_set(crit, NULL);
    thread_state_current()->critical_sections--;
    if (__atomic_sub_fetch(&crit->LockCount, 1, __ATOMIC_RELEASE) >= 0)
        keyed_event_release(keyed_event_default(), crit, TIMEOUT_INFINITE);
}
