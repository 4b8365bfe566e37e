/*
 * Tests of layer 1: address waits, locks, clocks, threads and keyed events
 * (the completion port emulation is in test_port.c).
 */

#include "primitives.h"

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
} lock_test = { .lock = LOCK_INIT(LOCK_PORT) };

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
        assert_int_equal(thread_start(probe_thread, (void *)i, "test-probe", reserves[i], 0), STATUS_SUCCESS);
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
        cmocka_unit_test(test_clock_readings),
        cmocka_unit_test(test_clock_deadlines),
        cmocka_unit_test(test_thread_start),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
