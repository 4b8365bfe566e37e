/*
 * Layer 1: NT-like primitives.
 *
 * Everything the pool core needs from the system goes through layer 1's
 * headers.  This one: lists, address waits (futex), locks and the lock
 * order, one-time starts, clocks, threads and their state, keyed events,
 * the completion port emulation (whose waiters live in the threads'
 * state), memory, fault injection, completion actions, exceptions, text
 * formatting, impersonation and alertable events.  Beside it, by owner:
 * wait_packet.h (the waits' packets and handle checks), io_port.h (I/O
 * completion) and report.h (the checked mode, reports, the shared block,
 * the trace's output).  The backend specific parts are the address waits,
 * the clocks, the threads and what lies under the other headers
 * (*_posix.c natively, *_win32.c in the DLL); keyed events, locks and the
 * port are written once on top of them.
 *
 * Timeouts are absolute deadlines on the monotonic clock, in 100 ns units
 * (see clock_monotonic()); TIMEOUT_INFINITE never expires.
 */

#ifndef TPOOL_SYS_H
#define TPOOL_SYS_H

#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <ntstatus.h>

#include <stdatomic.h>
#include <stddef.h>

#define TIMEOUT_INFINITE ((LONGLONG)0x7fffffffffffffffLL)
#define TICKS_PER_MS     10000

/* Doubly linked intrusive list (Wine's list.h shape). */
struct list
{
    struct list *next;
    struct list *prev;
};

#define LIST_INIT(list) { &(list), &(list) }
#define LIST_ENTRY(elem, type, field) \
    ((type *)((char *)(elem) - offsetof(type, field)))

static inline void list_init(struct list *list)
{
    list->next = list->prev = list;
}

static inline int list_empty(const struct list *list)
{
    return list->next == list;
}

static inline void list_add_tail(struct list *list, struct list *elem)
{
    elem->next = list;
    elem->prev = list->prev;
    list->prev->next = elem;
    list->prev = elem;
}

static inline void list_add_head(struct list *list, struct list *elem)
{
    elem->next = list->next;
    elem->prev = list;
    list->next->prev = elem;
    list->next = elem;
}

static inline void list_remove(struct list *elem)
{
    elem->next->prev = elem->prev;
    elem->prev->next = elem->next;
    elem->next = elem->prev = elem;
}

static inline struct list *list_head(const struct list *list)
{
    return list_empty(list) ? NULL : list->next;
}

/* ---- Address waits (futex) ------------------------------------------- */

/* Blocks while *addr == expected, until woken, or until the deadline.
 * Returns STATUS_SUCCESS (woken, value changed, or spurious: callers loop)
 * or STATUS_TIMEOUT. */
NTSTATUS futex_wait(atomic_int *addr, int expected, LONGLONG deadline);
void futex_wake_one(atomic_int *addr);
void futex_wake_all(atomic_int *addr);

/* One step of a spin-wait loop. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}

/* ---- Lock ------------------------------------------------------------- */

/* A mutex over futex_wait: spins briefly, then sleeps.  Not recursive.
 *
 * The lock order, for every layer.  Each lock has a level.  A thread that
 * holds locks takes only a lock of a higher level than all of them (the
 * one exception is lock_acquire_sibling()).  No lock is held while:
 *   - a layer calls code of a layer above it: the port's starved hook, a
 *     wait packet's notify, an I/O binding's completion, the application;
 *   - a thread is started.
 * Each layer numbers its own locks in its header, in the order it takes
 * them: layer 3 from 10, layer 2 from 20, layer 1 from 40 (below).  A lock
 * is initialised with one of these (a level and a name).
 *
 * In the checked mode (TPOOL_CHECKED=1, or TPOOL_CHECKED=locks for these
 * checks alone; read when the library loads), every acquire checks the
 * order against the locks the thread holds, thread_start() checks that it
 * holds none, and lock_assert_held() that it holds the lock; a violation
 * is reported on stderr, naming the locks, and ends the process.  Off, the
 * checks cost one load and a branch. */
#define LOCK_NATIVE_WAIT_ALL  40, "native wait-all"
#define LOCK_NATIVE_OBJECT    41, "native object"
#define LOCK_NATIVE_FREE_LIST 42, "native free objects"
#define LOCK_WAIT_THREADS     43, "wait threads"
#define LOCK_WAIT_THREAD      44, "wait thread"
#define LOCK_IO_BINDINGS      45, "I/O bindings"
#define LOCK_PORT             46, "port"
#define LOCK_MEMORY_CACHE     47, "memory cache"
#define LOCK_KEYED_EVENT      48, "keyed event bucket"
#define LOCK_TRACE_OUTPUT     49, "trace output"
#define LOCK_WAIT_CLOSING     50, "wait handles to close"

struct lock
{
    atomic_int state;   /* 0 free, 1 locked, 2 locked with sleepers */
    int level;
    const char *name;
};

/* LOCK_INIT(LOCK_PORT) */
#define LOCK_INIT(...) { 0, __VA_ARGS__ }

/* The most locks a thread holds at once in the checked mode. */
#define LOCK_HELD_MAX 16

extern BOOL lock_checking;
void lock_acquire_slow(struct lock *lock);
void lock_release_slow(struct lock *lock);
void lock_check_acquire(struct lock *lock, BOOL sibling);
void lock_check_release(struct lock *lock);
void lock_check_held(const struct lock *lock);
void lock_check_none_held(const char *what);
/* Reads TPOOL_CHECKED; the library's load calls it before any lock is
 * taken (a program linking layer 1 itself calls it first). */
void checked_mode_load(void);

static inline void lock_init(struct lock *lock, int level, const char *name)
{
    atomic_init(&lock->state, 0);
    lock->level = level;
    lock->name = name;
}

static inline void lock_take(struct lock *lock)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong_explicit(&lock->state, &expected, 1,
                                                 memory_order_acquire, memory_order_relaxed))
        lock_acquire_slow(lock);
}

static inline void lock_acquire(struct lock *lock)
{
    if (__builtin_expect(lock_checking, 0)) lock_check_acquire(lock, FALSE);
    lock_take(lock);
}

/* Takes a lock of the same level as one the thread holds: only while it
 * also holds `serializer`, which makes it the only thread collecting
 * several locks of that level (native wait-all). */
static inline void lock_acquire_sibling(struct lock *lock, const struct lock *serializer)
{
    if (__builtin_expect(lock_checking, 0))
    {
        lock_check_held(serializer);
        lock_check_acquire(lock, TRUE);
    }
    lock_take(lock);
}

static inline void lock_release(struct lock *lock)
{
    if (__builtin_expect(lock_checking, 0)) lock_check_release(lock);
    if (atomic_exchange_explicit(&lock->state, 0, memory_order_release) == 2)
        lock_release_slow(lock);
}

/* Documents, and in the checked mode checks, that the caller holds `lock`. */
static inline void lock_assert_held(const struct lock *lock)
{
    if (__builtin_expect(lock_checking, 0)) lock_check_held(lock);
}

/* ---- Once (once.c) ------------------------------------------------------ */

/* Calls start(arg) until it succeeds once, for `state` (zeroed at first):
 * a caller that comes while another runs it waits for that one's result;
 * after a failure, the next caller tries again.  No lock is held while
 * start runs, so it may start a thread. */
NTSTATUS once_start(atomic_int *state, NTSTATUS (*start)(void *arg), void *arg);

/* ---- Clocks ------------------------------------------------------------ */

/* Monotonic time in 100 ns units; does not move with the wall clock. */
LONGLONG clock_monotonic(void);
/* System time in FILETIME units (100 ns since 1601-01-01 UTC). */
LONGLONG clock_system(void);
/* Converts an NT timeout (negative: relative 100 ns, positive: absolute
 * system time, NULL: infinite) into a monotonic deadline. */
LONGLONG clock_deadline_from_nt(const LARGE_INTEGER *timeout);
/* Milliseconds to a monotonic deadline (INFINITE gives TIMEOUT_INFINITE). */
LONGLONG clock_deadline_from_ms(DWORD ms);
/* Sleeps until the monotonic deadline, to the clock's resolution. */
void clock_sleep_until(LONGLONG deadline);

/* ---- Threads ----------------------------------------------------------- */

typedef void (*thread_entry)(void *arg);

/* Starts a detached thread named `name` (at most 15 characters: what
 * debuggers, top -H and gdb show; SetThreadDescription in the DLL,
 * pthread_setname_np natively).  stack_reserve 0 means the default size.
 * Returns STATUS_SUCCESS or STATUS_NO_MEMORY / STATUS_TOO_MANY_THREADS. */
NTSTATUS thread_start(thread_entry entry, void *arg, const char *name, SIZE_T stack_reserve,
                      SIZE_T stack_commit);
DWORD thread_current_id(void);
void thread_yield(void);
/* Number of processors available to the process. */
unsigned int thread_cpu_count(void);
/* A thread's CPU clock, which other threads can read: what NT's queue
 * accounting knows without asking (a thread blocked outside tpool uses no
 * CPU).  thread_cpu_clock_open() opens the calling thread's; FALSE if the
 * system gives none.  thread_cpu_time() is the CPU time the thread used,
 * in 100 ns ticks, or -1 if it cannot be read (under Wine to the
 * resolution of the host's accounting, 10 ms). */
struct thread_cpu_clock
{
    uintptr_t value;
};
BOOL thread_cpu_clock_open(struct thread_cpu_clock *clock);
LONGLONG thread_cpu_time(const struct thread_cpu_clock *clock);
void thread_cpu_clock_close(struct thread_cpu_clock *clock);
/* The stack a new thread gets by default: in the DLL the executable's
 * header values, natively the pthread default (commit = reserve). */
void thread_default_stack(SIZE_T *reserve, SIZE_T *commit);

/* A thread waiting on a port (port.c).  It lives in the thread's state,
 * not on its stack: a hander's wake-up call may come after the waiter
 * has returned, and must find valid memory. */
struct port_waiter
{
    struct list entry;              /* in port->waiters, then in a wake list */
    atomic_uintptr_t handoff;       /* port.c's enum waiter_state, or a packet */
    atomic_int left_reposts;        /* port_repost() left it packets while it spins */
    int counts;                     /* counts as running once handed a packet */
    struct port_packet *packet;     /* handed under the port lock, NULL until then */
    BOOL offered;                   /* in port->offer rather than in port->waiters */
    unsigned int fruitless_spins;   /* the waiter's last spins that ended in a sleep */
};

/* Per-thread state kept by layer 1 for every thread that touches a port
 * or tells it about blocking.  The slot is free for layer 2's own use. */
struct thread_state
{
    struct port *port;     /* port this thread last removed a packet from */
    struct port_waiter waiter;
    atomic_int blocked;    /* depth of thread_blocking_begin(); others read it */
    void *slot;            /* layer 2: the worker, if the thread is one */
    LONG critical_sections; /* natively: critical sections the thread holds */
    LONG mutexes;          /* natively: mutex acquisitions not released yet */
    void *trace_call;      /* layer 2: the export call whose trace line is pending */
    unsigned int locks_held;                  /* checked mode: the locks it holds, */
    const struct lock *held[LOCK_HELD_MAX];   /* in the order it took them */
};

struct thread_state *thread_state_current(void);

/* Brackets a wait that may block for long, so that a port counting this
 * thread as running can release another thread (NT's queue accounting).
 * Nests; only the outermost pair counts. */
void thread_blocking_begin(void);
void thread_blocking_end(void);
/* Whether the thread is inside such a wait (from any thread: relaxed). */
static inline int thread_blocked(const struct thread_state *state)
{
    return atomic_load_explicit(&state->blocked, memory_order_relaxed);
}

/* ---- Keyed events ---------------------------------------------------- */

/* NT semantics: keyed_event_wait() blocks until keyed_event_release() is
 * called with the same key, and keyed_event_release() blocks until a
 * waiter with that key takes the release.  One release satisfies exactly
 * one wait.  Both return STATUS_SUCCESS or STATUS_TIMEOUT; a call that
 * times out leaves no trace (its partner, if any, keeps waiting). */
struct keyed_event;

struct keyed_event *keyed_event_default(void);
NTSTATUS keyed_event_wait(struct keyed_event *event, const void *key, LONGLONG deadline);
NTSTATUS keyed_event_release(struct keyed_event *event, const void *key, LONGLONG deadline);

/* ---- Completion port emulation ----------------------------------------- */

#define PORT_PRIORITIES 3

/* A packet is owned by its poster and queued at most once at a time;
 * posting never allocates. */
struct port_packet
{
    struct list entry;           /* private to the port */
    int queued;                  /* private to the port */
    unsigned int priority;       /* 0 (first) .. PORT_PRIORITIES - 1 */
    ULONG_PTR key;
    ULONG_PTR value;
    NTSTATUS status;
    ULONG_PTR information;
};

/* Packets are removed highest priority first, FIFO within a priority.
 * A thread that removed a packet counts as running until it calls
 * port_remove() again (on any port), port_leave(), or blocks
 * (thread_blocking_begin()); thread_blocking_end() counts it again, even
 * above the limit.  Waiting threads are handed packets directly, only
 * while fewer than `concurrency` threads run, most recently arrived
 * waiter first.  A thread that removed a packet must call port_leave()
 * before it exits or before the port goes away. */
struct port
{
    struct lock lock;
    struct list queues[PORT_PRIORITIES];
    struct list waiters;         /* waiting threads, most recent first */
    unsigned int spins;          /* how long a waiter spins before it sleeps */
    /* Called outside the lock when a running thread blocks while packets
     * are queued, fewer than `concurrency` threads run and no thread
     * waits: the owner may start another thread.  NULL by default; set
     * it after port_init(), before the port is used. */
    void (*starved)(struct port *port);
    char lock_free_line[64];
    /* What posters and waiters read and change without the lock (port.c),
     * apart from the lock's own cache line. */
    struct port_waiter *_Atomic offer;  /* the most recent waiter, unlisted */
    atomic_uint num_waiters;     /* listed and offered */
    atomic_uint running;         /* also taken by posters without the lock */
    atomic_uint queued;          /* packets in the queues; changed under the lock */
    atomic_uint concurrency;     /* changed under the lock */
    atomic_ulong removed;        /* packets handed out so far */
    char end_of_line[64];
};

enum port_post_result
{
    PORT_POST_HANDED,    /* a waiting thread took the packet (or, after
                          * port_repost, will at the end of its spin) */
    PORT_POST_QUEUED,    /* queued; enough threads are running */
    PORT_POST_NO_WAITER, /* queued; fewer than `concurrency` run and none waits */
};

/* concurrency 0 means the number of processors (as NT). */
void port_init(struct port *port, unsigned int concurrency);
enum port_post_result port_post(struct port *port, struct port_packet *packet);
/* port_post for a packet its poster comes back for soon: while the most
 * recent waiter still spins, it is left queued for that waiter to take
 * at the end of its spin, so a poster back sooner takes it itself. */
enum port_post_result port_repost(struct port *port, struct port_packet *packet);
/* The removal calls also take a negative deadline: a timeout relative to
 * the call (NT's convention), read off the clock only if the call waits
 * (a clock reading is a system call in the DLL under Wine). */
NTSTATUS port_remove(struct port *port, struct port_packet **packet, LONGLONG deadline);
/* port_remove, waiting behind every other waiter: handed a packet only
 * when no other thread waits (for a thread with another duty). */
NTSTATUS port_remove_last(struct port *port, struct port_packet **packet, LONGLONG deadline);
/* Takes a queued packet back; FALSE if it is not queued (already removed). */
BOOL port_cancel(struct port *port, struct port_packet *packet);
/* The calling thread stops counting as running on the port. */
void port_leave(struct port *port);
/* The calling thread counts as running on the port, as after a removal,
 * for work it runs without passing it through the port. */
void port_claim(struct port *port);
unsigned int port_concurrency(struct port *port);
/* Changes the limit (0: the number of processors).  Raising it hands
 * queued packets to waiting threads at once; lowering it preempts nobody. */
void port_set_concurrency(struct port *port, unsigned int concurrency);
unsigned int port_queued(struct port *port);
unsigned int port_running(struct port *port);
unsigned int port_waiting(struct port *port);

/* ---- Memory ------------------------------------------------------------ */

/* Zeroed memory from the process heap; NULL when out of memory. */
void *mem_alloc(SIZE_T size);
void mem_free(void *ptr);

/* Blocks of one size kept for reuse, for memory that one thread allocates
 * and another frees at a high rate.  A kept block counts as freed for the
 * fault counters (a block freed on a worker comes back to the cache a
 * little after its callback: the tests' leak check must not see a second
 * block allocated meanwhile as a leak), and taking one can fail by
 * injection as mem_alloc can. */
struct mem_cache
{
    struct lock lock;
    SIZE_T size;
    void *blocks;           /* each starts with a pointer to the next */
    unsigned int count;
};

void mem_cache_init(struct mem_cache *cache, SIZE_T size);
/* A zeroed block of the cache's size; NULL when out of memory. */
void *mem_cache_alloc(struct mem_cache *cache);
void mem_cache_free(struct mem_cache *cache, void *ptr);
/* Frees the kept blocks; nobody may use the cache meanwhile. */
void mem_cache_destroy(struct mem_cache *cache);

/* ---- Fault injection (for tests) ---------------------------------------- */

#include "fault.h"

/* For the backends: TRUE when this call must fail; the counting. */
BOOL fault_injected(ULONG kind);
void fault_count_allocation(void *ptr);
void fault_count_free(void *ptr);

/* ---- Completion actions and exceptions ------------------------------------ */

/* What callback instances do for the application when a callback returns
 * (the handles are the application's). */
NTSTATUS action_set_event(HANDLE event);
NTSTATUS action_release_semaphore(HANDLE semaphore, LONG count);
NTSTATUS action_release_mutex(HANDLE mutex);
void action_leave_critical_section(CRITICAL_SECTION *critical_section);
NTSTATUS action_free_library(HMODULE library);
/* One more reference on a loaded library (released by action_free_library). */
NTSTATUS library_addref(HMODULE library);

/* snprintf: always terminated, truncated to `size`.  The DLL formats with
 * ntdll's printf, so that tpool.dll loads no C runtime DLL. */
void text_format(char *buffer, size_t size, const char *format, ...);

/* Raises `status` as Windows' thread pool does for misuse it cannot
 * return (a structured exception in the DLL; natively a report on stderr
 * naming the status and `what`, then abort()). */
void exception_raise(NTSTATUS status, const char *what);
/* exception_raise with the exception's parameters (ExceptionInformation in
 * the DLL; natively printed after the status). */
void exception_raise_with(NTSTATUS status, const char *what, ULONG count, const ULONG_PTR *parameters);

/* WT_TRANSFER_IMPERSONATION: the calling thread's impersonation token, or
 * NULL when it impersonates nobody (always natively, where there is no
 * impersonation), put on a worker for a callback and taken off after. */
NTSTATUS impersonation_capture(HANDLE *token);
void impersonation_apply(HANDLE token);
void impersonation_revert(void);
void impersonation_free(HANDLE token);

/* ---- Alertable events ---------------------------------------------------- */

/* An auto-reset event whose waiter sleeps alertably: in the DLL a kernel
 * event waited on with APCs enabled (user APCs queued to the thread run
 * while it waits); natively an address wait (there are no APCs). */
struct alertable_event;

NTSTATUS alertable_event_create(struct alertable_event **event);
void alertable_event_set(struct alertable_event *event);
/* Returns once the event was set (resetting it), or after APCs ran. */
void alertable_event_wait(struct alertable_event *event);
void alertable_event_free(struct alertable_event *event);

#endif
