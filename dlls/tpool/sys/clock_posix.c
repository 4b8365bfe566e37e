/*
 * Clocks over clock_gettime(): CLOCK_MONOTONIC for deadlines (the clock
 * FUTEX_WAIT_BITSET measures) and CLOCK_REALTIME for system time.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "sys.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

#define TICKS_PER_SECOND    10000000
#define TICKS_1601_TO_1970  116444736000000000LL

static LONGLONG timespec_to_ticks(const struct timespec *ts)
{
    return (LONGLONG)ts->tv_sec * TICKS_PER_SECOND + ts->tv_nsec / 100;
}

LONGLONG clock_monotonic(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return timespec_to_ticks(&ts);
}

LONGLONG clock_system(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return timespec_to_ticks(&ts) + TICKS_1601_TO_1970;
}

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

void clock_sleep_until(LONGLONG deadline)
{
    struct timespec ts;

    if (deadline == TIMEOUT_INFINITE)
    {
        for (;;) pause();
    }
    if (deadline < 0) deadline = 0;
    ts.tv_sec = deadline / TICKS_PER_SECOND;
    ts.tv_nsec = (deadline % TICKS_PER_SECOND) * 100;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}
