/*
 * The I/O tests' fixture (io_fixture.c): a target on which operations are
 * issued and completed, and a record of what the callbacks saw.  Under
 * Windows (Wine) the target is a named pipe; natively an event handle
 * whose operations the test completes with tpool_complete_io.
 */

#ifndef TPOOL_TEST_IO_H
#define TPOOL_TEST_IO_H

#include "test_util.h"

#define BLOCK_SIZE 4096
#define MANY_OPS   1000

struct op
{
    OVERLAPPED ovl;
    unsigned char data[BLOCK_SIZE];
};

/* What the callbacks saw; last_* are meaningful with one operation at a time. */
struct record
{
    volatile LONG count;
    volatile LONG bad;           /* unexpected result or byte count */
    HANDLE called;               /* auto-reset, set after every callback */
    PTP_CALLBACK_INSTANCE instance;
    PTP_IO io;
    OVERLAPPED *overlapped;
    ULONG result;
    ULONG_PTR bytes;
    struct op *ops;              /* with seen: counts callbacks per operation */
    volatile LONG *seen;
    int num_ops;
    ULONG_PTR expected_bytes;
};

struct target
{
    HANDLE handle;               /* bound to the I/O object */
#ifdef _WIN32
    HANDLE client;               /* the other end of the pipe */
#endif
};

struct fixture
{
    struct target target;
    struct record record;
    PTP_IO io;
};

void record_init(struct record *record);
void record_free(struct record *record);
void record_track(struct record *record, struct op *ops, int num_ops, ULONG_PTR bytes);
void WINAPI record_io(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                      ULONG result, ULONG_PTR bytes, PTP_IO io);
void assert_all_seen_once(struct record *record);

void target_open(struct target *target);
void target_close(struct target *target);
/* Issues an operation that stays pending until target_finish. */
void target_begin(struct target *target, struct op *op);
/* Completes the oldest pending operation with one byte. */
void target_finish(struct target *target, struct op *op);
/* The pending operation completes with STATUS_CANCELLED. */
void target_abort(struct target *target, struct op *op);
/* The pending operation completes with STATUS_PIPE_BROKEN. */
void target_break(struct target *target, struct op *op);
/* An operation that fails at once: no completion follows. */
void target_fail_now(struct target *target, struct op *op);
#ifndef _WIN32
/* Completes the pending operation with this status and byte count. */
void target_complete(struct target *target, struct op *op, NTSTATUS status, ULONG_PTR bytes);
#endif

struct fixture *fixture_open(TP_CALLBACK_ENVIRON *env);
/* The I/O object is closed already if fixture->io is NULL. */
void fixture_close(struct fixture *fixture);
int setup(void **state);
int teardown(void **state);
/* Starts an operation and completes it. */
void run_operation(struct fixture *fixture, struct op *op);
PTP_POOL pool_in_env(TP_CALLBACK_ENVIRON *env);

#endif
