/* Work objects, simple callbacks, pools and environments. */

#include "test_util.h"

struct counter
{
    volatile LONG count;
    LONG target;
    HANDLE done;               /* set when count reaches target */
    volatile LONG active;
    volatile LONG peak;
};

static void counter_init(struct counter *counter, LONG target)
{
    counter->count = 0;
    counter->target = target;
    counter->active = 0;
    counter->peak = 0;
    counter->done = CreateEventA(NULL, TRUE, FALSE, NULL);
    assert_non_null(counter->done);
}

static void counter_hit(struct counter *counter)
{
    LONG target = counter->target;   /* read before the count lets the test go on */
    LONG active = InterlockedIncrement(&counter->active), peak;

    while ((peak = InterlockedCompareExchange(&counter->peak, 0, 0)) < active)
        InterlockedCompareExchange(&counter->peak, active, peak);
    SwitchToThread();
    InterlockedDecrement(&counter->active);
    if (InterlockedIncrement(&counter->count) == target)
        SetEvent(counter->done);
}

static void WINAPI count_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    counter_hit(context);
}

static void WINAPI count_simple(PTP_CALLBACK_INSTANCE instance, void *context)
{
    counter_hit(context);
}

static void test_submit_n_times(void **state)
{
    struct counter counter;
    PTP_WORK work;
    int i;

    counter_init(&counter, 1000);
    work = CreateThreadpoolWork(count_work, &counter, NULL);
    assert_non_null(work);
    for (i = 0; i < 1000; i++)
        SubmitThreadpoolWork(work);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_int_equal(counter.count, 1000);
    CloseThreadpoolWork(work);
    CloseHandle(counter.done);
}

struct params
{
    PTP_CALLBACK_INSTANCE instance;
    void *context;
    PTP_WORK work;
    HANDLE done;
};

static void WINAPI record_params(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct params *params = context;
    params->instance = instance;
    params->context = context;
    params->work = work;
    SetEvent(params->done);
}

static void test_callback_parameters(void **state)
{
    struct params params = { 0 };
    PTP_WORK work;

    params.done = CreateEventA(NULL, FALSE, FALSE, NULL);
    work = CreateThreadpoolWork(record_params, &params, NULL);
    assert_non_null(work);
    SubmitThreadpoolWork(work);
    assert_signaled(params.done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_non_null(params.instance);
    assert_ptr_equal(params.context, &params);
    assert_ptr_equal(params.work, work);
    CloseThreadpoolWork(work);
    CloseHandle(params.done);
}

struct other_waiter
{
    PTP_WORK work;
    HANDLE waiting, returned;
};

static DWORD WINAPI wait_on_other_thread(void *arg)
{
    struct other_waiter *waiter = arg;

    SetEvent(waiter->waiting);
    WaitForThreadpoolWorkCallbacks(waiter->work, FALSE);
    SetEvent(waiter->returned);
    return 0;
}

/* Another thread waiting for the pending callbacks returns when they are
 * cancelled, though no callback of the object runs to wake it. */
static void test_cancel_drops_pending(void **state)
{
    PTP_POOL pool = pool_with_max(1);
    struct other_waiter waiter;
    struct blocker blocker;
    struct counter counter;
    TP_CALLBACK_ENVIRON env;
    PTP_WORK block, work;
    test_thread thread;
    int i;

    blocker_init(&blocker);
    blocker.linger = 20;
    counter_init(&counter, 1);
    env_with_pool(&env, pool);
    block = CreateThreadpoolWork(blocker_work, &blocker, &env);
    work = CreateThreadpoolWork(count_work, &counter, &env);
    SubmitThreadpoolWork(block);
    assert_signaled(blocker.started);
    for (i = 0; i < 5; i++)
        SubmitThreadpoolWork(work);
    waiter.work = work;
    waiter.waiting = CreateEventA(NULL, TRUE, FALSE, NULL);
    waiter.returned = CreateEventA(NULL, TRUE, FALSE, NULL);
    thread = test_thread_start(wait_on_other_thread, &waiter);
    /* the waiter is about to wait, most often waits already (the time
     * this thread takes to be woken) */
    assert_signaled(waiter.waiting);
    WaitForThreadpoolWorkCallbacks(work, TRUE);
    assert_signaled(waiter.returned);
    test_thread_join(thread);
    CloseHandle(waiter.waiting);
    CloseHandle(waiter.returned);
    SetEvent(blocker.release);
    WaitForThreadpoolWorkCallbacks(block, FALSE);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_int_equal(counter.count, 0);

    SubmitThreadpoolWork(work);
    assert_signaled(counter.done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_int_equal(counter.count, 1);

    CloseThreadpoolWork(work);
    CloseThreadpoolWork(block);
    CloseThreadpool(pool);
    blocker_free(&blocker);
    CloseHandle(counter.done);
}

static void test_cancel_waits_for_running(void **state)
{
    struct blocker blocker;
    PTP_WORK block;

    blocker_init(&blocker);
    blocker.linger = 20;
    block = CreateThreadpoolWork(blocker_work, &blocker, NULL);
    SubmitThreadpoolWork(block);
    assert_signaled(blocker.started);
    SetEvent(blocker.release);
    WaitForThreadpoolWorkCallbacks(block, TRUE);
    assert_int_equal(blocker.finished, 1);
    CloseThreadpoolWork(block);
    blocker_free(&blocker);
}

static void test_close_with_pending(void **state)
{
    PTP_POOL pool = pool_with_max(1);
    struct blocker blocker;
    struct counter counter;
    TP_CALLBACK_ENVIRON env;
    PTP_WORK block, work;

    blocker_init(&blocker);
    blocker.linger = 20;
    counter_init(&counter, 3);
    env_with_pool(&env, pool);
    block = CreateThreadpoolWork(blocker_work, &blocker, &env);
    work = CreateThreadpoolWork(count_work, &counter, &env);
    SubmitThreadpoolWork(block);
    assert_signaled(blocker.started);
    SubmitThreadpoolWork(work);
    SubmitThreadpoolWork(work);
    SubmitThreadpoolWork(work);
    CloseThreadpoolWork(work);
    SetEvent(blocker.release);
    assert_signaled(counter.done);
    assert_int_equal(counter.count, 3);
    WaitForThreadpoolWorkCallbacks(block, FALSE);
    CloseThreadpoolWork(block);
    CloseThreadpool(pool);
    blocker_free(&blocker);
    CloseHandle(counter.done);
}

struct submitter
{
    PTP_WORK work;
    int count;
};

static DWORD WINAPI submit_thread(void *arg)
{
    struct submitter *submitter = arg;
    int i;

    for (i = 0; i < submitter->count; i++)
        SubmitThreadpoolWork(submitter->work);
    return 0;
}

static void test_concurrent_submitters(void **state)
{
    struct submitter submitter;
    struct counter counter;
    test_thread threads[4];
    int i;

    counter_init(&counter, 4 * 2000);
    submitter.work = CreateThreadpoolWork(count_work, &counter, NULL);
    submitter.count = 2000;
    for (i = 0; i < 4; i++)
        threads[i] = test_thread_start(submit_thread, &submitter);
    for (i = 0; i < 4; i++)
        test_thread_join(threads[i]);
    assert_signaled(counter.done);
    WaitForThreadpoolWorkCallbacks(submitter.work, FALSE);
    assert_int_equal(counter.count, 4 * 2000);
    CloseThreadpoolWork(submitter.work);
    CloseHandle(counter.done);
}

static void run_on_pool_with_max(DWORD max, LONG callbacks)
{
    PTP_POOL pool = pool_with_max(max);
    struct counter counter;
    TP_CALLBACK_ENVIRON env;
    PTP_WORK works[4];
    LONG i;

    counter_init(&counter, callbacks);
    env_with_pool(&env, pool);
    for (i = 0; i < 4; i++)
        works[i] = CreateThreadpoolWork(count_work, &counter, &env);
    for (i = 0; i < callbacks; i++)
        SubmitThreadpoolWork(works[i % 4]);
    assert_signaled(counter.done);
    for (i = 0; i < 4; i++)
    {
        WaitForThreadpoolWorkCallbacks(works[i], FALSE);
        CloseThreadpoolWork(works[i]);
    }
    assert_int_equal(counter.count, callbacks);
    assert_true(counter.peak >= 1);
    assert_true(counter.peak <= (LONG)max);
    CloseThreadpool(pool);
    CloseHandle(counter.done);
}

static void test_max_one_runs_one_at_a_time(void **state)
{
    run_on_pool_with_max(1, 400);
}

static void test_max_two_honoured(void **state)
{
    run_on_pool_with_max(2, 400);
}

struct rendezvous
{
    volatile LONG arrived;
    LONG expected;
    HANDLE all_here;
};

static void WINAPI rendezvous_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct rendezvous *rendezvous = context;
    if (InterlockedIncrement(&rendezvous->arrived) == rendezvous->expected)
        SetEvent(rendezvous->all_here);
    WaitForSingleObject(rendezvous->all_here, TEST_TIMEOUT);
}

static void test_min_threads_run_concurrently(void **state)
{
    PTP_POOL pool = pool_with_max(4);
    struct rendezvous rendezvous = { 0, 4, NULL };
    TP_CALLBACK_ENVIRON env;
    PTP_WORK work;
    int i;

    assert_true(SetThreadpoolThreadMinimum(pool, 4));
    rendezvous.all_here = CreateEventA(NULL, TRUE, FALSE, NULL);
    env_with_pool(&env, pool);
    work = CreateThreadpoolWork(rendezvous_work, &rendezvous, &env);
    for (i = 0; i < 4; i++)
        SubmitThreadpoolWork(work);
    assert_signaled(rendezvous.all_here);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_int_equal(rendezvous.arrived, 4);
    CloseThreadpoolWork(work);
    CloseThreadpool(pool);
    CloseHandle(rendezvous.all_here);
}

static void test_simple_callbacks(void **state)
{
    struct counter counter;
    int i;

    counter_init(&counter, 500);
    for (i = 0; i < 500; i++)
        assert_true(TrySubmitThreadpoolCallback(count_simple, &counter, NULL));
    assert_signaled(counter.done);
    assert_int_equal(counter.count, 500);
    CloseHandle(counter.done);
}

static void test_environment_versions(void **state)
{
    struct counter counter;
    TP_CALLBACK_ENVIRON env;
    PTP_WORK work;

    counter_init(&counter, 2);

    InitializeThreadpoolEnvironment(&env);
    env.Version = 1;   /* a V1 environment ends before CallbackPriority */
    env.CallbackPriority = (TP_CALLBACK_PRIORITY)77;
    work = CreateThreadpoolWork(count_work, &counter, &env);
    assert_non_null(work);
    SubmitThreadpoolWork(work);
    assert_true(TrySubmitThreadpoolCallback(count_simple, &counter, &env));
    assert_signaled(counter.done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);

    InitializeThreadpoolEnvironment(&env);
    env.Version = 2;
    SetLastError(0xdeadbeef);
    assert_null(CreateThreadpoolWork(count_work, &counter, &env));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    assert_false(TrySubmitThreadpoolCallback(count_simple, &counter, &env));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);

    InitializeThreadpoolEnvironment(&env);
    env.CallbackPriority = TP_CALLBACK_PRIORITY_INVALID;
    SetLastError(0xdeadbeef);
    assert_null(CreateThreadpoolWork(count_work, &counter, &env));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    CloseHandle(counter.done);
}

struct order
{
    volatile LONG next;
    LONG seen[3];
};

struct ordered
{
    struct order *order;
    LONG id;
};

static void WINAPI record_order(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct ordered *ordered = context;
    LONG index = InterlockedIncrement(&ordered->order->next) - 1;
    if (index < 3)
        ordered->order->seen[index] = ordered->id;
}

static void test_priorities_start_in_order(void **state)
{
    static const TP_CALLBACK_PRIORITY priorities[3] =
        { TP_CALLBACK_PRIORITY_LOW, TP_CALLBACK_PRIORITY_NORMAL, TP_CALLBACK_PRIORITY_HIGH };
    PTP_POOL pool = pool_with_max(1);
    struct order order = { 0, { -1, -1, -1 } };
    struct ordered ordered[3];
    struct blocker blocker;
    TP_CALLBACK_ENVIRON env;
    PTP_WORK block, works[3];
    int i;

    blocker_init(&blocker);
    blocker.linger = 20;
    env_with_pool(&env, pool);
    block = CreateThreadpoolWork(blocker_work, &blocker, &env);
    SubmitThreadpoolWork(block);
    assert_signaled(blocker.started);
    for (i = 0; i < 3; i++)
    {
        ordered[i].order = &order;
        ordered[i].id = priorities[i];
        SetThreadpoolCallbackPriority(&env, priorities[i]);
        works[i] = CreateThreadpoolWork(record_order, &ordered[i], &env);
        SubmitThreadpoolWork(works[i]);
    }
    SetEvent(blocker.release);
    for (i = 0; i < 3; i++)
    {
        WaitForThreadpoolWorkCallbacks(works[i], FALSE);
        CloseThreadpoolWork(works[i]);
    }
    assert_int_equal(order.seen[0], TP_CALLBACK_PRIORITY_HIGH);
    assert_int_equal(order.seen[1], TP_CALLBACK_PRIORITY_NORMAL);
    assert_int_equal(order.seen[2], TP_CALLBACK_PRIORITY_LOW);
    WaitForThreadpoolWorkCallbacks(block, FALSE);
    CloseThreadpoolWork(block);
    CloseThreadpool(pool);
    blocker_free(&blocker);
}

static void WINAPI wait_for_self(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    SetEvent(context);
}

static void test_wait_from_own_callback(void **state)
{
    HANDLE done = CreateEventA(NULL, FALSE, FALSE, NULL);
    PTP_WORK work = CreateThreadpoolWork(wait_for_self, done, NULL);

    SubmitThreadpoolWork(work);
    assert_signaled(done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);
    CloseHandle(done);
}

static void WINAPI disassociate_and_block(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct blocker *blocker = context;
    DisassociateCurrentThreadFromCallback(instance);
    SetEvent(blocker->started);
    WaitForSingleObject(blocker->release, TEST_TIMEOUT);
    InterlockedExchange(&blocker->finished, 1);
    /* the last use of the test's blocker, which lives on its stack */
    SetEvent(blocker->started);
}

static void test_disassociate(void **state)
{
    struct blocker blocker;
    PTP_WORK work;

    blocker_init(&blocker);
    work = CreateThreadpoolWork(disassociate_and_block, &blocker, NULL);
    SubmitThreadpoolWork(work);
    assert_signaled(blocker.started);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_int_equal(blocker.finished, 0);
    SetEvent(blocker.release);
    /* nothing waits for a disassociated callback: wait for it here */
    assert_signaled(blocker.started);
    CloseThreadpoolWork(work);
    blocker_free(&blocker);
}

struct may_run_long
{
    BOOL result;
    HANDLE done;
};

static void WINAPI call_may_run_long(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct may_run_long *data = context;
    data->result = CallbackMayRunLong(instance);
    SetEvent(data->done);
}

static void test_may_run_long(void **state)
{
    struct may_run_long data;
    TP_CALLBACK_ENVIRON env;
    PTP_POOL pool;
    PTP_WORK work;

    data.done = CreateEventA(NULL, FALSE, FALSE, NULL);

    pool = pool_with_max(1);
    env_with_pool(&env, pool);
    work = CreateThreadpoolWork(call_may_run_long, &data, &env);
    SubmitThreadpoolWork(work);
    assert_signaled(data.done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_false(data.result);
    CloseThreadpoolWork(work);
    CloseThreadpool(pool);

    pool = pool_with_max(2);
    env_with_pool(&env, pool);
    work = CreateThreadpoolWork(call_may_run_long, &data, &env);
    SubmitThreadpoolWork(work);
    assert_signaled(data.done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_true(data.result);
    CloseThreadpoolWork(work);
    CloseThreadpool(pool);
    CloseHandle(data.done);
}

static void test_close_pool_with_bound_objects(void **state)
{
    PTP_POOL pool = pool_with_max(2);
    struct counter counter;
    TP_CALLBACK_ENVIRON env;
    PTP_WORK work;
    int i;

    counter_init(&counter, 50);
    env_with_pool(&env, pool);
    work = CreateThreadpoolWork(count_work, &counter, &env);
    CloseThreadpool(pool);
    for (i = 0; i < 50; i++)
        SubmitThreadpoolWork(work);
    CloseThreadpoolWork(work);
    assert_signaled(counter.done);
    assert_int_equal(counter.count, 50);
    CloseHandle(counter.done);
}

static void WINAPI count_finalization(PTP_CALLBACK_INSTANCE instance, void *context)
{
    counter_hit(context);
}

static void test_finalization_callback(void **state)
{
    struct counter counter;
    TP_CALLBACK_ENVIRON env;
    PTP_WORK work;

    counter_init(&counter, 6);
    InitializeThreadpoolEnvironment(&env);
    TpSetCallbackFinalizationCallback(&env, count_finalization);
    work = CreateThreadpoolWork(count_work, &counter, &env);
    SubmitThreadpoolWork(work);
    SubmitThreadpoolWork(work);
    SubmitThreadpoolWork(work);
    assert_signaled(counter.done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_int_equal(counter.count, 6);
    CloseThreadpoolWork(work);
    CloseHandle(counter.done);
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_submit_n_times),
        cmocka_unit_test(test_callback_parameters),
        cmocka_unit_test(test_cancel_drops_pending),
        cmocka_unit_test(test_cancel_waits_for_running),
        cmocka_unit_test(test_close_with_pending),
        cmocka_unit_test(test_concurrent_submitters),
        cmocka_unit_test(test_max_one_runs_one_at_a_time),
        cmocka_unit_test(test_max_two_honoured),
        cmocka_unit_test(test_min_threads_run_concurrently),
        cmocka_unit_test(test_simple_callbacks),
        cmocka_unit_test(test_environment_versions),
        cmocka_unit_test(test_priorities_start_in_order),
        cmocka_unit_test(test_wait_from_own_callback),
        cmocka_unit_test(test_disassociate),
        cmocka_unit_test(test_may_run_long),
        cmocka_unit_test(test_close_pool_with_bound_objects),
        cmocka_unit_test(test_finalization_callback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
