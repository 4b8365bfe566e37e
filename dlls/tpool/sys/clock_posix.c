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
