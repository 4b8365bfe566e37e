/*
 * Layer 2: the pool core.
 *
 * Pools own a port (layer 1) that is both their run queue and where their
 * workers park.  Every object type (work, simple callback; timers, waits
 * and I/O later) shares one lifecycle, struct tp_object: submissions are
 * counted, not queued, and the object's one packet sits on the port while
 * callbacks are pending.  Only layer 1 is used from here.
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
 * Each field says which lock guards it; a field marked atomic is read
 * without one.
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

/* A callback environment, validated and with the pool resolved. */
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

/* ---- Pairing heap ------------------------------------------------------ */

struct heap_node
{
    struct heap_node *child;
    struct heap_node *next;
    struct heap_node *prev;
    LONGLONG key;
};

struct heap
{
    struct heap_node *root;      /* the minimum */
};

void heap_insert(struct heap *heap, struct heap_node *node, LONGLONG key);
void heap_remove(struct heap *heap, struct heap_node *node);

/* ---- Timer queues ------------------------------------------------------ */

/* Relative due times run on the monotonic clock, absolute ones on the
 * system clock (they follow wall-clock changes). */
enum timer_clock
{
    TIMER_RELATIVE,
    TIMER_ABSOLUTE,
    TIMER_CLOCKS
};

/* An entry may expire anywhere in its window [start, end].  When the
 * earliest window end arrives, every entry whose window has opened
 * expires with it (coalescing). */
struct expiry;

struct timer_entry
{
    struct heap_node by_start;
    struct heap_node by_end;
    struct tp_object *object;    /* owner, referenced while expiring */
    /* generation: the entry's when it was taken from the queue */
    void (*expire)(struct timer_entry *entry, ULONG generation, struct expiry *expiry);
    enum timer_clock clock;
    BOOL queued;
    ULONG generation;            /* the owner's setting when it was queued */
};

/* A pool's timers.  They need no thread of their own: one parked worker
 * at a time holds the timer duty and parks until the earliest deadline,
 * behind all other parked workers; when it is pulled into work, or an
 * earlier timer arrives, the nudge packet hands the duty to another. */
struct timer_queue
{
    struct lock lock;
    struct heap starts[TIMER_CLOCKS];
    struct heap ends[TIMER_CLOCKS];
    atomic_uint count;           /* changed under the lock, read without it */
    unsigned int duty;           /* the holder's duty number, 0 when none */
    unsigned int next_duty;
    LONGLONG duty_deadline;      /* what the holder parks until */
    BOOL nudge_queued;
    struct port_packet nudge;
    unsigned int timers;         /* entries of timer objects (statistics) */
    ULONGLONG lateness[TPOOL_LATENESS_BUCKETS];  /* timer expiries by lateness */
};

/* A worker's expiry of its pool's due timers (timer_queue_expire()), handed
 * to each entry's expire.  The first callback queued meanwhile the worker
 * keeps and runs itself once done, so an expiry wakes no other thread for
 * it; a post that found no thread to take it asks for one only at the end
 * (a thread start takes milliseconds under Wine, and every timer due
 * meanwhile would wait: timers expired up to 8 ms late). */
struct expiry
{
    struct tp_worker *worker;
    struct port_packet *kept;    /* the callback the worker runs after */
    BOOL wants_worker;           /* a post was queued with no thread to take it */
};

/* ---- Pools ---------------------------------------------------------- */

struct tp_pool
{
    ULONG tag;
    atomic_long refs;            /* the application's, plus one per object */
    struct lock lock;            /* guards the counts and flags below */
    struct port port;
    BOOL is_default;
    _Atomic(BOOL) shutdown;      /* atomic: read without the lock by the gate */
    atomic_uint max_workers;     /* atomic: read without the lock by workers */
    unsigned int min_workers;
    atomic_uint num_workers;     /* counted by the policy, starting ones included */
    atomic_uint num_starting;    /* atomic: read without the lock by the gate */
    unsigned int num_threads;    /* threads still using the pool's memory */
    SIZE_T stack_reserve;
    SIZE_T stack_commit;
    struct port_packet shutdown_packet;
    struct timer_queue timers;
    _Atomic(struct io_port *) io_port;  /* created with the first I/O object */
    atomic_int persistent_started;  /* once_start()'s state for persistent */
    struct persistent_worker *persistent;
    struct list gate_entry;      /* in the starvation gate's list */
    BOOL gate_watching;          /* the gate saw the queue non-empty last tick */
    unsigned long gate_removed;  /* port->removed at the gate's last look */
    unsigned int gate_stalled;   /* gate ticks without progress */
    unsigned int gate_quiet;     /* gate ticks with nothing queued */
    unsigned int gate_boost;     /* concurrency the gate added */
    _Atomic(BOOL) gate_requested; /* asked the gate to start a worker */
    /* Statistics (stats.c).  Callbacks started are counted by the workers;
     * queued = submitted - started - dropped, in modular arithmetic. */
    struct list stats_entry;     /* in the process's list of pools */
    struct list workers;         /* the workers' counters, under lock */
    ULONGLONG retired_started[PORT_PRIORITIES];  /* of the workers gone, under lock */
    atomic_uint submitted[PORT_PRIORITIES];
    atomic_uint dropped[PORT_PRIORITIES];
    atomic_uint waits_armed;
    struct mem_cache simple_objects;  /* the memory of simple callbacks */
    /* The monitor's own: since when work has been queued with every worker
     * busy (0: not so), and whether that was reported. */
    LONGLONG monitor_starved_since;
    BOOL monitor_starved_reported;
    unsigned int monitor_reports;
};

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
/* Queues a packet and starts a worker if the port has none to take it. */
void pool_post(struct tp_pool *pool, struct port_packet *packet);
/* pool_post during an expiry: a worker is asked for at its end. */
void pool_post_expiring(struct tp_pool *pool, struct port_packet *packet, struct expiry *expiry);
/* pool_post by the worker that took the packet (port_repost). */
void pool_repost(struct tp_pool *pool, struct port_packet *packet);
/* Starts a worker if the policy allows: below the maximum, and fewer
 * running or starting than the port's concurrency.  STATUS_TOO_MANY_THREADS
 * when the policy refuses, otherwise the thread start's status. */
NTSTATUS pool_grow(struct tp_pool *pool);
/* Starts a worker if the pool has none. */
void pool_prepare_worker(struct tp_pool *pool);
/* pool_grow in two steps, for callers that decide under their own lock:
 * the reservation keeps the pool alive until the start. */
BOOL pool_reserve_worker(struct tp_pool *pool);
NTSTATUS pool_start_reserved(struct tp_pool *pool);
/* What an expiry's posts needed (another worker, a poke of the gate), if
 * the queue still needs it. */
void pool_expiry_done(struct tp_pool *pool, struct expiry *expiry);
/* Called by an exiting worker thread; may free the pool. */
void pool_worker_exited(struct tp_pool *pool, struct tp_worker *worker, BOOL pass_shutdown);
/* Called by a worker whose wait timed out or after a callback: TRUE if it
 * may exit now (the policy count is already lowered). */
BOOL pool_worker_may_retire(struct tp_pool *pool, BOOL idle);

/* Timer queue operations.  insert returns TRUE when the caller must call
 * timer_nudge() once it holds no lock (the duty holder must wake up). */
void timer_queue_init(struct timer_queue *queue);
BOOL timer_queue_insert(struct tp_pool *pool, struct timer_entry *entry, enum timer_clock clock,
                        LONGLONG start, LONGLONG end);
BOOL timer_queue_remove(struct tp_pool *pool, struct timer_entry *entry);
/* expiry: the one under way on this thread, or NULL. */
void timer_nudge(struct tp_pool *pool, struct expiry *expiry);
/* For workers: take the duty (returns its deadline, or TIMEOUT_INFINITE
 * and *duty = 0 when another worker holds it or no timer is queued),
 * give it back, expire what is due (TRUE if anything expired). */
LONGLONG timer_duty_take(struct tp_pool *pool, unsigned int *duty);
void timer_duty_release(struct tp_pool *pool, unsigned int duty, BOOL hand_over);
BOOL timer_queue_expire(struct tp_pool *pool, struct expiry *expiry);
void timer_nudge_received(struct tp_pool *pool);
/* Turns a due time (NT encoding: 0 now, negative relative in 100 ns,
 * positive absolute system time) into a clock and a start. */
enum timer_clock timer_due_time(LONGLONG due, LONGLONG *start);

/* The persistent worker, started with the pool's first persistent object;
 * it lives as long as the pool and counts in num_threads. */
NTSTATUS persistent_start(struct tp_pool *pool);
void persistent_post(struct tp_pool *pool, struct port_packet *packet);
void persistent_stop(struct tp_pool *pool);
void persistent_free(struct tp_pool *pool);

/* The starvation gate: raises the concurrency of pools whose queued work
 * makes no progress because their workers block where tpool cannot see,
 * and lowers it back once their queue stays empty. */
void gate_register(struct tp_pool *pool);
void gate_unregister(struct tp_pool *pool);
/* Starts the gate's thread if it is not running yet (with each new pool). */
void gate_prepare(void);

/* ---- The monitor (monitor.c) ---------------------------------------------
 * One process-wide thread, started with the first pool unless both are
 * off: publishes the pools' counters for tools/tpool-top (TPOOL_PUBLISH,
 * on by default) and reports stuck callbacks and starved pools on stderr
 * (TPOOL_STUCK_MS, off by default). */
void monitor_prepare(void);
void gate_poke(void);
/* Has the gate's thread start a worker for `pool` at once if its queue
 * still has no worker to take it, for callers that must not wait for a
 * thread start themselves. */
void gate_request_worker(struct tp_pool *pool);

/* ---- Workers and callback instances ------------------------------------ */

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

struct tp_worker
{
    struct tp_pool *pool;
    struct tp_instance *instance;   /* callback being run, if any */
    /* The callback running and its type's ops, for the monitor (written by
     * the worker, relaxed; NULL between callbacks). */
    _Atomic(const void *) running_callback;
    _Atomic(const struct tp_object_ops *) running_ops;
    DWORD thread_id;
    /* The monitor's own, under the pool lock: the worker's started count
     * when it first saw the current callback, and when. */
    ULONGLONG monitor_started;
    LONGLONG monitor_since;
    BOOL monitor_reported;
    struct list stats_entry;        /* in pool->workers */
    atomic_ullong started[PORT_PRIORITIES];  /* written by the worker only */
};

NTSTATUS worker_start(struct tp_pool *pool);
/* The calling thread's worker (a pool's, or a persistent worker), or NULL. */
struct tp_worker *worker_current(void);
void worker_set_current(struct tp_worker *worker);

/* ---- Statistics (stats.c) ------------------------------------------------ */

void stats_pool_register(struct tp_pool *pool);
/* Calls `visit` for each pool alive, under the statistics lock (which the
 * pools' locks follow). */
void stats_walk_pools(void (*visit)(struct tp_pool *pool, void *context), void *context);
/* The pool is being freed: its callbacks join the process's total. */
void stats_pool_unregister(struct tp_pool *pool);
/* Under the pool lock: a worker's counters join or leave the pool's. */
void stats_worker_attach(struct tp_pool *pool, struct tp_worker *worker);
void stats_worker_detach(struct tp_pool *pool, struct tp_worker *worker);
/* The priority a packet is queued with: the index of its counters. */
static inline unsigned int stats_priority(const struct port_packet *packet)
{
    return packet->priority < PORT_PRIORITIES ? packet->priority : PORT_PRIORITIES - 1;
}
static inline void stats_count_started(struct tp_worker *worker, unsigned int priority)
{
    atomic_store_explicit(&worker->started[priority],
                          atomic_load_explicit(&worker->started[priority], memory_order_relaxed) + 1,
                          memory_order_relaxed);
}
static inline void stats_count(atomic_uint *counter, unsigned int count)
{
    atomic_fetch_add_explicit(counter, count, memory_order_relaxed);
}
/* Under the timer queue lock: an expiry `late` (100 ns units) after due. */
void stats_timer_lateness(struct timer_queue *queue, LONGLONG late);
void pool_query_stats(struct tp_pool *pool, TPOOL_STATS *stats);
void process_query_stats(TPOOL_PROCESS_STATS *stats);
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
    struct lock lock;            /* guards the fields below up to idle_seq */
    ULONG pending;               /* submitted callbacks not started yet */
    ULONG running;               /* started callbacks still associated */
    ULONG executing;             /* started callbacks still running, associated or not */
    BOOL packet_held;            /* packet on the port or in a worker's hands */
    BOOL app_closed;             /* the application (or its cleanup group) released it */
    ULONG waiters;
    atomic_int idle_seq;         /* bumped when a callback completes, for waiters */
    atomic_int sleepers;         /* waiters past their spin, asleep on idle_seq */
    atomic_long refs;            /* the application's, the packet's, one per running callback */
    /* Set when created, or rarely changed. */
    ULONG tag;
    const struct tp_object_ops *ops;
    void *callback;
    const void *shown_callback;  /* what diagnostics name: callback, or the function a wrapper calls */
    void *context;
    struct tp_env env;
    struct port_packet packet;
    struct list group_entry;     /* guarded by the group's lock */
    BOOL group_member;
    /* Called with the context once the object is freed: none of its
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
    ULONG tag;
    atomic_long refs;            /* the application's, one per member */
    struct lock lock;
    struct list members;
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

/* Guarded by the object lock. */
struct tp_io
{
    struct tp_object object;
    void *win32_callback;        /* free for layer 3 (kernelbase keeps it there too) */
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
