/*
 * Layer 2: pools and their workers, the starvation gate, the persistent
 * worker, the monitor and the statistics, which all read a pool's own
 * fields.  Private to the core.
 */

#ifndef TPOOL_POOL_H
#define TPOOL_POOL_H

#include "core.h"
#include "timer_queue.h"

/* ---- Pools (pool.c) ------------------------------------------------------ */

/* The letters are core.h's.  A field marked P and A is changed under the
 * pool lock and read without it. */
struct tp_pool
{
    ULONG tag;                   /* I, then TP_TAG_FREED */
    atomic_long refs;            /* A: the application's, plus one per object */
    struct lock lock;
    struct port port;            /* its own lock (sys.h) */
    BOOL is_default;             /* I */
    _Atomic(BOOL) shutdown;      /* P, A: read by the gate and the workers */
    atomic_uint max_workers;     /* P, A: read by the workers */
    unsigned int min_workers;    /* P */
    atomic_uint num_workers;     /* P, A: counted by the policy, starting ones included */
    atomic_uint num_starting;    /* P, A: read by the gate */
    unsigned int num_threads;    /* P: threads still using the pool's memory */
    SIZE_T stack_reserve;        /* P */
    SIZE_T stack_commit;         /* P */
    struct port_packet shutdown_packet;  /* I */
    struct timer_queue timers;   /* Q */
    _Atomic(struct io_port *) io_port;  /* A: created with the first I/O object */
    atomic_int persistent_started;  /* A: once_start()'s state for persistent */
    struct persistent_worker *persistent;  /* set before persistent_started says so */
    struct list gate_entry;      /* T: in the starvation gate's list */
    BOOL gate_watching;          /* T: the gate saw the queue non-empty last tick */
    unsigned long gate_removed;  /* T: port->removed at the gate's last look */
    unsigned int gate_stalled;   /* T: gate ticks without progress */
    unsigned int gate_quiet;     /* T: gate ticks with nothing queued */
    unsigned int gate_boost;     /* T: concurrency the gate added */
    _Atomic(BOOL) gate_requested; /* A: asked the gate to start a worker */
    /* Statistics (stats.c).  Callbacks started are counted by the workers;
     * queued = submitted - started - dropped, in modular arithmetic. */
    struct list stats_entry;     /* S: in the process's list of pools */
    struct list workers;         /* P: the workers' counters */
    ULONGLONG retired_started[PORT_PRIORITIES];  /* P: of the workers gone */
    atomic_uint submitted[PORT_PRIORITIES];      /* A */
    atomic_uint dropped[PORT_PRIORITIES];        /* A */
    atomic_uint waits_armed;     /* A */
    struct mem_cache simple_objects;  /* its own lock: the memory of simple callbacks */
    /* M: since when work has been queued with every worker busy (0: not
     * so), whether that was reported, and the reports made. */
    LONGLONG monitor_starved_since;
    BOOL monitor_starved_reported;
    unsigned int monitor_reports;
};

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
/* Wakes the gate's thread for a look at once. */
void gate_poke(void);
/* Has the gate's thread start a worker for `pool` at once if its queue
 * still has no worker to take it, for callers that must not wait for a
 * thread start themselves. */
void gate_request_worker(struct tp_pool *pool);

/* ---- The monitor (monitor.c) ---------------------------------------------
 * One process-wide thread, started with the first pool unless both are
 * off: publishes the pools' counters for tools/tpool-top (TPOOL_PUBLISH,
 * on by default) and reports stuck callbacks and starved pools on stderr
 * (TPOOL_STUCK_MS, off by default). */
void monitor_prepare(void);

/* ---- Workers (worker.c) ------------------------------------------------- */

struct tp_worker
{
    struct tp_pool *pool;           /* I */
    struct tp_instance *instance;   /* W: callback being run, if any */
    /* W, A: the callback running and its type's ops, for the monitor
     * (relaxed; NULL between callbacks). */
    _Atomic(const void *) running_callback;
    _Atomic(const struct tp_object_ops *) running_ops;
    DWORD thread_id;                /* I */
    struct thread_state *thread;    /* I: its layer 1 state (blocked, read relaxed) */
    /* I: its CPU clock, if it has one (has_cpu_clock); T: the gate's last
     * sample of it, when (0: none), and whether it was blocked before. */
    struct thread_cpu_clock cpu_clock;
    BOOL has_cpu_clock;
    LONGLONG gate_cpu;
    LONGLONG gate_cpu_at;
    BOOL gate_blocked;
    /* M, under the pool lock: the worker's started count when the monitor
     * first saw the current callback, and when. */
    ULONGLONG monitor_started;
    LONGLONG monitor_since;
    BOOL monitor_reported;
    struct list stats_entry;        /* P: in pool->workers */
    atomic_ullong started[PORT_PRIORITIES];  /* W, A: read by the statistics */
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

#endif
