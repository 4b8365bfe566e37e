/*
 * tpbench: the floors of the wait workloads, measured with the
 * benchmark's own thread and no pool.
 *
 * signal_floor: one signal.  Under Wine (and Windows) SetEvent on an
 * event nobody waits for, one server round trip: arming a wait cannot
 * cost less, since the waiting thread must hear of the new handle through
 * the server.  Natively a futex wake of a thread asleep on it.
 *
 * signal_floor_rate: how fast one thread is woken by signals.  Under Wine
 * a thread in WaitForMultipleObjects on 63 auto-reset events, the most a
 * wait thread can hold, while the main thread sets all 63 and waits for
 * it to take them, round after round; natively a thread woken by a
 * futex, one signal a round.  A pool's wait thread cannot deliver
 * signals faster than this; its callbacks then still have to run.
 */

#ifdef _WIN32
# include <windows.h>
#else
# include <linux/futex.h>
# include <sys/syscall.h>
# include <unistd.h>
#endif

#include "tpbench.h"

static atomic_long floor_taken;
static atomic_int floor_quit;

#ifdef _WIN32

#define FLOOR_HANDLES 63

static HANDLE floor_events[FLOOR_HANDLES];

static void floor_waiter(void *arg)
{
    DWORD result;

    while (!atomic_load(&floor_quit))
    {
        result = WaitForMultipleObjects(FLOOR_HANDLES, floor_events, FALSE, INFINITE);
        if (result >= WAIT_OBJECT_0 + FLOOR_HANDLES)
            bench_fail("WaitForMultipleObjects returned %lu", (unsigned long)result);
        atomic_fetch_add(&floor_taken, 1);
    }
}

static void floor_signals_init(void)
{
    int i;

    for (i = 0; i < FLOOR_HANDLES; i++)
        if (!(floor_events[i] = CreateEventA(NULL, FALSE, FALSE, NULL)))
            bench_fail("CreateEvent failed: %lu", (unsigned long)GetLastError());
}

static void floor_signals_destroy(void)
{
    int i;

    for (i = 0; i < FLOOR_HANDLES; i++)
        CloseHandle(floor_events[i]);
}

/* One round: every handle signalled once; returns the signals sent. */
static long floor_round(void)
{
    int i;

    for (i = 0; i < FLOOR_HANDLES; i++)
        SetEvent(floor_events[i]);
    return FLOOR_HANDLES;
}

static void floor_quit_waiter(void)
{
    atomic_store(&floor_quit, 1);
    SetEvent(floor_events[0]);
}

static double floor_signal_cost_ns(long signals)
{
    HANDLE event = CreateEventA(NULL, FALSE, FALSE, NULL);
    int64_t start;
    long i;

    if (!event)
        bench_fail("CreateEvent failed: %lu", (unsigned long)GetLastError());
    start = bench_now_ns();
    for (i = 0; i < signals; i++)
        SetEvent(event);
    start = bench_now_ns() - start;
    CloseHandle(event);
    return (double)start / signals;
}

#else

static atomic_int floor_word;
static atomic_llong floor_wake_ns;

static void floor_waiter(void *arg)
{
    while (!atomic_load(&floor_quit))
    {
        while (!atomic_load(&floor_word))
            syscall(SYS_futex, &floor_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
        atomic_store(&floor_word, 0);
        atomic_fetch_add(&floor_taken, 1);
    }
}

static void floor_signals_init(void)
{
    atomic_store(&floor_word, 0);
    atomic_store(&floor_wake_ns, 0);
}

static void floor_signals_destroy(void)
{
}

static void floor_wake(void)
{
    int64_t start;

    atomic_store(&floor_word, 1);
    start = bench_now_ns();
    syscall(SYS_futex, &floor_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    atomic_fetch_add(&floor_wake_ns, bench_now_ns() - start);
}

/* One round: the sleeping thread woken once. */
static long floor_round(void)
{
    floor_wake();
    return 1;
}

static void floor_quit_waiter(void)
{
    atomic_store(&floor_quit, 1);
    atomic_store(&floor_word, 1);
    syscall(SYS_futex, &floor_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* The wakes timed in the rate's rounds: the waiter was asleep for most. */
static double floor_signal_cost_ns(long signals)
{
    return (double)atomic_load(&floor_wake_ns) / signals;
}

#endif

void measure_signal_floor(const struct bench_config *config, long signals)
{
    struct bench_thread *thread;
    int64_t start, deadline;
    long sent = 0;

    atomic_store(&floor_taken, 0);
    atomic_store(&floor_quit, 0);
    floor_signals_init();
    thread = bench_thread_start(floor_waiter, NULL);
    start = bench_now_ns();
    deadline = start + (int64_t)COMPLETION_TIMEOUT_MS * 1000000;
    while (sent < signals)
    {
        sent += floor_round();
        while (atomic_load(&floor_taken) < sent)
            if (bench_now_ns() > deadline)
                bench_fail("signal floor: %ld of %ld signals taken", (long)atomic_load(&floor_taken), sent);
    }
    bench_result("signal_floor_rate", "callbacks/s", HIGHER_IS_BETTER, sent * 1e9 / (bench_now_ns() - start));
    floor_quit_waiter();
    bench_thread_join(thread);
    floor_signals_destroy();
    bench_result("signal_floor", "us", LOWER_IS_BETTER, floor_signal_cost_ns(sent) / 1000);
}
