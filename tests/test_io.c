/*
 * I/O completion objects: start / cancel / wait / close accounting, the
 * callback's parameters and results, many operations in flight.
 *
 * Under Windows (Wine) the operations are real overlapped I/O on a named
 * pipe and on a temporary file.  Natively there is no overlapped I/O yet:
 * the "file" is an event handle, and an operation completes when the test
 * reports it with tpool_complete_io.  The target_* functions
 * (io_fixture.c) are the only difference; the assertions are shared.
 */

#include "test_io.h"

#include <stdio.h>
#include <string.h>

#ifndef _WIN32
#include <ntstatus.h>
#include "tpool.h"
#endif

/* ---- Tests on one target --------------------------------------------------- */

static void test_completion_runs_callback(void **state)
{
    struct fixture *fixture = *state;
    struct record *record = &fixture->record;
    struct op op;

    WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
    run_operation(fixture, &op);
    WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
    assert_int_equal(record->count, 1);
    assert_non_null(record->instance);
    assert_ptr_equal(record->io, fixture->io);
    assert_ptr_equal(record->overlapped, &op.ovl);
    assert_int_equal(record->result, ERROR_SUCCESS);
    assert_int_equal(record->bytes, 1);
}

static void test_two_in_flight(void **state)
{
    struct fixture *fixture = *state;
    struct op ops[2];

    record_track(&fixture->record, ops, 2, 1);
    StartThreadpoolIo(fixture->io);
    StartThreadpoolIo(fixture->io);
    target_begin(&fixture->target, &ops[0]);
    target_begin(&fixture->target, &ops[1]);
    target_finish(&fixture->target, &ops[0]);
    target_finish(&fixture->target, &ops[1]);
    WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
    assert_all_seen_once(&fixture->record);
}

struct waiter
{
    PTP_IO io;
    struct record *record;
    HANDLE waiting;
    LONG count_at_return;
};

static DWORD WINAPI wait_thread(void *arg)
{
    struct waiter *waiter = arg;

    SetEvent(waiter->waiting);
    WaitForThreadpoolIoCallbacks(waiter->io, FALSE);
    waiter->count_at_return = waiter->record->count;
    return 0;
}

/* A thread blocked in WaitForThreadpoolIoCallbacks(FALSE). */
static test_thread waiter_start(struct waiter *waiter, struct fixture *fixture)
{
    test_thread thread;

    waiter->io = fixture->io;
    waiter->record = &fixture->record;
    waiter->count_at_return = -1;
    waiter->waiting = CreateEventA(NULL, TRUE, FALSE, NULL);
    thread = test_thread_start(wait_thread, waiter);
    assert_signaled(waiter->waiting);
    CloseHandle(waiter->waiting);
    /* a window for a wait that wrongly returns early to be caught */
    Sleep(50);
    return thread;
}

static void test_wait_for_started_operation(void **state)
{
    struct fixture *fixture = *state;
    struct waiter waiter;
    test_thread thread;
    struct op op;

    StartThreadpoolIo(fixture->io);
    thread = waiter_start(&waiter, fixture);
    target_begin(&fixture->target, &op);
    target_finish(&fixture->target, &op);
    test_thread_join(thread);
    assert_int_equal(waiter.count_at_return, 1);
}

/* The operation's NTSTATUS reaches the callback as a Win32 error. */
static void test_failures_report_win32_errors(void **state)
{
    struct fixture *fixture = *state;
    struct op op;

    StartThreadpoolIo(fixture->io);
    target_begin(&fixture->target, &op);
    target_abort(&fixture->target, &op);
    WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
    assert_int_equal(fixture->record.count, 1);
    assert_ptr_equal(fixture->record.overlapped, &op.ovl);
    assert_int_equal(fixture->record.result, ERROR_OPERATION_ABORTED);
    assert_int_equal(fixture->record.bytes, 0);

    StartThreadpoolIo(fixture->io);
    target_begin(&fixture->target, &op);
    target_break(&fixture->target, &op);
    WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
    assert_int_equal(fixture->record.count, 2);
    assert_int_equal(fixture->record.result, ERROR_BROKEN_PIPE);
}

static void test_cancel_after_immediate_failure(void **state)
{
    struct fixture *fixture = *state;
    struct op op;

    StartThreadpoolIo(fixture->io);
    target_fail_now(&fixture->target, &op);
    CancelThreadpoolIo(fixture->io);
    WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
    assert_int_equal(fixture->record.count, 0);

    run_operation(fixture, &op);
    WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
    assert_int_equal(fixture->record.count, 1);
}

/* Wine's test: a cancelling wait gives the started operation up. */
static void test_cancelling_wait_skips_started(void **state)
{
    struct fixture *fixture = *state;
    struct op op;

    StartThreadpoolIo(fixture->io);
    WaitForThreadpoolIoCallbacks(fixture->io, TRUE);
    assert_int_equal(fixture->record.count, 0);

    run_operation(fixture, &op);
    WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
    assert_int_equal(fixture->record.count, 1);
}

/* Its completion, when it comes, gives no callback; a thread waiting
 * without cancel is released too. */
static void test_cancelling_wait_drops_completion(void **state)
{
    static struct op ops[2];  /* an ignored completion may come after the test */
    struct fixture *fixture = *state;
    struct waiter waiter;
    test_thread thread;

    StartThreadpoolIo(fixture->io);
    target_begin(&fixture->target, &ops[0]);
    thread = waiter_start(&waiter, fixture);
    WaitForThreadpoolIoCallbacks(fixture->io, TRUE);
    test_thread_join(thread);
    assert_int_equal(waiter.count_at_return, 0);
    target_finish(&fixture->target, &ops[0]);

    /* the skipped completion is taken for this operation's if it comes late */
    run_operation(fixture, &ops[1]);
    WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
    assert_int_equal(fixture->record.count, 1);
}

static void WINAPI block_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    WaitForSingleObject(context, TEST_TIMEOUT);
}

/* With the pool's only worker busy, a completion can only be queued or
 * still on its way: a cancelling wait drops it either way. */
static void test_cancelling_wait_drops_queued(void **state)
{
    static struct op op;  /* an ignored completion may come after the test */
    HANDLE release = CreateEventA(NULL, TRUE, FALSE, NULL);
    struct fixture *fixture;
    TP_CALLBACK_ENVIRON env;
    PTP_POOL pool;
    PTP_WORK work;

    pool = pool_in_env(&env);
    SetThreadpoolThreadMaximum(pool, 1);
    work = CreateThreadpoolWork(block_work, release, &env);
    SubmitThreadpoolWork(work);
    fixture = fixture_open(&env);

    run_operation(fixture, &op);
    WaitForThreadpoolIoCallbacks(fixture->io, TRUE);
    SetEvent(release);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
    assert_int_equal(fixture->record.count, 0);

    fixture_close(fixture);
    CloseThreadpoolWork(work);
    CloseThreadpool(pool);
    CloseHandle(release);
}

static void test_close_with_operation_in_flight(void **state)
{
    struct fixture *fixture;
    TP_CALLBACK_ENVIRON env;
    PTP_POOL pool;
    struct op op;
    PTP_IO io;

    pool = pool_in_env(&env);
    fixture = fixture_open(&env);
    io = fixture->io;
    StartThreadpoolIo(io);
    target_begin(&fixture->target, &op);
    CloseThreadpoolIo(io);
    fixture->io = NULL;
    CloseThreadpool(pool);

    target_finish(&fixture->target, &op);
    assert_signaled(fixture->record.called);
    assert_int_equal(fixture->record.count, 1);
    assert_ptr_equal(fixture->record.io, io);
    assert_ptr_equal(fixture->record.overlapped, &op.ovl);
    assert_int_equal(fixture->record.result, ERROR_SUCCESS);
    fixture_close(fixture);
}

/* Windows says memory corruption may result; tpool ignores it. */
#ifdef _WIN32
/* The ignored completion of an operation never started may still be on
 * its way when a test ends, and the I/O object must not be closed before
 * it came (Windows leaves that undefined; in tpool the object is gone and
 * the completion's key points at freed memory).  Completions reach the
 * pool's port in order: once an operation issued afterwards on another
 * object of the same pool has run its callback, the earlier ones came. */
static void wait_for_earlier_completions(TP_CALLBACK_ENVIRON *env)
{
    struct fixture *other = fixture_open(env);
    struct op op;

    run_operation(other, &op);
    WaitForThreadpoolIoCallbacks(other->io, FALSE);
    assert_int_equal(other->record.count, 1);
    fixture_close(other);
}
#endif

static void test_completion_without_start_ignored(void **state)
{
    static struct op ops[2];  /* an ignored completion may come after the test */
    struct fixture *fixture = *state;

    target_begin(&fixture->target, &ops[0]);
    target_finish(&fixture->target, &ops[0]);
    run_operation(fixture, &ops[1]);
    WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
    assert_int_equal(fixture->record.count, 1);
#ifdef _WIN32
    wait_for_earlier_completions(NULL);
    assert_int_equal(fixture->record.count, 1);
#else
    assert_ptr_equal(fixture->record.overlapped, &ops[1].ovl);
#endif
}

static void test_pools_come_and_go(void **state)
{
    struct fixture *fixture;
    TP_CALLBACK_ENVIRON env;
    PTP_POOL pool;
    struct op op;
    int i;

    for (i = 0; i < 20; i++)
    {
        pool = pool_in_env(&env);
        fixture = fixture_open(&env);
        run_operation(fixture, &op);
        WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
        assert_int_equal(fixture->record.count, 1);
        CloseThreadpoolIo(fixture->io);
        fixture->io = NULL;
        CloseThreadpool(pool);
        fixture_close(fixture);
    }
}

static void test_bad_handles(void **state)
{
    struct fixture *fixture = *state;
    HANDLE handle = fixture->target.handle;

    SetLastError(0xdeadbeef);
    assert_null(CreateThreadpoolIo(INVALID_HANDLE_VALUE, record_io, NULL, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    assert_null(CreateThreadpoolIo(NULL, record_io, NULL, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);

    /* a handle is bound to one port once */
    SetLastError(0xdeadbeef);
    assert_null(CreateThreadpoolIo(handle, record_io, NULL, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);

    /* for the handle's lifetime on Windows; natively until the object goes */
    CloseThreadpoolIo(fixture->io);
    SetLastError(0xdeadbeef);
    fixture->io = CreateThreadpoolIo(handle, record_io, NULL, NULL);
#ifdef _WIN32
    assert_null(fixture->io);
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
#else
    assert_non_null(fixture->io);
    CloseThreadpoolIo(fixture->io);
    fixture->io = NULL;
    SetLastError(0xdeadbeef);
    assert_false(tpool_complete_io(handle, NULL, STATUS_SUCCESS, 0));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
#endif
}

/* ---- Many operations, 4 KiB each ------------------------------------------ */

#define FILE_BLOCKS 256

#ifdef _WIN32

static struct fixture *file_fixture_open(void)
{
    struct fixture *fixture = malloc(sizeof(*fixture));

    assert_non_null(fixture);
    fixture->target.handle = temp_file_open(FILE_FLAG_OVERLAPPED);
    fixture->target.client = NULL;
    record_init(&fixture->record);
    fixture->io = CreateThreadpoolIo(fixture->target.handle, record_io, &fixture->record, NULL);
    assert_non_null(fixture->io);
    return fixture;
}

/* Starts and issues a 4 KiB read or write of a block: ERROR_SUCCESS if it
 * completed at once, ERROR_IO_PENDING, or the error it failed with. */
static DWORD block_io(struct fixture *fixture, struct op *op, int block, BOOL write)
{
    ULONGLONG offset = (ULONGLONG)block * BLOCK_SIZE;
    HANDLE file = fixture->target.handle;
    BOOL done;

    memset(&op->ovl, 0, sizeof(op->ovl));
    op->ovl.Offset = (DWORD)offset;
    op->ovl.OffsetHigh = (DWORD)(offset >> 32);
    StartThreadpoolIo(fixture->io);
    if (write)
        done = WriteFile(file, op->data, BLOCK_SIZE, NULL, &op->ovl);
    else
        done = ReadFile(file, op->data, BLOCK_SIZE, NULL, &op->ovl);
    return done ? ERROR_SUCCESS : GetLastError();
}

/* Issues ops[i] on block i % FILE_BLOCKS; they complete on their own. */
static void issue_many(struct fixture *fixture, struct op *ops, int count, BOOL write)
{
    DWORD error;
    int i;

    for (i = 0; i < count; i++)
    {
        error = block_io(fixture, &ops[i], i % FILE_BLOCKS, write);
        if (error != ERROR_IO_PENDING)
            assert_int_equal(error, ERROR_SUCCESS);
    }
}

static void skip_completion_on_success(struct fixture *fixture)
{
    assert_true(SetFileCompletionNotificationModes(fixture->target.handle,
                                                   FILE_SKIP_COMPLETION_PORT_ON_SUCCESS));
}

static DWORD read_past_end(struct fixture *fixture, struct op *op)
{
    return block_io(fixture, op, FILE_BLOCKS * 4, FALSE);
}

#else

static struct fixture *file_fixture_open(void)
{
    return fixture_open(NULL);
}

struct completer
{
    HANDLE file;
    struct op *ops;
    int first, count;
};

static DWORD WINAPI complete_thread(void *arg)
{
    struct completer *completer = arg;
    int i;

    for (i = completer->first; i < completer->first + completer->count; i++)
        tpool_complete_io(completer->file, &completer->ops[i].ovl, STATUS_SUCCESS, BLOCK_SIZE);
    return 0;
}

/* Starts count operations, then completes them from four threads at once. */
static void issue_many(struct fixture *fixture, struct op *ops, int count, BOOL write)
{
    struct completer completers[4];
    test_thread threads[4];
    int i;

    for (i = 0; i < count; i++)
        StartThreadpoolIo(fixture->io);
    for (i = 0; i < 4; i++)
    {
        completers[i].file = fixture->target.handle;
        completers[i].ops = ops;
        completers[i].first = i * count / 4;
        completers[i].count = (i + 1) * count / 4 - completers[i].first;
        threads[i] = test_thread_start(complete_thread, &completers[i]);
    }
    for (i = 0; i < 4; i++)
        test_thread_join(threads[i]);
}

static void skip_completion_on_success(struct fixture *fixture)
{
}

/* Every other operation succeeds at once and, as with
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, is never reported. */
static DWORD block_io(struct fixture *fixture, struct op *op, int block, BOOL write)
{
    StartThreadpoolIo(fixture->io);
    if (block % 2)
        return ERROR_SUCCESS;
    target_complete(&fixture->target, op, STATUS_SUCCESS, BLOCK_SIZE);
    return ERROR_IO_PENDING;
}

static DWORD read_past_end(struct fixture *fixture, struct op *op)
{
    StartThreadpoolIo(fixture->io);
    target_complete(&fixture->target, op, STATUS_END_OF_FILE, 0);
    return ERROR_IO_PENDING;
}

#endif

/* Writes FILE_BLOCKS blocks, then reads MANY_OPS, all in flight at once. */
static void test_many_in_flight(void **state)
{
    struct fixture *fixture = file_fixture_open();
    struct op *ops = calloc(MANY_OPS, sizeof(*ops));
    int i;

    assert_non_null(ops);
    record_track(&fixture->record, ops, FILE_BLOCKS, BLOCK_SIZE);
    for (i = 0; i < FILE_BLOCKS; i++)
        memset(ops[i].data, i, BLOCK_SIZE);
    issue_many(fixture, ops, FILE_BLOCKS, TRUE);
    WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
    assert_all_seen_once(&fixture->record);

    record_track(&fixture->record, ops, MANY_OPS, BLOCK_SIZE);
    for (i = 0; i < MANY_OPS; i++)
        memset(ops[i].data, 0xff, BLOCK_SIZE);
    issue_many(fixture, ops, MANY_OPS, FALSE);
    WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
    assert_all_seen_once(&fixture->record);
#ifdef _WIN32
    for (i = 0; i < MANY_OPS; i++)
    {
        assert_int_equal(ops[i].data[0], (unsigned char)(i % FILE_BLOCKS));
        assert_int_equal(ops[i].data[BLOCK_SIZE - 1], (unsigned char)(i % FILE_BLOCKS));
    }
#endif
    fixture_close(fixture);
    free(ops);
}

/* An operation that succeeds at once on a handle with
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS gives no completion: the
 * application cancels its start. */
static void test_skip_completion_on_success(void **state)
{
    struct fixture *fixture = file_fixture_open();
    struct op *ops = calloc(64, sizeof(*ops));
    LONG pending = 0;
    DWORD error;
    int i;

    assert_non_null(ops);
    record_track(&fixture->record, ops, 64, BLOCK_SIZE);
    skip_completion_on_success(fixture);
    for (i = 0; i < 64; i++)
    {
        if ((error = block_io(fixture, &ops[i], i, TRUE)) == ERROR_IO_PENDING)
            pending++;
        else
        {
            assert_int_equal(error, ERROR_SUCCESS);
            CancelThreadpoolIo(fixture->io);
        }
    }
    WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
    assert_int_equal(fixture->record.count, pending);
    assert_int_equal(fixture->record.bad, 0);
    fixture_close(fixture);
    free(ops);
}

/* Reading past the end fails at once or completes with STATUS_END_OF_FILE. */
static void test_end_of_file_result(void **state)
{
    struct fixture *fixture = file_fixture_open();
    struct op op;
    DWORD error;

    if ((error = read_past_end(fixture, &op)) == ERROR_IO_PENDING)
    {
        WaitForThreadpoolIoCallbacks(fixture->io, FALSE);
        assert_int_equal(fixture->record.count, 1);
        error = fixture->record.result;
    }
    else
        CancelThreadpoolIo(fixture->io);
    assert_int_equal(error, ERROR_HANDLE_EOF);
    fixture_close(fixture);
}

/* Windows refuses a file opened without FILE_FLAG_OVERLAPPED and handles
 * that are not files; natively every handle is one, but completions on a
 * handle no I/O object is bound to are refused. */
static void test_handles_that_cannot_be_bound(void **state)
{
#ifdef _WIN32
    HANDLE file = temp_file_open(0), event = CreateEventA(NULL, FALSE, FALSE, NULL);

    SetLastError(0xdeadbeef);
    assert_null(CreateThreadpoolIo(file, record_io, NULL, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    assert_null(CreateThreadpoolIo(event, record_io, NULL, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    CloseHandle(file);
#else
    HANDLE event = CreateEventA(NULL, FALSE, FALSE, NULL);
    OVERLAPPED ovl = { 0 };

    SetLastError(0xdeadbeef);
    assert_false(tpool_complete_io(event, &ovl, STATUS_SUCCESS, 0));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
#endif
    CloseHandle(event);
}

#define fixture_test(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        fixture_test(test_completion_runs_callback),
        fixture_test(test_two_in_flight),
        fixture_test(test_wait_for_started_operation),
        fixture_test(test_failures_report_win32_errors),
        fixture_test(test_cancel_after_immediate_failure),
        fixture_test(test_cancelling_wait_skips_started),
        fixture_test(test_cancelling_wait_drops_completion),
        cmocka_unit_test(test_cancelling_wait_drops_queued),
        cmocka_unit_test(test_close_with_operation_in_flight),
        fixture_test(test_completion_without_start_ignored),
        cmocka_unit_test(test_pools_come_and_go),
        fixture_test(test_bad_handles),
        cmocka_unit_test(test_many_in_flight),
        cmocka_unit_test(test_skip_completion_on_success),
        cmocka_unit_test(test_end_of_file_result),
        cmocka_unit_test(test_handles_that_cannot_be_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
