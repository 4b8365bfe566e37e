/*
 * tpbench: clocks, callback counting, percentiles, latency probes and
 * the monitor of the process's threads and memory.  Natively these use
 * POSIX and /proc directly, so that they cost the same whichever thread
 * pool is measured; on Windows they use kernel32 only, so that they cost
 * the same in the builtin and the tpool build.
 */

#ifdef _WIN32
# include <windows.h>
# include <psapi.h>
#else
# include <pthread.h>
# include <time.h>
# include <unistd.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpbench.h"

/* ---- Clock ----------------------------------------------------------------- */

#ifdef _WIN32

static LARGE_INTEGER frequency;

void bench_clock_init(void)
{
    QueryPerformanceFrequency(&frequency);
}

int64_t bench_now_ns(void)
{
    LARGE_INTEGER counter;

    QueryPerformanceCounter(&counter);
    return (int64_t)(counter.QuadPart / frequency.QuadPart) * 1000000000
           + (int64_t)(counter.QuadPart % frequency.QuadPart) * 1000000000 / frequency.QuadPart;
}

void bench_sleep_ms(unsigned int ms)
{
    Sleep(ms);
}

unsigned int bench_cpu_count(void)
{
    SYSTEM_INFO info;

    GetSystemInfo(&info);
    return info.dwNumberOfProcessors;
}

#else

void bench_clock_init(void)
{
}

int64_t bench_now_ns(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

void bench_sleep_ms(unsigned int ms)
{
    struct timespec delay = { ms / 1000, (long)(ms % 1000) * 1000000 };

    while (nanosleep(&delay, &delay))
        ;
}

unsigned int bench_cpu_count(void)
{
    long count = sysconf(_SC_NPROCESSORS_ONLN);

    return count > 0 ? (unsigned int)count : 1;
}

#endif

/* ---- Completion ------------------------------------------------------------ */

#ifdef _WIN32

static void signal_init(struct completion *completion)
{
    completion->signal = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (!completion->signal)
        bench_fail("CreateEvent failed: %lu", GetLastError());
}

static void signal_set(struct completion *completion)
{
    SetEvent(completion->signal);
}

static int signal_wait(struct completion *completion, unsigned int timeout_ms)
{
    return WaitForSingleObject(completion->signal, timeout_ms) == WAIT_OBJECT_0;
}

static void signal_destroy(struct completion *completion)
{
    CloseHandle(completion->signal);
}

#else

struct signal
{
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int set;
};

static void signal_init(struct completion *completion)
{
    struct signal *signal = calloc(1, sizeof(*signal));
    pthread_condattr_t attr;

    if (!signal)
        bench_fail("out of memory");
    pthread_mutex_init(&signal->mutex, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&signal->cond, &attr);
    pthread_condattr_destroy(&attr);
    completion->signal = signal;
}

static void signal_set(struct completion *completion)
{
    struct signal *signal = completion->signal;

    pthread_mutex_lock(&signal->mutex);
    signal->set = 1;
    pthread_cond_signal(&signal->cond);
    pthread_mutex_unlock(&signal->mutex);
}

static int signal_wait(struct completion *completion, unsigned int timeout_ms)
{
    struct signal *signal = completion->signal;
    int64_t deadline = bench_now_ns() + (int64_t)timeout_ms * 1000000;
    struct timespec until = { deadline / 1000000000, deadline % 1000000000 };
    int set;

    pthread_mutex_lock(&signal->mutex);
    while (!signal->set && !pthread_cond_timedwait(&signal->cond, &signal->mutex, &until))
        ;
    set = signal->set;
    pthread_mutex_unlock(&signal->mutex);
    return set;
}

static void signal_destroy(struct completion *completion)
{
    struct signal *signal = completion->signal;

    pthread_cond_destroy(&signal->cond);
    pthread_mutex_destroy(&signal->mutex);
    free(signal);
}

#endif

static long expected_callbacks;

long bench_expected_callbacks(void)
{
    return expected_callbacks;
}

void completion_init(struct completion *completion, long expected)
{
    expected_callbacks += expected;
    atomic_init(&completion->count, 0);
    atomic_init(&completion->finish_ns, 0);
    completion->expected = expected;
    signal_init(completion);
}

void completion_hit(struct completion *completion)
{
    if (atomic_fetch_add(&completion->count, 1) + 1 == completion->expected)
    {
        atomic_store(&completion->finish_ns, bench_now_ns());
        signal_set(completion);
    }
}

void completion_wait(struct completion *completion, const char *what)
{
    if (!signal_wait(completion, COMPLETION_TIMEOUT_MS))
        bench_fail("%s: %ld of %ld callbacks after %u s", what, (long)atomic_load(&completion->count),
                   completion->expected, COMPLETION_TIMEOUT_MS / 1000);
}

void completion_check(struct completion *completion, const char *what)
{
    long count = atomic_load(&completion->count);

    if (count != completion->expected)
        bench_fail("%s: %ld callbacks, expected %ld", what, count, completion->expected);
}

void completion_destroy(struct completion *completion)
{
    signal_destroy(completion);
}

unsigned int blocking_sleep_ms(long index)
{
    return 1 + (unsigned int)(index * 7 % 20);
}

/* ---- Percentiles ----------------------------------------------------------- */

static int compare_samples(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

void samples_sort(int64_t *samples, size_t count)
{
    qsort(samples, count, sizeof(*samples), compare_samples);
}

double percentile(const int64_t *sorted, size_t count, double fraction)
{
    size_t rank = (size_t)(fraction * count + 0.999999);

    if (!count)
        return 0;
    if (rank < 1)
        rank = 1;
    if (rank > count)
        rank = count;
    return (double)sorted[rank - 1];
}

/* ---- Latency -------------------------------------------------------------- */

static atomic_llong latency_started_ns;
static atomic_long latency_callbacks;
static long latency_probes;

void latency_callback_started(void)
{
    atomic_store(&latency_started_ns, bench_now_ns());
    atomic_fetch_add(&latency_callbacks, 1);
}

void latency_check(void)
{
    long callbacks = atomic_load(&latency_callbacks);

    if (callbacks != latency_probes)
        bench_fail("latency: %ld callbacks for %ld probes", callbacks, latency_probes);
}

/* The submitting thread spins: it must not add its own wake-up to the
 * next probe, and one core is left for the pool.  A probe of the floor
 * (tpbench_floor.c) is no callback of the pool's. */
static int64_t latency_probe(void (*submit)(void *context), void *context, int pool_callback)
{
    int64_t submitted, started, deadline;
    unsigned int spins = 0;

    atomic_store(&latency_started_ns, 0);
    if (pool_callback)
    {
        latency_probes++;
        expected_callbacks++;
    }
    submitted = bench_now_ns();
    deadline = submitted + (int64_t)COMPLETION_TIMEOUT_MS * 1000000;
    submit(context);
    while (!(started = atomic_load(&latency_started_ns)))
    {
        if (!(++spins % 4096) && bench_now_ns() > deadline)
            bench_fail("latency probe: no callback after %u s", COMPLETION_TIMEOUT_MS / 1000);
    }
    return started - submitted;
}

static void latency_series(const char *name, long count, unsigned int idle_ms,
                           void (*submit)(void *context), void *context, int pool_callbacks)
{
    int64_t *samples = malloc(count * sizeof(*samples));
    char metric[32];
    long i;

    if (!samples)
        bench_fail("out of memory");
    for (i = 0; i < count; i++)
    {
        if (idle_ms)
            bench_sleep_ms(idle_ms);
        samples[i] = latency_probe(submit, context, pool_callbacks);
    }
    samples_sort(samples, count);
    snprintf(metric, sizeof(metric), "%s_p50", name);
    bench_result(metric, "us", LOWER_IS_BETTER, percentile(samples, count, 0.50) / 1000);
    snprintf(metric, sizeof(metric), "%s_p99", name);
    bench_result(metric, "us", LOWER_IS_BETTER, percentile(samples, count, 0.99) / 1000);
    free(samples);
}

static long latency_count(const struct bench_config *config, unsigned int idle_ms)
{
    return idle_ms ? bench_count(config, 500, 50) : bench_count(config, 10000, 500);
}

void measure_latency(const struct bench_config *config, void (*submit)(void *context), void *context)
{
    long warm_up = bench_count(config, 1000, 100), i;

    /* The floor's probes, measured before, were not the pool's. */
    atomic_store(&latency_callbacks, 0);
    /* Lets the pool start the threads it wants before the first sample. */
    for (i = 0; i < warm_up; i++)
        latency_probe(submit, context, 1);
    latency_series("busy", latency_count(config, 0), 0, submit, context, 1);
    latency_series("idle", latency_count(config, 2), 2, submit, context, 1);
}

void latency_floor_series(const char *name, const struct bench_config *config, unsigned int idle_ms,
                          void (*submit)(void *context))
{
    latency_series(name, latency_count(config, idle_ms), idle_ms, submit, NULL, 0);
}

/* ---- Monitor --------------------------------------------------------------- */

static atomic_long monitor_peak_threads;
static long monitor_baseline_threads;

static void monitor_raise_peak(long count)
{
    long peak = atomic_load(&monitor_peak_threads);

    while (count > peak && !atomic_compare_exchange_weak(&monitor_peak_threads, &peak, count))
        ;
}

#ifdef _WIN32

/* Every thread of the process, whoever starts it, passes through the
 * image's TLS callbacks when it starts and exits, so the count is exact
 * and costs nothing to read.  (A toolhelp snapshot takes milliseconds
 * under Wine: sampling with it would load the machine being measured.) */
static atomic_long live_threads = 1;

static void NTAPI count_threads(PVOID module, DWORD reason, PVOID reserved)
{
    if (reason == DLL_THREAD_ATTACH)
        monitor_raise_peak(atomic_fetch_add(&live_threads, 1) + 1);
    else if (reason == DLL_THREAD_DETACH)
        atomic_fetch_sub(&live_threads, 1);
}

__attribute__((section(".CRT$XLB"), used))
static const PIMAGE_TLS_CALLBACK count_threads_callback = count_threads;

static double process_peak_memory_mib(void)
{
    PROCESS_MEMORY_COUNTERS counters;

    memset(&counters, 0, sizeof(counters));
    counters.cb = sizeof(counters);
    if (!K32GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof(counters)))
        return 0;
    return counters.PeakWorkingSetSize / (1024.0 * 1024.0);
}

void monitor_start(void)
{
    monitor_baseline_threads = atomic_load(&live_threads);
    atomic_store(&monitor_peak_threads, monitor_baseline_threads);
}

static void monitor_finish(void)
{
}

#else

/* Natively a thread samples /proc/self/status. */
#define MONITOR_INTERVAL_MS 5

static atomic_int monitor_running;
static pthread_t monitor_thread;

/* A field of /proc/self/status in its own units (kB for sizes). */
static long proc_status_field(const char *name)
{
    size_t length = strlen(name);
    char line[256];
    long value = 0;
    FILE *status;

    if (!(status = fopen("/proc/self/status", "r")))
        return 0;
    while (fgets(line, sizeof(line), status))
    {
        if (!strncmp(line, name, length) && line[length] == ':')
        {
            value = strtol(line + length + 1, NULL, 10);
            break;
        }
    }
    fclose(status);
    return value;
}

static double process_peak_memory_mib(void)
{
    return proc_status_field("VmHWM") / 1024.0;
}

static void *monitor_proc(void *arg)
{
    while (atomic_load(&monitor_running))
    {
        monitor_raise_peak(proc_status_field("Threads"));
        bench_sleep_ms(MONITOR_INTERVAL_MS);
    }
    return NULL;
}

void monitor_start(void)
{
    atomic_store(&monitor_running, 1);
    if (pthread_create(&monitor_thread, NULL, monitor_proc, NULL))
        bench_fail("pthread_create failed");
    /* The baseline counts the monitor itself. */
    monitor_baseline_threads = proc_status_field("Threads");
    atomic_store(&monitor_peak_threads, monitor_baseline_threads);
}

static void monitor_finish(void)
{
    monitor_raise_peak(proc_status_field("Threads"));
    atomic_store(&monitor_running, 0);
    pthread_join(monitor_thread, NULL);
}

#endif

void monitor_stop(void)
{
    monitor_finish();
    bench_result("pool_threads", "threads", LOWER_IS_BETTER,
                 atomic_load(&monitor_peak_threads) - monitor_baseline_threads);
    bench_result("peak_memory", "MiB", LOWER_IS_BETTER, process_peak_memory_mib());
}
