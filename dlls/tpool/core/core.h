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

#define TP_TAG_POOL    0x6c6f6f50  /* 'Pool' */
#define TP_TAG_WORK    0x6b726f57  /* 'Work' */
#define TP_TAG_SIMPLE  0x706d6953  /* 'Simp' */
#define TP_TAG_FREED   0x65657246  /* 'Free' */

struct tp_pool;
struct tp_object;
struct tp_worker;

/* A callback environment, validated and with the pool resolved. */
struct tp_env
{
    struct tp_pool *pool;
    PTP_SIMPLE_CALLBACK finalization;
    TP_CALLBACK_PRIORITY priority;
    BOOL long_function;
};

/* Reads TP_CALLBACK_ENVIRON V1 or V3 (never past V1 when Version is 1);
 * NULL means the default environment.  Takes a reference on the pool. */
NTSTATUS env_read(const TP_CALLBACK_ENVIRON *environment, struct tp_env *env);
void env_release(struct tp_env *env);

/* ---- Pools ---------------------------------------------------------- */

struct tp_pool
{
    ULONG tag;
    atomic_long refs;            /* the application's, plus one per object */
    struct lock lock;            /* guards the counts and flags below */
    struct port port;
    BOOL is_default;
    BOOL shutdown;
    atomic_uint max_workers;     /* atomic: read without the lock by workers */
    unsigned int min_workers;
    atomic_uint num_workers;     /* counted by the policy, starting ones included */
    unsigned int num_starting;
    unsigned int num_threads;    /* threads still using the pool's memory */
    SIZE_T stack_reserve;
    SIZE_T stack_commit;
    struct port_packet shutdown_packet;
    struct list gate_entry;      /* in the starvation gate's list */
    unsigned long gate_removed;  /* port->removed at the gate's last look */
    unsigned int gate_stalled;   /* gate ticks without progress */
    unsigned int gate_quiet;     /* gate ticks with nothing queued */
    unsigned int gate_boost;     /* concurrency the gate added */
};

NTSTATUS pool_create(struct tp_pool **pool);
NTSTATUS pool_default(struct tp_pool **pool);
void pool_addref(struct tp_pool *pool);
void pool_release(struct tp_pool *pool);
void pool_set_max_workers(struct tp_pool *pool, DWORD max);
NTSTATUS pool_set_min_workers(struct tp_pool *pool, DWORD min);
/* Queues a packet and starts a worker if the port has none to take it. */
void pool_post(struct tp_pool *pool, struct port_packet *packet);
/* Starts a worker if the policy allows: below the maximum, and fewer
 * running or starting than the port's concurrency.  STATUS_TOO_MANY_THREADS
 * when the policy refuses, otherwise the thread start's status. */
NTSTATUS pool_grow(struct tp_pool *pool);
/* pool_grow in two steps, for callers that decide under their own lock:
 * the reservation keeps the pool alive until the start. */
BOOL pool_reserve_worker(struct tp_pool *pool);
NTSTATUS pool_start_reserved(struct tp_pool *pool);
/* Called by an exiting worker thread; may free the pool. */
void pool_worker_exited(struct tp_pool *pool, BOOL pass_shutdown);
/* Called by a worker whose wait timed out or after a callback: TRUE if it
 * may exit now (the policy count is already lowered). */
BOOL pool_worker_may_retire(struct tp_pool *pool, BOOL idle);

/* The starvation gate: raises the concurrency of pools whose queued work
 * makes no progress because their workers block where tpool cannot see,
 * and lowers it back once their queue stays empty. */
void gate_register(struct tp_pool *pool);
void gate_unregister(struct tp_pool *pool);
void gate_poke(void);

/* ---- Workers and callback instances ------------------------------------ */

struct tp_instance
{
    struct tp_object *object;
    struct tp_worker *worker;
    DWORD thread_id;
    BOOL associated;             /* counts for WaitFor...Callbacks */
    BOOL may_run_long;           /* the thread left the port's running count */
};

struct tp_worker
{
    struct tp_pool *pool;
    struct tp_instance *instance;   /* callback being run, if any */
};

NTSTATUS worker_start(struct tp_pool *pool);
/* The instance of the callback running on this thread, or NULL. */
struct tp_instance *instance_current(void);
BOOL instance_may_run_long(struct tp_instance *instance);
void instance_disassociate(struct tp_instance *instance);

/* ---- Objects ----------------------------------------------------------- */

struct tp_object_ops
{
    void (*execute)(struct tp_object *object, struct tp_instance *instance);
};

struct tp_object
{
    ULONG tag;
    const struct tp_object_ops *ops;
    atomic_long refs;            /* the application's, the packet's, one per running callback */
    struct tp_env env;
    struct lock lock;            /* guards the fields below */
    struct port_packet packet;
    ULONG pending;               /* submitted callbacks not started yet */
    ULONG running;               /* started callbacks still associated */
    BOOL packet_held;            /* packet on the port or in a worker's hands */
    ULONG waiters;
    atomic_int idle_seq;         /* bumped when a callback completes, for waiters */
    void *callback;
    void *context;
};

NTSTATUS object_create(struct tp_object **object, SIZE_T size, ULONG tag,
                       const struct tp_object_ops *ops, void *callback, void *context,
                       const TP_CALLBACK_ENVIRON *environment);
void object_addref(struct tp_object *object);
void object_release(struct tp_object *object);
void object_submit(struct tp_object *object);
/* Waits until no callback is pending or running (the caller's own
 * callback excluded); with cancel, pending callbacks are dropped first. */
void object_wait(struct tp_object *object, BOOL cancel_pending);
/* Runs one pending callback; called by a worker that removed the packet. */
void object_dispatch(struct tp_worker *worker, struct port_packet *packet);
void object_callback_done(struct tp_object *object);

/* ---- Work objects and simple callbacks ---------------------------------- */

NTSTATUS work_create(struct tp_object **work, PTP_WORK_CALLBACK callback, void *context,
                     const TP_CALLBACK_ENVIRON *environment);
NTSTATUS simple_submit(PTP_SIMPLE_CALLBACK callback, void *context,
                       const TP_CALLBACK_ENVIRON *environment);

#endif
