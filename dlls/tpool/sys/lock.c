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

/* Takes the lock as `taken` (1, or 2 for a thread that slept on it). */
static int lock_try_spin(struct lock *lock, int taken)
{
    int spin, expected;

    for (spin = 0; spin < LOCK_SPIN_COUNT; spin++)
    {
        expected = 0;
        if (atomic_load_explicit(&lock->state, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_weak_explicit(&lock->state, &expected, taken,
                                                  memory_order_acquire, memory_order_relaxed))
            return 1;
        cpu_relax();
    }
    return 0;
}

/* A woken thread spins again before it sleeps again: a thread that takes
 * the lock over and over with a little work between (a loop setting
 * timers) frees it more often than a wake-up takes, and a woken thread
 * that only looked once lost it every time (a timer expiry waited 2 ms
 * for a loop of 10,000 SetThreadpoolTimer calls to end, under Wine). */
void lock_acquire_slow(struct lock *lock)
{
    if (lock_try_spin(lock, 1)) return;

    while (atomic_exchange_explicit(&lock->state, 2, memory_order_acquire) != 0)
    {
        futex_wait(&lock->state, 2, TIMEOUT_INFINITE);
        if (lock_try_spin(lock, 2)) return;
    }
}

void lock_release_slow(struct lock *lock)
{
    futex_wake_one(&lock->state);
}
