/*
 * Address waits over RtlWaitOnAddress / WakeByAddress*.
 *
 * These are the cheapest blocking primitives Windows offers: they stay in
 * user space until a real sleep is needed, and under Wine they map to host
 * futexes instead of wineserver round trips.  The wait is ntdll's, whose
 * timeout is in 100 ns units: WaitOnAddress takes whole milliseconds, which
 * rounded up would make every timed wait (the timer duty's among them) end
 * up to 1 ms late.
 */

#include "sys.h"

/* ntdll.dll, Windows 8 and later; not in mingw-w64's headers. */
NTSYSAPI NTSTATUS NTAPI RtlWaitOnAddress(const void *addr, const void *compare, SIZE_T size,
                                         const LARGE_INTEGER *timeout);

NTSTATUS futex_wait(atomic_int *addr, int expected, LONGLONG deadline)
{
    LARGE_INTEGER timeout;
    LONGLONG now;

    if (deadline == TIMEOUT_INFINITE)
    {
        RtlWaitOnAddress((const void *)addr, &expected, sizeof(expected), NULL);
        return STATUS_SUCCESS;
    }
    if ((now = clock_monotonic()) >= deadline) return STATUS_TIMEOUT;
    timeout.QuadPart = now - deadline;   /* negative: relative */
    if (RtlWaitOnAddress((const void *)addr, &expected, sizeof(expected), &timeout) == STATUS_TIMEOUT &&
        clock_monotonic() >= deadline)
        return STATUS_TIMEOUT;
    return STATUS_SUCCESS;
}

void futex_wake_one(atomic_int *addr)
{
    WakeByAddressSingle((void *)addr);
}

void futex_wake_all(atomic_int *addr)
{
    WakeByAddressAll((void *)addr);
}
