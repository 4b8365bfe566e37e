/*
 * tpbench, the thread pool benchmark: what the driver, the measurement
 * helpers and the workloads share.  Plain C without Windows headers, so
 * that the GLib and libuv workloads can use it too.
 */

#ifndef TPBENCH_H
#define TPBENCH_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
# define TPBENCH_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
# define TPBENCH_PRINTF(fmt, args)
#endif

struct bench_config
{
    int short_mode;         /* smoke test: small counts, same checks */
    unsigned int cpus;
};

enum workload_flags
{
    WORKLOAD_BUSY_VARIANT = 1,  /* runs again as "<name>-busy" on a busy machine */
};

struct workload
{
    const char *name;
    const char *description;
    void (*run)(const struct bench_config *config);
    unsigned int flags;
    /* The platform's floor for the workload, measured before it in the
     * same process, outside the monitored part, or NULL. */
    void (*floor)(const struct bench_config *config);
};

/* Each implementation's workloads, terminated by an entry without a name,
 * and the name and version of the pool that serves them. */
extern const struct workload win32_workloads[];
extern const struct workload glib_workloads[];
extern const struct workload libuv_workloads[];
const char *win32_pool_name(void);
/* When tpool serves the Win32 workloads: prints its statistics as comment
 * lines and returns the number of callbacks it ran in the process;
 * otherwise (the system's pool) returns -1. */
long long win32_pool_stats(void);
const char *glib_pool_name(void);
const char *libuv_pool_name(void);

/* The Win32 workloads outside tpbench_work.c. */
void run_timers(const struct bench_config *config);
void run_waits_2k(const struct bench_config *config);
void run_waits_10k(const struct bench_config *config);
void waits_2k_floor(const struct bench_config *config);
void waits_10k_floor(const struct bench_config *config);
void run_io(const struct bench_config *config);
void run_parallel(const struct bench_config *config);
void run_producers_2_one(const struct bench_config *config);
void run_producers_4_one(const struct bench_config *config);
void run_producers_2_many(const struct bench_config *config);
void run_producers_4_many(const struct bench_config *config);
void run_blocking(const struct bench_config *config);
void run_mixed(const struct bench_config *config);

/* Overlapped reads of a file through TP_IO, Windows builds only
 * (tpbench_io.c): io_reads_start() creates the file and starts @count
 * reads, a fixed number at a time, each callback starting the next, and
 * returns when the first started (bench_now_ns); io_reads_finish() waits
 * for them, checks every block and returns when the last callback ran. */
int64_t io_reads_start(long count);
int64_t io_reads_finish(void);
/* The floor of the same reads: a thread of the benchmark's own per
 * processor taking the completions from an I/O completion port and
 * starting the next reads.  Reports io_floor. */
void measure_io_floor(const struct bench_config *config);

/* ---- Output (tpbench.c) ---------------------------------------------------- */

enum better { LOWER_IS_BETTER, HIGHER_IS_BETTER };

/* Prints one result line of the running workload:
 *     result <workload> <metric> <unit> <lower|higher> <value> */
void bench_result(const char *metric, const char *unit, enum better better, double value);

/* Reports an error (a wrong callback count, a failed call, a time-out)
 * and ends the process with a non-zero status. */
_Noreturn void bench_fail(const char *format, ...) TPBENCH_PRINTF(1, 2);

/* The full count, or the smoke test's smaller one. */
long bench_count(const struct bench_config *config, long full, long smoke);

/* ---- Measurement (tpbench_measure.c) --------------------------------------- */

void bench_clock_init(void);
int64_t bench_now_ns(void);
void bench_sleep_ms(unsigned int ms);
unsigned int bench_cpu_count(void);

/* Counts callbacks; the one that reaches the expected count records the
 * time and wakes the waiter.  Costs one atomic increment per callback. */
struct completion
{
    atomic_long count;
    long expected;
    atomic_llong finish_ns;
    void *signal;
};

void completion_init(struct completion *completion, long expected);
/* The callbacks the workload expects in all: the completions' and the
 * latency probes'. */
long bench_expected_callbacks(void);
void completion_hit(struct completion *completion);
/* Waits until the expected count is reached; fails the benchmark after a
 * time-out that only a hang reaches. */
void completion_wait(struct completion *completion, const char *what);
/* Fails the benchmark unless exactly the expected count was reached. */
void completion_check(struct completion *completion, const char *what);
void completion_destroy(struct completion *completion);

#define COMPLETION_TIMEOUT_MS 60000

/* How long the @index-th callback of the blocking workload sleeps: 1 to
 * 20 ms, the same sequence for every implementation. */
unsigned int blocking_sleep_ms(long index);

/* Sorts samples in place; then percentile() picks by nearest rank. */
void samples_sort(int64_t *samples, size_t count);
double percentile(const int64_t *sorted, size_t count, double fraction);

/* Submit-to-callback-start latency, measured the same way for every
 * implementation: submit(context) queues one callback, which calls
 * latency_callback_started() first.  Reports the p50 and p99 of probes
 * submitted back to back (a busy pool) and after 2 ms of idleness. */
void measure_latency(const struct bench_config *config, void (*submit)(void *context), void *context);
void latency_callback_started(void);
/* After the implementation waited for its callbacks: fails unless there
 * was exactly one callback per probe. */
void latency_check(void);
/* The same probes handed to a bare thread instead of a pool
 * (tpbench_floor.c): reports <name>_p50 and <name>_p99 with the counts of
 * measure_latency's series, idle_ms between probes. */
void latency_floor_series(const char *name, const struct bench_config *config, unsigned int idle_ms,
                          void (*submit)(void *context));
/* The floor of the latency workload: a thread spinning on a flag (busy)
 * and a thread asleep in an address wait (idle). */
void measure_latency_floor(const struct bench_config *config);

/* The floors of the wait workloads: the cost of one signal (SetEvent,
 * a server round trip under Wine; natively a futex wake of a sleeping
 * thread), reported as signal_floor, and the rate at which one thread
 * waiting on 63 objects (WaitForMultipleObjects; natively a futex per
 * wait) is woken by their signals, reported as signal_floor_rate. */
void measure_signal_floor(const struct bench_config *config, long signals);

/* ---- Threads of the benchmark (tpbench_threads.c) --------------------------- */

struct bench_thread;
struct bench_thread *bench_thread_start(void (*proc)(void *arg), void *arg);
void bench_thread_join(struct bench_thread *thread);

/* A busy machine: @count threads computing without pause until
 * busy_stop(). */
void busy_start(unsigned int count);
void busy_stop(void);

/* Follows the process's thread count while a workload runs;
 * monitor_stop() reports the peak number of threads above the count
 * before the workload (the threads the pool added) and the peak resident
 * memory of the process. */
void monitor_start(void);
void monitor_stop(void);

#endif
