/*
 * Bad input that Windows answers with a result (docs/bad-input.md): NULL
 * out pointers and callbacks, out-of-range values, handles that name
 * nothing usable (bad environments: test_bad_environment.c).  Each call must fail cleanly with
 * Windows' result and leave nothing behind that would change a later call.
 * The bad input Windows answers with an exception is in
 * test_bad_input_raise.c.
 */

#include "test_bad_input.h"

/* ---- NULL out pointers and callbacks ------------------------------------- */

static void test_null_out_pointers(void **state)
{
    HANDLE event = test_event(TRUE, FALSE), handle = io_handle(TRUE);

    assert_status(TpAllocPool(NULL, NULL), STATUS_INVALID_PARAMETER);
    assert_status(TpAllocCleanupGroup(NULL), STATUS_INVALID_PARAMETER);
    assert_status(TpAllocWork(NULL, work_callback, NULL, NULL), STATUS_INVALID_PARAMETER);
    assert_status(TpAllocTimer(NULL, timer_callback, NULL, NULL), STATUS_INVALID_PARAMETER);
    assert_status(TpAllocWait(NULL, wait_callback, NULL, NULL), STATUS_INVALID_PARAMETER);
    assert_status(TpAllocIoCompletion(NULL, handle, nt_io_callback, NULL, NULL),
                  STATUS_INVALID_PARAMETER);
    assert_io_handle_unbound(handle);
    assert_status(RtlCreateTimerQueue(NULL), STATUS_INVALID_PARAMETER);
    assert_status(RtlCreateTimer(NULL, NULL, legacy_callback, NULL, 0, 0, 0), STATUS_INVALID_PARAMETER);
    assert_fails(CreateTimerQueueTimer(NULL, NULL, legacy_callback, NULL, 0, 0, 0),
                 ERROR_INVALID_PARAMETER);
    assert_status(RtlRegisterWait(NULL, event, legacy_callback, NULL, INFINITE, 0),
                  STATUS_INVALID_PARAMETER);
    assert_fails(RegisterWaitForSingleObject(NULL, event, legacy_callback, NULL, INFINITE, 0),
                 ERROR_INVALID_PARAMETER);
    CloseHandle(handle);
    CloseHandle(event);
}

static void test_null_callbacks(void **state)
{
    HANDLE event = test_event(TRUE, FALSE), handle = io_handle(TRUE), legacy;
    PTP_WORK work;
    PTP_TIMER timer;
    PTP_WAIT wait;
    PTP_IO io;

    assert_fails(CreateThreadpoolWork(NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    assert_fails(TrySubmitThreadpoolCallback(NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    assert_fails(CreateThreadpoolTimer(NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    assert_fails(CreateThreadpoolWait(NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    assert_fails(CreateThreadpoolIo(handle, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    assert_status(TpAllocWork(&work, NULL, NULL, NULL), STATUS_INVALID_PARAMETER);
    assert_status(TpSimpleTryPost(NULL, NULL, NULL), STATUS_INVALID_PARAMETER);
    assert_status(TpAllocTimer(&timer, NULL, NULL, NULL), STATUS_INVALID_PARAMETER);
    assert_status(TpAllocWait(&wait, NULL, NULL, NULL), STATUS_INVALID_PARAMETER);
    assert_status(TpAllocIoCompletion(&io, handle, NULL, NULL, NULL), STATUS_INVALID_PARAMETER);
    assert_io_handle_unbound(handle);

    assert_fails(QueueUserWorkItem(NULL, NULL, 0), ERROR_INVALID_PARAMETER);
    assert_status(RtlQueueWorkItem(NULL, NULL, 0), STATUS_INVALID_PARAMETER);
    assert_fails(RegisterWaitForSingleObject(&legacy, event, NULL, NULL, INFINITE, 0),
                 ERROR_INVALID_PARAMETER);
    assert_fails(RegisterWaitForSingleObjectEx(event, NULL, NULL, INFINITE, 0), ERROR_INVALID_PARAMETER);
    assert_status(RtlRegisterWait(&legacy, event, NULL, NULL, INFINITE, 0), STATUS_INVALID_PARAMETER);
    assert_fails(CreateTimerQueueTimer(&legacy, NULL, NULL, NULL, 0, 0, 0), ERROR_INVALID_PARAMETER);
    assert_fails(SetTimerQueueTimer(NULL, NULL, NULL, 0, 0, FALSE), ERROR_INVALID_PARAMETER);
    assert_status(RtlCreateTimer(NULL, &legacy, NULL, NULL, 0, 0, 0), STATUS_INVALID_PARAMETER);
    CloseHandle(handle);

    handle = io_handle(TRUE);
    assert_fails(BindIoCompletionCallback(handle, NULL, 0), ERROR_INVALID_PARAMETER);
    assert_status(RtlSetIoCompletionCallback(handle, NULL, 0), STATUS_INVALID_PARAMETER);
    assert_true(BindIoCompletionCallback(handle, completion_routine, 0));
    CloseHandle(handle);
    CloseHandle(event);
}

/* ---- Pools ---------------------------------------------------------------- */

struct rendezvous
{
    volatile LONG arrived;
    HANDLE all;                  /* set when `count` callbacks are inside at once */
    LONG count;
    volatile LONG met;
};

static void CALLBACK rendezvous_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct rendezvous *rendezvous = context;

    if (InterlockedIncrement(&rendezvous->arrived) == rendezvous->count)
        SetEvent(rendezvous->all);
    if (WaitForSingleObject(rendezvous->all, TEST_TIMEOUT) == WAIT_OBJECT_0)
        InterlockedIncrement(&rendezvous->met);
}

/* Runs `count` callbacks of one work object in `pool`; returns how many
 * met the others inside. */
static LONG rendezvous_in(PTP_POOL pool, LONG count)
{
    struct rendezvous rendezvous = { 0, test_event(TRUE, FALSE), count, 0 };
    TP_CALLBACK_ENVIRON environment;
    PTP_WORK work;
    LONG i;

    env_with_pool(&environment, pool);
    assert_non_null(work = CreateThreadpoolWork(rendezvous_callback, &rendezvous, &environment));
    for (i = 0; i < count; i++)
        SubmitThreadpoolWork(work);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);
    CloseHandle(rendezvous.all);
    return rendezvous.met;
}

static void test_pool_thread_limits(void **state)
{
    PTP_POOL pool;

    /* the reserved parameter is ignored */
    assert_non_null(pool = CreateThreadpool((void *)(ULONG_PTR)1));

    /* a maximum of 0 counts as 1: callbacks still run */
    SetThreadpoolThreadMaximum(pool, 0);
    assert_int_equal(rendezvous_in(pool, 1), 1);

    /* a minimum above the maximum raises the maximum */
    SetThreadpoolThreadMaximum(pool, 1);
    assert_true(SetThreadpoolThreadMinimum(pool, 2));
    assert_int_equal(rendezvous_in(pool, 2), 2);
    CloseThreadpool(pool);
}

static void test_pool_stack_information(void **state)
{
    TP_POOL_STACK_INFORMATION tiny = { 1, 1 }, read;
    PTP_POOL pool = CreateThreadpool(NULL);

    assert_non_null(pool);
    assert_fails(SetThreadpoolStackInformation(pool, NULL), ERROR_INVALID_PARAMETER);
    assert_fails(QueryThreadpoolStackInformation(pool, NULL), ERROR_INVALID_PARAMETER);
    assert_status(TpSetPoolStackInformation(pool, NULL), STATUS_INVALID_PARAMETER);
    assert_status(TpQueryPoolStackInformation(pool, NULL), STATUS_INVALID_PARAMETER);

    /* the sizes are not validated, and the pool still starts workers */
    assert_true(SetThreadpoolStackInformation(pool, &tiny));
    assert_true(QueryThreadpoolStackInformation(pool, &read));
    assert_int_equal(read.StackReserve, 1);
    assert_int_equal(read.StackCommit, 1);
    assert_int_equal(rendezvous_in(pool, 1), 1);
    CloseThreadpool(pool);
}

/* ---- Waits and timers ------------------------------------------------------ */

static void test_wait_reserved(void **state)
{
    HANDLE event = test_event(TRUE, FALSE), called = test_event(TRUE, FALSE);
    PTP_WAIT wait = CreateThreadpoolWait(wait_callback, called, NULL);

    assert_non_null(wait);
    /* Reserved is ignored */
    assert_false(SetThreadpoolWaitEx(wait, event, NULL, (void *)foreign));
    SetEvent(event);
    assert_signaled(called);
    WaitForThreadpoolWaitCallbacks(wait, FALSE);
    CloseThreadpoolWait(wait);
    CloseHandle(called);
    CloseHandle(event);
}

/* A period and window above LONG's range are taken as unsigned
 * milliseconds: the timer is armed, and disarms. */
static void test_timer_values(void **state)
{
    PTP_TIMER timer = CreateThreadpoolTimer(timer_callback, NULL, NULL);
    LARGE_INTEGER hour = { .QuadPart = -36000000000LL };
    FILETIME due;

    assert_non_null(timer);
    due.dwLowDateTime = hour.u.LowPart;
    due.dwHighDateTime = (DWORD)hour.u.HighPart;
    SetThreadpoolTimer(timer, &due, 0xffffffff, 0xffffffff);
    assert_true(IsThreadpoolTimerSet(timer));
    assert_true(SetThreadpoolTimerEx(timer, NULL, 0x80000000, 0x80000000));
    assert_false(IsThreadpoolTimerSet(timer));
    WaitForThreadpoolTimerCallbacks(timer, TRUE);
    CloseThreadpoolTimer(timer);
}

/* ---- I/O objects ------------------------------------------------------------ */

static void test_io_handles(void **state)
{
    HANDLE handle = io_handle(TRUE);
    PTP_IO io, second;

    assert_fails(CreateThreadpoolIo(NULL, io_callback, NULL, NULL), ERROR_INVALID_HANDLE);
    assert_fails(CreateThreadpoolIo(INVALID_HANDLE_VALUE, io_callback, NULL, NULL),
                 ERROR_INVALID_HANDLE);
    assert_status(TpAllocIoCompletion(&io, NULL, nt_io_callback, NULL, NULL), STATUS_INVALID_HANDLE);

    /* a handle bound already */
    assert_non_null(io = CreateThreadpoolIo(handle, io_callback, NULL, NULL));
    assert_fails(CreateThreadpoolIo(handle, io_callback, NULL, NULL), ERROR_INVALID_PARAMETER);
    assert_status(TpAllocIoCompletion(&second, handle, nt_io_callback, NULL, NULL),
                  STATUS_INVALID_PARAMETER);

    /* a cancel without a start does nothing: the object still drains */
    CancelThreadpoolIo(io);
    StartThreadpoolIo(io);
    CancelThreadpoolIo(io);
    WaitForThreadpoolIoCallbacks(io, FALSE);
    CloseThreadpoolIo(io);
    CloseHandle(handle);

#ifdef _WIN32
    /* not a file; a file opened without FILE_FLAG_OVERLAPPED */
    handle = test_event(TRUE, FALSE);
    assert_fails(CreateThreadpoolIo(handle, io_callback, NULL, NULL), ERROR_INVALID_HANDLE);
    CloseHandle(handle);
    handle = io_handle(FALSE);
    assert_fails(CreateThreadpoolIo(handle, io_callback, NULL, NULL), ERROR_INVALID_PARAMETER);
    assert_fails(BindIoCompletionCallback(handle, completion_routine, 0), ERROR_INVALID_PARAMETER);
    CloseHandle(handle);
#endif
}

static void test_bind_io_completion_callback(void **state)
{
    HANDLE handle = io_handle(TRUE);

    assert_fails(BindIoCompletionCallback(NULL, completion_routine, 0), ERROR_INVALID_PARAMETER);
    assert_status(RtlSetIoCompletionCallback(NULL, rtl_completion_routine, 0), STATUS_INVALID_PARAMETER);
    assert_fails(BindIoCompletionCallback(handle, completion_routine, 1), ERROR_INVALID_PARAMETER);
    assert_fails(BindIoCompletionCallback(handle, completion_routine, 12345), ERROR_INVALID_PARAMETER);
    assert_true(BindIoCompletionCallback(handle, completion_routine, 0));
    assert_fails(BindIoCompletionCallback(handle, completion_routine, 0), ERROR_INVALID_PARAMETER);
    assert_status(RtlSetIoCompletionCallback(handle, rtl_completion_routine, 0), STATUS_INVALID_PARAMETER);
    CloseHandle(handle);
}

/* ---- Legacy handles ----------------------------------------------------------- */

static void test_legacy_wait_handles(void **state)
{
    HANDLE wait;

    assert_fails(RegisterWaitForSingleObject(&wait, NULL, legacy_callback, NULL, INFINITE, 0),
                 ERROR_INVALID_HANDLE);
    assert_fails(RegisterWaitForSingleObjectEx(NULL, legacy_callback, NULL, INFINITE, 0),
                 ERROR_INVALID_HANDLE);
    assert_status(RtlRegisterWait(&wait, NULL, legacy_callback, NULL, INFINITE, 0),
                  STATUS_INVALID_HANDLE);
    assert_fails(UnregisterWait(NULL), ERROR_INVALID_HANDLE);
    assert_fails(UnregisterWaitEx(NULL, NULL), ERROR_INVALID_HANDLE);
    assert_fails(UnregisterWait((HANDLE)foreign), ERROR_INVALID_HANDLE);
    assert_fails(UnregisterWaitEx((HANDLE)foreign, INVALID_HANDLE_VALUE), ERROR_INVALID_HANDLE);
    assert_status(RtlDeregisterWait(NULL), STATUS_INVALID_HANDLE);
    assert_status(RtlDeregisterWaitEx((HANDLE)foreign, NULL), STATUS_INVALID_HANDLE);
}

static void test_legacy_timer_handles(void **state)
{
    HANDLE queue = CreateTimerQueue(), timer;

    assert_non_null(queue);
    /* the default queue cannot be deleted; a pointer that is no queue */
    assert_fails(DeleteTimerQueueEx(NULL, NULL), ERROR_INVALID_HANDLE);
    assert_fails(DeleteTimerQueueEx(NULL, INVALID_HANDLE_VALUE), ERROR_INVALID_HANDLE);
    assert_fails(DeleteTimerQueue(NULL), ERROR_INVALID_HANDLE);
    assert_status(RtlDeleteTimerQueue(NULL), STATUS_INVALID_HANDLE);
    assert_status(RtlDeleteTimerQueueEx(NULL, NULL), STATUS_INVALID_HANDLE);
    assert_fails(DeleteTimerQueueEx((HANDLE)foreign, NULL), ERROR_INVALID_HANDLE);
    assert_fails(CreateTimerQueueTimer(&timer, (HANDLE)foreign, legacy_callback, NULL, 0, 0, 0),
                 ERROR_INVALID_HANDLE);
    assert_fails(SetTimerQueueTimer((HANDLE)foreign, legacy_callback, NULL, 0, 0, FALSE),
                 ERROR_INVALID_HANDLE);

    /* a timer that is none */
    assert_fails(ChangeTimerQueueTimer(queue, NULL, 0, 0), ERROR_INVALID_PARAMETER);
    assert_fails(ChangeTimerQueueTimer(queue, (HANDLE)foreign, 0, 0), ERROR_INVALID_PARAMETER);
    assert_fails(DeleteTimerQueueTimer(queue, NULL, NULL), ERROR_INVALID_PARAMETER);
    assert_fails(DeleteTimerQueueTimer(queue, (HANDLE)foreign, INVALID_HANDLE_VALUE),
                 ERROR_INVALID_PARAMETER);
    assert_fails(CancelTimerQueueTimer(queue, NULL), ERROR_INVALID_PARAMETER);
    assert_status(RtlUpdateTimer(queue, NULL, 0, 0), STATUS_INVALID_PARAMETER);
    assert_status(RtlDeleteTimer(queue, NULL, NULL), STATUS_INVALID_PARAMETER);
    /* a queue given as a timer */
    assert_fails(DeleteTimerQueueTimer(NULL, queue, NULL), ERROR_INVALID_PARAMETER);

    assert_true(DeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE));
}

/* Flag bits no WT_ constant names (below WT_SET_MAX_THREADPOOL_THREADS's
 * limit field) are ignored. */
#define WT_UNKNOWN 0x4000

static DWORD WINAPI set_event_routine(void *event)
{
    SetEvent(event);
    return 0;
}

static void CALLBACK set_event_callback(void *event, BOOLEAN fired)
{
    SetEvent(event);
}

static void test_legacy_unknown_flags(void **state)
{
    HANDLE called = test_event(TRUE, FALSE), signal = test_event(TRUE, FALSE), handle;

    assert_true(QueueUserWorkItem(set_event_routine, called, WT_UNKNOWN));
    assert_signaled(called);

    ResetEvent(called);
    assert_true(CreateTimerQueueTimer(&handle, NULL, set_event_callback, called, 0, 0,
                                      WT_UNKNOWN | WT_EXECUTEONLYONCE));
    assert_signaled(called);
    assert_true(DeleteTimerQueueTimer(NULL, handle, INVALID_HANDLE_VALUE));

    ResetEvent(called);
    assert_true(RegisterWaitForSingleObject(&handle, signal, set_event_callback, called, INFINITE,
                                            WT_UNKNOWN | WT_EXECUTEONLYONCE));
    SetEvent(signal);
    assert_signaled(called);
    assert_true(UnregisterWaitEx(handle, INVALID_HANDLE_VALUE));
    CloseHandle(signal);
    CloseHandle(called);
}

/* ---- Callback instances -------------------------------------------------------- */

struct instance_test
{
    PTP_CALLBACK_INSTANCE instance;
    HANDLE other_done;
    BOOL other_result;
    DWORD other_error;
};

static DWORD WINAPI may_run_long_elsewhere(void *arg)
{
    struct instance_test *test = arg;

    SetLastError(0xdeadbeef);
    test->other_result = CallbackMayRunLong(test->instance);
    test->other_error = GetLastError();
    return 0;
}

/* NULL objects for the completion actions register nothing; a second
 * disassociation does nothing; CallbackMayRunLong from another thread
 * fails.  The callback still completes normally. */
static void CALLBACK instance_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct instance_test *test = context;

    SetEventWhenCallbackReturns(instance, NULL);
    ReleaseSemaphoreWhenCallbackReturns(instance, NULL, 1);
    ReleaseMutexWhenCallbackReturns(instance, NULL);
    LeaveCriticalSectionWhenCallbackReturns(instance, NULL);
    FreeLibraryWhenCallbackReturns(instance, NULL);
    test->instance = instance;
    test_thread_join(test_thread_start(may_run_long_elsewhere, test));
    DisassociateCurrentThreadFromCallback(instance);
    DisassociateCurrentThreadFromCallback(instance);
    SetEvent(test->other_done);
}

static void test_instance_inputs(void **state)
{
    struct instance_test test = { NULL, test_event(TRUE, FALSE), TRUE, 0 };
    PTP_WORK work = CreateThreadpoolWork(instance_callback, &test, NULL);

    assert_non_null(work);
    SubmitThreadpoolWork(work);
    assert_signaled(test.other_done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_false(test.other_result);
    assert_int_equal(test.other_error, ERROR_GEN_FAILURE);

    /* the worker is fine: the object runs again */
    ResetEvent(test.other_done);
    SubmitThreadpoolWork(work);
    assert_signaled(test.other_done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);
    CloseHandle(test.other_done);
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_null_out_pointers),
        cmocka_unit_test(test_null_callbacks),
        cmocka_unit_test(test_pool_thread_limits),
        cmocka_unit_test(test_pool_stack_information),
        cmocka_unit_test(test_wait_reserved),
        cmocka_unit_test(test_timer_values),
        cmocka_unit_test(test_io_handles),
        cmocka_unit_test(test_bind_io_completion_callback),
        cmocka_unit_test(test_legacy_wait_handles),
        cmocka_unit_test(test_legacy_timer_handles),
        cmocka_unit_test(test_legacy_unknown_flags),
        cmocka_unit_test(test_instance_inputs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
