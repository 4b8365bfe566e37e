/*
 * Completion port emulation.
 *
 * Waiting threads push a block on their own stack onto the port's waiter
 * stack and wait on its `state` word.  Whoever makes a packet available
 * to a waiter (a poster, or a running thread that stops counting) pops the
 * most recent waiter, moves the packets into its block and counts it as
 * running, all under the port lock, then marks and wakes it after dropping
 * the lock.  A woken waiter therefore never finds its packet stolen, and
 * the concurrency limit is enforced at hand-off time.
 *
 * Invariant at every lock release: if packets are queued and fewer than
 * `concurrency` threads run, no thread waits, except one still spinning
 * after port_repost() left it the packets: it takes them, under the
 * lock, before it may sleep.
 */

#include "sys.h"

/* A waiter spins a little before it sleeps: a packet that comes meanwhile
 * costs no wake-up system call on either side.  A work object submitted
 * in a loop hands its packet from worker to worker; with shorter spins
 * each hand-off put the other worker to sleep and paid for waking it
 * (70 times the context switches, 1.5 times the time, natively).  On one
 * processor nothing can come while the waiter spins. */
#define WAITER_SPINS 1000

/* A waiter that port_repost() left packets to yields its processor now and
 * then while it spins: the thread submitting those callbacks may be
 * waiting for that processor.  With the processors taken by one worker
 * running callbacks and one spinning, the submitting thread got 8 % of
 * the samples and a million submissions took three times as long.  A
 * yield may give the processor away for a whole time slice while the
 * packets wait for this waiter, so it stops spinning once it has been
 * yielding for WAITER_YIELD_LIMIT. */
#define WAITER_YIELD_EVERY 16
#define WAITER_YIELD_LIMIT (TICKS_PER_MS / 5)

enum waiter_state
{
    WAITER_SPINNING,
    WAITER_SLEEPING,
    WAITER_HANDED,      /* set once the hander is done with the block */
};

void port_init(struct port *port, unsigned int concurrency)
{
    unsigned int i;

    lock_init(&port->lock);
    for (i = 0; i < PORT_PRIORITIES; i++) list_init(&port->queues[i]);
    port->queued = 0;
    list_init(&port->waiters);
    port->num_waiters = 0;
    port->concurrency = concurrency ? concurrency : thread_cpu_count();
    port->running = 0;
    port->spins = thread_cpu_count() >= 2 ? WAITER_SPINS : 0;
    atomic_init(&port->removed, 0);
    port->starved = NULL;
}

/* The following helpers run under the port lock. */

static struct port_packet *dequeue_packet(struct port *port)
{
    struct port_packet *packet;
    struct list *entry;
    unsigned int i;

    for (i = 0; i < PORT_PRIORITIES; i++)
    {
        if (!(entry = list_head(&port->queues[i]))) continue;
        list_remove(entry);
        packet = LIST_ENTRY(entry, struct port_packet, entry);
        packet->queued = 0;
        port->queued--;
        return packet;
    }
    return NULL;
}

static ULONG take_packets(struct port *port, struct port_packet **packets, ULONG count, ULONG max)
{
    ULONG first = count;

    while (count < max && port->queued) packets[count++] = dequeue_packet(port);
    atomic_fetch_add_explicit(&port->removed, count - first, memory_order_relaxed);
    return count;
}

/* Unlists the waiter and moves queued packets into its block. */
static void hand_packets(struct port *port, struct port_waiter *waiter)
{
    list_remove(&waiter->entry);
    port->num_waiters--;
    waiter->count = take_packets(port, waiter->packets, 0, waiter->max);
    if (waiter->counts) port->running++;
}

/* Hands queued packets to waiters while the limit allows; the waiters are
 * moved to `woken` for wake_waiters() once the lock is dropped. */
static void release_waiters(struct port *port, struct list *woken)
{
    struct port_waiter *waiter;

    while (port->queued && port->running < port->concurrency && !list_empty(&port->waiters))
    {
        waiter = LIST_ENTRY(list_head(&port->waiters), struct port_waiter, entry);
        hand_packets(port, waiter);
        list_add_tail(woken, &waiter->entry);
    }
}

/* Called without the lock.  A waiter may return as soon as it is marked;
 * its block, in its thread's state, stays valid memory, so the wake-up
 * call that may follow is at worst a spurious wake of that thread's next
 * wait. */
static void wake_waiters(struct list *woken)
{
    struct list *entry = woken->next, *next;
    struct port_waiter *waiter;

    for (; entry != woken; entry = next)
    {
        next = entry->next;
        waiter = LIST_ENTRY(entry, struct port_waiter, entry);
        if (atomic_exchange(&waiter->state, WAITER_HANDED) == WAITER_SLEEPING)
            futex_wake_one(&waiter->state);
    }
}

/* The calling thread stops counting on `port`; another may take its turn. */
static BOOL stop_running(struct port *port)
{
    struct list woken;
    BOOL starved;

    list_init(&woken);
    lock_acquire(&port->lock);
    port->running--;
    release_waiters(port, &woken);
    starved = port->queued && port->running < port->concurrency;
    lock_release(&port->lock);
    wake_waiters(&woken);
    return starved;
}

/* Under the port lock: does the most recent waiter still spin?  It then
 * takes queued packets itself at the end of its spin (waiter_spin). */
static struct port_waiter *spinning_waiter(struct port *port)
{
    struct port_waiter *waiter;

    if (list_empty(&port->waiters))
        return NULL;
    waiter = LIST_ENTRY(list_head(&port->waiters), struct port_waiter, entry);
    if (atomic_load_explicit(&waiter->state, memory_order_relaxed) != WAITER_SPINNING)
        return NULL;
    return waiter;
}

static enum port_post_result post_packet(struct port *port, struct port_packet *packet, BOOL lazy)
{
    unsigned int priority = packet->priority < PORT_PRIORITIES ? packet->priority
                                                               : PORT_PRIORITIES - 1;
    struct port_waiter *spinner;
    enum port_post_result result;
    struct list woken;

    list_init(&woken);
    lock_acquire(&port->lock);
    list_add_tail(&port->queues[priority], &packet->entry);
    packet->queued = 1;
    port->queued++;
    if (lazy && port->running < port->concurrency && (spinner = spinning_waiter(port)))
    {
        atomic_store_explicit(&spinner->left_reposts, 1, memory_order_relaxed);
        lock_release(&port->lock);
        return PORT_POST_HANDED;
    }
    release_waiters(port, &woken);
    if (!packet->queued) result = PORT_POST_HANDED;
    else if (port->running < port->concurrency) result = PORT_POST_NO_WAITER;
    else result = PORT_POST_QUEUED;
    lock_release(&port->lock);
    wake_waiters(&woken);
    return result;
}

/* Under the port lock: takes the packets a poster left queued, as a
 * hander would; FALSE if the waiter was handed some meanwhile or none may
 * be taken. */
static BOOL waiter_claim(struct port *port, struct port_waiter *waiter)
{
    if (waiter->count || !port->queued || port->running >= port->concurrency)
        return FALSE;
    hand_packets(port, waiter);
    return TRUE;
}

/* FALSE once the waiter has been yielding for WAITER_YIELD_LIMIT. */
static BOOL waiter_yield(LONGLONG *end)
{
    LONGLONG now = clock_monotonic();

    if (!*end)
        *end = now + WAITER_YIELD_LIMIT;
    else if (now >= *end)
        return FALSE;
    thread_yield();
    return TRUE;
}

/* TRUE once the waiter has packets; FALSE when it must sleep until the
 * hander marks it. */
static BOOL waiter_spin(struct port *port, struct port_waiter *waiter)
{
    int expected = WAITER_SPINNING;
    LONGLONG yield_end = 0;
    unsigned int i;
    BOOL taken;

    for (i = 0; i < port->spins; i++)
    {
        if (atomic_load_explicit(&waiter->state, memory_order_acquire) == WAITER_HANDED)
            return TRUE;
        if (i % WAITER_YIELD_EVERY != WAITER_YIELD_EVERY - 1 ||
            !atomic_load_explicit(&waiter->left_reposts, memory_order_relaxed))
            cpu_relax();
        else if (!waiter_yield(&yield_end))
            break;
    }
    lock_acquire(&port->lock);
    taken = waiter_claim(port, waiter) ||
            !atomic_compare_exchange_strong(&waiter->state, &expected, WAITER_SLEEPING);
    lock_release(&port->lock);
    return taken;
}

enum port_post_result port_post(struct port *port, struct port_packet *packet)
{
    return post_packet(port, packet, FALSE);
}

enum port_post_result port_repost(struct port *port, struct port_packet *packet)
{
    return post_packet(port, packet, TRUE);
}

static BOOL wait_until_handed(struct port *port, struct port_waiter *waiter, LONGLONG deadline)
{
    if (waiter_spin(port, waiter))
        return TRUE;
    while (atomic_load_explicit(&waiter->state, memory_order_acquire) != WAITER_HANDED)
    {
        if (futex_wait(&waiter->state, WAITER_SLEEPING, deadline) != STATUS_TIMEOUT) continue;

        lock_acquire(&port->lock);
        if (!waiter->count)
        {
            list_remove(&waiter->entry);
            port->num_waiters--;
            lock_release(&port->lock);
            return FALSE;
        }
        lock_release(&port->lock);
        deadline = TIMEOUT_INFINITE;  /* handed at the last moment: the mark is coming */
    }
    return TRUE;
}

static ULONG take_more(struct port *port, struct port_packet **packets, ULONG count, ULONG max)
{
    if (count >= max) return count;
    lock_acquire(&port->lock);
    count = take_packets(port, packets, count, max);
    lock_release(&port->lock);
    return count;
}

static ULONG remove_packets(struct port *port, struct port_packet **packets, ULONG max,
                            LONGLONG deadline, BOOL last)
{
    struct thread_state *state = thread_state_current();
    struct port_waiter *waiter = &state->waiter;
    int counts = !state->blocked;
    ULONG count;

    if (!max) return 0;
    if (state->port && state->port != port) port_leave(state->port);

    lock_acquire(&port->lock);
    if (state->port == port && counts) port->running--;
    state->port = NULL;
    if (port->queued && port->running < port->concurrency)
    {
        count = take_packets(port, packets, 0, max);
        if (counts) port->running++;
        lock_release(&port->lock);
        state->port = port;
        return count;
    }
    if (deadline >= 0 && deadline != TIMEOUT_INFINITE && clock_monotonic() >= deadline)
    {
        lock_release(&port->lock);
        return 0;
    }
    atomic_store(&waiter->state, WAITER_SPINNING);
    atomic_store_explicit(&waiter->left_reposts, 0, memory_order_relaxed);
    waiter->counts = counts;
    waiter->max = max;
    waiter->count = 0;
    waiter->packets = packets;
    if (last)
        list_add_tail(&port->waiters, &waiter->entry);
    else
        list_add_head(&port->waiters, &waiter->entry);
    port->num_waiters++;
    lock_release(&port->lock);

    if (deadline < 0) deadline = clock_monotonic() - deadline;
    if (!wait_until_handed(port, waiter, deadline)) return 0;
    state->port = port;
    return take_more(port, packets, waiter->count, max);
}

ULONG port_remove_batch(struct port *port, struct port_packet **packets, ULONG max,
                        LONGLONG deadline)
{
    return remove_packets(port, packets, max, deadline, FALSE);
}

NTSTATUS port_remove(struct port *port, struct port_packet **packet, LONGLONG deadline)
{
    return remove_packets(port, packet, 1, deadline, FALSE) ? STATUS_SUCCESS : STATUS_TIMEOUT;
}

NTSTATUS port_remove_last(struct port *port, struct port_packet **packet, LONGLONG deadline)
{
    return remove_packets(port, packet, 1, deadline, TRUE) ? STATUS_SUCCESS : STATUS_TIMEOUT;
}

BOOL port_cancel(struct port *port, struct port_packet *packet)
{
    BOOL cancelled = FALSE;

    lock_acquire(&port->lock);
    if (packet->queued)
    {
        list_remove(&packet->entry);
        packet->queued = 0;
        port->queued--;
        cancelled = TRUE;
    }
    lock_release(&port->lock);
    return cancelled;
}

void port_leave(struct port *port)
{
    struct thread_state *state = thread_state_current();

    if (state->port != port) return;
    state->port = NULL;
    if (!state->blocked) stop_running(port);
}

void port_claim(struct port *port)
{
    struct thread_state *state = thread_state_current();

    if (state->port == port) return;
    if (state->port) port_leave(state->port);
    if (!state->blocked)
    {
        lock_acquire(&port->lock);
        port->running++;
        lock_release(&port->lock);
    }
    state->port = port;
}

void thread_blocking_begin(void)
{
    struct thread_state *state = thread_state_current();
    struct port *port = state->port;

    if (state->blocked++ || !port) return;
    if (stop_running(port) && port->starved) port->starved(port);
}

void thread_blocking_end(void)
{
    struct thread_state *state = thread_state_current();
    struct port *port = state->port;

    if (--state->blocked || !port) return;
    lock_acquire(&port->lock);
    port->running++;
    lock_release(&port->lock);
}

void port_set_concurrency(struct port *port, unsigned int concurrency)
{
    struct list woken;

    list_init(&woken);
    lock_acquire(&port->lock);
    port->concurrency = concurrency ? concurrency : thread_cpu_count();
    release_waiters(port, &woken);
    lock_release(&port->lock);
    wake_waiters(&woken);
}

static unsigned int read_counter(struct port *port, const unsigned int *counter)
{
    unsigned int value;

    lock_acquire(&port->lock);
    value = *counter;
    lock_release(&port->lock);
    return value;
}

unsigned int port_concurrency(struct port *port)
{
    return read_counter(port, &port->concurrency);
}

unsigned int port_queued(struct port *port)
{
    return read_counter(port, &port->queued);
}

unsigned int port_running(struct port *port)
{
    return read_counter(port, &port->running);
}

unsigned int port_waiting(struct port *port)
{
    return read_counter(port, &port->num_waiters);
}
