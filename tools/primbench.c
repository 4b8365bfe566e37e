/*
 * Measures the cost of the layer 1 primitives: two threads pass the turn
 * back and forth through one primitive, and the table gives the time of a
 * round trip (two hand-offs, each a wake and a wait).  The Win32 build also
 * measures the kernel objects the primitives stand in for.  A second table
 * gives the cost of wait packets on 10,000 events.
 *
 * Usage: primbench [milliseconds per measurement, default 300]
 */

#include "sys.h"
#include "wait_packet.h"

#include <stdio.h>
#include <stdlib.h>
#ifdef _WIN32
#include <tlhelp32.h>
#endif

#define MEASUREMENTS 3

struct benchmark
{
    const char *name;
    void (*setup)(void);
    void (*client)(unsigned int rounds);   /* starts each round trip */
    void (*server)(unsigned int rounds);   /* answers, on another thread */
};

/* ---- Layer 1 -------------------------------------------------------------- */

static atomic_int turn;

static void futex_setup(void)
{
    atomic_store(&turn, 0);
}

static void futex_client(unsigned int rounds)
{
    while (rounds--)
    {
        atomic_store(&turn, 1);
        futex_wake_one(&turn);
        while (atomic_load(&turn) != 0) futex_wait(&turn, 1, TIMEOUT_INFINITE);
    }
}

static void futex_server(unsigned int rounds)
{
    while (rounds--)
    {
        while (atomic_load(&turn) != 1) futex_wait(&turn, 0, TIMEOUT_INFINITE);
        atomic_store(&turn, 0);
        futex_wake_one(&turn);
    }
}

/* The lock has no owner, so a pair of held locks works as two binary
 * semaphores: each round trip hands each lock over once. */
static struct lock lock_ping, lock_pong;

static void lock_setup(void)
{
    lock_init(&lock_ping, LOCK_PORT);
    lock_init(&lock_pong, LOCK_PORT);
    lock_acquire(&lock_ping);
    lock_acquire(&lock_pong);
}

static void lock_client(unsigned int rounds)
{
    while (rounds--)
    {
        lock_release(&lock_ping);
        lock_acquire(&lock_pong);
    }
}

static void lock_server(unsigned int rounds)
{
    while (rounds--)
    {
        lock_acquire(&lock_ping);
        lock_release(&lock_pong);
    }
}

static char keys[2];

static void keyed_event_client(unsigned int rounds)
{
    struct keyed_event *event = keyed_event_default();

    while (rounds--)
    {
        keyed_event_release(event, &keys[0], TIMEOUT_INFINITE);
        keyed_event_wait(event, &keys[1], TIMEOUT_INFINITE);
    }
}

static void keyed_event_server(unsigned int rounds)
{
    struct keyed_event *event = keyed_event_default();

    while (rounds--)
    {
        keyed_event_wait(event, &keys[0], TIMEOUT_INFINITE);
        keyed_event_release(event, &keys[1], TIMEOUT_INFINITE);
    }
}

static struct port port_ping, port_pong;
static struct port_packet packet_ping, packet_pong;

static void port_setup(void)
{
    port_init(&port_ping, 1);
    port_init(&port_pong, 1);
}

static void port_client(unsigned int rounds)
{
    struct port_packet *packet;

    while (rounds--)
    {
        port_post(&port_ping, &packet_ping);
        port_remove(&port_pong, &packet, TIMEOUT_INFINITE);
    }
    port_leave(&port_pong);
}

static void port_server(unsigned int rounds)
{
    struct port_packet *packet;

    while (rounds--)
    {
        port_remove(&port_ping, &packet, TIMEOUT_INFINITE);
        port_post(&port_pong, &packet_pong);
    }
    port_leave(&port_ping);
}

static void no_setup(void)
{
}

static void lock_uncontended(unsigned int rounds)
{
    static struct lock lock = LOCK_INIT(LOCK_PORT);

    while (rounds--)
    {
        lock_acquire(&lock);
        lock_release(&lock);
    }
}

#ifdef _WIN32

/* ---- Kernel objects, for comparison ----------------------------------------- */

static HANDLE event_ping, event_pong;

static void event_setup(void)
{
    if (!event_ping) event_ping = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (!event_pong) event_pong = CreateEventW(NULL, FALSE, FALSE, NULL);
}

static void event_client(unsigned int rounds)
{
    while (rounds--)
    {
        SetEvent(event_ping);
        WaitForSingleObject(event_pong, INFINITE);
    }
}

static void event_server(unsigned int rounds)
{
    while (rounds--)
    {
        WaitForSingleObject(event_ping, INFINITE);
        SetEvent(event_pong);
    }
}

typedef NTSTATUS (NTAPI *create_keyed_event_func)(HANDLE *, ACCESS_MASK, void *, ULONG);
typedef NTSTATUS (NTAPI *keyed_event_func)(HANDLE, const void *, BOOLEAN, const LARGE_INTEGER *);

static keyed_event_func nt_wait_keyed, nt_release_keyed;
static HANDLE nt_keyed_event;

typedef void (*any_function)(void);

static any_function ntdll_function(HMODULE ntdll, const char *name)
{
    return (any_function)GetProcAddress(ntdll, name);
}

static void nt_keyed_setup(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    create_keyed_event_func create;

    if (nt_keyed_event) return;
    create = (create_keyed_event_func)ntdll_function(ntdll, "NtCreateKeyedEvent");
    nt_wait_keyed = (keyed_event_func)ntdll_function(ntdll, "NtWaitForKeyedEvent");
    nt_release_keyed = (keyed_event_func)ntdll_function(ntdll, "NtReleaseKeyedEvent");
    if (!create || !nt_wait_keyed || !nt_release_keyed ||
        create(&nt_keyed_event, EVENT_ALL_ACCESS, NULL, 0))
    {
        fprintf(stderr, "primbench: no NT keyed events\n");
        exit(1);
    }
}

static void nt_keyed_client(unsigned int rounds)
{
    while (rounds--)
    {
        nt_release_keyed(nt_keyed_event, &keys[0], FALSE, NULL);
        nt_wait_keyed(nt_keyed_event, &keys[1], FALSE, NULL);
    }
}

static void nt_keyed_server(unsigned int rounds)
{
    while (rounds--)
    {
        nt_wait_keyed(nt_keyed_event, &keys[0], FALSE, NULL);
        nt_release_keyed(nt_keyed_event, &keys[1], FALSE, NULL);
    }
}

static HANDLE iocp_ping, iocp_pong;

static void iocp_setup(void)
{
    if (!iocp_ping) iocp_ping = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    if (!iocp_pong) iocp_pong = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
}

static void iocp_exchange(HANDLE post_to, HANDLE remove_from, int post_first)
{
    OVERLAPPED *overlapped;
    ULONG_PTR key;
    DWORD bytes;

    if (post_first) PostQueuedCompletionStatus(post_to, 0, 1, NULL);
    GetQueuedCompletionStatus(remove_from, &bytes, &key, &overlapped, INFINITE);
    if (!post_first) PostQueuedCompletionStatus(post_to, 0, 1, NULL);
}

static void iocp_client(unsigned int rounds)
{
    while (rounds--) iocp_exchange(iocp_ping, iocp_pong, 1);
}

static void iocp_server(unsigned int rounds)
{
    while (rounds--) iocp_exchange(iocp_pong, iocp_ping, 0);
}

static SRWLOCK srw_lock = SRWLOCK_INIT;
static CONDITION_VARIABLE srw_condition = CONDITION_VARIABLE_INIT;
static int srw_turn;

static void srw_pass(int from, int to, unsigned int rounds)
{
    AcquireSRWLockExclusive(&srw_lock);
    while (rounds--)
    {
        while (srw_turn != from) SleepConditionVariableSRW(&srw_condition, &srw_lock, INFINITE, 0);
        srw_turn = to;
        WakeConditionVariable(&srw_condition);
    }
    ReleaseSRWLockExclusive(&srw_lock);
}

static void srw_setup(void)
{
    srw_turn = 0;
}

static void srw_client(unsigned int rounds)
{
    srw_pass(0, 1, rounds);
}

static void srw_server(unsigned int rounds)
{
    srw_pass(1, 0, rounds);
}

#endif

static const struct benchmark benchmarks[] =
{
#ifdef _WIN32
    { "WaitOnAddress ping-pong (futex_wait)", futex_setup, futex_client, futex_server },
#else
    { "futex ping-pong (futex_wait)", futex_setup, futex_client, futex_server },
#endif
    { "lock hand-off", lock_setup, lock_client, lock_server },
    { "lock acquire+release, uncontended", no_setup, lock_uncontended, NULL },
    { "keyed event ping-pong", no_setup, keyed_event_client, keyed_event_server },
    { "port post+remove ping-pong", port_setup, port_client, port_server },
#ifdef _WIN32
    { "Win32 event SetEvent/WaitForSingleObject", event_setup, event_client, event_server },
    { "NT keyed event (ntdll)", nt_keyed_setup, nt_keyed_client, nt_keyed_server },
    { "IOCP Post/GetQueuedCompletionStatus", iocp_setup, iocp_client, iocp_server },
    { "SRW lock + condition variable", srw_setup, srw_client, srw_server },
#endif
};

/* ---- Harness -------------------------------------------------------------- */

struct partner
{
    const struct benchmark *benchmark;
    unsigned int rounds;
    atomic_int ready;
    atomic_int done;
};

static void set_flag(atomic_int *flag)
{
    atomic_store(flag, 1);
    futex_wake_all(flag);
}

static void wait_flag(atomic_int *flag)
{
    while (!atomic_load(flag)) futex_wait(flag, 0, TIMEOUT_INFINITE);
}

static void partner_main(void *arg)
{
    struct partner *partner = arg;

    set_flag(&partner->ready);
    partner->benchmark->server(partner->rounds);
    set_flag(&partner->done);
}

/* Returns the duration of one round trip in 100 ns units. */
static double run_rounds(const struct benchmark *benchmark, unsigned int rounds)
{
    struct partner partner = { .benchmark = benchmark, .rounds = rounds };
    LONGLONG start, elapsed;

    benchmark->setup();
    if (benchmark->server)
    {
        if (thread_start(partner_main, &partner, "primbench", 0, 0))
        {
            fprintf(stderr, "primbench: cannot start a thread\n");
            exit(1);
        }
        wait_flag(&partner.ready);
    }
    start = clock_monotonic();
    benchmark->client(rounds);
    elapsed = clock_monotonic() - start;
    if (benchmark->server) wait_flag(&partner.done);
    return (double)elapsed / rounds;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double measure(const struct benchmark *benchmark, LONGLONG budget)
{
    double results[MEASUREMENTS], estimate = run_rounds(benchmark, 100);
    double rounds = estimate > 0 ? budget / estimate : 1e7;
    int i;

    if (rounds < 100) rounds = 100;
    if (rounds > 1e7) rounds = 1e7;
    for (i = 0; i < MEASUREMENTS; i++) results[i] = run_rounds(benchmark, (unsigned int)rounds);
    qsort(results, MEASUREMENTS, sizeof(results[0]), compare_doubles);
    return results[MEASUREMENTS / 2];
}

/* ---- Wait packets ------------------------------------------------------------ */

#define BENCH_PACKETS 10000

enum packet_cost { COST_CREATE, COST_ASSOCIATE, COST_SIGNAL, COST_CANCEL, PACKET_COSTS };

static const char * const packet_cost_names[PACKET_COSTS] =
{
    "create",
    "associate (arm)",
    "SetEvent until notified (throughput)",
    "cancel (armed)",
};

static atomic_int packets_notified;

static void count_notify(struct wait_packet *packet, void *context, NTSTATUS status)
{
    if (atomic_fetch_add(&packets_notified, 1) + 1 == BENCH_PACKETS) futex_wake_all(&packets_notified);
}

static void wait_all_notified(void)
{
    int seen;

    while ((seen = atomic_load(&packets_notified)) < BENCH_PACKETS)
        futex_wait(&packets_notified, seen, TIMEOUT_INFINITE);
}

static unsigned int process_threads(void)
{
#ifdef _WIN32
    THREADENTRY32 entry = { .dwSize = sizeof(entry) };
    HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    DWORD pid = GetCurrentProcessId();
    unsigned int count = 0;

    if (snapshot == INVALID_HANDLE_VALUE) return 0;
    if (Thread32First(snapshot, &entry))
    {
        do count += entry.th32OwnerProcessID == pid;
        while (Thread32Next(snapshot, &entry));
    }
    CloseHandle(snapshot);
    return count;
#else
    return 1;  /* no wait threads natively */
#endif
}

static void associate_all(struct wait_packet **packets, HANDLE *events)
{
    unsigned int i;

    for (i = 0; i < BENCH_PACKETS; i++)
    {
        if (wait_packet_associate(packets[i], events[i], NULL))
        {
            fprintf(stderr, "primbench: cannot associate a wait packet\n");
            exit(1);
        }
    }
}

static double per_packet(LONGLONG start)
{
    return (double)(clock_monotonic() - start) / BENCH_PACKETS;
}

/* Fills costs[] (100 ns units per packet); returns the number of threads
 * besides the main one once the packets exist. */
static unsigned int measure_packets(double costs[PACKET_COSTS])
{
    static struct wait_packet *packets[BENCH_PACKETS];
    static HANDLE events[BENCH_PACKETS];
    LONGLONG start = clock_monotonic();
    unsigned int i, threads;

    for (i = 0; i < BENCH_PACKETS; i++)
    {
        if (wait_packet_create(&packets[i], count_notify, NULL))
        {
            fprintf(stderr, "primbench: cannot create wait packets\n");
            exit(1);
        }
    }
    costs[COST_CREATE] = per_packet(start);
    threads = process_threads() - 1;
    for (i = 0; i < BENCH_PACKETS; i++) events[i] = CreateEventW(NULL, FALSE, FALSE, NULL);

    atomic_store(&packets_notified, 0);
    start = clock_monotonic();
    associate_all(packets, events);
    costs[COST_ASSOCIATE] = per_packet(start);

    start = clock_monotonic();
    for (i = 0; i < BENCH_PACKETS; i++) SetEvent(events[i]);
    wait_all_notified();
    costs[COST_SIGNAL] = per_packet(start);

    associate_all(packets, events);
    start = clock_monotonic();
    for (i = 0; i < BENCH_PACKETS; i++) wait_packet_cancel(packets[i]);
    costs[COST_CANCEL] = per_packet(start);

    for (i = 0; i < BENCH_PACKETS; i++)
    {
        wait_packet_free(packets[i]);
        CloseHandle(events[i]);
    }
    return threads;
}

static void bench_wait_packets(void)
{
    double costs[PACKET_COSTS][MEASUREMENTS], run[PACKET_COSTS];
    unsigned int threads = 0;
    int i, j;

    /* The first run starts the wait threads; the others reuse them. */
    for (i = 0; i < MEASUREMENTS; i++)
    {
        threads = measure_packets(run);
        for (j = 0; j < PACKET_COSTS; j++) costs[j][i] = run[j];
    }
    printf("\n%-44s %14s\n", "wait packets on 10,000 auto-reset events", "us/packet");
    for (j = 0; j < PACKET_COSTS; j++)
    {
        qsort(costs[j], MEASUREMENTS, sizeof(costs[j][0]), compare_doubles);
        printf("%-44s %14.3f\n", packet_cost_names[j], costs[j][MEASUREMENTS / 2] / 10);
    }
    printf("%-44s %14u\n", "wait threads", threads);
}

int main(int argc, char **argv)
{
    LONGLONG budget = (argc > 1 ? atoi(argv[1]) : 300) * (LONGLONG)TICKS_PER_MS;
    size_t i;

#ifdef _WIN32
    printf("primbench: Win32 build, %u processors\n", thread_cpu_count());
#else
    printf("primbench: native build, %u processors\n", thread_cpu_count());
#endif
    printf("%-44s %14s\n", "operation", "us/round trip");
    for (i = 0; i < sizeof(benchmarks) / sizeof(benchmarks[0]); i++)
    {
        printf("%-44s %14.3f\n", benchmarks[i].name, measure(&benchmarks[i], budget) / 10);
        fflush(stdout);
    }
    bench_wait_packets();
    return 0;
}
