/*
 * Address waits over WaitOnAddress / WakeByAddress*.
 *
 * These are the cheapest blocking primitives Windows offers: they stay in
 * user space until a real sleep is needed, and under Wine they map to host
 * futexes instead of wineserver round trips.  The deadline is turned into
 * the remaining milliseconds, rounded up so that a wait never ends early.
 */

#include "sys.h"

static DWORD remaining_ms(LONGLONG deadline, LONGLONG now)
{
    LONGLONG ms;

    if (deadline == TIMEOUT_INFINITE) return INFINITE;
    ms = (deadline - now + TICKS_PER_MS - 1) / TICKS_PER_MS;
    if (ms >= INFINITE) return INFINITE - 1;
    return (DWORD)ms;
}

NTSTATUS futex_wait(atomic_int *addr, int expected, LONGLONG deadline)
{
    LONGLONG now = deadline == TIMEOUT_INFINITE ? 0 : clock_monotonic();

    if (deadline != TIMEOUT_INFINITE && now >= deadline) return STATUS_TIMEOUT;
    if (WaitOnAddress((volatile void *)addr, &expected, sizeof(expected),
                      remaining_ms(deadline, now)))
        return STATUS_SUCCESS;
    if (GetLastError() == ERROR_TIMEOUT && clock_monotonic() >= deadline)
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
