/* Layer 2: worker threads.  A worker parks on its pool's port and runs the
 * callback of each packet it removes. */

#include "core.h"

#define WORKER_IDLE_TIMEOUT (10000 * (LONGLONG)TICKS_PER_MS)

static void worker_main(void *arg)
{
    struct tp_pool *pool = arg;
    struct tp_worker worker = { pool, NULL };
    struct thread_state *state = thread_state_current();
    struct port_packet *packet;
    BOOL shutdown = FALSE;

    state->slot = &worker;
    lock_acquire(&pool->lock);
    pool->num_starting--;
    lock_release(&pool->lock);

    for (;;)
    {
        if (port_remove(&pool->port, &packet, clock_monotonic() + WORKER_IDLE_TIMEOUT))
        {
            if (pool_worker_may_retire(pool, TRUE))
                break;
            continue;
        }
        if (packet == &pool->shutdown_packet)
        {
            shutdown = TRUE;
            break;
        }
        object_dispatch(&worker, packet);
        if (pool->num_workers > pool->max_workers && pool_worker_may_retire(pool, FALSE))
            break;
    }

    state->slot = NULL;
    port_leave(&pool->port);
    pool_worker_exited(pool, shutdown);
}

NTSTATUS worker_start(struct tp_pool *pool)
{
    return thread_start(worker_main, pool, pool->stack_reserve, pool->stack_commit);
}
