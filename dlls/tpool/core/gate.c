/*
 * Layer 2: the starvation gate.
 *
 * Workers that block inside tpool (its waits, CallbackMayRunLong) leave the
 * port's running count, so other workers take over at once.  Blocking that
 * tpool cannot see (Sleep, a kernel wait under Windows) keeps them counted:
 * one process-wide gate thread then watches the pools that have queued
 * work, every tick.  It does what NT's queue accounting does, a little
 * later: a worker in a callback whose CPU clock hardly moved over the last
 * two ticks is blocked, and the pool's concurrency is raised to the
 * processors plus the workers so blocked.  For callbacks that run long on
 * the CPU, a queue that makes no progress for a number of ticks that
 * doubles with each step already taken raises it by one.  When the queue
 * stays empty the gate restores it.  The gate sleeps when no pool has
 * queued work.
 */

#include "pool.h"

#define GATE_TICK         (10 * (LONGLONG)TICKS_PER_MS)
#define GATE_QUIET_TICKS  10
#define GATE_MAX_BACKOFF  7
#define GATE_BATCH        16
/* CPU clocks under Wine count in 10 ms steps: a window of two ticks, and a
 * worker that used less than a quarter of it is blocked. */
#define GATE_CPU_WINDOW   (2 * GATE_TICK)
#define GATE_CPU_SHARE    4

enum gate_state
{
    GATE_ASLEEP,
    GATE_WATCHING,
};

static struct lock gate_lock = LOCK_INIT(LOCK_GATE);
static struct list gate_pools = LIST_INIT(gate_pools);
static atomic_int gate_state;
static atomic_int gate_requests;    /* a pool asked for a worker since the gate's last look */
static BOOL gate_started;

void gate_register(struct tp_pool *pool)
{
    lock_acquire(&gate_lock);
    list_add_tail(&gate_pools, &pool->gate_entry);
    lock_release(&gate_lock);
}

void gate_unregister(struct tp_pool *pool)
{
    lock_acquire(&gate_lock);
    list_remove(&pool->gate_entry);
    lock_release(&gate_lock);
}

/* Under the pool lock: whether the worker was blocked outside tpool over
 * its last whole window; takes a new sample when the window is over. */
static BOOL gate_worker_blocked(struct tp_worker *worker, LONGLONG now)
{
    BOOL in_callback = atomic_load_explicit(&worker->running_callback, memory_order_relaxed) != NULL;
    LONGLONG cpu, elapsed = now - worker->gate_cpu_at;

    if (!worker->has_cpu_clock)
        return FALSE;
    if (!in_callback || thread_blocked(worker->thread) || (cpu = thread_cpu_time(&worker->cpu_clock)) < 0)
    {
        worker->gate_cpu_at = 0;
        worker->gate_blocked = FALSE;
        return FALSE;
    }
    if (worker->gate_cpu_at && elapsed < GATE_CPU_WINDOW)
        return worker->gate_blocked;
    worker->gate_blocked = worker->gate_cpu_at && (cpu - worker->gate_cpu) * GATE_CPU_SHARE < elapsed;
    worker->gate_cpu = cpu;
    worker->gate_cpu_at = now;
    return worker->gate_blocked;
}

/* Under gate_lock: the pool's workers blocked outside tpool, as far as
 * their CPU clocks tell. */
static unsigned int gate_blocked_workers(struct tp_pool *pool)
{
    LONGLONG now = clock_monotonic();
    unsigned int blocked = 0;
    struct list *entry;

    lock_acquire(&pool->lock);
    for (entry = pool->workers.next; entry != &pool->workers; entry = entry->next)
        blocked += gate_worker_blocked(LIST_ENTRY(entry, struct tp_worker, stats_entry), now);
    lock_release(&pool->lock);
    return blocked;
}

/* Under gate_lock: looks at one pool; TRUE if it needs another worker. */
static BOOL gate_check_pool(struct tp_pool *pool, BOOL *busy)
{
    struct port *port = &pool->port;
    unsigned long removed = atomic_load(&port->removed);
    unsigned int base = thread_cpu_count(), backoff, blocked;

    if (!port_queued(port))
    {
        pool->gate_watching = FALSE;
        if (pool->gate_boost && ++pool->gate_quiet >= GATE_QUIET_TICKS)
        {
            pool->gate_boost = 0;
            port_set_concurrency(port, base);
        }
        return FALSE;
    }
    *busy = TRUE;
    pool->gate_quiet = 0;
    if ((blocked = gate_blocked_workers(pool)) > pool->gate_boost)
    {
        pool->gate_boost = blocked;
        pool->gate_stalled = 0;
        port_set_concurrency(port, base + blocked);
        return !port_waiting(port);
    }
    /* progress, a worker on its way, or a queue first seen now: watch on */
    if (!pool->gate_watching || removed != pool->gate_removed || atomic_load(&pool->num_starting))
    {
        pool->gate_watching = TRUE;
        pool->gate_removed = removed;
        pool->gate_stalled = 0;
        return FALSE;
    }
    backoff = pool->gate_boost / base;
    if (++pool->gate_stalled < (1u << (backoff < GATE_MAX_BACKOFF ? backoff : GATE_MAX_BACKOFF)))
        return FALSE;
    pool->gate_stalled = 0;
    pool->gate_boost++;
    port_set_concurrency(port, base + pool->gate_boost);
    return !port_waiting(port);
}

/* Starts workers for each pool `needs_worker` picks (under gate_lock), as
 * many as its concurrency lets run; TRUE while some pool has queued work,
 * as far as it tells. */
static BOOL gate_grow_pools(BOOL (*needs_worker)(struct tp_pool *pool, BOOL *busy))
{
    struct tp_pool *grow[GATE_BATCH];
    unsigned int count = 0, i;
    struct list *entry;
    BOOL busy = FALSE;

    lock_acquire(&gate_lock);
    for (entry = gate_pools.next; entry != &gate_pools; entry = entry->next)
    {
        struct tp_pool *pool = LIST_ENTRY(entry, struct tp_pool, gate_entry);
        if (pool->shutdown)
            continue;
        if (!needs_worker(pool, &busy))
            continue;
        while (count < GATE_BATCH && pool_reserve_worker(pool))
            grow[count++] = pool;
    }
    lock_release(&gate_lock);

    for (i = 0; i < count; i++)
        pool_start_reserved(grow[i]);
    return busy;
}

/* One tick: returns TRUE while some pool has queued work. */
static BOOL gate_tick(void)
{
    return gate_grow_pools(gate_check_pool);
}

/* Under gate_lock: the pool asked for a worker (gate_request_worker) and
 * its queue still has no worker to take it. */
static BOOL gate_requested_worker(struct tp_pool *pool, BOOL *busy)
{
    return atomic_exchange(&pool->gate_requested, FALSE) && port_queued(&pool->port) &&
           !port_waiting(&pool->port);
}

/* Sleeps one tick, serving requests as they come. */
static void gate_sleep_tick(void)
{
    LONGLONG deadline = clock_monotonic() + GATE_TICK;

    while (futex_wait(&gate_requests, 0, deadline) != STATUS_TIMEOUT)
        if (atomic_exchange(&gate_requests, 0))
            gate_grow_pools(gate_requested_worker);
}

static void gate_main(void *arg)
{
    unsigned int idle = 0;

    for (;;)
    {
        gate_sleep_tick();
        if (gate_tick())
        {
            idle = 0;
            continue;
        }
        if (++idle < GATE_QUIET_TICKS)
            continue;
        /* A poke that saw GATE_WATCHING just before this store is caught
         * by the tick below. */
        atomic_store(&gate_state, GATE_ASLEEP);
        if (gate_tick())
        {
            int expected = GATE_ASLEEP;
            atomic_compare_exchange_strong(&gate_state, &expected, GATE_WATCHING);
            continue;
        }
        while (atomic_load(&gate_state) == GATE_ASLEEP)
            futex_wait(&gate_state, GATE_ASLEEP, TIMEOUT_INFINITE);
        idle = 0;
    }
}

/* FALSE if the thread could not be started (it is tried again later). */
static BOOL gate_start(BOOL *started_now)
{
    BOOL start;

    lock_acquire(&gate_lock);
    if ((start = !gate_started))
        gate_started = TRUE;
    lock_release(&gate_lock);
    *started_now = start;
    if (!start || !thread_start(gate_main, NULL, "tpool-gate", 0, 0))
        return TRUE;
    lock_acquire(&gate_lock);
    gate_started = FALSE;
    lock_release(&gate_lock);
    return FALSE;
}

/* The thread is started with the first pool rather than by the first poke:
 * a poke comes from a thread posting work, perhaps a worker expiring
 * timers, which must not wait for a thread start (milliseconds under Wine;
 * timers expired 4 ms late behind it).  If it fails, a poke tries again. */
void gate_prepare(void)
{
    BOOL started_now;

    gate_start(&started_now);
}

void gate_poke(void)
{
    BOOL started_now;

    if (atomic_load_explicit(&gate_state, memory_order_relaxed) == GATE_WATCHING)
        return;
    if (atomic_exchange(&gate_state, GATE_WATCHING) == GATE_WATCHING)
        return;
    if (!gate_start(&started_now))
        atomic_store(&gate_state, GATE_ASLEEP);
    else if (!started_now)
        futex_wake_one(&gate_state);
}

void gate_request_worker(struct tp_pool *pool)
{
    atomic_store(&pool->gate_requested, TRUE);
    if (!atomic_exchange(&gate_requests, 1))
        futex_wake_one(&gate_requests);
    gate_poke();
}
