/* tpool's statistics: tpool_query_stats and tpool_query_process_stats. */

#include "test_util.h"
#include "tpool.h"

static volatile LONG callbacks_seen;

static void WINAPI counting_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    InterlockedIncrement(&callbacks_seen);
}

static void query(PTP_POOL pool, TPOOL_STATS *stats)
{
    memset(stats, 0xcc, sizeof(*stats));
    stats->size = sizeof(*stats);
    assert_true(tpool_query_stats(pool, stats));
}

static ULONGLONG process_callbacks(void)
{
    TPOOL_PROCESS_STATS stats;

    stats.size = sizeof(stats);
    assert_true(tpool_query_process_stats(&stats));
    return stats.callbacks;
}

static ULONGLONG lateness_total(const TPOOL_STATS *stats)
{
    ULONGLONG total = 0;
    int i;

    for (i = 0; i < TPOOL_LATENESS_BUCKETS; i++)
        total += stats->timer_lateness[i];
    return total;
}

/* Workers park a little after their last callback returned: poll, with
 * the usual bound. */
static void wait_until_idle(PTP_POOL pool, DWORD workers)
{
    TPOOL_STATS stats;
    int i;

    for (i = 0; i < TEST_TIMEOUT / 10; i++)
    {
        query(pool, &stats);
        if (stats.workers_idle == workers && !stats.workers_busy)
            return;
        Sleep(10);
    }
    fail_msg("%lu workers, %lu idle, %lu busy", (unsigned long)stats.workers,
             (unsigned long)stats.workers_idle, (unsigned long)stats.workers_busy);
}

static void test_bad_parameters(void **state)
{
    TPOOL_PROCESS_STATS process;
    TPOOL_STATS stats;

    SetLastError(0);
    assert_false(tpool_query_stats(NULL, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);

    stats.size = 0;
    SetLastError(0);
    assert_false(tpool_query_stats(NULL, &stats));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);

    stats.size = sizeof(stats) - 1;
    SetLastError(0);
    assert_false(tpool_query_stats(NULL, &stats));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);

    stats.size = sizeof(stats) + 8;
    SetLastError(0);
    assert_false(tpool_query_stats(NULL, &stats));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);

    SetLastError(0);
    assert_false(tpool_query_process_stats(NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);

    process.size = sizeof(process) - 4;
    SetLastError(0);
    assert_false(tpool_query_process_stats(&process));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
}

static PTP_WORK work_with_priority(PTP_POOL pool, TP_CALLBACK_PRIORITY priority)
{
    TP_CALLBACK_ENVIRON env;
    PTP_WORK work;

    env_with_pool(&env, pool);
    SetThreadpoolCallbackPriority(&env, priority);
    work = CreateThreadpoolWork(counting_work, NULL, &env);
    assert_non_null(work);
    return work;
}

static void submit(PTP_WORK work, int count)
{
    while (count--)
        SubmitThreadpoolWork(work);
}

/* One worker, held by a blocking callback while the others queue up. */
static void test_queue_and_callbacks(void **state)
{
    PTP_WORK blocker, high, normal, low;
    TPOOL_PROCESS_STATS process, after;
    TP_CALLBACK_ENVIRON env;
    TPOOL_STATS stats;
    struct blocker gate;
    PTP_POOL pool;

    process.size = sizeof(process);
    assert_true(tpool_query_process_stats(&process));
    pool = pool_with_max(1);
    after.size = sizeof(after);
    assert_true(tpool_query_process_stats(&after));
    assert_int_equal(after.pools, process.pools + 1);

    query(pool, &stats);
    assert_int_equal(stats.workers, 0);
    assert_int_equal(stats.workers_busy, 0);
    assert_int_equal(stats.workers_idle, 0);
    assert_int_equal(stats.callbacks, 0);
    assert_int_equal(stats.queued[0] + stats.queued[1] + stats.queued[2], 0);
    assert_int_equal(stats.timers_armed, 0);
    assert_int_equal(stats.waits_armed, 0);
    assert_int_equal(lateness_total(&stats), 0);

    blocker_init(&gate);
    env_with_pool(&env, pool);
    blocker = CreateThreadpoolWork(blocker_work, &gate, &env);
    assert_non_null(blocker);
    high = work_with_priority(pool, TP_CALLBACK_PRIORITY_HIGH);
    normal = work_with_priority(pool, TP_CALLBACK_PRIORITY_NORMAL);
    low = work_with_priority(pool, TP_CALLBACK_PRIORITY_LOW);

    SubmitThreadpoolWork(blocker);
    assert_signaled(gate.started);
    callbacks_seen = 0;
    submit(high, 2);
    submit(normal, 5);
    submit(low, 3);

    query(pool, &stats);
    assert_int_equal(stats.workers, 1);
    assert_int_equal(stats.workers_busy, 1);
    assert_int_equal(stats.workers_idle, 0);
    assert_int_equal(stats.callbacks, 1);
    assert_int_equal(stats.queued[TP_CALLBACK_PRIORITY_HIGH], 2);
    assert_int_equal(stats.queued[TP_CALLBACK_PRIORITY_NORMAL], 5);
    assert_int_equal(stats.queued[TP_CALLBACK_PRIORITY_LOW], 3);

    /* cancelled callbacks leave the queue without running */
    WaitForThreadpoolWorkCallbacks(low, TRUE);
    query(pool, &stats);
    assert_int_equal(stats.queued[TP_CALLBACK_PRIORITY_LOW], 0);
    assert_int_equal(stats.queued[TP_CALLBACK_PRIORITY_NORMAL], 5);

    SetEvent(gate.release);
    WaitForThreadpoolWorkCallbacks(blocker, FALSE);
    WaitForThreadpoolWorkCallbacks(high, FALSE);
    WaitForThreadpoolWorkCallbacks(normal, FALSE);
    assert_int_equal(callbacks_seen, 7);

    query(pool, &stats);
    assert_int_equal(stats.callbacks, 8);
    assert_int_equal(stats.queued[0] + stats.queued[1] + stats.queued[2], 0);
    wait_until_idle(pool, 1);

    /* the process total counts them too, and keeps them once the pool is gone */
    CloseThreadpoolWork(blocker);
    CloseThreadpoolWork(high);
    CloseThreadpoolWork(normal);
    CloseThreadpoolWork(low);
    CloseThreadpool(pool);
    assert_int_equal(process_callbacks() - process.callbacks, 8);
    blocker_free(&gate);
}

struct simple_target
{
    LONG target;
    HANDLE done;
};

/* The target lives in the test's frame, which may be gone as soon as the
 * last callback is counted: read before counting. */
static void WINAPI target_simple(PTP_CALLBACK_INSTANCE instance, void *context)
{
    struct simple_target *target = context;
    LONG goal = target->target;

    if (InterlockedIncrement(&callbacks_seen) == goal)
        SetEvent(target->done);
}

/* NULL is the default pool, which TrySubmitThreadpoolCallback uses. */
static void test_default_pool(void **state)
{
    struct simple_target target = { 50, CreateEventA(NULL, TRUE, FALSE, NULL) };
    ULONGLONG pool_before, process_before;
    TPOOL_STATS stats;
    int i;

    assert_non_null(target.done);
    query(NULL, &stats);
    pool_before = stats.callbacks;
    process_before = process_callbacks();
    callbacks_seen = 0;
    for (i = 0; i < target.target; i++)
        assert_true(TrySubmitThreadpoolCallback(target_simple, &target, NULL));
    assert_signaled(target.done);

    /* a callback is counted when it starts, before it runs */
    query(NULL, &stats);
    assert_int_equal(stats.callbacks - pool_before, target.target);
    assert_int_equal(process_callbacks() - process_before, target.target);
    assert_true(stats.workers >= 1);
    CloseHandle(target.done);
}

static void WINAPI timer_done(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    SetEvent(context);
}

static void test_timers(void **state)
{
    HANDLE fired = CreateEventA(NULL, FALSE, FALSE, NULL);
    PTP_TIMER timer, other;
    TP_CALLBACK_ENVIRON env;
    TPOOL_STATS stats;
    PTP_POOL pool;
    FILETIME due;

    assert_non_null(fired);
    pool = CreateThreadpool(NULL);
    assert_non_null(pool);
    env_with_pool(&env, pool);
    query(pool, &stats);
    assert_int_equal(stats.workers, 0);
    timer = CreateThreadpoolTimer(timer_done, fired, &env);
    other = CreateThreadpoolTimer(timer_done, fired, &env);
    assert_non_null(timer);
    assert_non_null(other);
    /* the pool's first timer started the worker that will expire it */
    query(pool, &stats);
    assert_int_equal(stats.workers, 1);

    due = relative_ms(60000);
    SetThreadpoolTimer(timer, &due, 0, 0);
    SetThreadpoolTimer(other, &due, 0, 0);
    query(pool, &stats);
    assert_int_equal(stats.timers_armed, 2);
    SetThreadpoolTimer(other, NULL, 0, 0);
    query(pool, &stats);
    assert_int_equal(stats.timers_armed, 1);

    /* an expiry leaves the queue and lands in the lateness histogram */
    due = relative_ms(5);
    SetThreadpoolTimer(timer, &due, 0, 0);
    assert_signaled(fired);
    query(pool, &stats);
    assert_int_equal(stats.timers_armed, 0);
    assert_int_equal(lateness_total(&stats), 1);
    assert_int_equal(stats.callbacks, 1);

    WaitForThreadpoolTimerCallbacks(timer, FALSE);
    CloseThreadpoolTimer(timer);
    CloseThreadpoolTimer(other);
    CloseThreadpool(pool);
    CloseHandle(fired);
}

static void WINAPI wait_done(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                             TP_WAIT_RESULT result)
{
    if (result == WAIT_OBJECT_0)
        SetEvent(context);
}

static void test_waits(void **state)
{
    HANDLE event = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE fired = CreateEventA(NULL, FALSE, FALSE, NULL);
    TP_CALLBACK_ENVIRON env;
    TPOOL_STATS stats;
    PTP_WAIT wait;
    PTP_POOL pool;

    assert_non_null(event);
    assert_non_null(fired);
    pool = CreateThreadpool(NULL);
    assert_non_null(pool);
    env_with_pool(&env, pool);
    wait = CreateThreadpoolWait(wait_done, fired, &env);
    assert_non_null(wait);

    SetThreadpoolWait(wait, event, NULL);
    query(pool, &stats);
    assert_int_equal(stats.waits_armed, 1);
#ifdef _WIN32
    assert_true(stats.wait_threads >= 1);
#else
    assert_int_equal(stats.wait_threads, 0);   /* natively the signaller notifies */
#endif

    SetEvent(event);
    assert_signaled(fired);
    query(pool, &stats);
    assert_int_equal(stats.waits_armed, 0);
    assert_int_equal(stats.callbacks, 1);

    SetThreadpoolWait(wait, event, NULL);
    query(pool, &stats);
    assert_int_equal(stats.waits_armed, 1);
    SetThreadpoolWait(wait, NULL, NULL);
    query(pool, &stats);
    assert_int_equal(stats.waits_armed, 0);

    WaitForThreadpoolWaitCallbacks(wait, FALSE);
    CloseThreadpoolWait(wait);
    CloseThreadpool(pool);
    CloseHandle(event);
    CloseHandle(fired);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_bad_parameters),
        cmocka_unit_test(test_queue_and_callbacks),
        cmocka_unit_test(test_default_pool),
        cmocka_unit_test(test_timers),
        cmocka_unit_test(test_waits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
