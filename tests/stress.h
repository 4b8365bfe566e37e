/*
 * The model-checked stress test: what the driver (test_stress.c) and the
 * operations with their model (stress_ops.c) share.
 *
 * Every thread owns its objects (a few slots), a cleanup group and the
 * model of each object: g callbacks guaranteed to run eventually, p at
 * most possible, and ran, counted by the callbacks.  Each operation updates
 * the model from what the API promises; at quiescent points the counts must
 * fall in [g, p] (equal when nothing is uncertain).
 */

#ifndef TPOOL_TEST_STRESS_H
#define TPOOL_TEST_STRESS_H

#include "test_util.h"

#include <stdio.h>

#define STRESS_SLOTS 6
#define STRESS_MAX_STARTED 4
#define STRESS_LOG_SIZE 512

enum stress_kind
{
    KIND_WORK,
    KIND_TIMER,
    KIND_WAIT,
    KIND_IO,
    KIND_SIMPLE
};

/* The state of a timer's or a wait's current arming. */
enum stress_arming
{
    ARM_NONE,      /* not armed, or its one callback is accounted for */
    ARM_COND,      /* cannot fire until signalled (long due time, no signal yet) */
    ARM_CERTAIN,   /* will fire once unless recalled: counted in g and p */
    ARM_MAYBE      /* may still fire once: counted in p only */
};

/* Completion actions a callback of the object registers. */
enum stress_actions
{
    ACT_NONE,
    ACT_SEMAPHORE,       /* release the thread's semaphore */
    ACT_MUTEX,           /* acquire the thread's mutex, release it and the semaphore */
    ACT_KINDS
};

struct stress_thread;

struct stress_io_op
{
    OVERLAPPED ovl;
    char byte;
    BOOL skipped;                /* given up by a cancelling wait */
    BOOL early;                  /* started while skipped reads were around */
};

struct stress_object
{
    enum stress_kind kind;       /* first: the cancel callback tells objects from simple callbacks */
    struct stress_thread *owner;
    unsigned int id;
    void *handle;                /* PTP_WORK, PTP_TIMER, PTP_WAIT or PTP_IO */
    BOOL in_group;
    BOOL app_closed;
    enum stress_actions actions;
    volatile LONG ran;
    volatile LONG cancels;
    volatile LONG timeouts;
    volatile LONG dead;          /* no callback may start any more */
    volatile LONG sync;          /* the next callback sets the thread's sync event */
    LONG g, p;
    LONG max_timeouts;
    enum stress_arming arming;
    HANDLE event;                /* a wait's event */
    HANDLE file;                 /* an I/O object's handle */
    HANDLE client;               /* the pipe's other end (Windows) */
    struct stress_io_op *started[STRESS_MAX_STARTED];
    int num_started;
    /* A cancelling wait gave reads up.  Their completions, when they come,
     * are taken for newer reads (docs/io.md): a read started from now on
     * may get its callback before it completes. */
    BOOL io_skipping;
};

struct stress_simple
{
    enum stress_kind kind;       /* KIND_SIMPLE */
    struct stress_thread *owner;
    unsigned int id;
    BOOL in_group;
    BOOL resolved;
    volatile LONG ran;
    volatile LONG cancels;
};

struct stress_log_entry
{
    unsigned int step;
    unsigned char op;
    unsigned char slot;
    unsigned char kind;
    signed char result;          /* a BOOL result, or -1 */
    unsigned int object;
    LONG ran, g, p;
};

struct stress_run;

struct stress_thread
{
    struct stress_run *run;
    unsigned int index;
    unsigned int ops;
    unsigned int step;
    unsigned long long rng;
    DWORD thread_id;
    PTP_CLEANUP_GROUP group;
    HANDLE progress;             /* auto-reset: set by callbacks while waiting is set */
    volatile LONG waiting;
    HANDLE semaphore;
    HANDLE mutex;
    HANDLE sync;
    volatile LONG semaphore_expected;
    struct stress_object *slots[STRESS_SLOTS];
    struct stress_object **zombies;  /* closed without waiting, callbacks left to run */
    unsigned int num_zombies, max_zombies;
    struct stress_simple **simples;
    unsigned int num_simples, max_simples;
    void **allocations;          /* freed with the run */
    unsigned int num_allocations, max_allocations;
    struct stress_log_entry log[STRESS_LOG_SIZE];
    unsigned int log_count;
    volatile LONG done_ops;
};

struct stress_run
{
    unsigned long long seed;
    unsigned int num_threads;
    unsigned int ops_per_thread;
    PTP_POOL pool;
    volatile LONG failed;
    char failure[512];
    volatile LONG in_flight;     /* callbacks between entry and return */
    volatile LONG draining;
    HANDLE drained;
    volatile LONG next_id;
    struct stress_thread *threads;
};

/* Records the first violation of the run; the threads stop. */
void stress_fail(struct stress_run *run, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* A counter the callbacks update while the stress threads read it. */
static inline LONG counter_now(volatile LONG *counter)
{
    return InterlockedCompareExchange(counter, 0, 0);
}

/* stress_callbacks.c: the objects' callbacks (the context is the
 * stress_object or, for simple callbacks, the stress_simple), the group's
 * cancel callback (the cleanup context is the thread), and the I/O
 * targets. */
void WINAPI stress_work_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work);
void WINAPI stress_timer_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer);
void WINAPI stress_wait_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                                 TP_WAIT_RESULT result);
void WINAPI stress_io_callback(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                               ULONG result, ULONG_PTR bytes, PTP_IO io);
void WINAPI stress_simple_callback(PTP_CALLBACK_INSTANCE instance, void *context);
void WINAPI stress_cancel_callback(void *object_context, void *cleanup_context);
BOOL stress_target_open(struct stress_thread *t, struct stress_object *o);
void stress_target_close(struct stress_object *o);
/* a one-byte read that stays pending until stress_target_finish */
BOOL stress_target_begin(struct stress_object *o, struct stress_io_op *op);
/* completes the oldest pending read */
BOOL stress_target_finish(struct stress_object *o, struct stress_io_op *op);
/* an operation that fails at once: no completion follows */
BOOL stress_target_fail_now(struct stress_object *o, struct stress_io_op *op);

/* Runs one thread's operations, then its teardown (stress_ops.c). */
DWORD WINAPI stress_thread_main(void *arg);
const char *stress_op_name(unsigned int op);
/* stress_ops.c's helpers: a random number below n; memory freed with the
 * thread; a relative due time; waits for *value to reach target, and
 * checks the object's count against the model's bounds (FALSE: failed). */
unsigned int stress_rnd(struct stress_thread *t, unsigned int n);
void *stress_thread_alloc(struct stress_thread *t, size_t size);
FILETIME stress_filetime(LONGLONG value);
BOOL stress_wait_count(struct stress_thread *t, volatile LONG *value, LONG target,
                       struct stress_object *o, const char *what);
BOOL stress_check_bounds(struct stress_thread *t, struct stress_object *o, LONG low,
                         const char *what);

/* stress_arming.c: setting and disarming timers and waits (TRUE if the
 * object is armed after), waiting for an object's callbacks, the exact
 * checkpoint of an armed one, settling it, and I/O operations. */
BOOL stress_set_arming(struct stress_thread *t, struct stress_object *o, BOOL ex, BOOL arm);
void stress_wait_for_object(struct stress_object *o, BOOL cancel);
void stress_checkpoint_armed(struct stress_thread *t, struct stress_object *o);
void stress_settle(struct stress_thread *t, struct stress_object *o);
void stress_io_start(struct stress_thread *t, struct stress_object *o, BOOL fail);
void stress_io_complete(struct stress_thread *t, struct stress_object *o);
void stress_io_complete_all(struct stress_thread *t, struct stress_object *o);

#endif
