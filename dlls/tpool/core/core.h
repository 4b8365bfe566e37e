/*
 * Layer 2: the pool core, as layer 3 and the core's own files see it.
 *
 * Pools own a port (layer 1) that is both their run queue and where their
 * workers park.  Every object type (work, simple callback, timer, wait,
 * I/O) shares one lifecycle, struct tp_object: submissions are counted,
 * not queued, and the object's one packet sits on the port while
 * callbacks are pending.  Only layer 1 is used from here.  What only the
 * core's files share is in pool.h (pools, workers, the gate, the monitor,
 * statistics) and timer_queue.h (a pool's timers).
 */
#ifndef TPOOL_CORE_H
#define TPOOL_CORE_H

#include "sys.h"
#include "tpool.h"
#include "trace.h"

/* ---- Locking -------------------------------------------------------------
 *
 * The core's locks, in the order a thread takes them (sys.h states the rule
 * and the checks; layer 3's locks come before these, layer 1's after).
 * Each field says what guards it, by these letters (as the Linux kernel's
 * workqueue.c):
 *   I  set when the structure is made (or the library loads), then only read
 *   A  atomic: read, and written, without a lock
 *   O  the object lock        G  the cleanup group lock
 *   P  the pool lock          Q  the pool's timer queue lock
 *   S  the statistics lock    T  the starvation gate's lock
 *   W  its worker's thread only (others read it relaxed where marked A)
 *   M  the monitor's thread only
 *   X  the type's own rule, in its file
 *
 *   cleanup group   a group's member list
 *   wait set        a wait's arming: set, close and timeout (they may wait
 *                   for a wait thread, so not the object lock)
 *   object          an object's counts of pending and running callbacks
 *                   and its type's state (the I/O ring, the timer's
 *                   setting, the wait's counts)
 *   statistics      the process's list of pools
 *   monitor         the monitor's thread and block
 *   starvation gate the gate's list of pools and its thread
 *   pool            a pool's worker counts and flags, its workers' list
 *   timer queue     a pool's timer heaps and duty
 *
 * What may not be done under any lock is in sys.h: starting a thread
 * (pool_grow(), worker_start(), the gate's and the monitor's threads), and
 * calling the application.  The paths that must start a worker while they
 * hold a lock reserve it first (pool_reserve_worker()) and start it after
 * (pool_start_reserved()); a timer expiry defers what its posts need to
 * its end (struct expiry).  Layer 1 calls up into the core without a
 * lock: a wait packet's notify, the port's starved hook. */
#define LOCK_GROUP       20, "cleanup group"
#define LOCK_WAIT_SET    21, "wait set"
#define LOCK_OBJECT      22, "object"
#define LOCK_STATISTICS  23, "statistics"
#define LOCK_MONITOR     24, "monitor"
#define LOCK_GATE        25, "starvation gate"
#define LOCK_POOL        26, "pool"
#define LOCK_TIMER_QUEUE 27, "timer queue"

#define TP_TAG_POOL    0x6c6f6f50  /* 'Pool' */
#define TP_TAG_WORK    0x6b726f57  /* 'Work' */
#define TP_TAG_SIMPLE  0x706d6953  /* 'Simp' */
#define TP_TAG_TIMER   0x726d6954  /* 'Tmr' */
#define TP_TAG_WAIT    0x74696157  /* 'Wait' */
#define TP_TAG_IO      0x4f496f49  /* 'IoIO' */
#define TP_TAG_GROUP   0x70726743  /* 'Cgrp' */
#define TP_TAG_INSTANCE 0x74736e49 /* 'Inst' */
#define TP_TAG_FREED   0x65657246  /* 'Free' */

struct tp_pool;
struct tp_object;
struct tp_worker;
struct tp_group;
struct expiry;

/* A callback environment, validated and with the pool resolved. */
/* I: all of it. */
struct tp_env
{
    struct tp_pool *pool;
    struct tp_group *group;
    PTP_CLEANUP_GROUP_CANCEL_CALLBACK group_cancel;
    HMODULE race_dll;            /* kept loaded while the object exists */
    BOOL persistent;             /* callbacks run on the pool's persistent worker */
    PTP_SIMPLE_CALLBACK finalization;
    TP_CALLBACK_PRIORITY priority;
    BOOL long_function;
};

/* Reads TP_CALLBACK_ENVIRON V1 or V3 (never past V1 when Version is 1);
 * NULL means the default environment.  Takes a reference on the pool and
 * on the cleanup group. */
NTSTATUS env_read(const TP_CALLBACK_ENVIRON *environment, struct tp_env *env);
void env_release(struct tp_env *env);

/* ---- Pools (pool.c; the structure is pool.h's) ----------------------- */

NTSTATUS pool_create(struct tp_pool **pool);
NTSTATUS pool_default(struct tp_pool **pool);
void pool_addref(struct tp_pool *pool);
/* For threads other than the one that made it: TRUE for the default pool. */
BOOL pool_is_default(struct tp_pool *pool);
void pool_release(struct tp_pool *pool);
void pool_set_max_workers(struct tp_pool *pool, DWORD max);
NTSTATUS pool_set_min_workers(struct tp_pool *pool, DWORD min);
/* Stack sizes of the workers started from now on (not validated, as on
 * Windows); the default is thread_default_stack(). */
void pool_set_stack(struct tp_pool *pool, SIZE_T reserve, SIZE_T commit);
void pool_query_stack(struct tp_pool *pool, SIZE_T *reserve, SIZE_T *commit);
/* TP_TAG_POOL for a pool; what layer 3 checks an application's pointer by. */
ULONG pool_tag(const struct tp_pool *pool);
void pool_query_stats(struct tp_pool *pool, TPOOL_STATS *stats);
void process_query_stats(TPOOL_PROCESS_STATS *stats);

/* ---- Callback instances ------------------------------------------------ */

/* What to do once the callback has returned and is marked complete; one
 * of each kind, the first registration wins (as Wine). */
struct instance_actions
{
    CRITICAL_SECTION *critical_section;
    HANDLE mutex;
    HANDLE semaphore;
    LONG semaphore_count;
    HANDLE event;
    HMODULE library;
};

/* W: all of it (the instance lives on its worker's stack; the application
 * may use it only from its callback). */
struct tp_instance
{
    ULONG tag;                   /* TP_TAG_INSTANCE while the callback runs */
    struct tp_object *object;
    struct tp_worker *worker;
    DWORD thread_id;
    BOOL associated;             /* counts for WaitFor...Callbacks */
    BOOL may_run_long;           /* the thread left the port's running count */
    struct instance_actions actions;
};

/* The instance of the callback running on this thread, or NULL. */
struct tp_instance *instance_current(void);
/* STATUS_TOO_MANY_THREADS when no thread can be added for the pool's
 * other callbacks, STATUS_UNSUCCESSFUL from another thread (as Wine). */
NTSTATUS instance_may_run_long(struct tp_instance *instance);
void instance_disassociate(struct tp_instance *instance);
/* Performs the registered actions in a fixed order: leave the critical
 * section, release the mutex, release the semaphore, set the event, free
 * the library.  A failing action raises its STATUS_THREADPOOL_*_FAILED. */
void instance_perform_actions(struct tp_instance *instance);

/* ---- Objects ----------------------------------------------------------- */

/* What differs between object types.  Only execute is required; the hooks
 * marked "locked" run with the object lock held. */
struct tp_object_ops
{
    /* what the diagnostics call the type ("work", "timer", ...) */
    const char *kind;
    /* TP_TAG_*: what layer 3 checks the application's pointers against */
    ULONG tag;
    /* memory from the pool's cache, for objects that one thread makes and
     * a worker frees at a high rate (simple callbacks) */
    BOOL pool_cache;
    /* the callback that ran ends the application's use of the object: it
     * counts as released, and its cleanup group holds no reference for it
     * (simple callbacks) */
    BOOL one_shot;
    /* its timer queue entries are the pool's timers in the statistics (a
     * wait's timeout is not) */
    BOOL timer_statistics;
    /* runs one callback (the one a worker just started) */
    void (*execute)(struct tp_object *object, struct tp_instance *instance);
    /* locked: TRUE while the object still expects callbacks that are not
     * pending yet (started I/O); WaitFor...Callbacks waits for them too */
    BOOL (*busy)(struct tp_object *object);
    /* locked: drops the type's record of the pending callbacks (object->pending
     * still tells how many) */
    void (*cancel_pending)(struct tp_object *object);
    /* the application closes the object: stop future callbacks */
    void (*close)(struct tp_object *object);
    /* the last reference is gone: free the type's resources */
    void (*destroy)(struct tp_object *object);
};

struct tp_object
{
    /* Written by the submitting thread and by workers around every
     * callback: together, so that a hand-off moves one line of the object
     * between processors rather than three. */
    struct lock lock;
    ULONG pending;               /* O: submitted callbacks not started yet */
    ULONG running;               /* O: started callbacks still associated */
    ULONG executing;             /* O: started callbacks still running, associated or not */
    BOOL packet_held;            /* O: packet on the port or in a worker's hands */
    BOOL app_closed;             /* O: the application (or its cleanup group) released it */
    ULONG waiters;               /* O */
    atomic_int idle_seq;         /* A: bumped when a callback completes, for waiters */
    atomic_int sleepers;         /* A: waiters past their spin, asleep on idle_seq */
    atomic_long refs;            /* A: the application's, the packet's, one per running callback */
    ULONG tag;                   /* I, then TP_TAG_FREED by the last release */
    const struct tp_object_ops *ops;  /* I */
    void *callback;              /* I */
    /* I, or set by layer 3 before the object is used: what diagnostics
     * name (callback, or the function a wrapper calls) */
    const void *shown_callback;
    void *context;               /* I */
    struct tp_env env;           /* I */
    struct port_packet packet;   /* the port's while queued; O decides who queues it */
    struct list group_entry;     /* G */
    BOOL group_member;           /* G */
    /* I: called with the context once the object is freed: none of its
     * callbacks runs or can run any more (the legacy API's deletes). */
    void (*freed)(void *context);
};

NTSTATUS object_create(struct tp_object **object, SIZE_T size, const struct tp_object_ops *ops,
                       void *callback, void *context, const TP_CALLBACK_ENVIRON *environment);
/* The function the object's callback, a wrapper of layer 3, calls for the
 * application: what the diagnostics name instead of the wrapper. */
void object_show_callback(struct tp_object *object, const void *function);
void object_addref(struct tp_object *object);
void object_release(struct tp_object *object);
void object_submit(struct tp_object *object);
/* object_submit in two steps for types that update their own state with
 * it: under the object lock, object_add_pending() counts one more pending
 * callback and returns TRUE when the caller must then, after unlocking,
 * call object_post(). */
BOOL object_add_pending(struct tp_object *object);
void object_post(struct tp_object *object);
/* object_post during an expiry (the expiry references the object). */
void object_post_expiring(struct tp_object *object, struct expiry *expiry);
/* object_post for a thread that holds no reference on the object (the I/O
 * thread, a wait thread). */
void object_post_unheld(struct tp_object *object);
/* Releases WaitFor...Callbacks callers to recheck (after a busy() change). */
void object_wake_waiters(struct tp_object *object);
/* The application's Close: the type's close hook, then its reference. */
void object_close(struct tp_object *object);
/* Waits until no callback is pending or running (the caller's own
 * callback excluded); with cancel, pending callbacks are dropped first. */
void object_wait(struct tp_object *object, BOOL cancel_pending);
/* Callbacks pending or running, disassociated ones included; the caller's
 * own callback of this object counts only if count_self. */
ULONG object_outstanding(struct tp_object *object, BOOL count_self);
/* Runs one pending callback; called by a worker that removed the packet. */
void object_dispatch(struct tp_worker *worker, struct port_packet *packet);
void object_callback_done(struct tp_object *object);

/* ---- Cleanup groups ------------------------------------------------------ */

/* Members are the objects created with the group in their environment,
 * until they are freed.  The group holds no reference on them; each
 * member holds one on the group. */
struct tp_group
{
    ULONG tag;                   /* I, then TP_TAG_FREED */
    atomic_long refs;            /* A: the application's, one per member */
    struct lock lock;
    struct list members;         /* G */
};

NTSTATUS group_create(struct tp_group **group);
void group_addref(struct tp_group *group);
void group_release(struct tp_group *group);
void group_add(struct tp_group *group, struct tp_object *object);
void group_remove(struct tp_group *group, struct tp_object *object);
void group_release_members(struct tp_group *group, BOOL cancel_pending, void *context);

/* For the group release: the object's type stops future callbacks (as on
 * close); pending ones are dropped; then wait until nothing is pending or
 * running, associated or not (the caller's own callback excluded). */
void object_shutdown(struct tp_object *object);
void object_cancel_pending(struct tp_object *object);
void object_wait_all(struct tp_object *object);
/* TRUE if the application had not released the object; from now on it
 * counts as released. */
BOOL object_take_app_reference(struct tp_object *object);
BOOL object_try_addref(struct tp_object *object);

/* ---- Timers -------------------------------------------------------------- */

NTSTATUS timer_create(struct tp_object **timer, PTP_TIMER_CALLBACK callback, void *context,
                      const TP_CALLBACK_ENVIRON *environment);
/* due NULL disarms.  TRUE if an armed expiry was recalled. */
BOOL timer_set(struct tp_object *timer, const LONGLONG *due, DWORD period, DWORD window);
BOOL timer_is_set(struct tp_object *timer);
/* From now on the callbacks of expiries run on the worker that expires the
 * timer, as on a timer thread (WT_EXECUTEINTIMERTHREAD); a due time of 0
 * still queues its callback. */
void timer_expire_inline(struct tp_object *timer);

/* ---- Waits --------------------------------------------------------------- */

NTSTATUS wait_create(struct tp_object **wait, PTP_WAIT_CALLBACK callback, void *context,
                     const TP_CALLBACK_ENVIRON *environment);
/* handle NULL disarms; timeout NULL is infinite.  TRUE if an armed wait
 * was cancelled before its callback was queued. */
BOOL wait_set(struct tp_object *wait, HANDLE handle, const LONGLONG *timeout);
/* Waits do not support mutexes nor values that name no object
 * (handle_check_waitable's status).  The last handle found waitable is
 * remembered, so re-arming on the same handle asks the system nothing. */
NTSTATUS wait_handle_check(struct tp_object *wait, HANDLE handle);

/* ---- I/O objects -------------------------------------------------------- */

/* The layout of NT's IO_STATUS_BLOCK. */
struct tp_io_status
{
    union
    {
        NTSTATUS Status;
        void *Pointer;
    };
    ULONG_PTR Information;
};

/* The ntdll callback shape (PTP_IO_CALLBACK). */
typedef void (WINAPI *tp_io_callback)(PTP_CALLBACK_INSTANCE instance, void *context,
                                      void *overlapped, struct tp_io_status *status, PTP_IO io);

struct tp_io_completion
{
    OVERLAPPED *overlapped;
    struct tp_io_status status;
};

/* O: the fields after win32_callback. */
struct tp_io
{
    struct tp_object object;
    void *win32_callback;        /* I: free for layer 3 (kernelbase keeps it there too) */
    HANDLE handle;               /* the bound handle; natively NULL once unbound */
    ULONG started;               /* operations started and not completed */
    ULONG skipped;               /* started ones a cancelling wait gave up */
    BOOL closed;                 /* the application closed it */
    BOOL unaccounted;            /* every completion runs a callback (io_create_unaccounted) */
    struct tp_io_completion *queue;  /* ring of completions waiting for callbacks */
    ULONG queue_head;
    ULONG queue_count;
    ULONG queue_size;
};

/* Binds the handle to the pool's completion port (created on first use).
 * The object is also a struct tp_object: close it with object_close(). */
NTSTATUS io_create(struct tp_io **io, HANDLE handle, tp_io_callback callback, void *context,
                   const TP_CALLBACK_ENVIRON *environment);
/* BindIoCompletionCallback's kind: no handle at first, any number bound
 * with io_bind() for their lifetime, every completion on them runs a
 * callback (nothing is started or cancelled), never closed. */
NTSTATUS io_create_unaccounted(struct tp_io **io, tp_io_callback callback, void *context,
                               const TP_CALLBACK_ENVIRON *environment);
NTSTATUS io_bind(struct tp_io *io, HANDLE handle);
void io_start(struct tp_io *io);
void io_cancel(struct tp_io *io);
void io_wait(struct tp_io *io, BOOL cancel_pending);
/* Frees the pool's completion port; called when the pool goes away. */
void io_pool_free(struct tp_pool *pool);

/* ---- Work objects and simple callbacks ---------------------------------- */

NTSTATUS work_create(struct tp_object **work, PTP_WORK_CALLBACK callback, void *context,
                     const TP_CALLBACK_ENVIRON *environment);
/* `shown`: what diagnostics name (object_show_callback), usually callback. */
NTSTATUS simple_submit(PTP_SIMPLE_CALLBACK callback, void *context,
                       const TP_CALLBACK_ENVIRON *environment, const void *shown);

#endif