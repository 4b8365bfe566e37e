/*
 * Model-checked stress: threads doing random operations on their own
 * objects, checked against a model of what the API promises (stress.h,
 * stress_ops.c, stress_callbacks.c; docs/reliability.md).
 *
 * Environment: TPOOL_STRESS_SEED (default: from the clock), TPOOL_STRESS_OPS
 * (operations per run, over all threads), TPOOL_STRESS_THREADS,
 * TPOOL_STRESS_RUNS (run i uses seed + i), TPOOL_STRESS_SHRINK=0 to skip
 * the search for a shorter failing run.  A failure prints the seed, the
 * smallest thread and operation counts that still fail with it, and the
 * operation log of that run.
 */

#include "stress.h"

#define DEFAULT_OPS     20000
#define DEFAULT_THREADS 4
#define STALL_SECONDS   60      /* no operation finished: a hang */
#define SHRINK_TRIES    3       /* runs of a candidate before it counts as passing */
#define SHRINK_RUNS     60
#define LOG_PRINTED     60      /* last operations printed per thread */

struct stress_config
{
    unsigned long long seed;
    unsigned int ops;
    unsigned int threads;
};

void stress_fail(struct stress_run *run, const char *format, ...)
{
    va_list args;

    if (InterlockedCompareExchange(&run->failed, 1, 0))
        return;
    va_start(args, format);
    vsnprintf(run->failure, sizeof(run->failure), format, args);
    va_end(args);
}

static unsigned long long splitmix(unsigned long long x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static unsigned long long env_number(const char *name, unsigned long long fallback)
{
    const char *value = getenv(name);

    return value && *value ? strtoull(value, NULL, 0) : fallback;
}

static const char *const kind_names[] = { "work", "timer", "wait", "io", "simple" };

static void print_entry(const struct stress_log_entry *entry)
{
    printf("    %6u %-14s", entry->step, stress_op_name(entry->op));
    if (entry->object)
        printf(" slot %u %-5s #%-6u ran %d g %d p %d", entry->slot, kind_names[entry->kind],
               entry->object, (int)entry->ran, (int)entry->g, (int)entry->p);
    if (entry->result >= 0)
        printf(" -> %d", entry->result);
    printf("\n");
}

/* The failing object's operations (those still in its thread's log), then
 * the last operations of every thread. */
static void print_logs(struct stress_run *run)
{
    struct stress_thread *t;
    unsigned int i, n, first, object = 0;

    if (sscanf(run->failure, "object %u", &object) == 1)
    {
        printf("  object %u:\n", object);
        for (i = 0; i < run->num_threads; i++)
        {
            t = &run->threads[i];
            first = t->log_count > STRESS_LOG_SIZE ? t->log_count - STRESS_LOG_SIZE : 0;
            for (n = first; n < t->log_count; n++)
                if (t->log[n % STRESS_LOG_SIZE].object == object)
                    print_entry(&t->log[n % STRESS_LOG_SIZE]);
        }
    }
    for (i = 0; i < run->num_threads; i++)
    {
        t = &run->threads[i];
        first = t->log_count > LOG_PRINTED ? t->log_count - LOG_PRINTED : 0;
        printf("  thread %u: %u operations (last %u shown)\n", i, t->log_count,
               t->log_count - first);
        for (n = first; n < t->log_count; n++)
            print_entry(&t->log[n % STRESS_LOG_SIZE]);
    }
    fflush(stdout);
}

static void run_free(struct stress_run *run)
{
    struct stress_thread *t;
    unsigned int i, j;

    for (i = 0; i < run->num_threads; i++)
    {
        t = &run->threads[i];
        CloseHandle(t->progress);
        CloseHandle(t->semaphore);
        CloseHandle(t->mutex);
        CloseHandle(t->sync);
        for (j = 0; j < t->num_allocations; j++)
            free(t->allocations[j]);
        free(t->allocations);
        free(t->zombies);
        free(t->simples);
    }
    CloseHandle(run->drained);
    free(run->threads);
    free(run);
}

/* Read while the threads run: their counts of finished operations only. */
static LONG total_ops(struct stress_run *run)
{
    LONG total = 0;
    unsigned int i;

    for (i = 0; i < run->num_threads; i++)
        total += counter_now(&run->threads[i].done_ops);
    return total;
}

static volatile LONG threads_running;
static HANDLE threads_finished;

static DWORD WINAPI thread_proc(void *arg)
{
    stress_thread_main(arg);
    if (!InterlockedDecrement(&threads_running))
        SetEvent(threads_finished);
    return 0;
}

/* Waits for the threads; FALSE if they stopped making progress. */
static BOOL run_wait_threads(struct stress_run *run)
{
    LONG last = -1, now;
    int stalled = 0;

    while (WaitForSingleObject(threads_finished, 1000) == WAIT_TIMEOUT)
    {
        now = total_ops(run);
        stalled = now == last ? stalled + 1 : 0;
        last = now;
        if (stalled == STALL_SECONDS)
        {
            stress_fail(run, "no operation finished for %d s (hang)", STALL_SECONDS);
            return FALSE;
        }
    }
    return TRUE;
}

/* After the threads: every callback returned, every completion action
 * happened exactly once. */
static void run_check_actions(struct stress_run *run)
{
    struct stress_thread *t;
    unsigned int i;
    LONG n;

    InterlockedExchange(&run->draining, 1);
    while (InterlockedCompareExchange(&run->in_flight, 0, 0))
        if (WaitForSingleObject(run->drained, TEST_TIMEOUT) != WAIT_OBJECT_0)
        {
            stress_fail(run, "%d callbacks never returned", (int)run->in_flight);
            return;
        }
    for (i = 0; i < run->num_threads && !run->failed; i++)
    {
        t = &run->threads[i];
        for (n = 0; n < t->semaphore_expected; n++)
            if (WaitForSingleObject(t->semaphore, TEST_TIMEOUT) != WAIT_OBJECT_0)
                stress_fail(run, "thread %u: %d of %d semaphore releases on completion", i, (int)n,
                            (int)t->semaphore_expected);
        if (!run->failed && WaitForSingleObject(t->semaphore, 0) != WAIT_TIMEOUT)
            stress_fail(run, "thread %u: the semaphore was released more often than asked", i);
        if (!run->failed && WaitForSingleObject(t->mutex, TEST_TIMEOUT) != WAIT_OBJECT_0)
            stress_fail(run, "thread %u: a mutex release on completion is missing", i);
        else if (!run->failed)
            ReleaseMutex(t->mutex);
    }
}

/* One run.  A failed run's threads, objects and memory are left alone:
 * its callbacks may still use them. */
static struct stress_run *run_once(const struct stress_config *config)
{
    struct stress_run *run = calloc(1, sizeof(*run));
    struct stress_thread *t;
    test_thread *threads;
    unsigned int i;

    assert_non_null(run);
    run->seed = config->seed;
    run->num_threads = config->threads;
    run->ops_per_thread = config->ops / config->threads;
    run->threads = calloc(config->threads, sizeof(*run->threads));
    threads = calloc(config->threads, sizeof(*threads));
    assert_non_null(run->threads);
    assert_non_null(threads);
    assert_non_null(run->drained = CreateEventA(NULL, FALSE, FALSE, NULL));
    assert_non_null(run->pool = CreateThreadpool(NULL));
    SetThreadpoolThreadMaximum(run->pool, 2 + (unsigned int)(splitmix(config->seed) % 8));
    for (i = 0; i < config->threads; i++)
    {
        t = &run->threads[i];
        t->run = run;
        t->index = i;
        t->ops = run->ops_per_thread;
        t->rng = splitmix(config->seed ^ splitmix(i + 1)) | 1;
        assert_non_null(t->progress = CreateEventA(NULL, FALSE, FALSE, NULL));
        assert_non_null(t->semaphore = CreateSemaphoreA(NULL, 0, 0x7fffffff, NULL));
        assert_non_null(t->mutex = CreateMutexA(NULL, FALSE, NULL));
        assert_non_null(t->sync = CreateEventA(NULL, TRUE, FALSE, NULL));
    }
    threads_running = config->threads;
    assert_non_null(threads_finished = CreateEventA(NULL, TRUE, FALSE, NULL));
    for (i = 0; i < config->threads; i++)
        threads[i] = test_thread_start(thread_proc, &run->threads[i]);
    if (!run_wait_threads(run))
    {
        free(threads);
        return run;     /* hung threads keep their handles */
    }
    for (i = 0; i < config->threads; i++)
        test_thread_join(threads[i]);
    free(threads);
    CloseHandle(threads_finished);
    if (!run->failed)
        run_check_actions(run);
    if (!run->failed)
        CloseThreadpool(run->pool);
    return run;
}

/* The same violation: the messages differ only in their numbers. */
static BOOL same_failure(const char *a, const char *b)
{
    for (;; a++, b++)
    {
        while (*a >= '0' && *a <= '9')
            a++;
        while (*b >= '0' && *b <= '9')
            b++;
        if (*a != *b)
            return FALSE;
        if (!*a)
            return TRUE;
    }
}

static BOOL config_fails(const struct stress_config *config, struct stress_run **failed)
{
    struct stress_run *run;
    int i;

    for (i = 0; i < SHRINK_TRIES; i++)
    {
        run = run_once(config);
        if (run->failed && same_failure(run->failure, (*failed)->failure))
        {
            *failed = run;
            return TRUE;
        }
        run_free(run);
    }
    return FALSE;
}

/* Delta debugging over the thread and operation counts, same seed. */
static struct stress_run *shrink(struct stress_config *config, struct stress_run *failed)
{
    struct stress_config candidates[4], *c;
    int runs = 0, i;
    BOOL smaller = TRUE;

    while (smaller && runs < SHRINK_RUNS)
    {
        smaller = FALSE;
        for (i = 0; i < 4; i++)
            candidates[i] = *config;
        candidates[0].ops = config->ops / 2;
        candidates[1].threads = config->threads - 1;
        candidates[1].ops = config->ops - config->ops / config->threads;
        candidates[2].ops = config->ops - config->ops / 4;
        candidates[3].ops = config->ops - config->ops / 16;
        for (i = 0; i < 4 && !smaller; i++)
        {
            c = &candidates[i];
            if (!c->threads || c->ops < c->threads || c->ops >= config->ops + (i == 1))
                continue;
            runs++;
            if (config_fails(c, &failed))
            {
                printf("stress:   still fails with %u threads, %u operations\n", c->threads,
                       c->ops);
                fflush(stdout);
                *config = *c;
                smaller = TRUE;
            }
        }
    }
    return failed;
}

static void test_stress(void **state)
{
    unsigned long long seed = env_number("TPOOL_STRESS_SEED",
                                         splitmix(GetTickCount64() ^ GetCurrentProcessId()));
    struct stress_config config;
    unsigned int runs = env_number("TPOOL_STRESS_RUNS", 1), i;
    struct stress_run *run;
    LARGE_INTEGER start, end, frequency;
    unsigned long long operations = 0;
    double seconds;

    config.ops = env_number("TPOOL_STRESS_OPS", DEFAULT_OPS);
    config.threads = env_number("TPOOL_STRESS_THREADS", DEFAULT_THREADS);
    assert_true(config.threads >= 1 && config.ops >= config.threads);
    printf("stress: %u runs of %u operations on %u threads, seeds 0x%llx + 0..%u\n", runs,
           config.ops, config.threads, seed, runs - 1);
    fflush(stdout);
    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&start);
    for (i = 0; i < runs; i++)
    {
        config.seed = seed + i;
        run = run_once(&config);
        if (run->failed)
        {
            printf("stress: FAILED with TPOOL_STRESS_SEED=0x%llx TPOOL_STRESS_THREADS=%u "
                   "TPOOL_STRESS_OPS=%u: %s\n", config.seed, config.threads, config.ops,
                   run->failure);
            fflush(stdout);
            if (env_number("TPOOL_STRESS_SHRINK", 1))
                run = shrink(&config, run);
            printf("stress: shortest failing run: TPOOL_STRESS_SEED=0x%llx "
                   "TPOOL_STRESS_THREADS=%u TPOOL_STRESS_OPS=%u: %s\n", config.seed,
                   config.threads, config.ops, run->failure);
            print_logs(run);
            fail_msg("stress: seed 0x%llx: %s", config.seed, run->failure);
        }
        operations += run->ops_per_thread * run->num_threads;
        run_free(run);
    }
    QueryPerformanceCounter(&end);
    seconds = (double)(end.QuadPart - start.QuadPart) / frequency.QuadPart;
    printf("stress: %llu operations in %.1f s (%.0f operations/s), %u seeds from 0x%llx, "
           "all checks passed\n", operations, seconds, operations / seconds, runs, seed);
    fflush(stdout);
}

/* Regression for two timer races the stress test found: an expiry taken
 * by the expiring worker while the timer was set again or disarmed still
 * queued its callback after the call returned, and a
 * timer set again while another worker still held it in its list of
 * expired entries could lose the other entries of that list.  Every
 * setting SetThreadpoolTimerEx does not recall must have given exactly one
 * callback once the timer is disarmed and WaitFor...(FALSE) returned. */
#define RACE_TIMERS 64
#define RACE_ROUNDS 300

struct race_timer
{
    PTP_TIMER timer;
    volatile LONG ran;
    LONG expected;
};

static void WINAPI race_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    struct race_timer *race = context;

    InterlockedIncrement(&race->ran);
}

/* Many timers due together expire as one batch; disarming them while the
 * worker goes through it hits every stage of an expiry. */
static void test_timer_recall_races(void **state)
{
    struct race_timer races[RACE_TIMERS];
    FILETIME due = { (DWORD)-5000, (DWORD)-1 };    /* 0.5 ms from now */
    TP_CALLBACK_ENVIRON env;
    PTP_POOL pool;
    int i, round;

    assert_non_null(pool = CreateThreadpool(NULL));
    SetThreadpoolThreadMaximum(pool, 4);
    env_with_pool(&env, pool);
    memset(races, 0, sizeof(races));
    for (i = 0; i < RACE_TIMERS; i++)
        assert_non_null(races[i].timer = CreateThreadpoolTimer(race_callback, &races[i], &env));
    for (round = 0; round < RACE_ROUNDS; round++)
    {
        for (i = 0; i < RACE_TIMERS; i++)
            SetThreadpoolTimer(races[i].timer, &due, 0, 0);
        for (i = 0; i < RACE_TIMERS; i++)
        {
            /* FALSE: not recalled, its callback is queued or has run */
            if (!SetThreadpoolTimerEx(races[i].timer, NULL, 0, 0))
                races[i].expected++;
            WaitForThreadpoolTimerCallbacks(races[i].timer, FALSE);
            assert_int_equal(races[i].ran, races[i].expected);
        }
    }
    for (i = 0; i < RACE_TIMERS; i++)
        CloseThreadpoolTimer(races[i].timer);
    DestroyThreadpoolEnvironment(&env);
    CloseThreadpool(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_timer_recall_races),
        cmocka_unit_test(test_stress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
