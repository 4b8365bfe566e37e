/*
 * Layer 2: the monitor, tpool's view of itself from outside the callback
 * path (docs/diagnostics.md).
 *
 * One process-wide thread wakes every interval and walks the pools: it
 * copies their counters into the shared block tools/tpool-top reads
 * (TPOOL_PUBLISH=0 turns that off), and with TPOOL_STUCK_MS=N reports on
 * stderr, once each, a callback that has run for N ms and a pool whose
 * work has waited N ms with every worker busy.  The workers only store
 * the callback they run (two relaxed stores a callback); how long it has
 * run is the monitor's own reckoning: it notes when it first saw the
 * worker in that callback (the worker's started count tells one callback
 * from the next), so durations are exact to one interval.
 */

#include <string.h>

#include "pool.h"
#include "report.h"
#include "tpoolshared.h"

#define MONITOR_PUBLISH_MS 1000
#define MONITOR_MIN_MS     10

static struct
{
    ULONG stuck_ms;              /* 0: no reports */
    ULONG interval_ms;
    TPOOL_SHARED_BLOCK *block;   /* NULL: not published */
    BOOL started;
} monitor;

static struct lock monitor_lock = LOCK_INIT(LOCK_MONITOR);

/* What one walk over the pools gathers. */
struct monitor_walk
{
    LONGLONG now;
    unsigned int entries;
};

static ULONG ticks_to_ms(LONGLONG ticks)
{
    return (ULONG)(ticks / TICKS_PER_MS);
}

static void report_stuck(struct tp_pool *pool, const struct tp_object_ops *ops, const void *callback,
                         DWORD thread, ULONG ms, const TPOOL_STATS *stats)
{
    char module[64], line[256];
    ULONG_PTR offset;

    report_code_module(callback, module, sizeof(module), &offset);
    text_format(line, sizeof(line),
                "tpool: stuck callback: %s callback %s+0x%lx has run for %lu ms on thread 0x%lx;"
                " pool %p has %lu callbacks queued\n", ops ? ops->kind : "?", module,
                (unsigned long)offset, (unsigned long)ms, (unsigned long)thread, (void *)pool,
                (unsigned long)(stats->queued[0] + stats->queued[1] + stats->queued[2]));
    report_write(line);
    pool->monitor_reports++;
}

/* Under the pool lock: the callback running longest in the pool, and the
 * reports of those that have run for the threshold (copied out first:
 * nothing is written with the pool lock held). */
struct running
{
    const void *callback;
    const struct tp_object_ops *ops;
    DWORD thread;
    ULONG ms;
};

static unsigned int scan_workers(struct tp_pool *pool, LONGLONG now, struct running *longest,
                                 struct running *stuck, unsigned int max_stuck)
{
    struct list *entry;
    unsigned int count = 0, i;

    memset(longest, 0, sizeof(*longest));
    for (entry = pool->workers.next; entry != &pool->workers; entry = entry->next)
    {
        struct tp_worker *worker = LIST_ENTRY(entry, struct tp_worker, stats_entry);
        const void *callback = atomic_load_explicit(&worker->running_callback, memory_order_relaxed);
        ULONGLONG started = 0;
        struct running seen;

        for (i = 0; i < PORT_PRIORITIES; i++)
            started += atomic_load_explicit(&worker->started[i], memory_order_relaxed);
        if (!callback)
        {
            worker->monitor_since = 0;
            continue;
        }
        if (!worker->monitor_since || started != worker->monitor_started)
        {
            worker->monitor_started = started;
            worker->monitor_since = now;
            worker->monitor_reported = FALSE;
        }
        seen.callback = callback;
        seen.ops = atomic_load_explicit(&worker->running_ops, memory_order_relaxed);
        seen.thread = worker->thread_id;
        seen.ms = ticks_to_ms(now - worker->monitor_since);
        if (!longest->callback || seen.ms > longest->ms)
            *longest = seen;
        if (monitor.stuck_ms && seen.ms >= monitor.stuck_ms && !worker->monitor_reported &&
            count < max_stuck)
        {
            worker->monitor_reported = TRUE;
            stuck[count++] = seen;
        }
    }
    return count;
}

/* Work queued and no worker idle, for the threshold: reported once until
 * the pool catches up. */
static ULONG check_starved(struct tp_pool *pool, LONGLONG now, const TPOOL_STATS *stats)
{
    unsigned int queued = stats->queued[0] + stats->queued[1] + stats->queued[2];
    char line[160];
    ULONG ms;

    if (!queued || stats->workers_idle || !stats->workers)
    {
        pool->monitor_starved_since = 0;
        pool->monitor_starved_reported = FALSE;
        return 0;
    }
    if (!pool->monitor_starved_since)
        pool->monitor_starved_since = now;
    ms = ticks_to_ms(now - pool->monitor_starved_since);
    if (monitor.stuck_ms && ms >= monitor.stuck_ms && !pool->monitor_starved_reported)
    {
        pool->monitor_starved_reported = TRUE;
        text_format(line, sizeof(line),
                    "tpool: starved pool %p: %u callbacks queued for %lu ms, all %lu workers busy\n",
                    (void *)pool, queued, (unsigned long)ms, (unsigned long)stats->workers);
        report_write(line);
        pool->monitor_reports++;
    }
    return ms;
}

static void publish_pool(TPOOL_SHARED_POOL *entry, struct tp_pool *pool, const TPOOL_STATS *stats,
                         const struct running *longest, ULONG starved_ms)
{
    ULONG_PTR offset = 0;
    unsigned int i;

    memset(entry, 0, sizeof(*entry));
    entry->id = (uint64_t)(ULONG_PTR)pool;
    entry->callbacks = stats->callbacks;
    for (i = 0; i < TPOOL_SHARED_LATENESS; i++)
        entry->lateness[i] = stats->timer_lateness[i];
    entry->workers = stats->workers;
    entry->workers_busy = stats->workers_busy;
    entry->workers_idle = stats->workers_idle;
    for (i = 0; i < 3; i++)
        entry->queued[i] = stats->queued[i];
    entry->timers_armed = stats->timers_armed;
    entry->waits_armed = stats->waits_armed;
    entry->starved_ms = starved_ms;
    entry->stuck_reports = pool->monitor_reports;
    entry->is_default = pool_is_default(pool);
    if (longest->callback)
    {
        report_code_module(longest->callback, entry->longest_module, sizeof(entry->longest_module),
                           &offset);
        entry->longest_callback = (uint64_t)(ULONG_PTR)longest->callback;
        entry->longest_offset = offset;
        entry->longest_ms = longest->ms;
        entry->longest_thread = longest->thread;
        text_format(entry->longest_kind, sizeof(entry->longest_kind), "%s",
                    longest->ops ? longest->ops->kind : "?");
    }
}

static void monitor_pool(struct tp_pool *pool, void *context)
{
    struct monitor_walk *walk = context;
    TPOOL_STATS stats;
    struct running longest, stuck[4];
    unsigned int count, i;
    ULONG starved_ms;

    memset(&stats, 0, sizeof(stats));
    pool_query_stats(pool, &stats);
    lock_acquire(&pool->lock);
    count = scan_workers(pool, walk->now, &longest, stuck, sizeof(stuck) / sizeof(stuck[0]));
    lock_release(&pool->lock);
    for (i = 0; i < count; i++)
        report_stuck(pool, stuck[i].ops, stuck[i].callback, stuck[i].thread, stuck[i].ms, &stats);
    starved_ms = check_starved(pool, walk->now, &stats);
    if (monitor.block && walk->entries < TPOOL_SHARED_POOLS)
        publish_pool(&monitor.block->pool[walk->entries++], pool, &stats, &longest, starved_ms);
}

static void monitor_tick(void)
{
    TPOOL_SHARED_BLOCK *block = monitor.block;
    TPOOL_PROCESS_STATS process;
    struct monitor_walk walk = { clock_monotonic(), 0 };

    memset(&process, 0, sizeof(process));
    if (block)
    {
        process_query_stats(&process);
        atomic_store_explicit((atomic_uint *)&block->sequence, block->sequence + 1, memory_order_relaxed);
        atomic_thread_fence(memory_order_release);
    }
    stats_walk_pools(monitor_pool, &walk);
    if (!block)
        return;
    block->pools = process.pools;
    block->pool_entries = walk.entries;
    block->callbacks = process.callbacks;
    block->wait_threads = process.wait_threads;
    block->updates++;
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit((atomic_uint *)&block->sequence, block->sequence + 1, memory_order_relaxed);
}

static TPOOL_SHARED_BLOCK *block_create(void)
{
    TPOOL_SHARED_BLOCK *block = shared_block_create(sizeof(*block));

    if (!block)
        return NULL;
    memcpy(block->magic, TPOOL_SHARED_MAGIC, sizeof(block->magic));
    block->size = sizeof(*block);
    block->pid = report_process(block->process, sizeof(block->process));
    block->interval_ms = monitor.interval_ms;
    return block;
}

static void monitor_main(void *arg)
{
    LONGLONG next = clock_monotonic();

    if (arg)
        monitor.block = block_create();
    for (;;)
    {
        next += (LONGLONG)monitor.interval_ms * TICKS_PER_MS;
        clock_sleep_until(next);
        monitor_tick();
    }
}

/* With the first pool, outside any lock.  A thread that cannot be started
 * leaves the process unmonitored. */
void monitor_prepare(void)
{
    BOOL publish;

    lock_acquire(&monitor_lock);
    if (monitor.started)
    {
        lock_release(&monitor_lock);
        return;
    }
    monitor.started = TRUE;
    lock_release(&monitor_lock);

    monitor.stuck_ms = report_env_number("TPOOL_STUCK_MS", 0);
    publish = report_env_number("TPOOL_PUBLISH", 1) != 0;
    if (!monitor.stuck_ms && !publish)
        return;
    monitor.interval_ms = report_env_number("TPOOL_PUBLISH_MS", MONITOR_PUBLISH_MS);
    if (monitor.stuck_ms && monitor.interval_ms > monitor.stuck_ms / 4)
        monitor.interval_ms = monitor.stuck_ms / 4;
    if (monitor.interval_ms < MONITOR_MIN_MS)
        monitor.interval_ms = MONITOR_MIN_MS;
    /* the block is made by the monitor, not on the application's thread */
    thread_start(monitor_main, publish ? &monitor : NULL, "tpool-monitor", 0, 0);
}
