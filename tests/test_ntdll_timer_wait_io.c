/*
 * The ntdll Tp* functions, after what Wine's ntdll thread pool tests
 * check: timers and waits with the results of the Ex functions, and I/O
 * objects with the NT status block their callback receives.
 *
 * I/O: under Windows (Wine) real overlapped reads on a named pipe;
 * natively the "file" is an event handle and the test completes each
 * operation with tpool_complete_io.  The target_* functions are the only
 * difference.
 */

#include "test_ntdll.h"

#include <stdio.h>

#ifndef _WIN32
#include "tpool.h"
#endif

#define MANY_WAITS 100

/* ---- Timers ----------------------------------------------------------------- */

static void test_timer(void **state)
{
    LARGE_INTEGER due;
    struct counter counter;
    TP_TIMER *timer = NULL;
    FILETIME now;

    counter_init(&counter, 3);
    assert_status(TpAllocTimer(&timer, count_timer, &counter, NULL), STATUS_SUCCESS);
    assert_non_null(timer);
    assert_false(TpIsTimerSet(timer));

    due.QuadPart = -10 * 10000;          /* relative: 10 ms */
    TpSetTimer(timer, &due, 0, 0);
    assert_true(TpIsTimerSet(timer));
    assert_signaled(counter.each);
    /* as Wine: a one-shot timer that expired still counts as set */
    assert_true(TpIsTimerSet(timer));

    GetSystemTimeAsFileTime(&now);       /* absolute: 10 ms from now */
    due.u.LowPart = now.dwLowDateTime;
    due.u.HighPart = (LONG)now.dwHighDateTime;
    due.QuadPart += 10 * 10000;
    TpSetTimer(timer, &due, 0, 0);
    assert_signaled(counter.each);

    due.QuadPart = 0;                    /* at once, from the call */
    TpSetTimer(timer, &due, 0, 0);
    assert_signaled(counter.done);
    assert_int_equal(counter.count, 3);

    TpSetTimer(timer, NULL, 0, 0);
    assert_false(TpIsTimerSet(timer));
    TpWaitForTimer(timer, FALSE);
    TpReleaseTimer(timer);
    counter_free(&counter);
}

static void test_timer_periodic(void **state)
{
    struct counter counter;
    LARGE_INTEGER due;
    TP_TIMER *timer;

    counter_init(&counter, 3);
    assert_status(TpAllocTimer(&timer, count_timer, &counter, NULL), STATUS_SUCCESS);
    due.QuadPart = -1;
    TpSetTimer(timer, &due, 5, 0);
    assert_signaled(counter.done);
    TpSetTimer(timer, NULL, 0, 0);
    TpWaitForTimer(timer, TRUE);
    assert_true(counter.count >= 3);
    TpReleaseTimer(timer);
    counter_free(&counter);
}

/* TRUE exactly when the call recalled the previous setting. */
static void test_timer_set_ex(void **state)
{
    LARGE_INTEGER later, zero;
    struct blocker blocker;
    TP_TIMER *timer;

    later.QuadPart = -(LONGLONG)3600 * 10000000;     /* in an hour */
    zero.QuadPart = 0;
    blocker_init(&blocker);
    assert_status(TpAllocTimer(&timer, blocker_timer, &blocker, NULL), STATUS_SUCCESS);
    assert_false(TpSetTimerEx(timer, NULL, 0, 0));
    assert_false(TpSetTimerEx(timer, &later, 0, 0));
    assert_true(TpSetTimerEx(timer, &later, 0, 0));
    assert_true(TpSetTimerEx(timer, NULL, 0, 0));
    assert_false(TpSetTimerEx(timer, NULL, 0, 0));

    /* a callback already under way cannot be recalled */
    assert_false(TpSetTimerEx(timer, &zero, 0, 0));
    assert_signaled(blocker.started);
    assert_false(TpSetTimerEx(timer, NULL, 0, 0));
    SetEvent(blocker.release);
    TpWaitForTimer(timer, FALSE);
    assert_int_equal(blocker.finished, 1);
    TpReleaseTimer(timer);
    blocker_free(&blocker);
}

/* ---- Waits ------------------------------------------------------------------ */

struct wait_record
{
    volatile LONG signaled;
    volatile LONG timed_out;
    HANDLE called;               /* auto-reset, set after each callback */
    HANDLE release;              /* if set, callbacks wait for it */
};

static void wait_record_init(struct wait_record *record)
{
    memset(record, 0, sizeof(*record));
    record->called = CreateEventA(NULL, FALSE, FALSE, NULL);
    assert_non_null(record->called);
}

static void WINAPI record_wait(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                               TP_WAIT_RESULT result)
{
    struct wait_record *record = context;

    if (result == WAIT_OBJECT_0)
        InterlockedIncrement(&record->signaled);
    else if (result == WAIT_TIMEOUT)
        InterlockedIncrement(&record->timed_out);
    SetEvent(record->called);
    if (record->release)
        WaitForSingleObject(record->release, TEST_TIMEOUT);
}

static void assert_wait_results(struct wait_record *record, LONG signaled, LONG timed_out)
{
    assert_signaled(record->called);
    assert_int_equal(record->signaled, signaled);
    assert_int_equal(record->timed_out, timed_out);
}

static void test_wait(void **state)
{
    HANDLE semaphore = CreateSemaphoreA(NULL, 0, 1, NULL);
    LARGE_INTEGER timeout, unread;
    struct wait_record record;
    TP_WAIT *wait = NULL;

    wait_record_init(&record);
    assert_status(TpAllocWait(&wait, record_wait, &record, NULL), STATUS_SUCCESS);
    assert_non_null(wait);

    TpSetWait(wait, semaphore, NULL);
    ReleaseSemaphore(semaphore, 1, NULL);
    assert_wait_results(&record, 1, 0);
    assert_int_equal(WaitForSingleObject(semaphore, 0), WAIT_TIMEOUT);

    timeout.QuadPart = -10 * 10000;
    TpSetWait(wait, semaphore, &timeout);
    assert_wait_results(&record, 1, 1);

    /* a zero timeout tests the handle once */
    ReleaseSemaphore(semaphore, 1, NULL);
    timeout.QuadPart = 0;
    TpSetWait(wait, semaphore, &timeout);
    assert_wait_results(&record, 2, 1);
    assert_int_equal(WaitForSingleObject(semaphore, 0), WAIT_TIMEOUT);
    TpSetWait(wait, semaphore, &timeout);
    assert_wait_results(&record, 2, 2);

    /* the current process, which is not signaled */
    TpSetWait(wait, INVALID_HANDLE_VALUE, &timeout);
    assert_wait_results(&record, 2, 3);

    /* a NULL handle disarms, and the timeout (here "at once") is not read */
    TpSetWait(wait, semaphore, NULL);
    unread.QuadPart = 0;
    TpSetWait(wait, NULL, &unread);
    ReleaseSemaphore(semaphore, 1, NULL);
    TpWaitForWait(wait, FALSE);
    assert_int_equal(record.signaled + record.timed_out, 5);
    assert_int_equal(WaitForSingleObject(semaphore, 0), WAIT_OBJECT_0);

    TpReleaseWait(wait);
    CloseHandle(record.called);
    CloseHandle(semaphore);
}

/* TRUE exactly when the call cancelled the previous arming. */
static void test_wait_set_ex(void **state)
{
    HANDLE event = CreateEventA(NULL, FALSE, FALSE, NULL);
    struct wait_record record;
    TP_WAIT *wait;

    wait_record_init(&record);
    record.release = CreateEventA(NULL, TRUE, FALSE, NULL);
    assert_status(TpAllocWait(&wait, record_wait, &record, NULL), STATUS_SUCCESS);
    assert_false(TpSetWaitEx(wait, NULL, NULL, NULL));
    assert_false(TpSetWaitEx(wait, event, NULL, NULL));
    assert_true(TpSetWaitEx(wait, event, NULL, NULL));
    assert_true(TpSetWaitEx(wait, NULL, NULL, NULL));
    assert_false(TpSetWaitEx(wait, NULL, NULL, NULL));

    /* a callback already under way cannot be recalled */
    assert_false(TpSetWaitEx(wait, event, NULL, NULL));
    SetEvent(event);
    assert_signaled(record.called);
    assert_false(TpSetWaitEx(wait, NULL, NULL, NULL));
    SetEvent(record.release);
    TpWaitForWait(wait, FALSE);
    assert_int_equal(record.signaled, 1);

    TpReleaseWait(wait);
    CloseHandle(record.called);
    CloseHandle(record.release);
    CloseHandle(event);
}

/* A satisfied wait consumes the signal: one release, one callback. */
static void test_two_waits_one_semaphore(void **state)
{
    HANDLE semaphore = CreateSemaphoreA(NULL, 0, 2, NULL);
    struct wait_record record;
    TP_WAIT *waits[2];
    int i;

    wait_record_init(&record);
    for (i = 0; i < 2; i++)
    {
        assert_status(TpAllocWait(&waits[i], record_wait, &record, NULL), STATUS_SUCCESS);
        TpSetWait(waits[i], semaphore, NULL);
    }
    ReleaseSemaphore(semaphore, 1, NULL);
    assert_signaled(record.called);
    for (i = 0; i < 2; i++)
    {
        TpSetWait(waits[i], NULL, NULL);
        TpWaitForWait(waits[i], FALSE);
    }
    assert_int_equal(record.signaled, 1);
    assert_int_equal(record.timed_out, 0);
    for (i = 0; i < 2; i++)
        TpReleaseWait(waits[i]);
    CloseHandle(record.called);
    CloseHandle(semaphore);
}

static void WINAPI count_wait(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                              TP_WAIT_RESULT result)
{
    if (result == WAIT_OBJECT_0)
        counter_hit(context);
}

/* More waits than one WaitForMultipleObjects takes. */
static void test_many_waits(void **state)
{
    HANDLE events[MANY_WAITS];
    TP_WAIT *waits[MANY_WAITS];
    struct counter counter;
    int i;

    counter_init(&counter, MANY_WAITS);
    for (i = 0; i < MANY_WAITS; i++)
    {
        events[i] = CreateEventA(NULL, FALSE, FALSE, NULL);
        assert_status(TpAllocWait(&waits[i], count_wait, &counter, NULL), STATUS_SUCCESS);
        TpSetWait(waits[i], events[i], NULL);
    }
    for (i = 0; i < MANY_WAITS; i++)
        SetEvent(events[i]);
    assert_signaled(counter.done);
    for (i = 0; i < MANY_WAITS; i++)
    {
        TpWaitForWait(waits[i], FALSE);
        TpReleaseWait(waits[i]);
        CloseHandle(events[i]);
    }
    assert_int_equal(counter.count, MANY_WAITS);
    counter_free(&counter);
}

/* ---- I/O completion objects -------------------------------------------------- */

struct io_record
{
    volatile LONG count;
    HANDLE called;               /* auto-reset, set after every callback */
    void *overlapped;
    NTSTATUS status;
    ULONG_PTR information;
    PTP_IO io;
};

static void WINAPI record_io(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                             IO_STATUS_BLOCK *status_block, PTP_IO io)
{
    struct io_record *record = context;

    record->overlapped = overlapped;
    record->status = status_block->Status;
    record->information = status_block->Information;
    record->io = io;
    InterlockedIncrement(&record->count);
    SetEvent(record->called);
}

struct op
{
    OVERLAPPED ovl;
    char data[1];
};

struct target
{
    HANDLE handle;               /* bound to the I/O object */
#ifdef _WIN32
    HANDLE client;               /* the other end of the pipe */
#endif
};

#ifdef _WIN32

static void target_open(struct target *target)
{
    static volatile LONG serial;
    char name[80];

    snprintf(name, sizeof(name), "\\\\.\\pipe\\tpool_test_ntdll_%lu_%ld",
             GetCurrentProcessId(), InterlockedIncrement(&serial));
    target->handle = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                      PIPE_TYPE_BYTE | PIPE_WAIT, 1, 4096, 4096, 0, NULL);
    assert_true(target->handle != INVALID_HANDLE_VALUE);
    target->client = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(target->client != INVALID_HANDLE_VALUE);
}

static void target_close(struct target *target)
{
    CloseHandle(target->client);
    CloseHandle(target->handle);
}

/* A one-byte read that stays pending until target_finish. */
static void target_begin(struct target *target, struct op *op)
{
    memset(&op->ovl, 0, sizeof(op->ovl));
    assert_false(ReadFile(target->handle, op->data, 1, NULL, &op->ovl));
    assert_int_equal(GetLastError(), ERROR_IO_PENDING);
}

static void target_finish(struct target *target, struct op *op)
{
    DWORD written;
    assert_true(WriteFile(target->client, "x", 1, &written, NULL));
}

/* The pending read completes with STATUS_CANCELLED. */
static void target_abort(struct target *target, struct op *op)
{
    assert_true(CancelIo(target->handle));
}

#else

static void target_open(struct target *target)
{
    target->handle = CreateEventA(NULL, FALSE, FALSE, NULL);
    assert_non_null(target->handle);
}

static void target_close(struct target *target)
{
    CloseHandle(target->handle);
}

static void target_begin(struct target *target, struct op *op)
{
    memset(&op->ovl, 0, sizeof(op->ovl));
}

static void target_finish(struct target *target, struct op *op)
{
    assert_true(tpool_complete_io(target->handle, &op->ovl, STATUS_SUCCESS, 1));
}

static void target_abort(struct target *target, struct op *op)
{
    assert_true(tpool_complete_io(target->handle, &op->ovl, STATUS_CANCELLED, 0));
}

#endif

static void test_io(void **state)
{
    struct io_record record = { 0 };
    struct target target;
    TP_IO *io = NULL;
    struct op op;

    record.called = CreateEventA(NULL, FALSE, FALSE, NULL);
    target_open(&target);
    assert_status(TpAllocIoCompletion(&io, target.handle, record_io, &record, NULL),
                  STATUS_SUCCESS);
    assert_non_null(io);
    TpWaitForIoCompletion(io, FALSE);

    TpStartAsyncIoOperation(io);
    target_begin(&target, &op);
    target_finish(&target, &op);
    TpWaitForIoCompletion(io, FALSE);
    assert_int_equal(record.count, 1);
    assert_ptr_equal(record.overlapped, &op.ovl);
    assert_status(record.status, STATUS_SUCCESS);
    assert_int_equal(record.information, 1);
    assert_ptr_equal(record.io, io);

    /* the NTSTATUS itself, where the Win32 callback gets an error code */
    TpStartAsyncIoOperation(io);
    target_begin(&target, &op);
    target_abort(&target, &op);
    TpWaitForIoCompletion(io, FALSE);
    assert_int_equal(record.count, 2);
    assert_status(record.status, STATUS_CANCELLED);
    assert_int_equal(record.information, 0);

    /* a cancelled start expects no completion */
    TpStartAsyncIoOperation(io);
    TpCancelAsyncIoOperation(io);
    TpWaitForIoCompletion(io, FALSE);
    assert_int_equal(record.count, 2);

    /* released with an operation under way: its callback still comes */
    TpStartAsyncIoOperation(io);
    target_begin(&target, &op);
    TpReleaseIoCompletion(io);
    ResetEvent(record.called);
    target_finish(&target, &op);
    assert_signaled(record.called);
    assert_int_equal(record.count, 3);
    assert_status(record.status, STATUS_SUCCESS);

    target_close(&target);
    CloseHandle(record.called);
}


int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_timer),
        cmocka_unit_test(test_timer_periodic),
        cmocka_unit_test(test_timer_set_ex),
        cmocka_unit_test(test_wait),
        cmocka_unit_test(test_wait_set_ex),
        cmocka_unit_test(test_two_waits_one_semaphore),
        cmocka_unit_test(test_many_waits),
        cmocka_unit_test(test_io),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
