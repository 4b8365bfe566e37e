/*
 * Address waits over Linux futex(2).
 *
 * FUTEX_WAIT_BITSET takes an absolute deadline on CLOCK_MONOTONIC, the
 * clock of clock_monotonic(), so a wait that is interrupted and restarted
 * does not stretch its timeout.  All futexes are process private.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "sys.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long futex_call(atomic_int *addr, int op, int val, const struct timespec *timeout,
                       unsigned int bitset)
{
    return syscall(SYS_futex, addr, op | FUTEX_PRIVATE_FLAG, val, timeout, NULL, bitset);
}

NTSTATUS futex_wait(atomic_int *addr, int expected, LONGLONG deadline)
{
    struct timespec ts, *timeout = NULL;

    if (deadline != TIMEOUT_INFINITE)
    {
        if (deadline < 0) deadline = 0;
        ts.tv_sec = deadline / 10000000;
        ts.tv_nsec = (deadline % 10000000) * 100;
        timeout = &ts;
    }
    if (futex_call(addr, FUTEX_WAIT_BITSET, expected, timeout, FUTEX_BITSET_MATCH_ANY) == -1 &&
        errno == ETIMEDOUT)
        return STATUS_TIMEOUT;
    return STATUS_SUCCESS;
}

void futex_wake_one(atomic_int *addr)
{
    futex_call(addr, FUTEX_WAKE, 1, NULL, 0);
}

void futex_wake_all(atomic_int *addr)
{
    futex_call(addr, FUTEX_WAKE, INT_MAX, NULL, 0);
}
