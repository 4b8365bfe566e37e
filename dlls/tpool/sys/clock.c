/* Layer 1: deadlines, over either backend's clocks (clock_posix.c,
 * clock_win32.c). */

#include "sys.h"

static LONGLONG deadline_after(LONGLONG now, LONGLONG ticks)
{
    if (ticks >= TIMEOUT_INFINITE - now) return TIMEOUT_INFINITE;
    return now + ticks;
}

LONGLONG clock_deadline_from_nt(const LARGE_INTEGER *timeout)
{
    LONGLONG now, system;

    if (!timeout) return TIMEOUT_INFINITE;
    now = clock_monotonic();
    if (timeout->QuadPart < 0)
    {
        if (timeout->QuadPart == -TIMEOUT_INFINITE - 1) return TIMEOUT_INFINITE;
        return deadline_after(now, -timeout->QuadPart);
    }
    /* Absolute system time: later changes of the wall clock are not followed. */
    system = clock_system();
    if (timeout->QuadPart <= system) return now;
    return deadline_after(now, timeout->QuadPart - system);
}

LONGLONG clock_deadline_from_ms(DWORD ms)
{
    if (ms == INFINITE) return TIMEOUT_INFINITE;
    return clock_monotonic() + (LONGLONG)ms * TICKS_PER_MS;
}
