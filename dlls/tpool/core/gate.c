/*
 * Layer 2: the starvation gate.
 *
 * Workers that block inside tpool (its waits, CallbackMayRunLong) leave the
 * port's running count, so other workers take over at once.  Blocking that
 * tpool cannot see (Sleep, a kernel wait under Windows) keeps them counted:
 * one process-wide gate thread then watches the pools that have queued
 * work.  When a pool's queue makes no progress for a number of ticks that
 * doubles with each step already taken, the gate raises the pool's
 * concurrency by one; when the queue stays empty it restores it.  The gate
 * sleeps when no pool has queued work.
 */

#include "core.h"

#define GATE_TICK         (10 * (LONGLONG)TICKS_PER_MS)
#define GATE_QUIET_TICKS  10
#define GATE_MAX_BACKOFF  7
#define GATE_BATCH        16

enum gate_state
{
    GATE_ASLEEP,
    GATE_WATCHING,
};

static struct lock gate_lock = LOCK_INIT;
static struct list gate_pools = LIST_INIT(gate_pools);
static atomic_int gate_state;
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

/* Under gate_lock: looks at one pool; TRUE if it needs another worker. */
static BOOL gate_check_pool(struct tp_pool *pool, BOOL *busy)
{
    struct port *port = &pool->port;
    unsigned long removed = atomic_load(&port->removed);
    unsigned int base = thread_cpu_count(), backoff;

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

/* One tick: returns TRUE while some pool has queued work. */
static BOOL gate_tick(void)
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
        if (gate_check_pool(pool, &busy) && count < GATE_BATCH && pool_reserve_worker(pool))
            grow[count++] = pool;
    }
    lock_release(&gate_lock);

    for (i = 0; i < count; i++)
        pool_start_reserved(grow[i]);
    return busy;
}

static void gate_main(void *arg)
{
    unsigned int idle = 0;

    for (;;)
    {
        clock_sleep_until(clock_monotonic() + GATE_TICK);
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

void gate_poke(void)
{
    BOOL start;

    if (atomic_load_explicit(&gate_state, memory_order_relaxed) == GATE_WATCHING)
        return;
    if (atomic_exchange(&gate_state, GATE_WATCHING) == GATE_WATCHING)
        return;

    lock_acquire(&gate_lock);
    if ((start = !gate_started))
        gate_started = TRUE;
    lock_release(&gate_lock);
    if (!start)
    {
        futex_wake_one(&gate_state);
        return;
    }
    if (thread_start(gate_main, NULL, 0, 0))
    {
        lock_acquire(&gate_lock);
        gate_started = FALSE;
        lock_release(&gate_lock);
        atomic_store(&gate_state, GATE_ASLEEP);
    }
}
