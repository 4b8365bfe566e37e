/*
 * The thread pool functions leave the last error as the application set
 * it when they succeed, as Windows' do: on a thread that calls the pool
 * for the first time (tpool makes its per-thread state then) and on one
 * that called it before.
 */

#include "test_util.h"

#define UNTOUCHED 0xdeadbeef

static HANDLE callback_done;

static void CALLBACK work_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
}

static void CALLBACK simple_callback(PTP_CALLBACK_INSTANCE instance, void *context)
{
    SetEventWhenCallbackReturns(instance, callback_done);
}

static void CALLBACK queue_timer_callback(void *context, BOOLEAN fired)
{
}

static DWORD WINAPI work_item(void *context)
{
    SetEvent(callback_done);
    return 0;
}

/* Each step's name, when it fails: checked on the test's own thread, as
 * CMocka's assertions work only there. */
#define STEP(name, call) \
    do { if (!(call) || GetLastError() != UNTOUCHED) return name; SetLastError(UNTOUCHED); } while (0)

static const char *pool_calls_keep_last_error(void)
{
    HANDLE queue, timer, deleted = CreateEventA(NULL, TRUE, FALSE, NULL);
    PTP_WORK work;

    SetLastError(UNTOUCHED);
    STEP("CreateThreadpoolWork", work = CreateThreadpoolWork(work_callback, NULL, NULL));
    STEP("SubmitThreadpoolWork", (SubmitThreadpoolWork(work), TRUE));
    STEP("WaitForThreadpoolWorkCallbacks", (WaitForThreadpoolWorkCallbacks(work, FALSE), TRUE));
    STEP("CloseThreadpoolWork", (CloseThreadpoolWork(work), TRUE));
    STEP("TrySubmitThreadpoolCallback", TrySubmitThreadpoolCallback(simple_callback, NULL, NULL));
    WaitForSingleObject(callback_done, INFINITE);
    SetLastError(UNTOUCHED);
    STEP("QueueUserWorkItem", QueueUserWorkItem(work_item, NULL, WT_EXECUTEDEFAULT));
    WaitForSingleObject(callback_done, INFINITE);
    SetLastError(UNTOUCHED);
    STEP("CreateTimerQueue", queue = CreateTimerQueue());
    STEP("CreateTimerQueueTimer",
         CreateTimerQueueTimer(&timer, queue, queue_timer_callback, NULL, 60000, 0, 0));
    STEP("DeleteTimerQueueTimer", DeleteTimerQueueTimer(queue, timer, deleted));
    WaitForSingleObject(deleted, INFINITE);
    SetLastError(UNTOUCHED);
    STEP("DeleteTimerQueueEx", DeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE));
    CloseHandle(deleted);
    return NULL;
}

static const char *fresh_thread_failed;

static DWORD WINAPI fresh_thread(void *arg)
{
    fresh_thread_failed = pool_calls_keep_last_error();
    return 0;
}

static void test_fresh_thread(void **state)
{
    test_thread_join(test_thread_start(fresh_thread, NULL));
    assert_null(fresh_thread_failed);
}

static void test_thread_used_before(void **state)
{
    assert_null(pool_calls_keep_last_error());
    assert_null(pool_calls_keep_last_error());
}

static int setup(void **state)
{
    callback_done = CreateEventA(NULL, FALSE, FALSE, NULL);
    return callback_done ? 0 : -1;
}

static int teardown(void **state)
{
    CloseHandle(callback_done);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_fresh_thread),
        cmocka_unit_test(test_thread_used_before),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
