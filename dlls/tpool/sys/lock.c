/*
 * Slow paths of the futex mutex declared in sys.h, and the checked mode's
 * lock order checks.
 *
 * The state word is 0 (free), 1 (locked) or 2 (locked, a thread may sleep
 * on it).  A contended acquirer spins for a short while, since critical
 * sections in the pool are a few dozen instructions, then marks the lock 2
 * and sleeps.  The owner wakes one sleeper when it releases a lock in
 * state 2; the woken thread takes the lock as 2 again, since it cannot know
 * whether others still sleep.
 */

#include "sys.h"
#include "report.h"

#define LOCK_SPIN_COUNT 100

BOOL lock_checking;

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

/* ---- The checked mode --------------------------------------------------- */

/* `format` names the two locks, in their order. */
static void lock_violation(const char *format, const char *first, const char *second)
{
    char problem[160], line[224];

    text_format(problem, sizeof(problem), format, first, second);
    text_format(line, sizeof(line), "tpool: checked mode: %s\n", problem);
    checked_mode_fail(line);
}

/* Natively a lock may be taken before the thread's state exists, or after
 * it is gone (in the DLL a thread's state is freed when it detaches): the
 * state is what thread_state_current() finds or makes. */
void lock_check_acquire(struct lock *lock, BOOL sibling)
{
    struct thread_state *state = thread_state_current();
    const struct lock *top = state->locks_held ? state->held[state->locks_held - 1] : NULL;
    unsigned int i;

    for (i = 0; i < state->locks_held; i++)
        if (state->held[i] == lock)
            lock_violation("taking the %s lock again%s", lock->name, "");
    if (top && (lock->level < top->level || (lock->level == top->level && !sibling)))
        lock_violation("taking the %s lock while holding the %s lock", lock->name, top->name);
    if (state->locks_held == LOCK_HELD_MAX)
        lock_violation("taking the %s lock while holding too many, the last the %s lock", lock->name, top->name);
    state->held[state->locks_held++] = lock;
}

/* Locks may be released in any order. */
void lock_check_release(struct lock *lock)
{
    struct thread_state *state = thread_state_current();
    unsigned int i;

    for (i = state->locks_held; i-- > 0;)
    {
        if (state->held[i] != lock) continue;
        state->locks_held--;
        for (; i < state->locks_held; i++) state->held[i] = state->held[i + 1];
        return;
    }
    lock_violation("releasing the %s lock, which the thread does not hold%s", lock->name, "");
}

void lock_check_held(const struct lock *lock)
{
    struct thread_state *state = thread_state_current();
    unsigned int i;

    for (i = 0; i < state->locks_held; i++)
        if (state->held[i] == lock) return;
    lock_violation("the caller must hold the %s lock%s", lock->name, "");
}

void lock_check_none_held(const char *what)
{
    struct thread_state *state = thread_state_current();

    if (lock_checking && state->locks_held)
        lock_violation("%s while holding the %s lock", what, state->held[state->locks_held - 1]->name);
}
