/*
 * The legacy pool's timer queues (CreateTimerQueue, CreateTimerQueueTimer,
 * ChangeTimerQueueTimer, the deletes, SetTimerQueueTimer and
 * CancelTimerQueueTimer) with their Rtl* twins.  Modelled on Wine's
 * kernel32 sync.c test_timer_queue, including a DueTime-0 timer deleted
 * at once with a NULL event, which runs once on Windows and never under
 * Wine.
 *
 * Callbacks record what they see; the main thread asserts.
 */

#include "test_legacy.h"

struct counter
{
    volatile LONG count;
    volatile LONG not_fired;     /* TimerOrWaitFired was FALSE */
    volatile LONG after_delete;  /* callbacks after a delete that waited */
    volatile LONG deleted;
    LONG target;
    DWORD thread;
    HANDLE done;                 /* set when count reaches target */
    /* for the callbacks that act on their own timer */
    HANDLE queue;
    HANDLE timer;
    volatile LONG result;
    volatile LONG error;
    HANDLE acted;                /* set once result and error are in */
};

static void counter_init(struct counter *counter, LONG target)
{
    memset(counter, 0, sizeof(*counter));
    counter->target = target;
    counter->done = test_event(TRUE, FALSE);
    counter->acted = test_event(TRUE, FALSE);
    counter->result = -1;
}

static void counter_free(struct counter *counter)
{
    CloseHandle(counter->done);
    CloseHandle(counter->acted);
}

/* Returns the callback's number, from 1. */
static LONG counter_hit(struct counter *counter, BOOLEAN fired)
{
    LONG count;

    if (counter->deleted)
        InterlockedIncrement(&counter->after_delete);
    if (!fired)
        InterlockedIncrement(&counter->not_fired);
    InterlockedExchange((LONG volatile *)&counter->thread, (LONG)GetCurrentThreadId());
    if ((count = InterlockedIncrement(&counter->count)) == counter->target)
        SetEvent(counter->done);
    return count;
}

static void CALLBACK count_timer(void *context, BOOLEAN fired)
{
    counter_hit(context, fired);
}

/* After a delete that waited: no callback may come any more.  The timer
 * (or its whole queue) is gone, so there is nothing left to synchronize
 * with: a callback that came anyway would come within its period. */
static void assert_stopped(struct counter *counter)
{
    counter->deleted = TRUE;
    Sleep(30);
    assert_int_equal(counter->after_delete, 0);
    assert_int_equal(counter->not_fired, 0);
}

static HANDLE queue_create(void)
{
    HANDLE queue = CreateTimerQueue();
    assert_non_null(queue);
    return queue;
}

static HANDLE timer_create_checked(HANDLE queue, WAITORTIMERCALLBACK callback, void *context, DWORD due,
                                   DWORD period, ULONG flags)
{
    HANDLE timer = NULL;

    assert_true(CreateTimerQueueTimer(&timer, queue, callback, context, due, period, flags));
    assert_non_null(timer);
    return timer;
}

static void CALLBACK set_event_timer(void *context, BOOLEAN fired)
{
    SetEvent(context);
}

/* Deletes the queue once a timer due in `ms` on it has fired: an expiry
 * due sooner was queued before that one, and the blocking delete waits for
 * every callback the queue queued (a drain barrier for negative checks). */
static void queue_drain_and_delete(HANDLE queue, DWORD ms)
{
    HANDLE fired = test_event(TRUE, FALSE);

    timer_create_checked(queue, set_event_timer, fired, ms, 0, WT_EXECUTEONLYONCE);
    assert_signaled(fired);
    assert_true(DeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE));
    CloseHandle(fired);
}

static HANDLE blocked_timer(HANDLE queue, struct legacy_blocker *blocker)
{
    HANDLE timer = timer_create_checked(queue, blocker_callback, blocker, 0, 0, 0);

    assert_signaled(blocker->entered);
    return timer;
}

static void assert_pending(BOOL ret)
{
    assert_false(ret);
    assert_int_equal(GetLastError(), ERROR_IO_PENDING);
}

/* ---- Queues -------------------------------------------------------------- */

static void test_delete_queues(void **state)
{
    HANDLE event = test_event(TRUE, FALSE), queue;

    SetLastError(0xdeadbeef);
    assert_true(DeleteTimerQueueEx(queue_create(), NULL));
    assert_true(DeleteTimerQueue(queue_create()));
    assert_true(DeleteTimerQueueEx(queue_create(), INVALID_HANDLE_VALUE));
    assert_true(DeleteTimerQueueEx(queue_create(), event));
    assert_signaled(event);
    assert_int_equal(GetLastError(), 0xdeadbeef);

    /* the default queue cannot be deleted */
    assert_false(DeleteTimerQueueEx(NULL, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    queue = queue_create();
    assert_true(DeleteTimerQueueEx(queue, NULL));
    CloseHandle(event);
}

/* Windows runs it once although it is deleted at once; Wine never does. */
static void test_due_zero_deleted_at_once(void **state)
{
    HANDLE queue = queue_create(), timer;
    struct counter counter;
    BOOL ret;

    counter_init(&counter, 1);
    timer = timer_create_checked(queue, count_timer, &counter, 0, 300, 0);
    SetLastError(0xdeadbeef);
    ret = DeleteTimerQueueTimer(queue, timer, NULL);
    /* unless its callback has run already */
    if (!ret)
        assert_int_equal(GetLastError(), ERROR_IO_PENDING);
    assert_signaled(counter.done);
    assert_true(DeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE));
    assert_stopped(&counter);
    assert_int_equal(counter.count, 1);
    counter_free(&counter);
}

static void test_one_shot_and_periodic(void **state)
{
    HANDLE queue = queue_create(), once, periodic;
    struct counter counters[3];
    int i;

    counter_init(&counters[0], 1);
    counter_init(&counters[1], 5);
    counter_init(&counters[2], 1);
    once = timer_create_checked(queue, count_timer, &counters[0], 0, 0, 0);
    periodic = timer_create_checked(queue, count_timer, &counters[1], 0, 5, 0);
    timer_create_checked(queue, count_timer, &counters[2], 10000, 10, 0);
    assert_signaled(counters[0].done);
    assert_signaled(counters[1].done);
    assert_true(DeleteTimerQueueTimer(queue, once, INVALID_HANDLE_VALUE));
    assert_true(DeleteTimerQueueTimer(queue, periodic, INVALID_HANDLE_VALUE));
    /* the late one goes with its queue */
    assert_true(DeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE));
    for (i = 0; i < 3; i++)
        assert_stopped(&counters[i]);
    assert_int_equal(counters[0].count, 1);
    assert_int_equal(counters[2].count, 0);
    for (i = 0; i < 3; i++)
        counter_free(&counters[i]);
}

/* ---- Deleting a timer ------------------------------------------------------- */

static void test_delete_timer_blocking(void **state)
{
    HANDLE queue = queue_create(), timer;
    struct legacy_blocker blocker;
    test_thread thread;

    legacy_blocker_init(&blocker);
    timer = blocked_timer(queue, &blocker);
    thread = test_thread_start(release_later, &blocker);
    assert_true(DeleteTimerQueueTimer(queue, timer, INVALID_HANDLE_VALUE));
    assert_int_equal(blocker.finished, 1);
    test_thread_join(thread);
    assert_true(DeleteTimerQueueEx(queue, NULL));
    legacy_blocker_free(&blocker);
}

static void test_delete_timer_with_event(void **state)
{
    HANDLE queue = queue_create(), completion = test_event(TRUE, FALSE), timer;
    struct legacy_blocker blocker;
    struct counter counter;

    legacy_blocker_init(&blocker);
    timer = blocked_timer(queue, &blocker);
    SetLastError(0xdeadbeef);
    assert_pending(DeleteTimerQueueTimer(queue, timer, completion));
    assert_int_equal(WaitForSingleObject(completion, 0), WAIT_TIMEOUT);
    SetEvent(blocker.release);
    assert_signaled(completion);
    assert_int_equal(blocker.finished, 1);

    /* done (or about to be): the event is set either way */
    ResetEvent(completion);
    counter_init(&counter, 1);
    timer = timer_create_checked(queue, count_timer, &counter, 0, 0, 0);
    assert_signaled(counter.done);
    SetLastError(0xdeadbeef);
    if (DeleteTimerQueueTimer(queue, timer, completion))
        assert_int_equal(GetLastError(), 0xdeadbeef);
    else
        assert_int_equal(GetLastError(), ERROR_IO_PENDING);
    assert_signaled(completion);
    assert_true(DeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE));
    legacy_blocker_free(&blocker);
    CloseHandle(completion);
    counter_free(&counter);
}

static void test_delete_timer_without_event(void **state)
{
    HANDLE queue = queue_create(), timer;
    struct legacy_blocker blocker;

    legacy_blocker_init(&blocker);
    timer = blocked_timer(queue, &blocker);
    SetLastError(0xdeadbeef);
    assert_pending(DeleteTimerQueueTimer(queue, timer, NULL));
    SetEvent(blocker.release);
    assert_signaled(blocker.left);
    SetLastError(0xdeadbeef);
    assert_false(DeleteTimerQueueTimer(queue, NULL, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    assert_true(DeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE));
    legacy_blocker_free(&blocker);
}

/* ---- From the timer's own callback ------------------------------------------ */

static void CALLBACK delete_self_at_target(void *context, BOOLEAN fired)
{
    struct counter *counter = context;

    if (counter_hit(counter, fired) != counter->target)
        return;
    SetLastError(0xdeadbeef);
    counter->result = DeleteTimerQueueTimer(counter->queue, counter->timer, NULL);
    counter->error = GetLastError();
    SetEvent(counter->acted);
}

/* The callback that deletes its timer counts as outstanding. */
static void test_delete_in_own_callback(void **state)
{
    HANDLE queue = queue_create();
    struct counter counter;

    counter_init(&counter, 3);
    counter.queue = queue;
    /* armed once the handle is known */
    counter.timer = timer_create_checked(queue, delete_self_at_target, &counter, 10000, 0, 0);
    assert_true(ChangeTimerQueueTimer(queue, counter.timer, 10, 10));
    assert_signaled(counter.acted);
    assert_int_equal(counter.result, FALSE);
    assert_int_equal(counter.error, ERROR_IO_PENDING);
    assert_true(DeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE));
    assert_stopped(&counter);
    counter_free(&counter);
}

static void CALLBACK delete_self_blocking(void *context, BOOLEAN fired)
{
    struct counter *counter = context;

    counter->result = DeleteTimerQueueTimer(counter->queue, counter->timer, INVALID_HANDLE_VALUE);
    counter->error = GetLastError();
    SetEvent(counter->acted);
    counter_hit(counter, fired);
}

/* Windows documents a deadlock; tpool waits for the other callbacks only. */
static void test_delete_blocking_in_own_callback(void **state)
{
    HANDLE queue = queue_create();
    struct counter counter;

    counter_init(&counter, 1);
    counter.queue = queue;
    /* armed after the handle is known */
    counter.timer = timer_create_checked(queue, delete_self_blocking, &counter, 10000, 0, 0);
    assert_true(ChangeTimerQueueTimer(queue, counter.timer, 0, 0));
    assert_signaled(counter.done);
    assert_int_equal(counter.result, FALSE);
    assert_int_equal(counter.error, ERROR_IO_PENDING);
    assert_true(DeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE));
    counter_free(&counter);
}

static void CALLBACK change_self_at_target(void *context, BOOLEAN fired)
{
    struct counter *counter = context;

    if (counter_hit(counter, fired) != counter->target)
        return;
    counter->result = ChangeTimerQueueTimer(counter->queue, counter->timer, 10000, 0);
    SetEvent(counter->acted);
}

static void test_change_in_own_callback(void **state)
{
    HANDLE queue = queue_create();
    struct counter counter;

    counter_init(&counter, 3);
    counter.queue = queue;
    counter.timer = timer_create_checked(queue, change_self_at_target, &counter, 10000, 0, 0);
    assert_true(ChangeTimerQueueTimer(queue, counter.timer, 10, 10));
    assert_signaled(counter.acted);
    assert_int_equal(counter.result, TRUE);
    assert_true(DeleteTimerQueueTimer(queue, counter.timer, INVALID_HANDLE_VALUE));
    assert_stopped(&counter);
    assert_true(DeleteTimerQueueEx(queue, NULL));
    counter_free(&counter);
}

static void CALLBACK change_expired_self(void *context, BOOLEAN fired)
{
    struct counter *counter = context;

    counter->result = ChangeTimerQueueTimer(counter->queue, counter->timer, 0, 0);
    SetEvent(counter->acted);
    counter_hit(counter, fired);
}

/* A one-shot timer that has expired is not changed, but that succeeds: had
 * it been armed again with due time 0, its callback would be pending and
 * the blocking delete would wait for it. */
static void test_change_expired_one_shot(void **state)
{
    HANDLE queue = queue_create();
    struct counter counter;

    counter_init(&counter, 1);
    counter.queue = queue;
    counter.timer = timer_create_checked(queue, change_expired_self, &counter, 10000, 0, 0);
    assert_true(ChangeTimerQueueTimer(queue, counter.timer, 0, 0));
    assert_signaled(counter.done);
    assert_true(DeleteTimerQueueTimer(queue, counter.timer, INVALID_HANDLE_VALUE));
    assert_int_equal(counter.result, TRUE);
    assert_int_equal(counter.count, 1);
    assert_true(DeleteTimerQueueEx(queue, NULL));
    counter_free(&counter);
}

/* ---- The default queue ---------------------------------------------------- */

static void test_default_queue(void **state)
{
    HANDLE queue, timer, other;
    struct counter counter;

    counter_init(&counter, 1);
    timer = timer_create_checked(NULL, count_timer, &counter, 1000, 1000, 0);
    assert_true(ChangeTimerQueueTimer(NULL, timer, 0, 2000));
    assert_signaled(counter.done);
    assert_true(DeleteTimerQueueTimer(NULL, timer, INVALID_HANDLE_VALUE));

    /* the queue given with a timer does not matter */
    queue = queue_create();
    timer = timer_create_checked(queue, count_timer, &counter, 1000, 1000, 0);
    other = timer_create_checked(NULL, count_timer, &counter, 1000, 1000, 0);
    assert_true(ChangeTimerQueueTimer(NULL, timer, 2000, 2000));
    assert_true(ChangeTimerQueueTimer(queue, other, 2000, 2000));
    assert_true(DeleteTimerQueueTimer(NULL, timer, INVALID_HANDLE_VALUE));
    assert_true(DeleteTimerQueueTimer(queue, other, INVALID_HANDLE_VALUE));
    assert_true(DeleteTimerQueueEx(queue, NULL));
    assert_stopped(&counter);
    counter_free(&counter);
}

/* ---- Deleting a queue ----------------------------------------------------- */

static void test_delete_queue_blocking(void **state)
{
    HANDLE queue = queue_create();
    struct legacy_blocker blocker;
    struct counter counter;
    test_thread thread;

    legacy_blocker_init(&blocker);
    counter_init(&counter, 3);
    blocked_timer(queue, &blocker);
    timer_create_checked(queue, count_timer, &counter, 0, 5, 0);
    assert_signaled(counter.done);
    thread = test_thread_start(release_later, &blocker);
    assert_true(DeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE));
    assert_int_equal(blocker.finished, 1);
    assert_stopped(&counter);
    test_thread_join(thread);
    legacy_blocker_free(&blocker);
    counter_free(&counter);
}

static void test_delete_queue_with_event(void **state)
{
    HANDLE queue = queue_create(), completion = test_event(TRUE, FALSE);
    struct legacy_blocker blocker;

    legacy_blocker_init(&blocker);
    blocked_timer(queue, &blocker);
    SetLastError(0xdeadbeef);
    assert_pending(DeleteTimerQueueEx(queue, completion));
    assert_int_equal(WaitForSingleObject(completion, 0), WAIT_TIMEOUT);
    SetEvent(blocker.release);
    assert_signaled(completion);
    assert_int_equal(blocker.finished, 1);

    /* DeleteTimerQueue: no event, ERROR_IO_PENDING as well */
    legacy_blocker_free(&blocker);
    legacy_blocker_init(&blocker);
    queue = queue_create();
    blocked_timer(queue, &blocker);
    SetLastError(0xdeadbeef);
    assert_pending(DeleteTimerQueue(queue));
    SetEvent(blocker.release);
    assert_signaled(blocker.left);
    legacy_blocker_free(&blocker);
    CloseHandle(completion);
}

#define MANY_TIMERS 300

static void test_many_timers(void **state)
{
    HANDLE queue = queue_create();
    struct counter counter;
    int i;

    counter_init(&counter, MANY_TIMERS);
    for (i = 0; i < MANY_TIMERS; i++)
        timer_create_checked(queue, count_timer, &counter, i % 20, 3 + i % 7, 0);
    assert_signaled(counter.done);
    assert_true(DeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE));
    assert_stopped(&counter);
    counter_free(&counter);
}

/* ---- Flags ------------------------------------------------------------------ */

static void test_timer_flags(void **state)
{
    static const ULONG flags[] =
    {
        WT_EXECUTEINTIMERTHREAD, WT_EXECUTELONGFUNCTION, WT_EXECUTEINPERSISTENTTHREAD,
        WT_EXECUTEINIOTHREAD, WT_TRANSFER_IMPERSONATION,
    };
    HANDLE queue = queue_create(), timer;
    struct counter counter;
    unsigned int i;

    for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
    {
        counter_init(&counter, 4);
        timer = timer_create_checked(queue, count_timer, &counter, 0, 5, flags[i]);
        assert_signaled(counter.done);
        assert_true(DeleteTimerQueueTimer(queue, timer, INVALID_HANDLE_VALUE));
        assert_stopped(&counter);
        assert_int_not_equal(counter.thread, GetCurrentThreadId());
        counter_free(&counter);
    }
    assert_true(DeleteTimerQueueEx(queue, NULL));
}

/* Persistent timers share one thread. */
static void test_persistent_timers(void **state)
{
    HANDLE queue = queue_create();
    struct counter counters[2];
    int i;

    for (i = 0; i < 2; i++)
    {
        counter_init(&counters[i], 2);
        timer_create_checked(queue, count_timer, &counters[i], 0, 5, WT_EXECUTEINPERSISTENTTHREAD);
    }
    for (i = 0; i < 2; i++)
        assert_signaled(counters[i].done);
    assert_true(DeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE));
    assert_int_equal(counters[0].thread, counters[1].thread);
    for (i = 0; i < 2; i++)
        counter_free(&counters[i]);
}

/* WT_EXECUTEONLYONCE makes it one-shot whatever the period. */
static void test_only_once(void **state)
{
    HANDLE queue = queue_create();
    struct counter counter;

    counter_init(&counter, 1);
    timer_create_checked(queue, count_timer, &counter, 0, 5, WT_EXECUTEONLYONCE);
    assert_signaled(counter.done);
    /* a second expiry would be due 5 ms after the first */
    queue_drain_and_delete(queue, 30);
    assert_int_equal(counter.count, 1);
    counter_free(&counter);
}

/* ---- Obsolete forms and Rtl* twins ------------------------------------------ */

static void test_set_and_cancel(void **state)
{
    /* cancelling does not wait: a callback may come after the test */
    static struct counter counter;
    HANDLE queue = queue_create(), timer;

    counter_init(&counter, 2);
    timer = SetTimerQueueTimer(queue, count_timer, &counter, 0, 5, FALSE);
    assert_non_null(timer);
    assert_signaled(counter.done);
    assert_true(CancelTimerQueueTimer(queue, timer));
    ResetEvent(counter.done);
    counter.target = counter.count + 1;
    timer = SetTimerQueueTimer(NULL, count_timer, &counter, 0, 0, TRUE);
    assert_non_null(timer);
    assert_signaled(counter.done);
    assert_true(CancelTimerQueueTimer(NULL, timer));
    assert_true(DeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE));
    counter_free(&counter);
}

static void test_rtl_timers(void **state)
{
    HANDLE queue, timer, completion = test_event(TRUE, FALSE);
    struct legacy_blocker blocker;
    struct counter counter;

    counter_init(&counter, 1);
    legacy_blocker_init(&blocker);
    assert_status(RtlCreateTimerQueue(&queue), 0);
    assert_status(RtlCreateTimer(queue, &timer, count_timer, &counter, 10000, 0, 0), 0);
    assert_status(RtlUpdateTimer(queue, timer, 0, 0), 0);
    assert_signaled(counter.done);
    assert_status(RtlDeleteTimer(queue, timer, INVALID_HANDLE_VALUE), 0);
    assert_status(RtlDeleteTimer(queue, NULL, NULL), STATUS_INVALID_PARAMETER);

    assert_status(RtlCreateTimer(queue, &timer, blocker_callback, &blocker, 0, 0, 0), 0);
    assert_signaled(blocker.entered);
    assert_status(RtlDeleteTimer(queue, timer, completion), STATUS_PENDING);
    SetEvent(blocker.release);
    assert_signaled(completion);
    assert_status(RtlDeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE), 0);

    assert_status(RtlCreateTimerQueue(&queue), 0);
    assert_status(RtlDeleteTimerQueue(queue), 0);
    assert_status(RtlDeleteTimerQueueEx(NULL, NULL), STATUS_INVALID_HANDLE);
    legacy_blocker_free(&blocker);
    CloseHandle(completion);
    counter_free(&counter);
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_delete_queues),
        cmocka_unit_test(test_due_zero_deleted_at_once),
        cmocka_unit_test(test_one_shot_and_periodic),
        cmocka_unit_test(test_delete_timer_blocking),
        cmocka_unit_test(test_delete_timer_with_event),
        cmocka_unit_test(test_delete_timer_without_event),
        cmocka_unit_test(test_delete_in_own_callback),
        cmocka_unit_test(test_delete_blocking_in_own_callback),
        cmocka_unit_test(test_change_in_own_callback),
        cmocka_unit_test(test_change_expired_one_shot),
        cmocka_unit_test(test_default_queue),
        cmocka_unit_test(test_delete_queue_blocking),
        cmocka_unit_test(test_delete_queue_with_event),
        cmocka_unit_test(test_many_timers),
        cmocka_unit_test(test_timer_flags),
        cmocka_unit_test(test_persistent_timers),
        cmocka_unit_test(test_only_once),
        cmocka_unit_test(test_set_and_cancel),
        cmocka_unit_test(test_rtl_timers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
