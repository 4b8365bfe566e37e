/*
 * tpbench: the Win32 workloads on work objects and simple callbacks, and
 * the table of all Win32 workloads.  The same source serves tpool.dll,
 * the system's pool and, natively, libtpool.
 */

#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "tpool.h"
#include "tpbench.h"

const char *win32_pool_name(void)
{
#ifdef _WIN32
    static char name[64];
    const char *(WINAPI *tpool_version_proc)(void);
    const char *(CDECL *wine_get_version)(void);
    HMODULE module;

    if ((module = GetModuleHandleA("tpool.dll")))
    {
        tpool_version_proc = (void *)GetProcAddress(module, "tpool_version");
        if (tpool_version_proc)
            return tpool_version_proc();
    }
    module = GetModuleHandleA("ntdll.dll");
    wine_get_version = module ? (void *)GetProcAddress(module, "wine_get_version") : NULL;
    if (!wine_get_version)
        return "builtin (Windows)";
    snprintf(name, sizeof(name), "builtin (Wine %s)", wine_get_version());
    return name;
#else
    return tpool_version();
#endif
}

/* The statistics functions of the tpool serving this process, if any. */
static BOOL tpool_stats_functions(BOOL (WINAPI **pool)(PTP_POOL, TPOOL_STATS *),
                                  BOOL (WINAPI **process)(TPOOL_PROCESS_STATS *))
{
#ifdef _WIN32
    HMODULE module = GetModuleHandleA("tpool.dll");

    if (!module)
        return FALSE;
    *pool = (void *)GetProcAddress(module, "tpool_query_stats");
    *process = (void *)GetProcAddress(module, "tpool_query_process_stats");
    return *pool && *process;
#else
    *pool = tpool_query_stats;
    *process = tpool_query_process_stats;
    return TRUE;
#endif
}

static void print_lateness(const TPOOL_STATS *stats)
{
    ULONGLONG total = 0;
    int i;

    for (i = 0; i < TPOOL_LATENESS_BUCKETS; i++)
        total += stats->timer_lateness[i];
    if (!total)
        return;
    printf("# tpool timer lateness (expiries by microseconds late, [from-to)):");
    for (i = 0; i < TPOOL_LATENESS_BUCKETS; i++)
    {
        if (!stats->timer_lateness[i])
            continue;
        if (!i)
            printf(" <1:");
        else if (i == TPOOL_LATENESS_BUCKETS - 1)
            printf(" >=%lu:", 1ul << (i - 1));
        else
            printf(" %lu-%lu:", 1ul << (i - 1), 1ul << i);
        printf("%llu", (unsigned long long)stats->timer_lateness[i]);
    }
    printf("\n");
}

long long win32_pool_stats(void)
{
    BOOL (WINAPI *query_pool)(PTP_POOL, TPOOL_STATS *);
    BOOL (WINAPI *query_process)(TPOOL_PROCESS_STATS *);
    TPOOL_PROCESS_STATS process;
    TPOOL_STATS stats;

    if (!tpool_stats_functions(&query_pool, &query_process))
        return -1;
    memset(&stats, 0, sizeof(stats));
    memset(&process, 0, sizeof(process));
    stats.size = sizeof(stats);
    process.size = sizeof(process);
    if (!query_pool(NULL, &stats) || !query_process(&process))
        bench_fail("tpool_query_stats failed: %lu", (unsigned long)GetLastError());
    printf("# tpool default pool: %lu workers (%lu busy, %lu idle), queued %lu/%lu/%lu, "
           "%llu callbacks, %lu timers and %lu waits armed, %lu wait threads\n",
           (unsigned long)stats.workers, (unsigned long)stats.workers_busy,
           (unsigned long)stats.workers_idle, (unsigned long)stats.queued[0],
           (unsigned long)stats.queued[1], (unsigned long)stats.queued[2],
           (unsigned long long)stats.callbacks, (unsigned long)stats.timers_armed,
           (unsigned long)stats.waits_armed, (unsigned long)stats.wait_threads);
    print_lateness(&stats);
    printf("# tpool process: %lu pools, %llu callbacks\n", (unsigned long)process.pools,
           (unsigned long long)process.callbacks);
    fflush(stdout);
    return (long long)process.callbacks;
}

static void WINAPI counting_work_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    completion_hit(context);
}

static void WINAPI counting_simple_callback(PTP_CALLBACK_INSTANCE instance, void *context)
{
    completion_hit(context);
}

static PTP_WORK create_work(PTP_WORK_CALLBACK callback, void *context)
{
    PTP_WORK work = CreateThreadpoolWork(callback, context, NULL);

    if (!work)
        bench_fail("CreateThreadpoolWork failed: %lu", (unsigned long)GetLastError());
    return work;
}

/* 1: one work object submitted many times.  `submit` waits on the last
 * callback's completion, then WaitFor...; `submitwait` is the pattern the
 * documentation teaches, WaitFor... alone, with no event of the
 * program's own. */
static void submit_many(const struct bench_config *config, BOOL wait_for_completion)
{
    long count = bench_count(config, 1000000, 20000), i;
    struct completion done;
    int64_t start, finish;
    PTP_WORK work;

    completion_init(&done, count);
    work = create_work(counting_work_callback, &done);
    start = bench_now_ns();
    for (i = 0; i < count; i++)
        SubmitThreadpoolWork(work);
    if (wait_for_completion)
        completion_wait(&done, "submissions");
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    finish = wait_for_completion ? atomic_load(&done.finish_ns) : bench_now_ns();
    if (atomic_load(&done.count) != count)
        bench_fail("%ld callbacks when WaitForThreadpoolWorkCallbacks returned, not %ld",
                   (long)atomic_load(&done.count), count);
    CloseThreadpoolWork(work);
    completion_check(&done, "submissions");
    bench_result("time", "ms", LOWER_IS_BETTER, (finish - start) / 1e6);
    completion_destroy(&done);
}

static void run_submit(const struct bench_config *config)
{
    submit_many(config, TRUE);
}

static void run_submitwait(const struct bench_config *config)
{
    submit_many(config, FALSE);
}

/* 2: work objects created, submitted once, waited for and closed, one
 * after the other. */
static void run_objects(const struct bench_config *config)
{
    long count = bench_count(config, 100000, 5000), i;
    struct completion done;
    int64_t start;
    PTP_WORK work;

    completion_init(&done, count);
    start = bench_now_ns();
    for (i = 0; i < count; i++)
    {
        work = create_work(counting_work_callback, &done);
        SubmitThreadpoolWork(work);
        WaitForThreadpoolWorkCallbacks(work, FALSE);
        CloseThreadpoolWork(work);
        if (atomic_load(&done.count) != i + 1)
            bench_fail("object %ld: %ld callbacks after its wait", i, (long)atomic_load(&done.count));
    }
    bench_result("time", "ms", LOWER_IS_BETTER, (bench_now_ns() - start) / 1e6);
    completion_check(&done, "objects");
    completion_destroy(&done);
}

/* 3: simple callbacks.  Nothing to wait on but the count, so the
 * completion outlives the workload. */
static struct completion simple_done;

static void run_simple(const struct bench_config *config)
{
    long count = bench_count(config, 200000, 10000), i;
    int64_t start;

    completion_init(&simple_done, count);
    start = bench_now_ns();
    for (i = 0; i < count; i++)
        if (!TrySubmitThreadpoolCallback(counting_simple_callback, &simple_done, NULL))
            bench_fail("TrySubmitThreadpoolCallback failed: %lu", (unsigned long)GetLastError());
    completion_wait(&simple_done, "simple callbacks");
    bench_result("time", "ms", LOWER_IS_BETTER, (atomic_load(&simple_done.finish_ns) - start) / 1e6);
    bench_sleep_ms(10);
    completion_check(&simple_done, "simple callbacks");
}

/* 4: submit-to-callback-start latency. */
static void WINAPI latency_work_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    latency_callback_started();
}

static void submit_work(void *work)
{
    SubmitThreadpoolWork(work);
}

static void run_latency(const struct bench_config *config)
{
    PTP_WORK work = create_work(latency_work_callback, NULL);

    measure_latency(config, submit_work, work);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);
    latency_check();
}

#define BUSY WORKLOAD_BUSY_VARIANT

const struct workload win32_workloads[] =
{
    { "submit", "one work object submitted 1,000,000 times", run_submit, BUSY, NULL },
    { "submitwait", "1,000,000 submissions, then WaitForThreadpoolWorkCallbacks", run_submitwait, BUSY, NULL },
    { "objects", "100,000 work objects created, submitted, waited for, closed", run_objects, BUSY, NULL },
    { "simple", "TrySubmitThreadpoolCallback 200,000 times", run_simple, BUSY, NULL },
    { "parallel", "20,000 rounds: 16 work objects submitted, then each waited for", run_parallel, BUSY, NULL },
    { "prod2one", "2 threads submit 1,000,000 times to one work object, then WaitFor", run_producers_2_one, BUSY, NULL },
    { "prod4one", "4 threads submit 1,000,000 times to one work object, then WaitFor", run_producers_4_one, BUSY, NULL },
    { "prod2many", "2 threads submit 1,000,000 times, each to 16 objects of its own", run_producers_2_many, BUSY, NULL },
    { "prod4many", "4 threads submit 1,000,000 times, each to 16 objects of its own", run_producers_4_many, BUSY, NULL },
    { "blocking", "400 simple callbacks sleeping 1-20 ms each", run_blocking, 0, NULL },
    { "latency", "submit-to-callback-start latency, busy and after 2 ms idle", run_latency, 0,
      measure_latency_floor },
    { "timers", "10,000 one-shot timers due over 0.5 s", run_timers, 0, NULL },
    { "waits2k", "2,000 waits on events", run_waits_2k, 0, waits_2k_floor },
    { "waits10k", "10,000 waits on events", run_waits_10k, 0, waits_10k_floor },
#ifdef _WIN32
    { "io", "20,000 overlapped 4 KiB reads of a file through TP_IO", run_io, 0, measure_io_floor },
    { "mixed", "work, waits, timers and overlapped reads at once", run_mixed, 0, NULL },
#else
    { "mixed", "work, waits and timers at once", run_mixed, 0, NULL },
#endif
    { NULL }
};
