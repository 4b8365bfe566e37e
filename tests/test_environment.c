/* Callback environments: pool stack sizes, the library kept loaded,
 * persistent threads, callbacks that run long, thread limits. */

#include "test_util.h"
#include "tpool.h"
#include "fault.h"

static SIZE_T current_stack_size(void)
{
#ifdef _WIN32
    ULONG_PTR low, high;
    GetCurrentThreadStackLimits(&low, &high);
    return high - low;
#else
    pthread_attr_t attr;
    size_t size = 0;

    pthread_getattr_np(pthread_self(), &attr);
    pthread_attr_getstacksize(&attr, &size);
    pthread_attr_destroy(&attr);
    return size;
#endif
}

struct stack_probe
{
    SIZE_T size;
    HANDLE done;
};

static void WINAPI probe_stack(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct stack_probe *probe = context;
    probe->size = current_stack_size();
    SetEvent(probe->done);
}

static void test_stack_information(void **state)
{
    TP_POOL_STACK_INFORMATION info, wanted = { 3 * 1024 * 1024, 64 * 1024 };
    struct stack_probe probe = { 0, NULL };
    TP_CALLBACK_ENVIRON env;
    PTP_POOL pool;
    PTP_WORK work;

    pool = CreateThreadpool(NULL);
    assert_true(QueryThreadpoolStackInformation(pool, &info));
    assert_true(info.StackReserve > 0);
    assert_true(info.StackCommit > 0);
    assert_true(info.StackCommit <= info.StackReserve);

    assert_true(SetThreadpoolStackInformation(pool, &wanted));
    assert_true(QueryThreadpoolStackInformation(pool, &info));
    assert_int_equal(info.StackReserve, wanted.StackReserve);
    assert_int_equal(info.StackCommit, wanted.StackCommit);

    /* the pool's threads get it */
    probe.done = CreateEventA(NULL, FALSE, FALSE, NULL);
    env_with_pool(&env, pool);
    work = CreateThreadpoolWork(probe_stack, &probe, &env);
    SubmitThreadpoolWork(work);
    assert_signaled(probe.done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_true(probe.size >= wanted.StackReserve);
    CloseThreadpoolWork(work);
    CloseThreadpool(pool);
    CloseHandle(probe.done);
}

static void WINAPI nothing(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
}

static void test_library_kept_loaded(void **state)
{
    TP_CALLBACK_ENVIRON env;
    HMODULE library;
    PTP_WORK work;

    assert_false(library_loaded(TEST_LIBRARY));
    library = LoadLibraryA(TEST_LIBRARY);
    assert_non_null(library);
    InitializeThreadpoolEnvironment(&env);
    SetThreadpoolCallbackLibrary(&env, library);
    work = CreateThreadpoolWork(nothing, NULL, &env);
    assert_non_null(work);
    SubmitThreadpoolWork(work);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    /* the application's own reference goes; the object's keeps it loaded */
    assert_true(FreeLibrary(library));
    assert_true(library_loaded(TEST_LIBRARY));
    CloseThreadpoolWork(work);
    assert_true(library_unloaded_soon(TEST_LIBRARY));
}

struct persistent_log
{
    volatile LONG count;
    volatile LONG other_threads;
    DWORD thread_id;
    HANDLE done;
};

static void WINAPI record_thread(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct persistent_log *log = context;

    if (!log->thread_id)
        log->thread_id = GetCurrentThreadId();
    else if (log->thread_id != GetCurrentThreadId())
        InterlockedIncrement(&log->other_threads);
    if (InterlockedIncrement(&log->count) == 50)
        SetEvent(log->done);
}

#ifdef _WIN32
struct apc_log
{
    DWORD thread_id;
    HANDLE done;
};

static void CALLBACK record_apc(ULONG_PTR param)
{
    struct apc_log *log = (struct apc_log *)param;
    log->thread_id = GetCurrentThreadId();
    SetEvent(log->done);
}
#endif

static void test_persistent_thread(void **state)
{
    struct persistent_log log = { 0, 0, 0, NULL };
    TP_CALLBACK_ENVIRON env;
    PTP_WORK work;
    int i;

    log.done = CreateEventA(NULL, FALSE, FALSE, NULL);
    InitializeThreadpoolEnvironment(&env);
    TpSetCallbackPersistent(&env);
    work = CreateThreadpoolWork(record_thread, &log, &env);
    assert_non_null(work);
    for (i = 0; i < 50; i++)
        SubmitThreadpoolWork(work);
    assert_signaled(log.done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    /* one thread runs them all */
    assert_int_equal(log.other_threads, 0);
#ifdef _WIN32
    {
        /* and APCs queued to it run while it is idle */
        struct apc_log apc = { 0, CreateEventA(NULL, FALSE, FALSE, NULL) };
        HANDLE thread = OpenThread(THREAD_SET_CONTEXT, FALSE, log.thread_id);

        assert_non_null(thread);
        assert_true(QueueUserAPC(record_apc, thread, (ULONG_PTR)&apc));
        assert_signaled(apc.done);
        assert_int_equal(apc.thread_id, log.thread_id);
        CloseHandle(thread);
        CloseHandle(apc.done);
    }
#endif
    CloseThreadpoolWork(work);
    CloseHandle(log.done);
}

struct long_probe
{
    PTP_POOL pool;
    DWORD workers;
    HANDLE done;
};

static void WINAPI count_workers(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct long_probe *probe = context;
    TPOOL_STATS stats;

    stats.size = sizeof(stats);
    if (tpool_query_stats(probe->pool, &stats))
        probe->workers = stats.workers;
    SetEvent(probe->done);
}

/* Until the pool's only worker is parked, so that a submission is handed
 * to it rather than starting another. */
static void wait_for_idle_worker(PTP_POOL pool)
{
    ULONGLONG deadline = GetTickCount64() + TEST_TIMEOUT;
    TPOOL_STATS stats;

    stats.size = sizeof(stats);
    for (;;)
    {
        assert_true(tpool_query_stats(pool, &stats));
        if (stats.workers_idle == 1)
            return;
        assert_true(GetTickCount64() < deadline);
        Sleep(1);
    }
}

/* SetThreadpoolCallbackRunsLong counts as CallbackMayRunLong in advance:
 * the callback's start makes another thread available at once (the pool
 * counts a starting worker), where a plain callback starts none. */
static void submit_probe(struct long_probe *probe, BOOL runs_long)
{
    TP_CALLBACK_ENVIRON env;
    PTP_WORK work;

    probe->workers = 0;
    InitializeThreadpoolEnvironment(&env);
    SetThreadpoolCallbackPool(&env, probe->pool);
    if (runs_long)
        SetThreadpoolCallbackRunsLong(&env);
    work = CreateThreadpoolWork(count_workers, probe, &env);
    assert_non_null(work);
    wait_for_idle_worker(probe->pool);
    SubmitThreadpoolWork(work);
    assert_signaled(probe->done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);
}

static void run_on_one_worker(struct long_probe *probe, BOOL runs_long)
{
    probe->pool = CreateThreadpool(NULL);
    assert_non_null(probe->pool);
    SetThreadpoolThreadMaximum(probe->pool, 8);
    assert_true(SetThreadpoolThreadMinimum(probe->pool, 1));
    probe->done = CreateEventA(NULL, FALSE, FALSE, NULL);
    submit_probe(probe, runs_long);
    CloseThreadpool(probe->pool);
    CloseHandle(probe->done);
}

static void test_runs_long(void **state)
{
    struct long_probe probe;

    run_on_one_worker(&probe, FALSE);
    assert_int_equal(probe.workers, 1);
    run_on_one_worker(&probe, TRUE);
    assert_int_equal(probe.workers, 2);
}

/* A minimum whose threads cannot be started is not kept, nor the maximum
 * it raised: a callback that runs long in a pool limited to one thread
 * still gets no second one. */
static void test_failed_minimum_not_kept(void **state)
{
    struct long_probe probe;

    probe.pool = CreateThreadpool(NULL);
    assert_non_null(probe.pool);
    SetThreadpoolThreadMaximum(probe.pool, 1);
    assert_true(SetThreadpoolThreadMinimum(probe.pool, 1));
    tpool_fault_inject(TPOOL_FAULT_THREAD | TPOOL_FAULT_STICKY, 1);
    SetLastError(0xdeadbeef);
    assert_false(SetThreadpoolThreadMinimum(probe.pool, 4));
    tpool_fault_inject(TPOOL_FAULT_THREAD, 0);
    assert_int_equal(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
    probe.done = CreateEventA(NULL, FALSE, FALSE, NULL);
    submit_probe(&probe, TRUE);
    assert_int_equal(probe.workers, 1);
    CloseThreadpool(probe.pool);
    CloseHandle(probe.done);
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_stack_information),
        cmocka_unit_test(test_library_kept_loaded),
        cmocka_unit_test(test_persistent_thread),
        cmocka_unit_test(test_runs_long),
        cmocka_unit_test(test_failed_minimum_not_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
