/*
 * Layer 2: the statistics tpool_query_stats reports.
 *
 * Nothing here is on the callback path but plain stores: every worker
 * counts the callbacks it starts in its own counters, which the pool lists
 * while the worker lives and adds to its totals when it exits.  Submissions
 * and drops are relaxed atomic counters of the pool; the rest is read from
 * state the pool keeps anyway (its port, its timer queue).
 */

#include <string.h>

#include "pool.h"
#include "wait_packet.h"

static struct lock stats_lock = LOCK_INIT(LOCK_STATISTICS);
static struct list stats_pools = LIST_INIT(stats_pools);
static unsigned int stats_pool_count;
static ULONGLONG stats_retired_callbacks;   /* of the pools freed */

void stats_pool_register(struct tp_pool *pool)
{
    list_init(&pool->workers);
    lock_acquire(&stats_lock);
    list_add_tail(&stats_pools, &pool->stats_entry);
    stats_pool_count++;
    lock_release(&stats_lock);
}

/* Under the pool lock. */
static ULONGLONG pool_started(struct tp_pool *pool, ULONGLONG started[PORT_PRIORITIES])
{
    struct tp_worker *worker;
    ULONGLONG total = 0;
    struct list *entry;
    unsigned int i;

    for (i = 0; i < PORT_PRIORITIES; i++)
        started[i] = pool->retired_started[i];
    for (entry = pool->workers.next; entry != &pool->workers; entry = entry->next)
    {
        worker = LIST_ENTRY(entry, struct tp_worker, stats_entry);
        for (i = 0; i < PORT_PRIORITIES; i++)
            started[i] += atomic_load_explicit(&worker->started[i], memory_order_relaxed);
    }
    for (i = 0; i < PORT_PRIORITIES; i++)
        total += started[i];
    return total;
}

void stats_walk_pools(void (*visit)(struct tp_pool *pool, void *context), void *context)
{
    struct list *entry;

    lock_acquire(&stats_lock);
    for (entry = stats_pools.next; entry != &stats_pools; entry = entry->next)
        visit(LIST_ENTRY(entry, struct tp_pool, stats_entry), context);
    lock_release(&stats_lock);
}

void stats_pool_unregister(struct tp_pool *pool)
{
    ULONGLONG started[PORT_PRIORITIES], total;

    lock_acquire(&stats_lock);
    lock_acquire(&pool->lock);
    total = pool_started(pool, started);
    lock_release(&pool->lock);
    list_remove(&pool->stats_entry);
    stats_pool_count--;
    stats_retired_callbacks += total;
    lock_release(&stats_lock);
}

void stats_worker_attach(struct tp_pool *pool, struct tp_worker *worker)
{
    list_add_tail(&pool->workers, &worker->stats_entry);
}

void stats_worker_detach(struct tp_pool *pool, struct tp_worker *worker)
{
    unsigned int i;

    for (i = 0; i < PORT_PRIORITIES; i++)
        pool->retired_started[i] += atomic_load_explicit(&worker->started[i], memory_order_relaxed);
    list_remove(&worker->stats_entry);
}

void stats_timer_lateness(struct timer_queue *queue, LONGLONG late)
{
    ULONGLONG us = late > 0 ? (ULONGLONG)late / 10 : 0;
    unsigned int bucket = 0;

    while (us && bucket < TPOOL_LATENESS_BUCKETS - 1)
    {
        us >>= 1;
        bucket++;
    }
    queue->lateness[bucket]++;
}

void pool_query_stats(struct tp_pool *pool, TPOOL_STATS *stats)
{
    ULONGLONG started[PORT_PRIORITIES];
    unsigned int i, dropped[PORT_PRIORITIES], queued;

    /* dropped, then started, then submitted: each read later can only make
     * the difference larger, so it never goes below the true depth */
    for (i = 0; i < PORT_PRIORITIES; i++)
        dropped[i] = atomic_load(&pool->dropped[i]);
    lock_acquire(&pool->lock);
    stats->workers = pool->num_workers;
    stats->workers_idle = port_waiting(&pool->port);
    stats->callbacks = pool_started(pool, started);
    lock_release(&pool->lock);
    for (i = 0; i < PORT_PRIORITIES; i++)
    {
        queued = atomic_load(&pool->submitted[i]) - dropped[i] - (unsigned int)started[i];
        stats->queued[i] = (int)queued < 0 ? 0 : queued;
    }
    if (stats->workers_idle > stats->workers)
        stats->workers_idle = stats->workers;
    stats->workers_busy = stats->workers - stats->workers_idle;

    lock_acquire(&pool->timers.lock);
    stats->timers_armed = pool->timers.timers;
    memcpy(stats->timer_lateness, pool->timers.lateness, sizeof(stats->timer_lateness));
    lock_release(&pool->timers.lock);
    stats->waits_armed = atomic_load_explicit(&pool->waits_armed, memory_order_relaxed);
    stats->wait_threads = wait_packet_threads();
}

void process_query_stats(TPOOL_PROCESS_STATS *stats)
{
    ULONGLONG started[PORT_PRIORITIES];
    struct tp_pool *pool;
    struct list *entry;

    lock_acquire(&stats_lock);
    stats->pools = stats_pool_count;
    stats->callbacks = stats_retired_callbacks;
    for (entry = stats_pools.next; entry != &stats_pools; entry = entry->next)
    {
        pool = LIST_ENTRY(entry, struct tp_pool, stats_entry);
        lock_acquire(&pool->lock);
        stats->callbacks += pool_started(pool, started);
        lock_release(&pool->lock);
    }
    lock_release(&stats_lock);
    stats->wait_threads = wait_packet_threads();
}
