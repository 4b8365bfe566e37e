/*
 * The legacy pool: QueueUserWorkItem, registered waits and
 * BindIoCompletionCallback, with their Rtl* twins (timer queues are in
 * test_legacy_timer.c).  Modelled on Wine's kernel32 tests (thread.c
 * test_QueueUserWorkItem and test_RegisterWaitForSingleObject, sync.c
 * test_BindIoCompletionCallback) and ntdll's test_RtlRegisterWait,
 * including UnregisterWait from a wait's own callback, where Windows
 * succeeds and Wine reports ERROR_IO_PENDING.
 *
 * Callbacks record what they see; the main thread asserts.
 */

#include "test_util.h"
#include "tpoolnt.h"

#ifndef _WIN32
#include <ntstatus.h>
#include "tpool.h"
#endif

/* ---- Helpers ------------------------------------------------------------ */

static HANDLE event_create(BOOL manual)
{
    HANDLE event = CreateEventA(NULL, manual, FALSE, NULL);
    assert_non_null(event);
    return event;
}

/* Counts callbacks and sets `done` at the target. */
struct tally
{
    volatile LONG count;
    volatile LONG fired;         /* TimerOrWaitFired was TRUE */
    volatile LONG wrong_context;
    volatile LONG after_delete;  /* callbacks after a delete that waited */
    volatile LONG deleted;
    LONG target;
    DWORD thread;                /* of the last callback */
    HANDLE done;
};

static void tally_init(struct tally *tally, LONG target)
{
    memset(tally, 0, sizeof(*tally));
    tally->target = target;
    tally->done = event_create(TRUE);
}

static void tally_hit(struct tally *tally, BOOLEAN fired)
{
    if (tally->deleted)
        InterlockedIncrement(&tally->after_delete);
    if (fired)
        InterlockedIncrement(&tally->fired);
    tally->thread = GetCurrentThreadId();
    if (InterlockedIncrement(&tally->count) == tally->target)
        SetEvent(tally->done);
}

static void CALLBACK tally_wait(void *context, BOOLEAN fired)
{
    tally_hit(context, fired);
}

/* A callback that stays inside until released, to have one outstanding. */
struct blocker
{
    HANDLE entered;
    HANDLE release;
    HANDLE left;                 /* set last: the blocker may go once it is */
    volatile LONG finished;
    volatile LONG unregister_result;
    volatile LONG unregister_error;
    HANDLE wait;
};

static void blocker_init(struct blocker *blocker)
{
    memset(blocker, 0, sizeof(*blocker));
    blocker->entered = event_create(TRUE);
    blocker->release = event_create(TRUE);
    blocker->left = event_create(TRUE);
}

static void blocker_free(struct blocker *blocker)
{
    CloseHandle(blocker->entered);
    CloseHandle(blocker->release);
    CloseHandle(blocker->left);
}

static void CALLBACK blocker_wait(void *context, BOOLEAN fired)
{
    struct blocker *blocker = context;

    SetEvent(blocker->entered);
    WaitForSingleObject(blocker->release, TEST_TIMEOUT);
    InterlockedIncrement(&blocker->finished);
    SetEvent(blocker->left);
}

static DWORD WINAPI release_later(void *context)
{
    Sleep(50);
    SetEvent(((struct blocker *)context)->release);
    return 0;
}

#ifdef _WIN32
static void CALLBACK apc_set_event(ULONG_PTR event)
{
    SetEvent((HANDLE)event);
}
#endif

/* Queues an APC to the calling thread that sets `event`: it runs only if
 * the thread waits alertably after the callback.  Natively there are no
 * APCs: the event is set at once. */
static void apc_to_this_thread(HANDLE event)
{
#ifdef _WIN32
    if (!QueueUserAPC(apc_set_event, GetCurrentThread(), (ULONG_PTR)event))
        return;
#else
    SetEvent(event);
#endif
}

/* ---- QueueUserWorkItem ----------------------------------------------------- */

static DWORD WINAPI tally_work(void *context)
{
    tally_hit(context, FALSE);
    return 0;
}

static void test_work_items_run(void **state)
{
    static const ULONG flags[] =
    {
        WT_EXECUTEDEFAULT, WT_EXECUTEINIOTHREAD, WT_EXECUTELONGFUNCTION, WT_TRANSFER_IMPERSONATION,
        WT_EXECUTEINPERSISTENTTHREAD,
    };
    struct tally tally;
    unsigned int i;
    int j;

    for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
    {
        tally_init(&tally, 20);
        for (j = 0; j < 20; j++)
            assert_true(QueueUserWorkItem(tally_work, &tally, flags[i]));
        assert_signaled(tally.done);
        assert_int_equal(tally.count, 20);
        assert_int_not_equal(tally.thread, GetCurrentThreadId());
        CloseHandle(tally.done);
    }
}

static void CALLBACK tally_rtl_work(void *context)
{
    tally_hit(context, FALSE);
}

static void test_rtl_queue_work_item(void **state)
{
    struct tally tally;

    tally_init(&tally, 2);
    assert_int_equal(RtlQueueWorkItem(tally_rtl_work, &tally, WT_EXECUTEDEFAULT), 0);
    assert_int_equal(RtlQueueWorkItem(tally_rtl_work, &tally, WT_EXECUTELONGFUNCTION), 0);
    assert_signaled(tally.done);
    CloseHandle(tally.done);
}

struct persistent_check
{
    DWORD threads[4];
    volatile LONG count;
    HANDLE done;
    HANDLE apc_ran;
};

static DWORD WINAPI persistent_work(void *context)
{
    struct persistent_check *check = context;
    LONG index = InterlockedIncrement(&check->count) - 1;

    check->threads[index] = GetCurrentThreadId();
    if (index == 3)
    {
        apc_to_this_thread(check->apc_ran);
        SetEvent(check->done);
    }
    return 0;
}

/* One thread runs them all, and it waits alertably between callbacks. */
static void test_work_items_persistent(void **state)
{
    struct persistent_check check;
    int i;

    memset(&check, 0, sizeof(check));
    check.done = event_create(TRUE);
    check.apc_ran = event_create(TRUE);
    for (i = 0; i < 4; i++)
        assert_true(QueueUserWorkItem(persistent_work, &check, WT_EXECUTEINPERSISTENTTHREAD));
    assert_signaled(check.done);
    for (i = 1; i < 4; i++)
        assert_int_equal(check.threads[i], check.threads[0]);
    assert_signaled(check.apc_ran);
    CloseHandle(check.done);
    CloseHandle(check.apc_ran);
}

#define LONG_FUNCTIONS 24

struct long_functions
{
    volatile LONG started;
    volatile LONG all_started_seen;
    HANDLE all_started;
    struct tally finished;
};

static DWORD WINAPI long_function(void *context)
{
    struct long_functions *run = context;

    if (InterlockedIncrement(&run->started) == LONG_FUNCTIONS)
        SetEvent(run->all_started);
    if (WaitForSingleObject(run->all_started, TEST_TIMEOUT) == WAIT_OBJECT_0)
        InterlockedIncrement(&run->all_started_seen);
    tally_hit(&run->finished, FALSE);
    return 0;
}

/* Long functions each get a thread: all of them block at once. */
static void test_long_functions_all_start(void **state)
{
    struct long_functions run;
    int i;

    memset(&run, 0, sizeof(run));
    run.all_started = event_create(TRUE);
    tally_init(&run.finished, LONG_FUNCTIONS);
    for (i = 0; i < LONG_FUNCTIONS; i++)
        assert_true(QueueUserWorkItem(long_function, &run, WT_EXECUTELONGFUNCTION));
    assert_signaled(run.finished.done);
    assert_int_equal(run.all_started_seen, LONG_FUNCTIONS);
    CloseHandle(run.all_started);
    CloseHandle(run.finished.done);
}

static void test_max_threads_flag(void **state)
{
    ULONG flags = WT_EXECUTEDEFAULT;
    struct tally tally;

    tally_init(&tally, 1);
    WT_SET_MAX_THREADPOOL_THREADS(flags, 8);
    assert_true(QueueUserWorkItem(tally_work, &tally, flags));
    assert_signaled(tally.done);
    /* back to the default pool's usual maximum */
    flags = WT_EXECUTEDEFAULT;
    WT_SET_MAX_THREADPOOL_THREADS(flags, 500);
    ResetEvent(tally.done);
    tally.target = 2;
    assert_true(QueueUserWorkItem(tally_work, &tally, flags));
    assert_signaled(tally.done);
    CloseHandle(tally.done);
}

#ifdef _WIN32
static DWORD WINAPI impersonation_work(void *context)
{
    struct tally *tally = context;
    HANDLE token;

    /* a thread has a token of its own only while it impersonates */
    if (OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &token))
    {
        InterlockedIncrement(&tally->fired);
        CloseHandle(token);
    }
    tally_hit(tally, FALSE);
    return 0;
}

static void test_transfer_impersonation(void **state)
{
    struct tally with, without;

    tally_init(&with, 1);
    tally_init(&without, 1);
    assert_true(ImpersonateSelf(SecurityImpersonation));
    assert_true(QueueUserWorkItem(impersonation_work, &with, WT_TRANSFER_IMPERSONATION));
    assert_true(QueueUserWorkItem(impersonation_work, &without, WT_EXECUTEDEFAULT));
    assert_true(RevertToSelf());
    assert_signaled(with.done);
    assert_signaled(without.done);
    assert_int_equal(with.fired, 1);
    assert_int_equal(without.fired, 0);
    CloseHandle(with.done);
    CloseHandle(without.done);
}
#endif

/* ---- Registered waits ------------------------------------------------------ */

static void unregister_blocking(HANDLE wait)
{
    assert_true(UnregisterWaitEx(wait, INVALID_HANDLE_VALUE));
}

static void test_wait_signal_once(void **state)
{
    HANDLE event = event_create(FALSE), wait = NULL;
    struct tally tally;

    tally_init(&tally, 1);
    assert_true(RegisterWaitForSingleObject(&wait, event, tally_wait, &tally, INFINITE,
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
    HANDLE event = event_create(FALSE), wait;
    struct tally tally;

    tally_init(&tally, 1);
    assert_true(RegisterWaitForSingleObject(&wait, event, tally_wait, &tally, 10, WT_EXECUTEONLYONCE));
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
    HANDLE event = event_create(FALSE), wait;
    struct tally tally;

    tally_init(&tally, 1);
    assert_true(RegisterWaitForSingleObject(&wait, event, tally_wait, &tally, 0, WT_EXECUTEONLYONCE));
    assert_signaled(tally.done);
    assert_int_equal(tally.fired, 1);
    unregister_blocking(wait);

    ResetEvent(tally.done);
    tally.target = 2;
    SetEvent(event);
    assert_true(RegisterWaitForSingleObject(&wait, event, tally_wait, &tally, 0, WT_EXECUTEONLYONCE));
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
    HANDLE event = event_create(FALSE), called = event_create(FALSE), wait;
    struct tally tally;
    int i;

    tally_init(&tally, -1);
    CloseHandle(tally.done);
    tally.done = called;
    assert_true(RegisterWaitForSingleObject(&wait, event, tally_wait, &tally, INFINITE, 0));
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
    HANDLE event = event_create(FALSE), wait;
    struct tally tally;

    tally_init(&tally, 3);
    assert_true(RegisterWaitForSingleObject(&wait, event, tally_wait, &tally, 5, 0));
    assert_signaled(tally.done);
    unregister_blocking(wait);
    tally.deleted = TRUE;
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
    assert_true(RegisterWaitForSingleObject(&wait, semaphore, tally_wait, &tally, INFINITE, 0));
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
    HANDLE first_event = event_create(FALSE), first, second;
    const ULONG flags = WT_EXECUTEONLYONCE | WT_EXECUTEINWAITTHREAD;

    memset(&check, 0, sizeof(check));
    check.second_event = event_create(FALSE);
    check.second_done = event_create(TRUE);
    check.first_done = event_create(TRUE);
    check.apc_ran = event_create(TRUE);
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
    HANDLE event = event_create(FALSE), wait;
    struct apc_check check;

    check.callback_done = event_create(TRUE);
    check.apc_ran = event_create(TRUE);
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
    HANDLE event = event_create(FALSE);
    struct self_unregister self;
    unsigned int i;
    int j;

    memset(&self, 0, sizeof(self));
    self.done = event_create(FALSE);
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
    self.completion = event_create(TRUE);
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
    struct blocker *blocker = context;

    blocker->unregister_result = UnregisterWaitEx(blocker->wait, INVALID_HANDLE_VALUE);
    SetEvent(blocker->entered);
}

/* A blocking unregister from the wait's own callback waits for the other
 * callbacks only, where Windows documents a deadlock. */
static void test_unregister_blocking_in_own_callback(void **state)
{
    HANDLE event = event_create(FALSE);
    struct blocker blocker;

    blocker_init(&blocker);
    assert_true(RegisterWaitForSingleObject(&blocker.wait, event, unregister_self_blocking, &blocker,
                                            INFINITE, WT_EXECUTEONLYONCE));
    SetEvent(event);
    assert_signaled(blocker.entered);
    assert_true(blocker.unregister_result);
    blocker_free(&blocker);
    CloseHandle(event);
}

static HANDLE register_blocker(struct blocker *blocker, HANDLE event)
{
    HANDLE wait;

    assert_true(RegisterWaitForSingleObject(&wait, event, blocker_wait, blocker, INFINITE,
                                            WT_EXECUTEONLYONCE));
    SetEvent(event);
    assert_signaled(blocker->entered);
    return wait;
}

/* INVALID_HANDLE_VALUE: returns once the running callback has returned. */
static void test_unregister_blocking(void **state)
{
    HANDLE event = event_create(FALSE), wait;
    struct blocker blocker;
    test_thread thread;

    blocker_init(&blocker);
    wait = register_blocker(&blocker, event);
    thread = test_thread_start(release_later, &blocker);
    assert_true(UnregisterWaitEx(wait, INVALID_HANDLE_VALUE));
    assert_int_equal(blocker.finished, 1);
    test_thread_join(thread);
    blocker_free(&blocker);
    CloseHandle(event);
}

/* An event: ERROR_IO_PENDING while the callback runs, the event set after. */
static void test_unregister_with_event(void **state)
{
    HANDLE event = event_create(FALSE), completion = event_create(TRUE), wait;
    struct blocker blocker;

    blocker_init(&blocker);
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
    assert_true(RegisterWaitForSingleObject(&wait, event, tally_wait, NULL, INFINITE, 0));
    assert_true(UnregisterWaitEx(wait, completion));
    assert_signaled(completion);
    blocker_free(&blocker);
    CloseHandle(completion);
    CloseHandle(event);
}

/* NULL: returns at once; ERROR_IO_PENDING while the callback runs. */
static void test_unregister_without_event(void **state)
{
    HANDLE event = event_create(FALSE), wait;
    struct blocker blocker;

    blocker_init(&blocker);
    wait = register_blocker(&blocker, event);
    SetLastError(0xdeadbeef);
    assert_false(UnregisterWait(wait));
    assert_int_equal(GetLastError(), ERROR_IO_PENDING);
    SetEvent(blocker.release);
    assert_signaled(blocker.left);

    assert_true(RegisterWaitForSingleObject(&wait, event, tally_wait, NULL, INFINITE, 0));
    assert_true(UnregisterWait(wait));
    SetLastError(0xdeadbeef);
    assert_false(UnregisterWait(NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    blocker_free(&blocker);
    CloseHandle(event);
}

static void test_register_wait_ex(void **state)
{
    HANDLE event = event_create(FALSE), wait;
    struct tally tally;

    tally_init(&tally, 1);
    wait = RegisterWaitForSingleObjectEx(event, tally_wait, &tally, INFINITE, WT_EXECUTEONLYONCE);
    assert_non_null(wait);
    SetEvent(event);
    assert_signaled(tally.done);
    unregister_blocking(wait);
    SetLastError(0xdeadbeef);
    assert_null(RegisterWaitForSingleObjectEx(NULL, tally_wait, &tally, INFINITE, 0));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    CloseHandle(event);
    CloseHandle(tally.done);
}

static void test_rtl_register_wait(void **state)
{
    HANDLE event = event_create(FALSE), completion = event_create(TRUE), wait;
    struct blocker blocker;
    struct tally tally;

    tally_init(&tally, 1);
    assert_int_equal(RtlRegisterWait(&wait, event, tally_wait, &tally, INFINITE, WT_EXECUTEONLYONCE), 0);
    SetEvent(event);
    assert_signaled(tally.done);
    assert_int_equal(RtlDeregisterWaitEx(wait, INVALID_HANDLE_VALUE), 0);
    assert_int_equal(RtlDeregisterWait(NULL), STATUS_INVALID_HANDLE);

    blocker_init(&blocker);
    assert_int_equal(RtlRegisterWait(&wait, event, blocker_wait, &blocker, INFINITE, 0), 0);
    SetEvent(event);
    assert_signaled(blocker.entered);
    assert_int_equal(RtlDeregisterWaitEx(wait, completion), STATUS_PENDING);
    SetEvent(blocker.release);
    assert_signaled(completion);

    assert_int_equal(RtlRegisterWait(&wait, event, tally_wait, &tally, INFINITE, 0), 0);
    assert_int_equal(RtlDeregisterWait(wait), 0);
    blocker_free(&blocker);
    CloseHandle(completion);
    CloseHandle(event);
    CloseHandle(tally.done);
}

/* ---- BindIoCompletionCallback ------------------------------------------- */

struct io_record
{
    volatile LONG count;
    DWORD error;
    DWORD bytes;
    OVERLAPPED *overlapped;
    HANDLE called;
};

static struct io_record io_record;

static void WINAPI record_completion(DWORD error, DWORD bytes, OVERLAPPED *overlapped)
{
    io_record.error = error;
    io_record.bytes = bytes;
    io_record.overlapped = overlapped;
    InterlockedIncrement(&io_record.count);
    SetEvent(io_record.called);
}

static void WINAPI other_completion(DWORD error, DWORD bytes, OVERLAPPED *overlapped)
{
}

static void io_record_reset(void)
{
    if (!io_record.called)
        io_record.called = event_create(FALSE);
    io_record.count = 0;
    io_record.error = 0xdeadbeef;
    io_record.bytes = 0;
    io_record.overlapped = NULL;
}

static void assert_bind_fails(HANDLE handle, LPOVERLAPPED_COMPLETION_ROUTINE routine, ULONG flags,
                              DWORD error)
{
    SetLastError(0xdeadbeef);
    assert_false(BindIoCompletionCallback(handle, routine, flags));
    assert_int_equal(GetLastError(), error);
}

#ifdef _WIN32

static HANDLE temp_file_open(DWORD flags)
{
    char dir[MAX_PATH], path[MAX_PATH];
    HANDLE file;

    assert_true(GetTempPathA(sizeof(dir), dir) != 0);
    assert_true(GetTempFileNameA(dir, "tpl", 0, path) != 0);
    file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                       flags | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    return file;
}

/* Writes 4 bytes; the completion goes to the bound routine. */
static void complete_operation(HANDLE file, OVERLAPPED *ovl)
{
    memset(ovl, 0, sizeof(*ovl));
    if (!WriteFile(file, "abcd", 4, NULL, ovl))
        assert_int_equal(GetLastError(), ERROR_IO_PENDING);
    assert_signaled(io_record.called);
    assert_int_equal(io_record.error, ERROR_SUCCESS);
    assert_int_equal(io_record.bytes, 4);
    assert_ptr_equal(io_record.overlapped, ovl);
}

static HANDLE bindable_handle(void)
{
    return temp_file_open(FILE_FLAG_OVERLAPPED);
}

#else

/* Natively any handle can be bound; operations complete through
 * tpool_complete_io. */
static void complete_operation(HANDLE file, OVERLAPPED *ovl)
{
    memset(ovl, 0, sizeof(*ovl));
    assert_true(tpool_complete_io(file, ovl, STATUS_SUCCESS, 4));
    assert_signaled(io_record.called);
    assert_int_equal(io_record.error, ERROR_SUCCESS);
    assert_int_equal(io_record.bytes, 4);
    assert_ptr_equal(io_record.overlapped, ovl);
}

static HANDLE bindable_handle(void)
{
    return event_create(FALSE);
}

#endif

static void test_bind_io(void **state)
{
    HANDLE file = bindable_handle(), other = bindable_handle();
    OVERLAPPED ovl[2];

    io_record_reset();
    assert_true(BindIoCompletionCallback(file, record_completion, 0));
    complete_operation(file, &ovl[0]);
    /* a second handle with the same routine */
    assert_true(BindIoCompletionCallback(other, record_completion, 0));
    complete_operation(other, &ovl[1]);
    complete_operation(file, &ovl[0]);
    assert_int_equal(io_record.count, 3);

    /* bound for the handle's lifetime: no rebinding, not even to NULL */
    assert_bind_fails(file, record_completion, 0, ERROR_INVALID_PARAMETER);
    assert_bind_fails(file, other_completion, 0, ERROR_INVALID_PARAMETER);
    assert_bind_fails(file, NULL, 0, ERROR_INVALID_PARAMETER);
    CloseHandle(file);
    CloseHandle(other);
}

static void test_bind_io_errors(void **state)
{
    HANDLE file = bindable_handle();

    assert_bind_fails(file, record_completion, 12345, ERROR_INVALID_PARAMETER);
    assert_bind_fails(file, NULL, 0, ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    assert_false(BindIoCompletionCallback(NULL, record_completion, 0));
    assert_true(GetLastError() == ERROR_INVALID_HANDLE || GetLastError() == ERROR_INVALID_PARAMETER);
    CloseHandle(file);
#ifdef _WIN32
    file = temp_file_open(0);
    assert_bind_fails(file, record_completion, 0, ERROR_INVALID_PARAMETER);
    CloseHandle(file);
#endif
}

/* The routine gets a Win32 error; natively, a closed handle's value can be
 * bound again once it names a new object. */
static void test_bind_io_status(void **state)
{
    OVERLAPPED ovl;
#ifdef _WIN32
    HANDLE file = bindable_handle();
    char buffer[4];

    io_record_reset();
    assert_int_equal(RtlSetIoCompletionCallback(file, (PRTL_OVERLAPPED_COMPLETION_ROUTINE)record_completion, 0),
                     0);
    assert_int_equal(RtlSetIoCompletionCallback(file, (PRTL_OVERLAPPED_COMPLETION_ROUTINE)record_completion, 0),
                     STATUS_INVALID_PARAMETER);
    memset(&ovl, 0, sizeof(ovl));
    ovl.Offset = 1 << 20;
    /* past the end: fails at once (no completion) or completes with EOF */
    if (!ReadFile(file, buffer, sizeof(buffer), NULL, &ovl) && GetLastError() == ERROR_IO_PENDING)
    {
        assert_signaled(io_record.called);
        assert_int_equal(io_record.error, ERROR_HANDLE_EOF);
    }
    CloseHandle(file);
#else
    HANDLE file = bindable_handle(), reused;

    io_record_reset();
    assert_int_equal(RtlSetIoCompletionCallback(file, (PRTL_OVERLAPPED_COMPLETION_ROUTINE)record_completion, 0),
                     0);
    assert_true(tpool_complete_io(file, &ovl, STATUS_END_OF_FILE, 0));
    assert_signaled(io_record.called);
    assert_int_equal(io_record.error, ERROR_HANDLE_EOF);
    /* natively the value usually comes back at once */
    CloseHandle(file);
    reused = bindable_handle();
    assert_int_equal(RtlSetIoCompletionCallback(reused, (PRTL_OVERLAPPED_COMPLETION_ROUTINE)record_completion, 0),
                     0);
    CloseHandle(reused);
#endif
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_work_items_run),
        cmocka_unit_test(test_rtl_queue_work_item),
        cmocka_unit_test(test_work_items_persistent),
        cmocka_unit_test(test_long_functions_all_start),
        cmocka_unit_test(test_max_threads_flag),
#ifdef _WIN32
        cmocka_unit_test(test_transfer_impersonation),
#endif
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
        cmocka_unit_test(test_bind_io),
        cmocka_unit_test(test_bind_io_errors),
        cmocka_unit_test(test_bind_io_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
