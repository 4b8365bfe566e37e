/*
 * Waitable objects and waits (test_critsec.c: critical sections and the
 * small system functions).  The same source runs against tpool's native implementation
 * and, built for Windows, against the system's own, so every assertion is
 * Windows behaviour; the few native deviations are tested natively only.
 *
 * Assertions stay in the main thread: helper threads record what they saw
 * and the test checks it after joining them.  Waits in helper threads are
 * bounded so that a broken implementation fails instead of hanging.
 */

#include "test_sync.h"

/* ---- Events ------------------------------------------------------------ */

static void test_event_auto_reset(void **state)
{
    HANDLE event = test_event(FALSE, TRUE);

    assert_int_equal(WaitForSingleObject(event, 0), WAIT_OBJECT_0);
    assert_not_signaled(event);

    /* An event is signalled or not; setting it twice lets one wait through. */
    assert_true(SetEvent(event));
    assert_true(SetEvent(event));
    assert_int_equal(WaitForSingleObject(event, 0), WAIT_OBJECT_0);
    assert_not_signaled(event);
    assert_true(CloseHandle(event));
}

static void test_event_auto_reset_wakes_one(void **state)
{
    struct waiters waiters;
    int i;

    waiters.objects[0] = test_event(FALSE, FALSE);
    waiters_start(&waiters, 3, FALSE, 1);
    for (i = 0; i < 3; i++)
    {
        assert_true(SetEvent(waiters.objects[0]));
        assert_signaled(waiters.done);
        /* The released waiter took the signal with it. */
        assert_not_signaled(waiters.objects[0]);
    }
    assert_not_signaled(waiters.done);
    waiters_finish(&waiters, WAIT_OBJECT_0);
}

static void test_event_manual_reset_releases_all(void **state)
{
    struct waiters waiters;

    waiters.objects[0] = test_event(TRUE, FALSE);
    waiters_start(&waiters, 3, FALSE, 1);
    assert_true(SetEvent(waiters.objects[0]));
    expect_posts(waiters.done, 3);

    /* Waits do not reset a manual-reset event. */
    assert_int_equal(WaitForSingleObject(waiters.objects[0], 0), WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObject(waiters.objects[0], 0), WAIT_OBJECT_0);
    waiters_finish(&waiters, WAIT_OBJECT_0);
}

static void test_reset_event(void **state)
{
    HANDLE manual = test_event(TRUE, TRUE);
    HANDLE automatic = test_event(FALSE, TRUE);

    assert_true(ResetEvent(manual));
    assert_not_signaled(manual);
    assert_true(ResetEvent(manual));
    assert_not_signaled(manual);
    assert_true(SetEvent(manual));
    assert_int_equal(WaitForSingleObject(manual, 0), WAIT_OBJECT_0);

    assert_true(ResetEvent(automatic));
    assert_not_signaled(automatic);
    CloseHandle(manual);
    CloseHandle(automatic);
}

/* ---- Semaphores -------------------------------------------------------- */

static void test_semaphore_counts(void **state)
{
    HANDLE semaphore = create_semaphore(2, 3);
    LONG previous;

    expect_posts(semaphore, 2);
    assert_true(ReleaseSemaphore(semaphore, 1, &previous));
    assert_int_equal(previous, 0);
    assert_true(ReleaseSemaphore(semaphore, 2, &previous));
    assert_int_equal(previous, 1);

    /* Past the maximum nothing is added and previous is left alone. */
    previous = 12345;
    assert_fails(ReleaseSemaphore(semaphore, 1, &previous), FALSE, ERROR_TOO_MANY_POSTS);
    assert_int_equal(previous, 12345);
    expect_posts(semaphore, 3);

    assert_fails(ReleaseSemaphore(semaphore, 4, NULL), FALSE, ERROR_TOO_MANY_POSTS);
    assert_true(ReleaseSemaphore(semaphore, 3, &previous));
    assert_int_equal(previous, 0);
    expect_posts(semaphore, 3);
    CloseHandle(semaphore);
}

static void test_semaphore_invalid_counts(void **state)
{
    assert_fails(CreateSemaphoreA(NULL, 3, 2, NULL), NULL, ERROR_INVALID_PARAMETER);
    assert_fails(CreateSemaphoreA(NULL, 0, 0, NULL), NULL, ERROR_INVALID_PARAMETER);
    assert_fails(CreateSemaphoreW(NULL, -1, 2, NULL), NULL, ERROR_INVALID_PARAMETER);
}

static void test_semaphore_wakes_waiters(void **state)
{
    struct waiters waiters;

    waiters.objects[0] = create_semaphore(0, 3);
    waiters_start(&waiters, 3, FALSE, 1);

    assert_true(ReleaseSemaphore(waiters.objects[0], 2, NULL));
    assert_signaled(waiters.done);
    assert_signaled(waiters.done);
    /* Two waiters took the two units. */
    assert_not_signaled(waiters.objects[0]);

    assert_true(ReleaseSemaphore(waiters.objects[0], 1, NULL));
    expect_posts(waiters.done, 1);
    assert_not_signaled(waiters.objects[0]);
    waiters_finish(&waiters, WAIT_OBJECT_0);
}

/* ---- Mutexes ----------------------------------------------------------- */

static void test_mutex_recursion(void **state)
{
    HANDLE owned = create_mutex(TRUE);
    HANDLE free = CreateMutexW(NULL, FALSE, NULL);

    assert_non_null(free);
    assert_int_equal(WaitForSingleObject(owned, 0), WAIT_OBJECT_0);
    assert_true(ReleaseMutex(owned));
    assert_true(ReleaseMutex(owned));
    assert_fails(ReleaseMutex(owned), FALSE, ERROR_NOT_OWNER);

    assert_fails(ReleaseMutex(free), FALSE, ERROR_NOT_OWNER);
    assert_int_equal(WaitForSingleObject(free, 0), WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObject(free, 0), WAIT_OBJECT_0);
    assert_true(ReleaseMutex(free));
    assert_true(ReleaseMutex(free));
    CloseHandle(owned);
    CloseHandle(free);
}

struct mutex_test
{
    HANDLE mutex;
    HANDLE acquired;
    HANDLE finish;
    DWORD wait_timeout;
    DWORD wait_result;
    BOOL release_result;
    DWORD release_error;
};

static DWORD WINAPI foreign_release_proc(void *arg)
{
    struct mutex_test *test = arg;

    SetLastError(0xdeadbeef);
    test->release_result = ReleaseMutex(test->mutex);
    test->release_error = GetLastError();
    test->wait_result = WaitForSingleObject(test->mutex, test->wait_timeout);
    return 0;
}

static void check_foreign_release(DWORD wait_timeout)
{
    struct mutex_test test;

    test.mutex = create_mutex(TRUE);
    test.wait_timeout = wait_timeout;
    test_thread_join(test_thread_start(foreign_release_proc, &test));
    assert_false(test.release_result);
    assert_int_equal(test.release_error, ERROR_NOT_OWNER);
    assert_int_equal(test.wait_result, WAIT_TIMEOUT);
    assert_true(ReleaseMutex(test.mutex));
    CloseHandle(test.mutex);
}

static void test_mutex_not_owner(void **state)
{
    check_foreign_release(0);
}

static DWORD WINAPI mutex_taker_proc(void *arg)
{
    struct mutex_test *test = arg;

    test->wait_result = WaitForSingleObject(test->mutex, TEST_TIMEOUT);
    SetEvent(test->acquired);
    WaitForSingleObject(test->finish, TEST_TIMEOUT);
    test->release_result = ReleaseMutex(test->mutex);
    return 0;
}

static void test_mutex_ownership_transfer(void **state)
{
    struct mutex_test test;
    test_thread thread;

    test.mutex = create_mutex(TRUE);
    test.acquired = test_event(TRUE, FALSE);
    test.finish = test_event(TRUE, FALSE);
    thread = test_thread_start(mutex_taker_proc, &test);
    let_threads_block();

    assert_true(ReleaseMutex(test.mutex));
    assert_signaled(test.acquired);
    /* The waiter owns it now. */
    assert_not_signaled(test.mutex);
    assert_fails(ReleaseMutex(test.mutex), FALSE, ERROR_NOT_OWNER);

    assert_true(SetEvent(test.finish));
    test_thread_join(thread);
    assert_int_equal(test.wait_result, WAIT_OBJECT_0);
    assert_true(test.release_result);
    assert_int_equal(WaitForSingleObject(test.mutex, 0), WAIT_OBJECT_0);
    assert_true(ReleaseMutex(test.mutex));
    CloseHandle(test.mutex);
    CloseHandle(test.acquired);
    CloseHandle(test.finish);
}

/* ---- Timeouts ---------------------------------------------------------- */

static void test_mutex_wait_times_out(void **state)
{
    check_foreign_release(30);
}

/* ---- Invalid handles --------------------------------------------------- */

static void test_null_handle(void **state)
{
    LONG previous = 12345;

    assert_fails(WaitForSingleObject(NULL, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    assert_fails(SetEvent(NULL), FALSE, ERROR_INVALID_HANDLE);
    assert_fails(ResetEvent(NULL), FALSE, ERROR_INVALID_HANDLE);
    assert_fails(ReleaseSemaphore(NULL, 1, &previous), FALSE, ERROR_INVALID_HANDLE);
    assert_int_equal(previous, 12345);
    assert_fails(ReleaseMutex(NULL), FALSE, ERROR_INVALID_HANDLE);
    assert_fails(CloseHandle(NULL), FALSE, ERROR_INVALID_HANDLE);
}

static void test_closed_handle(void **state)
{
    HANDLE event = test_event(TRUE, TRUE);

    assert_true(CloseHandle(event));
    /* Nothing is created before these calls, so the value is not reused. */
    assert_fails(SetEvent(event), FALSE, ERROR_INVALID_HANDLE);
    assert_fails(WaitForSingleObject(event, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    assert_fails(CloseHandle(event), FALSE, ERROR_INVALID_HANDLE);
}

static void test_wrong_handle_type(void **state)
{
    HANDLE event = test_event(FALSE, FALSE);
    HANDLE semaphore = create_semaphore(1, 1);

    assert_fails(SetEvent(semaphore), FALSE, ERROR_INVALID_HANDLE);
    assert_fails(ResetEvent(semaphore), FALSE, ERROR_INVALID_HANDLE);
    assert_fails(ReleaseSemaphore(event, 1, NULL), FALSE, ERROR_INVALID_HANDLE);
    assert_fails(ReleaseMutex(event), FALSE, ERROR_INVALID_HANDLE);
    /* The semaphore kept its unit through the failed calls. */
    expect_posts(semaphore, 1);
    CloseHandle(event);
    CloseHandle(semaphore);
}

static void test_wait_with_invalid_handle(void **state)
{
    HANDLE handles[2];

    handles[0] = create_semaphore(1, 1);
    handles[1] = NULL;
    assert_fails(WaitForMultipleObjects(2, handles, FALSE, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    assert_fails(WaitForMultipleObjects(2, handles, TRUE, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    /* The failed waits took nothing. */
    expect_posts(handles[0], 1);
    CloseHandle(handles[0]);
}

/* ---- Native deviations ------------------------------------------------- */

#ifndef _WIN32

static void test_native_names_not_supported(void **state)
{
    static const WCHAR name[] = { 'x', 0 };

    assert_fails(CreateEventA(NULL, FALSE, FALSE, "x"), NULL, ERROR_NOT_SUPPORTED);
    assert_fails(CreateEventW(NULL, FALSE, FALSE, name), NULL, ERROR_NOT_SUPPORTED);
    assert_fails(CreateSemaphoreW(NULL, 0, 1, name), NULL, ERROR_NOT_SUPPORTED);
    assert_fails(CreateMutexA(NULL, FALSE, "x"), NULL, ERROR_NOT_SUPPORTED);
}

/* As Windows, which fails with STATUS_INVALID_PARAMETER_MIX. */
static void test_native_wait_all_duplicates(void **state)
{
    HANDLE event = test_event(TRUE, TRUE);
    HANDLE handles[2] = { event, event };

    assert_fails(WaitForMultipleObjects(2, handles, TRUE, 0), WAIT_FAILED, ERROR_INVALID_PARAMETER);
    CloseHandle(event);
}

struct close_test
{
    HANDLE event;
    HANDLE ready;
    DWORD result;
};

static DWORD WINAPI close_waiter_proc(void *arg)
{
    struct close_test *test = arg;

    SetEvent(test->ready);
    test->result = WaitForSingleObject(test->event, 200);
    return 0;
}

/* Windows leaves a wait on a handle closed meanwhile undefined; natively
 * the waiter keeps the object alive until its wait ends. */
static void test_native_close_while_waiting(void **state)
{
    struct close_test test;
    test_thread thread;

    test.event = test_event(FALSE, FALSE);
    test.ready = test_event(TRUE, FALSE);
    thread = test_thread_start(close_waiter_proc, &test);
    assert_signaled(test.ready);
    let_threads_block();

    assert_true(CloseHandle(test.event));
    assert_fails(SetEvent(test.event), FALSE, ERROR_INVALID_HANDLE);
    assert_fails(CloseHandle(test.event), FALSE, ERROR_INVALID_HANDLE);
    test_thread_join(thread);
    /* Depending on whether the wait began before the close. */
    assert_true(test.result == WAIT_TIMEOUT || test.result == WAIT_FAILED);
    CloseHandle(test.ready);
}

static void test_native_pseudo_handles(void **state)
{
    assert_fails(WaitForSingleObject(INVALID_HANDLE_VALUE, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
}

#endif

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_event_auto_reset),
        cmocka_unit_test(test_event_auto_reset_wakes_one),
        cmocka_unit_test(test_event_manual_reset_releases_all),
        cmocka_unit_test(test_reset_event),
        cmocka_unit_test(test_semaphore_counts),
        cmocka_unit_test(test_semaphore_invalid_counts),
        cmocka_unit_test(test_semaphore_wakes_waiters),
        cmocka_unit_test(test_mutex_recursion),
        cmocka_unit_test(test_mutex_not_owner),
        cmocka_unit_test(test_mutex_ownership_transfer),
        cmocka_unit_test(test_mutex_wait_times_out),
        cmocka_unit_test(test_null_handle),
        cmocka_unit_test(test_closed_handle),
        cmocka_unit_test(test_wrong_handle_type),
        cmocka_unit_test(test_wait_with_invalid_handle),
#ifndef _WIN32
        cmocka_unit_test(test_native_names_not_supported),
        cmocka_unit_test(test_native_wait_all_duplicates),
        cmocka_unit_test(test_native_close_while_waiting),
        cmocka_unit_test(test_native_pseudo_handles),
#endif
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
