/*
 * Tests of layer 1: the completion port emulation (packets, priorities,
 * the concurrency limit, most-recent-waiter-first hand-off).
 */

#include "primitives.h"

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
    /* a negative deadline is relative to the call */
    deadline = short_deadline();
    assert_int_equal(port_remove(&port, &packet, -SHORT_WAIT), STATUS_TIMEOUT);
    assert_true(clock_monotonic() >= deadline);
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
    struct port_packet *packet;
    atomic_int got;          /* packets received */
    atomic_int go;           /* main lets the client leave the port */
    atomic_int done;
};

static void port_client_main(void *arg)
{
    struct port_client *client = arg;

    if (port_remove(client->port, &client->packet, long_deadline()))
        client->packet = NULL;
    count_up(&client->got);
    wait_for_count(&client->go, 1, long_deadline());
    port_leave(client->port);
    count_up(&client->done);
}

/* Returns once the client waits on the port. */
static void start_client(struct port_client *client, struct port *port)
{
    unsigned int waiting = port_waiting(port);
    LONGLONG guard = long_deadline();

    client->port = port;
    start_thread(port_client_main, client);
    while (port_waiting(port) == waiting && clock_monotonic() < guard) thread_yield();
    assert_int_equal(port_waiting(port), waiting + 1);
}

static void check_client_got(struct port_client *client, struct port_packet *packet)
{
    assert_int_equal(wait_for_count(&client->got, 1, long_deadline()), 1);
    assert_ptr_equal(client->packet, packet);
}

static void finish_client(struct port_client *client)
{
    count_up(&client->go);
    assert_int_equal(wait_for_count(&client->done, 1, long_deadline()), 1);
}

/* A waiter released by a leaving thread takes the first packet queued;
 * the others stay queued. */
static void test_port_leave_releases_waiter(void **test_state)
{
    static struct port port;
    static struct port_packet packets[3], own;
    static struct port_client client;
    struct port_packet *packet;
    ULONG i;

    port_init(&port, 1);
    run_on_port(&port, &own);
    start_client(&client, &port);
    for (i = 0; i < 3; i++)
    {
        init_packet(&packets[i], 0, i);
        assert_int_equal(port_post(&port, &packets[i]), PORT_POST_QUEUED);
    }
    port_leave(&port);
    check_client_got(&client, &packets[0]);
    assert_int_equal(port_running(&port), 1);
    assert_int_equal(port_queued(&port), 2);
    finish_client(&client);
    assert_int_equal(port_running(&port), 0);
    for (i = 1; i < 3; i++)
    {
        assert_int_equal(port_remove(&port, &packet, EXPIRED), STATUS_SUCCESS);
        assert_ptr_equal(packet, &packets[i]);
    }
    port_leave(&port);
}

static void test_port_lifo_waiters(void **test_state)
{
    static struct port port;
    static struct port_packet packets[3];
    static struct port_client clients[3];
    int i;

    port_init(&port, 3);
    for (i = 0; i < 3; i++) start_client(&clients[i], &port);
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

/* A reposted packet is left to a waiter that still spins, which takes it
 * at the end of its spin, or handed at once to one that sleeps: the
 * waiter gets it either way.  With no waiter the poster takes it back. */
static void test_port_repost(void **test_state)
{
    static struct port port;
    static struct port_packet packet, own;
    static struct port_client client;
    struct port_packet *removed;

    port_init(&port, 2);
    run_on_port(&port, &own);
    init_packet(&packet, 0, 1);
    assert_int_equal(port_repost(&port, &packet), PORT_POST_NO_WAITER);
    assert_int_equal(port_remove(&port, &removed, EXPIRED), STATUS_SUCCESS);
    assert_ptr_equal(removed, &packet);

    start_client(&client, &port);
    assert_int_equal(port_repost(&port, &packet), PORT_POST_HANDED);
    check_client_got(&client, &packet);
    assert_int_equal(port_queued(&port), 0);
    assert_int_equal(port_running(&port), 2);
    finish_client(&client);
    port_leave(&port);
    assert_int_equal(port_running(&port), 0);
    assert_int_equal(port_waiting(&port), 0);
}

/* A waiter that still spins when a packet is reposted takes the packet
 * itself, under the lock, at the end of its spin (made long here, so that
 * it still spins when the packet comes). */
static void test_port_repost_taken_by_spinner(void **test_state)
{
    static struct port port;
    static struct port_packet packet, own;
    static struct port_client client;

    port_init(&port, 2);
    port.spins = ~0u;
    run_on_port(&port, &own);
    start_client(&client, &port);
    init_packet(&packet, 0, 1);
    assert_int_equal(port_repost(&port, &packet), PORT_POST_HANDED);
    check_client_got(&client, &packet);
    assert_int_equal(port_queued(&port), 0);
    assert_int_equal(port_waiting(&port), 0);
    assert_int_equal(port_running(&port), 2);
    finish_client(&client);
    port_leave(&port);
    assert_int_equal(port_running(&port), 0);
}

struct late_poster
{
    struct port *port;
    struct port_packet *packet;
};

static void late_poster_main(void *arg)
{
    struct late_poster *poster = arg;
    LONGLONG guard = long_deadline();

    while (!port_waiting(poster->port) && clock_monotonic() < guard) thread_yield();
    port_post(poster->port, poster->packet);
}

/* Each spin that ends in a sleep halves the thread's next spin, down to a
 * sixty-fourth; a packet that comes during a spin gives it all back. */
static void test_port_spin_cut(void **test_state)
{
    static struct port port;
    static struct port_packet packet;
    static struct late_poster poster = { &port, &packet };
    struct port_waiter *waiter = &thread_state_current()->waiter;
    struct port_packet *removed;
    unsigned int i;

    port_init(&port, 1);
    waiter->fruitless_spins = 0;
    for (i = 1; i <= 8; i++)
    {
        assert_int_equal(port_remove(&port, &removed, -SHORT_WAIT / 8), STATUS_TIMEOUT);
        assert_int_equal(waiter->fruitless_spins, i < 6 ? i : 6);
    }
    /* long enough, even cut, for the poster to come during the spin */
    port.spins = ~0u;
    init_packet(&packet, 0, 1);
    start_thread(late_poster_main, &poster);
    assert_int_equal(port_remove(&port, &removed, long_deadline()), STATUS_SUCCESS);
    assert_ptr_equal(removed, &packet);
    assert_int_equal(waiter->fruitless_spins, 0);
    port_leave(&port);
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
    start_client(&client, &port);
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
    start_client(&client, &port);
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
 * hand-offs (with and without the port lock), and consumers that block now
 * and then.  Every packet must be received exactly once, and no more
 * consumers may hold packets at once than the limit allows: a consumer
 * counts as active from a removal until it removes again or blocks, when
 * the port counts it as running. */
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
    atomic_int active;
    atomic_int most_active;
} port_stress;

static void stress_count_active(int delta)
{
    int active = atomic_fetch_add(&port_stress.active, delta) + delta;
    int most = atomic_load(&port_stress.most_active);

    while (active > most && !atomic_compare_exchange_weak(&port_stress.most_active, &most, active))
        ;
}

static void stress_producer(void *arg)
{
    ULONG_PTR first = (ULONG_PTR)arg * STRESS_PACKETS, i;

    for (i = first; i < first + STRESS_PACKETS; i++)
    {
        init_packet(&port_stress.packets[i], i % PORT_PRIORITIES, i);
        if (i % 2)
            port_repost(&port_stress.port, &port_stress.packets[i]);
        else
            port_post(&port_stress.port, &port_stress.packets[i]);
        if (!(i % 16)) thread_yield();
    }
    count_up(&port_stress.done);
}

static void stress_consumer(void *arg)
{
    LONGLONG guard = clock_monotonic() + 3 * LONG_WAIT;
    struct port_packet *packet;
    ULONG round = 0;
    BOOL active = FALSE;

    while (atomic_load(&port_stress.total) < STRESS_PRODUCERS * STRESS_PACKETS &&
           !guard_passed(guard, &port_stress.failures))
    {
        if (active) stress_count_active(-1);
        if ((active = !port_remove(&port_stress.port, &packet, tiny_deadline(round))))
        {
            stress_count_active(1);
            atomic_fetch_add(&port_stress.received[packet->key], 1);
            atomic_fetch_add(&port_stress.total, 1);
        }
        round++;
        if (round % 3 == 0) thread_yield();     /* holds its packets a while */
        if (round % 7 == 0)
        {
            /* running again after the block, perhaps above the limit */
            if (active) stress_count_active(-1);
            active = FALSE;
            thread_blocking_begin();
            thread_yield();
            thread_blocking_end();
        }
    }
    if (active) stress_count_active(-1);
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
    assert_in_range(atomic_load(&port_stress.most_active), 1, 2);
    for (i = 0; i < STRESS_PRODUCERS * STRESS_PACKETS; i++)
        assert_int_equal(atomic_load(&port_stress.received[i]), 1);
    assert_int_equal(port_queued(&port_stress.port), 0);
    assert_int_equal(port_waiting(&port_stress.port), 0);
    assert_int_equal(port_running(&port_stress.port), 0);
    assert_int_equal(atomic_load(&port_stress.port.removed), STRESS_PRODUCERS * STRESS_PACKETS);
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test_teardown(test_port_fifo_priority, reset_thread_state),
        cmocka_unit_test_teardown(test_port_remove_timeout, reset_thread_state),
        cmocka_unit_test_teardown(test_port_cancel, reset_thread_state),
        cmocka_unit_test_teardown(test_port_leave_releases_waiter, reset_thread_state),
        cmocka_unit_test_teardown(test_port_lifo_waiters, reset_thread_state),
        cmocka_unit_test_teardown(test_port_repost, reset_thread_state),
        cmocka_unit_test_teardown(test_port_repost_taken_by_spinner, reset_thread_state),
        cmocka_unit_test_teardown(test_port_spin_cut, reset_thread_state),
        cmocka_unit_test_teardown(test_port_concurrency_limit, reset_thread_state),
        cmocka_unit_test_teardown(test_port_raise_concurrency, reset_thread_state),
        cmocka_unit_test_teardown(test_port_starved_hook, reset_thread_state),
        cmocka_unit_test_teardown(test_port_remove_switches_port, reset_thread_state),
        cmocka_unit_test(test_port_stress),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
