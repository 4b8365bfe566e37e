/*
 * The legacy pool's registered waits: RegisterWaitForSingleObject(Ex),
 * UnregisterWait(Ex) and their Rtl* twins.  Modelled on Wine's kernel32
 * thread.c test_RegisterWaitForSingleObject and ntdll's
 * test_RtlRegisterWait, including UnregisterWait from a wait's own
 * callback, where Windows succeeds and Wine reports ERROR_IO_PENDING.
 *
 * Callbacks record what they see; the main thread asserts.
 */

#include "test_legacy.h"

/* ---- Registered waits ------------------------------------------------------ */

static void unregister_blocking(HANDLE wait)
{
    assert_true(UnregisterWaitEx(wait, INVALID_HANDLE_VALUE));
}

static void test_wait_signal_once(void **state)
{
    HANDLE event = test_event(FALSE, FALSE), wait = NULL;
    struct tally tally;

    tally_init(&tally, 1);
    assert_true(RegisterWaitForSingleObject(&wait, event, tally_callback, &tally, INFINITE,
                                            WT_EXECUTEONLYONCE));
    assert_non_null(wait);
    SetEvent(event);
    assert_signaled(tally.done);
    assert_int_equal(tally.fired, 0);
    /* only once: the next signal stays */
    SetEvent(event);
    unregister_blocking(wait);
    assert_int_equal(tally.count, 1);
    assert_int_equal(WaitForSingleObject(event, 0), WAIT_OBJECT_0);
    CloseHandle(event);
    CloseHandle(tally.done);
}

static void test_wait_timeout_once(void **state)
{
    HANDLE event = test_event(FALSE, FALSE), wait;
    struct tally tally;

    tally_init(&tally, 1);
    assert_true(RegisterWaitForSingleObject(&wait, event, tally_callback, &tally, 10, WT_EXECUTEONLYONCE));
    assert_signaled(tally.done);
    assert_int_equal(tally.fired, 1);
    unregister_blocking(wait);
    assert_int_equal(tally.count, 1);
    CloseHandle(event);
    CloseHandle(tally.done);
}

/* A zero timeout tests the object once: a signal is consumed. */
static void test_wait_zero_timeout(void **state)
{
    HANDLE event = test_event(FALSE, FALSE), wait;
    struct tally tally;

    tally_init(&tally, 1);
    assert_true(RegisterWaitForSingleObject(&wait, event, tally_callback, &tally, 0, WT_EXECUTEONLYONCE));
    assert_signaled(tally.done);
    assert_int_equal(tally.fired, 1);
    unregister_blocking(wait);

    ResetEvent(tally.done);
    tally.target = 2;
    SetEvent(event);
    assert_true(RegisterWaitForSingleObject(&wait, event, tally_callback, &tally, 0, WT_EXECUTEONLYONCE));
    assert_signaled(tally.done);
    assert_int_equal(tally.fired, 1);
    assert_int_equal(WaitForSingleObject(event, 0), WAIT_TIMEOUT);
    unregister_blocking(wait);
    CloseHandle(event);
    CloseHandle(tally.done);
}

/* Without WT_EXECUTEONLYONCE the wait stays registered, each signal gets a
 * callback, and after a blocking unregister none comes. */
static void test_wait_rearms(void **state)
{
    HANDLE event = test_event(FALSE, FALSE), called = test_event(FALSE, FALSE), wait;
    struct tally tally;
    int i;

    tally_init(&tally, -1);
    CloseHandle(tally.done);
    tally.done = called;
    assert_true(RegisterWaitForSingleObject(&wait, event, tally_callback, &tally, INFINITE, 0));
    for (i = 1; i <= 5; i++)
    {
        tally.target = i;
        SetEvent(event);
        assert_signaled(called);
    }
    unregister_blocking(wait);
    assert_int_equal(tally.count, 5);
    assert_int_equal(tally.fired, 0);
    SetEvent(event);
    assert_int_equal(WaitForSingleObject(event, 0), WAIT_OBJECT_0);
    CloseHandle(event);
    CloseHandle(called);
}

/* The timeout restarts after each callback: a wait on nothing keeps timing
 * out until it is unregistered. */
static void test_wait_timeout_rearms(void **state)
{
    HANDLE event = test_event(FALSE, FALSE), wait;
    struct tally tally;

    tally_init(&tally, 3);
    assert_true(RegisterWaitForSingleObject(&wait, event, tally_callback, &tally, 5, 0));
    assert_signaled(tally.done);
    unregister_blocking(wait);
    tally.deleted = TRUE;
    /* the wait is gone, so nothing is left to synchronize with: a timeout
     * that came anyway would come within its 5 ms */
    Sleep(30);
    assert_int_equal(tally.after_delete, 0);
    assert_int_equal(tally.fired, tally.count);
    CloseHandle(event);
    CloseHandle(tally.done);
}

/* The wait consumes what it waits for: one callback per semaphore count. */
static void test_wait_semaphore(void **state)
{
    HANDLE semaphore = CreateSemaphoreA(NULL, 0, 3, NULL), wait;
    struct tally tally;

    tally_init(&tally, 3);
    assert_true(RegisterWaitForSingleObject(&wait, semaphore, tally_callback, &tally, INFINITE, 0));
    ReleaseSemaphore(semaphore, 3, NULL);
    assert_signaled(tally.done);
    unregister_blocking(wait);
    assert_int_equal(tally.count, 3);
    assert_int_equal(WaitForSingleObject(semaphore, 0), WAIT_TIMEOUT);
    CloseHandle(semaphore);
    CloseHandle(tally.done);
}

struct wait_thread_check
{
    HANDLE second_event;         /* what the second wait waits on */
    HANDLE second_done;
    volatile LONG second_waited_out;
    DWORD threads[2];
    HANDLE first_done;
    HANDLE apc_ran;
};

static void CALLBACK first_in_wait_thread(void *context, BOOLEAN fired)
{
    struct wait_thread_check *check = context;

    check->threads[0] = GetCurrentThreadId();
    SetEvent(check->second_event);
    /* the second callback cannot run while this one holds the thread */
    if (WaitForSingleObject(check->second_done, 100) == WAIT_TIMEOUT)
        InterlockedIncrement(&check->second_waited_out);
    apc_to_this_thread(check->apc_ran);
    SetEvent(check->first_done);
}

static void CALLBACK second_in_wait_thread(void *context, BOOLEAN fired)
{
    struct wait_thread_check *check = context;

    check->threads[1] = GetCurrentThreadId();
    SetEvent(check->second_done);
}

/* WT_EXECUTEINWAITTHREAD callbacks share one thread and run one at a time
 * (Windows puts both waits on one wait thread); it waits alertably. */
static void test_wait_in_wait_thread(void **state)
{
    struct wait_thread_check check;
    HANDLE first_event = test_event(FALSE, FALSE), first, second;
    const ULONG flags = WT_EXECUTEONLYONCE | WT_EXECUTEINWAITTHREAD;

    memset(&check, 0, sizeof(check));
    check.second_event = test_event(FALSE, FALSE);
    check.second_done = test_event(TRUE, FALSE);
    check.first_done = test_event(TRUE, FALSE);
    check.apc_ran = test_event(TRUE, FALSE);
    assert_true(RegisterWaitForSingleObject(&second, check.second_event, second_in_wait_thread, &check,
                                            INFINITE, flags));
    assert_true(RegisterWaitForSingleObject(&first, first_event, first_in_wait_thread, &check, INFINITE,
                                            flags));
    SetEvent(first_event);
    assert_signaled(check.first_done);
    assert_signaled(check.second_done);
    assert_int_equal(check.second_waited_out, 1);
    assert_int_equal(check.threads[0], check.threads[1]);
    assert_signaled(check.apc_ran);
    unregister_blocking(first);
    unregister_blocking(second);
    CloseHandle(first_event);
    CloseHandle(check.second_event);
    CloseHandle(check.second_done);
    CloseHandle(check.first_done);
    CloseHandle(check.apc_ran);
}

struct apc_check
{
    HANDLE callback_done;
    HANDLE apc_ran;
};

static void CALLBACK queue_apc_wait(void *context, BOOLEAN fired)
{
    struct apc_check *check = context;

    apc_to_this_thread(check->apc_ran);
    SetEvent(check->callback_done);
}

/* WT_EXECUTEINIOTHREAD: the callback's thread waits alertably after it. */
static void test_wait_in_io_thread(void **state)
{
    HANDLE event = test_event(FALSE, FALSE), wait;
    struct apc_check check;

    check.callback_done = test_event(TRUE, FALSE);
    check.apc_ran = test_event(TRUE, FALSE);
    assert_true(RegisterWaitForSingleObject(&wait, event, queue_apc_wait, &check, INFINITE,
                                            WT_EXECUTEONLYONCE | WT_EXECUTEINIOTHREAD));
    SetEvent(event);
    assert_signaled(check.callback_done);
    assert_signaled(check.apc_ran);
    unregister_blocking(wait);
    CloseHandle(event);
    CloseHandle(check.callback_done);
    CloseHandle(check.apc_ran);
}

struct self_unregister
{
    HANDLE wait;                 /* written by RegisterWaitForSingleObject */
    HANDLE done;
    HANDLE completion;           /* for UnregisterWaitEx, or NULL */
    volatile LONG handle_missing;
    volatile LONG failures;
};

static void CALLBACK unregister_self(void *context, BOOLEAN fired)
{
    struct self_unregister *self = context;
    BOOL ret;

    if (self->wait == INVALID_HANDLE_VALUE)
        InterlockedIncrement(&self->handle_missing);
    if (self->completion)
        ret = UnregisterWaitEx(self->wait, self->completion);
    else
        ret = UnregisterWait(self->wait);
    if (!ret)
        InterlockedIncrement(&self->failures);
    SetEvent(self->done);
}

/* UnregisterWait from the wait's own callback succeeds (Windows; Wine
 * fails it), and the handle is known before the callback runs even when
 * the object is signalled already. */
static void test_unregister_in_own_callback(void **state)
{
    static const ULONG flags[] = { WT_EXECUTEINWAITTHREAD, WT_EXECUTEDEFAULT };
    HANDLE event = test_event(FALSE, FALSE);
    struct self_unregister self;
    unsigned int i;
    int j;

    memset(&self, 0, sizeof(self));
    self.done = test_event(FALSE, FALSE);
    for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
    {
        for (j = 0; j < 100; j++)
        {
            SetEvent(event);
            self.wait = INVALID_HANDLE_VALUE;
            assert_true(RegisterWaitForSingleObject(&self.wait, event, unregister_self, &self, INFINITE,
                                                    WT_EXECUTEONLYONCE | flags[i]));
            assert_signaled(self.done);
        }
    }
    assert_int_equal(self.handle_missing, 0);
    assert_int_equal(self.failures, 0);

    /* with a completion event: set once the callback has returned */
    self.completion = test_event(TRUE, FALSE);
    SetEvent(event);
    assert_true(RegisterWaitForSingleObject(&self.wait, event, unregister_self, &self, INFINITE, 0));
    assert_signaled(self.done);
    assert_signaled(self.completion);
    assert_int_equal(self.failures, 0);
    CloseHandle(self.completion);
    CloseHandle(self.done);
    CloseHandle(event);
}

static void CALLBACK unregister_self_blocking(void *context, BOOLEAN fired)
{
    struct legacy_blocker *blocker = context;

    blocker->unregister_result = UnregisterWaitEx(blocker->wait, INVALID_HANDLE_VALUE);
    SetEvent(blocker->entered);
}

/* A blocking unregister from the wait's own callback waits for the other
 * callbacks only, where Windows documents a deadlock. */
static void test_unregister_blocking_in_own_callback(void **state)
{
    HANDLE event = test_event(FALSE, FALSE);
    struct legacy_blocker blocker;

    legacy_blocker_init(&blocker);
    assert_true(RegisterWaitForSingleObject(&blocker.wait, event, unregister_self_blocking, &blocker,
                                            INFINITE, WT_EXECUTEONLYONCE));
    SetEvent(event);
    assert_signaled(blocker.entered);
    assert_true(blocker.unregister_result);
    legacy_blocker_free(&blocker);
    CloseHandle(event);
}

static HANDLE register_blocker(struct legacy_blocker *blocker, HANDLE event)
{
    HANDLE wait;

    assert_true(RegisterWaitForSingleObject(&wait, event, blocker_callback, blocker, INFINITE,
                                            WT_EXECUTEONLYONCE));
    SetEvent(event);
    assert_signaled(blocker->entered);
    return wait;
}

/* INVALID_HANDLE_VALUE: returns once the running callback has returned. */
static void test_unregister_blocking(void **state)
{
    HANDLE event = test_event(FALSE, FALSE), wait;
    struct legacy_blocker blocker;
    test_thread thread;

    legacy_blocker_init(&blocker);
    wait = register_blocker(&blocker, event);
    thread = test_thread_start(release_later, &blocker);
    assert_true(UnregisterWaitEx(wait, INVALID_HANDLE_VALUE));
    assert_int_equal(blocker.finished, 1);
    test_thread_join(thread);
    legacy_blocker_free(&blocker);
    CloseHandle(event);
}

/* An event: ERROR_IO_PENDING while the callback runs, the event set after. */
static void test_unregister_with_event(void **state)
{
    HANDLE event = test_event(FALSE, FALSE), completion = test_event(TRUE, FALSE), wait;
    struct legacy_blocker blocker;

    legacy_blocker_init(&blocker);
    wait = register_blocker(&blocker, event);
    SetLastError(0xdeadbeef);
    assert_false(UnregisterWaitEx(wait, completion));
    assert_int_equal(GetLastError(), ERROR_IO_PENDING);
    assert_int_equal(WaitForSingleObject(completion, 0), WAIT_TIMEOUT);
    SetEvent(blocker.release);
    assert_signaled(completion);
    assert_int_equal(blocker.finished, 1);

    /* nothing outstanding: TRUE, and the event is set all the same */
    ResetEvent(completion);
    assert_true(RegisterWaitForSingleObject(&wait, event, tally_callback, NULL, INFINITE, 0));
    assert_true(UnregisterWaitEx(wait, completion));
    assert_signaled(completion);
    legacy_blocker_free(&blocker);
    CloseHandle(completion);
    CloseHandle(event);
}

/* NULL: returns at once; ERROR_IO_PENDING while the callback runs. */
static void test_unregister_without_event(void **state)
{
    HANDLE event = test_event(FALSE, FALSE), wait;
    struct legacy_blocker blocker;

    legacy_blocker_init(&blocker);
    wait = register_blocker(&blocker, event);
    SetLastError(0xdeadbeef);
    assert_false(UnregisterWait(wait));
    assert_int_equal(GetLastError(), ERROR_IO_PENDING);
    SetEvent(blocker.release);
    assert_signaled(blocker.left);

    assert_true(RegisterWaitForSingleObject(&wait, event, tally_callback, NULL, INFINITE, 0));
    assert_true(UnregisterWait(wait));
    SetLastError(0xdeadbeef);
    assert_false(UnregisterWait(NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    legacy_blocker_free(&blocker);
    CloseHandle(event);
}

static void test_register_wait_ex(void **state)
{
    HANDLE event = test_event(FALSE, FALSE), wait;
    struct tally tally;

    tally_init(&tally, 1);
    wait = RegisterWaitForSingleObjectEx(event, tally_callback, &tally, INFINITE, WT_EXECUTEONLYONCE);
    assert_non_null(wait);
    SetEvent(event);
    assert_signaled(tally.done);
    unregister_blocking(wait);
    SetLastError(0xdeadbeef);
    assert_null(RegisterWaitForSingleObjectEx(NULL, tally_callback, &tally, INFINITE, 0));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    CloseHandle(event);
    CloseHandle(tally.done);
}

static void test_rtl_register_wait(void **state)
{
    HANDLE event = test_event(FALSE, FALSE), completion = test_event(TRUE, FALSE), wait;
    struct legacy_blocker blocker;
    struct tally tally;

    tally_init(&tally, 1);
    assert_status(RtlRegisterWait(&wait, event, tally_callback, &tally, INFINITE, WT_EXECUTEONLYONCE), 0);
    SetEvent(event);
    assert_signaled(tally.done);
    assert_status(RtlDeregisterWaitEx(wait, INVALID_HANDLE_VALUE), 0);
    assert_status(RtlDeregisterWait(NULL), STATUS_INVALID_HANDLE);

    legacy_blocker_init(&blocker);
    assert_status(RtlRegisterWait(&wait, event, blocker_callback, &blocker, INFINITE, 0), 0);
    SetEvent(event);
    assert_signaled(blocker.entered);
    assert_status(RtlDeregisterWaitEx(wait, completion), STATUS_PENDING);
    SetEvent(blocker.release);
    assert_signaled(completion);

    assert_status(RtlRegisterWait(&wait, event, tally_callback, &tally, INFINITE, 0), 0);
    assert_status(RtlDeregisterWait(wait), 0);
    legacy_blocker_free(&blocker);
    CloseHandle(completion);
    CloseHandle(event);
    CloseHandle(tally.done);
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_wait_signal_once),
        cmocka_unit_test(test_wait_timeout_once),
        cmocka_unit_test(test_wait_zero_timeout),
        cmocka_unit_test(test_wait_rearms),
        cmocka_unit_test(test_wait_timeout_rearms),
        cmocka_unit_test(test_wait_semaphore),
        cmocka_unit_test(test_wait_in_wait_thread),
        cmocka_unit_test(test_wait_in_io_thread),
        cmocka_unit_test(test_unregister_in_own_callback),
        cmocka_unit_test(test_unregister_blocking_in_own_callback),
        cmocka_unit_test(test_unregister_blocking),
        cmocka_unit_test(test_unregister_with_event),
        cmocka_unit_test(test_unregister_without_event),
        cmocka_unit_test(test_register_wait_ex),
        cmocka_unit_test(test_rtl_register_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
