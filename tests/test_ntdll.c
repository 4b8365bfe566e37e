/*
 * The ntdll Tp* functions, after what Wine's ntdll thread pool tests
 * check: pools, work objects, simple callbacks, cleanup groups and the
 * callback instance functions; then the Win32 functions over them.
 * Timers, waits and I/O are in test_ntdll_timer_wait_io.c.
 */

#include "test_ntdll.h"

#ifndef ERROR_TOO_MANY_THREADS
#define ERROR_TOO_MANY_THREADS 565  /* missing from mingw-w64's winerror.h */
#endif

static volatile LONG unexpected_calls;

/* ---- Pools ------------------------------------------------------------------ */

static void test_pool(void **state)
{
    TP_POOL_STACK_INFORMATION info, got;
    TP_CALLBACK_ENVIRON env;
    struct counter counter;
    TP_POOL *pool;

    /* not validated, as on Windows; no thread is started with it */
    pool = tp_pool_with_max(1);
    info.StackReserve = 1;
    info.StackCommit = 1;
    assert_status(TpSetPoolStackInformation(pool, &info), STATUS_SUCCESS);
    memset(&got, 0, sizeof(got));
    assert_status(TpQueryPoolStackInformation(pool, &got), STATUS_SUCCESS);
    assert_int_equal(got.StackReserve, 1);
    assert_int_equal(got.StackCommit, 1);
    assert_status(TpSetPoolStackInformation(pool, NULL), STATUS_INVALID_PARAMETER);
    assert_status(TpQueryPoolStackInformation(pool, NULL), STATUS_INVALID_PARAMETER);
    TpReleasePool(pool);

    pool = tp_pool_with_max(4);
    assert_status(TpSetPoolMinThreads(pool, 2), STATUS_SUCCESS);
    counter_init(&counter, 1);
    env_init(&env, pool);
    assert_status(TpSimpleTryPost(count_simple, &counter, &env), STATUS_SUCCESS);
    assert_signaled(counter.done);
    TpReleasePool(pool);
    counter_free(&counter);
}

/* ---- Work objects and simple callbacks -------------------------------------- */

static void test_work_posted_five_times(void **state)
{
    TP_POOL *pool = tp_pool_with_max(1);
    TP_CALLBACK_ENVIRON env;
    struct counter counter;
    TP_WORK *work = NULL;
    int i;

    counter_init(&counter, 5);
    env_init(&env, pool);
    assert_status(TpAllocWork(&work, count_work, &counter, &env), STATUS_SUCCESS);
    assert_non_null(work);
    for (i = 0; i < 5; i++)
        TpPostWork(work);
    TpWaitForWork(work, FALSE);
    assert_int_equal(counter.count, 5);
    TpReleaseWork(work);
    TpReleasePool(pool);
    counter_free(&counter);
}

static void test_work_wait_drops_pending(void **state)
{
    TP_POOL *pool = tp_pool_with_max(1);
    TP_CALLBACK_ENVIRON env;
    struct counter counter;
    struct blocker blocker;
    TP_WORK *block, *work;
    int i;

    counter_init(&counter, 1);
    env_init(&env, pool);
    block = start_blocker(&blocker, &env);
    assert_status(TpAllocWork(&work, count_work, &counter, &env), STATUS_SUCCESS);
    for (i = 0; i < 10; i++)
        TpPostWork(work);
    TpWaitForWork(work, TRUE);
    finish_blocker(&blocker, block);
    TpWaitForWork(work, FALSE);
    assert_int_equal(counter.count, 0);

    TpPostWork(work);
    assert_signaled(counter.done);
    TpReleaseWork(work);
    TpReleasePool(pool);
    counter_free(&counter);
}

static void test_simple_post(void **state)
{
    TP_POOL *pool = tp_pool_with_max(2);
    TP_CALLBACK_ENVIRON env;
    struct counter counter;

    counter_init(&counter, 2);
    assert_status(TpSimpleTryPost(count_simple, &counter, NULL), STATUS_SUCCESS);
    env_init(&env, pool);
    assert_status(TpSimpleTryPost(count_simple, &counter, &env), STATUS_SUCCESS);
    assert_signaled(counter.done);

    /* Windows 7 and later reject unknown versions (Vista and Wine accept them) */
    env.Version = 9999;
    assert_status(TpSimpleTryPost(count_simple, &counter, &env), STATUS_INVALID_PARAMETER);
    TpReleasePool(pool);
    counter_free(&counter);
}

/* ---- Cleanup groups --------------------------------------------------------- */

static char member_context;

struct cancel_record
{
    volatile LONG calls;
    volatile LONG bad;           /* wrong object context, cleanup context or thread */
    DWORD thread;
};

static void WINAPI record_cancel(void *object_context, void *cleanup_context)
{
    struct cancel_record *record = cleanup_context;

    if (object_context != &member_context || record->thread != GetCurrentThreadId())
        InterlockedIncrement(&record->bad);
    InterlockedIncrement(&record->calls);
}

static void WINAPI unexpected_simple(PTP_CALLBACK_INSTANCE instance, void *context)
{
    InterlockedIncrement(&unexpected_calls);
}

static void WINAPI unexpected_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    InterlockedIncrement(&unexpected_calls);
}

static void WINAPI unexpected_timer(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    InterlockedIncrement(&unexpected_calls);
}

static void WINAPI unexpected_wait(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                                   TP_WAIT_RESULT result)
{
    InterlockedIncrement(&unexpected_calls);
}

/* Wine's group cancel test: the cancel callback runs on the releasing
 * thread once per member, a pending simple callback included. */
static void test_group_cancel(void **state)
{
    TP_POOL *pool = tp_pool_with_max(1);
    struct cancel_record record = { 0 };
    TP_CALLBACK_ENVIRON env, group_env;
    struct blocker blocker;
    TP_CLEANUP_GROUP *group = NULL;
    TP_WORK *block, *work;
    TP_TIMER *timer;
    TP_WAIT *wait;

    unexpected_calls = 0;
    env_init(&env, pool);
    block = start_blocker(&blocker, &env);
    assert_status(TpAllocCleanupGroup(&group), STATUS_SUCCESS);
    assert_non_null(group);
    env_init(&group_env, pool);
    group_env.CleanupGroup = group;
    group_env.CleanupGroupCancelCallback = record_cancel;

    assert_status(TpSimpleTryPost(unexpected_simple, &member_context, &group_env), STATUS_SUCCESS);
    assert_status(TpAllocWork(&work, unexpected_work, &member_context, &group_env), STATUS_SUCCESS);
    TpPostWork(work);
    TpPostWork(work);
    assert_status(TpAllocTimer(&timer, unexpected_timer, &member_context, &group_env),
                  STATUS_SUCCESS);
    assert_status(TpAllocWait(&wait, unexpected_wait, &member_context, &group_env), STATUS_SUCCESS);
    record.thread = GetCurrentThreadId();
    TpReleaseCleanupGroupMembers(group, TRUE, &record);
    assert_int_equal(record.calls, 4);
    assert_int_equal(record.bad, 0);

    finish_blocker(&blocker, block);
    assert_int_equal(unexpected_calls, 0);
    TpReleaseCleanupGroup(group);
    TpReleasePool(pool);
}

static void test_group_release_runs_pending(void **state)
{
    TP_POOL *pool = tp_pool_with_max(1);
    struct cancel_record record = { 0 };
    TP_CLEANUP_GROUP *group;
    TP_CALLBACK_ENVIRON env;
    struct counter counter;
    TP_WORK *work;
    int i;

    counter_init(&counter, 5);
    assert_status(TpAllocCleanupGroup(&group), STATUS_SUCCESS);
    env_init(&env, pool);
    env.CleanupGroup = group;
    env.CleanupGroupCancelCallback = record_cancel;
    assert_status(TpAllocWork(&work, count_work, &counter, &env), STATUS_SUCCESS);
    for (i = 0; i < 5; i++)
        TpPostWork(work);
    TpReleaseCleanupGroupMembers(group, FALSE, &record);
    assert_int_equal(counter.count, 5);
    assert_int_equal(record.calls, 0);
    TpReleaseCleanupGroup(group);
    TpReleasePool(pool);
    counter_free(&counter);
}

/* ---- Callback instances ----------------------------------------------------- */

struct may_run_long
{
    NTSTATUS status;
    HANDLE done;
};

static void WINAPI call_may_run_long(PTP_CALLBACK_INSTANCE instance, void *context)
{
    struct may_run_long *data = context;

    data->status = TpCallbackMayRunLong(instance);
    SetEvent(data->done);
}

static NTSTATUS may_run_long_on_pool_with_max(DWORD max)
{
    TP_POOL *pool = tp_pool_with_max(max);
    struct may_run_long data;
    TP_CALLBACK_ENVIRON env;

    data.status = 0x0badf00d;
    data.done = CreateEventA(NULL, FALSE, FALSE, NULL);
    env_init(&env, pool);
    assert_status(TpSimpleTryPost(call_may_run_long, &data, &env), STATUS_SUCCESS);
    assert_signaled(data.done);
    TpReleasePool(pool);
    CloseHandle(data.done);
    return data.status;
}

struct captured
{
    PTP_CALLBACK_INSTANCE instance;
    struct blocker blocker;
};

static void WINAPI capture_and_block(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct captured *captured = context;

    captured->instance = instance;
    blocker_run(&captured->blocker);
}

static void test_may_run_long(void **state)
{
    struct captured captured;
    TP_WORK *work;

    assert_status(may_run_long_on_pool_with_max(1), STATUS_TOO_MANY_THREADS);
    assert_status(may_run_long_on_pool_with_max(2), STATUS_SUCCESS);

    /* only the callback's own thread may call it (as Wine) */
    blocker_init(&captured.blocker);
    assert_status(TpAllocWork(&work, capture_and_block, &captured, NULL), STATUS_SUCCESS);
    TpPostWork(work);
    assert_signaled(captured.blocker.started);
    assert_status(TpCallbackMayRunLong(captured.instance), STATUS_UNSUCCESSFUL);
    SetEvent(captured.blocker.release);
    TpWaitForWork(work, FALSE);
    TpReleaseWork(work);
    blocker_free(&captured.blocker);
}

static void WINAPI disassociate_and_block(PTP_CALLBACK_INSTANCE instance, void *context,
                                          PTP_WORK work)
{
    TpDisassociateCallback(instance);
    blocker_run(context);
}

static void test_disassociate(void **state)
{
    struct blocker blocker;
    TP_WORK *work;

    blocker_init(&blocker);
    assert_status(TpAllocWork(&work, disassociate_and_block, &blocker, NULL), STATUS_SUCCESS);
    TpPostWork(work);
    assert_signaled(blocker.started);
    TpWaitForWork(work, FALSE);
    assert_int_equal(blocker.finished, 0);
    SetEvent(blocker.release);
    TpReleaseWork(work);
    assert_signaled(blocker.ended);
    blocker_free(&blocker);
}

struct actions
{
    CRITICAL_SECTION critical_section;
    HANDLE mutex;
    HANDLE semaphore;
    HANDLE event;
    HANDLE second_event;
    HANDLE finalized;
    BOOL event_before_finalization;
};

static void WINAPI register_actions(PTP_CALLBACK_INSTANCE instance, void *context)
{
    struct actions *actions = context;
    HMODULE library;

    EnterCriticalSection(&actions->critical_section);
    WaitForSingleObject(actions->mutex, TEST_TIMEOUT);
    library = LoadLibraryA(TEST_LIBRARY);
    TpCallbackLeaveCriticalSectionOnCompletion(instance, &actions->critical_section);
    TpCallbackReleaseMutexOnCompletion(instance, actions->mutex);
    TpCallbackReleaseSemaphoreOnCompletion(instance, actions->semaphore, 1);
    TpCallbackSetEventOnCompletion(instance, actions->event);
    TpCallbackSetEventOnCompletion(instance, actions->second_event);
    TpCallbackUnloadDllOnCompletion(instance, library);
}

static void WINAPI finalize(PTP_CALLBACK_INSTANCE instance, void *context)
{
    struct actions *actions = context;

    actions->event_before_finalization = WaitForSingleObject(actions->event, 0) == WAIT_OBJECT_0;
    SetEvent(actions->finalized);
}

/* The finalization callback, then the actions in their fixed order, the
 * event last but the library; the first registration of a kind stands. */
static void test_completion_actions(void **state)
{
    TP_CALLBACK_ENVIRON env;
    struct actions actions;

    assert_false(library_loaded(TEST_LIBRARY));
    InitializeCriticalSection(&actions.critical_section);
    actions.mutex = CreateMutexA(NULL, FALSE, NULL);
    actions.semaphore = CreateSemaphoreA(NULL, 0, 1, NULL);
    actions.event = CreateEventA(NULL, TRUE, FALSE, NULL);
    actions.second_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    actions.finalized = CreateEventA(NULL, TRUE, FALSE, NULL);
    actions.event_before_finalization = TRUE;
    env_init(&env, NULL);
    env.FinalizationCallback = finalize;
    assert_status(TpSimpleTryPost(register_actions, &actions, &env), STATUS_SUCCESS);

    assert_signaled(actions.event);
    assert_int_equal(WaitForSingleObject(actions.finalized, 0), WAIT_OBJECT_0);
    assert_false(actions.event_before_finalization);
    assert_true(TryEnterCriticalSection(&actions.critical_section));
    LeaveCriticalSection(&actions.critical_section);
    assert_int_equal(WaitForSingleObject(actions.mutex, 0), WAIT_OBJECT_0);
    ReleaseMutex(actions.mutex);
    assert_int_equal(WaitForSingleObject(actions.semaphore, 0), WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObject(actions.second_event, 0), WAIT_TIMEOUT);
    assert_true(library_unloaded_soon(TEST_LIBRARY));

    DeleteCriticalSection(&actions.critical_section);
    CloseHandle(actions.mutex);
    CloseHandle(actions.semaphore);
    CloseHandle(actions.event);
    CloseHandle(actions.second_event);
    CloseHandle(actions.finalized);
}

/* ---- The Win32 functions over the ntdll ones --------------------------------- */

struct win32_may_run_long
{
    BOOL result;
    DWORD error;
    HANDLE done;
};

static void WINAPI call_win32_may_run_long(PTP_CALLBACK_INSTANCE instance, void *context)
{
    struct win32_may_run_long *data = context;

    SetLastError(0xdeadbeef);
    data->result = CallbackMayRunLong(instance);
    data->error = GetLastError();
    SetEvent(data->done);
}

static void test_win32_over_ntdll(void **state)
{
    struct win32_may_run_long data;
    TP_CALLBACK_ENVIRON env;
    struct counter counter;
    ULARGE_INTEGER hour;
    TP_POOL *pool;
    PTP_TIMER timer;
    PTP_WORK work;
    FILETIME due;

    /* one kind of object */
    counter_init(&counter, 1);
    work = CreateThreadpoolWork(count_work, &counter, NULL);
    assert_non_null(work);
    TpPostWork(work);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_int_equal(counter.count, 1);
    TpReleaseWork(work);

    assert_status(TpAllocTimer(&timer, count_timer, &counter, NULL), STATUS_SUCCESS);
    hour.QuadPart = (ULONGLONG)(-(LONGLONG)3600 * 10000000);
    due.dwLowDateTime = hour.u.LowPart;
    due.dwHighDateTime = hour.u.HighPart;
    assert_false(SetThreadpoolTimerEx(timer, &due, 0, 0));
    assert_true(TpIsTimerSet(timer));
    assert_true(SetThreadpoolTimerEx(timer, NULL, 0, 0));
    CloseThreadpoolTimer(timer);

    /* a failure status becomes the last error */
    env_init(&env, NULL);
    env.Version = 9999;
    SetLastError(0xdeadbeef);
    assert_null(CreateThreadpoolWork(count_work, &counter, &env));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    assert_false(TrySubmitThreadpoolCallback(count_simple, &counter, &env));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);

    pool = tp_pool_with_max(1);
    SetLastError(0xdeadbeef);
    assert_false(SetThreadpoolStackInformation(pool, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    data.done = CreateEventA(NULL, FALSE, FALSE, NULL);
    env_init(&env, pool);
    assert_true(TrySubmitThreadpoolCallback(call_win32_may_run_long, &data, &env));
    assert_signaled(data.done);
    assert_false(data.result);
    assert_int_equal(data.error, ERROR_TOO_MANY_THREADS);
    TpReleasePool(pool);
    CloseHandle(data.done);
    counter_free(&counter);
}


int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_pool),
        cmocka_unit_test(test_work_posted_five_times),
        cmocka_unit_test(test_work_wait_drops_pending),
        cmocka_unit_test(test_simple_post),
        cmocka_unit_test(test_group_cancel),
        cmocka_unit_test(test_group_release_runs_pending),
        cmocka_unit_test(test_may_run_long),
        cmocka_unit_test(test_disassociate),
        cmocka_unit_test(test_completion_actions),
        cmocka_unit_test(test_win32_over_ntdll),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
