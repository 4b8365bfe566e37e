/*
 * tpbench: the mixed workload, every kind of object of one pool busy at
 * once.  One work object is submitted over and over; every so many of its
 * callbacks set one of a set of events, each waited on by a wait object;
 * one-shot timers fall due all along; in Windows builds overlapped reads
 * run through a TP_IO too.  The time is until the last of them all ran.
 */

#include <windows.h>
#include <stdlib.h>

#include "tpbench.h"

struct mixed_run
{
    long submissions;
    long events;
    HANDLE *event_handles;
    PTP_WAIT *waits;
    PTP_TIMER *timers;
    atomic_long work_started;
    atomic_long waits_not_signaled;
    struct completion work_done;
    struct completion waits_done;
    struct completion timers_done;
};

static struct mixed_run mixed;

static void *mixed_calloc(size_t count, size_t size)
{
    void *memory = calloc(count, size);

    if (!memory)
        bench_fail("out of memory");
    return memory;
}

static void WINAPI mixed_work_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    long index = atomic_fetch_add(&mixed.work_started, 1), stride = mixed.submissions / mixed.events;

    if (index % stride == 0 && index / stride < mixed.events)
        SetEvent(mixed.event_handles[index / stride]);
    completion_hit(&mixed.work_done);
}

static void WINAPI mixed_wait_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                                       TP_WAIT_RESULT result)
{
    if (result != WAIT_OBJECT_0)
        atomic_fetch_add(&mixed.waits_not_signaled, 1);
    completion_hit(&mixed.waits_done);
}

static void WINAPI mixed_timer_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    completion_hit(&mixed.timers_done);
}

static void mixed_arm_waits(void)
{
    long i;

    mixed.event_handles = mixed_calloc(mixed.events, sizeof(*mixed.event_handles));
    mixed.waits = mixed_calloc(mixed.events, sizeof(*mixed.waits));
    completion_init(&mixed.waits_done, mixed.events);
    for (i = 0; i < mixed.events; i++)
    {
        if (!(mixed.event_handles[i] = CreateEventA(NULL, FALSE, FALSE, NULL)))
            bench_fail("CreateEvent failed: %lu", (unsigned long)GetLastError());
        if (!(mixed.waits[i] = CreateThreadpoolWait(mixed_wait_callback, NULL, NULL)))
            bench_fail("CreateThreadpoolWait failed: %lu", (unsigned long)GetLastError());
        SetThreadpoolWait(mixed.waits[i], mixed.event_handles[i], NULL);
    }
}

/* Timers due evenly over @span_ms from now. */
static void mixed_set_timers(long count, long span_ms)
{
    ULARGE_INTEGER due;
    FILETIME filetime;
    long i;

    mixed.timers = mixed_calloc(count, sizeof(*mixed.timers));
    completion_init(&mixed.timers_done, count);
    for (i = 0; i < count; i++)
    {
        if (!(mixed.timers[i] = CreateThreadpoolTimer(mixed_timer_callback, NULL, NULL)))
            bench_fail("CreateThreadpoolTimer failed: %lu", (unsigned long)GetLastError());
        due.QuadPart = (ULONGLONG)-((LONGLONG)span_ms * 10000 * (i + 1) / count);
        filetime.dwLowDateTime = due.u.LowPart;
        filetime.dwHighDateTime = due.u.HighPart;
        SetThreadpoolTimer(mixed.timers[i], &filetime, 0, 0);
    }
}

static int64_t mixed_finish(struct completion *completion, const char *what, int64_t latest)
{
    int64_t finish;

    completion_wait(completion, what);
    finish = atomic_load(&completion->finish_ns);
    return finish > latest ? finish : latest;
}

static void mixed_close(long timers)
{
    long i;

    for (i = 0; i < mixed.events; i++)
    {
        WaitForThreadpoolWaitCallbacks(mixed.waits[i], FALSE);
        CloseThreadpoolWait(mixed.waits[i]);
        CloseHandle(mixed.event_handles[i]);
    }
    for (i = 0; i < timers; i++)
    {
        WaitForThreadpoolTimerCallbacks(mixed.timers[i], FALSE);
        CloseThreadpoolTimer(mixed.timers[i]);
    }
    completion_check(&mixed.work_done, "work");
    completion_check(&mixed.waits_done, "waits");
    completion_check(&mixed.timers_done, "timers");
    if (atomic_load(&mixed.waits_not_signaled))
        bench_fail("%ld wait callbacks without the signal", (long)atomic_load(&mixed.waits_not_signaled));
    completion_destroy(&mixed.work_done);
    completion_destroy(&mixed.waits_done);
    completion_destroy(&mixed.timers_done);
    free(mixed.event_handles);
    free(mixed.waits);
    free(mixed.timers);
}

void run_mixed(const struct bench_config *config)
{
    long timers = bench_count(config, 1000, 100), i;
    int64_t start, finish;
    PTP_WORK work;

    mixed.submissions = bench_count(config, 200000, 10000);
    mixed.events = bench_count(config, 500, 50);
    completion_init(&mixed.work_done, mixed.submissions);
    if (!(work = CreateThreadpoolWork(mixed_work_callback, NULL, NULL)))
        bench_fail("CreateThreadpoolWork failed: %lu", (unsigned long)GetLastError());
    mixed_arm_waits();

    start = bench_now_ns();
    mixed_set_timers(timers, bench_count(config, 100, 20));
#ifdef _WIN32
    io_reads_start(bench_count(config, 5000, 500));
#endif
    for (i = 0; i < mixed.submissions; i++)
        SubmitThreadpoolWork(work);
    finish = mixed_finish(&mixed.work_done, "work", start);
    finish = mixed_finish(&mixed.waits_done, "waits", finish);
    finish = mixed_finish(&mixed.timers_done, "timers", finish);
#ifdef _WIN32
    {
        int64_t io_finish = io_reads_finish();

        if (io_finish > finish)
            finish = io_finish;
    }
#endif
    bench_result("time", "ms", LOWER_IS_BETTER, (finish - start) / 1e6);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);
    mixed_close(timers);
}
