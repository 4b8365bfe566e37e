/*
 * Completion port emulation.
 *
 * Waiting threads push a block kept in their thread state onto the port's
 * waiter stack and wait on its hand-off word.  Whoever makes a packet available
 * to a waiter (a poster, or a running thread that stops counting) pops the
 * most recent waiter, moves a packet into its block and counts it as
 * running, all under the port lock, then marks and wakes it after dropping
 * the lock.  A woken waiter therefore never finds its packet stolen, and
 * the concurrency limit is enforced at hand-off time.
 *
 * The most recent waiter that counts is not listed but offered
 * (port->offer) to posters that find no packet queued: such a poster takes
 * a running slot and the offer with atomic operations and hands the packet
 * over in the waiter's hand-off word, and neither takes the lock.  Handers under
 * the lock take the offer the same way before they look at the list; a
 * newer waiter lists the one it replaces.  The lock is where a worker
 * coming back for more meets the next poster: a submission to a busy pool
 * took 1.4 us natively with it (cache lines moving back and forth), 0.6 us
 * without.
 *
 * Invariant at every lock release: if packets are queued and fewer than
 * `concurrency` threads run, no thread waits, except one still spinning
 * after port_repost() left it the packets: it takes them, under the
 * lock, before it may sleep.  The offered waiter counts as listed.
 */

#include "sys.h"

/* A waiter spins a little before it sleeps: a packet that comes meanwhile
 * costs no wake-up system call on either side.  A work object submitted
 * in a loop hands its packet from worker to worker; with shorter spins
 * each hand-off put the other worker to sleep and paid for waking it
 * (70 times the context switches, 1.5 times the time, natively).  On one
 * processor nothing can come while the waiter spins. */
#define WAITER_SPINS 1000

/* A waiter whose spins keep ending in a sleep spins less: each such spin
 * halves the next, down to WAITER_SPINS >> WAITER_SPIN_HALVINGS, and a
 * packet that comes during a spin, or within WAITER_SPIN_PAYOFF of the
 * sleep, gives the full spin back.  Callbacks submitted now and then (a
 * request after an idle moment) find the worker asleep anyway; spinning
 * first only burned the processor, and a thread that had just spun lost
 * its claim to it: woken on the processor of the thread that woke it, it
 * waited out that thread's time slice (natively an idle wake-up's p99
 * was 1.6-3.6 ms). */
#define WAITER_SPIN_HALVINGS 6
#define WAITER_SPIN_PAYOFF (TICKS_PER_MS / 20)

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

/* A waiter's hand-off word holds one of these, or the address of the
 * packet a poster handed it without the lock: one exchange both hands the
 * packet over and tells the poster whether to wake the waiter, so the
 * line moves to the poster once and back once. */
enum waiter_state
{
    WAITER_SPINNING,
    WAITER_SLEEPING,
    WAITER_HANDED,      /* a packet in the block; set once the hander is done with it */
};

/* A sleeper waits on the low 32 bits of its hand-off word: they read
 * WAITER_SLEEPING until the word changes, as a packet's address is even. */
static atomic_int *sleep_word(struct port_waiter *waiter)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (atomic_int *)((char *)&waiter->handoff + sizeof(uintptr_t) - sizeof(int));
#else
    return (atomic_int *)&waiter->handoff;
#endif
}

static uintptr_t waiter_handoff(struct port_waiter *waiter)
{
    return atomic_load_explicit(&waiter->handoff, memory_order_acquire);
}

void port_init(struct port *port, unsigned int concurrency)
{
    unsigned int i;

    lock_init(&port->lock, LOCK_PORT);
    for (i = 0; i < PORT_PRIORITIES; i++) list_init(&port->queues[i]);
    atomic_init(&port->queued, 0);
    list_init(&port->waiters);
    atomic_init(&port->num_waiters, 0);
    atomic_init(&port->concurrency, concurrency ? concurrency : thread_cpu_count());
    atomic_init(&port->running, 0);
    port->spins = thread_cpu_count() >= 2 ? WAITER_SPINS : 0;
    atomic_init(&port->removed, 0);
    atomic_init(&port->offer, NULL);
    port->starved = NULL;
}

static unsigned int queued_packets(struct port *port)
{
    return atomic_load_explicit(&port->queued, memory_order_relaxed);
}

static BOOL below_limit(struct port *port)
{
    return atomic_load_explicit(&port->running, memory_order_relaxed) <
           atomic_load_explicit(&port->concurrency, memory_order_relaxed);
}

/* Counts one more running thread if fewer than `concurrency` run: how
 * posters without the lock count the waiter they hand a packet, so
 * handers under the lock do the same. */
static BOOL reserve_running(struct port *port)
{
    unsigned int running = atomic_load_explicit(&port->running, memory_order_relaxed);

    while (running < atomic_load_explicit(&port->concurrency, memory_order_relaxed))
        if (atomic_compare_exchange_weak_explicit(&port->running, &running, running + 1,
                                                  memory_order_relaxed, memory_order_relaxed))
            return TRUE;
    return FALSE;
}

static void unreserve_running(struct port *port)
{
    atomic_fetch_sub_explicit(&port->running, 1, memory_order_relaxed);
}

/* The following helpers run under the port lock. */

static void count_queued(struct port *port, int delta)
{
    atomic_store_explicit(&port->queued, queued_packets(port) + delta, memory_order_relaxed);
}

static void count_waiters(struct port *port, int delta)
{
    atomic_fetch_add_explicit(&port->num_waiters, delta, memory_order_relaxed);
}

/* Makes `waiter` the one offered to posters without the lock; the one it
 * replaces, which no one has taken, is listed as the most recent. */
static void offer_waiter(struct port *port, struct port_waiter *waiter)
{
    struct port_waiter *previous = atomic_exchange(&port->offer, waiter);

    waiter->offered = TRUE;
    if (!previous) return;
    previous->offered = FALSE;
    list_add_head(&port->waiters, &previous->entry);
}

/* Takes the offered waiter, if no poster took it first. */
static struct port_waiter *take_offered(struct port *port)
{
    struct port_waiter *waiter = atomic_load(&port->offer);

    if (!waiter || !atomic_compare_exchange_strong(&port->offer, &waiter, NULL))
        return NULL;
    waiter->offered = FALSE;
    return waiter;
}

/* Lists the offered waiter, if no poster took it first, as the most
 * recent. */
static void list_offered(struct port *port)
{
    struct port_waiter *waiter = take_offered(port);

    if (waiter) list_add_head(&port->waiters, &waiter->entry);
}

/* The waiter itself: FALSE if a poster has taken it from the offer. */
static BOOL unlist_self(struct port *port, struct port_waiter *waiter)
{
    struct port_waiter *expected = waiter;

    if (!waiter->offered)
        list_remove(&waiter->entry);
    else if (!atomic_compare_exchange_strong(&port->offer, &expected, NULL))
        return FALSE;
    waiter->offered = FALSE;
    return TRUE;
}

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
        count_queued(port, -1);
        return packet;
    }
    return NULL;
}

/* A packet is queued. */
static struct port_packet *take_packet(struct port *port)
{
    atomic_fetch_add_explicit(&port->removed, 1, memory_order_relaxed);
    return dequeue_packet(port);
}

/* Moves the first queued packet to a waiter taken from the offer or the
 * list; the caller has counted it as running if it counts. */
static void hand_packet(struct port *port, struct port_waiter *waiter)
{
    count_waiters(port, -1);
    waiter->packet = take_packet(port);
}

static BOOL have_waiters(struct port *port)
{
    return atomic_load_explicit(&port->offer, memory_order_relaxed) || !list_empty(&port->waiters);
}

/* Takes the most recent waiter: the offered one, or the list's first. */
static struct port_waiter *claim_waiter(struct port *port)
{
    struct port_waiter *waiter;

    if ((waiter = take_offered(port)))
        return waiter;
    if (list_empty(&port->waiters))
        return NULL;
    waiter = LIST_ENTRY(list_head(&port->waiters), struct port_waiter, entry);
    list_remove(&waiter->entry);
    return waiter;
}

/* Hands queued packets to waiters, one each, while the limit allows; the
 * waiters are moved to `woken` for wake_waiters() once the lock is dropped. */
static void release_waiters(struct port *port, struct list *woken)
{
    struct port_waiter *waiter;

    while (queued_packets(port) && have_waiters(port) && reserve_running(port))
    {
        if (!(waiter = claim_waiter(port)))
        {
            unreserve_running(port);
            return;
        }
        hand_packet(port, waiter);
        if (!waiter->counts) unreserve_running(port);
        list_add_tail(woken, &waiter->entry);
    }
}

/* Marks a waiter handed its packet (WAITER_HANDED or the packet's address)
 * and wakes it if it sleeps.  It may return as soon as it is marked; the
 * wake-up call that may follow only names the address, so it is at worst
 * a spurious wake of that thread's next wait. */
static void hand_over(struct port_waiter *waiter, uintptr_t handoff)
{
    if (atomic_exchange(&waiter->handoff, handoff) == WAITER_SLEEPING)
        futex_wake_one(sleep_word(waiter));
}

/* Called without the lock. */
static void wake_waiters(struct list *woken)
{
    struct list *entry = woken->next, *next;

    for (; entry != woken; entry = next)
    {
        next = entry->next;
        hand_over(LIST_ENTRY(entry, struct port_waiter, entry), WAITER_HANDED);
    }
}

/* The calling thread stops counting on `port`; another may take its turn. */
static BOOL stop_running(struct port *port)
{
    struct list woken;
    BOOL starved;

    list_init(&woken);
    lock_acquire(&port->lock);
    unreserve_running(port);
    release_waiters(port, &woken);
    starved = queued_packets(port) && below_limit(port);
    lock_release(&port->lock);
    wake_waiters(&woken);
    return starved;
}

/* Under the port lock: does the most recent waiter still spin?  It then
 * takes queued packets itself at the end of its spin (waiter_spin); if it
 * was offered to posters without the lock, it is listed instead. */
static struct port_waiter *spinning_waiter(struct port *port)
{
    struct port_waiter *waiter;

    list_offered(port);
    if (list_empty(&port->waiters))
        return NULL;
    waiter = LIST_ENTRY(list_head(&port->waiters), struct port_waiter, entry);
    if (atomic_load_explicit(&waiter->handoff, memory_order_relaxed) != WAITER_SPINNING)
        return NULL;
    return waiter;
}

/* Without the lock: hands the packet to the offered waiter, if no packet
 * is queued and the limit allows, and counts it taken, so the waiter
 * touches no line of the port's on its way to the callback.  `*reserved`
 * tells the caller to give back the running slot taken for a waiter
 * another poster got first. */
static BOOL post_to_offered(struct port *port, struct port_packet *packet, BOOL *reserved)
{
    struct port_waiter *waiter = atomic_load_explicit(&port->offer, memory_order_relaxed);

    *reserved = FALSE;
    if (!waiter || queued_packets(port) || !reserve_running(port))
        return FALSE;
    if (!atomic_compare_exchange_strong(&port->offer, &waiter, NULL))
    {
        *reserved = TRUE;
        return FALSE;
    }
    count_waiters(port, -1);
    atomic_fetch_add_explicit(&port->removed, 1, memory_order_relaxed);
    hand_over(waiter, (uintptr_t)packet);
    return TRUE;
}

static enum port_post_result post_packet(struct port *port, struct port_packet *packet, BOOL lazy)
{
    unsigned int priority = packet->priority < PORT_PRIORITIES ? packet->priority
                                                               : PORT_PRIORITIES - 1;
    struct port_waiter *spinner;
    enum port_post_result result;
    struct list woken;
    BOOL reserved = FALSE;

    if (!lazy && post_to_offered(port, packet, &reserved))
        return PORT_POST_HANDED;
    list_init(&woken);
    lock_acquire(&port->lock);
    if (reserved) unreserve_running(port);
    list_add_tail(&port->queues[priority], &packet->entry);
    packet->queued = 1;
    count_queued(port, 1);
    if (lazy && below_limit(port) && (spinner = spinning_waiter(port)))
    {
        atomic_store_explicit(&spinner->left_reposts, 1, memory_order_relaxed);
        lock_release(&port->lock);
        return PORT_POST_HANDED;
    }
    release_waiters(port, &woken);
    if (!packet->queued) result = PORT_POST_HANDED;
    else if (below_limit(port)) result = PORT_POST_NO_WAITER;
    else result = PORT_POST_QUEUED;
    lock_release(&port->lock);
    wake_waiters(&woken);
    return result;
}

/* Under the port lock: takes a packet a poster left queued, as a hander
 * would; FALSE if the waiter was handed one meanwhile or none may be
 * taken. */
static BOOL waiter_claim(struct port *port, struct port_waiter *waiter)
{
    if (waiter->packet || !queued_packets(port))
        return FALSE;
    if (waiter->counts ? !reserve_running(port) : !below_limit(port))
        return FALSE;
    if (!unlist_self(port, waiter))
    {
        if (waiter->counts) unreserve_running(port);
        return FALSE;
    }
    hand_packet(port, waiter);
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

/* TRUE once the waiter has a packet; FALSE when it must sleep until the
 * hander marks it. */
static BOOL waiter_spin(struct port *port, struct port_waiter *waiter)
{
    unsigned int i, spins = port->spins >> waiter->fruitless_spins;
    uintptr_t expected = WAITER_SPINNING;
    LONGLONG yield_end = 0;
    BOOL taken;

    for (i = 0; i < spins; i++)
    {
        if (waiter_handoff(waiter) >= WAITER_HANDED)
        {
            waiter->fruitless_spins = 0;
            return TRUE;
        }
        if (i % WAITER_YIELD_EVERY != WAITER_YIELD_EVERY - 1 ||
            !atomic_load_explicit(&waiter->left_reposts, memory_order_relaxed))
            cpu_relax();
        else if (!waiter_yield(&yield_end))
            break;
    }
    lock_acquire(&port->lock);
    taken = waiter_claim(port, waiter) ||
            !atomic_compare_exchange_strong(&waiter->handoff, &expected, WAITER_SLEEPING);
    lock_release(&port->lock);
    if (taken) waiter->fruitless_spins = 0;
    return taken;
}

/* After a sleep: was the spin before it too short, or not worth it? */
static void waiter_judge_spin(struct port_waiter *waiter, LONGLONG slept, BOOL handed)
{
    if (handed && clock_monotonic() - slept < WAITER_SPIN_PAYOFF)
        waiter->fruitless_spins = 0;
    else if (waiter->fruitless_spins < WAITER_SPIN_HALVINGS)
        waiter->fruitless_spins++;
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
    LONGLONG slept;

    if (waiter_spin(port, waiter))
        return TRUE;
    slept = clock_monotonic();
    while (waiter_handoff(waiter) < WAITER_HANDED)
    {
        if (futex_wait(sleep_word(waiter), WAITER_SLEEPING, deadline) != STATUS_TIMEOUT) continue;

        lock_acquire(&port->lock);
        if (!waiter->packet && unlist_self(port, waiter))
        {
            count_waiters(port, -1);
            lock_release(&port->lock);
            waiter_judge_spin(waiter, slept, FALSE);
            return FALSE;
        }
        lock_release(&port->lock);
        deadline = TIMEOUT_INFINITE;  /* handed at the last moment: the mark is coming */
    }
    waiter_judge_spin(waiter, slept, TRUE);
    return TRUE;
}

static BOOL remove_packet(struct port *port, struct port_packet **packet, LONGLONG deadline, BOOL last)
{
    struct thread_state *state = thread_state_current();
    struct port_waiter *waiter = &state->waiter;
    int counts = !thread_blocked(state);
    uintptr_t handoff;

    if (state->port && state->port != port) port_leave(state->port);

    lock_acquire(&port->lock);
    if (state->port == port && counts) unreserve_running(port);
    state->port = NULL;
    if (queued_packets(port) && (counts ? reserve_running(port) : below_limit(port)))
    {
        *packet = take_packet(port);
        lock_release(&port->lock);
        state->port = port;
        return TRUE;
    }
    if (deadline >= 0 && deadline != TIMEOUT_INFINITE && clock_monotonic() >= deadline)
    {
        lock_release(&port->lock);
        return FALSE;
    }
    atomic_store(&waiter->handoff, WAITER_SPINNING);
    atomic_store_explicit(&waiter->left_reposts, 0, memory_order_relaxed);
    waiter->counts = counts;
    waiter->packet = NULL;
    waiter->offered = FALSE;
    if (last)
        list_add_tail(&port->waiters, &waiter->entry);
    else if (counts)
        offer_waiter(port, waiter);
    else
    {
        list_offered(port);
        list_add_head(&port->waiters, &waiter->entry);
    }
    count_waiters(port, 1);
    lock_release(&port->lock);

    if (deadline < 0) deadline = clock_monotonic() - deadline;
    if (!wait_until_handed(port, waiter, deadline)) return FALSE;
    state->port = port;
    /* WAITER_SPINNING if it took a packet itself (waiter_claim); otherwise
     * from a hander under the lock, or from a poster without it, who
     * counted it (post_to_offered) */
    handoff = waiter_handoff(waiter);
    *packet = handoff <= WAITER_HANDED ? waiter->packet : (struct port_packet *)handoff;
    return TRUE;
}

NTSTATUS port_remove(struct port *port, struct port_packet **packet, LONGLONG deadline)
{
    return remove_packet(port, packet, deadline, FALSE) ? STATUS_SUCCESS : STATUS_TIMEOUT;
}

NTSTATUS port_remove_last(struct port *port, struct port_packet **packet, LONGLONG deadline)
{
    return remove_packet(port, packet, deadline, TRUE) ? STATUS_SUCCESS : STATUS_TIMEOUT;
}

BOOL port_cancel(struct port *port, struct port_packet *packet)
{
    BOOL cancelled = FALSE;

    lock_acquire(&port->lock);
    if (packet->queued)
    {
        list_remove(&packet->entry);
        packet->queued = 0;
        count_queued(port, -1);
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
    if (!thread_blocked(state)) stop_running(port);
}

void port_claim(struct port *port)
{
    struct thread_state *state = thread_state_current();

    if (state->port == port) return;
    if (state->port) port_leave(state->port);
    if (!thread_blocked(state)) atomic_fetch_add_explicit(&port->running, 1, memory_order_relaxed);
    state->port = port;
}

void thread_blocking_begin(void)
{
    struct thread_state *state = thread_state_current();
    struct port *port = state->port;
    int depth = thread_blocked(state);

    /* only this thread writes it; the gate reads it */
    atomic_store_explicit(&state->blocked, depth + 1, memory_order_relaxed);
    if (depth || !port) return;
    if (stop_running(port) && port->starved) port->starved(port);
}

void thread_blocking_end(void)
{
    struct thread_state *state = thread_state_current();
    struct port *port = state->port;
    int depth = thread_blocked(state) - 1;

    atomic_store_explicit(&state->blocked, depth, memory_order_relaxed);
    if (depth || !port) return;
    atomic_fetch_add_explicit(&port->running, 1, memory_order_relaxed);
}

void port_set_concurrency(struct port *port, unsigned int concurrency)
{
    struct list woken;

    list_init(&woken);
    lock_acquire(&port->lock);
    atomic_store(&port->concurrency, concurrency ? concurrency : thread_cpu_count());
    release_waiters(port, &woken);
    lock_release(&port->lock);
    wake_waiters(&woken);
}

unsigned int port_concurrency(struct port *port)
{
    return atomic_load(&port->concurrency);
}

unsigned int port_queued(struct port *port)
{
    return atomic_load(&port->queued);
}

unsigned int port_running(struct port *port)
{
    return atomic_load(&port->running);
}

unsigned int port_waiting(struct port *port)
{
    return atomic_load(&port->num_waiters);
}
