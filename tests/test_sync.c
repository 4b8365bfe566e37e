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

#include "test_util.h"

#define MAX_THREADS 4

/* Checks a failing call: its result and the last error it set. */
#define assert_fails(call, result, error) \
    do \
    { \
        SetLastError(0xdeadbeef); \
        assert_int_equal((call), (result)); \
        assert_int_equal(GetLastError(), (error)); \
    } while (0)

static LONG atomic_increment(LONG *value)
{
    return __atomic_add_fetch(value, 1, __ATOMIC_SEQ_CST);
}

/* Gives started threads time to block in their waits, so that the wake-up
 * paths run rather than the fast paths; the assertions hold either way. */
static void let_threads_block(void)
{
    Sleep(50);
}

static HANDLE create_semaphore(LONG initial, LONG max)
{
    HANDLE semaphore = CreateSemaphoreA(NULL, initial, max, NULL);

    assert_non_null(semaphore);
    return semaphore;
}

static HANDLE create_mutex(BOOL initial_owner)
{
    HANDLE mutex = CreateMutexA(NULL, initial_owner, NULL);

    assert_non_null(mutex);
    return mutex;
}

static void assert_not_signaled(HANDLE handle)
{
    assert_int_equal(WaitForSingleObject(handle, 0), WAIT_TIMEOUT);
}

/* Takes `count` units from a semaphore, then checks that none is left. */
static void expect_posts(HANDLE semaphore, int count)
{
    while (count--) assert_signaled(semaphore);
    assert_not_signaled(semaphore);
}

/* Threads that announce themselves, wait on a set of objects and report. */
struct waiters
{
    HANDLE ready;                   /* semaphore: one post per started thread */
    HANDLE done;                    /* semaphore: one post per finished wait */
    HANDLE finish;                  /* event: lets the threads exit */
    HANDLE objects[3];
    DWORD count;
    BOOL wait_all;
    DWORD results[MAX_THREADS];
    LONG next_slot;
    test_thread threads[MAX_THREADS];
    int thread_count;
};

static DWORD WINAPI waiter_proc(void *arg)
{
    struct waiters *waiters = arg;
    LONG slot = atomic_increment(&waiters->next_slot) - 1;
    DWORD i;

    ReleaseSemaphore(waiters->ready, 1, NULL);
    waiters->results[slot] = WaitForMultipleObjects(waiters->count, waiters->objects,
                                                    waiters->wait_all, TEST_TIMEOUT);
    ReleaseSemaphore(waiters->done, 1, NULL);
    /* A mutex taken by the wait stays owned until the test has seen it;
     * ReleaseMutex() fails harmlessly on the other objects. */
    WaitForSingleObject(waiters->finish, TEST_TIMEOUT);
    for (i = 0; i < waiters->count; i++) ReleaseMutex(waiters->objects[i]);
    return 0;
}

static void waiters_start(struct waiters *waiters, int thread_count, BOOL wait_all, DWORD count)
{
    int i;

    waiters->ready = create_semaphore(0, MAX_THREADS);
    waiters->done = create_semaphore(0, MAX_THREADS);
    waiters->finish = test_event(TRUE, FALSE);
    waiters->count = count;
    waiters->wait_all = wait_all;
    waiters->next_slot = 0;
    waiters->thread_count = thread_count;
    for (i = 0; i < thread_count; i++) waiters->threads[i] = test_thread_start(waiter_proc, waiters);
    for (i = 0; i < thread_count; i++) assert_signaled(waiters->ready);
    let_threads_block();
}

static void waiters_finish(struct waiters *waiters, DWORD expected)
{
    DWORD i;

    SetEvent(waiters->finish);
    for (i = 0; i < (DWORD)waiters->thread_count; i++)
    {
        test_thread_join(waiters->threads[i]);
        assert_int_equal(waiters->results[i], expected);
    }
    CloseHandle(waiters->ready);
    CloseHandle(waiters->done);
    CloseHandle(waiters->finish);
    for (i = 0; i < waiters->count; i++) CloseHandle(waiters->objects[i]);
}

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

/* ---- Waits on several objects ------------------------------------------ */

static void test_wait_any_lowest_index(void **state)
{
    HANDLE events[3], semaphores[3];
    int i;

    for (i = 0; i < 3; i++) events[i] = test_event(FALSE, FALSE);
    assert_int_equal(WaitForMultipleObjects(3, events, FALSE, 0), WAIT_TIMEOUT);
    SetEvent(events[2]);
    SetEvent(events[1]);
    assert_int_equal(WaitForMultipleObjects(3, events, FALSE, 0), WAIT_OBJECT_0 + 1);
    assert_not_signaled(events[1]);
    assert_int_equal(WaitForSingleObject(events[2], 0), WAIT_OBJECT_0);

    semaphores[0] = create_semaphore(0, 5);
    semaphores[1] = create_semaphore(1, 5);
    semaphores[2] = create_semaphore(3, 5);
    assert_int_equal(WaitForMultipleObjects(3, semaphores, FALSE, 0), WAIT_OBJECT_0 + 1);
    assert_int_equal(WaitForMultipleObjects(3, semaphores, FALSE, 0), WAIT_OBJECT_0 + 2);
    expect_posts(semaphores[2], 2);
    expect_posts(semaphores[0], 0);
    for (i = 0; i < 3; i++)
    {
        CloseHandle(events[i]);
        CloseHandle(semaphores[i]);
    }
}

static void test_wait_any_wakes(void **state)
{
    struct waiters waiters;
    int i;

    for (i = 0; i < 3; i++) waiters.objects[i] = test_event(FALSE, FALSE);
    waiters_start(&waiters, 1, FALSE, 3);
    assert_true(SetEvent(waiters.objects[2]));
    assert_signaled(waiters.done);
    assert_int_equal(waiters.results[0], WAIT_OBJECT_0 + 2);
    for (i = 0; i < 3; i++) assert_not_signaled(waiters.objects[i]);
    waiters_finish(&waiters, WAIT_OBJECT_0 + 2);
}

static void test_wait_all_consumes_nothing_until_all(void **state)
{
    HANDLE objects[2];

    objects[0] = test_event(FALSE, TRUE);
    objects[1] = create_semaphore(0, 1);
    assert_int_equal(WaitForMultipleObjects(2, objects, TRUE, 0), WAIT_TIMEOUT);
    assert_int_equal(WaitForSingleObject(objects[0], 0), WAIT_OBJECT_0);

    SetEvent(objects[0]);
    ReleaseSemaphore(objects[1], 1, NULL);
    assert_int_equal(WaitForMultipleObjects(2, objects, TRUE, 0), WAIT_OBJECT_0);
    assert_not_signaled(objects[0]);
    assert_not_signaled(objects[1]);
    CloseHandle(objects[0]);
    CloseHandle(objects[1]);
}

static void test_wait_all_wakes(void **state)
{
    struct waiters waiters;

    waiters.objects[0] = test_event(FALSE, FALSE);
    waiters.objects[1] = create_semaphore(0, 1);
    waiters.objects[2] = create_mutex(FALSE);
    waiters_start(&waiters, 1, TRUE, 3);

    /* Not enough for the waiter, so the event stays signalled. */
    assert_true(SetEvent(waiters.objects[0]));
    assert_int_equal(WaitForSingleObject(waiters.objects[0], 0), WAIT_OBJECT_0);
    assert_true(SetEvent(waiters.objects[0]));

    assert_true(ReleaseSemaphore(waiters.objects[1], 1, NULL));
    assert_signaled(waiters.done);
    assert_int_equal(waiters.results[0], WAIT_OBJECT_0);
    assert_not_signaled(waiters.objects[0]);
    assert_not_signaled(waiters.objects[1]);
    assert_not_signaled(waiters.objects[2]);  /* owned by the waiter */
    waiters_finish(&waiters, WAIT_OBJECT_0);
}

#define STRESS_ROUNDS 2000

/* Wait-all waiters on two semaphores, in both orders, racing with threads
 * that release each semaphore on its own. */
struct wait_all_stress
{
    HANDLE semaphores[2];
    LONG successes;
    LONG next_order;
};

static DWORD WINAPI stress_wait_proc(void *arg)
{
    struct wait_all_stress *stress = arg;
    int reversed = atomic_increment(&stress->next_order) % 2;
    HANDLE handles[2];
    int i;

    handles[0] = stress->semaphores[reversed];
    handles[1] = stress->semaphores[!reversed];
    for (i = 0; i < STRESS_ROUNDS; i++)
        if (WaitForMultipleObjects(2, handles, TRUE, TEST_TIMEOUT) == WAIT_OBJECT_0)
            atomic_increment(&stress->successes);
    return 0;
}

static DWORD WINAPI stress_release_proc(void *arg)
{
    HANDLE semaphore = arg;
    int i;

    for (i = 0; i < 2 * STRESS_ROUNDS; i++)
    {
        ReleaseSemaphore(semaphore, 1, NULL);
        if (!(i % 64)) SwitchToThread();
    }
    return 0;
}

static void test_wait_all_concurrent_signals(void **state)
{
    struct wait_all_stress stress;
    test_thread threads[4];
    int i;

    stress.semaphores[0] = create_semaphore(0, 4 * STRESS_ROUNDS);
    stress.semaphores[1] = create_semaphore(0, 4 * STRESS_ROUNDS);
    stress.successes = stress.next_order = 0;
    threads[0] = test_thread_start(stress_wait_proc, &stress);
    threads[1] = test_thread_start(stress_wait_proc, &stress);
    threads[2] = test_thread_start(stress_release_proc, stress.semaphores[0]);
    threads[3] = test_thread_start(stress_release_proc, stress.semaphores[1]);
    for (i = 0; i < 4; i++) test_thread_join(threads[i]);

    assert_int_equal(stress.successes, 2 * STRESS_ROUNDS);
    assert_not_signaled(stress.semaphores[0]);
    assert_not_signaled(stress.semaphores[1]);
    CloseHandle(stress.semaphores[0]);
    CloseHandle(stress.semaphores[1]);
}

static void test_wait_invalid_counts(void **state)
{
    HANDLE handles[MAXIMUM_WAIT_OBJECTS + 1];
    HANDLE event = test_event(TRUE, TRUE);
    int i;

    for (i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++) handles[i] = event;
    assert_fails(WaitForMultipleObjects(0, handles, FALSE, 0), WAIT_FAILED, ERROR_INVALID_PARAMETER);
    assert_fails(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, handles, FALSE, 0),
                 WAIT_FAILED, ERROR_INVALID_PARAMETER);
    /* The same object may appear more than once in a wait for any. */
    assert_int_equal(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, handles, FALSE, 0), WAIT_OBJECT_0);
    CloseHandle(event);
}

/* ---- Timeouts ---------------------------------------------------------- */

static void test_timeouts(void **state)
{
    HANDLE objects[2];

    objects[0] = test_event(FALSE, FALSE);
    objects[1] = create_semaphore(0, 1);
    assert_int_equal(WaitForSingleObject(objects[0], 0), WAIT_TIMEOUT);
    assert_int_equal(WaitForSingleObject(objects[0], 30), WAIT_TIMEOUT);
    assert_int_equal(WaitForSingleObjectEx(objects[1], 10, TRUE), WAIT_TIMEOUT);
    assert_int_equal(WaitForMultipleObjects(2, objects, FALSE, 20), WAIT_TIMEOUT);

    /* A wait that timed out leaves no waiter behind to eat a later signal. */
    SetEvent(objects[0]);
    assert_int_equal(WaitForMultipleObjectsEx(2, objects, TRUE, 20, FALSE), WAIT_TIMEOUT);
    assert_int_equal(WaitForSingleObject(objects[0], 0), WAIT_OBJECT_0);
    ReleaseSemaphore(objects[1], 1, NULL);
    assert_int_equal(WaitForSingleObject(objects[1], 0), WAIT_OBJECT_0);
    CloseHandle(objects[0]);
    CloseHandle(objects[1]);
}

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
        cmocka_unit_test(test_wait_any_lowest_index),
        cmocka_unit_test(test_wait_any_wakes),
        cmocka_unit_test(test_wait_all_consumes_nothing_until_all),
        cmocka_unit_test(test_wait_all_wakes),
        cmocka_unit_test(test_wait_all_concurrent_signals),
        cmocka_unit_test(test_wait_invalid_counts),
        cmocka_unit_test(test_timeouts),
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
