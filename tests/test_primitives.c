/*
 * Tests of layer 1: address waits, locks, clocks, threads, keyed events and
 * the completion port emulation.
 *
 * Threads synchronize through the primitives themselves; deadlines only
 * turn a hang into a failure, except where a timeout is the behaviour under
 * test.  Helper threads never call CMocka (its failures jump out of the
 * test function): they record what they saw in static contexts, which stay
 * valid even if the test that started them fails.
 */

#include "sys.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LONG_WAIT  (10 * 1000 * (LONGLONG)TICKS_PER_MS)
#define SHORT_WAIT (10 * (LONGLONG)TICKS_PER_MS)
#define EXPIRED    ((LONGLONG)0)

static LONGLONG long_deadline(void)
{
    return clock_monotonic() + LONG_WAIT;
}

static LONGLONG short_deadline(void)
{
    return clock_monotonic() + SHORT_WAIT;
}

/* 0, 0.5 us, 5 us, 100 us: short enough to race with matches and hand-offs. */
static LONGLONG tiny_deadline(unsigned int round)
{
    static const LONGLONG ticks[] = { 0, 5, 50, 1000 };
    return clock_monotonic() + ticks[round % 4];
}

static void count_up(atomic_int *value)
{
    atomic_fetch_add(value, 1);
    futex_wake_all(value);
}

/* Waits until *value reaches target; returns the value last seen. */
static int wait_for_count(atomic_int *value, int target, LONGLONG deadline)
{
    int current;

    while ((current = atomic_load(value)) < target)
        if (futex_wait(value, current, deadline) == STATUS_TIMEOUT) return atomic_load(value);
    return current;
}

/* For helper loops: TRUE, with a failure counted, once the guard passed. */
static int guard_passed(LONGLONG guard, atomic_int *failures)
{
    if (clock_monotonic() < guard) return 0;
    atomic_fetch_add(failures, 1);
    return 1;
}

static void start_thread(thread_entry entry, void *arg)
{
    assert_int_equal(thread_start(entry, arg, 0, 0), STATUS_SUCCESS);
}

/* Leaves whatever port a failed test left the main thread running on. */
static int reset_thread_state(void **test_state)
{
    struct thread_state *state = thread_state_current();

    while (state->blocked) thread_blocking_end();
    if (state->port) port_leave(state->port);
    return 0;
}

/* ---- Address waits ------------------------------------------------------ */

static struct
{
    atomic_int value;
    atomic_int ready;
    atomic_int done;
    atomic_int failures;
} futex_test;

static void futex_waiter(void *arg)
{
    LONGLONG deadline = long_deadline();

    count_up(&futex_test.ready);
    while (!atomic_load(&futex_test.value) && !guard_passed(deadline, &futex_test.failures))
        futex_wait(&futex_test.value, 0, deadline);
    count_up(&futex_test.done);
}

static void test_futex_wake(void **test_state)
{
    int i;

    for (i = 0; i < 3; i++) start_thread(futex_waiter, NULL);
    assert_int_equal(wait_for_count(&futex_test.ready, 3, long_deadline()), 3);
    atomic_store(&futex_test.value, 1);
    futex_wake_one(&futex_test.value);
    futex_wake_all(&futex_test.value);
    assert_int_equal(wait_for_count(&futex_test.done, 3, long_deadline()), 3);
    assert_int_equal(atomic_load(&futex_test.failures), 0);
}

static void test_futex_timeout(void **test_state)
{
    atomic_int value = 0;
    LONGLONG deadline = short_deadline(), guard = long_deadline();
    NTSTATUS status;

    do status = futex_wait(&value, 0, deadline);
    while (status == STATUS_SUCCESS && clock_monotonic() < guard);
    assert_int_equal(status, STATUS_TIMEOUT);
    assert_true(clock_monotonic() >= deadline);

    assert_int_equal(futex_wait(&value, 1, TIMEOUT_INFINITE), STATUS_SUCCESS);
    do status = futex_wait(&value, 0, EXPIRED);
    while (status == STATUS_SUCCESS && clock_monotonic() < guard);
    assert_int_equal(status, STATUS_TIMEOUT);
}

/* ---- Lock ------------------------------------------------------------------ */

#define LOCK_THREADS    4
#define LOCK_INCREMENTS 20000

static struct
{
    struct lock lock;
    long counter;
    atomic_int started;
    atomic_int done;
} lock_test = { .lock = LOCK_INIT };

static void lock_worker(void *arg)
{
    int i;

    count_up(&lock_test.started);
    wait_for_count(&lock_test.started, LOCK_THREADS, long_deadline());
    for (i = 0; i < LOCK_INCREMENTS; i++)
    {
        lock_acquire(&lock_test.lock);
        lock_test.counter++;
        lock_release(&lock_test.lock);
    }
    count_up(&lock_test.done);
}

static void test_lock_contention(void **test_state)
{
    int i, done;

    for (i = 0; i < LOCK_THREADS; i++) start_thread(lock_worker, NULL);
    done = wait_for_count(&lock_test.done, LOCK_THREADS, clock_monotonic() + 6 * LONG_WAIT);
    assert_int_equal(done, LOCK_THREADS);
    lock_acquire(&lock_test.lock);
    assert_int_equal(lock_test.counter, (long)LOCK_THREADS * LOCK_INCREMENTS);
    lock_release(&lock_test.lock);
    assert_int_equal(atomic_load(&lock_test.lock.state), 0);
}

/* ---- Keyed events ------------------------------------------------------------ */

struct keyed_call
{
    const void *key;
    int release;             /* 1: keyed_event_release, 0: keyed_event_wait */
    NTSTATUS status;
    atomic_int done;
};

static char keyed_keys[1024];

static NTSTATUS keyed_call(const void *key, int release, LONGLONG deadline)
{
    struct keyed_event *event = keyed_event_default();

    if (release) return keyed_event_release(event, key, deadline);
    return keyed_event_wait(event, key, deadline);
}

static void keyed_caller(void *arg)
{
    struct keyed_call *call = arg;

    call->status = keyed_call(call->key, call->release, long_deadline());
    count_up(&call->done);
}

static void check_call_succeeded(struct keyed_call *call)
{
    assert_int_equal(wait_for_count(&call->done, 1, long_deadline()), 1);
    assert_int_equal(call->status, STATUS_SUCCESS);
}

/* Polls the other side with expired deadlines until it matches: proves
 * that the helper's call was queued first. */
static NTSTATUS poll_partner(const void *key, int release)
{
    LONGLONG guard = long_deadline();
    NTSTATUS status;

    while ((status = keyed_call(key, release, EXPIRED)) == STATUS_TIMEOUT &&
           clock_monotonic() < guard)
        thread_yield();
    return status;
}

/* The helper's call is queued first, then the other side polls for it. */
static void test_keyed_event_both_orders(void **test_state)
{
    static struct keyed_call waiter = { .key = &keyed_keys[0], .release = 0 };
    static struct keyed_call releaser = { .key = &keyed_keys[0], .release = 1 };

    start_thread(keyed_caller, &waiter);
    assert_int_equal(poll_partner(waiter.key, 1), STATUS_SUCCESS);
    check_call_succeeded(&waiter);
    start_thread(keyed_caller, &releaser);
    assert_int_equal(poll_partner(releaser.key, 0), STATUS_SUCCESS);
    check_call_succeeded(&releaser);
}

static void test_keyed_event_timeouts(void **test_state)
{
    static struct keyed_call release_call = { .key = &keyed_keys[16], .release = 1 };
    static struct keyed_call wait_call = { .key = &keyed_keys[16], .release = 0 };
    const void *key = &keyed_keys[16];

    /* A call that times out leaves nothing a later partner could match. */
    assert_int_equal(keyed_call(key, 0, short_deadline()), STATUS_TIMEOUT);
    assert_int_equal(keyed_call(key, 1, EXPIRED), STATUS_TIMEOUT);
    assert_int_equal(keyed_call(key, 1, short_deadline()), STATUS_TIMEOUT);
    assert_int_equal(keyed_call(key, 0, EXPIRED), STATUS_TIMEOUT);

    /* Then both sides block until they meet, whichever comes first. */
    start_thread(keyed_caller, &release_call);
    assert_int_equal(keyed_call(key, 0, long_deadline()), STATUS_SUCCESS);
    check_call_succeeded(&release_call);
    assert_int_equal(keyed_call(key, 1, short_deadline()), STATUS_TIMEOUT);
    start_thread(keyed_caller, &wait_call);
    assert_int_equal(keyed_call(key, 1, long_deadline()), STATUS_SUCCESS);
    check_call_succeeded(&wait_call);
}

static void test_keyed_event_one_release_per_waiter(void **test_state)
{
    static struct keyed_call calls[3];
    const void *key = &keyed_keys[24];
    int i;

    for (i = 0; i < 3; i++)
    {
        calls[i].key = key;
        start_thread(keyed_caller, &calls[i]);
    }
    /* Each release must find its own waiter: had one satisfied two, the
     * last poll would find nobody. */
    for (i = 0; i < 3; i++) assert_int_equal(poll_partner(key, 1), STATUS_SUCCESS);
    for (i = 0; i < 3; i++) check_call_succeeded(&calls[i]);
    assert_int_equal(keyed_call(key, 1, short_deadline()), STATUS_TIMEOUT);
}

/* Polls many other keys (some share the bucket of the helper's key) with
 * expired deadlines; none may match the queued helper. */
static void check_keys_distinct(struct keyed_call *call)
{
    LONGLONG guard = long_deadline();
    NTSTATUS status;
    size_t i;

    start_thread(keyed_caller, call);
    do
    {
        for (i = 4; i < sizeof(keyed_keys); i += 4)
            assert_int_equal(keyed_call(&keyed_keys[i], !call->release, EXPIRED), STATUS_TIMEOUT);
        status = keyed_call(call->key, !call->release, EXPIRED);
    } while (status == STATUS_TIMEOUT && clock_monotonic() < guard);
    assert_int_equal(status, STATUS_SUCCESS);
    check_call_succeeded(call);
}

static void test_keyed_event_different_keys(void **test_state)
{
    static struct keyed_call release_call = { .key = &keyed_keys[0], .release = 1 };
    static struct keyed_call wait_call = { .key = &keyed_keys[0], .release = 0 };

    check_keys_distinct(&release_call);
    check_keys_distinct(&wait_call);
}

/* Both sides use tiny deadlines, so timeouts keep racing with matches.
 * Each side stops after its own number of successes: if a success were
 * counted on one side only, the other would never finish. */
#define KEYED_STRESS_ROUNDS 2000

static struct
{
    atomic_int done;
    atomic_int failures;
} keyed_stress;

static void keyed_stress_side(void *arg)
{
    struct keyed_call *call = arg;
    LONGLONG guard = clock_monotonic() + 3 * LONG_WAIT;
    unsigned int successes = 0, attempt = 0;

    while (successes < KEYED_STRESS_ROUNDS && !guard_passed(guard, &keyed_stress.failures))
        if (keyed_call(call->key, call->release, tiny_deadline(attempt++)) == STATUS_SUCCESS)
            successes++;
    count_up(&keyed_stress.done);
}

static void test_keyed_event_timeout_race(void **test_state)
{
    static struct keyed_call sides[4] =
    {
        { .key = &keyed_keys[32], .release = 0 }, { .key = &keyed_keys[32], .release = 1 },
        { .key = &keyed_keys[36], .release = 0 }, { .key = &keyed_keys[36], .release = 1 },
    };
    int i;

    for (i = 0; i < 4; i++) start_thread(keyed_stress_side, &sides[i]);
    assert_int_equal(wait_for_count(&keyed_stress.done, 4, clock_monotonic() + 4 * LONG_WAIT), 4);
    assert_int_equal(atomic_load(&keyed_stress.failures), 0);
}

/* ---- Completion port ------------------------------------------------------------ */

static void init_packet(struct port_packet *packet, unsigned int priority, ULONG_PTR key)
{
    memset(packet, 0, sizeof(*packet));
    packet->priority = priority;
    packet->key = key;
}

/* Posts `count` packets with keys 0, 1, ... at priority 0. */
static void post_packets(struct port *port, struct port_packet *packets, unsigned int count)
{
    unsigned int i;

    for (i = 0; i < count; i++)
    {
        init_packet(&packets[i], 0, i);
        port_post(port, &packets[i]);
    }
}

/* Makes the calling thread count as running on an idle port. */
static void run_on_port(struct port *port, struct port_packet *packet)
{
    struct port_packet *removed;

    init_packet(packet, 0, 0);
    assert_int_equal(port_post(port, packet), PORT_POST_NO_WAITER);
    assert_int_equal(port_remove(port, &removed, EXPIRED), STATUS_SUCCESS);
    assert_ptr_equal(removed, packet);
    assert_int_equal(port_running(port), 1);
}

static void test_port_fifo_priority(void **test_state)
{
    static const unsigned int priorities[] = { 1, 0, 1, 2, 0, 2 };
    static const ULONG_PTR expected[] = { 1, 4, 0, 2, 3, 5 };
    static struct port port;
    static struct port_packet packets[6];
    struct port_packet *packet;
    unsigned int i;

    port_init(&port, 1);
    for (i = 0; i < 6; i++)
    {
        init_packet(&packets[i], priorities[i], i);
        assert_int_equal(port_post(&port, &packets[i]), PORT_POST_NO_WAITER);
    }
    assert_int_equal(port_queued(&port), 6);
    for (i = 0; i < 6; i++)
    {
        assert_int_equal(port_remove(&port, &packet, EXPIRED), STATUS_SUCCESS);
        assert_int_equal(packet->key, expected[i]);
        assert_int_equal(port_running(&port), 1);
    }
    assert_int_equal(atomic_load(&port.removed), 6);
    port_leave(&port);
    assert_int_equal(port_running(&port), 0);
}

static void test_port_remove_timeout(void **test_state)
{
    static struct port port;
    struct port_packet *packet = NULL;
    LONGLONG deadline = short_deadline();

    port_init(&port, 0);
    assert_int_equal(port_concurrency(&port), thread_cpu_count());
    assert_int_equal(port_remove(&port, &packet, deadline), STATUS_TIMEOUT);
    assert_true(clock_monotonic() >= deadline);
    assert_int_equal(port_remove(&port, &packet, EXPIRED), STATUS_TIMEOUT);
    assert_null(packet);
    assert_int_equal(port_waiting(&port), 0);
    assert_int_equal(port_running(&port), 0);
}

static void test_port_cancel(void **test_state)
{
    static struct port port;
    static struct port_packet packets[3];
    struct port_packet *packet;

    port_init(&port, 1);
    post_packets(&port, packets, 3);
    assert_true(port_cancel(&port, &packets[1]));
    assert_false(port_cancel(&port, &packets[1]));
    assert_int_equal(port_queued(&port), 2);
    assert_int_equal(port_remove(&port, &packet, EXPIRED), STATUS_SUCCESS);
    assert_ptr_equal(packet, &packets[0]);
    assert_false(port_cancel(&port, &packets[0]));
    assert_int_equal(port_remove(&port, &packet, EXPIRED), STATUS_SUCCESS);
    assert_ptr_equal(packet, &packets[2]);
    assert_int_equal(port_remove(&port, &packet, EXPIRED), STATUS_TIMEOUT);
    /* A cancelled packet can be posted again. */
    assert_int_equal(port_post(&port, &packets[1]), PORT_POST_NO_WAITER);
    assert_int_equal(port_remove(&port, &packet, EXPIRED), STATUS_SUCCESS);
    assert_ptr_equal(packet, &packets[1]);
    port_leave(&port);
}

struct port_client
{
    struct port *port;
    ULONG max;
    struct port_packet *packets[8];
    ULONG count;
    atomic_int got;          /* packets received */
    atomic_int go;           /* main lets the client leave the port */
    atomic_int done;
};

static void port_client_main(void *arg)
{
    struct port_client *client = arg;

    client->count = port_remove_batch(client->port, client->packets, client->max, long_deadline());
    count_up(&client->got);
    wait_for_count(&client->go, 1, long_deadline());
    port_leave(client->port);
    count_up(&client->done);
}

/* Returns once the client waits on the port. */
static void start_client(struct port_client *client, struct port *port, ULONG max)
{
    unsigned int waiting = port_waiting(port);
    LONGLONG guard = long_deadline();

    client->port = port;
    client->max = max;
    start_thread(port_client_main, client);
    while (port_waiting(port) == waiting && clock_monotonic() < guard) thread_yield();
    assert_int_equal(port_waiting(port), waiting + 1);
}

static void check_client_got(struct port_client *client, struct port_packet *packet)
{
    assert_int_equal(wait_for_count(&client->got, 1, long_deadline()), 1);
    assert_int_equal(client->count, 1);
    assert_ptr_equal(client->packets[0], packet);
}

static void finish_client(struct port_client *client)
{
    count_up(&client->go);
    assert_int_equal(wait_for_count(&client->done, 1, long_deadline()), 1);
}

static void test_port_batch(void **test_state)
{
    static struct port port;
    static struct port_packet packets[5], own;
    static struct port_client client;
    struct port_packet *removed[4];
    ULONG i;

    port_init(&port, 1);
    post_packets(&port, packets, 5);
    assert_int_equal(port_remove_batch(&port, removed, 3, EXPIRED), 3);
    for (i = 0; i < 3; i++) assert_ptr_equal(removed[i], &packets[i]);
    assert_int_equal(port_remove_batch(&port, removed, 3, EXPIRED), 2);
    assert_ptr_equal(removed[0], &packets[3]);
    assert_ptr_equal(removed[1], &packets[4]);
    assert_int_equal(port_remove_batch(&port, removed, 3, short_deadline()), 0);

    /* A waiter released by a leaving thread takes all that is queued. */
    run_on_port(&port, &own);
    start_client(&client, &port, 4);
    for (i = 0; i < 3; i++) assert_int_equal(port_post(&port, &packets[i]), PORT_POST_QUEUED);
    port_leave(&port);
    assert_int_equal(wait_for_count(&client.got, 1, long_deadline()), 1);
    assert_int_equal(client.count, 3);
    for (i = 0; i < 3; i++) assert_ptr_equal(client.packets[i], &packets[i]);
    assert_int_equal(port_running(&port), 1);
    finish_client(&client);
    assert_int_equal(port_running(&port), 0);
}

static void test_port_lifo_waiters(void **test_state)
{
    static struct port port;
    static struct port_packet packets[3];
    static struct port_client clients[3];
    int i;

    port_init(&port, 3);
    for (i = 0; i < 3; i++) start_client(&clients[i], &port, 1);
    for (i = 0; i < 3; i++)
    {
        init_packet(&packets[i], 0, i);
        assert_int_equal(port_post(&port, &packets[i]), PORT_POST_HANDED);
    }
    /* The last to arrive gets the first packet. */
    for (i = 0; i < 3; i++) check_client_got(&clients[i], &packets[2 - i]);
    assert_int_equal(port_running(&port), 3);
    for (i = 0; i < 3; i++) finish_client(&clients[i]);
    assert_int_equal(port_running(&port), 0);
    assert_int_equal(port_waiting(&port), 0);
}

static atomic_int starved_calls;

static void count_starved(struct port *port)
{
    atomic_fetch_add(&starved_calls, 1);
}

static void test_port_concurrency_limit(void **test_state)
{
    static struct port port;
    static struct port_packet packet, own;
    static struct port_client client;

    port_init(&port, 1);
    port.starved = count_starved;
    atomic_store(&starved_calls, 0);
    run_on_port(&port, &own);
    start_client(&client, &port, 1);
    init_packet(&packet, 0, 1);
    assert_int_equal(port_post(&port, &packet), PORT_POST_QUEUED);
    assert_int_equal(port_queued(&port), 1);
    assert_int_equal(port_waiting(&port), 1);

    /* Blocking frees the slot: the waiter is handed the packet. */
    thread_blocking_begin();
    check_client_got(&client, &packet);
    assert_int_equal(port_running(&port), 1);
    assert_int_equal(port_queued(&port), 0);
    thread_blocking_end();
    assert_int_equal(port_running(&port), 2);   /* above the limit */
    finish_client(&client);
    assert_int_equal(port_running(&port), 1);
    port_leave(&port);
    assert_int_equal(port_running(&port), 0);
    assert_int_equal(atomic_load(&starved_calls), 0);
}

static void test_port_raise_concurrency(void **test_state)
{
    static struct port port;
    static struct port_packet packet, own;
    static struct port_client client;

    port_init(&port, 1);
    run_on_port(&port, &own);
    start_client(&client, &port, 1);
    init_packet(&packet, 0, 1);
    assert_int_equal(port_post(&port, &packet), PORT_POST_QUEUED);
    port_set_concurrency(&port, 2);
    assert_int_equal(port_concurrency(&port), 2);
    check_client_got(&client, &packet);
    assert_int_equal(port_running(&port), 2);
    port_set_concurrency(&port, 1);             /* preempts nobody */
    assert_int_equal(port_running(&port), 2);
    finish_client(&client);
    port_leave(&port);
    assert_int_equal(port_running(&port), 0);
}

static void test_port_starved_hook(void **test_state)
{
    static struct port port;
    static struct port_packet packet, own;
    struct port_packet *removed;

    port_init(&port, 1);
    port.starved = count_starved;
    atomic_store(&starved_calls, 0);
    run_on_port(&port, &own);
    init_packet(&packet, 0, 1);
    assert_int_equal(port_post(&port, &packet), PORT_POST_QUEUED);

    thread_blocking_begin();
    assert_int_equal(atomic_load(&starved_calls), 1);
    assert_int_equal(port_running(&port), 0);
    thread_blocking_begin();          /* nested: no second call, no count */
    thread_blocking_end();
    assert_int_equal(atomic_load(&starved_calls), 1);
    assert_int_equal(port_running(&port), 0);
    thread_blocking_end();
    assert_int_equal(port_running(&port), 1);

    assert_int_equal(port_remove(&port, &removed, EXPIRED), STATUS_SUCCESS);
    assert_ptr_equal(removed, &packet);
    thread_blocking_begin();          /* nothing queued: not starved */
    thread_blocking_end();
    assert_int_equal(atomic_load(&starved_calls), 1);
    port_leave(&port);
    assert_int_equal(port_running(&port), 0);
}

static void test_port_remove_switches_port(void **test_state)
{
    static struct port first, second;
    static struct port_packet packets[2];
    struct port_packet *packet;

    port_init(&first, 1);
    port_init(&second, 1);
    run_on_port(&first, &packets[0]);
    run_on_port(&second, &packets[1]);
    assert_int_equal(port_running(&first), 0);
    port_leave(&first);               /* not running there: no effect */
    assert_int_equal(port_running(&second), 1);
    port_post(&first, &packets[0]);
    assert_int_equal(port_remove(&first, &packet, EXPIRED), STATUS_SUCCESS);
    assert_int_equal(port_running(&second), 0);
    assert_int_equal(port_running(&first), 1);
    port_leave(&first);
    assert_int_equal(port_running(&first), 0);
}

/* Producers and consumers with tiny deadlines, so that timeouts race with
 * hand-offs, and consumers that block now and then.  Every packet must be
 * received exactly once. */
#define STRESS_PRODUCERS 2
#define STRESS_CONSUMERS 3
#define STRESS_PACKETS   2000

static struct
{
    struct port port;
    struct port_packet packets[STRESS_PRODUCERS * STRESS_PACKETS];
    atomic_int received[STRESS_PRODUCERS * STRESS_PACKETS];
    atomic_int total;
    atomic_int done;
    atomic_int failures;
} port_stress;

static void stress_producer(void *arg)
{
    ULONG_PTR first = (ULONG_PTR)arg * STRESS_PACKETS, i;

    for (i = first; i < first + STRESS_PACKETS; i++)
    {
        init_packet(&port_stress.packets[i], i % PORT_PRIORITIES, i);
        port_post(&port_stress.port, &port_stress.packets[i]);
        if (!(i % 16)) thread_yield();
    }
    count_up(&port_stress.done);
}

static void stress_consumer(void *arg)
{
    LONGLONG guard = clock_monotonic() + 3 * LONG_WAIT;
    struct port_packet *packets[3];
    ULONG count, i, round = 0;

    while (atomic_load(&port_stress.total) < STRESS_PRODUCERS * STRESS_PACKETS &&
           !guard_passed(guard, &port_stress.failures))
    {
        count = port_remove_batch(&port_stress.port, packets, 1 + round % 3, tiny_deadline(round));
        round++;
        for (i = 0; i < count; i++) atomic_fetch_add(&port_stress.received[packets[i]->key], 1);
        atomic_fetch_add(&port_stress.total, count);
        if (round % 7 == 0)
        {
            thread_blocking_begin();
            thread_yield();
            thread_blocking_end();
        }
    }
    port_leave(&port_stress.port);
    count_up(&port_stress.done);
}

static void test_port_stress(void **test_state)
{
    ULONG_PTR i;

    port_init(&port_stress.port, 2);
    for (i = 0; i < STRESS_CONSUMERS; i++) start_thread(stress_consumer, NULL);
    for (i = 0; i < STRESS_PRODUCERS; i++) start_thread(stress_producer, (void *)i);
    assert_int_equal(wait_for_count(&port_stress.done, STRESS_PRODUCERS + STRESS_CONSUMERS,
                                    clock_monotonic() + 4 * LONG_WAIT),
                     STRESS_PRODUCERS + STRESS_CONSUMERS);
    assert_int_equal(atomic_load(&port_stress.failures), 0);
    for (i = 0; i < STRESS_PRODUCERS * STRESS_PACKETS; i++)
        assert_int_equal(atomic_load(&port_stress.received[i]), 1);
    assert_int_equal(port_queued(&port_stress.port), 0);
    assert_int_equal(port_waiting(&port_stress.port), 0);
    assert_int_equal(port_running(&port_stress.port), 0);
    assert_int_equal(atomic_load(&port_stress.port.removed), STRESS_PRODUCERS * STRESS_PACKETS);
}

/* ---- Clocks ------------------------------------------------------------------ */

static void test_clock_readings(void **test_state)
{
    const LONGLONG second = 1000 * (LONGLONG)TICKS_PER_MS, unix_epoch = 116444736000000000LL;
    LONGLONG start = clock_monotonic(), previous = start, now, system = clock_system();
    time_t unix_now = time(NULL);
    int i;

    assert_true(previous > 0);
    for (i = 0; i < 100000; i++)
    {
        now = clock_monotonic();
        assert_true(now >= previous);
        previous = now;
    }
    /* the system clock moved as the monotonic one, however slow the loop */
    assert_true(llabs(clock_system() - system - (previous - start)) <= second);
    assert_true(llabs((system - unix_epoch) / second - (LONGLONG)unix_now) <= 5);
}

static void test_clock_deadlines(void **test_state)
{
    LARGE_INTEGER timeout;
    LONGLONG before, after, deadline;

    assert_true(clock_deadline_from_nt(NULL) == TIMEOUT_INFINITE);
    assert_true(clock_deadline_from_ms(INFINITE) == TIMEOUT_INFINITE);

    timeout.QuadPart = -50000;
    before = clock_monotonic();
    deadline = clock_deadline_from_nt(&timeout);
    after = clock_monotonic();
    assert_true(deadline >= before + 50000 && deadline <= after + 50000);

    before = clock_monotonic();
    deadline = clock_deadline_from_ms(5);
    after = clock_monotonic();
    assert_true(deadline >= before + 5 * TICKS_PER_MS && deadline <= after + 5 * TICKS_PER_MS);

    timeout.QuadPart = 0;
    assert_true(clock_deadline_from_nt(&timeout) <= clock_monotonic());
    timeout.QuadPart = clock_system() - LONG_WAIT;
    assert_true(clock_deadline_from_nt(&timeout) <= clock_monotonic());

    timeout.QuadPart = clock_system() + LONG_WAIT;
    before = clock_monotonic();
    deadline = clock_deadline_from_nt(&timeout);
    after = clock_monotonic();
    assert_true(deadline > before + LONG_WAIT / 2 && deadline <= after + LONG_WAIT);

    deadline = clock_monotonic() + TICKS_PER_MS;
    clock_sleep_until(deadline);
    assert_true(clock_monotonic() >= deadline);
    clock_sleep_until(EXPIRED);
}

/* ---- Threads -------------------------------------------------------------------- */

/* Probes stay alive until all are checked: ids of exited threads may be reused. */
static struct
{
    DWORD id[3];
    struct thread_state *state[3];
    atomic_int started;
    atomic_int go;
} probes;

static void probe_thread(void *arg)
{
    ULONG_PTR index = (ULONG_PTR)arg;

    probes.id[index] = thread_current_id();
    probes.state[index] = thread_state_current();
    count_up(&probes.started);
    wait_for_count(&probes.go, 1, long_deadline());
}

static void test_thread_start(void **test_state)
{
    static const SIZE_T reserves[] = { 0, 1, 256 * 1024 };
    ULONG_PTR i;

    for (i = 0; i < 3; i++)
        assert_int_equal(thread_start(probe_thread, (void *)i, reserves[i], 0), STATUS_SUCCESS);
    assert_int_equal(wait_for_count(&probes.started, 3, long_deadline()), 3);
    for (i = 0; i < 3; i++)
    {
        assert_int_not_equal(probes.id[i], thread_current_id());
        assert_ptr_not_equal(probes.state[i], thread_state_current());
    }
    count_up(&probes.go);
    assert_int_not_equal(probes.id[0], probes.id[1]);
    assert_int_not_equal(probes.id[1], probes.id[2]);
    assert_int_not_equal(probes.id[0], probes.id[2]);
    assert_int_equal(thread_current_id(), thread_current_id());
    assert_ptr_equal(thread_state_current(), thread_state_current());
    assert_true(thread_cpu_count() >= 1);
    thread_yield();
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_futex_wake),
        cmocka_unit_test(test_futex_timeout),
        cmocka_unit_test(test_lock_contention),
        cmocka_unit_test(test_keyed_event_both_orders),
        cmocka_unit_test(test_keyed_event_timeouts),
        cmocka_unit_test(test_keyed_event_one_release_per_waiter),
        cmocka_unit_test(test_keyed_event_different_keys),
        cmocka_unit_test(test_keyed_event_timeout_race),
        cmocka_unit_test_teardown(test_port_fifo_priority, reset_thread_state),
        cmocka_unit_test_teardown(test_port_remove_timeout, reset_thread_state),
        cmocka_unit_test_teardown(test_port_cancel, reset_thread_state),
        cmocka_unit_test_teardown(test_port_batch, reset_thread_state),
        cmocka_unit_test_teardown(test_port_lifo_waiters, reset_thread_state),
        cmocka_unit_test_teardown(test_port_concurrency_limit, reset_thread_state),
        cmocka_unit_test_teardown(test_port_raise_concurrency, reset_thread_state),
        cmocka_unit_test_teardown(test_port_starved_hook, reset_thread_state),
        cmocka_unit_test_teardown(test_port_remove_switches_port, reset_thread_state),
        cmocka_unit_test(test_port_stress),
        cmocka_unit_test(test_clock_readings),
        cmocka_unit_test(test_clock_deadlines),
        cmocka_unit_test(test_thread_start),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
