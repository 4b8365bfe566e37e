/*
 * The legacy pool: QueueUserWorkItem and BindIoCompletionCallback, with
 * their Rtl* twins (registered waits are in test_legacy_wait.c, timer
 * queues in test_legacy_timer.c).  Modelled on Wine's kernel32 tests
 * (thread.c test_QueueUserWorkItem, sync.c test_BindIoCompletionCallback).
 *
 * Callbacks record what they see; the main thread asserts.
 */

#include "test_legacy.h"

#ifndef _WIN32
#include <ntstatus.h>
#include "tpool.h"
#endif

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
    assert_status(RtlQueueWorkItem(tally_rtl_work, &tally, WT_EXECUTEDEFAULT), 0);
    assert_status(RtlQueueWorkItem(tally_rtl_work, &tally, WT_EXECUTELONGFUNCTION), 0);
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
    check.done = test_event(TRUE, FALSE);
    check.apc_ran = test_event(TRUE, FALSE);
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
    run.all_started = test_event(TRUE, FALSE);
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
        io_record.called = test_event(FALSE, FALSE);
    io_record.count = 0;
    io_record.error = 0xdeadbeef;
    io_record.bytes = 0;
    io_record.overlapped = NULL;
}

static NTSTATUS rtl_bind(HANDLE file)
{
    return RtlSetIoCompletionCallback(file, (PRTL_OVERLAPPED_COMPLETION_ROUTINE)record_completion, 0);
}

static void assert_bind_fails(HANDLE handle, LPOVERLAPPED_COMPLETION_ROUTINE routine, ULONG flags,
                              DWORD error)
{
    SetLastError(0xdeadbeef);
    assert_false(BindIoCompletionCallback(handle, routine, flags));
    assert_int_equal(GetLastError(), error);
}

#ifdef _WIN32

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
    return test_event(FALSE, FALSE);
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
    assert_status(rtl_bind(file), 0);
    assert_status(rtl_bind(file), STATUS_INVALID_PARAMETER);
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
    assert_status(rtl_bind(file), 0);
    assert_true(tpool_complete_io(file, &ovl, STATUS_END_OF_FILE, 0));
    assert_signaled(io_record.called);
    assert_int_equal(io_record.error, ERROR_HANDLE_EOF);
    /* natively the value usually comes back at once */
    CloseHandle(file);
    reused = bindable_handle();
    assert_status(rtl_bind(reused), 0);
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
        cmocka_unit_test(test_bind_io),
        cmocka_unit_test(test_bind_io_errors),
        cmocka_unit_test(test_bind_io_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
