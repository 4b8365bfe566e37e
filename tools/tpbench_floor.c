/*
 * tpbench: the floor of the latency workload.  The same probes as the
 * pool's (measure_latency), handed to a bare thread instead of a pool:
 * busy, a thread spinning on a flag (what moving a cache line between
 * processors costs, plus the clock); idle, a thread asleep in the address
 * wait every pool sleeps in (WaitOnAddress on Windows and under Wine, a
 * futex natively).  No pool can start a callback sooner than this, and
 * both floors are printed beside the pool's figures of the same run.
 */

#ifdef _WIN32
# include <windows.h>
#else
# include <linux/futex.h>
# include <sys/syscall.h>
# include <unistd.h>
#endif

#include "tpbench.h"

enum floor_request
{
    FLOOR_NONE,
    FLOOR_PROBE,
    FLOOR_QUIT,
};

static atomic_int floor_request;
static atomic_int floor_sleeps;     /* idle: the thread waits instead of spinning */

#ifdef _WIN32

static void address_wait(atomic_int *address, int value)
{
    WaitOnAddress(address, &value, sizeof(value), INFINITE);
}

static void address_wake(atomic_int *address)
{
    WakeByAddressSingle(address);
}

static void cpu_pause(void)
{
    YieldProcessor();
}

#else

static void address_wait(atomic_int *address, int value)
{
    syscall(SYS_futex, address, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0);
}

static void address_wake(atomic_int *address)
{
    syscall(SYS_futex, address, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void cpu_pause(void)
{
    __builtin_ia32_pause();
}

#endif

static void floor_loop(void *arg)
{
    int request;

    while ((request = atomic_exchange(&floor_request, FLOOR_NONE)) != FLOOR_QUIT)
    {
        if (request == FLOOR_PROBE)
            latency_callback_started();
        else if (atomic_load(&floor_sleeps))
            address_wait(&floor_request, FLOOR_NONE);
        else
            cpu_pause();
    }
}

static void floor_submit(void *context)
{
    atomic_store(&floor_request, FLOOR_PROBE);
    if (atomic_load(&floor_sleeps))
        address_wake(&floor_request);
}

void measure_latency_floor(const struct bench_config *config)
{
    struct bench_thread *thread;

    atomic_store(&floor_sleeps, 0);
    atomic_store(&floor_request, FLOOR_NONE);
    thread = bench_thread_start(floor_loop, NULL);
    latency_floor_series("busy_floor", config, 0, floor_submit);
    atomic_store(&floor_sleeps, 1);
    latency_floor_series("idle_floor", config, 2, floor_submit);
    atomic_store(&floor_request, FLOOR_QUIT);
    address_wake(&floor_request);
    bench_thread_join(thread);
}
