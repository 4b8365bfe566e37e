/*
 * tpbench: the Win32 workloads on timers and waits.
 */

#include <windows.h>
#include <stdlib.h>

#include "tpbench.h"

static void *checked_calloc(size_t count, size_t size)
{
    void *memory = calloc(count, size);

    if (!memory)
        bench_fail("out of memory");
    return memory;
}

/* ---- 5: one-shot timers ---------------------------------------------------- */

struct timer_probe
{
    PTP_TIMER timer;
    int64_t due_ns;
    atomic_llong fired_ns;
};

static struct completion timers_done;

static void WINAPI timer_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    struct timer_probe *probe = context;

    atomic_store(&probe->fired_ns, bench_now_ns());
    completion_hit(&timers_done);
}

/* A fixed pseudo-random order, so that timers are not set in due order. */
static void shuffle(long *order, long count)
{
    uint32_t state = 12345;
    long i, j, swap;

    for (i = 0; i < count; i++)
        order[i] = i;
    for (i = count - 1; i > 0; i--)
    {
        state = state * 1664525 + 1013904223;
        j = (long)(state % (uint32_t)(i + 1));
        swap = order[i];
        order[i] = order[j];
        order[j] = swap;
    }
}

/* Sets the timer due @delay_ns from now; returns when it is due. */
static int64_t set_timer(PTP_TIMER timer, int64_t delay_ns)
{
    ULARGE_INTEGER due;
    FILETIME filetime;
    int64_t now;

    due.QuadPart = (ULONGLONG)-(delay_ns / 100);
    filetime.dwLowDateTime = due.u.LowPart;
    filetime.dwHighDateTime = due.u.HighPart;
    now = bench_now_ns();
    SetThreadpoolTimer(timer, &filetime, 0, 0);
    return now + delay_ns / 100 * 100;
}

static void report_lateness(struct timer_probe *probes, long count)
{
    int64_t *lateness = checked_calloc(count, sizeof(*lateness));
    long i;

    for (i = 0; i < count; i++)
        lateness[i] = atomic_load(&probes[i].fired_ns) - probes[i].due_ns;
    samples_sort(lateness, count);
    bench_result("lateness_p50", "us", LOWER_IS_BETTER, percentile(lateness, count, 0.50) / 1000);
    bench_result("lateness_p99", "us", LOWER_IS_BETTER, percentile(lateness, count, 0.99) / 1000);
    free(lateness);
}

void run_timers(const struct bench_config *config)
{
    long count = bench_count(config, 10000, 1000), i;
    int64_t span_ns = bench_count(config, 500, 100) * (int64_t)1000000, start, set_ns;
    struct timer_probe *probes = checked_calloc(count, sizeof(*probes));
    long *order = checked_calloc(count, sizeof(*order));

    completion_init(&timers_done, count);
    for (i = 0; i < count; i++)
        if (!(probes[i].timer = CreateThreadpoolTimer(timer_callback, &probes[i], NULL)))
            bench_fail("CreateThreadpoolTimer failed: %lu", (unsigned long)GetLastError());
    shuffle(order, count);

    start = bench_now_ns();
    for (i = 0; i < count; i++)
        probes[order[i]].due_ns = set_timer(probes[order[i]].timer, span_ns * (order[i] + 1) / count);
    set_ns = bench_now_ns() - start;

    completion_wait(&timers_done, "timers");
    for (i = 0; i < count; i++)
    {
        WaitForThreadpoolTimerCallbacks(probes[i].timer, FALSE);
        CloseThreadpoolTimer(probes[i].timer);
    }
    completion_check(&timers_done, "timers");
    bench_result("set_cost", "us", LOWER_IS_BETTER, set_ns / 1000.0 / count);
    report_lateness(probes, count);
    completion_destroy(&timers_done);
    free(order);
    free(probes);
}

/* ---- 6: waits on events ---------------------------------------------------- */

static struct completion waits_done;
static atomic_long waits_not_signaled;

static void WINAPI wait_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                                 TP_WAIT_RESULT result)
{
    if (result != WAIT_OBJECT_0)
        atomic_fetch_add(&waits_not_signaled, 1);
    completion_hit(&waits_done);
}

static void run_waits(const struct bench_config *config, long count)
{
    HANDLE *events = checked_calloc(count, sizeof(*events));
    PTP_WAIT *waits = checked_calloc(count, sizeof(*waits));
    int64_t start, arm_ns, signal_ns;
    long i;

    completion_init(&waits_done, count);
    for (i = 0; i < count; i++)
    {
        if (!(events[i] = CreateEventA(NULL, FALSE, FALSE, NULL)))
            bench_fail("CreateEvent failed: %lu", (unsigned long)GetLastError());
        if (!(waits[i] = CreateThreadpoolWait(wait_callback, NULL, NULL)))
            bench_fail("CreateThreadpoolWait failed: %lu", (unsigned long)GetLastError());
    }

    start = bench_now_ns();
    for (i = 0; i < count; i++)
        SetThreadpoolWait(waits[i], events[i], NULL);
    arm_ns = bench_now_ns() - start;

    /* The waits are in place before the signals, whatever thread holds them. */
    bench_sleep_ms(config->short_mode ? 20 : 100);
    start = bench_now_ns();
    for (i = 0; i < count; i++)
        SetEvent(events[i]);
    completion_wait(&waits_done, "waits");
    signal_ns = atomic_load(&waits_done.finish_ns) - start;

    for (i = 0; i < count; i++)
    {
        WaitForThreadpoolWaitCallbacks(waits[i], FALSE);
        CloseThreadpoolWait(waits[i]);
        CloseHandle(events[i]);
    }
    completion_check(&waits_done, "waits");
    if (atomic_load(&waits_not_signaled))
        bench_fail("%ld wait callbacks without the signal", (long)atomic_load(&waits_not_signaled));
    bench_result("arm_cost", "us", LOWER_IS_BETTER, arm_ns / 1000.0 / count);
    bench_result("signal_rate", "callbacks/s", HIGHER_IS_BETTER, count * 1e9 / signal_ns);
    completion_destroy(&waits_done);
    free(waits);
    free(events);
}

static long waits_2k(const struct bench_config *config)
{
    return bench_count(config, 2000, 200);
}

static long waits_10k(const struct bench_config *config)
{
    return bench_count(config, 10000, 1000);
}

void run_waits_2k(const struct bench_config *config)
{
    run_waits(config, waits_2k(config));
}

void run_waits_10k(const struct bench_config *config)
{
    run_waits(config, waits_10k(config));
}

void waits_2k_floor(const struct bench_config *config)
{
    measure_signal_floor(config, waits_2k(config));
}

void waits_10k_floor(const struct bench_config *config)
{
    measure_signal_floor(config, waits_10k(config));
}
