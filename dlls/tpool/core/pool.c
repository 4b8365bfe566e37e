/*
 * Layer 2: pools and their worker policy.
 *
 * A worker is started when work is queued, no worker waits on the port and
 * fewer workers run than the concurrency target (the processor count), up
 * to the pool's maximum.  Workers that block where tpool sees it leave the
 * running count (port accounting); the starvation gate covers the blocking
 * tpool cannot see.  Threads are never created with a lock held.
 */

#include "pool.h"

#define DEFAULT_MAX_WORKERS 500

static _Atomic(struct tp_pool *) default_pool;

static void pool_starved(struct port *port)
{
    struct tp_pool *pool = CONTAINING_RECORD(port, struct tp_pool, port);
    pool_grow(pool);
}

ULONG pool_tag(const struct tp_pool *pool)
{
    return pool->tag;
}

NTSTATUS pool_create(struct tp_pool **out)
{
    struct tp_pool *pool;

    if (!(pool = mem_alloc(sizeof(*pool))))
        return STATUS_NO_MEMORY;
    pool->tag = TP_TAG_POOL;
    atomic_init(&pool->refs, 1);
    lock_init(&pool->lock, LOCK_POOL);
    port_init(&pool->port, thread_cpu_count());
    pool->port.starved = pool_starved;
    pool->max_workers = DEFAULT_MAX_WORKERS;
    thread_default_stack(&pool->stack_reserve, &pool->stack_commit);
    timer_queue_init(&pool->timers);
    mem_cache_init(&pool->simple_objects, sizeof(struct tp_object));
    stats_pool_register(pool);
    gate_register(pool);
    gate_prepare();
    monitor_prepare();
    *out = pool;
    return STATUS_SUCCESS;
}

NTSTATUS pool_default(struct tp_pool **out)
{
    struct tp_pool *pool = atomic_load(&default_pool), *expected = NULL;
    NTSTATUS status;

    if (!pool)
    {
        if ((status = pool_create(&pool)))
            return status;
        pool->is_default = TRUE;
        if (!atomic_compare_exchange_strong(&default_pool, &expected, pool))
        {
            gate_unregister(pool);
            stats_pool_unregister(pool);
            mem_free(pool);
            pool = expected;
        }
    }
    *out = pool;
    return STATUS_SUCCESS;
}

BOOL pool_is_default(struct tp_pool *pool)
{
    return pool == atomic_load(&default_pool);
}

void pool_addref(struct tp_pool *pool)
{
    if (!pool->is_default)
        atomic_fetch_add(&pool->refs, 1);
}

static void pool_free(struct tp_pool *pool)
{
    gate_unregister(pool);
    stats_pool_unregister(pool);
    io_pool_free(pool);
    persistent_free(pool);
    mem_cache_destroy(&pool->simple_objects);
    pool->tag = TP_TAG_FREED;
    mem_free(pool);
}

/* The last reference is gone: no object is bound, so nothing is queued.
 * Workers exit one after another through the shutdown packet. */
void pool_release(struct tp_pool *pool)
{
    unsigned int threads;
    BOOL last;

    if (pool->is_default || atomic_fetch_sub(&pool->refs, 1) != 1)
        return;
    /* The caller counts as one of the pool's threads until both packets
     * are posted: the last worker to exit frees the pool. */
    lock_acquire(&pool->lock);
    pool->shutdown = TRUE;
    threads = pool->num_threads;
    if (threads)
        pool->num_threads++;
    lock_release(&pool->lock);
    if (!threads)
    {
        pool_free(pool);
        return;
    }
    port_post(&pool->port, &pool->shutdown_packet);
    persistent_stop(pool);
    lock_acquire(&pool->lock);
    last = !--pool->num_threads;
    lock_release(&pool->lock);
    if (last)
        pool_free(pool);
}

void pool_worker_exited(struct tp_pool *pool, struct tp_worker *worker, BOOL pass_shutdown)
{
    BOOL last;

    /* posted while this thread still counts: the pool lives until then */
    if (pass_shutdown)
        port_post(&pool->port, &pool->shutdown_packet);
    lock_acquire(&pool->lock);
    stats_worker_detach(pool, worker);
    pool->num_threads--;
    last = pool->shutdown && !pool->num_threads;
    lock_release(&pool->lock);
    if (last)
        pool_free(pool);
}

BOOL pool_worker_may_retire(struct tp_pool *pool, BOOL idle)
{
    BOOL retire = FALSE;

    lock_acquire(&pool->lock);
    if (pool->num_workers > pool->min_workers && !pool->shutdown &&
        (pool->num_workers > pool->max_workers || (idle && !port_queued(&pool->port))))
    {
        pool->num_workers--;
        retire = TRUE;
    }
    lock_release(&pool->lock);
    return retire;
}

BOOL pool_reserve_worker(struct tp_pool *pool)
{
    BOOL reserve;

    lock_acquire(&pool->lock);
    reserve = !pool->shutdown && pool->num_workers < pool->max_workers &&
              port_running(&pool->port) + pool->num_starting < port_concurrency(&pool->port);
    if (reserve)
    {
        pool->num_workers++;
        pool->num_starting++;
        pool->num_threads++;
    }
    lock_release(&pool->lock);
    return reserve;
}

static void pool_unreserve_worker(struct tp_pool *pool)
{
    BOOL last;

    lock_acquire(&pool->lock);
    pool->num_workers--;
    pool->num_starting--;
    pool->num_threads--;
    last = pool->shutdown && !pool->num_threads;
    lock_release(&pool->lock);
    if (last)
        pool_free(pool);
}

NTSTATUS pool_start_reserved(struct tp_pool *pool)
{
    NTSTATUS status;

    if ((status = worker_start(pool)))
        pool_unreserve_worker(pool);
    return status;
}

/* A pool's first timer starts its first worker, which will expire the
 * timers: under Wine a thread runs 3.5 ms after it is started, and the
 * first timers set would wait for that (the tail of the lateness in a
 * burst of SetThreadpoolTimer).  A failure is not the timer's: a worker is
 * started again when a timer is due. */
void pool_prepare_worker(struct tp_pool *pool)
{
    BOOL none;

    lock_acquire(&pool->lock);
    none = !pool->num_workers;
    lock_release(&pool->lock);
    if (none)
        pool_grow(pool);
}

NTSTATUS pool_grow(struct tp_pool *pool)
{
    if (!pool_reserve_worker(pool))
        return STATUS_TOO_MANY_THREADS;
    return pool_start_reserved(pool);
}

static void pool_posted(struct tp_pool *pool, enum port_post_result result)
{
    if (result == PORT_POST_HANDED)
        return;
    /* when no worker can be started now, the gate retries */
    if (result == PORT_POST_QUEUED || pool_grow(pool) != STATUS_SUCCESS)
        gate_poke();
}

void pool_post_expiring(struct tp_pool *pool, struct port_packet *packet, struct expiry *expiry)
{
    if (port_post(&pool->port, packet) != PORT_POST_HANDED)
        expiry->wants_worker = TRUE;
}

/* The worker goes back to its timers at once: the gate starts the thread. */
void pool_expiry_done(struct tp_pool *pool, struct expiry *expiry)
{
    if (!expiry->wants_worker || !port_queued(&pool->port))
        return;
    if (port_waiting(&pool->port))
        gate_poke();
    else
        gate_request_worker(pool);
}

void pool_post(struct tp_pool *pool, struct port_packet *packet)
{
    pool_posted(pool, port_post(&pool->port, packet));
}

void pool_repost(struct tp_pool *pool, struct port_packet *packet)
{
    pool_posted(pool, port_repost(&pool->port, packet));
}

void pool_set_max_workers(struct tp_pool *pool, DWORD max)
{
    if (!max)
        max = 1;
    lock_acquire(&pool->lock);
    pool->max_workers = max;
    if (pool->min_workers > max)
        pool->min_workers = max;
    lock_release(&pool->lock);
}

/* A minimum whose threads cannot all be started is not kept: the pool
 * goes back to its previous minimum and maximum, unless another call
 * changed them meanwhile. */
static void pool_restore_limits(struct tp_pool *pool, DWORD min, DWORD old_min, DWORD old_max)
{
    lock_acquire(&pool->lock);
    if (pool->min_workers == min)
    {
        pool->min_workers = old_min;
        if (pool->max_workers == min)
            pool->max_workers = old_max;
    }
    lock_release(&pool->lock);
}

NTSTATUS pool_set_min_workers(struct tp_pool *pool, DWORD min)
{
    NTSTATUS status = STATUS_SUCCESS;
    DWORD old_min, old_max;
    unsigned int missing;

    lock_acquire(&pool->lock);
    old_min = pool->min_workers;
    old_max = pool->max_workers;
    pool->min_workers = min;
    if (pool->max_workers < min)
        pool->max_workers = min;
    missing = pool->num_workers < min ? min - pool->num_workers : 0;
    pool->num_workers += missing;
    pool->num_starting += missing;
    pool->num_threads += missing;
    lock_release(&pool->lock);

    while (missing)
    {
        missing--;
        if ((status = worker_start(pool)))
        {
            pool_unreserve_worker(pool);
            break;
        }
    }
    while (missing--)
        pool_unreserve_worker(pool);
    if (status)
        pool_restore_limits(pool, min, old_min, old_max);
    return status;
}

void pool_set_stack(struct tp_pool *pool, SIZE_T reserve, SIZE_T commit)
{
    lock_acquire(&pool->lock);
    pool->stack_reserve = reserve;
    pool->stack_commit = commit;
    lock_release(&pool->lock);
}

void pool_query_stack(struct tp_pool *pool, SIZE_T *reserve, SIZE_T *commit)
{
    lock_acquire(&pool->lock);
    *reserve = pool->stack_reserve;
    *commit = pool->stack_commit;
    lock_release(&pool->lock);
}
