/*
 * Slow paths of the futex mutex declared in sys.h.
 *
 * The state word is 0 (free), 1 (locked) or 2 (locked, a thread may sleep
 * on it).  A contended acquirer spins for a short while, since critical
 * sections in the pool are a few dozen instructions, then marks the lock 2
 * and sleeps.  The owner wakes one sleeper when it releases a lock in
 * state 2; the woken thread takes the lock as 2 again, since it cannot know
 * whether others still sleep.
 */

#include "sys.h"

#define LOCK_SPIN_COUNT 100

static int lock_try_spin(struct lock *lock)
{
    int spin, expected;

    for (spin = 0; spin < LOCK_SPIN_COUNT; spin++)
    {
        expected = 0;
        if (atomic_load_explicit(&lock->state, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_weak_explicit(&lock->state, &expected, 1,
                                                  memory_order_acquire, memory_order_relaxed))
            return 1;
        cpu_relax();
    }
    return 0;
}

void lock_acquire_slow(struct lock *lock)
{
    if (lock_try_spin(lock)) return;

    while (atomic_exchange_explicit(&lock->state, 2, memory_order_acquire) != 0)
        futex_wait(&lock->state, 2, TIMEOUT_INFINITE);
}

void lock_release_slow(struct lock *lock)
{
    futex_wake_one(&lock->state);
}
