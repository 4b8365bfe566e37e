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

const struct workload glib_workloads[] =
{
    { "submit", "1,000,000 tasks pushed", run_submit },
    { "objects", "100,000 tasks pushed and waited for one at a time", run_objects },
    { "simple", "200,000 tasks pushed", run_simple },
    { "latency", "push-to-task-start latency, busy and after 2 ms idle", run_latency },
    { NULL }
};
