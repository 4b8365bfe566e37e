/*
 * Helpers of the layer 1 tests (test_primitives.c, test_port.c).
 *
 * Threads synchronize through the primitives themselves; deadlines only
 * turn a hang into a failure, except where a timeout is the behaviour under
 * test.  Helper threads never call CMocka (its failures jump out of the
 * test function): they record what they saw in static contexts, which stay
 * valid even if the test that started them fails.
 */

#ifndef TPOOL_TESTS_PRIMITIVES_H
#define TPOOL_TESTS_PRIMITIVES_H

#include "sys.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LONG_WAIT  (10 * 1000 * (LONGLONG)TICKS_PER_MS)
#define SHORT_WAIT (10 * (LONGLONG)TICKS_PER_MS)
#define EXPIRED    ((LONGLONG)0)

static inline LONGLONG long_deadline(void)
{
    return clock_monotonic() + LONG_WAIT;
}

static inline LONGLONG short_deadline(void)
{
    return clock_monotonic() + SHORT_WAIT;
}

/* 0, 0.5 us, 5 us, 100 us: short enough to race with matches and hand-offs. */
static inline LONGLONG tiny_deadline(unsigned int round)
{
    static const LONGLONG ticks[] = { 0, 5, 50, 1000 };
    return clock_monotonic() + ticks[round % 4];
}

static inline void count_up(atomic_int *value)
{
    atomic_fetch_add(value, 1);
    futex_wake_all(value);
}

/* Waits until *value reaches target; returns the value last seen. */
static inline int wait_for_count(atomic_int *value, int target, LONGLONG deadline)
{
    int current;

    while ((current = atomic_load(value)) < target)
        if (futex_wait(value, current, deadline) == STATUS_TIMEOUT) return atomic_load(value);
    return current;
}

/* For helper loops: TRUE, with a failure counted, once the guard passed. */
static inline int guard_passed(LONGLONG guard, atomic_int *failures)
{
    if (clock_monotonic() < guard) return 0;
    atomic_fetch_add(failures, 1);
    return 1;
}

static inline void start_thread(thread_entry entry, void *arg)
{
    assert_int_equal(thread_start(entry, arg, "test-thread", 0, 0), STATUS_SUCCESS);
}

/* Leaves whatever port a failed test left the main thread running on. */
static inline int reset_thread_state(void **test_state)
{
    struct thread_state *state = thread_state_current();

    while (state->blocked) thread_blocking_end();
    if (state->port) port_leave(state->port);
    return 0;
}

#endif
