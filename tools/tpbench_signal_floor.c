/*
 * tpbench: the floors of the wait workloads, measured with the
 * benchmark's own thread and no pool.
 *
 * signal_floor: one signal.  Under Wine (and Windows) SetEvent on an
 * event nobody waits for, one server round trip: arming a wait cannot
 * cost less, since the waiting thread must hear of the new handle through
 * the server.  Natively a futex wake of a thread asleep on it.
 *
 * signal_floor_rate: how fast one thread takes signals sent in a loop, the
 * way the wait workloads send theirs.  Under Wine a thread in
 * WaitForMultipleObjects on 63 semaphores (the most a wait thread can
 * hold; semaphores keep every signal sent before the thread takes it)
 * while the main thread releases them in turn; natively a counter raised
 * with a futex wake each time, the thread taking what it finds.  A pool's
 * wait thread cannot deliver signals faster; its callbacks then still
 * have to run.
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

static HANDLE floor_semaphores[FLOOR_HANDLES];

static void floor_waiter(void *arg)
{
    DWORD result;

    while (!atomic_load(&floor_quit))
    {
        result = WaitForMultipleObjects(FLOOR_HANDLES, floor_semaphores, FALSE, INFINITE);
        if (result >= WAIT_OBJECT_0 + FLOOR_HANDLES)
            bench_fail("WaitForMultipleObjects returned %lu", (unsigned long)result);
        atomic_fetch_add(&floor_taken, 1);
    }
}

static void floor_signals_init(void)
{
    int i;

    for (i = 0; i < FLOOR_HANDLES; i++)
        if (!(floor_semaphores[i] = CreateSemaphoreA(NULL, 0, 0x7fffffff, NULL)))
            bench_fail("CreateSemaphore failed: %lu", (unsigned long)GetLastError());
}

static void floor_signals_destroy(void)
{
    int i;

    for (i = 0; i < FLOOR_HANDLES; i++)
        CloseHandle(floor_semaphores[i]);
}

static void floor_signal(long index)
{
    ReleaseSemaphore(floor_semaphores[index % FLOOR_HANDLES], 1, NULL);
}

static void floor_quit_waiter(void)
{
    atomic_store(&floor_quit, 1);
    floor_signal(0);
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

static atomic_int floor_word;     /* signals sent and not taken */
static atomic_llong floor_wake_ns;

static void floor_waiter(void *arg)
{
    int pending;

    while (!atomic_load(&floor_quit))
    {
        while (!(pending = atomic_load(&floor_word)) && !atomic_load(&floor_quit))
            syscall(SYS_futex, &floor_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
        atomic_fetch_sub(&floor_word, pending);
        atomic_fetch_add(&floor_taken, pending);
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

static void floor_signal(long index)
{
    int64_t start;

    atomic_fetch_add(&floor_word, 1);
    start = bench_now_ns();
    syscall(SYS_futex, &floor_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    atomic_fetch_add(&floor_wake_ns, bench_now_ns() - start);
}

static void floor_quit_waiter(void)
{
    atomic_store(&floor_quit, 1);
    syscall(SYS_futex, &floor_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* The wakes timed while sending, every one a system call. */
static double floor_signal_cost_ns(long signals)
{
    return (double)atomic_load(&floor_wake_ns) / signals;
}

#endif

void measure_signal_floor(const struct bench_config *config, long signals)
{
    struct bench_thread *thread;
    int64_t start, deadline;
    long sent;

    atomic_store(&floor_taken, 0);
    atomic_store(&floor_quit, 0);
    floor_signals_init();
    thread = bench_thread_start(floor_waiter, NULL);
    start = bench_now_ns();
    deadline = start + (int64_t)COMPLETION_TIMEOUT_MS * 1000000;
    for (sent = 0; sent < signals; sent++)
        floor_signal(sent);
    while (atomic_load(&floor_taken) < sent)
        if (bench_now_ns() > deadline)
            bench_fail("signal floor: %ld of %ld signals taken", (long)atomic_load(&floor_taken), sent);
    bench_result("signal_floor_rate", "callbacks/s", HIGHER_IS_BETTER, sent * 1e9 / (bench_now_ns() - start));
    floor_quit_waiter();
    bench_thread_join(thread);
    floor_signals_destroy();
    bench_result("signal_floor", "us", LOWER_IS_BETTER, floor_signal_cost_ns(sent) / 1000);
}
