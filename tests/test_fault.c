/*
 * Resource failure, through the fault injection hook (fault.h): every
 * export that can fail is called with its 1st, 2nd, ... allocation (and
 * thread creation) failing until it succeeds.  Each failure must be
 * reported as Windows does (NULL / FALSE with ERROR_NOT_ENOUGH_MEMORY, or
 * STATUS_NO_MEMORY), leave no allocation behind, and leave the pool
 * working.  The exports that cannot fail must not allocate at all.
 */

#include "test_fault.h"

#include <stdio.h>

/* A pool made after a failure runs a callback. */
static void assert_pool_works(void)
{
    struct subject s;
    PTP_WORK work;

    subject_setup(&s);
    work = CreateThreadpoolWork(work_callback, &s, &s.env);
    assert_non_null(work);
    SubmitThreadpoolWork(work);
    assert_signaled(s.ran);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);
    subject_teardown(&s);
}

/* One attempt with the nth operation of `kind` failing: TRUE once the
 * export no longer reached it (the sweep is over). */
static BOOL attempt_with_fault(const struct fallible *f, ULONG kind, ULONG nth)
{
    LONG baseline = live_allocations();
    ULONG before;
    struct subject s;
    DWORD error;

    subject_setup(&s);
    before = injected();
    tpool_fault_inject(kind, nth);
    SetLastError(0xdeadbeef);
    error = f->attempt(&s);
    tpool_fault_inject(kind, 0);
    if (error)
    {
        if (error != f->failure)
            fail_msg("%s with fault %lu/%lu: error %#lx, expected %#lx", f->name,
                     (unsigned long)kind, (unsigned long)nth, (unsigned long)error,
                     (unsigned long)f->failure);
        assert_true(injected() > before);
    }
    else
        f->undo(&s);
    subject_teardown(&s);
    assert_no_leak(baseline);
    return !error && injected() == before;
}

/* A first call makes what the process keeps for good (the default pool,
 * the default timer queue, the routine's I/O object): not a leak. */
static void warm_up(const struct fallible *f)
{
    struct subject s;

    subject_setup(&s);
    assert_int_equal(f->attempt(&s), 0);
    f->undo(&s);
    subject_teardown(&s);
}

static ULONG sweep(const struct fallible *f, ULONG kind)
{
    ULONG nth;

    for (nth = 1; nth <= MAX_FAULTS; nth++)
    {
        if (attempt_with_fault(f, kind, nth))
            return nth - 1;
        assert_pool_works();
    }
    fail_msg("%s still fails after %d faults", f->name, MAX_FAULTS);
    return 0;
}

static void test_fallible_exports(void **state)
{
    ULONG allocations, threads, total = 0;
    size_t i;

    for (i = 0; i < fallible_count; i++)
    {
        warm_up(&fallibles[i]);
        allocations = sweep(&fallibles[i], TPOOL_FAULT_ALLOCATION);
        threads = sweep(&fallibles[i], TPOOL_FAULT_THREAD);
        printf("fault: %-34s %2lu allocation, %lu thread faults\n", fallibles[i].name,
               (unsigned long)allocations, (unsigned long)threads);
        total += allocations + threads;
    }
    printf("fault: %lu failures injected over %u exports\n", (unsigned long)total,
           (unsigned int)fallible_count);
}

/* ---- Threads that cannot be created ---------------------------------------- */

struct tally
{
    volatile LONG count;
    LONG target;
    HANDLE done;
};

static void WINAPI tally_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct tally *tally = context;

    if (InterlockedIncrement(&tally->count) == tally->target)
        SetEvent(tally->done);
}

/* With no thread to be had, the pool runs everything on the one it has and
 * reports the failure where Windows does. */
static void test_runs_with_the_threads_it_has(void **state)
{
    struct tally tally = { 0, 100, NULL };
    struct tpool_fault_counts before, after;
    TP_CALLBACK_ENVIRON env;
    PTP_POOL pool;
    PTP_WORK work;
    int i;

    tally.done = CreateEventA(NULL, TRUE, FALSE, NULL);
    assert_non_null(tally.done);
    pool = CreateThreadpool(NULL);
    assert_non_null(pool);
    assert_true(SetThreadpoolThreadMinimum(pool, 1));
    env_with_pool(&env, pool);
    work = CreateThreadpoolWork(tally_work, &tally, &env);
    assert_non_null(work);

    fault_counts(&before);
    tpool_fault_inject(TPOOL_FAULT_THREAD | TPOOL_FAULT_STICKY, 1);
    SetLastError(0xdeadbeef);
    assert_false(SetThreadpoolThreadMinimum(pool, 4));
    assert_int_equal(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
    for (i = 0; i < tally.target; i++)
        SubmitThreadpoolWork(work);
    assert_signaled(tally.done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    fault_counts(&after);
    tpool_fault_inject(TPOOL_FAULT_THREAD, 0);
    assert_int_equal(after.thread_starts, before.thread_starts);
    assert_true(after.injected > before.injected);

    assert_true(SetThreadpoolThreadMinimum(pool, 4));
    CloseThreadpoolWork(work);
    CloseThreadpool(pool);
    CloseHandle(tally.done);
}

/* ---- Exports that cannot fail ------------------------------------------------ */

struct actions
{
    HANDLE event;
    HANDLE semaphore;
    HANDLE mutex;
    CRITICAL_SECTION critical_section;
    HANDLE ran;
};

static void WINAPI actions_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct actions *actions = context;

    assert_int_equal(WaitForSingleObject(actions->mutex, TEST_TIMEOUT), WAIT_OBJECT_0);
    EnterCriticalSection(&actions->critical_section);
    SetEventWhenCallbackReturns(instance, actions->event);
    ReleaseSemaphoreWhenCallbackReturns(instance, actions->semaphore, 1);
    ReleaseMutexWhenCallbackReturns(instance, actions->mutex);
    LeaveCriticalSectionWhenCallbackReturns(instance, &actions->critical_section);
    DisassociateCurrentThreadFromCallback(instance);
    SetEvent(actions->ran);
}

static void WINAPI count_timer(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    SetEvent(context);
}

static void WINAPI count_wait(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                              TP_WAIT_RESULT result)
{
    SetEvent(context);
}

/* Any allocation now fails and is counted: none may be attempted. */
static void forbid_allocations(struct tpool_fault_counts *before)
{
    fault_counts(before);
    tpool_fault_inject(TPOOL_FAULT_ALLOCATION | TPOOL_FAULT_STICKY, 1);
}

static void assert_no_allocation(const struct tpool_fault_counts *before, const char *what)
{
    struct tpool_fault_counts after;

    fault_counts(&after);
    tpool_fault_inject(TPOOL_FAULT_ALLOCATION, 0);
    if (after.allocations != before->allocations || after.injected != before->injected)
        fail_msg("%s allocated (%lu allocations, %lu attempts failed)", what,
                 (unsigned long)(after.allocations - before->allocations),
                 (unsigned long)(after.injected - before->injected));
}

static void test_infallible_exports_do_not_allocate(void **state)
{
    struct tpool_fault_counts before;
    struct actions actions;
    HANDLE fired, signal;
    FILETIME due;
    struct subject s;
    PTP_WORK work;
    PTP_TIMER timer;
    PTP_WAIT wait;
    PTP_IO io;
    int i;

    subject_setup(&s);
    actions.event = CreateEventA(NULL, TRUE, FALSE, NULL);
    actions.semaphore = CreateSemaphoreA(NULL, 0, 1000, NULL);
    actions.mutex = CreateMutexA(NULL, FALSE, NULL);
    actions.ran = CreateEventA(NULL, FALSE, FALSE, NULL);
    InitializeCriticalSection(&actions.critical_section);
    fired = CreateEventA(NULL, FALSE, FALSE, NULL);
    signal = CreateEventA(NULL, FALSE, FALSE, NULL);
    assert_non_null(fired);
    assert_non_null(signal);
    work = CreateThreadpoolWork(actions_work, &actions, &s.env);
    timer = CreateThreadpoolTimer(count_timer, fired, &s.env);
    wait = CreateThreadpoolWait(count_wait, fired, &s.env);
    io = CreateThreadpoolIo(s.file, io_callback, NULL, &s.env);
    assert_non_null(work);
    assert_non_null(timer);
    assert_non_null(wait);
    assert_non_null(io);
    /* workers started and parked: starting one allocates nothing either,
     * but keep the first callbacks' one-time work out of the count */
    assert_true(SetThreadpoolThreadMinimum(s.pool, 2));
    SubmitThreadpoolWork(work);
    assert_signaled(actions.ran);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_signaled(actions.semaphore);

    forbid_allocations(&before);
    SetThreadpoolThreadMaximum(s.pool, 8);
    for (i = 0; i < 100; i++)
        SubmitThreadpoolWork(work);
    WaitForThreadpoolWorkCallbacks(work, TRUE);
    SubmitThreadpoolWork(work);
    assert_signaled(actions.ran);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_no_allocation(&before, "SubmitThreadpoolWork / WaitForThreadpoolWorkCallbacks / actions");

    forbid_allocations(&before);
    due = relative_ms(1);
    SetThreadpoolTimer(timer, &due, 0, 0);
    assert_signaled(fired);
    due = relative_ms(3600 * 1000);
    SetThreadpoolTimer(timer, &due, 1000, 10);
    assert_true(IsThreadpoolTimerSet(timer));
    assert_true(SetThreadpoolTimerEx(timer, NULL, 0, 0));
    WaitForThreadpoolTimerCallbacks(timer, TRUE);
    assert_no_allocation(&before, "SetThreadpoolTimer(Ex) / IsThreadpoolTimerSet / WaitFor");

    forbid_allocations(&before);
    SetThreadpoolWait(wait, signal, NULL);
    SetEvent(signal);
    assert_signaled(fired);
    SetThreadpoolWait(wait, signal, NULL);
    assert_true(SetThreadpoolWaitEx(wait, NULL, NULL, NULL));
    WaitForThreadpoolWaitCallbacks(wait, TRUE);
    assert_no_allocation(&before, "SetThreadpoolWait(Ex) / WaitForThreadpoolWaitCallbacks");

    forbid_allocations(&before);
    for (i = 0; i < 10; i++)
        StartThreadpoolIo(io);
    for (i = 0; i < 10; i++)
        CancelThreadpoolIo(io);
    WaitForThreadpoolIoCallbacks(io, TRUE);
    assert_no_allocation(&before, "StartThreadpoolIo / CancelThreadpoolIo / WaitFor");

    forbid_allocations(&before);
    CloseThreadpoolIo(io);
    CloseThreadpoolWait(wait);
    CloseThreadpoolTimer(timer);
    CloseThreadpoolWork(work);
    assert_no_allocation(&before, "CloseThreadpool*");

    CloseHandle(fired);
    CloseHandle(signal);
    CloseHandle(actions.event);
    CloseHandle(actions.semaphore);
    CloseHandle(actions.mutex);
    CloseHandle(actions.ran);
    DeleteCriticalSection(&actions.critical_section);
    subject_teardown(&s);
}

/* A pool keeps the memory of the simple callbacks that ran for the next
 * ones: taking it again fails by injection as an allocation does, and the
 * kept memory is neither leaked nor counted as alive. */
static void test_simple_callback_memory_kept(void **state)
{
    struct subject s;
    LONG baseline;
    int i;

    subject_setup(&s);
    baseline = live_allocations();
    assert_int_equal(try_submit_callback(&s), 0);
    assert_signaled(s.ran);
    assert_no_leak(baseline);   /* the memory is kept once the callback is done */
    for (i = 0; i < 3; i++)
    {
        tpool_fault_inject(TPOOL_FAULT_ALLOCATION, 1);
        SetLastError(0xdeadbeef);
        assert_false(TrySubmitThreadpoolCallback(simple_callback, &s, &s.env));
        assert_int_equal(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
        tpool_fault_inject(TPOOL_FAULT_ALLOCATION, 0);
        assert_int_equal(try_submit_callback(&s), 0);
        assert_signaled(s.ran);
        assert_no_leak(baseline);
    }
    subject_teardown(&s);
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_fallible_exports),
        cmocka_unit_test(test_runs_with_the_threads_it_has),
        cmocka_unit_test(test_infallible_exports_do_not_allocate),
        cmocka_unit_test(test_simple_callback_memory_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
