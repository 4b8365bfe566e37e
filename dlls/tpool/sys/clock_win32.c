/*
 * Clocks over QueryPerformanceCounter (monotonic) and
 * GetSystemTimePreciseAsFileTime (system time, already in FILETIME units).
 */

#include "sys.h"

#define TICKS_PER_SECOND 10000000

static LONGLONG qpc_frequency(void)
{
    static atomic_llong cached;  /* 0 until first read; every thread finds the same value */
    LONGLONG frequency = atomic_load_explicit(&cached, memory_order_relaxed);
    LARGE_INTEGER value;

    if (!frequency)
    {
        QueryPerformanceFrequency(&value);
        frequency = value.QuadPart;
        atomic_store_explicit(&cached, frequency, memory_order_relaxed);
    }
    return frequency;
}

LONGLONG clock_monotonic(void)
{
    LARGE_INTEGER counter;
    LONGLONG frequency = qpc_frequency();

    QueryPerformanceCounter(&counter);
    if (frequency == TICKS_PER_SECOND) return counter.QuadPart;
    /* Split to keep counter * TICKS_PER_SECOND from overflowing. */
    return counter.QuadPart / frequency * TICKS_PER_SECOND +
           counter.QuadPart % frequency * TICKS_PER_SECOND / frequency;
}

LONGLONG clock_system(void)
{
    FILETIME ft;

    GetSystemTimePreciseAsFileTime(&ft);
    return (LONGLONG)(((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime);
}

/* An address wait that nothing wakes: its timeout is in 100 ns units,
 * where Sleep counts whole milliseconds. */
void clock_sleep_until(LONGLONG deadline)
{
    static atomic_int never_changes;

    if (deadline == TIMEOUT_INFINITE)
    {
        for (;;) Sleep(INFINITE);
    }
    while (futex_wait(&never_changes, 0, deadline) != STATUS_TIMEOUT)
        ;
}
