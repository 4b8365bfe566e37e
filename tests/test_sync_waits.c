/*
 * Waits on several objects, and timeouts (test_sync.c: the objects
 * themselves).  Every assertion is Windows behaviour; helper threads record
 * what they saw and the main thread checks it after joining them.
 */

#include "test_sync.h"

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

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_wait_any_lowest_index),
        cmocka_unit_test(test_wait_any_wakes),
        cmocka_unit_test(test_wait_all_consumes_nothing_until_all),
        cmocka_unit_test(test_wait_all_wakes),
        cmocka_unit_test(test_wait_all_concurrent_signals),
        cmocka_unit_test(test_wait_invalid_counts),
        cmocka_unit_test(test_timeouts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
