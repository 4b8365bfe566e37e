/*
 * The I/O tests' fixture (test_io.h).
 */

#include "test_io.h"

#include <stdio.h>
#include <string.h>

#ifndef _WIN32
#include <ntstatus.h>
#include "tpool.h"
#endif

void record_init(struct record *record)
{
    memset(record, 0, sizeof(*record));
    record->called = CreateEventA(NULL, FALSE, FALSE, NULL);
    assert_non_null(record->called);
}

void record_free(struct record *record)
{
    CloseHandle(record->called);
    free((void *)record->seen);
}

void record_track(struct record *record, struct op *ops, int num_ops, ULONG_PTR bytes)
{
    free((void *)record->seen);
    record->seen = calloc(num_ops, sizeof(*record->seen));
    assert_non_null((void *)record->seen);
    record->ops = ops;
    record->num_ops = num_ops;
    record->expected_bytes = bytes;
    record->count = 0;
    record->bad = 0;
}

void WINAPI record_io(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                      ULONG result, ULONG_PTR bytes, PTP_IO io)
{
    struct record *record = context;
    ptrdiff_t index;

    if (record->seen)
    {
        index = CONTAINING_RECORD(overlapped, struct op, ovl) - record->ops;
        if (index < 0 || index >= record->num_ops || result || bytes != record->expected_bytes)
            InterlockedIncrement(&record->bad);
        else
            InterlockedIncrement(&record->seen[index]);
    }
    else
    {
        record->instance = instance;
        record->io = io;
        record->overlapped = overlapped;
        record->result = result;
        record->bytes = bytes;
    }
    InterlockedIncrement(&record->count);
    SetEvent(record->called);
}

void assert_all_seen_once(struct record *record)
{
    int i;

    assert_int_equal(record->count, record->num_ops);
    assert_int_equal(record->bad, 0);
    for (i = 0; i < record->num_ops; i++)
        assert_int_equal(record->seen[i], 1);
}

/* ---- Targets: where operations are issued and completed ------------------- */

#ifdef _WIN32

void target_open(struct target *target)
{
    static volatile LONG serial;
    char name[80];

    snprintf(name, sizeof(name), "\\\\.\\pipe\\tpool_test_io_%lu_%ld",
             GetCurrentProcessId(), InterlockedIncrement(&serial));
    target->handle = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                      PIPE_TYPE_BYTE | PIPE_WAIT, 1, BLOCK_SIZE, BLOCK_SIZE, 0, NULL);
    assert_true(target->handle != INVALID_HANDLE_VALUE);
    target->client = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(target->client != INVALID_HANDLE_VALUE);
}

void target_close(struct target *target)
{
    if (target->client)
        CloseHandle(target->client);
    CloseHandle(target->handle);
}

/* Issues a one-byte read that stays pending until target_finish. */
void target_begin(struct target *target, struct op *op)
{
    memset(&op->ovl, 0, sizeof(op->ovl));
    assert_false(ReadFile(target->handle, op->data, 1, NULL, &op->ovl));
    assert_int_equal(GetLastError(), ERROR_IO_PENDING);
}

/* Completes the oldest pending read with one byte. */
void target_finish(struct target *target, struct op *op)
{
    DWORD written;
    assert_true(WriteFile(target->client, "x", 1, &written, NULL));
}

/* Cancels the pending read: it completes with STATUS_CANCELLED. */
void target_abort(struct target *target, struct op *op)
{
    assert_true(CancelIo(target->handle));
}

/* Closes the other end: the pending read completes with STATUS_PIPE_BROKEN. */
void target_break(struct target *target, struct op *op)
{
    CloseHandle(target->client);
    target->client = NULL;
}

/* An operation that fails at once: no completion follows. */
void target_fail_now(struct target *target, struct op *op)
{
    memset(&op->ovl, 0, sizeof(op->ovl));
    assert_false(ConnectNamedPipe(target->handle, &op->ovl));
    assert_int_equal(GetLastError(), ERROR_PIPE_CONNECTED);
}

#else

void target_open(struct target *target)
{
    target->handle = CreateEventA(NULL, FALSE, FALSE, NULL);
    assert_non_null(target->handle);
}

void target_close(struct target *target)
{
    CloseHandle(target->handle);
}

void target_begin(struct target *target, struct op *op)
{
    memset(&op->ovl, 0, sizeof(op->ovl));
}

void target_complete(struct target *target, struct op *op, NTSTATUS status, ULONG_PTR bytes)
{
    assert_true(tpool_complete_io(target->handle, &op->ovl, status, bytes));
    assert_int_equal((NTSTATUS)op->ovl.Internal, status);
    assert_int_equal(op->ovl.InternalHigh, bytes);
}

void target_finish(struct target *target, struct op *op)
{
    target_complete(target, op, STATUS_SUCCESS, 1);
}

void target_abort(struct target *target, struct op *op)
{
    target_complete(target, op, STATUS_CANCELLED, 0);
}

void target_break(struct target *target, struct op *op)
{
    target_complete(target, op, STATUS_PIPE_BROKEN, 0);
}

void target_fail_now(struct target *target, struct op *op)
{
}

#endif

/* ---- Fixture: a target and an I/O object on it ----------------------------- */

struct fixture *fixture_open(TP_CALLBACK_ENVIRON *env)
{
    struct fixture *fixture = malloc(sizeof(*fixture));

    assert_non_null(fixture);
    target_open(&fixture->target);
    record_init(&fixture->record);
    fixture->io = CreateThreadpoolIo(fixture->target.handle, record_io, &fixture->record, env);
    assert_non_null(fixture->io);
    return fixture;
}

/* The I/O object is closed already if fixture->io is NULL. */
void fixture_close(struct fixture *fixture)
{
    if (fixture->io)
        CloseThreadpoolIo(fixture->io);
    target_close(&fixture->target);
    record_free(&fixture->record);
    free(fixture);
}

int setup(void **state)
{
    *state = fixture_open(NULL);
    return 0;
}

int teardown(void **state)
{
    fixture_close(*state);
    return 0;
}

/* Starts an operation and completes it. */
void run_operation(struct fixture *fixture, struct op *op)
{
    StartThreadpoolIo(fixture->io);
    target_begin(&fixture->target, op);
    target_finish(&fixture->target, op);
}

PTP_POOL pool_in_env(TP_CALLBACK_ENVIRON *env)
{
    PTP_POOL pool = CreateThreadpool(NULL);

    assert_non_null(pool);
    InitializeThreadpoolEnvironment(env);
    SetThreadpoolCallbackPool(env, pool);
    return pool;
}
