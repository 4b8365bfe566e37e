/*
 * Tests of the wait packets of layer 1.  Natively the handles are tpool's
 * own objects; under Wine they are kernel objects watched by wait threads.
 *
 * notify may run on another thread: it records what it saw with atomics
 * and wakes the test through an address wait.  Deadlines only turn a hang
 * into a failure.
 */

#include "sys.h"
#include "wait_packet.h"
#include "test_util.h"

#define MANY_PACKETS 1024

struct record
{
    atomic_int notified;       /* notify calls for this packet */
    atomic_int status;
    atomic_int *tally;         /* notify calls for all packets of a test */
};

static void record_notify(struct wait_packet *packet, void *context, NTSTATUS status)
{
    struct record *record = context;

    atomic_store(&record->status, status);
    atomic_fetch_add(&record->notified, 1);
    atomic_fetch_add(record->tally, 1);
    futex_wake_all(record->tally);
}

static void record_init(struct record *record, atomic_int *tally)
{
    atomic_init(&record->notified, 0);
    atomic_init(&record->status, -1);
    record->tally = tally;
}

static struct wait_packet *packet_create(struct record *record)
{
    struct wait_packet *packet = NULL;

    assert_int_equal(wait_packet_create(&packet, record_notify, record), STATUS_SUCCESS);
    assert_non_null(packet);
    return packet;
}

/* Waits until *tally reaches target; returns the value last seen. */
static int wait_for_tally(atomic_int *tally, int target)
{
    LONGLONG deadline = clock_deadline_from_ms(TEST_TIMEOUT);
    int current;

    while ((current = atomic_load(tally)) < target)
        if (futex_wait(tally, current, deadline) == STATUS_TIMEOUT) return atomic_load(tally);
    return current;
}

static void assert_unsignaled(HANDLE handle)
{
    assert_int_equal(WaitForSingleObject(handle, 0), WAIT_TIMEOUT);
}

static void assert_signaled_now(HANDLE handle)
{
    assert_int_equal(WaitForSingleObject(handle, 0), WAIT_OBJECT_0);
}

/* Associates a packet that fires at once, after `packet` was associated:
 * once it has fired, a wait thread has most likely taken `packet` into its
 * handle array, so a cancel takes the synchronous path.  Natively it only
 * fires. */
static void settle(void)
{
    atomic_int tally = 0;
    struct record record;
    struct wait_packet *probe;
    HANDLE event = test_event(TRUE, TRUE);

    record_init(&record, &tally);
    probe = packet_create(&record);
    assert_int_equal(wait_packet_associate(probe, event, NULL), STATUS_SUCCESS);
    assert_int_equal(wait_for_tally(&tally, 1), 1);
    wait_packet_free(probe);
    CloseHandle(event);
}

static void test_notify_on_signal(void **state)
{
    atomic_int tally = 0;
    struct record record;
    struct wait_packet *packet;
    HANDLE event = test_event(FALSE, FALSE);

    record_init(&record, &tally);
    packet = packet_create(&record);
    assert_int_equal(wait_packet_associate(packet, event, NULL), STATUS_SUCCESS);
    settle();
    assert_int_equal(atomic_load(&tally), 0);

    assert_true(SetEvent(event));
    assert_int_equal(wait_for_tally(&tally, 1), 1);
    assert_int_equal(atomic_load(&record.status), STATUS_WAIT_0);
    assert_unsignaled(event);  /* the auto-reset event was consumed */
    assert_false(wait_packet_cancel(packet));

    wait_packet_free(packet);
    CloseHandle(event);
}

static void test_manual_reset_stays_set(void **state)
{
    atomic_int tally = 0;
    struct record record;
    struct wait_packet *packet;
    HANDLE event = test_event(TRUE, FALSE);

    record_init(&record, &tally);
    packet = packet_create(&record);
    assert_int_equal(wait_packet_associate(packet, event, NULL), STATUS_SUCCESS);
    assert_true(SetEvent(event));
    assert_int_equal(wait_for_tally(&tally, 1), 1);
    assert_int_equal(atomic_load(&record.status), STATUS_WAIT_0);
    assert_signaled_now(event);
    assert_signaled_now(event);

    wait_packet_free(packet);
    CloseHandle(event);
}

static void test_semaphore_one_release(void **state)
{
    atomic_int tally = 0;
    struct record records[2];
    struct wait_packet *packets[2];
    HANDLE semaphore = CreateSemaphoreW(NULL, 0, 10, NULL);
    int i, cancelled = 0;

    assert_non_null(semaphore);
    for (i = 0; i < 2; i++)
    {
        record_init(&records[i], &tally);
        packets[i] = packet_create(&records[i]);
        assert_int_equal(wait_packet_associate(packets[i], semaphore, NULL), STATUS_SUCCESS);
    }
    settle();
    assert_true(ReleaseSemaphore(semaphore, 1, NULL));
    assert_int_equal(wait_for_tally(&tally, 1), 1);

    /* The packet that was not notified is still armed. */
    for (i = 0; i < 2; i++)
    {
        BOOL ret = wait_packet_cancel(packets[i]);
        assert_int_equal(ret, !atomic_load(&records[i].notified));
        cancelled += ret;
    }
    assert_int_equal(cancelled, 1);
    assert_int_equal(atomic_load(&tally), 1);
    assert_unsignaled(semaphore);

    for (i = 0; i < 2; i++) wait_packet_free(packets[i]);
    CloseHandle(semaphore);
}

static void test_already_signaled(void **state)
{
    atomic_int tally = 0;
    struct record record;
    struct wait_packet *packet;
    HANDLE event = test_event(FALSE, TRUE);
    HANDLE semaphore = CreateSemaphoreW(NULL, 2, 2, NULL);

    assert_non_null(semaphore);
    record_init(&record, &tally);
    packet = packet_create(&record);
    assert_int_equal(wait_packet_associate(packet, event, NULL), STATUS_SUCCESS);
    assert_int_equal(wait_for_tally(&tally, 1), 1);
    assert_int_equal(atomic_load(&record.status), STATUS_WAIT_0);
    assert_unsignaled(event);

    assert_int_equal(wait_packet_associate(packet, semaphore, NULL), STATUS_SUCCESS);
    assert_int_equal(wait_for_tally(&tally, 2), 2);
    assert_signaled_now(semaphore);  /* one of the two counts is left */
    assert_unsignaled(semaphore);

    wait_packet_free(packet);
    CloseHandle(event);
    CloseHandle(semaphore);
}

static void test_cancel_before_signal(void **state)
{
    atomic_int tally = 0;
    struct record record;
    struct wait_packet *packet;
    HANDLE event = test_event(FALSE, FALSE);
    int round;

    record_init(&record, &tally);
    packet = packet_create(&record);
    for (round = 0; round < 2; round++)
    {
        assert_int_equal(wait_packet_associate(packet, event, NULL), STATUS_SUCCESS);
        if (round) settle();  /* the first round cancels before any wait */
        assert_true(wait_packet_cancel(packet));
        assert_false(wait_packet_cancel(packet));

        assert_true(SetEvent(event));
        settle();
        assert_signaled_now(event);  /* the signal is left for a normal wait */
    }
    assert_int_equal(atomic_load(&tally), 0);

    wait_packet_free(packet);
    CloseHandle(event);
}

static void test_cancel_idle(void **state)
{
    atomic_int tally = 0;
    struct record record;
    struct wait_packet *packet;
    HANDLE event = test_event(FALSE, TRUE);

    record_init(&record, &tally);
    packet = packet_create(&record);
    assert_false(wait_packet_cancel(packet));

    assert_int_equal(wait_packet_associate(packet, event, NULL), STATUS_SUCCESS);
    assert_int_equal(wait_for_tally(&tally, 1), 1);
    assert_false(wait_packet_cancel(packet));
    assert_int_equal(atomic_load(&tally), 1);

    wait_packet_free(packet);
    CloseHandle(event);
}

static void test_reassociate(void **state)
{
    atomic_int tally = 0;
    struct record record;
    struct wait_packet *packet;
    HANDLE event = test_event(FALSE, FALSE);
    int round;

    record_init(&record, &tally);
    packet = packet_create(&record);
    for (round = 1; round <= 50; round++)
    {
        assert_int_equal(wait_packet_associate(packet, event, NULL), STATUS_SUCCESS);
        assert_true(SetEvent(event));
        assert_int_equal(wait_for_tally(&tally, round), round);
        assert_int_equal(atomic_load(&record.notified), round);
        assert_unsignaled(event);
    }

    wait_packet_free(packet);
    CloseHandle(event);
}

static void test_mutex(void **state)
{
    atomic_int tally = 0;
    struct record record;
    struct wait_packet *packet;
    HANDLE mutex = CreateMutexW(NULL, FALSE, NULL);

    assert_non_null(mutex);
    record_init(&record, &tally);
    packet = packet_create(&record);
    assert_int_equal(wait_packet_associate(packet, mutex, NULL), STATUS_SUCCESS);
    assert_int_equal(wait_for_tally(&tally, 1), 1);
    assert_int_equal(atomic_load(&record.status), STATUS_WAIT_0);
    /* Acquired by the packet, for no thread of the test. */
    assert_unsignaled(mutex);
    assert_false(ReleaseMutex(mutex));

    wait_packet_free(packet);
    CloseHandle(mutex);
}

#ifdef _WIN32
static atomic_int abandoner_result;

static DWORD WINAPI abandoner_main(void *arg)
{
    atomic_store(&abandoner_result, (int)WaitForSingleObject(arg, 0));
    return 0;  /* exits owning the mutex */
}

static void test_abandoned_mutex(void **state)
{
    atomic_int tally = 0;
    struct record record;
    struct wait_packet *packet;
    HANDLE mutex = CreateMutexW(NULL, FALSE, NULL);

    assert_non_null(mutex);
    atomic_store(&abandoner_result, -1);
    test_thread_join(test_thread_start(abandoner_main, mutex));
    assert_int_equal(atomic_load(&abandoner_result), WAIT_OBJECT_0);

    record_init(&record, &tally);
    packet = packet_create(&record);
    assert_int_equal(wait_packet_associate(packet, mutex, NULL), STATUS_SUCCESS);
    assert_int_equal(wait_for_tally(&tally, 1), 1);
    assert_int_equal(atomic_load(&record.status), STATUS_ABANDONED_WAIT_0);

    wait_packet_free(packet);
    CloseHandle(mutex);
}
#else
static void test_abandoned_mutex(void **state)
{
    skip();  /* abandoned mutexes are not detected natively */
}
#endif

/* ---- A cancel racing with a signal ----------------------------------- */

struct signaler
{
    atomic_int round;          /* set by the test: signal `event` for this round */
    atomic_int done;           /* the last round signalled */
    HANDLE event;
};

static DWORD WINAPI signaler_main(void *arg)
{
    struct signaler *signaler = arg;
    int round = 0;

    for (;;)
    {
        while (atomic_load(&signaler->round) == round)
            futex_wait(&signaler->round, round, TIMEOUT_INFINITE);
        if ((round = atomic_load(&signaler->round)) < 0) return 0;
        SetEvent(signaler->event);
        atomic_store(&signaler->done, round);
        futex_wake_all(&signaler->done);
    }
}

static void test_cancel_races_signal(void **state)
{
    static struct signaler signaler;
    atomic_int tally = 0;
    struct record record;
    struct wait_packet *packet;
    test_thread thread;
    int round, notified = 0;

    signaler.event = test_event(FALSE, FALSE);
    atomic_init(&signaler.round, 0);
    atomic_init(&signaler.done, 0);
    thread = test_thread_start(signaler_main, &signaler);
    record_init(&record, &tally);
    packet = packet_create(&record);

    for (round = 1; round <= 200; round++)
    {
        BOOL cancelled;

        assert_int_equal(wait_packet_associate(packet, signaler.event, NULL), STATUS_SUCCESS);
        if (round % 2) settle();
        atomic_store(&signaler.round, round);
        futex_wake_all(&signaler.round);
        cancelled = wait_packet_cancel(packet);
        assert_int_equal(wait_for_tally(&signaler.done, round), round);

        /* Either the cancel won and the signal is left, or the packet took
         * the signal and was notified. */
        if (cancelled) assert_signaled_now(signaler.event);
        else
        {
            notified++;
            assert_int_equal(wait_for_tally(&tally, notified), notified);
            assert_unsignaled(signaler.event);
        }
        assert_int_equal(atomic_load(&tally), notified);
    }

    atomic_store(&signaler.round, -1);
    futex_wake_all(&signaler.round);
    test_thread_join(thread);
    wait_packet_free(packet);
    CloseHandle(signaler.event);
}

/* ---- Many packets ----------------------------------------------------- */

/* Groups, by index modulo 4. */
enum
{
    FIRST_WAVE,     /* signalled first */
    CANCELLED,      /* cancelled, then signalled */
    UNTOUCHED,      /* never signalled; one of their handles is closed */
    SECOND_WAVE,    /* signalled after the close */
};

static void signal_group(HANDLE *events, int group)
{
    int i;

    for (i = group; i < MANY_PACKETS; i += 4) assert_true(SetEvent(events[i]));
}

static void test_many_packets(void **state)
{
    static struct record records[MANY_PACKETS];
    static struct wait_packet *packets[MANY_PACKETS];
    static HANDLE events[MANY_PACKETS];
    const int closed = UNTOUCHED + 4 * 37;
    atomic_int tally = 0;
    int i;

    for (i = 0; i < MANY_PACKETS; i++)
    {
        events[i] = test_event(FALSE, FALSE);
        record_init(&records[i], &tally);
        packets[i] = packet_create(&records[i]);
    }
    for (i = 0; i < MANY_PACKETS; i++)
        assert_int_equal(wait_packet_associate(packets[i], events[i], NULL), STATUS_SUCCESS);

    signal_group(events, FIRST_WAVE);
    assert_int_equal(wait_for_tally(&tally, MANY_PACKETS / 4), MANY_PACKETS / 4);
    for (i = CANCELLED; i < MANY_PACKETS; i += 4) assert_true(wait_packet_cancel(packets[i]));
    signal_group(events, CANCELLED);
    assert_true(CloseHandle(events[closed]));
    signal_group(events, SECOND_WAVE);
    assert_int_equal(wait_for_tally(&tally, MANY_PACKETS / 2), MANY_PACKETS / 2);

    for (i = 0; i < MANY_PACKETS; i++)
    {
        int group = i % 4;
        BOOL notified = group == FIRST_WAVE || group == SECOND_WAVE;

        if (group != CANCELLED) assert_int_equal(wait_packet_cancel(packets[i]), !notified);
        assert_int_equal(atomic_load(&records[i].notified), notified);
        if (notified) assert_int_equal(atomic_load(&records[i].status), STATUS_WAIT_0);
        if (i == closed) continue;
        if (group == CANCELLED) assert_signaled_now(events[i]);
        else assert_unsignaled(events[i]);
    }
    assert_int_equal(atomic_load(&tally), MANY_PACKETS / 2);

    for (i = 0; i < MANY_PACKETS; i++)
    {
        wait_packet_free(packets[i]);
        if (i != closed) CloseHandle(events[i]);
    }
}

/* ---- Zero-timeout waits ------------------------------------------------ */

static void test_wait_handle_now(void **state)
{
    HANDLE event = test_event(FALSE, TRUE), closed = test_event(FALSE, TRUE);

    assert_true(CloseHandle(closed));
    SetLastError(0xdead);
    assert_int_equal(wait_handle_now(event), STATUS_WAIT_0);
    assert_int_equal(wait_handle_now(event), STATUS_TIMEOUT);
    assert_int_equal(wait_handle_now(NULL), STATUS_INVALID_HANDLE);
    assert_int_equal(wait_handle_now(closed), STATUS_INVALID_HANDLE);
    assert_int_equal(GetLastError(), 0xdead);
    CloseHandle(event);
}

static void test_associate_invalid(void **state)
{
    atomic_int tally = 0;
    struct record record;
    struct wait_packet *packet;

    record_init(&record, &tally);
    packet = packet_create(&record);
    assert_int_equal(wait_packet_associate(packet, NULL, NULL), STATUS_INVALID_HANDLE);
    assert_false(wait_packet_cancel(packet));
    wait_packet_free(packet);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_notify_on_signal),
        cmocka_unit_test(test_manual_reset_stays_set),
        cmocka_unit_test(test_semaphore_one_release),
        cmocka_unit_test(test_already_signaled),
        cmocka_unit_test(test_cancel_before_signal),
        cmocka_unit_test(test_cancel_idle),
        cmocka_unit_test(test_reassociate),
        cmocka_unit_test(test_mutex),
        cmocka_unit_test(test_abandoned_mutex),
        cmocka_unit_test(test_cancel_races_signal),
        cmocka_unit_test(test_many_packets),
        cmocka_unit_test(test_wait_handle_now),
        cmocka_unit_test(test_associate_invalid),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
