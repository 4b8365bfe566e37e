/*
 * Layer 2: the persistent worker.
 *
 * Callbacks of an environment marked persistent run on one thread per
 * pool that never exits while the pool lives and, when idle, waits
 * alertably, so that APCs queued to it run (what APC-based APIs need).
 * It has its own port; a post wakes it only when it sleeps.
 */

#include "pool.h"

struct persistent_worker
{
    struct port port;
    struct alertable_event *wake;
    atomic_int sleeping;
    struct port_packet shutdown;
};

static void persistent_main(void *arg)
{
    struct tp_pool *pool = arg;
    struct persistent_worker *persistent = pool->persistent;
    struct tp_worker worker = { .pool = pool };
    struct port_packet *packet;

    worker_set_current(&worker);
    lock_acquire(&pool->lock);
    stats_worker_attach(pool, &worker);
    lock_release(&pool->lock);
    for (;;)
    {
        if (!port_remove(&persistent->port, &packet, clock_monotonic()))
        {
            if (packet == &persistent->shutdown)
                break;
            object_dispatch(&worker, packet);
            continue;
        }
        atomic_store(&persistent->sleeping, 1);
        if (!port_queued(&persistent->port))
            alertable_event_wait(persistent->wake);
        atomic_store(&persistent->sleeping, 0);
    }
    worker_set_current(NULL);
    port_leave(&persistent->port);
    pool_worker_exited(pool, &worker, FALSE);
}

static NTSTATUS persistent_create(void *arg)
{
    struct tp_pool *pool = arg;
    struct persistent_worker *persistent;
    SIZE_T reserve, commit;
    NTSTATUS status;

    if (!(persistent = mem_alloc(sizeof(*persistent))))
        return STATUS_NO_MEMORY;
    port_init(&persistent->port, 1);
    if ((status = alertable_event_create(&persistent->wake)))
    {
        mem_free(persistent);
        return status;
    }
    lock_acquire(&pool->lock);
    pool->num_threads++;
    lock_release(&pool->lock);
    pool->persistent = persistent;
    pool_query_stack(pool, &reserve, &commit);
    if ((status = thread_start(persistent_main, pool, "tpool-persist", reserve, commit)))
    {
        pool->persistent = NULL;
        lock_acquire(&pool->lock);
        pool->num_threads--;
        lock_release(&pool->lock);
        alertable_event_free(persistent->wake);
        mem_free(persistent);
    }
    return status;
}

NTSTATUS persistent_start(struct tp_pool *pool)
{
    return once_start(&pool->persistent_started, persistent_create, pool);
}

void persistent_post(struct tp_pool *pool, struct port_packet *packet)
{
    struct persistent_worker *persistent = pool->persistent;

    port_post(&persistent->port, packet);
    if (atomic_load(&persistent->sleeping))
        alertable_event_set(persistent->wake);
}

void persistent_stop(struct tp_pool *pool)
{
    if (pool->persistent)
        persistent_post(pool, &pool->persistent->shutdown);
}

void persistent_free(struct tp_pool *pool)
{
    if (!pool->persistent)
        return;
    alertable_event_free(pool->persistent->wake);
    mem_free(pool->persistent);
}
