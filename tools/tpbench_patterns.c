/*
 * tpbench: the Win32 workloads in the patterns programs use besides one
 * submitter and one object: a parallel-for over a set of work objects,
 * several threads submitting at once, and callbacks that block.
 */

#include <windows.h>
#include <stdlib.h>

#include "tpbench.h"

static void WINAPI counting_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    completion_hit(context);
}

static PTP_WORK create_counting_work(struct completion *done)
{
    PTP_WORK work = CreateThreadpoolWork(counting_callback, done, NULL);

    if (!work)
        bench_fail("CreateThreadpoolWork failed: %lu", (unsigned long)GetLastError());
    return work;
}

static void check_count(struct completion *done, long expected, const char *when)
{
    if (atomic_load(&done->count) != expected)
        bench_fail("%ld callbacks %s, not %ld", (long)atomic_load(&done->count), when, expected);
}

/* ---- Parallel-for: N objects submitted, then each waited for ------------------ */

#define PARALLEL_OBJECTS 16

void run_parallel(const struct bench_config *config)
{
    long rounds = bench_count(config, 20000, 500), round;
    PTP_WORK works[PARALLEL_OBJECTS];
    struct completion done;
    int64_t start;
    int i;

    completion_init(&done, rounds * PARALLEL_OBJECTS);
    for (i = 0; i < PARALLEL_OBJECTS; i++)
        works[i] = create_counting_work(&done);
    start = bench_now_ns();
    for (round = 0; round < rounds; round++)
    {
        for (i = 0; i < PARALLEL_OBJECTS; i++)
            SubmitThreadpoolWork(works[i]);
        for (i = 0; i < PARALLEL_OBJECTS; i++)
            WaitForThreadpoolWorkCallbacks(works[i], FALSE);
        check_count(&done, (round + 1) * PARALLEL_OBJECTS, "after a round's waits");
    }
    bench_result("time", "ms", LOWER_IS_BETTER, (bench_now_ns() - start) / 1e6);
    for (i = 0; i < PARALLEL_OBJECTS; i++)
        CloseThreadpoolWork(works[i]);
    completion_check(&done, "parallel rounds");
    completion_destroy(&done);
}

/* ---- Several submitting threads, on one object or each on its own ---------- */

#define PRODUCER_OBJECTS 16
#define PRODUCERS_MAX 4

struct producer
{
    atomic_int *gate;
    PTP_WORK works[PRODUCER_OBJECTS];
    int objects;
    long submissions;
};

static void producer_proc(void *arg)
{
    struct producer *producer = arg;
    long i;

    while (!atomic_load(producer->gate))
        ;
    for (i = 0; i < producer->submissions; i++)
        SubmitThreadpoolWork(producer->works[i % producer->objects]);
}

/* @producers threads submit the count between them, all to one object or
 * each to its own PRODUCER_OBJECTS in turn; then the main thread waits
 * for every object with WaitForThreadpoolWorkCallbacks. */
static void run_producers(const struct bench_config *config, int producers, int shared)
{
    long count = bench_count(config, 1000000, 20000);
    struct bench_thread *threads[PRODUCERS_MAX];
    struct producer state[PRODUCERS_MAX];
    struct completion done;
    PTP_WORK shared_work;
    atomic_int gate = 0;
    int64_t start;
    int i, j;

    completion_init(&done, count);
    shared_work = shared ? create_counting_work(&done) : NULL;
    for (i = 0; i < producers; i++)
    {
        state[i].gate = &gate;
        state[i].objects = shared ? 1 : PRODUCER_OBJECTS;
        state[i].submissions = count / producers + (i < count % producers);
        for (j = 0; j < state[i].objects; j++)
            state[i].works[j] = shared ? shared_work : create_counting_work(&done);
        threads[i] = bench_thread_start(producer_proc, &state[i]);
    }
    start = bench_now_ns();
    atomic_store(&gate, 1);
    for (i = 0; i < producers; i++)
        bench_thread_join(threads[i]);
    for (i = 0; i < producers; i++)
        for (j = 0; j < state[i].objects; j++)
            WaitForThreadpoolWorkCallbacks(state[i].works[j], FALSE);
    bench_result("time", "ms", LOWER_IS_BETTER, (bench_now_ns() - start) / 1e6);
    check_count(&done, count, "when the waits returned");
    for (i = 0; !shared && i < producers; i++)
        for (j = 0; j < state[i].objects; j++)
            CloseThreadpoolWork(state[i].works[j]);
    if (shared)
        CloseThreadpoolWork(shared_work);
    completion_check(&done, "submissions");
    completion_destroy(&done);
}

void run_producers_2_one(const struct bench_config *config)
{
    run_producers(config, 2, TRUE);
}

void run_producers_4_one(const struct bench_config *config)
{
    run_producers(config, 4, TRUE);
}

void run_producers_2_many(const struct bench_config *config)
{
    run_producers(config, 2, FALSE);
}

void run_producers_4_many(const struct bench_config *config)
{
    run_producers(config, 4, FALSE);
}

/* ---- Callbacks that block briefly ------------------------------------------ */

static struct completion blocking_done;

static void WINAPI blocking_callback(PTP_CALLBACK_INSTANCE instance, void *context)
{
    Sleep((DWORD)(uintptr_t)context);
    completion_hit(&blocking_done);
}

void run_blocking(const struct bench_config *config)
{
    long count = bench_count(config, 400, 40), i;
    int64_t start;

    completion_init(&blocking_done, count);
    start = bench_now_ns();
    for (i = 0; i < count; i++)
        if (!TrySubmitThreadpoolCallback(blocking_callback, (void *)(uintptr_t)blocking_sleep_ms(i), NULL))
            bench_fail("TrySubmitThreadpoolCallback failed: %lu", (unsigned long)GetLastError());
    completion_wait(&blocking_done, "blocking callbacks");
    bench_result("time", "ms", LOWER_IS_BETTER, (atomic_load(&blocking_done.finish_ns) - start) / 1e6);
    /* The last callback is still returning when the count is reached. */
    bench_sleep_ms(10);
    completion_check(&blocking_done, "blocking callbacks");
}
