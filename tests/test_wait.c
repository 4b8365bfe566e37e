/* Wait objects: signals, timeouts, one-shot arming, signal consumption. */

#include "test_util.h"

struct wait_log
{
    volatile LONG signaled;
    volatile LONG timeouts;
    LONG target;
    HANDLE done;                 /* set when signaled + timeouts reaches target */
    PTP_WAIT last;
};

static void log_init_counts(struct wait_log *log, LONG target)
{
    log->signaled = log->timeouts = 0;
    log->target = target;
    log->last = NULL;
}

static void log_init(struct wait_log *log, LONG target)
{
    log_init_counts(log, target);
    log->done = CreateEventA(NULL, TRUE, FALSE, NULL);
    assert_non_null(log->done);
}

static void log_hit(struct wait_log *log, PTP_WAIT wait, TP_WAIT_RESULT result)
{
    LONG total;

    InterlockedExchangePointer((void *volatile *)&log->last, wait);
    if (result == WAIT_OBJECT_0)
        InterlockedIncrement(&log->signaled);
    else if (result == WAIT_TIMEOUT)
        InterlockedIncrement(&log->timeouts);
    total = InterlockedCompareExchange(&log->signaled, 0, 0) +
            InterlockedCompareExchange(&log->timeouts, 0, 0);
    if (total == log->target)
        SetEvent(log->done);
}

static void WINAPI log_wait(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                            TP_WAIT_RESULT result)
{
    log_hit(context, wait, result);
}

static void close_wait(PTP_WAIT wait)
{
    SetThreadpoolWait(wait, NULL, NULL);
    WaitForThreadpoolWaitCallbacks(wait, TRUE);
    CloseThreadpoolWait(wait);
}

static void test_signal(void **state)
{
    HANDLE event = CreateEventA(NULL, FALSE, FALSE, NULL);
    struct wait_log log;
    PTP_WAIT wait;

    log_init(&log, 1);
    wait = CreateThreadpoolWait(log_wait, &log, NULL);
    assert_non_null(wait);
    SetThreadpoolWait(wait, event, NULL);
    SetEvent(event);
    assert_signaled(log.done);
    WaitForThreadpoolWaitCallbacks(wait, FALSE);
    assert_int_equal(log.signaled, 1);
    assert_ptr_equal(log.last, wait);
    /* the auto-reset event was consumed by the wait */
    assert_int_equal(WaitForSingleObject(event, 0), WAIT_TIMEOUT);
    close_wait(wait);
    CloseHandle(event);
    CloseHandle(log.done);
}

static void test_timeout(void **state)
{
    HANDLE event = CreateEventA(NULL, FALSE, FALSE, NULL);
    FILETIME timeout = relative_ms(10);
    struct wait_log log;
    PTP_WAIT wait;

    log_init(&log, 1);
    wait = CreateThreadpoolWait(log_wait, &log, NULL);
    SetThreadpoolWait(wait, event, &timeout);
    assert_signaled(log.done);
    WaitForThreadpoolWaitCallbacks(wait, FALSE);
    assert_int_equal(log.timeouts, 1);
    assert_int_equal(log.signaled, 0);
    /* one-shot: a later signal is not consumed */
    SetEvent(event);
    assert_int_equal(WaitForSingleObject(event, 0), WAIT_OBJECT_0);
    close_wait(wait);
    CloseHandle(event);
    CloseHandle(log.done);
}

static void test_zero_timeout(void **state)
{
    HANDLE event = CreateEventA(NULL, FALSE, FALSE, NULL);
    FILETIME zero = { 0, 0 };
    struct wait_log log;
    PTP_WAIT wait;

    log_init(&log, 2);
    wait = CreateThreadpoolWait(log_wait, &log, NULL);
    SetThreadpoolWait(wait, event, &zero);
    WaitForThreadpoolWaitCallbacks(wait, FALSE);
    assert_int_equal(log.timeouts, 1);
    SetEvent(event);
    SetThreadpoolWait(wait, event, &zero);
    assert_signaled(log.done);
    WaitForThreadpoolWaitCallbacks(wait, FALSE);
    assert_int_equal(log.signaled, 1);
    assert_int_equal(WaitForSingleObject(event, 0), WAIT_TIMEOUT);
    close_wait(wait);
    CloseHandle(event);
    CloseHandle(log.done);
}

struct rearm
{
    HANDLE event;
    HANDLE fired;
    volatile LONG count;
};

static void WINAPI rearm_wait(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                              TP_WAIT_RESULT result)
{
    struct rearm *rearm = context;
    if (result == WAIT_OBJECT_0 && InterlockedIncrement(&rearm->count) < 5)
        SetThreadpoolWait(wait, rearm->event, NULL);
    SetEvent(rearm->fired);
}

static void test_rearm_from_callback(void **state)
{
    struct rearm rearm;
    PTP_WAIT wait;
    int i;

    rearm.event = CreateEventA(NULL, FALSE, FALSE, NULL);
    rearm.fired = CreateEventA(NULL, FALSE, FALSE, NULL);
    rearm.count = 0;
    wait = CreateThreadpoolWait(rearm_wait, &rearm, NULL);
    SetThreadpoolWait(wait, rearm.event, NULL);
    for (i = 0; i < 5; i++)
    {
        SetEvent(rearm.event);
        assert_signaled(rearm.fired);
    }
    WaitForThreadpoolWaitCallbacks(wait, FALSE);
    assert_int_equal(rearm.count, 5);
    /* the fifth callback did not re-arm */
    SetEvent(rearm.event);
    assert_int_equal(WaitForSingleObject(rearm.event, 0), WAIT_OBJECT_0);
    close_wait(wait);
    CloseHandle(rearm.event);
    CloseHandle(rearm.fired);
}

static void test_semaphore_one_release_one_callback(void **state)
{
    HANDLE semaphore = CreateSemaphoreA(NULL, 0, 2, NULL);
    struct wait_log log;
    PTP_WAIT waits[2], other;

    log_init(&log, 1);
    waits[0] = CreateThreadpoolWait(log_wait, &log, NULL);
    waits[1] = CreateThreadpoolWait(log_wait, &log, NULL);
    SetThreadpoolWait(waits[0], semaphore, NULL);
    SetThreadpoolWait(waits[1], semaphore, NULL);
    ReleaseSemaphore(semaphore, 1, NULL);
    assert_signaled(log.done);
    WaitForThreadpoolWaitCallbacks(waits[0], FALSE);
    WaitForThreadpoolWaitCallbacks(waits[1], FALSE);
    other = log.last == waits[0] ? waits[1] : waits[0];
    /* the other wait is still armed, the fired one is not */
    assert_true(SetThreadpoolWaitEx(other, NULL, NULL, NULL));
    assert_false(SetThreadpoolWaitEx(log.last, NULL, NULL, NULL));
    assert_int_equal(log.signaled, 1);
    assert_int_equal(WaitForSingleObject(semaphore, 0), WAIT_TIMEOUT);
    close_wait(waits[0]);
    close_wait(waits[1]);
    CloseHandle(semaphore);
    CloseHandle(log.done);
}

static void test_cancel_and_replace(void **state)
{
    HANDLE event1 = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE event2 = CreateEventA(NULL, FALSE, FALSE, NULL);
    struct wait_log log;
    PTP_WAIT wait;

    log_init(&log, 1);
    wait = CreateThreadpoolWait(log_wait, &log, NULL);
    assert_false(SetThreadpoolWaitEx(wait, NULL, NULL, NULL));
    SetThreadpoolWait(wait, event1, NULL);
    assert_true(SetThreadpoolWaitEx(wait, NULL, NULL, NULL));
    /* cancelled: the signal stays for others */
    SetEvent(event1);
    assert_int_equal(WaitForSingleObject(event1, 0), WAIT_OBJECT_0);

    SetThreadpoolWait(wait, event1, NULL);
    assert_true(SetThreadpoolWaitEx(wait, event2, NULL, NULL));
    SetEvent(event1);
    SetEvent(event2);
    assert_signaled(log.done);
    WaitForThreadpoolWaitCallbacks(wait, FALSE);
    assert_int_equal(log.signaled, 1);
    assert_int_equal(WaitForSingleObject(event1, 0), WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObject(event2, 0), WAIT_TIMEOUT);
    assert_false(SetThreadpoolWaitEx(wait, NULL, NULL, NULL));
    close_wait(wait);
    CloseHandle(event1);
    CloseHandle(event2);
    CloseHandle(log.done);
}

static void test_manual_reset_not_reset(void **state)
{
    HANDLE event = CreateEventA(NULL, TRUE, FALSE, NULL);
    struct wait_log log;
    PTP_WAIT wait;

    log_init(&log, 1);
    wait = CreateThreadpoolWait(log_wait, &log, NULL);
    SetThreadpoolWait(wait, event, NULL);
    SetEvent(event);
    assert_signaled(log.done);
    assert_int_equal(WaitForSingleObject(event, 0), WAIT_OBJECT_0);
    close_wait(wait);
    CloseHandle(event);
    CloseHandle(log.done);
}

/* As on Windows, a wait holds its object from the arming on: closing the
 * handle leaves it armed on that object, never on a later object that gets
 * the same handle value; here the timeout fires it.  In the DLL another
 * handle of the object (a duplicate) still signals it. */
static void test_handle_closed_after_arming(void **state)
{
    FILETIME timeout = relative_ms(50);
    HANDLE event = CreateEventA(NULL, FALSE, FALSE, NULL), reuse;
    struct wait_log log;
    PTP_WAIT wait;

    assert_non_null(event);
    log_init(&log, 1);
    wait = CreateThreadpoolWait(log_wait, &log, NULL);
    assert_non_null(wait);
    SetThreadpoolWait(wait, event, &timeout);
    assert_true(CloseHandle(event));
    reuse = CreateEventA(NULL, TRUE, TRUE, NULL);
    assert_non_null(reuse);
    assert_signaled(log.done);
    assert_int_equal(log.timeouts, 1);
    assert_int_equal(log.signaled, 0);
    CloseHandle(reuse);

#ifdef _WIN32
    {
        HANDLE other;

        event = CreateEventA(NULL, FALSE, FALSE, NULL);
        assert_non_null(event);
        assert_true(DuplicateHandle(GetCurrentProcess(), event, GetCurrentProcess(), &other, 0, FALSE,
                                    DUPLICATE_SAME_ACCESS));
        ResetEvent(log.done);
        log_init_counts(&log, 1);
        SetThreadpoolWait(wait, event, NULL);
        assert_true(CloseHandle(event));
        assert_true(SetEvent(other));
        assert_signaled(log.done);
        assert_int_equal(log.signaled, 1);
        assert_int_equal(WaitForSingleObject(other, 0), WAIT_TIMEOUT);  /* consumed */
        CloseHandle(other);
    }
#endif
    close_wait(wait);
    CloseHandle(log.done);
}

#define MANY_WAITS 1200

static void test_many_waits_mixed(void **state)
{
    static HANDLE events[MANY_WAITS];
    static PTP_WAIT waits[MANY_WAITS];
    FILETIME timeout = relative_ms(20);
    struct wait_log log;
    int i;

    /* by i % 4: signalled, timed out, cancelled, handle closed */
    log_init(&log, MANY_WAITS / 2);
    for (i = 0; i < MANY_WAITS; i++)
    {
        events[i] = CreateEventA(NULL, FALSE, FALSE, NULL);
        assert_non_null(events[i]);
        waits[i] = CreateThreadpoolWait(log_wait, &log, NULL);
        assert_non_null(waits[i]);
        SetThreadpoolWait(waits[i], events[i], i % 4 == 1 ? &timeout : NULL);
    }
    for (i = 0; i < MANY_WAITS; i++)
    {
        switch (i % 4)
        {
        case 0: SetEvent(events[i]); break;
        case 2: assert_true(SetThreadpoolWaitEx(waits[i], NULL, NULL, NULL)); break;
        case 3: CloseHandle(events[i]); events[i] = NULL; break;
        }
    }
    assert_signaled(log.done);
    for (i = 0; i < MANY_WAITS; i++)
    {
        close_wait(waits[i]);
        if (events[i])
            CloseHandle(events[i]);
    }
    assert_int_equal(log.signaled, MANY_WAITS / 4);
    assert_int_equal(log.timeouts, MANY_WAITS / 4);
    CloseHandle(log.done);
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_signal),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_zero_timeout),
        cmocka_unit_test(test_rearm_from_callback),
        cmocka_unit_test(test_semaphore_one_release_one_callback),
        cmocka_unit_test(test_cancel_and_replace),
        cmocka_unit_test(test_manual_reset_not_reset),
        cmocka_unit_test(test_handle_closed_after_arming),
        cmocka_unit_test(test_many_waits_mixed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
