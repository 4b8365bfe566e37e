/*
 * tpbench: the native comparator GLib GThreadPool, on the workloads that
 * have an equivalent.  GLib has no default size for a pool: it gets as
 * many threads as there are processors, the concurrency tpool aims at.
 */

#include <glib.h>
#include <stdio.h>

#include "tpbench.h"

const char *glib_pool_name(void)
{
    static char name[64];

    snprintf(name, sizeof(name), "GLib %u.%u.%u GThreadPool", glib_major_version,
             glib_minor_version, glib_micro_version);
    return name;
}

static GThreadPool *create_pool(GFunc task, const struct bench_config *config)
{
    GError *error = NULL;
    GThreadPool *pool = g_thread_pool_new(task, NULL, (gint)config->cpus, FALSE, &error);

    if (!pool)
        bench_fail("g_thread_pool_new failed: %s", error->message);
    return pool;
}

static void push(GThreadPool *pool, void *data)
{
    GError *error = NULL;

    if (!g_thread_pool_push(pool, data, &error))
        bench_fail("g_thread_pool_push failed: %s", error->message);
}

static void counting_task(gpointer data, gpointer pool_data)
{
    completion_hit(data);
}

/* 1 and 3: tasks pushed one after the other until all ran. */
static void run_pushes(const struct bench_config *config, long count)
{
    GThreadPool *pool = create_pool(counting_task, config);
    struct completion done;
    int64_t start;
    long i;

    completion_init(&done, count);
    start = bench_now_ns();
    for (i = 0; i < count; i++)
        push(pool, &done);
    completion_wait(&done, "tasks");
    g_thread_pool_free(pool, FALSE, TRUE);
    completion_check(&done, "tasks");
    bench_result("time", "ms", LOWER_IS_BETTER, (atomic_load(&done.finish_ns) - start) / 1e6);
    completion_destroy(&done);
}

static void run_submit(const struct bench_config *config)
{
    run_pushes(config, bench_count(config, 1000000, 20000));
}

static void run_simple(const struct bench_config *config)
{
    run_pushes(config, bench_count(config, 200000, 10000));
}

/* 2: one task at a time, pushed and waited for. */
static atomic_long objects_ran;

static void object_task(gpointer data, gpointer pool_data)
{
    atomic_fetch_add(&objects_ran, 1);
    completion_hit(data);
}

static void run_objects(const struct bench_config *config)
{
    long count = bench_count(config, 100000, 5000), i;
    GThreadPool *pool = create_pool(object_task, config);
    struct completion one;
    int64_t start;

    start = bench_now_ns();
    for (i = 0; i < count; i++)
    {
        completion_init(&one, 1);
        push(pool, &one);
        completion_wait(&one, "task");
        completion_destroy(&one);
    }
    bench_result("time", "ms", LOWER_IS_BETTER, (bench_now_ns() - start) / 1e6);
    g_thread_pool_free(pool, FALSE, TRUE);
    if (atomic_load(&objects_ran) != count)
        bench_fail("tasks: %ld ran, expected %ld", (long)atomic_load(&objects_ran), count);
}

/* 4: latency. */
static void latency_task(gpointer data, gpointer pool_data)
{
    latency_callback_started();
}

static void submit_task(void *pool)
{
    static int marker;

    push(pool, &marker);
}

static void run_latency(const struct bench_config *config)
{
    GThreadPool *pool = create_pool(latency_task, config);

    measure_latency(config, submit_task, pool);
    g_thread_pool_free(pool, FALSE, TRUE);
    latency_check();
}

/* Parallel-for: 16 tasks pushed, then waited for, round after round. */
#define PARALLEL_TASKS 16

static void run_parallel_tasks(const struct bench_config *config)
{
    long rounds = bench_count(config, 20000, 500), round;
    GThreadPool *pool = create_pool(counting_task, config);
    struct completion one;
    int64_t start;
    int i;

    start = bench_now_ns();
    for (round = 0; round < rounds; round++)
    {
        completion_init(&one, PARALLEL_TASKS);
        for (i = 0; i < PARALLEL_TASKS; i++)
            push(pool, &one);
        completion_wait(&one, "round");
        completion_destroy(&one);
    }
    bench_result("time", "ms", LOWER_IS_BETTER, (bench_now_ns() - start) / 1e6);
    g_thread_pool_free(pool, FALSE, TRUE);
}

/* Several threads pushing to the pool: GLib has no objects, so the
 * workloads on one and on many objects are the same pushes. */
#define PRODUCERS_MAX 4

struct producer
{
    GThreadPool *pool;
    struct completion *done;
    atomic_int *gate;
    long pushes;
};

static void producer_proc(void *arg)
{
    struct producer *producer = arg;
    long i;

    while (!atomic_load(producer->gate))
        ;
    for (i = 0; i < producer->pushes; i++)
        push(producer->pool, producer->done);
}

static void run_producers(const struct bench_config *config, int producers)
{
    long count = bench_count(config, 1000000, 20000);
    struct bench_thread *threads[PRODUCERS_MAX];
    struct producer state[PRODUCERS_MAX];
    GThreadPool *pool = create_pool(counting_task, config);
    struct completion done;
    atomic_int gate = 0;
    int64_t start;
    int i;

    completion_init(&done, count);
    for (i = 0; i < producers; i++)
    {
        state[i].pool = pool;
        state[i].done = &done;
        state[i].gate = &gate;
        state[i].pushes = count / producers + (i < count % producers);
        threads[i] = bench_thread_start(producer_proc, &state[i]);
    }
    start = bench_now_ns();
    atomic_store(&gate, 1);
    for (i = 0; i < producers; i++)
        bench_thread_join(threads[i]);
    completion_wait(&done, "tasks");
    bench_result("time", "ms", LOWER_IS_BETTER, (atomic_load(&done.finish_ns) - start) / 1e6);
    g_thread_pool_free(pool, FALSE, TRUE);
    completion_check(&done, "tasks");
    completion_destroy(&done);
}

static void run_producers_2(const struct bench_config *config)
{
    run_producers(config, 2);
}

static void run_producers_4(const struct bench_config *config)
{
    run_producers(config, 4);
}

/* Tasks that block briefly. */
static void blocking_task(gpointer data, gpointer pool_data)
{
    g_usleep(blocking_sleep_ms((long)(uintptr_t)data - 1) * 1000);
    completion_hit(pool_data);
}

static void run_blocking_tasks(const struct bench_config *config)
{
    long count = bench_count(config, 400, 40), i;
    struct completion done;
    GThreadPool *pool;
    GError *error = NULL;
    int64_t start;

    completion_init(&done, count);
    if (!(pool = g_thread_pool_new(blocking_task, &done, (gint)config->cpus, FALSE, &error)))
        bench_fail("g_thread_pool_new failed: %s", error->message);
    start = bench_now_ns();
    /* A NULL task is refused: each carries its index plus one. */
    for (i = 1; i <= count; i++)
        push(pool, (void *)(uintptr_t)i);
    completion_wait(&done, "tasks");
    bench_result("time", "ms", LOWER_IS_BETTER, (atomic_load(&done.finish_ns) - start) / 1e6);
    g_thread_pool_free(pool, FALSE, TRUE);
    completion_check(&done, "tasks");
    completion_destroy(&done);
}

#define BUSY WORKLOAD_BUSY_VARIANT

const struct workload glib_workloads[] =
{
    { "submit", "1,000,000 tasks pushed", run_submit, BUSY, NULL },
    { "objects", "100,000 tasks pushed and waited for one at a time", run_objects, BUSY, NULL },
    { "simple", "200,000 tasks pushed", run_simple, BUSY, NULL },
    { "parallel", "20,000 rounds: 16 tasks pushed, then waited for", run_parallel_tasks, BUSY, NULL },
    { "prod2one", "2 threads push 1,000,000 tasks", run_producers_2, BUSY, NULL },
    { "prod4one", "4 threads push 1,000,000 tasks", run_producers_4, BUSY, NULL },
    { "prod2many", "2 threads push 1,000,000 tasks (no objects: as prod2one)", run_producers_2, BUSY, NULL },
    { "prod4many", "4 threads push 1,000,000 tasks (no objects: as prod4one)", run_producers_4, BUSY, NULL },
    { "blocking", "400 tasks sleeping 1-20 ms each", run_blocking_tasks, 0, NULL },
    { "latency", "push-to-task-start latency, busy and after 2 ms idle", run_latency, 0,
      measure_latency_floor },
    { NULL }
};
