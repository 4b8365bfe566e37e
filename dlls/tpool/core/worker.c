/* Layer 2: worker threads.  A worker parks on its pool's port and runs the
 * callback of each packet it removes; one parked worker at a time also
 * holds the timer duty (timer_queue.c). */

#include "pool.h"

#define WORKER_IDLE_TIMEOUT (10000 * (LONGLONG)TICKS_PER_MS)

/* Parks until a packet comes or the deadline passes; with the timer duty,
 * the deadline is the timers' and the worker waits behind the others.
 * Timers already due are expired before any packet is taken: while packets
 * keep coming (a thread setting timers posts nudges) the port would
 * otherwise never let the deadline pass. */
static NTSTATUS worker_park(struct tp_pool *pool, struct port_packet **packet, BOOL *expired)
{
    LONGLONG now, idle, deadline;
    unsigned int duty;
    NTSTATUS status;

    *expired = FALSE;
    deadline = timer_duty_take(pool, &duty);
    if (!duty)
        return port_remove(&pool->port, packet, -WORKER_IDLE_TIMEOUT);

    now = clock_monotonic();
    idle = now + WORKER_IDLE_TIMEOUT;
    if (deadline <= now)
        status = STATUS_TIMEOUT;
    else
        status = port_remove_last(&pool->port, packet, deadline < idle ? deadline : idle);
    timer_duty_release(pool, duty, status == STATUS_SUCCESS && *packet != &pool->timers.nudge);
    if (status == STATUS_TIMEOUT)
        *expired = TRUE;
    return status;
}

/* The worker counts as running while it expires: the callbacks it queues
 * meanwhile go to idle workers or wait for it, instead of making the pool
 * start a thread (which takes milliseconds under Wine and would hold up
 * every timer behind it). */
static void worker_expire_timers(struct tp_worker *worker)
{
    struct expiry expiry = { worker, NULL, FALSE };

    port_claim(&worker->pool->port);
    timer_queue_expire(worker->pool, &expiry);
    pool_expiry_done(worker->pool, &expiry);
    if (expiry.kept)
        object_dispatch(worker, expiry.kept);
}

static void worker_main(void *arg)
{
    struct tp_pool *pool = arg;
    struct tp_worker worker = { .pool = pool };
    struct port_packet *packet;
    BOOL shutdown = FALSE, duty;

    worker_set_current(&worker);
    worker.thread_id = thread_current_id();
    worker.thread = thread_state_current();
    worker.has_cpu_clock = thread_cpu_clock_open(&worker.cpu_clock);
    lock_acquire(&pool->lock);
    pool->num_starting--;
    stats_worker_attach(pool, &worker);
    lock_release(&pool->lock);

    for (;;)
    {
        if (worker_park(pool, &packet, &duty))
        {
            /* the duty holder expires timers instead of retiring */
            if (duty)
                worker_expire_timers(&worker);
            else if (pool_worker_may_retire(pool, TRUE))
                break;
            continue;
        }
        if (packet == &pool->timers.nudge)
        {
            timer_nudge_received(pool);
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

    worker_set_current(NULL);
    port_leave(&pool->port);
    pool_worker_exited(pool, &worker, shutdown);
    /* out of the pool's list: the gate no longer reads it */
    if (worker.has_cpu_clock)
        thread_cpu_clock_close(&worker.cpu_clock);
}

/* Layer 1 keeps the slot in the thread's state for this. */
struct tp_worker *worker_current(void)
{
    return thread_state_current()->slot;
}

void worker_set_current(struct tp_worker *worker)
{
    thread_state_current()->slot = worker;
}

NTSTATUS worker_start(struct tp_pool *pool)
{
    SIZE_T reserve, commit;

    pool_query_stack(pool, &reserve, &commit);
    return thread_start(worker_main, pool, "tpool-worker", reserve, commit);
}
