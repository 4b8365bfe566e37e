/*
 * tpbench: the native comparator libuv uv_queue_work, on the workloads
 * that have an equivalent, with libuv's default pool size.  Requests are
 * queued from the loop thread, as libuv requires; their completion
 * callbacks run when the loop runs, after the measured interval.
 */

#include <uv.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tpbench.h"

static atomic_long failed_requests;

const char *libuv_pool_name(void)
{
    static char name[64];

    snprintf(name, sizeof(name), "libuv %s uv_queue_work", uv_version_string());
    return name;
}

static void init_loop(uv_loop_t *loop)
{
    int error = uv_loop_init(loop);

    if (error)
        bench_fail("uv_loop_init failed: %s", uv_strerror(error));
}

static void queue_work(uv_loop_t *loop, uv_work_t *request, uv_work_cb work, uv_after_work_cb after)
{
    int error = uv_queue_work(loop, request, work, after);

    if (error)
        bench_fail("uv_queue_work failed: %s", uv_strerror(error));
}

static void drain_loop(uv_loop_t *loop)
{
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    if (atomic_load(&failed_requests))
        bench_fail("%ld requests failed", (long)atomic_load(&failed_requests));
}

static void counting_work(uv_work_t *request)
{
    completion_hit(request->data);
}

static void after_work(uv_work_t *request, int status)
{
    if (status)
        atomic_fetch_add(&failed_requests, 1);
}

static void after_work_free(uv_work_t *request, int status)
{
    after_work(request, status);
    free(request);
}

/* 1 and 3: requests queued one after the other until all ran. */
static void run_requests(const struct bench_config *config, long count)
{
    uv_work_t *requests = calloc(count, sizeof(*requests));
    struct completion done;
    uv_loop_t loop;
    int64_t start;
    long i;

    if (!requests)
        bench_fail("out of memory");
    init_loop(&loop);
    completion_init(&done, count);
    start = bench_now_ns();
    for (i = 0; i < count; i++)
    {
        requests[i].data = &done;
        queue_work(&loop, &requests[i], counting_work, after_work);
    }
    completion_wait(&done, "requests");
    drain_loop(&loop);
    completion_check(&done, "requests");
    bench_result("time", "ms", LOWER_IS_BETTER, (atomic_load(&done.finish_ns) - start) / 1e6);
    completion_destroy(&done);
    free(requests);
}

static void run_submit(const struct bench_config *config)
{
    run_requests(config, bench_count(config, 1000000, 20000));
}

static void run_simple(const struct bench_config *config)
{
    run_requests(config, bench_count(config, 200000, 10000));
}

/* 2: one request at a time, queued and run to its completion callback. */
static void run_objects(const struct bench_config *config)
{
    long count = bench_count(config, 100000, 5000), i;
    struct completion done;
    uv_work_t request;
    uv_loop_t loop;
    int64_t start;

    init_loop(&loop);
    completion_init(&done, count);
    start = bench_now_ns();
    for (i = 0; i < count; i++)
    {
        request.data = &done;
        queue_work(&loop, &request, counting_work, after_work);
        uv_run(&loop, UV_RUN_DEFAULT);
        if (atomic_load(&done.count) != i + 1)
            bench_fail("request %ld: %ld callbacks after its loop ran", i, (long)atomic_load(&done.count));
    }
    bench_result("time", "ms", LOWER_IS_BETTER, (bench_now_ns() - start) / 1e6);
    drain_loop(&loop);
    completion_check(&done, "requests");
    completion_destroy(&done);
}

/* 4: latency. */
static void latency_work(uv_work_t *request)
{
    latency_callback_started();
}

static void submit_request(void *loop)
{
    uv_work_t *request = malloc(sizeof(*request));

    if (!request)
        bench_fail("out of memory");
    queue_work(loop, request, latency_work, after_work_free);
}

static void run_latency(const struct bench_config *config)
{
    uv_loop_t loop;

    init_loop(&loop);
    measure_latency(config, submit_request, &loop);
    drain_loop(&loop);
    latency_check();
}

/* Parallel-for: 16 requests queued, then the loop run until all
 * completed, round after round. */
#define PARALLEL_REQUESTS 16

static void run_parallel_requests(const struct bench_config *config)
{
    long rounds = bench_count(config, 20000, 500), round;
    uv_work_t requests[PARALLEL_REQUESTS];
    struct completion done;
    uv_loop_t loop;
    int64_t start;
    int i;

    init_loop(&loop);
    completion_init(&done, rounds * PARALLEL_REQUESTS);
    start = bench_now_ns();
    for (round = 0; round < rounds; round++)
    {
        for (i = 0; i < PARALLEL_REQUESTS; i++)
        {
            requests[i].data = &done;
            queue_work(&loop, &requests[i], counting_work, after_work);
        }
        uv_run(&loop, UV_RUN_DEFAULT);
        if (atomic_load(&done.count) != (round + 1) * PARALLEL_REQUESTS)
            bench_fail("round %ld: %ld callbacks after its loop ran", round, (long)atomic_load(&done.count));
    }
    bench_result("time", "ms", LOWER_IS_BETTER, (bench_now_ns() - start) / 1e6);
    drain_loop(&loop);
    completion_check(&done, "requests");
    completion_destroy(&done);
}

/* Requests that block briefly; each carries its index. */
static struct completion blocking_done;

static void blocking_work(uv_work_t *request)
{
    struct timespec delay;
    unsigned int ms = blocking_sleep_ms((long)(uintptr_t)request->data);

    delay.tv_sec = ms / 1000;
    delay.tv_nsec = (long)(ms % 1000) * 1000000;
    while (nanosleep(&delay, &delay))
        ;
    completion_hit(&blocking_done);
}

static void run_blocking_requests(const struct bench_config *config)
{
    long count = bench_count(config, 400, 40), i;
    uv_work_t *requests = calloc(count, sizeof(*requests));
    uv_loop_t loop;
    int64_t start;

    if (!requests)
        bench_fail("out of memory");
    init_loop(&loop);
    completion_init(&blocking_done, count);
    start = bench_now_ns();
    for (i = 0; i < count; i++)
    {
        requests[i].data = (void *)(uintptr_t)i;
        queue_work(&loop, &requests[i], blocking_work, after_work);
    }
    completion_wait(&blocking_done, "requests");
    drain_loop(&loop);
    completion_check(&blocking_done, "requests");
    bench_result("time", "ms", LOWER_IS_BETTER, (atomic_load(&blocking_done.finish_ns) - start) / 1e6);
    completion_destroy(&blocking_done);
    free(requests);
}

#define BUSY WORKLOAD_BUSY_VARIANT

const struct workload libuv_workloads[] =
{
    { "submit", "1,000,000 requests queued", run_submit, BUSY, NULL },
    { "objects", "100,000 requests queued and run to completion one at a time", run_objects, BUSY, NULL },
    { "simple", "200,000 requests queued", run_simple, BUSY, NULL },
    { "parallel", "20,000 rounds: 16 requests queued, then the loop run", run_parallel_requests, BUSY, NULL },
    { "blocking", "400 requests sleeping 1-20 ms each", run_blocking_requests, 0, NULL },
    { "latency", "queue-to-work-start latency, busy and after 2 ms idle", run_latency, 0,
      measure_latency_floor },
    { NULL }
};
