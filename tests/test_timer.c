/* Timer objects: due time encodings, periods, windows, Ex results. */

#include "test_util.h"


struct timer_log
{
    volatile LONG count;
    LONG target;
    HANDLE done;                 /* set when count reaches target */
    LARGE_INTEGER first;         /* when the first callback started */
};

static void log_init(struct timer_log *log, LONG target)
{
    log->count = 0;
    log->target = target;
    log->first.QuadPart = 0;
    log->done = CreateEventA(NULL, TRUE, FALSE, NULL);
    assert_non_null(log->done);
}

static void WINAPI log_timer(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    struct timer_log *log = context;
    LARGE_INTEGER now;
    LONG count;

    QueryPerformanceCounter(&now);
    count = InterlockedIncrement(&log->count);
    if (count == 1)
        log->first = now;
    if (count == log->target)
        SetEvent(log->done);
}

static LONGLONG qpc_ms(LARGE_INTEGER counter)
{
    LARGE_INTEGER frequency;
    QueryPerformanceFrequency(&frequency);
    return counter.QuadPart * 1000 / frequency.QuadPart;
}

static LONGLONG now_ms(void)
{
    LARGE_INTEGER now;
    QueryPerformanceCounter(&now);
    return qpc_ms(now);
}

static void close_timer(PTP_TIMER timer)
{
    SetThreadpoolTimer(timer, NULL, 0, 0);
    WaitForThreadpoolTimerCallbacks(timer, TRUE);
    CloseThreadpoolTimer(timer);
}

static void test_relative_one_shot(void **state)
{
    struct timer_log log;
    FILETIME due = relative_ms(10);
    PTP_TIMER timer;

    log_init(&log, 1);
    timer = CreateThreadpoolTimer(log_timer, &log, NULL);
    assert_non_null(timer);
    assert_false(IsThreadpoolTimerSet(timer));
    SetThreadpoolTimer(timer, &due, 0, 0);
    assert_true(IsThreadpoolTimerSet(timer));
    assert_signaled(log.done);
    WaitForThreadpoolTimerCallbacks(timer, FALSE);
    assert_int_equal(log.count, 1);
    SetThreadpoolTimer(timer, NULL, 0, 0);
    assert_false(IsThreadpoolTimerSet(timer));
    CloseThreadpoolTimer(timer);
    CloseHandle(log.done);
}

static void test_due_zero_fires_now(void **state)
{
    FILETIME due = { 0, 0 };
    struct timer_log log;
    PTP_TIMER timer;

    log_init(&log, 1);
    timer = CreateThreadpoolTimer(log_timer, &log, NULL);
    SetThreadpoolTimer(timer, &due, 0, 0);
    assert_signaled(log.done);
    close_timer(timer);
    assert_int_equal(log.count, 1);
    CloseHandle(log.done);
}

static void test_absolute_due(void **state)
{
    struct timer_log log;
    ULARGE_INTEGER when;
    FILETIME now, due;
    PTP_TIMER timer;

    log_init(&log, 1);
    timer = CreateThreadpoolTimer(log_timer, &log, NULL);
    GetSystemTimeAsFileTime(&now);
    when.LowPart = now.dwLowDateTime;
    when.HighPart = now.dwHighDateTime;
    when.QuadPart += 20 * MS;
    due.dwLowDateTime = when.LowPart;
    due.dwHighDateTime = when.HighPart;
    SetThreadpoolTimer(timer, &due, 0, 0);
    assert_signaled(log.done);
    GetSystemTimeAsFileTime(&now);
    /* it did not fire before its time */
    assert_true(((ULONGLONG)now.dwHighDateTime << 32 | now.dwLowDateTime) >= when.QuadPart);
    close_timer(timer);
    CloseHandle(log.done);
}

static void test_periodic(void **state)
{
    FILETIME due = relative_ms(1);
    PTP_POOL pool = pool_with_max(1);
    TP_CALLBACK_ENVIRON env;
    struct timer_log log;
    PTP_TIMER timer;
    LONG count;

    env_with_pool(&env, pool);
    log_init(&log, 5);
    timer = CreateThreadpoolTimer(log_timer, &log, &env);
    SetThreadpoolTimer(timer, &due, 5, 0);
    assert_signaled(log.done);
    SetThreadpoolTimer(timer, NULL, 0, 0);
    WaitForThreadpoolTimerCallbacks(timer, TRUE);
    count = log.count;
    assert_true(count >= 5);
    CloseThreadpoolTimer(timer);
    /* nothing runs after disarm + wait + close: not before an expiry 6
     * periods later, on the pool's one thread */
    drain_timers(&env, 30);
    assert_int_equal(log.count, count);
    CloseThreadpool(pool);
    CloseHandle(log.done);
}

struct overlap
{
    volatile LONG active;
    HANDLE all_running;
};

static void WINAPI overlapping_timer(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    struct overlap *overlap = context;
    if (InterlockedIncrement(&overlap->active) >= 3)
        SetEvent(overlap->all_running);
    WaitForSingleObject(overlap->all_running, TEST_TIMEOUT);
}

static void test_periodic_runs_while_earlier_runs(void **state)
{
    FILETIME due = relative_ms(1);
    struct overlap overlap = { 0, NULL };
    PTP_TIMER timer;

    overlap.all_running = CreateEventA(NULL, TRUE, FALSE, NULL);
    timer = CreateThreadpoolTimer(overlapping_timer, &overlap, NULL);
    SetThreadpoolTimer(timer, &due, 5, 0);
    assert_signaled(overlap.all_running);
    close_timer(timer);
    assert_true(overlap.active >= 3);
    CloseHandle(overlap.all_running);
}

static void test_reset_replaces_schedule(void **state)
{
    FILETIME later = relative_ms(60000), now = { 0, 0 };
    struct timer_log log;
    PTP_TIMER timer;

    log_init(&log, 1);
    timer = CreateThreadpoolTimer(log_timer, &log, NULL);
    SetThreadpoolTimer(timer, &later, 0, 0);
    assert_true(SetThreadpoolTimerEx(timer, &now, 0, 0));
    assert_signaled(log.done);
    close_timer(timer);
    assert_int_equal(log.count, 1);
    CloseHandle(log.done);
}

static void test_ex_results(void **state)
{
    FILETIME later = relative_ms(60000), soon = relative_ms(1);
    struct timer_log log;
    PTP_TIMER timer;

    log_init(&log, 1);
    timer = CreateThreadpoolTimer(log_timer, &log, NULL);
    /* not set */
    assert_false(SetThreadpoolTimerEx(timer, NULL, 0, 0));
    /* set, nothing pending: recalled */
    SetThreadpoolTimer(timer, &later, 0, 0);
    assert_true(SetThreadpoolTimerEx(timer, NULL, 0, 0));
    assert_false(SetThreadpoolTimerEx(timer, NULL, 0, 0));
    /* fired: nothing to recall */
    SetThreadpoolTimer(timer, &soon, 0, 0);
    assert_signaled(log.done);
    WaitForThreadpoolTimerCallbacks(timer, FALSE);
    assert_false(SetThreadpoolTimerEx(timer, NULL, 0, 0));
    /* periodic: the next period is recalled */
    SetThreadpoolTimer(timer, &later, 1000, 0);
    assert_true(SetThreadpoolTimerEx(timer, NULL, 0, 0));
    close_timer(timer);
    assert_int_equal(log.count, 1);
    CloseHandle(log.done);
}

static void test_window_coalesces_later_timer(void **state)
{
    FILETIME due1 = relative_ms(100), due2;
    struct timer_log log1, log2;
    PTP_TIMER timer1, timer2;
    LONGLONG start, due2_at, delay;

    log_init(&log1, 1);
    log_init(&log2, 1);
    timer1 = CreateThreadpoolTimer(log_timer, &log1, NULL);
    timer2 = CreateThreadpoolTimer(log_timer, &log2, NULL);
    /* timer1 may fire in [100, 500]; timer2 is set 50 ms later, due at
     * 300, inside that window: they fire together, at timer2's time */
    start = now_ms();
    SetThreadpoolTimer(timer1, &due1, 0, 400);
    Sleep(50);
    delay = start + 300 - now_ms();
    if (delay < 1)
        delay = 1;
    due2_at = now_ms() + delay;
    due2 = relative_ms(delay);
    SetThreadpoolTimer(timer2, &due2, 0, 0);
    assert_signaled(log1.done);
    assert_signaled(log2.done);
    assert_true(qpc_ms(log1.first) >= due2_at - 1);
    close_timer(timer1);
    close_timer(timer2);
    CloseHandle(log1.done);
    CloseHandle(log2.done);
}

static void test_window_joins_earlier_expiry(void **state)
{
    FILETIME due_a = relative_ms(100), due_b = relative_ms(30);
    struct timer_log log_a, log_b;
    PTP_TIMER timer_a, timer_b;
    LONGLONG due_a_at;

    log_init(&log_a, 1);
    log_init(&log_b, 1);
    timer_a = CreateThreadpoolTimer(log_timer, &log_a, NULL);
    timer_b = CreateThreadpoolTimer(log_timer, &log_b, NULL);
    due_a_at = now_ms() + 100;
    SetThreadpoolTimer(timer_a, &due_a, 0, 0);
    SetThreadpoolTimer(timer_b, &due_b, 0, 200);
    assert_signaled(log_a.done);
    assert_signaled(log_b.done);
    /* b's window [30, 230] covers a's expiry: b fires with a, not before */
    assert_true(qpc_ms(log_b.first) >= due_a_at - 1);
    close_timer(timer_a);
    close_timer(timer_b);
    CloseHandle(log_a.done);
    CloseHandle(log_b.done);
}

/* A window that no other timer shares does not delay the timer to its
 * end: it fires at its due time (Wine's conformance tests check that two
 * timers whose windows do not meet are not merged). */
static void test_lone_window_fires_at_due(void **state)
{
    FILETIME due = relative_ms(10), other_due = relative_ms(4 * TEST_TIMEOUT);
    struct timer_log log, other_log;
    PTP_TIMER timer, other_timer;

    log_init(&log, 1);
    log_init(&other_log, 1);
    timer = CreateThreadpoolTimer(log_timer, &log, NULL);
    other_timer = CreateThreadpoolTimer(log_timer, &other_log, NULL);
    SetThreadpoolTimer(other_timer, &other_due, 0, 0);
    /* the window ends long after the test's timeout */
    SetThreadpoolTimer(timer, &due, 0, 2 * TEST_TIMEOUT);
    assert_signaled(log.done);
    assert_int_equal(other_log.count, 0);
    close_timer(timer);
    close_timer(other_timer);
    CloseHandle(log.done);
    CloseHandle(other_log.done);
}

static void WINAPI block_until_set(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    HANDLE *events = context;
    SetEvent(events[0]);
    WaitForSingleObject(events[1], TEST_TIMEOUT);
}

static void test_wait_cancel_drops_pending(void **state)
{
    HANDLE events[2];
    FILETIME now = { 0, 0 };
    TP_CALLBACK_ENVIRON env;
    struct timer_log log;
    PTP_POOL pool;
    PTP_WORK block;
    PTP_TIMER timer;

    events[0] = CreateEventA(NULL, FALSE, FALSE, NULL);
    events[1] = CreateEventA(NULL, TRUE, FALSE, NULL);
    log_init(&log, 1);
    pool = pool_with_max(1);
    env_with_pool(&env, pool);
    block = CreateThreadpoolWork(block_until_set, events, &env);
    timer = CreateThreadpoolTimer(log_timer, &log, &env);
    SubmitThreadpoolWork(block);
    assert_signaled(events[0]);
    SetThreadpoolTimer(timer, &now, 0, 0);
    WaitForThreadpoolTimerCallbacks(timer, TRUE);
    SetEvent(events[1]);
    WaitForThreadpoolWorkCallbacks(block, FALSE);
    WaitForThreadpoolTimerCallbacks(timer, FALSE);
    assert_int_equal(log.count, 0);
    CloseThreadpoolTimer(timer);
    CloseThreadpoolWork(block);
    CloseThreadpool(pool);
    CloseHandle(events[0]);
    CloseHandle(events[1]);
    CloseHandle(log.done);
}

/* A worker that always finds more work queued still expires the timers
 * due meanwhile: a callback that submits itself again keeps the only
 * worker's queue from ever being empty until the timer has fired. */
#define FLOOD_CAP 1000000

struct flood
{
    struct timer_log *log;
    volatile LONG runs;
};

static void WINAPI flood_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct flood *flood = context;

    if (!InterlockedCompareExchange(&flood->log->count, 0, 0) &&
        InterlockedIncrement(&flood->runs) < FLOOD_CAP)
        SubmitThreadpoolWork(work);
}

static void test_timer_fires_amid_queued_work(void **state)
{
    FILETIME due = relative_ms(1);
    TP_CALLBACK_ENVIRON env;
    struct timer_log log;
    struct flood flood;
    PTP_POOL pool;
    PTP_WORK work;
    PTP_TIMER timer;

    log_init(&log, 1);
    flood.log = &log;
    flood.runs = 0;
    pool = pool_with_max(1);
    env_with_pool(&env, pool);
    work = CreateThreadpoolWork(flood_work, &flood, &env);
    timer = CreateThreadpoolTimer(log_timer, &log, &env);
    assert_non_null(work);
    assert_non_null(timer);
    SubmitThreadpoolWork(work);
    SetThreadpoolTimer(timer, &due, 0, 0);
    assert_signaled(log.done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_true(flood.runs < FLOOD_CAP);
    close_timer(timer);
    CloseThreadpoolWork(work);
    CloseThreadpool(pool);
    CloseHandle(log.done);
}

#define MANY_TIMERS 10000

static void test_many_timers_fire(void **state)
{
    static PTP_TIMER timers[MANY_TIMERS];
    struct timer_log log;
    FILETIME due;
    int i;

    log_init(&log, MANY_TIMERS);
    for (i = 0; i < MANY_TIMERS; i++)
    {
        timers[i] = CreateThreadpoolTimer(log_timer, &log, NULL);
        assert_non_null(timers[i]);
        due = relative_ms(1 + i % 100);
        SetThreadpoolTimer(timers[i], &due, 0, 0);
    }
    assert_signaled(log.done);
    for (i = 0; i < MANY_TIMERS; i++)
        close_timer(timers[i]);
    assert_int_equal(log.count, MANY_TIMERS);
    CloseHandle(log.done);
}

#define ARMED_TIMERS 100000

static void test_hundred_thousand_armed(void **state)
{
    PTP_TIMER *timers = malloc(ARMED_TIMERS * sizeof(*timers));
    struct timer_log log;
    FILETIME due;
    int i;

    assert_non_null(timers);
    log_init(&log, 1);
    for (i = 0; i < ARMED_TIMERS; i++)
    {
        timers[i] = CreateThreadpoolTimer(log_timer, &log, NULL);
        assert_non_null(timers[i]);
        due = relative_ms(60000 + i % 1000);
        SetThreadpoolTimer(timers[i], &due, 0, 0);
    }
    for (i = 0; i < ARMED_TIMERS; i += 2)
        assert_true(SetThreadpoolTimerEx(timers[i], NULL, 0, 0));
    for (i = 0; i < ARMED_TIMERS; i++)
    {
        assert_int_equal(IsThreadpoolTimerSet(timers[i]), i % 2);
        CloseThreadpoolTimer(timers[i]);
    }
    assert_int_equal(log.count, 0);
    free(timers);
    CloseHandle(log.done);
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_relative_one_shot),
        cmocka_unit_test(test_due_zero_fires_now),
        cmocka_unit_test(test_absolute_due),
        cmocka_unit_test(test_periodic),
        cmocka_unit_test(test_periodic_runs_while_earlier_runs),
        cmocka_unit_test(test_reset_replaces_schedule),
        cmocka_unit_test(test_ex_results),
        cmocka_unit_test(test_window_coalesces_later_timer),
        cmocka_unit_test(test_window_joins_earlier_expiry),
        cmocka_unit_test(test_lone_window_fires_at_due),
        cmocka_unit_test(test_wait_cancel_drops_pending),
        cmocka_unit_test(test_timer_fires_amid_queued_work),
        cmocka_unit_test(test_many_timers_fire),
        cmocka_unit_test(test_hundred_thousand_armed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
